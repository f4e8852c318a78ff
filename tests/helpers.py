"""Test helpers: polling with a deadline, error assertions."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T | None], timeout: float = 10.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result is not None:
            return result
        time.sleep(0.01)
    raise AssertionError(f"condition not met within {timeout}s")


def assert_error(response: Any, status: int, code: str | None) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    if code is None:
        assert "error" not in body
    else:
        assert body["error"] == code, body
    return body
