"""Changing a field's type converts its values best-effort: what converts is kept, what does
not becomes empty, and nothing else in the row changes."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


def retype(api: Api, field_id: int, type_: str, **props: Any) -> dict[str, Any]:
    return dict(api.ok(api.patch(f"/api/database/fields/{field_id}/", {"type": type_, **props})))


def values(api: Api, tid: int, name: str) -> list[Any]:
    return [r[name] for r in api.rows(tid)]


def table_with(api: Api, cells: list[Any], did: int | None = None) -> tuple[int, dict[str, Any]]:
    tid = api.table(did, data=[["Name", "V"]] + [[str(i), c] for i, c in enumerate(cells)])
    field = next(f for f in api.fields(tid) if f["name"] == "V")
    return tid, field


def test_text_to_number_to_text(api: Api) -> None:
    tid, field = table_with(api, ["12", "abc", "3.75", ""])
    retype(api, field["id"], "number", number_decimal_places=2)
    assert values(api, tid, "V") == ["12.00", None, "3.75", None]
    assert values(api, tid, "Name") == ["0", "1", "2", "3"]
    retype(api, field["id"], "text")
    assert values(api, tid, "V") == ["12.00", None, "3.75", None]


def test_text_to_single_select_and_back(api: Api) -> None:
    tid, field = table_with(api, ["Todo", "Done", "Other"])
    options = [{"value": "Todo", "color": "blue"}, {"value": "Done", "color": "green"}]
    converted = retype(api, field["id"], "single_select", select_options=options)
    todo, done = converted["select_options"]
    assert values(api, tid, "V") == [todo, done, None]
    retype(api, field["id"], "text")
    assert values(api, tid, "V") == ["Todo", "Done", None]


def test_multiple_select_to_text_and_back(api: Api) -> None:
    tid, field = table_with(api, ["a, b", "b", ""])
    options = [{"value": "a", "color": "red"}, {"value": "b", "color": "blue"}]
    converted = retype(api, field["id"], "multiple_select", select_options=options)
    a, b = converted["select_options"]
    assert values(api, tid, "V") == [[a, b], [b], []]
    retype(api, field["id"], "text")
    assert values(api, tid, "V") == ["a, b", "b", None]


def test_boolean_date_and_link_conversions(api: Api) -> None:
    did = api.database()
    tid, field = table_with(api, ["yes", "no", "2024-03-01"], did)
    retype(api, field["id"], "boolean")
    assert values(api, tid, "V") == [True, False, False]
    retype(api, field["id"], "text")
    assert values(api, tid, "V") == ["true", "false", "false"]
    api.ok(
        api.patch(f"/api/database/rows/table/{tid}/3/?user_field_names=true", {"V": "2024-03-01"})
    )
    retype(api, field["id"], "date", date_include_time=True)
    assert values(api, tid, "V") == [None, None, "2024-03-01T00:00:00Z"]
    # text -> link_row keeps no value, even one that is a linked row's primary value, and
    # link_row -> text none either (Baserow 1.35.3, asked)
    other, _ = table_with(api, [], did)
    api.ok(
        api.post(
            f"/api/database/rows/table/{other}/batch/?user_field_names=true",
            {"items": [{"Name": "x"}, {"Name": "y"}]},
        )
    )
    api.ok(
        api.patch(f"/api/database/rows/table/{tid}/1/?user_field_names=true", {"Name": "ignored"})
    )
    retype(api, field["id"], "text")
    api.ok(
        api.post(
            f"/api/database/rows/table/{tid}/batch/?user_field_names=true", {"items": [{"V": "y"}]}
        )
    )
    retype(api, field["id"], "link_row", link_row_table_id=other)
    assert values(api, tid, "V") == [[], [], [], []]
    api.ok(api.patch(f"/api/database/rows/table/{tid}/4/?user_field_names=true", {"V": [2]}))
    retype(api, field["id"], "text")
    assert values(api, tid, "V") == [None, None, None, None]
    # the related field went with the link
    assert [f["name"] for f in api.fields(other)] == ["Name", "V"]


def test_created_on_and_autonumber_from_text(api: Api) -> None:
    tid, field = table_with(api, ["x", "y"])
    retype(api, field["id"], "autonumber")
    assert values(api, tid, "V") == [1, 2]
    retype(api, field["id"], "created_on", date_include_time=False)
    created = values(api, tid, "V")
    assert all(isinstance(v, str) and len(v) == 10 for v in created)
    retype(api, field["id"], "text")  # in the field's format (EU by default), as Baserow
    assert values(api, tid, "V") == [f"{v[8:10]}/{v[5:7]}/{v[:4]}" for v in created]


def test_updated_on_moves_on_every_update(api: Api) -> None:
    tid, _field = table_with(api, ["x"])
    modified = api.field(tid, "Modified", "last_modified", date_include_time=True)
    before = api.rows(tid)[0]["Modified"]
    api.ok(api.patch(f"/api/database/rows/table/{tid}/1/?user_field_names=true", {"V": "z"}))
    middle = api.rows(tid)[0]["Modified"]
    api.ok(
        api.patch(
            f"/api/database/rows/table/{tid}/batch/?user_field_names=true",
            {"items": [{"id": 1, "V": "w"}]},
        )
    )
    after = api.rows(tid)[0]["Modified"]
    assert before < middle < after
    assert modified["read_only"] is True
