"""The grid's editors for collaborators, passwords and rich long text, driven from the
keyboard as a person does, each checked through the REST API."""

from __future__ import annotations

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.server import Server
from tests.web.browser import Browser, Grid
from tests.web.conftest import Account
from tests.web.tables import (
    add_field_by_api,
    api_rows,
    open_editor,
    reload_with_fields,
    signed_in_on_a_table,
)


def test_collaborators_are_picked_from_the_workspace_members(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    owners = add_field_by_api(server, auth, table, name="Owners", type="multiple_collaborators")
    reload_with_fields(page, 4)
    grid = Grid(page)
    box = open_editor(page, grid, 0, owners, "Choose Owners")
    box.send_keys(account.name[:3])  # the members whose name matches
    page.text_appears(account.name, ".picker [role=listbox]")
    box.send_keys(Keys.ENTER)  # adds the highlighted member
    page.find(f'.picker [aria-label="Remove {account.name}"]')
    box.send_keys(Keys.ENTER)  # an empty search: done
    page.until(lambda: api_rows(server, auth, table)[0]["Owners"] or None)
    owners_now = api_rows(server, auth, table)[0]["Owners"]
    assert [u["name"] for u in owners_now] == [account.name]
    grid.wait_text(0, owners, account.name)
    # Backspace on the empty search takes the member off again
    box = open_editor(page, grid, 0, owners, "Choose Owners")
    box.send_keys(Keys.BACKSPACE)
    page.wait().until(lambda _: not page.all(f'.picker [aria-label="Remove {account.name}"]'))
    box.send_keys(Keys.ENTER)
    page.until(lambda: api_rows(server, auth, table)[0]["Owners"] == [] or None)
    grid.wait_text(0, owners, "")


def test_a_password_is_set_and_cleared_but_never_shown(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    pin = add_field_by_api(
        server, auth, table, name="PIN", type="password", allow_endpoint_authentication=True
    )
    reload_with_fields(page, 4)
    grid = Grid(page)
    assert grid.text(0, pin) == ""
    box = open_editor(page, grid, 0, pin, "New password for PIN")
    assert box.get_attribute("type") == "password"
    box.send_keys("s3cret-pin", Keys.ENTER)
    page.until(lambda: api_rows(server, auth, table)[0]["PIN"] is True or None)
    grid.wait_text(0, pin, "•••••••• (set)")
    # the cell keeps the password the person typed: the API checks it against the row
    row_id = api_rows(server, auth, table)[0]["id"]
    check = requests.post(
        f"{server.url}/api/database/fields/password-authentication/",
        json={
            "field_id": int(pin.removeprefix("field_")),
            "row_id": row_id,
            "password": "s3cret-pin",
        },
        headers=auth,
        timeout=10,
    )
    assert check.status_code == 200, check.text
    # Enter with nothing typed changes nothing; Tab reaches Clear, Enter there clears it
    box = open_editor(page, grid, 0, pin, "New password for PIN")
    assert box.get_attribute("value") == ""
    box.send_keys(Keys.ENTER)
    page.wait().until(lambda _: not page.all('[aria-label="New password for PIN"]'))
    assert api_rows(server, auth, table)[0]["PIN"] is True
    box = open_editor(page, grid, 0, pin, "New password for PIN")
    box.send_keys(Keys.TAB)
    clear = page.driver.switch_to.active_element
    assert clear.text == "Clear password"
    clear.send_keys(Keys.ENTER)
    page.until(lambda: api_rows(server, auth, table)[0]["PIN"] is None or None)
    grid.wait_text(0, pin, "")


def test_rich_long_text_is_written_as_markdown_and_shown_without_markup(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    notes = add_field_by_api(
        server, auth, table, name="Brief", type="long_text", long_text_enable_rich_text=True
    )
    reload_with_fields(page, 4)
    grid = Grid(page)
    text = open_editor(page, grid, 0, notes, "Brief (markdown)")
    text.send_keys("plan")
    text.send_keys(Keys.CONTROL, "a")
    page.click("Bold", ".rich-editor")  # the toolbar wraps the selection
    text.send_keys(Keys.END, Keys.SHIFT, Keys.ENTER)  # Shift+Enter: a new line
    page.click("Bulleted list", ".rich-editor")
    text.send_keys("milk and ")
    text.send_keys(Keys.CONTROL, "k")  # a link: its address is selected, to type over
    text.send_keys("https://example.com/milk")
    text.send_keys(Keys.END, Keys.SHIFT, Keys.ENTER)
    text.send_keys("an ")
    text.send_keys(Keys.CONTROL, "i")
    text.send_keys("idea")
    assert text.get_attribute("value") == (
        "**plan**\n- milk and [link](https://example.com/milk)\nan _idea_"
    )
    text.send_keys(Keys.ENTER)  # saves
    stored = "**plan**\n- milk and [link](https://example.com/milk)\nan _idea_"
    page.until(lambda: api_rows(server, auth, table)[0]["Brief"] == stored or None)
    # the cell shows it as text with simple HTML, not the markup
    grid.wait_text(0, notes, "plan • milk and link an idea")

    def parts() -> tuple[str, str, str | None]:  # a live refresh may redraw it: read again
        cell = grid.cell(0, notes)
        strong, em, a = (cell.find_element(By.CSS_SELECTOR, t) for t in ("strong", "em", "a"))
        return strong.text, em.text, a.get_attribute("href")

    page.until(lambda: parts() == ("plan", "idea", "https://example.com/milk") or None)
    # markup from elsewhere stays text: no element, no script address
    row_id = api_rows(server, auth, table)[0]["id"]
    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1))"
    answer = requests.patch(
        f"{server.url}/api/database/rows/table/{table}/{row_id}/",
        json={notes: hostile},
        headers=auth,
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    # (all the text, also what the narrow cell cuts off)
    content = "<img src=x onerror=alert(1)> click)"
    page.until(lambda: grid.cell(0, notes).get_attribute("textContent") == content or None)
    # read in one go (a redraw between two reads would make the second stale)
    tags = "return [...arguments[0].querySelectorAll('*')].map((e) => e.tagName)"
    page.until(lambda: set(page.js(tags, grid.cell(0, notes))) <= {"SPAN"} or None)


def test_the_link_picker_loads_more_matches_page_by_page(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    database = requests.get(
        f"{server.url}/api/database/tables/{table}/", headers=auth, timeout=10
    ).json()["database_id"]
    r = requests.post(
        f"{server.url}/api/database/tables/database/{database}/",
        json={"name": "Products", "data": [["Name"]], "first_row_header": True},
        headers=auth,
        timeout=10,
    )
    assert r.status_code == 200, r.text
    products = r.json()["id"]
    names = [f"Other {n}" for n in range(5)] + [f"Item {n:02}" for n in range(1, 46)]
    r = requests.post(
        f"{server.url}/api/database/rows/table/{products}/batch/?user_field_names=true",
        json={"items": [{"Name": n} for n in names]},
        headers=auth,
        timeout=10,
    )
    assert r.status_code == 200, r.text
    link = add_field_by_api(
        server, auth, table, name="Products", type="link_row", link_row_table_id=products
    )
    reload_with_fields(page, 4)
    grid = Grid(page)
    box = open_editor(page, grid, 0, link, "Search rows to link in Products")
    box.send_keys("Item")
    page.find('.picker [role=listbox][aria-busy="false"]')  # answered: "Item", not "Ite"
    page.text_appears("20 of 45", ".picker-foot")  # the first page of the matches

    def listed() -> list[str]:
        return [li.get_attribute("textContent") for li in page.all(".picker li")]

    assert listed() == [f"Item {n:02}" for n in range(1, 21)]
    # the arrow past the last one loads the next page of the same search
    for _ in range(20):
        box.send_keys(Keys.ARROW_DOWN)
    page.text_appears("Item 21", ".picker li.active")
    page.text_appears("40 of 45", ".picker-foot")
    # scrolling the list to its end loads the rest
    page.js("const l = document.querySelector('.picker ul'); l.scrollTop = l.scrollHeight")
    page.until(lambda: len(listed()) == 45 or None)
    assert listed() == [f"Item {n:02}" for n in range(1, 46)]  # the search still applied
    assert not page.find(".picker").find_elements(By.CSS_SELECTOR, ".picker-foot:not([hidden])")
    box.send_keys(Keys.ENTER)  # adds the highlighted Item 21
    page.text_appears("Item 21", ".picker .chips")
    box.send_keys(Keys.ENTER)
    page.until(lambda: api_rows(server, auth, table)[0]["Products"] or None)
    assert [v["value"] for v in api_rows(server, auth, table)[0]["Products"]] == ["Item 21"]
    grid.wait_text(0, link, "Item 21")
