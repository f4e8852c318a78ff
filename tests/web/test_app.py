"""The web app end to end in headless Chromium: sign up, build a table in the sidebar, add
fields of many types, type into cells and read the values back through the API, search,
sort, paste a range, tokens, live updates, reload and log out."""

from __future__ import annotations

from typing import Any

import requests
from selenium.webdriver.common.keys import Keys

from tests.server import Server
from tests.web.browser import Browser
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
