"""Two Baserow client libraries from PyPI, unchanged, against a real `gridbase serve`:
`baserow-client` 0.6.0 and `baserowapi` 0.1.0b4. Every call here was made against Baserow
1.35.3 too (its ../shared/baserow backend, 2026-12-06), and what each gave is what is
asserted: the same rows, the same errors, and the same failures where a library no longer
fits Baserow (baserow-client's strict dataclasses refuse today's user, table and field
payloads)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from baserow.client import ApiError, BaserowClient
from baserow.filter import Filter as LegacyFilter
from baserow.filter import FilterMode, FilterType
from baserowapi import Baserow, Filter
from baserowapi.models.row import Row

from tests.server import Server


class Setup:
    """A user with a workspace, a database and a database token, made over the API; tables
    and fields are added the same way."""

    def __init__(self, url: str, email: str = "ann@example.com") -> None:
        self.url, self.email = url, email
        account = {"email": email, "password": "password123"}
        r = requests.post(f"{url}/api/user/", json={"name": "Ann", **account}, timeout=10)
        assert r.status_code == 200, r.text
        self.jwt = self.call("POST", "/api/user/token-auth/", auth=False, json=account)["token"]
        self.workspace = self.call("POST", "/api/workspaces/", json={"name": "W"})["id"]
        self.database = self.call("POST", f"/api/applications/workspace/{self.workspace}/",
                                  json={"name": "D", "type": "database"})["id"]  # fmt: skip
        self.key = self.call("POST", "/api/database/tokens/",
                             json={"name": "k", "workspace": self.workspace})["key"]  # fmt: skip

    def call(self, method: str, path: str, auth: bool = True, **kwargs: Any) -> Any:
        headers = {"Authorization": f"JWT {self.jwt}"} if auth else {}
        r = requests.request(method, self.url + path, headers=headers, timeout=10, **kwargs)
        assert r.status_code == 200, r.text
        return r.json()

    def table(self, name: str, data: list[list[str]]) -> int:
        return int(
            self.call(
                "POST",
                f"/api/database/tables/database/{self.database}/",
                json={"name": name, "data": data, "first_row_header": True},
            )["id"]
        )

    def field(self, table: int, **body: Any) -> int:
        return int(self.call("POST", f"/api/database/fields/table/{table}/", json=body)["id"])


@pytest.fixture
def setup(tmp_path: Path, database_url: str) -> Iterator[Setup]:
    server = Server(tmp_path / "data", database_url=database_url).start()
    try:
        yield Setup(server.url)
    finally:
        server.stop()


def names(page: Any) -> list[str]:
    return [row["Name"] for row in page.results]


def test_baserow_client(setup: Setup) -> None:
    table = setup.table("T", [["Name", "Qty"], ["a", "1"], ["b", "2"], ["c", "3"]])
    name = setup.call("GET", f"/api/database/fields/table/{table}/")[0]["id"]
    client = BaserowClient(setup.url, jwt=setup.jwt)
    assert client.get_settings()["allow_new_signups"] is True
    page = client.list_database_table_rows(table, user_field_names=True)
    assert (page.count, page.previous, page.next) == (3, None, None)
    assert page.results[0] == {"id": 1, "order": "1.00000000000000000000", "Name": "a", "Qty": "1"}
    eq = LegacyFilter("Name", FilterMode.equal, "b")
    page = client.list_database_table_rows(
        table, user_field_names=True, filter=[eq], filter_type=FilterType.OR
    )
    assert (page.count, names(page)) == (1, ["b"])
    # `filter__1__contains`: a bare id names no field (field_1 would): no filter, as in Baserow
    bare = LegacyFilter(str(name), FilterMode.contains, "a")
    page = client.list_database_table_rows(
        table, filter=[bare], order_by=[f"-field_{name}"], size=2, page=1
    )
    assert (page.count, page.next, [r[f"field_{name}"] for r in page.results]) == (3, 2, ["c", "b"])
    page = client.list_database_table_rows(
        table, search="c", include=["Name"], user_field_names=True
    )
    assert page.results == [{"id": 3, "order": "3.00000000000000000000", "Name": "c"}]
    pages = client.paginated_database_table_rows(table, size=2, user_field_names=True)
    assert [names(p) for p in pages] == [["a", "b"], ["c"]]
    row = client.create_database_table_row(table, {f"field_{name}": "new"})
    assert row[f"field_{name}"] == "new" and row["order"] == "4.00000000000000000000"
    changed = client.update_database_table_row(table, row["id"], {f"field_{name}": "newer"})
    assert changed == client.get_database_table_row(table, row["id"])
    assert changed[f"field_{name}"] == "newer"

    tokened = BaserowClient(setup.url, token=setup.key)
    page = tokened.list_database_table_rows(table, user_field_names=True, order_by=["Name"])
    assert names(page) == ["a", "b", "c", "newer"]
    assert tokened.create_database_table_row(table, {f"field_{name}": "t"})["id"] == 5
    with pytest.raises(ApiError) as refused:
        tokened.get_database_table_row(table, 99999)
    assert (refused.value.error, refused.value.detail) == (
        "ERROR_ROW_DOES_NOT_EXIST",
        "The rows ['99999'] do not exist.",
    )
    # a filter naming no field is left out (the legacy filter__ parameters), as in Baserow
    unknown = LegacyFilter("Nope", FilterMode.equal, "b")
    assert (
        tokened.list_database_table_rows(table, filter=[unknown], user_field_names=True).count == 5
    )
    # where the library's dataclasses predate Baserow 1.35.3's payloads, it fails on both
    with pytest.raises(Exception, match="extra keys"):
        client.token_auth(setup.email, "password123")
    with pytest.raises(Exception, match=r"extra keys: \{'data_sync'\}"):
        client.list_database_tables(setup.database)
    with pytest.raises(ApiError, match="URL_NOT_FOUND"):
        client.list_groups()  # /api/groups/ is gone from Baserow


def test_baserowapi(setup: Setup) -> None:
    other = setup.table("Other", [["Label"], ["x"], ["y"]])
    table = setup.table("T", [["Name"], ["a"]])
    field = setup.field
    field(table, name="Notes", type="long_text", long_text_enable_rich_text=False)
    field(table, name="Amount", type="number", number_decimal_places=2)
    field(table, name="Done", type="boolean")
    field(table, name="Due", type="date")
    field(table, name="When", type="date", date_include_time=True)

    def options(*values: str) -> list[dict[str, str]]:
        return [{"value": v, "color": "blue"} for v in values]

    field(table, name="Pick", type="single_select", select_options=options("A", "B"))
    field(table, name="Picks", type="multiple_select", select_options=options("X", "Y"))
    link = field(table, name="Link", type="link_row", link_row_table_id=other)
    field(table, name="Mail", type="email")
    field(table, name="Site", type="url")
    field(table, name="Phone", type="phone_number")
    field(table, name="Stars", type="rating", max_value=5)
    field(table, name="Shout", type="formula", formula="upper(field('Name'))")
    field(table, name="Created", type="created_on")
    field(table, name="Changed", type="last_modified")
    field(table, name="Links", type="count", through_field_id=link)

    t = Baserow(url=setup.url, token=setup.key).get_table(table)
    assert [(f.name, type(f).__name__) for f in t.fields] == [
        ("Name", "TextField"), ("Notes", "LongTextField"), ("Amount", "NumberField"),
        ("Done", "BooleanField"), ("Due", "DateField"), ("When", "DateField"),
        ("Pick", "SingleSelectField"), ("Picks", "MultipleSelectField"),
        ("Link", "TableLinkField"), ("Mail", "EmailField"), ("Site", "UrlField"),
        ("Phone", "PhoneNumberField"), ("Stars", "RatingField"), ("Shout", "FormulaField"),
        ("Created", "CreatedOnField"), ("Changed", "LastModifiedField"), ("Links", "CountField"),
    ]  # fmt: skip
    assert t.primary_field == "Name"
    assert [f.name for f in t.writable_fields][-1] == "Stars"
    full = {"Name": "b", "Notes": "n", "Amount": "3.50", "Done": True, "Due": "2026-01-02",
            "When": "2026-01-02T03:04:05Z", "Pick": "A", "Picks": ["X", "Y"], "Link": [1],
            "Mail": "a@b.co", "Site": "https://x.org", "Phone": "+1 555", "Stars": 3}  # fmt: skip
    t.add_rows(full)
    added = t.add_rows([{"Name": f"r{i}", "Amount": i} for i in range(5)])
    assert [(r["Name"], r["Amount"], r["Shout"]) for r in added] == [
        (f"r{i}", f"{i}.00", f"R{i}") for i in range(5)
    ]
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    b = t.get_rows(filters=[Filter("Name", "b")])
    assert len(b) == 1 and b[0].to_dict() == {
        **full, "Link": ["x"], "Links": "1", "Shout": "B", "Created": today, "Changed": today,
    }  # fmt: skip
    either = t.get_rows(
        filters=[Filter("Name", "r1", "contains"), Filter("Amount", "3", "higher_than")],
        filter_type="OR",
    )
    assert [r["Name"] for r in either] == ["b", "r1", "r4"]
    found = t.get_rows(
        search="r", order_by=["-Amount"], include=["Name", "Amount"], size=2, limit=3
    )
    assert [r.to_dict() for r in found] == [
        {"Name": f"r{i}", "Amount": f"{i}.00"} for i in (4, 3, 2)
    ]
    row = t.get_row(2)
    assert isinstance(row, Row) and row["Amount"] == "3.50" and row["Picks"] == ["X", "Y"]
    assert row.update({"Name": "bb", "Amount": 7}).to_dict()["Shout"] == "BB"
    row["Notes"] = "changed"
    assert row.update().to_dict()["Notes"] == "changed"
    assert row.move(before_id=1)["Name"] == "bb"
    assert [r.id for r in t.update_rows([{"id": 3, "Name": "upd"}, {"id": 4, "Done": True}])] == [
        3,
        4,
    ]
    assert t.delete_rows([5, 6]) is True
    left = t.get_rows(include=["Name", "Done", "Amount"])
    assert [(r.id, r["Name"], r["Done"]) for r in left] == [
        (2, "bb", True), (1, "a", False), (3, "upd", False), (4, "r1", True), (7, "r4", False),
    ]  # fmt: skip
    with pytest.raises(Exception, match="400 Client Error"):
        t.get_rows(filters=[Filter("Nope", "x")])  # ERROR_FILTER_FIELD_NOT_FOUND
    with pytest.raises(Exception, match="400 Client Error"):
        t.add_rows({"Amount": "abc"})
    with pytest.raises(Exception, match="404 Client Error"):
        t.get_row(5)
    with pytest.raises(Exception, match="404 Client Error"):
        t.delete_rows([5])
