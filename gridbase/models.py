"""Frozen values that cross layers: User, Workspace, Database, Table, Field, SelectOption.
A leaf module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    first_name: str
    is_staff: bool
    is_active: bool
    language: str
    email_notification_frequency: str = "instant"
    completed_onboarding: bool = False
    completed_guided_tours: tuple[str, ...] = ()
    # changes with the password: sessions carry it and stop working once it differs
    session_stamp: str = ""


@dataclass(frozen=True, slots=True)
class Workspace:
    id: int
    name: str
    created_on: datetime


@dataclass(frozen=True, slots=True)
class Database:
    id: int
    workspace_id: int
    name: str
    order: int
    type: str
    created_on: datetime


@dataclass(frozen=True, slots=True)
class Table:
    id: int
    database_id: int
    workspace_id: int
    name: str
    order: int
    schema_version: int


@dataclass(frozen=True, slots=True)
class SelectOption:
    id: int
    value: str
    color: str


@dataclass(frozen=True, slots=True)
class Field:
    id: int
    table_id: int
    name: str
    order: int
    type: str
    primary: bool
    description: str | None = None
    db_index: bool = False
    props: dict[str, Any] = field(default_factory=dict)
    select_options: tuple[SelectOption, ...] = ()
    # Baserow's field_constraints by type_name (e.g. "unique_with_empty"), sorted
    constraints: tuple[str, ...] = ()
    # The row column (or junction side) name, computed once: rows read it for every cell.
    column_name: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_name", f"field_{int(self.id)}")
