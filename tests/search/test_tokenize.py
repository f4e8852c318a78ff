"""Pure parts of full-text search: tokenizing and how a row's values become text."""

from __future__ import annotations

from typing import Any

from gridbase.fields import default_field_types
from gridbase.fields.display import date_text
from gridbase.models import Field
from gridbase.search.tokenize import MAX_TOKEN, document, query_tokens, tokens


def test_tokens_fold_case_and_diacritics_and_split_on_non_word_characters() -> None:
    assert tokens("Crème BRÛLÉE; O'Neil_x 10.50 Straße ＡＢＣ ﬁne İstanbul ½") == [
        "creme",
        "brulee",
        "o",
        "neil",
        "x",
        "10",
        "50",
        "strasse",
        "abc",
        "fine",
        "istanbul",
        "1",
        "2",
    ]
    assert tokens("日本語 テキスト") == ["日本語", "テキスト"]
    assert tokens('\'; DROP TABLE x; -- "a"* OR NOT x:y NEAR(a b)') == [
        "drop",
        "table",
        "x",
        "a",
        "or",
        "not",
        "x",
        "y",
        "near",
        "a",
        "b",
    ]
    assert tokens("!!! @ % _ ---") == []


def test_long_words_are_cut_and_documents_hold_distinct_words() -> None:
    assert tokens("a" * 500) == ["a" * MAX_TOKEN]
    assert document(["Red red", "RED blue", None or ""]) == ["red", "blue"]
    assert query_tokens("  Foo foo BAR ") == ["foo", "bar"]
    huge = document([" ".join(f"w{i}" for i in range(200_000))])
    assert 30_000 < len(huge) < 50_000 and huge[:2] == ["w0", "w1"]


def field(type_: str, **props: object) -> Field:
    return Field(1, 1, "F", 0, type_, False, None, False, dict(props))


def search_text(field: Field, value: Any) -> str:
    return default_field_types().get(field.type).search_text(field, value)


def test_dates_show_as_the_field_formats_them() -> None:
    assert date_text(field("date", date_format="US"), "2024-01-05") == "01/05/2024"
    assert (
        date_text(field("date", date_format="EU", date_time_format="12"), "2024-01-05T14:30:00Z")
        == "05/01/2024 02:30 PM"
    )
    assert (
        date_text(
            field("date", date_format="ISO", date_force_timezone="Europe/Paris"),
            "2024-01-05T23:30:00Z",
        )
        == "2024-01-06 00:30"
    )
    assert search_text(field("last_modified", date_format="EU"), "2024-01-05") == "05/01/2024"
    assert search_text(field("text"), [{"id": 1, "value": "a"}, {"id": 2, "value": "b"}]) == "a, b"
    assert (
        search_text(field("single_select"), {"id": 1, "value": "Done", "color": "blue"}) == "Done"
    )
