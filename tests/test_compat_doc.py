"""docs/compatibility.md tells the truth about gridbase's routes: every route in gridbase's own
OpenAPI document is listed there as done or different, or as a gridbase extension (so a new
endpoint cannot be forgotten, and one that lands must be flipped from "not yet"), every row it
marks done is a route gridbase serves, and its field type list and counts follow the code.
Everything runs in-process (no network)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridbase.api.docs import flat_routes
from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.fields import default_field_types
from gridbase.filters import default_filter_types
from tests.asgi_client import TestClient

DOC = Path(__file__).resolve().parent.parent / "docs" / "compatibility.md"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
STATUSES = ("done", "not yet", "different")
ENDPOINT_ROW = re.compile(r"^\| (\w+) \| `([^`]+)` \| ([^|]+?) \| (.*)\|$")
EXTENSION_ROW = re.compile(r"^\| (\w+) \| `([^`]+)` \| (.+) \|$")
FIELD_TYPE_ROW = re.compile(r"^\| `(\w+)` \| (done|not yet)\b")
SUMMARY = re.compile(
    r"\*\*(\d+) endpoints: (\d+) done, (\d+) not yet, (\d+) different; "
    r"(\d+) gridbase extensions\.\*\*"
)

Key = tuple[str, str]


def key(method: str, path: str) -> Key:
    """Method and path with every path parameter made alike (`{table_id}`, `{table_id:int}`
    and `{id}` are the same segment)."""
    return method.upper(), re.sub(r"\{[^}]*\}", "{}", path)


class Doc:
    """The tables of docs/compatibility.md, by the `## ` section they are in."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.endpoints: list[tuple[Key, str]] = []  # (key, status), in order
        self.extensions: list[Key] = []
        self.field_types: dict[str, str] = {}
        section = ""
        for number, line in enumerate(text.splitlines(), 1):
            if line.startswith("## "):
                section = line[3:].strip()
                continue
            if not line.startswith("| "):
                continue
            first = line[2:].split(" ", 1)[0]
            if section == "Endpoints" and first in METHODS:
                m = ENDPOINT_ROW.match(line)
                assert m and m.group(3) in STATUSES, f"line {number}: not a status row: {line}"
                self.endpoints.append((key(m.group(1), m.group(2)), m.group(3)))
            elif section == "gridbase extensions" and first in METHODS:
                m = EXTENSION_ROW.match(line)
                assert m, f"line {number}: not an extension row: {line}"
                self.extensions.append(key(m.group(1), m.group(2)))
            elif section.startswith("Field types"):
                m = FIELD_TYPE_ROW.match(line)
                if m:
                    self.field_types[m.group(1)] = m.group(2)
            else:
                assert first not in METHODS, f"line {number}: endpoint row outside its section"

    def with_status(self, *statuses: str) -> set[Key]:
        return {k for k, status in self.endpoints if status in statuses}


@pytest.fixture(scope="module")
def doc() -> Doc:
    return Doc(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data_dir = tmp_path_factory.mktemp("compat-doc")
    settings = Settings(
        data_dir=data_dir, secret_key="compat-doc-" + "x" * 32, webhooks_dispatcher=False
    )
    app = create_app(settings)
    yield app
    app.state.ctx.db.dispose()


@pytest.fixture(scope="module")
def documented(app: Any) -> set[Key]:
    """Every operation in gridbase's own OpenAPI document (GET /api/schema.json)."""
    spec = TestClient(app).get("/api/schema.json").json()
    return {key(method, path) for path, item in spec["paths"].items() for method in item}


@pytest.fixture(scope="module")
def served(app: Any) -> set[Key]:
    """Every route the app answers, also those left out of the OpenAPI document."""
    return {
        key(method, path)
        for path, route in flat_routes(app.routes)
        for method in (route.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_documented_route_is_listed_as_done_different_or_extension(
    doc: Doc, documented: set[Key]
) -> None:
    assert ("GET", "/api/database/rows/table/{}/") in documented
    listed = doc.with_status("done", "different") | set(doc.extensions)
    not_yet = doc.with_status("not yet")
    missing = sorted(documented - listed)
    assert not missing, (
        "served by gridbase but not in docs/compatibility.md as done/different or as an "
        f"extension (flip it from 'not yet' if it is listed so: {sorted(set(missing) & not_yet)})"
        f": {missing}"
    )


def test_every_done_row_and_extension_is_served(
    doc: Doc, documented: set[Key], served: set[Key]
) -> None:
    assert sorted(doc.with_status("done") - documented) == []
    assert sorted(set(doc.extensions) - served) == []


def test_rows_are_unique_and_extensions_are_not_baserow_endpoints(doc: Doc) -> None:
    keys = [k for k, _ in doc.endpoints] + doc.extensions
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    assert len(doc.endpoints) > 150  # Baserow 1.35.3 has 191 in the listed sections


def test_summary_counts_follow_the_rows(doc: Doc) -> None:
    m = SUMMARY.search(doc.text)
    assert m, "summary line not found"
    statuses = Counter(status for _, status in doc.endpoints)
    assert [int(n) for n in m.groups()] == [
        len(doc.endpoints),
        statuses["done"],
        statuses["not yet"],
        statuses["different"],
        len(doc.extensions),
    ]


def test_field_types_marked_done_are_the_registered_ones(doc: Doc) -> None:
    assert len(doc.field_types) == 26  # Baserow 1.35.3's open-source field types
    done = {name for name, status in doc.field_types.items() if status == "done"}
    assert done == set(default_field_types().names())
    assert "All 91 of Baserow 1.35.3's filter types are registered" in doc.text
    assert len(list(default_filter_types())) == 91
