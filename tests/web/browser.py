"""A thin Selenium wrapper for the web app's tests: explicit waits only, no sleeps."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 15.0
POLL = 0.02  # seconds between checks of a wait (Selenium's default, 0.5 s, idles most of it)
CLIENT_ERROR = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


class Browser:
    def __init__(self, driver: webdriver.Chrome, shots: Path) -> None:
        self.driver = driver
        self.shots = shots
        self.base = ""

    @classmethod
    def start(cls, chromium: str, chromedriver: str, shots: Path) -> Browser:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--window-size=1280,800",
            "--disable-extensions",
            "--no-first-run",
        ):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(chromedriver))
        driver.set_window_size(1280, 800)
        return cls(driver, Path(os.environ.get("GRIDBASE_WEB_SHOTS", shots)))

    def quit(self) -> None:
        self.driver.quit()

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def wait(self, timeout: float = WAIT) -> WebDriverWait[webdriver.Chrome]:
        return WebDriverWait(
            self.driver,
            timeout,
            poll_frequency=POLL,
            ignored_exceptions=[StaleElementReferenceException],
        )

    def find(self, css: str, timeout: float = WAIT) -> WebElement:
        return self.wait(timeout).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def button(self, text: str, within: str = "body") -> WebElement:
        xpath = f"//button[normalize-space()={_quote(text)} or @aria-label={_quote(text)}]"
        root = self.find(within)
        return self.wait().until(lambda _: _visible(root.find_elements(By.XPATH, "." + xpath)))

    def click(self, text: str, within: str = "body") -> None:
        element = self.button(text, within)
        self.wait().until(lambda _: element.is_enabled() or None)
        element.click()

    def link(self, text: str) -> WebElement:
        return self.wait().until(
            lambda d: _visible(d.find_elements(By.XPATH, f"//a[normalize-space()={_quote(text)}]"))
        )

    def labelled(self, label: str) -> WebElement:
        """The control with this aria-label, or inside the <label> with this text."""
        xpath = (
            f"//*[@aria-label={_quote(label)}] | "
            f"//label[starts-with(normalize-space(), {_quote(label)})]"
            "//*[self::input or self::select or self::textarea]"
        )
        return self.wait().until(lambda d: _visible(d.find_elements(By.XPATH, xpath)))

    def fill(self, label: str, text: str) -> None:
        element = self.labelled(label)
        if element.get_attribute("value"):  # as a person does: clear() fires no input event
            element.send_keys(Keys.CONTROL, "a")
            element.send_keys(Keys.BACKSPACE)
        element.send_keys(text)

    def text_appears(self, text: str, css: str = "body") -> None:
        self.wait().until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def until(self, check: Any, timeout: float = WAIT) -> Any:
        return self.wait(timeout).until(lambda _: check())

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def console_errors(self) -> list[str]:
        """Errors in the console, less Chrome's line for each 4xx answer: those are refusals
        the app shows in words (and the tests check that it does)."""
        return [
            e["message"]
            for e in self.driver.get_log("browser")
            if e["level"] == "SEVERE" and not CLIENT_ERROR.search(e["message"])
        ]

    def shot(self, name: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path


def _visible(elements: list[WebElement]) -> WebElement | None:
    for element in elements:
        if element.is_displayed():
            return element
    return None


def _quote(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    return 'concat("' + text.replace('"', "") + '")'


# scroll the grid right by some pixels (0: back to the first column); past the right end
# it starts again from the left, so a wait that scrolls faster than cells render cannot
# get stuck there
SCROLL_LEFT = """
const v = document.querySelector('.ag-body-horizontal-scroll-viewport');
if (!v) return;
const atEnd = v.scrollLeft + v.clientWidth >= v.scrollWidth - 1;
v.scrollLeft = arguments[0] === 0 || atEnd ? 0 : v.scrollLeft + arguments[0];
"""


class Grid:
    """The AG Grid of a table page: cells are found by row index and column id (field_<id>)."""

    def __init__(self, browser: Browser) -> None:
        self.b = browser

    def cell(self, row: int, col: str) -> WebElement:
        """The cell, once rendered: columns out of view are not, so scroll right to it."""
        css = f'.ag-row[row-index="{row}"] [role="gridcell"][col-id="{col}"]'
        self.b.js(SCROLL_LEFT, 0)

        def found() -> WebElement | None:
            cells = self.b.all(css)
            if cells and cells[0].is_displayed():
                return cells[0]
            self.b.js(SCROLL_LEFT, 200)
            return None

        return self.b.until(found)

    def text(self, row: int, col: str) -> str:
        return str(self.cell(row, col).text)

    def wait_text(self, row: int, col: str, text: str) -> None:
        self.b.until(lambda: self._text_or_none(row, col) == text or None)

    def _text_or_none(self, row: int, col: str) -> str | None:
        found = self.b.all(f'.ag-row[row-index="{row}"] [role="gridcell"][col-id="{col}"]')
        try:
            return str(found[0].text) if found else None
        except StaleElementReferenceException:
            return None

    def focus(self, row: int, col: str) -> None:
        """Click the cell; a live refresh may redraw it meanwhile, so find it again then."""

        def click() -> bool | None:
            try:
                cell = self.cell(row, col)
                self.b.js("arguments[0].scrollIntoView({block: 'nearest'})", cell)
                cell.click()
            except StaleElementReferenceException:
                return None
            focused = self.b.driver.switch_to.active_element
            return focused.get_attribute("col-id") == col or None

        self.b.until(click)

    def click_in(self, row: int, col: str, css: str) -> None:
        """Click an element inside a cell (a checkbox, a chip), finding it again if redrawn."""

        def click() -> bool | None:
            try:
                element = self.cell(row, col).find_element(By.CSS_SELECTOR, css)
                element.click()
                return True
            except StaleElementReferenceException:
                return None
            except ElementClickInterceptedException:
                # the grid scrolled the cell under its pinned column, as it does after an
                # edit further right: a person scrolls it back into view and clicks again
                self.b.js(
                    "arguments[0].scrollIntoView({block: 'nearest', inline: 'center'})", element
                )
                return None

        self.b.until(click)

    def type_into(self, row: int, col: str, text: str) -> None:
        """Enter edits the focused cell; the editor's input gets the text; Enter saves."""
        self.focus(row, col)
        active = self.b.driver.switch_to.active_element
        active.send_keys(Keys.ENTER)
        editor = self.b.find(
            ".ag-cell-inline-editing input, .ag-cell-inline-editing select, "
            ".ag-popup-editor input, .ag-popup-editor textarea"
        )
        if editor.tag_name != "select":
            editor.send_keys(Keys.CONTROL, "a")
            editor.send_keys(Keys.DELETE)
        editor.send_keys(text)
        editor.send_keys(Keys.ENTER)
