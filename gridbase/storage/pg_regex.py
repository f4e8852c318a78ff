"""PostgreSQL's regular expressions (Advanced Regular Expressions) on SQLite: a pattern is
translated into the `regex` module's syntax, and matched as PostgreSQL matches it.

PostgreSQL's engine picks, at the leftmost position that matches, the longest match when the
expression is greedy and the shortest when it is not (its "greediness" rules); `regex`'s
POSIX flag gives the former, plain backtracking the latter. `.` matches newlines and `$` only
the end of the text (PostgreSQL's default, non-newline-sensitive mode). A pattern PostgreSQL
refuses raises `PatternError`. Imports: nothing of gridbase.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import regex


def _words(text: str) -> tuple[str, ...]:
    """The blank-separated words of `text`."""
    return tuple(text.split())


MAX_REPEAT = 255  # PostgreSQL's DUPMAX: a larger bound is an invalid repetition count
# escapes outside brackets -> `regex` syntax (constraint and class escapes)
_ESCAPES = {
    "m": r"\b(?=\w)", "M": r"\b(?<=\w)", "y": r"\b", "Y": r"\B", "A": r"\A", "Z": r"\Z",
    "d": r"\d", "D": r"\D", "s": r"\s", "S": r"\S", "w": r"\w", "W": r"\W",
    "a": r"\x07", "b": r"\x08", "B": r"\\", "e": r"\x1b", "f": r"\f", "n": r"\n",
    "r": r"\r", "t": r"\t", "v": r"\v",
}  # fmt: skip
_CLASS_ESCAPES = {"d": r"\d", "D": r"\D", "s": r"\s", "S": r"\S", "w": r"\w", "W": r"\W"}
_POSIX_CLASSES = frozenset(
    _words("alnum alpha blank cntrl digit graph lower print punct space upper xdigit word")
)
_EMBEDDED = {"i": regex.IGNORECASE}


class PatternError(ValueError):
    """PostgreSQL would refuse this pattern (its try_regexp_replace gives the error value)."""


@dataclass(frozen=True, slots=True)
class Compiled:
    pattern: regex.Pattern[str]


def _hex(text: str, start: int, digits: int | None) -> tuple[str, int]:
    """A \\x, \\u or \\U escape's character and where it ends (`digits` None: any number)."""
    end = start
    while end < len(text) and text[end] in "0123456789abcdefABCDEF":
        if digits is not None and end - start == digits:
            break
        end += 1
    if end == start or (digits is not None and end - start != digits):
        raise PatternError("invalid escape \\ sequence")
    code = int(text[start:end], 16)
    if code > 0x10FFFF:
        raise PatternError("invalid escape \\ sequence")
    return regex.escape(chr(code)), end


