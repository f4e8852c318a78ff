"""Browser tests of the web app: a real `gridbase serve` per test, driven through Debian's
headless chromium + chromium-driver with Selenium. Skipped only when chromium is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.server import Server
from tests.web.browser import Browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("needs chromium and chromium-driver (apt-get install chromium chromium-driver)")
    b = Browser.start(CHROMIUM, CHROMEDRIVER, tmp_path_factory.mktemp("shots"))
    yield b
    b.quit()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "data").start()
    yield running
    running.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if report.when == "call" and report.failed and "page" in getattr(item, "funcargs", {}):
        item.funcargs["page"].shot(f"failed-{item.name}")  # what the page showed, for CI
    return report


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Browser]:
    """The browser pointed at a fresh server; no console error may happen meanwhile."""
    browser.base = server.url
    browser.console_errors()  # drop what earlier tests left
    yield browser
    errors = browser.console_errors()
    browser.driver.get("about:blank")
    assert errors == []


def jwt_of(server: Server, email: str, password: str) -> dict[str, str]:
    answer = requests.post(
        f"{server.url}/api/user/token-auth/",
        json={"email": email, "password": password},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"JWT {answer.json()['access_token']}"}
