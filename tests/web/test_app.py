"""The web app end to end in headless Chromium: sign up, build a table in the sidebar, add
fields of many types, type into cells and read the values back through the API, search,
sort, paste a range, tokens, live updates, reload and log out."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from gridbase.fields import filtering
from gridbase.filters import default_filter_types
from tests.server import Server
from tests.web.browser import Browser, Grid
from tests.web.conftest import Account, jwt_of
from tests.web.tables import api_fields, api_rows, build_filter_group, signed_in_on_a_table


def sign_up(b: Browser, account: Account) -> None:
    b.open("/")
    b.until(lambda: b.driver.current_url.endswith("/login") or None)
    b.link("No account yet? Sign up").click()
    b.fill("Name", account.name)
    b.fill("Email", account.email)
    b.fill("Password", account.password)
    b.click("Sign up")
    b.text_appears(f"Welcome, {account.name}")


def make_table(b: Browser) -> None:
    """Workspace → database → table through the sidebar; ends on the new table's grid."""
    b.click("+ Add workspace")
    b.fill("Workspace name", "Acme")
    b.labelled("Workspace name").send_keys(Keys.ENTER)
    b.click("+ Add database")
    b.fill("Database name", "CRM")
    b.labelled("Database name").send_keys(Keys.ENTER)
    b.click("+ Add table")
    b.fill("Table name", "Customers")
    b.labelled("Table name").send_keys(Keys.ENTER)
    b.until(lambda: "/table/" in b.driver.current_url or None)
    b.text_appears("Customers", ".toolbar h1")


def test_sign_up_and_build_a_table_in_the_sidebar(
    page: Browser, server: Server, account: Account
) -> None:
    sign_up(page, account)
    make_table(page)
    auth = jwt_of(server, account.email, account.password)
    tables = requests.get(f"{server.url}/api/applications/", headers=auth, timeout=10).json()
    assert [(d["name"], [t["name"] for t in d["tables"]]) for d in tables] == [
        ("CRM", ["Customers"])
    ]
    page.shot("table")

    # a second table: moved above the first, renamed, deleted
    page.click("+ Add table")
    page.fill("Table name", "Orders")
    page.labelled("Table name").send_keys(Keys.ENTER)
    page.text_appears("Orders", ".toolbar h1")
    page.click("Move table Orders up")
    page.until(lambda: table_names(server, auth) == ["Orders", "Customers"] or None)
    page.click("Rename table Orders")
    page.fill("New name of table Orders", "Sales")
    page.labelled("New name of table Orders").send_keys(Keys.ENTER)
    page.until(lambda: table_names(server, auth) == ["Sales", "Customers"] or None)
    page.click("Delete table Sales")
    page.wait().until(lambda d: d.switch_to.alert).accept()
    page.until(lambda: table_names(server, auth) == ["Customers"] or None)
    page.until(lambda: page.driver.current_url == server.url + "/" or None)


def table_names(server: Server, auth: dict[str, str]) -> list[str]:
    [database] = requests.get(f"{server.url}/api/applications/", headers=auth, timeout=10).json()
    return [t["name"] for t in sorted(database["tables"], key=lambda t: (t["order"], t["id"]))]


def add_field(b: Browser, name: str, type_label: str, **options: Any) -> None:
    """The new-field form: name, type, and the type's options."""
    b.click("+ Field")
    b.fill("Field name", name)
    Select(b.labelled("Field type")).select_by_visible_text(type_label)
    if "decimals" in options:
        b.fill("Decimal places", str(options["decimals"]))
    if "date_format" in options:
        Select(b.labelled("Date format")).select_by_visible_text(options["date_format"])
    if "link" in options:
        b.until(lambda: len(Select(b.labelled("Linked table")).options) > 1 or None)
        Select(b.labelled("Linked table")).select_by_visible_text(options["link"])
    for i, value in enumerate(options.get("select_options", ())):
        b.click("+ Option")
        b.fill(f"Option {i + 1}", value)
    before = int(b.find(".grid-host").get_attribute("data-fields") or 0)
    b.click("Create field")
    b.wait().until(lambda _: not b.all("form.field-form"))
    b.find(f'.grid-host[data-fields="{before + 1}"]')