class _Translator:
    """One pass over an ARE, writing the equivalent `regex` pattern."""

    def __init__(self, text: str, expanded: bool = False) -> None:
        self.text = text
        self.expanded = expanded  # (?x): blanks and #-comments outside brackets are ignored
        self.pos = 0
        self.out: list[str] = []
        # greediness of the expression, PostgreSQL's rules: (depth, first quantifier seen)
        self.greedy: list[bool | None] = [None]
        self.alternation: list[bool] = [False]
        self.quantifiable = False  # the last item written is an atom a quantifier may follow

    def translate(self) -> tuple[str, bool]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            self.pos += 1
            if self.expanded and char.isspace():
                continue
            if self.expanded and char == "#":
                newline = text.find("\n", self.pos)
                self.pos = len(text) if newline < 0 else newline + 1
                continue
            if char == "\\":
                self._escape()
            elif char == "[":
                self._bracket()
            elif char == "(":
                self._open_group()
            elif char == ")":
                self._close_group()
            elif char in "*+?":
                self._quantifier(char)
            elif char == "{":
                if self.pos < len(text) and text[self.pos].isdigit():
                    self._bound()
                else:
                    self._atom(r"\{")
            elif char == "|":
                self.alternation[-1] = True
                self.out.append("|")
                self.quantifiable = False
            elif char == "^":
                self.out.append(r"\A")
                self.quantifiable = False
            elif char == "$":
                self.out.append(r"\Z")
                self.quantifiable = False
            elif char == ".":
                self._atom(".")
            else:
                self._atom(regex.escape(char))
        if len(self.greedy) != 1:
            raise PatternError("parentheses () not balanced")
        return "".join(self.out), self._is_greedy(0)

    def _is_greedy(self, depth: int) -> bool:
        if self.alternation[depth]:
            return True
        return self.greedy[depth] is not False

    def _atom(self, written: str) -> None:
        self.out.append(written)
        self.quantifiable = True

    def _note_greediness(self, greedy: bool) -> None:
        if self.greedy[-1] is None:
            self.greedy[-1] = greedy

    def _quantifier(self, char: str) -> None:
        if not self.quantifiable:
            raise PatternError("quantifier operand invalid")
        lazy = self.text.startswith("?", self.pos)
        if lazy:
            self.pos += 1
        self.out.append(char + ("?" if lazy else ""))
        self._note_greediness(not lazy)
        self.quantifiable = False

    def _bound(self) -> None:
        if not self.quantifiable:
            raise PatternError("quantifier operand invalid")
        found = re.match(r"(\d+)(,(\d*))?\}", self.text[self.pos :])
        if found is None:
            raise PatternError("invalid repetition count(s)")
        self.pos += found.end()
        low = int(found.group(1))
        high = low if found.group(2) is None else (int(found.group(3)) if found.group(3) else None)
        if low > MAX_REPEAT or (high is not None and (high > MAX_REPEAT or high < low)):
            raise PatternError("invalid repetition count(s)")
        lazy = self.text.startswith("?", self.pos)
        if lazy:
            self.pos += 1
        written = (
            f"{{{low}}}" if found.group(2) is None else f"{{{low},{'' if high is None else high}}}"
        )
        self.out.append(written + ("?" if lazy else ""))
        if high != low:  # a fixed count keeps the atom's own greediness
            self._note_greediness(not lazy)
        self.quantifiable = False

    def _open_group(self) -> None:
        text = self.text
        if text.startswith("?", self.pos):
            for opener in (":", "=", "!", "<=", "<!"):
                if text.startswith(opener, self.pos + 1):
                    self.pos += 1 + len(opener)
                    self.out.append("(?" + opener)
                    break
            else:
                raise PatternError("invalid embedded option")
        else:
            self.out.append("(")
        self.greedy.append(None)
        self.alternation.append(False)
        self.quantifiable = False

    def _close_group(self) -> None:
        if len(self.greedy) == 1:
            raise PatternError("parentheses () not balanced")
        inner = self.greedy.pop()
        alternation = self.alternation.pop()
        if alternation:
            self._note_greediness(True)
        elif inner is not None:
            self._note_greediness(inner)
        self._atom(")")

    def _escape(self) -> None:
        text = self.text
        if self.pos >= len(text):
            raise PatternError("invalid escape \\ sequence")
        char = text[self.pos]
        self.pos += 1
        if char in _ESCAPES:
            written = _ESCAPES[char]
            if char in "mMyYAZ":  # constraints: nothing to repeat
                self.out.append(written)
                self.quantifiable = False
                return
            self._atom(written)
        elif char in "xuU":
            written, self.pos = _hex(text, self.pos, {"x": None, "u": 4, "U": 8}[char])
            self._atom(written)
        elif char == "c":
            if self.pos >= len(text):
                raise PatternError("invalid escape \\ sequence")
            self._atom(regex.escape(chr(ord(text[self.pos]) & 0x1F)))
            self.pos += 1
        elif char.isdigit():
            digits = re.match(r"\d+", text[self.pos - 1 :])
            assert digits is not None
            if char == "0":
                raise PatternError("invalid escape \\ sequence")
            self.pos += len(digits.group()) - 1
            self._atom(f"(?:\\{int(digits.group())})")
        elif char.isalnum():
            raise PatternError("invalid escape \\ sequence")
        else:
            self._atom(regex.escape(char))

    def _bracket(self) -> None:
        text = self.text
        parts = ["["]
        if text.startswith("^", self.pos):
            parts.append("^")
            self.pos += 1
        first = True
        while True:
            if self.pos >= len(text):
                raise PatternError("brackets [] not balanced")
            char = text[self.pos]
            if char == "]" and not first:
                self.pos += 1
                break
            first = False
            if text.startswith(("[:", "[.", "[="), self.pos):
                kind = text[self.pos + 1]
                end = text.find(kind + "]", self.pos + 2)
                if end < 0:
                    raise PatternError("brackets [] not balanced")
                name = text[self.pos + 2 : end]
                self.pos = end + 2
                if kind == ":":
                    if name not in _POSIX_CLASSES:
                        raise PatternError("invalid character class")
                    parts.append(f"[:{name}:]")
                elif len(name) == 1:
                    parts.append(regex.escape(name))
                else:
                    raise PatternError("invalid collating element")
            elif char == "\\":
                self.pos += 1
                if self.pos >= len(text):
                    raise PatternError("invalid escape \\ sequence")
                escaped = text[self.pos]
                self.pos += 1
                if escaped in _CLASS_ESCAPES:
                    parts.append(_CLASS_ESCAPES[escaped])
                elif escaped in "xuU":
                    written, self.pos = _hex(text, self.pos, {"x": None, "u": 4, "U": 8}[escaped])
                    parts.append(written)
                elif escaped in _ESCAPES and escaped not in "mMyYAZ":
                    parts.append(_ESCAPES[escaped])
                elif escaped.isalnum():
                    raise PatternError("invalid escape \\ sequence")
                else:
                    parts.append(regex.escape(escaped))
            elif char == "-":
                self.pos += 1
                parts.append("-")
            else:
                self.pos += 1
                parts.append(regex.escape(char))
        self._atom("".join(parts) + "]")


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Compiled:
    """The `regex` equivalent of PostgreSQL pattern `pattern` (raises PatternError)."""
    flags = regex.DOTALL | regex.V0
    body = pattern
    if body.startswith("***="):
        return Compiled(regex.compile(regex.escape(body[4:]), flags))
    body = body.removeprefix("***:")
    options = re.match(r"\(\?([a-z]*)\)", body)
    expanded = False
    if options is not None:
        for letter in options.group(1):
            if letter in _EMBEDDED:
                flags |= _EMBEDDED[letter]
            elif letter == "x":
                expanded = True
            elif letter == "q":
                rest = body[options.end() :]
                return Compiled(regex.compile(regex.escape(rest), flags))
            elif letter != "c":
                raise PatternError("invalid embedded option")
        body = body[options.end() :]
    translated, greedy = _Translator(body, expanded).translate()
    if greedy:
        flags |= regex.POSIX
    try:
        return Compiled(regex.compile(translated, flags))
    except regex.error as error:
        raise PatternError(str(error)) from None


