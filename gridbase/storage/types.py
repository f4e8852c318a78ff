"""Column types that behave the same on SQLite and PostgreSQL.

DecimalType: NUMERIC on both; SQLite keeps it as INTEGER/REAL (no native decimal), so
values go in as text (NUMERIC affinity converts them) and come back as Decimal.
RowOrderType: a DecimalType whose SQLite floats come back by their exact value.
UtcDateTime: timestamps always stored and returned as timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from gridbase.storage.moved import SchemaMoved


class DecimalType(sa.types.TypeDecorator[Decimal]):
    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.types.NUMERIC().with_variant(sa.Float(), "sqlite"))
        numeric = cast("sa.Numeric[Any]", self.impl_instance)
        return dialect.type_descriptor(sa.Numeric(numeric.precision, numeric.scale))

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        try:
            process = super().result_processor(dialect, coltype)
        except sa.exc.InvalidRequestError as exc:  # "Unknown PG numeric type"
            # PostgreSQL: the column is no longer numeric - a field's type change committed
            # after this read loaded the table's model; the read runs again
            raise SchemaMoved() from exc
        if (
            dialect.name == "sqlite"
            and self.impl_instance.result_processor(dialect, coltype) is None
        ):
            return _sqlite_decimal  # the same, without a wrapper's call per value
        return process

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            number = Decimal(str(value))
            return int(number) if number == number.to_integral_value() else float(number)
        return Decimal(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (
            value
            if isinstance(value, Decimal)
            else Decimal(repr(value) if isinstance(value, float) else str(value))
        )


def _sqlite_decimal(value: Any) -> Decimal | None:
    """DecimalType.process_result_value of what SQLite hands back (float, int, None)."""
    kind = type(value)
    if kind is float:
        return Decimal(repr(value))
    if kind is int:
        return Decimal(value)  # the digits of str(value), exponent 0
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value) if isinstance(value, float) else str(value))


class RowOrderType(DecimalType):
    """A row's order: on SQLite the float it is stored as, by its exact value (Baserow
    stores the float of its order fraction as round(Decimal(f), 20), so its 20 decimals
    are the float's, not those of its shortest text)."""

    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name == "sqlite":
            return _sqlite_order
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if dialect.name == "sqlite":
            return _sqlite_order(value)
        return super().process_result_value(value, dialect)


def _sqlite_order(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(value) if isinstance(value, (int, float)) else Decimal(str(value))


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


MAX_ID = 2**31 - 1


class Id(sa.types.TypeDecorator[int]):
    """An integer id. A value no id can have (beyond 32 bits, e.g. a client's
    99999999999999999999) binds as -1, so it simply matches nothing on both backends
    instead of overflowing the driver."""

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not -MAX_ID <= value <= MAX_ID
        ):
            return -1
        return value
