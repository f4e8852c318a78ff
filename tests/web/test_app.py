"""The web app end to end in headless Chromium: sign up, build a table in the sidebar, add
fields of many types, type into cells and read the values back through the API, search,
sort, paste a range, tokens, live updates, reload and log out."""

from __future__ import annotations

from typing import Any

import requests
from selenium.webdriver.common.keys import Keys

from tests.server import Server
from tests.web.browser import Browser, Grid
from tests.web.conftest import jwt_of

EMAIL, PASSWORD = "ada@example.com", "correct-horse-1"


def sign_up(b: Browser) -> None:
    b.open("/")
    b.until(lambda: b.driver.current_url.endswith("/login") or None)
    b.link("No account yet? Sign up").click()
    b.fill("Name", "Ada")
    b.fill("Email", EMAIL)
    b.fill("Password", PASSWORD)
    b.click("Sign up")
    b.text_appears("Welcome, Ada")


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


def api_fields(server: Server, auth: dict[str, str], table_id: int) -> dict[str, dict[str, Any]]:
    r = requests.get(
        f"{server.url}/api/database/fields/table/{table_id}/", headers=auth, timeout=10
    )
    assert r.status_code == 200, r.text
    return {f["name"]: f for f in r.json()}


def api_rows(server: Server, auth: dict[str, str], table_id: int, query: str = "") -> list[Any]:
    url = f"{server.url}/api/database/rows/table/{table_id}/?user_field_names=true{query}"
    r = requests.get(url, headers=auth, timeout=10)
    assert r.status_code == 200, r.text
    return list(r.json()["results"])


def table_id_of(b: Browser) -> int:
    return int(b.driver.current_url.rsplit("/", 1)[1])


def test_sign_up_and_build_a_table_in_the_sidebar(page: Browser, server: Server) -> None:
    sign_up(page)
    make_table(page)
    auth = jwt_of(server, EMAIL, PASSWORD)
    tables = requests.get(f"{server.url}/api/applications/", headers=auth, timeout=10).json()
    assert [(d["name"], [t["name"] for t in d["tables"]]) for d in tables] == [
        ("CRM", ["Customers"])
    ]
    page.shot("table")


def add_field(b: Browser, name: str, type_label: str, **options: Any) -> None:
    """The new-field form: name, type, and the type's options."""
    from selenium.webdriver.support.ui import Select

    b.click("+ Field")
    b.fill("Field name", name)
    Select(b.labelled("Field type")).select_by_visible_text(type_label)
    if "decimals" in options:
        b.fill("Decimal places", str(options["decimals"]))
    for i, value in enumerate(options.get("select_options", ())):
        b.click("+ Option")
        b.fill(f"Option {i + 1}", value)
    before = int(b.find(".grid-host").get_attribute("data-fields") or 0)
    b.click("Create field")
    b.wait().until(lambda _: not b.all("form.field-form"))
    b.find(f'.grid-host[data-fields="{before + 1}"]')


def test_fields_of_many_types_are_edited_in_the_grid(page: Browser, server: Server) -> None:
    sign_up(page)
    make_table(page)
    table = table_id_of(page)
    auth = jwt_of(server, EMAIL, PASSWORD)
    add_field(page, "Amount", "# Number", decimals=2)
    add_field(page, "Due", "📅 Date")
    add_field(page, "Status", "▾ Single select", select_options=["Open", "Won"])
    add_field(page, "Stars", "★ Rating")
    add_field(page, "Site", "🔗 URL")
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
    grid.click_in(0, col["Active"], "input")
    grid.wait_text(0, col["Amount"], "12.50")
    # a bad email is refused by the API, and the message shows next to the grid, in words
    grid.type_into(0, col["Mail"], "not-an-email")
    page.text_appears("Mail:", ".cell-error-message")
    grid.type_into(0, col["Mail"], "ada@globex.example")
    page.wait().until(lambda _: not page.all(".cell-error-message"))
    page.until(lambda: api_rows(server, auth, table)[0]["Mail"] == "ada@globex.example" or None)
    row = api_rows(server, auth, table)[0]
    assert {k: row[k] for k in ("Name", "Notes", "Amount", "Stars", "Site", "Phone", "Active")} == {
        "Name": "Globex",
        "Notes": "Big client",
        "Amount": "12.50",
        "Stars": 4,
        "Site": "https://globex.example",
        "Phone": "+1 555 0100",
        "Active": True,
    }
    assert row["Status"]["value"] == "Won"
    page.shot("grid")
