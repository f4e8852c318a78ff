"""Type properties of a field (its create/update body keys) and their reusable validators.

Imports: nothing from gridbase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TRUE_WORDS = frozenset({"t", "y", "yes", "true", "on", "1", "checked"})
FALSE_WORDS = frozenset({"f", "n", "no", "false", "off", "0", "0.0", "unchecked", ""})


class PropError(Exception):
    """A type property in a field create/update body is invalid."""

    def __init__(self, name: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Prop:
    """One type-specific property: its default and a validator of written values."""

    name: str
    default: Any
    check: Callable[[Any], Any] | None = None  # returns the cleaned value or raises PropError
    write_only: bool = False
    # its value when a field of another type becomes this one and the body does not give it
    # (Baserow's model default, where a new field gets its serializer's); None: `default`
    converted: Callable[[], Any] | None = None


def check_bool(name: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise PropError(name, "Must be a valid boolean.")

    return check


def check_flag(name: str) -> Callable[[Any], bool]:
    """check_bool for a property that may not be null (DRF's BooleanField)."""
    inner = check_bool(name)

    def check(value: Any) -> bool:
        if value is None:
            raise PropError(name, "This field may not be null.", "null")
        return inner(value)

    return check


def check_int(name: str, low: int | None = None, high: int | None = None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str, float)):
            raise PropError(name, "A valid integer is required.")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise PropError(name, "A valid integer is required.") from None
        if low is not None and number < low:
            raise PropError(
                name, f"Ensure this value is greater than or equal to {low}.", "min_value"
            )
        if high is not None and number > high:
            raise PropError(
                name, f"Ensure this value is less than or equal to {high}.", "max_value"
            )
        return number

    return check


def check_id(name: str) -> Callable[[Any], int | None]:
    """An optional id (a table, field or view): null, or a non-negative integer or its digits."""

    def check(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not str(value).strip().isdigit():
            raise PropError(name, "A valid integer is required.")
        return int(value)

    return check


def check_int_choice(name: str, choices: range) -> Callable[[Any], int]:
    """DRF's ChoiceField of integers: a value is looked up by its text ("2" is 2; 2.5,
    2.0 and true are no choice)."""
    texts = {str(c): c for c in choices}

    def check(value: Any) -> int:
        if value is None:
            raise PropError(name, "This field may not be null.", "null")
        if isinstance(value, bool) or str(value) not in texts:
            raise PropError(name, f'"{value}" is not a valid choice.', "invalid_choice")
        return texts[str(value)]

    return check


def check_choice(name: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise PropError(name, f'"{value}" is not a valid choice.', "invalid_choice")
        return value

    return check


def check_str(
    name: str, max_length: int, allow_null: bool = False, allow_blank: bool = True
) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None:
            if allow_null:
                return None
            raise PropError(name, "This field may not be null.", "null")
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise PropError(name, "Not a valid string.")
        text = str(value).strip()  # DRF's CharField trims, as Baserow's serializers do
        if not text and not allow_blank:
            raise PropError(name, "This field may not be blank.", "blank")
        if len(text) > max_length:
            raise PropError(
                name, f"Ensure this field has no more than {max_length} characters.", "max_length"
            )
        return text

    return check
