"""Text-like cells and text properties as Baserow 1.35.3 reads them (DRF's CharField, asked
of it): a written value loses its surrounding whitespace, an import or a conversion keeps
it; e-mail, URL and phone values follow Baserow's own permissive patterns."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

ROWS = "/api/database/rows/table/{}/"


def _table(api: Api) -> tuple[int, dict[str, int]]:
    table = api.table(data=[["Name"], ["x"]])
    ids = {"Name": api.fields(table)[0]["id"]}
    for name, type_ in (("Long", "long_text"), ("E", "email"), ("U", "url"), ("P", "phone_number")):
        ids[name] = api.field(table, name, type_)["id"]
    return table, ids


def _write(api: Api, table: int, field_id: int, value: Any) -> Any:
    return api.patch(ROWS.format(table) + "1/", {f"field_{field_id}": value})


def test_written_text_is_trimmed(api: Api) -> None:
    table, ids = _table(api)
    for key, given, kept in [
        ("Name", "  a  ", "a"), ("Name", "\u00a0a\u00a0", "a"), ("Name", " ", ""),
        ("Name", "a\n", "a"), ("Long", "\tb \n", "b"), ("E", " a@b.c ", "a@b.c"),
        ("U", "http://x\n", "http://x"), ("P", " +1 202 ", "+1 202"), ("Name", 5, "5"),
    ]:  # fmt: skip
        assert api.ok(_write(api, table, ids[key], given))[f"field_{ids[key]}"] == kept, given
    made = api.ok(api.post(f"{ROWS.format(table)}batch/?user_field_names=true",
                           {"items": [{"Name": " b ", "E": " e@e.e "}]}))  # fmt: skip
    assert (made["items"][0]["Name"], made["items"][0]["E"]) == ("b", "e@e.e")
    one = api.ok(api.post(f"{ROWS.format(table)}?user_field_names=true", {"Long": " c "}))
    assert one["Long"] == "c"


def test_imports_and_conversions_keep_whitespace(api: Api) -> None:
    values = ["  a  ", " a@b.c ", "a@b", "+1 202 "]
    table = api.table(data=[["Name", "E", "P"]] + [[v, v, v] for v in values])
    assert [r["Name"] for r in api.rows(table)] == values
    fields = {f["name"]: f["id"] for f in api.fields(table)}
    api.ok(api.patch(f"/api/database/fields/{fields['E']}/", {"type": "email"}))
    api.ok(api.patch(f"/api/database/fields/{fields['P']}/", {"type": "phone_number"}))
    assert [(r["E"], r["P"]) for r in api.rows(table)] == [
        ("", ""),
        ("", ""),
        ("a@b", ""),
        ("", "+1 202 "),
    ]


def test_pattern_fields_follow_baserows_patterns(api: Api) -> None:
    table, ids = _table(api)
    accepted = {
        "E": ["e@e.e", "a@b", ".a@b.c", "a@-b.c", "ü@b.c", "[a]@b", "a@b.", "é@é", "1@2",
              "a@[1.2.3.4]", "x" * 250 + "@b.c"],
        "U": ["a.b", "http://x", "//x", "www.x", "mailto:a@b.c"],
        "P": ["+1 202", "(555) 010", "N", "#*", "1"],
    }  # fmt: skip
    refused = {
        "E": ["a b@c.d", "a'b@c.d", "a%b@c.d", "a@@b", "a@b@c", "ab", "a@", "@b"],
        "U": ["x", "http://", "a b.c", "x.", "javascript:alert(1)", "http://a b"],
        "P": ["abc", "1e5", "١٢٣", "+1 (555) 010-9999 ext. 3"],
    }  # fmt: skip
    for key, values in accepted.items():
        for value in values:
            assert api.ok(_write(api, table, ids[key], value))[f"field_{ids[key]}"] == value
    for key, values in refused.items():
        for value in values:
            r = _write(api, table, ids[key], value)
            assert r.status_code == 400, (key, value)
            assert r.json()["detail"] == {
                f"field_{ids[key]}": [{"error": "Enter a valid value.", "code": "invalid"}]
            }
    # too long: the pattern's error and the length's, as DRF lists them
    r = _write(api, table, ids["P"], "1" * 101)
    assert r.json()["detail"][f"field_{ids['P']}"] == [
        {"error": "Enter a valid value.", "code": "invalid"},
        {"error": "Ensure this field has no more than 100 characters.", "code": "max_length"},
    ]
    r = _write(api, table, ids["E"], "x" * 251 + "@b.c")
    assert [e["code"] for e in r.json()["detail"][f"field_{ids['E']}"]] == ["invalid", "max_length"]


def test_field_texts_are_trimmed(api: Api) -> None:
    table = api.table(data=[["Name"], ["x"]])
    text = api.field(table, " T ", "text", text_default="  dflt  ", description="  desc  ")
    assert (text["name"], text["text_default"], text["description"]) == ("T", "dflt", "desc")
    number = api.field(table, "N", "number", number_prefix=" $ ", number_suffix=" kg ")
    assert (number["number_prefix"], number["number_suffix"]) == ("$", "kg")
    select = api.field(table, "S", "single_select",
                       select_options=[{"value": "  a  ", "color": " blue "}])  # fmt: skip
    assert [(o["value"], o["color"]) for o in select["select_options"]] == [("a", "blue")]
    assert api.field(table, "F", "formula", formula="  1 + 1  ")["formula"] == "1 + 1"
    assert api.field(table, "B", "text", text_default="   ")["text_default"] == ""
