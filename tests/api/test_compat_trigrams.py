"""Compat search on PostgreSQL asks the trigram index for a term's rare parts only
(storage.trigrams), by the trigram frequencies of a sample of the table's texts: the rows
are the scan's, whatever the frequencies say."""

from __future__ import annotations

import random
import time

import pytest

from gridbase.core.context import Ctx
from gridbase.storage import trigrams
from gridbase.usertable import load
from tests.api.test_compat_search_index import rows_url, scanned, searched
from tests.conftest import Api

FREQUENCIES = trigrams.Frequencies({"use": 1.0, "ser": 1.0, "er3": 0.11, "exa": 0.9})


def test_rare_parts_leave_out_the_common_trigrams() -> None:
    parts = trigrams.rare_parts
    assert parts("user333333", FREQUENCIES) == ["r333333"]  # overlapping rare ones joined
    assert parts("user333333@exam", FREQUENCIES) == ["r333333", "xam"]  # each run apart
    assert parts("user3", FREQUENCIES) is None  # no rare trigram: the whole term
    assert parts("zebra", FREQUENCIES) is None  # nothing common to leave out
    assert parts("ab-user", FREQUENCIES) is None  # too short for a trigram, then common
    assert parts("user333333", None) is None  # no statistics yet
    gap = trigrams.Frequencies({"bcd": 0.5})
    assert parts("abcde", gap) == ["abc", "cde"]  # not joined across a common trigram


def email_table(api: Api, rnd: random.Random) -> int:
    """Rows whose e-mails share "user" and "@example.com", with numbers and words apart."""
    table = api.table(data=[["Name"]])
    api.field(table, "Email", "email")
    words = ["mango", "kiwi", "apple", "pear"]
    items = [
        {"Name": f"{rnd.choice(words)} {i}", "Email": f"user{i}@example.com"} for i in range(1, 401)
    ]
    for start in range(0, len(items), 200):
        batch = {"items": items[start : start + 200]}
        api.ok(api.post(rows_url(table) + "batch/?user_field_names=true", batch))
    return table


def test_a_term_with_common_trigrams_finds_what_the_scan_finds(api: Api, ctx: Ctx) -> None:
    rnd = random.Random(3)
    table = email_table(api, rnd)
    terms = ["user123", "r123@", "user12", "user1", "ser39", "user400@example.com", "123 ",
             "1@exam", "mango 3", "user999", "USER7", "er2"]  # fmt: skip
    terms += [f"user{rnd.randint(1, 450)}"[rnd.randint(0, 3) :] for _ in range(30)]
    for term in terms:
        assert searched(api, table, term) == scanned(ctx, table, term), term
    if ctx.db.is_sqlite:
        return
    # the frequencies plan() kept: "use", "ser" and "er1" are common, "r12" and "123" rare
    found, frequencies = ctx.kept.trigrams.get(table)
    assert found and frequencies is not None
    assert frequencies.of("use") > 0.9
    assert trigrams.rare_parts("user123", frequencies) == ["r123"]
    with ctx.db.read() as conn:
        model = load.model_for(ctx, conn, load.load_table(conn, table))
    clause = ctx.ext.search.clause(ctx, model, "user123", "", None)
    assert clause is not None
    asked = set(clause.compile(dialect=ctx.db.engine.dialect).params.values())
    assert {"r123", "user123"} <= asked  # the part for the index, the term on what it finds


def test_trigram_frequencies_are_read_again_after_ten_minutes(api: Api, ctx: Ctx) -> None:
    if ctx.db.is_sqlite:
        pytest.skip("SQLite's trigram index keeps no frequencies")
    kept = ctx.kept.trigrams
    now = [time.monotonic()]
    kept.clock = lambda: now[0]
    table = api.table(data=[["Name"]])
    assert searched(api, table, "user123") == []
    assert kept.get(table) == (True, None)  # no text yet, and so kept
    items = [{"Name": f"user{i}@example.com"} for i in range(1, 201)]
    api.ok(api.post(rows_url(table) + "batch/?user_field_names=true", {"items": items}))
    now[0] += 599
    assert searched(api, table, "user123") == [123]
    assert kept.get(table) == (True, None)
    now[0] += 2
    assert searched(api, table, "user123") == [123]
    found, frequencies = kept.get(table)
    assert found and frequencies is not None and frequencies.of("use") == 1.0
