"""The web app's less travelled paths in headless Chromium: the date-time editor in a field's
own time zone, a row form's errors by field, filter groups saved into a view and read back,
a database token's expiry, and the one renewal of an expired access token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import requests
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from gridbase.config import Settings
from tests.server import Server
from tests.web.browser import Browser, Grid
from tests.web.conftest import Account
from tests.web.tables import (
    add_field_by_api,
    api_fields,
    api_rows,
    build_filter_group,
    open_editor,
    reload_with_fields,
    signed_in_on_a_table,
)

# What a person's picking in a native date/time input amounts to: the value, then `input`
SET_VALUE = """
const [el, value] = arguments;
Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, value);
el.dispatchEvent(new Event('input', {bubbles: true}));
el.dispatchEvent(new Event('change', {bubbles: true}));
"""


def test_date_time_editor_writes_the_fields_time_zone_as_utc(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    meet = add_field_by_api(
        server, auth, table, name="Meet", type="date", date_format="ISO",
        date_include_time=True, date_time_format="24", date_force_timezone="Asia/Tokyo",
    )  # fmt: skip
    reload_with_fields(page, 4)
    grid = Grid(page)
    editor = open_editor(page, grid, 0, meet, "Meet (Asia/Tokyo)")  # it names its zone
    assert editor.get_attribute("type") == "datetime-local"
    page.js(SET_VALUE, editor, "2025-03-15T09:30")
    editor.send_keys(Keys.ENTER)
    # 09:30 in Tokyo (UTC+9) is 00:30 UTC; the grid shows it back in Tokyo's wall time
    page.until(lambda: api_rows(server, auth, table)[0]["Meet"] or None)
    assert api_rows(server, auth, table)[0]["Meet"] == "2025-03-15T00:30:00Z"
    grid.wait_text(0, meet, "2025-03-15 09:30")
    # editing again starts from the stored instant, in the field's zone
    editor = open_editor(page, grid, 0, meet, "Meet (Asia/Tokyo)")
    assert editor.get_attribute("value") == "2025-03-15T09:30"
    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)


def test_row_form_shows_the_apis_errors_by_field(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    phone = add_field_by_api(server, auth, table, name="Phone", type="phone_number")
    reload_with_fields(page, 4)
    name = f"field_{api_fields(server, auth, table)['Name']['id']}"
    grid = Grid(page)
    grid.focus(0, name)
    page.click("Expand row")
    page.fill("Name", "Initech")
    page.fill("Phone", "call me")  # a plain text input: only the API can refuse it
    page.click("Save row")
    # the refusal shows under the field it is about, and the form stays open with the input
    error = page.find("dialog.row-form p.error")
    assert error.text == "Enter a valid value."  # the API's words (Baserow's)
    assert error.find_element("xpath", "preceding-sibling::label[1]").text.startswith("Phone")
    assert page.labelled("Phone").get_attribute("value") == "call me"
    assert api_rows(server, auth, table)[0]["Name"] != "Initech"  # all or nothing
    page.fill("Phone", "+1 555 0199")
    page.click("Save row")
    page.wait().until(lambda _: not page.all("dialog.row-form[open]"))
    row = api_rows(server, auth, table)[0]
    assert (row["Name"], row["Phone"]) == ("Initech", "+1 555 0199")
    grid.wait_text(0, phone, "+1 555 0199")


def test_filter_groups_are_saved_into_a_view(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    fields = api_fields(server, auth, table)
    rows = f"{server.url}/api/database/rows/table/{table}/batch/?user_field_names=true"
    items = [
        {"Name": "a", "Notes": "red", "Active": True},
        {"Name": "b", "Notes": "blue", "Active": True},
        {"Name": "c", "Notes": "red", "Active": False},
    ]
    assert requests.post(rows, json={"items": items}, headers=auth, timeout=10).ok
    page.text_appears("5 rows", ".count")
    # Active AND (Notes contains "red" OR Notes contains "blu")
    page.click("Filter")
    build_filter_group(page, "red", "blu", ("2 rows", "1 row", "2 rows"))
    page.click("Save as new view")
    prompt = page.wait().until(lambda d: d.switch_to.alert)
    prompt.send_keys("Active colours")
    prompt.accept()
    page.text_appears("Saved", ".view-bar .status")

    views = requests.get(
        f"{server.url}/api/database/views/table/{table}/?include=filters",
        headers=auth,
        timeout=10,
    ).json()
    [saved] = [v for v in views if v["name"] == "Active colours"]
    [group] = saved["filter_groups"]
    assert (saved["filter_type"], group["filter_type"]) == ("AND", "OR")
    notes, active = fields["Notes"]["id"], fields["Active"]["id"]
    assert sorted((f["field"], f["type"], f["value"], f["group"]) for f in saved["filters"]) == [
        (notes, "contains", "blu", group["id"]),
        (notes, "contains", "red", group["id"]),
        (active, "boolean", "1", None),
    ]
    # the rows the API gives for the view are the ones the builder showed
    listed = requests.get(
        f"{server.url}/api/database/rows/table/{table}/?view_id={saved['id']}&user_field_names=true",
        headers=auth,
        timeout=10,
    ).json()["results"]
    assert sorted(r["Name"] for r in listed) == ["a", "b"]

    # read back: another view clears the builder, this one brings its group again
    Select(page.labelled("View")).select_by_visible_text("All rows")
    page.text_appears("5 rows", ".count")
    page.driver.refresh()
    page.until(  # the views load after the page
        lambda: "Active colours" in [o.text for o in Select(page.labelled("View")).options] or None
    )
    Select(page.labelled("View")).select_by_visible_text("Active colours")
    page.text_appears("2 rows", ".count")
    page.click("Filter")
    assert page.labelled("Group 1 match").get_attribute("value") == "OR"
    assert page.labelled("Filter 3 value").get_attribute("value") == "blu"


def test_token_expiry_ends_its_key(page: Browser, server: Server, account: Account) -> None:
    table, _ = signed_in_on_a_table(page, server, account)
    page.link("Database tokens").click()

    def create(name: str, local_time: str) -> str:
        page.fill("Token name", name)
        page.js(SET_VALUE, page.labelled("Expires (optional)"), local_time)
        page.click("Create token")
        key = str(page.find(".token-key").text)
        page.click("Done")
        return key

    later, earlier = page.js(LOCAL_TIME, 60 * 24), page.js(LOCAL_TIME, -2)
    live = create("tomorrow", later)
    dead = create("lapsed", earlier)
    page.text_appears("expires", ".token-list")
    tokens = requests.get(
        f"{server.url}/api/database/tokens/?include_usage=true",
        headers=jwt_header(server, account),
        timeout=10,
    ).json()
    expiry = {t["name"]: t["expires_at"] for t in tokens}
    as_utc = "return new Date(arguments[0]).toISOString()"
    for name, local_time in (("tomorrow", later), ("lapsed", earlier)):
        stored = datetime.fromisoformat(expiry[name].replace("Z", "+00:00"))
        assert stored == datetime.fromisoformat(page.js(as_utc, local_time).replace("Z", "+00:00"))

    url = f"{server.url}/api/database/rows/table/{table}/"
    assert requests.get(url, headers={"Authorization": f"Token {live}"}, timeout=10).ok
    refused = requests.get(url, headers={"Authorization": f"Token {dead}"}, timeout=10)
    assert (refused.status_code, refused.json()["error"]) == (401, "ERROR_TOKEN_EXPIRED")


def jwt_header(server: Server, account: Account) -> dict[str, str]:
    r = requests.post(
        f"{server.url}/api/user/token-auth/",
        json={"email": account.email, "password": account.password},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"JWT {r.json()['access_token']}"}


# The browser's local wall time some minutes from now, as a person picks it in the input.
LOCAL_TIME = """
const d = new Date(Date.now() + arguments[0] * 60000);
d.setSeconds(0, 0);
return new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
"""


# Hands the app's next write (a PATCH) an expired access token, as if the one it holds had
# lapsed meanwhile, and counts the app's token renewals.
SPOIL_NEXT = """
window.__renewals = 0;
window.__spoil = arguments[0];
const original = window.fetch;
window.fetch = function (url, options) {
  if (String(url).includes('/api/user/token-refresh/')) window.__renewals += 1;
  const auth = options && options.headers && options.headers.Authorization;
  if (window.__spoil && auth && options.method === 'PATCH') {
    options = {...options, headers: {...options.headers, Authorization: 'JWT ' + window.__spoil}};
    window.__spoil = null;
  }
  return original.call(this, url, options);
};
"""


def expired_access_token(server: Server, user_id: int) -> str:
    secret = Settings(data_dir=server.env["GRIDBASE_DATA_DIR"]).resolved_secret_key()
    issued = datetime.now(UTC) - timedelta(hours=1)
    payload = {
        "token_type": "access",
        "user_id": user_id,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(minutes=10)).timestamp()),
        "jti": "expired",
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def test_an_expired_access_token_is_renewed_once_and_the_request_retried(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    me = requests.post(
        f"{server.url}/api/user/token-auth/",
        json={"email": account.email, "password": account.password},
        timeout=10,
    ).json()["user"]["id"]
    name = f"field_{api_fields(server, auth, table)['Name']['id']}"
    grid = Grid(page)
    page.text_appears("2 rows", ".count")
    page.js(SPOIL_NEXT, expired_access_token(server, me))
    grid.type_into(0, name, "after renewal")
    # the save was refused once (expired), the session renewed, the save retried and kept
    page.until(lambda: api_rows(server, auth, table)[0]["Name"] == "after renewal" or None)
    assert page.js("return [window.__spoil, window.__renewals]") == [None, 1]
    assert not page.all(".cell-error-message")
    page.text_appears("2 rows", ".count")  # still signed in: the grid keeps working
    assert not page.driver.current_url.endswith("/login")
