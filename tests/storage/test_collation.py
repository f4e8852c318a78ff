"""SQLite's text order (gb_text): the quick sort key read from the collation table is
pyuca's sort key, for texts with contractions, combining marks, expansions and characters
whose weights are computed too."""

from __future__ import annotations

import random

from gridbase.storage import collation

# letters that start contractions (l·, й, Thai and Lao vowels), the marks and characters
# that continue them, precomposed and decomposed accents, expansions, CJK and unassigned
ALPHABET = [
    *"abcxyzABZlL 09.-@_%'\"\\", *"ßİıKkÆæǄǆΣσς日本½éèêÉиИ가각ﬁḀ",
    "e\u0301", "\u0301", "\u0306", "\u0327", "\u00b7", "\u0387", "\u0e40", "\u0e01",
    "\u0ec0", "\u0e81", "\u0f71", "\u0f72", "\u0fb2", "\u0f80", "\u1980", "\u19b0",
    "\U00020000", "\U0001d400", "\uffff", "\x00", "\u0644", "\u0627", "\u0653",
]  # fmt: skip


def pyuca_key(text: str) -> str:
    return "".join(map(chr, collation._collator().sort_key(text)))


def test_the_quick_key_is_pyucas_key() -> None:
    rnd = random.Random(11)
    texts = ["", "l", "l\u00b7", "L\u0301\u00b7", "\u0438\u0306", "mango apple 12"]
    texts += ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 8))) for _ in range(30000)]
    quick = 0
    for text in texts:
        assert collation._text_key.__wrapped__(text) == pyuca_key(text), repr(text)
        quick += not collation._table().continues.search(text)
    assert quick > 5000  # both ways were taken


def test_texts_compare_under_the_collation() -> None:
    texts = ["", "-", "_", "0", "9", "a", "A", "á", "b", "l", "l\u00b7", "lz", "m", "z", "日"]
    assert sorted(texts, key=collation._text_key) == sorted(texts, key=pyuca_key)
    assert collation.compare_text("a", "A") == -1  # lowercase first on a tie
    assert collation.compare_text("A", "b") == -1  # case after the letters
    assert collation.compare_text("e\u0301", "\u00e9") == 0  # NFD first


def test_link_sort_items_are_kept_per_type() -> None:
    """gb_sort_key's items are kept (a sort by a link reads the same linked rows' values
    for every row), and 1, 1.0 and True, equal as keys of a plain cache, keep their own."""
    items = [collation._item_bytes(v, "bytes") for v in (1.0, 1, True, "1", None)]
    assert items == [
        b"\x011.0\x00\x00",
        b"\x011\x00\x00",
        b"\x011\x00\x00",
        b"\x011\x00\x00",
        b"\x02",
    ]
    assert collation._item_bytes(1.0, "bytes") is items[0]  # kept
    assert collation._item_bytes(2, "number") > collation._item_bytes(1.5, "number")
    key = collation.SortKey()
    for text, order in (("b", 2), ("a", 1)):
        key.step(text, "text", order, "number")
    assert key.finalize() == b"\x00".join(
        [collation._item_bytes("b", "text") + collation._item_bytes("a", "text"),
         collation._item_bytes(2, "number") + collation._item_bytes(1, "number")]
    )  # fmt: skip
