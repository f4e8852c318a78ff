"""Moving things with the mouse and with the keyboard: a column's place in a saved view (kept
in the view's field options and restored on reload) and a table's place in the sidebar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

from tests.server import Server
from tests.web.browser import Browser
from tests.web.conftest import Account
from tests.web.tables import api_fields, signed_in_on_a_table

HEADER_ORDER = """
return [...document.querySelectorAll('.ag-header-cell[col-id^="field_"]')]
  .sort((a, b) => a.getBoundingClientRect().left - b.getBoundingClientRect().left)
  .map((h) => h.getAttribute('col-id'));
"""


def drag(
    page: Browser,
    source: WebElement,
    target: WebElement,
    dx: int,
    dy: int,
    moved: Callable[[], bool] | None = None,
) -> bool:
    """Press on the middle of `source`, move in small steps (as a hand does) to the middle
    of `target` offset by (dx, dy), and let go there: at once, or (with `moved`) once the
    page shows the drop, as a person watches it before letting go, wiggling a little
    meanwhile. Answers whether the page followed."""
    start, end = source.rect, target.rect
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + end["width"] / 2 + dx, end["y"] + end["height"] / 2 + dy
    chain = ActionChains(page.driver, duration=30)
    chain.move_to_element(source).click_and_hold()
    steps = 10
    for _ in range(steps):
        chain.move_by_offset(round((x1 - x0) / steps), round((y1 - y0) / steps))
    chain.perform()
    followed = moved is None
    back = 3 if x1 < x0 else -3  # a wiggle ends in the drag's direction
    for _ in range(0 if moved is None else 20):
        if moved is not None and moved():
            followed = True
            break
        ActionChains(page.driver, duration=20).move_by_offset(back, 0).move_by_offset(
            -back, 0
        ).perform()
    ActionChains(page.driver).release().perform()
    return followed


def drag_header(page: Browser, col: str, onto: str, dx: int, want: list[str]) -> None:
    """Drag a column's header onto another's, until the columns are in the order wanted
    (a gesture the busy page missed, it never started its drag, is made again)."""

    def attempt() -> bool | None:
        source = page.find(f'.ag-header-cell[col-id="{col}"] .ag-header-cell-label')
        target = page.find(f'.ag-header-cell[col-id="{onto}"]')
        return drag(page, source, target, dx, 0, moved=lambda: page.js(HEADER_ORDER) == want)

    page.until(attempt)


def view_order(server: Server, auth: dict[str, str], view: int) -> list[int]:
    options: dict[str, Any] = requests.get(
        f"{server.url}/api/database/views/{view}/field-options/", headers=auth, timeout=10
    ).json()["field_options"]
    return [int(f) for f, _ in sorted(options.items(), key=lambda i: (i[1]["order"], int(i[0])))]


def test_a_moved_column_keeps_its_place_in_the_saved_view(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    ids = {name: f["id"] for name, f in api_fields(server, auth, table).items()}
    name, notes, active = ids["Name"], ids["Notes"], ids["Active"]
    views = requests.get(
        f"{server.url}/api/database/views/table/{table}/", headers=auth, timeout=10
    ).json()
    [view] = [v["id"] for v in views if v["name"] == "Grid"]  # a new table's own view
    page.until(lambda: "Grid" in [o.text for o in Select(page.labelled("View")).options] or None)
    Select(page.labelled("View")).select_by_visible_text("Grid")
    page.find(f'.grid-host[data-view="{view}"]')  # its columns (widths, order) applied
    assert page.js(HEADER_ORDER) == [f"field_{name}", f"field_{notes}", f"field_{active}"]

    # drag Active's header onto the left half of Notes': Active moves before Notes
    want = [f"field_{name}", f"field_{active}", f"field_{notes}"]
    drag_header(page, f"field_{active}", f"field_{notes}", -40, want)
    page.until(lambda: view_order(server, auth, view)[:3] == [name, active, notes] or None)

    # a reload chooses the view again and puts the columns as it keeps them
    page.driver.refresh()
    page.until(lambda: Select(page.labelled("View")).first_selected_option.text == "Grid" or None)
    page.find(f'.grid-host[data-view="{view}"]')
    page.until(lambda: page.js(HEADER_ORDER) == want or None)

    # from the keyboard: the fields panel's buttons move a column, saved the same way
    page.click("Fields")
    page.labelled("Move Notes left").send_keys("\n")
    want = [f"field_{name}", f"field_{notes}", f"field_{active}"]
    page.until(lambda: page.js(HEADER_ORDER) == want or None)
    page.until(lambda: view_order(server, auth, view)[:3] == [name, notes, active] or None)
    # the primary field stays first: it has no move buttons, and Notes cannot pass it
    assert not page.all('[aria-label="Move Name left"]')
    assert not page.labelled("Move Notes left").is_enabled()
    # "All rows" is the fields' own order; a view saved from it keeps that order
    Select(page.labelled("View")).select_by_visible_text("All rows")
    page.find(f'.ag-header-cell[col-id="field_{active}"]')
    assert view_order(server, auth, view)[:3] == [name, notes, active]


def table_order(server: Server, auth: dict[str, str], database: int) -> list[str]:
    apps = requests.get(f"{server.url}/api/applications/", headers=auth, timeout=10).json()
    [db] = [a for a in apps if a["id"] == database]
    return [t["name"] for t in sorted(db["tables"], key=lambda t: (t["order"], t["id"]))]


def test_tables_are_dragged_into_order_in_the_sidebar(
    page: Browser, server: Server, account: Account
) -> None:
    table, auth = signed_in_on_a_table(page, server, account)
    database = requests.get(
        f"{server.url}/api/database/tables/{table}/", headers=auth, timeout=10
    ).json()["database_id"]
    for name in ("Orders", "Invoices"):
        r = requests.post(
            f"{server.url}/api/database/tables/database/{database}/",
            json={"name": name},
            headers=auth,
            timeout=10,
        )
        assert r.status_code == 200, r.text
    page.driver.refresh()
    page.link("Invoices")
    assert table_order(server, auth, database) == ["Customers", "Orders", "Invoices"]

    def item(name: str) -> WebElement:
        return page.link(name).find_element("xpath", "ancestor::li[1]")

    # Invoices dragged onto the top half of Customers: first
    drag(page, page.link("Invoices"), item("Customers"), 0, -4)
    page.until(
        lambda: table_order(server, auth, database) == ["Invoices", "Customers", "Orders"] or None
    )
    page.until(
        lambda: (
            [a.text for a in page.all(".sidebar li.table a.name")]
            == ["Invoices", "Customers", "Orders"]
            or None
        )
    )
    assert page.driver.current_url == f"{server.url}/table/{table}"  # a drag is no click
    # the up/down buttons stay, for the keyboard
    ActionChains(page.driver).move_to_element(item("Orders")).perform()
    page.click("Move table Orders up")
    page.until(
        lambda: table_order(server, auth, database) == ["Invoices", "Orders", "Customers"] or None
    )
