"""Run-specific values -> stable placeholders, so one transcript compares across servers.

Ids of tables, fields, views, databases, workspaces, users, tokens and select options are
numbered per kind in the order they first appear (a request is normalised before its
response), so a server that hands out other raw ids gives the same text. Row ids are per
table sequences on every server and stay as they are. Timestamps within two days of the
run's `today` become `<now>`; secrets, uuids, hosts and user file names (random part and
content hash) become placeholders. The kind of an id comes from where it stands: a path
segment (`/fields/<id>/`), a key (`table_id`, `field_<id>`), an object's shape (a field
has `table_id`, `type` and `name`) or a text that names it ("field 12"), and in a filter's
value from the filter type (options, users).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from typing import Any

BOGUS_ID_FLOOR = 1_000_000  # "not found" probes keep their id

KEY_KINDS = {
    "table_id": "table",
    "table": "table",
    "link_row_table_id": "table",
    "link_row_table": "table",
    "database_id": "database",
    "database": "database",
    "workspace_id": "workspace",
    "workspace": "workspace",
    "workspaces": "workspace",
    "application_ids": "database",
    "table_ids": "table",
    "view_ids": "view",
    "group": "filter_group",
    "parent_group": "filter_group",
    "field_id": "field",
    "field": "field",
    "fields": "field",
    "primary_field_id": "field",
    "link_row_related_field_id": "field",
    "link_row_related_field": "field",
    "through_field_id": "field",
    "target_field_id": "field",
    "linked_field_id": "field",  # a link's metadata in row history
    "linked_table_id": "table",
    "upsert_fields": "field",  # an import's configuration
    "skipped_fields": "field",
    "view_id": "view",
    "view": "view",
    "link_row_limit_selection_view_id": "view",
    "link_row_limit_selection_view": "view",
    "user_id": "user",
    "owned_by_id": "user",
    "available_collaborators": "user",
    "single_select_default": "option",
    "multiple_select_default": "option",
}
PATH_KINDS = {
    "tables": "table",
    "table": "table",
    "database": "database",
    "fields": "field",
    "views": "view",
    "grid": "view",
    "view": "view",
    "filter": "filter",
    "filter-group": "filter_group",
    "sort": "sort",
    "workspaces": "workspace",
    "workspace": "workspace",
    "applications": "database",
    "tokens": "token",
    "webhooks": "webhook",
    "jobs": "job",
    "export": "export_job",
    "users": "workspace_user",  # /api/workspaces/users/<id>/
    "invitations": "invitation",
    "endpoint": "mcp_endpoint",  # /api/mcp/endpoint/<id>/
}
SECRET_KEYS = {"token", "access_token", "refresh_token", "user_session", "key", "slug"}
FIELD_REF = re.compile(r"(?<![A-Za-z0-9])field_(\d+)(?![0-9])")
TEXT_IDS = [
    (re.compile(r"(?<![A-Za-z])((?:field|Field) (?:with id )?)(\d+)\b"), "field"),
    (re.compile(r"(?<![A-Za-z])((?:table|Table) (?:with id )?)(\d+)\b"), "table"),
    (re.compile(r"(?<![A-Za-z])((?:view|View) (?:with id )?)(\d+)\b"), "view"),
    (re.compile(r"(?<![A-Za-z])(table__)(\d+)\b"), "table"),
]
DEFAULT_FIELD_NAME = re.compile(r"Field \d+")
UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
HOST = re.compile(r"(https?://)[^/\s\"'?#]+")
# digits, skipping the percent escapes of a URL ("%2C" is a comma, not field 2)
DIGITS = re.compile(r"%[0-9A-Fa-f]{2}|\d+")
# query parameters that name fields by any digits in them (Baserow reads "id_12" as field 12)
FIELD_DIGIT_KEYS = {"order_by", "include", "exclude", "include_fields", "exclude_fields"}
# a field id in a list of names: `field_<id>`, or a number standing alone (not part of a
# name, nor a percent escape)
NAMED_IDS = re.compile(r"(?<![A-Za-z0-9_%])(field_)?(\d+)(?![A-Za-z0-9_])")
TABLE_KEY = re.compile(r"^table__(\d+)$")
FILTER_DIGITS = re.compile(r"^filter__(\d+)__")
# a user file's name: <32 random letters and digits>_<sha256 of its content>.<extension>
USER_FILE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{32}_[0-9a-f]{64}(?=\.)")
TIMESTAMP = re.compile(
    r"\b(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?\b"
)
# "The provided user ids [3, 4] are not valid collaborators."
USER_IDS = re.compile(r"(user ids? \[)([0-9, ]+)(\])")
USER_TYPES = ("created_by", "last_modified_by", "multiple_collaborators")
# an id written as text the way DRF's IntegerField still reads it: " 12 ", "+12", "12.0"
ID_TEXT = re.compile(r"^(\s*\+?)(\d+)((?:\.0*)?\s*)$")
# filter types whose value holds ids (comma separated), by kind
ID_FILTERS = {
    "single_select": "option",
    "multiple_select": "option",
    "has_any_select_option": "option",
    "has_none_select_option": "option",
    "user_is": "user",
    "multiple_collaborators": "user",
}
# a trash item's id, by its type (a row's id is its row id: left as it is)
TRASH_ITEM_KINDS = {
    "rows": "trashed_rows",
    "table": "table",
    "field": "field",
    "view": "view",
    "application": "database",
    "workspace": "workspace",
}


class Normaliser:
    def __init__(self, run_tag: str, today: dt.date) -> None:
        self.run_tag = run_tag
        self.ids: dict[str, dict[Any, int]] = defaultdict(dict)
        self.option_fields: set[str] = set()  # keys of select cells (field_<n> or names)
        self.user_files: dict[str, int] = {}  # user file names, numbered as they appear
        self.user_fields: set[str] = set()  # keys of cells that hold users ({"id", "name"})
        self.recent = {(today + dt.timedelta(days=d)).isoformat() for d in range(-2, 3)}

    # --- ids -------------------------------------------------------------------------------
    def ph(self, kind: str, raw: Any) -> Any:
        if isinstance(raw, str) and raw.isdigit():
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < BOGUS_ID_FLOOR:
            return raw
        seen = self.ids[kind]
        return f"<{kind}:{seen.setdefault(raw, len(seen) + 1)}>"

    def _user_file(self, match: re.Match[str]) -> str:
        """A user file name's random part and content hash (uploads carry the run's tag)."""
        seen = self.user_files
        return f"<user_file:{seen.setdefault(match.group(0), len(seen) + 1)}>"

    def id_text(self, kind: str, text: str) -> str | None:
        """An id spelled as text: a bare number as ph() takes it; padded, signed or with
        ".0" only when it is an id already seen (other digits may name nothing); None for
        a text that spells no id."""
        match = ID_TEXT.match(text)
        if match is None:
            return None
        if text.isdigit():
            return str(self.ph(kind, text))
        if int(match.group(2)) not in self.ids[kind]:
            return text
        return match.group(1) + str(self.ph(kind, int(match.group(2)))) + match.group(3)

    def _user_ids(self, match: re.Match[str]) -> str:
        ids = [str(self.ph("user", int(i))) for i in match.group(2).split(",") if i.strip()]
        return match.group(1) + ", ".join(ids) + match.group(3)

    def _field_ref(self, match: re.Match[str]) -> str:
        return "field_" + str(self.ph("field", int(match.group(1))))

    # --- strings ---------------------------------------------------------------------------
    def text(self, s: str) -> str:
        if self.run_tag and self.run_tag in s:
            s = s.replace(self.run_tag, "<run>")
        s = JWT.sub("<jwt>", s)
        s = UUID.sub(lambda m: "<uuid>", s)
        s = HOST.sub(lambda m: m.group(1) + "<host>", s)
        if "_" in s:
            s = USER_FILE.sub(self._user_file, s)
        if "/api/" in s:
            s = self.path(s)
        s = FIELD_REF.sub(self._field_ref, s)
        if DEFAULT_FIELD_NAME.fullmatch(s):
            return s  # "Field 2": a new table's default field name, not an id
        for pattern, kind in TEXT_IDS:
            s = pattern.sub(lambda m, k=kind: m.group(1) + str(self.ph(k, int(m.group(2)))), s)
        s = USER_IDS.sub(self._user_ids, s)
        return TIMESTAMP.sub(lambda m: "<now>" if m.group(1) in self.recent else m.group(0), s)

    def path(self, path: str) -> str:
        head, sep, tail = path.partition("?")
        parts = head.split("/")
        for i, part in enumerate(parts):
            if not part.isdigit() or i == 0:
                continue
            before = parts[i - 1]
            if before.isdigit() and parts[i - 2] == "table" and "rows" in parts:
                continue  # /rows/table/<t>/<row>/: row ids stay
            if before in PATH_KINDS:
                parts[i] = str(self.ph(PATH_KINDS[before], int(part)))
        return "/".join(parts) + sep + (self.query_string(tail) if sep else "")

    def query_string(self, qs: str) -> str:
        parts = qs.split("&")
        by_name = by_names(dict(p.partition("=")[::2] for p in parts))
        return "&".join(self._query_part(part, by_name) for part in parts)

    def _query_part(self, part: str, by_name: bool) -> str:
        key, sep, value = part.partition("=")
        if key in FIELD_DIGIT_KEYS:
            return key + sep + self.field_digits(value, by_name)
        return FIELD_REF.sub(self._field_ref, part)

    def field_digits(self, value: str, by_name: bool) -> str:
        """The field ids in an include/exclude/order_by list (percent escapes kept): every
        number in it (Baserow reads "id_12" as field 12), or, when the list names fields
        (user_field_names), only a `field_<id>` or a number standing alone ("HO1" is a name)."""
        if by_name:
            return NAMED_IDS.sub(
                lambda m: (m.group(1) or "") + str(self.ph("field", int(m.group(2)))), value
            )
        return DIGITS.sub(
            lambda m: m.group() if m.group()[0] == "%" else str(self.ph("field", int(m.group()))),
            value,
        )

    # --- JSON ------------------------------------------------------------------------------
    def json(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return self._object(value, key)
        if isinstance(value, list):
            if len(value) == 2 and value[0] in ("table", "database") and isinstance(value[1], int):
                return [value[0], self.ph(value[0], value[1])]  # a token's permission scope
            if key in KEY_KINDS and all(isinstance(v, int) for v in value):
                return [self.ph(KEY_KINDS[key], v) for v in value]
            if key in self.option_fields and all(isinstance(v, int) for v in value):
                return [self.ph("option", v) for v in value]
            return [self.json(v, key) for v in value]
        if isinstance(value, bool) or value is None or isinstance(value, float):
            return value
        if isinstance(value, int):
            if key in KEY_KINDS:
                return self.ph(KEY_KINDS[key], value)
            if key in self.user_fields:
                return self.ph("user", value)
            return self.ph("option", value) if key in self.option_fields else value
        if isinstance(value, str):
            if key in SECRET_KEYS and len(value) > 16 and " " not in value:  # not a message
                return "<secret>"
            if key in self.user_fields:
                return self.id_text("user", value) or self.text(value)
            if key in KEY_KINDS:  # an id sent as text ("field_id": "12")
                return self.id_text(KEY_KINDS[key], value) or self.text(value)
            return self.text(value)
        return value

    def _object(self, obj: dict[str, Any], key: str | None) -> dict[str, Any]:
        kind = _shape(obj) or ("option" if key == "select_options" else KEY_KINDS.get(key or ""))
        if kind is None and key in self.user_fields:
            kind = "user"  # a collaborator or the user who created / last changed a row
        # the field's types (an error's "type" holds a list of messages)
        types = {t for k in ("type", "formula_type", "array_formula_type")
                 if isinstance(t := obj.get(k), str)}  # fmt: skip
        if kind == "field" and types & {"single_select", "multiple_select"}:
            # its cells, and the values of its filters, hold option ids
            self.option_fields |= {f"field_{self.ph('field', obj.get('id'))}", str(obj.get("name"))}
        if kind == "field" and obj.get("type") in USER_TYPES:
            self.user_fields |= {f"field_{self.ph('field', obj.get('id'))}", str(obj.get("name"))}
        filter_type = str(obj.get("type", "")) if {"field", "type"} <= obj.keys() else ""
        out: dict[str, Any] = {}
        if "trash_item_type" in obj:
            return self._trash_item(obj)
        for k, v in obj.items():
            nk = self.text(k) if isinstance(k, str) else k
            if key == "field_options" and isinstance(k, str) and k.isdigit():
                nk = str(self.ph("field", int(k)))  # field options are keyed by field id
            if kind == "row_history" and k == "user" and isinstance(v, dict):
                out[nk] = {a: self.ph("user", b) if a == "id" else b for a, b in v.items()}
            elif kind == "row_history" and k == "fields_metadata" and isinstance(v, dict):
                out[nk] = {self.text(f): self._field_metadata(m) for f, m in v.items()}
            elif k == "id" and kind and isinstance(v, int):
                out[nk] = self.ph(kind, v)
            elif k == "id" and kind == "user" and isinstance(v, str):
                out[nk] = self.id_text(kind, v) or self.text(v)
            elif k == "value" and isinstance(v, str):
                out[nk] = self.filter_value(filter_type, v)
            else:
                out[nk] = self.json(v, nk if isinstance(nk, str) else None)
        return out

    def _field_metadata(self, meta: Any) -> Any:
        """A history entry's metadata of one field: its id, and its options keyed by id."""
        if not isinstance(meta, dict):
            return self.json(meta)
        out = {k: self.json(v, k) for k, v in meta.items() if k not in ("id", "select_options")}
        out["id"] = self.ph("field", meta.get("id"))
        if isinstance(options := meta.get("select_options"), dict):
            out["select_options"] = {
                str(self.ph("option", int(k)) if str(k).isdigit() else k): self.json(o)
                for k, o in options.items()
            }
        return out

    def _trash_item(self, obj: dict[str, Any]) -> dict[str, Any]:
        """A trash entry, or a restore request: what its ids are depends on its item type (a
        row's id stays, a batch of rows has a number of its own)."""
        item_type = obj.get("trash_item_type")
        kinds = {"id": "trash_entry", "application": "database", "workspace": "workspace"}
        kinds["trash_item_id"] = TRASH_ITEM_KINDS.get(str(item_type), "")
        kinds["parent_trash_item_id"] = "table"  # a row's (others have none)
        out: dict[str, Any] = {}
        for k, v in obj.items():
            kind = kinds.get(k)
            if kind and isinstance(v, int) and not isinstance(v, bool):
                out[k] = self.ph(kind, v)
            else:
                out[k] = self.json(v)
        return out

    def filter_value(self, filter_type: str, value: str) -> str:
        """A filter's value; the ids in it when the type takes ids (options, users)."""
        kind = next((k for p, k in ID_FILTERS.items() if filter_type.startswith(p)), None)
        if kind is None:
            return self.text(value)
        return ",".join(self.id_text(kind, p) or p for p in value.split(","))

    def query(self, query: dict[str, Any] | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in (query or {}).items():
            nk = FIELD_REF.sub(self._field_ref, k)
            if (table_key := TABLE_KEY.match(k)) is not None:
                nk = f"table__{self.ph('table', int(table_key.group(1)))}"
            if (numbered := FILTER_DIGITS.match(k)) is not None:
                field = self.ph("field", int(numbered.group(1)))
                nk = f"filter__{field}__" + k[numbered.end() :]
            if k in FIELD_DIGIT_KEYS and isinstance(v, str):
                out[nk] = self.field_digits(v, by_names(query or {}))
                continue
            if k == "filters" and isinstance(v, str):
                try:
                    out[nk] = self.json(json.loads(v))
                    continue
                except ValueError:
                    pass
            if k.startswith("filter__"):
                _, field, filter_type = nk.split("__", 2) if nk.count("__") >= 2 else ("", "", nk)
                if field in self.option_fields and filter_type.startswith("has_value_equal"):
                    filter_type = "has_any_select_option_equal"  # ids of a select array
                if field in self.option_fields and filter_type.startswith("has_not_value_equal"):
                    filter_type = "has_none_select_option_equal"
                out[nk] = self.filter_value(filter_type, str(v))
            elif k == "view_id":
                out[nk] = self.ph("view", v)
            elif k == "job_ids" and isinstance(v, str):
                out[nk] = ",".join(self.id_text("job", p) or p for p in v.split(","))
            elif k == "application_id":  # the trash's
                out[nk] = self.ph("database", v)
            else:
                out[nk] = v if isinstance(v, (int, float)) else self.text(str(v))
        return out


def by_names(query: dict[str, Any]) -> bool:
    """Whether a request names fields (Baserow's extract_user_field_names_from_params)."""
    value = query.get("user_field_names")
    if value is None:
        return False
    return value == "" or str(value).lower().strip() in ("y", "yes", "t", "true", "on", "1")


def keyed_by_table(self: Normaliser, body: Any) -> Any:
    """An answer keyed by table ids (the row names endpoint): its keys as table ids."""
    if not isinstance(body, dict):
        return body
    return {
        str(self.ph("table", int(k))) if isinstance(k, str) and k.isdigit() else k: v
        for k, v in body.items()
    }


def _shape(obj: dict[str, Any]) -> str | None:
    """The kind of object a dict is, by its keys (for its "id")."""
    keys = obj.keys()
    if {"action_type", "fields_metadata"} <= keys:
        return "row_history"  # an entry of a row's history: a global sequence
    if "exporter_type" in keys and "progress_percentage" in keys:
        return "export_job"
    if "progress_percentage" in keys:
        return "job"
    if "key" in keys and "permissions" in keys:
        return "token"
    if {"key", "workspace_name"} <= keys:
        return "mcp_endpoint"
    if "color" in keys and "value" in keys:
        return "option"
    if "parent_group" in keys:
        return "filter_group"
    if "filter_type" in keys or "filters_disabled" in keys:
        return "view"
    if {"view", "field", "type", "value"} <= keys:
        return "filter"
    if {"view", "field", "order"} <= keys:
        return "sort"
    if {"table_id", "type", "name"} <= keys:
        return "field"
    if "database_id" in keys and "name" in keys and "type" not in keys:
        return "table"
    if "type" in keys and "workspace" in keys:
        return "database"
    if {"url", "request_method"} <= keys:
        return "webhook"
    if {"email", "message", "created_on"} <= keys:
        return "invitation"  # an invitation (as its workspace's admin or its invitee sees it)
    if "trashed" in keys:  # the trash structure's workspaces and applications
        return "database" if "type" in keys else "workspace"
    if {"user_id", "workspace", "permissions"} <= keys:
        return "workspace_user"  # a membership: its own id
    if (
        "users" in keys
        or "generative_ai_models_enabled" in keys
        or ("permissions" in keys and isinstance(obj.get("permissions"), str))
    ):
        return "workspace"
    if "first_name" in keys or "username" in keys:
        return "user"
    return None