def test_fields_of_many_types_are_edited_in_the_grid(
    page: Browser, server: Server, account: Account, tmp_path: Path
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    add_field(page, "Amount", "# Number", decimals=2)
    add_field(page, "Due", "▦ Date", date_format="European (D/M/Y)")
    add_field(page, "Status", "▾ Single select", select_options=["Open", "Won"])
    add_field(page, "Stars", "★ Rating")
    add_field(page, "Site", "↗ URL")
    add_field(page, "Mail", "@ Email")
    add_field(page, "Phone", "☎ Phone number")
    fields = api_fields(server, auth, table)
    col = {name: f"field_{f['id']}" for name, f in fields.items()}
    assert [fields[n]["type"] for n in ("Amount", "Due", "Status", "Stars", "Site", "Mail")] == [
        "number", "date", "single_select", "rating", "url", "email"
    ]  # fmt: skip
    grid = Grid(page)
    grid.type_into(0, col["Name"], "Globex")
    grid.type_into(0, col["Notes"], "Big client")
    grid.type_into(0, col["Amount"], "12.5")
    grid.type_into(0, col["Stars"], "4")
    grid.type_into(0, col["Site"], "https://globex.example")
    grid.type_into(0, col["Phone"], "+1 555 0100")
    grid.type_into(0, col["Status"], "Won")
    grid.type_into(0, col["Due"], "03152025")  # the date picker, typed as en-US shows it
    grid.wait_text(0, col["Due"], "15/03/2025")  # shown in the field's European format
    grid.click_in(0, col["Active"], "input")
    grid.wait_text(0, col["Amount"], "12.50")
    # Esc leaves an edit without saving it; Tab saves and moves to the next cell
    grid.focus(0, col["Name"])
    page.driver.switch_to.active_element.send_keys(Keys.ENTER)
    editor = page.find(".ag-cell-inline-editing input")
    editor.send_keys(" (typo)", Keys.ESCAPE)
    grid.wait_text(0, col["Name"], "Globex")
    page.driver.switch_to.active_element.send_keys(Keys.ENTER)
    page.find(".ag-cell-inline-editing input").send_keys(Keys.END, " Corp", Keys.TAB)
    page.until(lambda: api_rows(server, auth, table)[0]["Name"] == "Globex Corp" or None)
    page.find(".ag-popup-editor textarea")  # Tab went on to edit Notes (long text: a popup)
    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.wait().until(lambda _: not page.all(".ag-cell-inline-editing, .ag-popup-editor"))
    # a bad email is refused by the API, and the message shows next to the grid, in words
    grid.type_into(0, col["Mail"], "not-an-email")
    page.text_appears("Mail:", ".cell-error-message")
    grid.type_into(0, col["Mail"], "ada@globex.example")
    page.wait().until(lambda _: not page.all(".cell-error-message"))
    page.until(lambda: api_rows(server, auth, table)[0]["Mail"] == "ada@globex.example" or None)
    row = api_rows(server, auth, table)[0]
    assert {
        k: row[k] for k in ("Name", "Notes", "Amount", "Stars", "Site", "Phone", "Active", "Due")
    } == {
        "Name": "Globex Corp",
        "Notes": "Big client",
        "Amount": "12.50",
        "Stars": 4,
        "Site": "https://globex.example",
        "Phone": "+1 555 0100",
        "Active": True,
        "Due": "2025-03-15",
    }
    assert row["Status"]["value"] == "Won"

    # list values: multiple select options, and a link picker that searches the linked table
    add_field(page, "Tags", "☰ Multiple select", select_options=["red", "blue"])
    add_field(page, "Partner", "↔ Link to table", link="Customers")
    col = {name: f"field_{f['id']}" for name, f in api_fields(server, auth, table).items()}
    pick(page, grid, 0, col["Tags"], "blu", "blue")
    pick(page, grid, 1, col["Partner"], "Glob", "Globex Corp")
    page.until(lambda: api_rows(server, auth, table)[1]["Partner"] or None)
    first, second = api_rows(server, auth, table)
    assert [t["value"] for t in first["Tags"]] == ["blue"]
    assert [(p["id"], p["value"]) for p in second["Partner"]] == [(first["id"], "Globex Corp")]

    # a file uploaded from the cell's editor, shown as a thumbnail
    add_field(page, "Photo", "⎘ File")
    photo = f"field_{api_fields(server, auth, table)['Photo']['id']}"
    image = tmp_path / "dot.png"
    Image.new("RGB", (60, 40), "red").save(image)
    grid.focus(0, photo)
    page.driver.switch_to.active_element.send_keys(Keys.ENTER)
    page.find(".file-editor")
    page.all(".file-editor input[type=file]")[0].send_keys(str(image))
    page.text_appears("dot.png", ".file-editor ul")
    page.click("Done")
    page.until(lambda: api_rows(server, auth, table)[0]["Photo"] or None)
    [stored] = api_rows(server, auth, table)[0]["Photo"]
    assert (stored["visible_name"], stored["is_image"]) == ("dot.png", True)
    page.find(f'.ag-row[row-index="0"] [col-id="{photo}"] img.thumb')
    page.shot("grid")


def accepted_filters(field_type: str) -> set[str]:
    """The filter types the server accepts for a field type (its registries)."""
    registered = {f.type for f in default_filter_types()}
    return set(filtering.for_field_type(field_type)) & registered


def pick(page: Browser, grid: Grid, row: int, col: str, search: str, choice: str) -> None:
    """Open a list editor with Enter, search, add the highlighted item, finish with Enter."""
    grid.focus(row, col)
    page.driver.switch_to.active_element.send_keys(Keys.ENTER)
    box = page.find(".picker input")
    box.send_keys(search)
    page.text_appears(choice, ".picker li.active")
    box.send_keys(Keys.ENTER)
    page.text_appears(choice, ".picker .chips")
    box.send_keys(Keys.ENTER)
    grid.wait_text(row, col, choice)


class Receiver:
    """A webhook receiver on 127.0.0.1 that keeps the JSON bodies it was sent."""

    def __init__(self) -> None:
        calls: list[Any] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                calls.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.calls = calls
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.shutdown()
        self.http.server_close()


COPY = """
const dt = new DataTransfer();
arguments[0].dispatchEvent(new ClipboardEvent('copy', {clipboardData: dt, bubbles: true}));
return dt.getData('text/plain');
"""

PASTE = """
const dt = new DataTransfer();
dt.setData('text/plain', arguments[1]);
arguments[0].dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true}));
"""


def test_search_sort_paste_add_delete_and_live_rows(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    fields = api_fields(server, auth, table)
    name, notes = (f"field_{fields[n]['id']}" for n in ("Name", "Notes"))
    grid = Grid(page)
    page.text_appears("2 rows", ".count")

    # a row written by another client shows up while the grid is open
    r = requests.post(
        f"{server.url}/api/database/rows/table/{table}/?user_field_names=true",
        json={"Name": "Live one"},
        headers=auth,
        timeout=10,
    )
    assert r.status_code == 200, r.text
    page.text_appears("3 rows", ".count")
    grid.wait_text(2, name, "Live one")

    # paste a 3x3 range (TSV, as spreadsheets copy it) from the first cell
    grid.focus(0, name)
    tsv = "alpha\tfirst\ttrue\nbeta\tsecond\tfalse\ngamma\tthird\tyes\n"
    page.js(PASTE, page.driver.switch_to.active_element, tsv)
    page.until(lambda: api_rows(server, auth, table)[2]["Name"] == "gamma" or None)
    rows = api_rows(server, auth, table)
    assert [(r["Name"], r["Notes"], r["Active"]) for r in rows] == [
        ("alpha", "first", True),
        ("beta", "second", False),
        ("gamma", "third", True),
    ]
    grid.wait_text(2, name, "gamma")

    # copy for a spreadsheet: the focused cell, or the selected rows as TSV
    grid.focus(1, notes)
    assert page.js(COPY, page.driver.switch_to.active_element) == "second"
    grid.click_in(0, "ag-Grid-SelectionColumn", "input")
    grid.click_in(2, "ag-Grid-SelectionColumn", "input")
    assert page.js(COPY, grid.cell(0, name)) == "alpha\tfirst\ttrue\ngamma\tthird\ttrue"
    grid.click_in(0, "ag-Grid-SelectionColumn", "input")
    grid.click_in(2, "ag-Grid-SelectionColumn", "input")
    page.text_appears("Delete selected", ".toolbar")

    # sort by clicking the header: descending on the second click
    header = page.find(f'.ag-header-cell[col-id="{name}"] .ag-header-cell-label')
    header.click()
    grid.wait_text(0, name, "alpha")
    page.find(f'.ag-header-cell[col-id="{name}"] .ag-header-cell-label').click()
    grid.wait_text(0, name, "gamma")

    # search narrows the rows, and the count follows
    page.fill("Search rows", "bet")
    page.text_appears("1 row", ".count")
    grid.wait_text(0, name, "beta")
    page.fill("Search rows", "")
    page.text_appears("3 rows", ".count")

    # the filter builder: Active is true OR Notes contains "sec"
    page.click("Filter")
    page.click("+ Condition")
    Select(page.labelled("Filter 1 field")).select_by_visible_text("Active")
    page.labelled("Filter 1 value").click()
    page.text_appears("2 rows", ".count")
    page.click("+ Condition")
    Select(page.labelled("Filter 2 field")).select_by_visible_text("Notes")
    # the types offered are the server's own for the field (read from the database's OpenAPI
    # document), so they cannot drift from what the API accepts
    for label, type_ in (("Filter 1 type", "boolean"), ("Filter 2 type", "long_text")):
        offered = [o.get_attribute("value") for o in Select(page.labelled(label)).options]
        assert sorted(offered) == sorted(accepted_filters(type_)), label
    page.fill("Filter 2 value", "sec")
    Select(page.labelled("Match all or any")).select_by_visible_text("any condition (OR)")
    page.text_appears("3 rows", ".count")
    Select(page.labelled("Match all or any")).select_by_visible_text("all conditions (AND)")
    page.text_appears("0 rows", ".count")
    page.click("Remove filter 2")
    page.click("Remove filter 1")
    page.text_appears("3 rows", ".count")

    # a group: Active AND (Notes contains "sec" OR Notes contains "thi")
    build_filter_group(page, "sec", "thi", ("2 rows", "0 rows", "1 row"))
    grid.wait_text(0, name, "gamma")
    page.click("Remove group 1")
    page.click("Remove filter 1")
    page.text_appears("3 rows", ".count")

    # a row expanded into a form, saved through it
    grid.focus(0, notes)
    page.click("Expand row")
    page.fill("Notes", "from the form")
    page.click("Save row")
    page.until(
        lambda: "from the form" in [r["Notes"] for r in api_rows(server, auth, table)] or None
    )

    # add a row, then select two rows and delete them
    page.click("+ Row")
    page.text_appears("4 rows", ".count")
    assert len(api_rows(server, auth, table)) == 4
    grid.click_in(0, "ag-Grid-SelectionColumn", "input")
    grid.click_in(1, "ag-Grid-SelectionColumn", "input")
    page.click("Delete 2 selected")
    page.text_appears("2 rows", ".count")
    assert sorted(r["Name"] or "" for r in api_rows(server, auth, table)) == ["", "alpha"]

    # a saved view keeps the filters, sorts and hidden fields on screen
    page.click("+ Condition")
    page.fill("Filter 1 value", "alp")
    page.text_appears("1 row", ".count")
    page.click("Fields")
    page.labelled("Show Notes").click()
    page.wait().until(lambda _: not page.all(f'.ag-header-cell[col-id="{notes}"]'))
    page.click("Save as new view")
    prompt = page.wait().until(lambda d: d.switch_to.alert)
    prompt.send_keys("Alphas")
    prompt.accept()
    page.text_appears("Saved", ".view-bar .status")
    views = requests.get(
        f"{server.url}/api/database/views/table/{table}/?include=filters,sortings",
        headers=auth,
        timeout=10,
    ).json()
    saved = {v["name"]: v for v in views}  # a new table comes with a view named Grid
    assert [(f["type"], f["value"]) for f in saved["Alphas"]["filters"]] == [("contains", "alp")]
    options = requests.get(
        f"{server.url}/api/database/views/{saved['Alphas']['id']}/field-options/",
        headers=auth,
        timeout=10,
    ).json()["field_options"]
    assert options[notes.removeprefix("field_")]["hidden"] is True
    Select(page.labelled("View")).select_by_visible_text("All rows")
    page.text_appears("2 rows", ".count")
    page.find(f'.ag-header-cell[col-id="{notes}"]')
    Select(page.labelled("View")).select_by_visible_text("Alphas")
    page.text_appears("1 row", ".count")
    page.wait().until(lambda _: not page.all(f'.ag-header-cell[col-id="{notes}"]'))


def test_token_webhook_reload_and_log_out(page: Browser, server: Server, account: Account) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    page.driver.refresh()  # the session survives a reload
    page.text_appears("Customers", ".toolbar h1")
    page.text_appears("2 rows", ".count")

    page.link("Database tokens").click()
    page.fill("Token name", "reader")
    for op in ("create", "update", "delete"):
        Select(page.labelled(f"{op} permission")).select_by_visible_text("Nothing")
    page.click("Create token")
    key = page.find(".token-key").text
    assert len(key) == 32
    page.shot("tokens")
    token = {"Authorization": f"Token {key}"}
    rows = f"{server.url}/api/database/rows/table/{table}/"
    read = requests.get(rows, headers=token, timeout=10)
    assert (read.status_code, read.json()["count"]) == (200, 2)
    write = requests.post(rows, json={}, headers=token, timeout=10)
    assert (write.status_code, write.json()["error"]) == (401, "ERROR_NO_PERMISSION_TO_TABLE")

    # rotate: a new key is shown once and the old one stops working; revoke ends the new one
    page.click("Done")
    page.click("Rotate key")
    page.until(lambda: page.find(".token-key").text != key or None)
    rotated = {"Authorization": f"Token {page.find('.token-key').text}"}
    assert requests.get(rows, headers=token, timeout=10).status_code == 401
    assert requests.get(rows, headers=rotated, timeout=10).status_code == 200
    page.click("Done")
    page.click("Revoke reader")
    page.wait().until(lambda d: d.switch_to.alert).accept()
    page.wait().until(lambda _: not page.all(".token-list li"))
    assert requests.get(rows, headers=rotated, timeout=10).status_code == 401

    # a webhook made in the app is called on a row write, and its call log shows the call
    with Receiver() as receiver:
        page.open(f"/table/{table}/webhooks")
        page.click("+ Webhook")
        page.fill("Webhook name", "notify")
        page.fill("URL", receiver.url)
        page.click("Create webhook")
        page.find(".webhook-list h2")
        requests.post(rows, json={}, headers=auth, timeout=10)
        call = page.until(lambda: receiver.calls[0] if receiver.calls else None)
        assert call["event_type"] == "rows.created"
        page.driver.refresh()
        page.find(".webhook-list details summary").click()
        page.text_appears("rows.created", ".calls")

    # a narrow window: the sidebar folds behind a menu button
    page.driver.set_window_size(420, 800)
    page.until(lambda: not page.all(".sidebar")[0].is_displayed() or None)
    page.click("Toggle sidebar")
    page.find(".sidebar")
    assert page.js("return document.documentElement.scrollWidth <= window.innerWidth")
    page.click("Toggle sidebar")
    page.driver.set_window_size(1280, 800)

    refresh = page.js("return localStorage.getItem('gridbase.refresh_token')")
    page.click("Log out")
    page.until(lambda: page.driver.current_url.endswith("/login") or None)
    assert page.js("return localStorage.getItem('gridbase.refresh_token')") is None
    again = requests.post(
        f"{server.url}/api/user/token-refresh/", json={"refresh_token": refresh}, timeout=10
    )
    assert again.status_code == 401  # logging out blacklisted it on the server
    page.open(f"/table/{table}")
    page.until(lambda: page.driver.current_url.endswith("/login") or None)


def test_paste_past_the_last_row_adds_rows_and_a_range_copies(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    fields = api_fields(server, auth, table)
    name, notes = (f"field_{fields[n]['id']}" for n in ("Name", "Notes"))
    grid = Grid(page)
    page.text_appears("2 rows", ".count")

    # four lines pasted on a two-row table: two rows updated, two created (as spreadsheets)
    grid.focus(0, name)
    tsv = "a\tfirst\nb\tsecond\nc\tthird\nd\tfourth\n"
    page.js(PASTE, page.driver.switch_to.active_element, tsv)
    page.text_appears("4 rows", ".count")
    page.until(lambda: len(api_rows(server, auth, table)) == 4 or None)
    assert [(r["Name"], r["Notes"]) for r in api_rows(server, auth, table)] == [
        ("a", "first"),
        ("b", "second"),
        ("c", "third"),
        ("d", "fourth"),
    ]
    grid.wait_text(3, name, "d")

    # shift+click spans a range of cells; copy gives it as TSV
    grid.focus(1, name)
    ActionChains(page.driver).key_down(Keys.SHIFT).click(grid.cell(2, notes)).key_up(
        Keys.SHIFT
    ).perform()
    page.until(lambda: len(page.all(".ag-cell.cell-range")) == 4 or None)
    assert page.js(COPY, grid.cell(1, name)) == "b\tsecond\nc\tthird"

    # a plain click starts over; shift+arrows span the range from there
    grid.focus(0, notes)
    page.until(lambda: not page.all(".ag-cell.cell-range") or None)
    page.driver.switch_to.active_element.send_keys(Keys.SHIFT, Keys.ARROW_DOWN)
    page.driver.switch_to.active_element.send_keys(Keys.SHIFT, Keys.ARROW_DOWN)
    page.until(lambda: len(page.all(".ag-cell.cell-range")) == 3 or None)
    assert page.js(COPY, grid.cell(0, notes)) == "first\nsecond\nthird"

    # a paste goes to the range's top left cell
    page.js(PASTE, page.driver.switch_to.active_element, "1st\n2nd")
    page.until(lambda: api_rows(server, auth, table)[1]["Notes"] == "2nd" or None)
    assert [r["Notes"] for r in api_rows(server, auth, table)] == ["1st", "2nd", "third", "fourth"]
