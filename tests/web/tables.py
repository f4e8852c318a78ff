"""Helpers of the browser tests that set things up and read them back through the REST API:
a signed-in user on a fresh table, a table's fields and rows."""

from __future__ import annotations

from typing import Any

import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from tests.server import Server
from tests.web.browser import Browser, Grid
from tests.web.conftest import Account


def signed_in_on_a_table(
    b: Browser, server: Server, account: Account
) -> tuple[int, dict[str, str]]:
    """What sign_up + make_table do, through the API (faster; their test covers the UI):
    the table's page open, and the user's JWT header for the API."""
    body = {"name": account.name, "email": account.email, "password": account.password}
    r = requests.post(f"{server.url}/api/user/", json={**body, "authenticate": True}, timeout=10)
    assert r.status_code == 200, r.text
    session = r.json()
    auth = {"Authorization": f"JWT {session['access_token']}"}

    def post(path: str, payload: dict[str, Any]) -> int:
        answer = requests.post(f"{server.url}{path}", json=payload, headers=auth, timeout=10)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["id"])

    workspace = post("/api/workspaces/", {"name": "Acme"})
    database = post(
        f"/api/applications/workspace/{workspace}/", {"name": "CRM", "type": "database"}
    )
    table = post(f"/api/database/tables/database/{database}/", {"name": "Customers"})
    b.open("/login")
    b.js("localStorage.setItem('gridbase.refresh_token', arguments[0])", session["refresh_token"])
    b.open(f"/table/{table}")
    b.text_appears("Customers", ".toolbar h1")
    return table, auth


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


def build_filter_group(b: Browser, first: str, second: str, counts: tuple[str, ...]) -> None:
    """In the open filter pane: Active AND (Notes contains `first` OR Notes contains
    `second`), waiting after each step for the row count it gives (`counts`, three of them)."""
    b.click("+ Condition")
    Select(b.labelled("Filter 1 field")).select_by_visible_text("Active")
    b.labelled("Filter 1 value").click()
    b.text_appears(counts[0], ".count")
    b.click("+ Group")
    Select(b.labelled("Filter 2 field")).select_by_visible_text("Notes")
    b.fill("Filter 2 value", first)
    b.text_appears(counts[1], ".count")
    b.click("+ Condition in group 1")
    Select(b.labelled("Filter 3 field")).select_by_visible_text("Notes")
    b.fill("Filter 3 value", second)
    b.text_appears(counts[2], ".count")


def reload_with_fields(page: Browser, fields: int) -> None:
    """Reload the table page and wait until its grid has the fields and its rows."""
    page.driver.refresh()
    page.find(f'.grid-host[data-fields="{fields}"]')
    page.text_appears("2 rows", ".count")


def open_editor(page: Browser, grid: Grid, row: int, col: str, label: str) -> WebElement:
    """Enter on the cell opens its editor; a redraw of the grid meanwhile closes it, so
    press Enter again until the editor is there."""

    def opened() -> WebElement | None:
        try:
            grid.focus(row, col)
            page.driver.switch_to.active_element.send_keys(Keys.ENTER)
            found = page.all(f'[aria-label="{label}"]')
            return found[0] if found and found[0].is_displayed() else None
        except StaleElementReferenceException:  # redrawn meanwhile: try again
            return None

    found: WebElement = page.until(opened)
    return found


def add_field_by_api(server: Server, auth: dict[str, str], table: int, **body: Any) -> str:
    r = requests.post(
        f"{server.url}/api/database/fields/table/{table}/", json=body, headers=auth, timeout=10
    )
    assert r.status_code == 200, r.text
    return f"field_{r.json()['id']}"
