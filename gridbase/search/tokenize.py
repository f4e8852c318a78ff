"""Search tokens: text -> the words the full-text index stores and a search term matches.

Pure and backend-neutral, so SQLite and PostgreSQL index and match exactly the same words:
casefold, NFKD, combining marks dropped (diacritics), then runs of letters/digits
(`[^\\W_]+`), each cut to MAX_TOKEN characters. Imports: nothing from gridbase.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

WORD = re.compile(r"[^\W_]+")
# A long token only needs a distinctive prefix; the cap keeps every token well under
# PostgreSQL's 2 KB lexeme limit (100 characters are at most 400 UTF-8 bytes).
MAX_TOKEN = 100
MAX_DOCUMENT_BYTES = 512 * 1024
LEXEME_OVERHEAD = 8  # PostgreSQL's per-lexeme bookkeeping, with room to spare


def normalize(text: str) -> str:
    if text.isascii():  # NFKD changes no ASCII character and none is a combining mark
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The words of `text` in order, duplicates kept."""
    return [word[:MAX_TOKEN] for word in WORD.findall(normalize(text))]


def document(texts: Iterable[str]) -> list[str]:
    """The distinct words of a row's texts, first occurrence first, up to MAX_DOCUMENT_BYTES
    (PostgreSQL refuses a tsvector over 1 MB; both backends keep the same words)."""
    words = tokens("\n".join(texts))  # one pass: a line break never joins two words
    # surely under the cap
    if 4 * sum(map(len, words)) + LEXEME_OVERHEAD * len(words) <= MAX_DOCUMENT_BYTES:
        return list(dict.fromkeys(words))
    seen: dict[str, None] = {}
    size = 0
    for word in words:
        if word in seen:
            continue
        size += len(word.encode()) + LEXEME_OVERHEAD
        if size > MAX_DOCUMENT_BYTES:
            return list(seen)
        seen[word] = None
    return list(seen)


def query_tokens(term: str) -> list[str]:
    """The distinct words a search term asks for (each one is matched as a prefix)."""
    return document([term])