def _replacement(template: str) -> Callable[[regex.Match[str]], str]:
    """PostgreSQL's replacement text: \\1..\\9 a group (empty when it took no part), \\& the
    match, \\\\ one backslash; any other backslash stays as written."""

    def expand(match: regex.Match[str]) -> str:
        out: list[str] = []
        index = 0
        while index < len(template):
            char = template[index]
            following = template[index + 1] if index + 1 < len(template) else ""
            if char == "\\" and following in "123456789" and following:
                group = int(following)
                taken = match.group(group) if group <= (match.re.groups or 0) else None
                out.append(taken or "")
                index += 2
            elif char == "\\" and following == "&":
                out.append(match.group(0))
                index += 2
            elif char == "\\" and following == "\\":
                out.append("\\")
                index += 2
            else:
                out.append(char)
                index += 1
        return "".join(out)

    return expand


def replace_all(text: str, pattern: str, replacement: str) -> str:
    """regexp_replace(text, pattern, replacement, 'g'); raises PatternError. As PostgreSQL,
    the search goes on one character past an empty match (`regex` would try a longer match
    at the same place first)."""
    compiled = compile_pattern(pattern).pattern
    expand = _replacement(replacement)
    out: list[str] = []
    copied = 0  # text before this is in `out`
    start = 0
    while start <= len(text):
        match = compiled.search(text, start)
        if match is None:
            break
        out += [text[copied : match.start()], expand(match)]
        copied = start = match.end()
        if match.start() == match.end():
            out.append(text[start : start + 1])
            copied = start = start + 1
    out.append(text[copied:])
    return "".join(out)


def matches(text: str, pattern: str) -> bool:
    """text ~ pattern; raises PatternError."""
    return compile_pattern(pattern).pattern.search(text) is not None
