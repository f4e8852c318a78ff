"""Renaming field references in formula text and listing references."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridbase.formula import parse, referenced_fields, referenced_lookups, rename_field_references


def test_rename_keeps_everything_else() -> None:
    text = "concat( field('Name') , /* c */ FIELD(\"Name\"), 'field(\\'Name\\')', field('Other'))"
    assert rename_field_references(text, "Name", "Title") == (
        "concat( field('Title') , /* c */ FIELD(\"Title\"), 'field(\\'Name\\')', field('Other'))"
    )


def test_rename_escapes_quotes_and_handles_lookup() -> None:
    text = "lookup('Tags', 'Name') + field(\"Tags\")"
    renamed = rename_field_references(text, "Tags", "It's")
    assert renamed == "lookup('It\\'s', 'Name') + field(\"It's\")"
    assert referenced_fields(parse(renamed)) == {"It's"}


def test_rename_of_escaped_name_and_no_match() -> None:
    text = "field('It\\'s') & field('x'"
    assert rename_field_references(text, "It's", "Its") == "field('Its') & field('x'"
    assert rename_field_references("field('a')", "b", "c") == "field('a')"


def test_referenced_fields_and_lookups() -> None:
    node = parse("if(field('A') > 1, lookup('L', 'T'), totext(field('B')))")
    assert referenced_fields(node) == {"A", "L", "B"}
    assert referenced_lookups(node) == {("L", "T")}
    assert referenced_fields(parse("1 + 2")) == set()


# Baserow only escapes quotes, so names ending in a backslash are unreferenceable.
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\\\\"),
    min_size=1,
    max_size=12,
)


@given(old=names, new=names)
def test_rename_round_trips(old: str, new: str) -> None:
    quoted_old = old.replace("'", "\\'")
    text = f"concat(field('{quoted_old}'), 'x')"
    renamed = rename_field_references(text, old, new)
    assert referenced_fields(parse(renamed)) == {new}
