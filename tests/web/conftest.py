"""Browser tests of the web app: one real `gridbase serve` for the session, driven through
Debian's headless chromium + chromium-driver with Selenium. Skipped only when chromium is
missing. Tests share the server, not state: each signs up its own user (`account`), whose
workspaces, tables and tokens no other test can see, and the browser's storage is cleared
between tests."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.server import Server
from tests.web.browser import Browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("needs chromium and chromium-driver (apt-get install chromium chromium-driver)")
    b = Browser.start(CHROMIUM, CHROMEDRIVER, tmp_path_factory.mktemp("shots"))
    yield b
    b.quit()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Starting a server costs seconds; one serves every test (each with its own user)."""
    running = Server(tmp_path_factory.mktemp("web") / "data").start()
    yield running
    running.stop()


@dataclass(frozen=True)
class Account:
    name: str
    email: str
    password: str


_accounts = itertools.count(1)


@pytest.fixture
def account(server: Server) -> Account:
    """A user no other test knows (not signed up yet: sign_up or signed_in does that)."""
    n = next(_accounts)
    return Account(f"Ada{n}", f"ada{n}@example.com", "correct-horse-1")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    if report.when == "call" and report.failed and "page" in getattr(item, "funcargs", {}):
        item.funcargs["page"].shot(f"failed-{item.name}")  # what the page showed, for CI
    return report


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Browser]:
    """The browser pointed at the server, signed out; no console error may happen meanwhile."""
    browser.base = server.url
    browser.console_errors()  # drop what earlier tests left
    yield browser
    errors = browser.console_errors()
    browser.driver.get("about:blank")
    browser.driver.execute_cdp_cmd(  # signed out for the next test's user
        "Storage.clearDataForOrigin", {"origin": server.url, "storageTypes": "all"}
    )
    browser.driver.set_window_size(1280, 800)
    assert errors == []


def jwt_of(server: Server, email: str, password: str) -> dict[str, str]:
    answer = requests.post(
        f"{server.url}/api/user/token-auth/",
        json={"email": email, "password": password},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"JWT {answer.json()['access_token']}"}
