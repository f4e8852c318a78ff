"""The small pieces of issue 23, each recorded from Baserow 1.35.3: a workspace's permission
object (GET /api/workspaces/{id}/permissions/), ...
"""

from __future__ import annotations

from typing import Any

from tests.compat.scenarios.build import NAMES
from tests.compat.scenarios.history_account import history_path
from tests.compat.scenarios.jobs import IMPORT, run_import
from tests.compat.scenarios.teammates import MISSING, join, teammate
from tests.compat.scenarios.users import rows_path
from tests.compat.session import Session


def workspace_permissions(s: Session) -> None:
    """The permission object of the open-source edition: for the workspace's ADMIN, a MEMBER,
    a user outside it, a missing workspace, without a session and with a database token."""
    s.sign_up()
    ws = s.workspace()
    path = f"/api/workspaces/{ws}/permissions/"
    s.get("admin", path)
    join(s, ws, "bob", teammate(s, "bob"))
    s.get("member", path, auth="bob")
    join(s, ws, "carol", teammate(s, "carol"), role="ADMIN")
    s.get("second_admin", path, auth="carol")
    teammate(s, "dave")
    s.get("outsider", path, auth="dave")
    s.get("missing", f"/api/workspaces/{MISSING}/permissions/")
    s.get("missing_outsider", f"/api/workspaces/{MISSING}/permissions/", auth="dave")
    s.get("no_auth", path, auth="none")
    s.token(ws)
    s.get("token", path, auth="token")
    s.get("bad_id", "/api/workspaces/abc/permissions/")
    s.call("post", "POST", path, body={})


def upsert_table(s: Session, db: int) -> tuple[int, dict[str, int]]:
    """A table to upsert into (its fields made unrecorded): Name, Notes (text), Count
    (number, 1 decimal), Done (boolean), Day (date), Kind (single select), F (formula)."""
    data = [["Name", "Notes"], ["a", "1"], ["b", "2"], ["b", "3"], ["c", ""], ["", "5"]]
    t = s.table(db, "Up", data)
    path = f"/api/database/fields/table/{t}/"
    for body in (
        {"name": "Count", "type": "number", "number_decimal_places": 1},
        {"name": "Done", "type": "boolean"},
        {"name": "Day", "type": "date", "date_include_time": False},
        {"name": "Kind", "type": "single_select",
         "select_options": [{"value": "red", "color": "red"}]},
        {"name": "F", "type": "formula", "formula": "concat(field('Name'), '!')"},
    ):  # fmt: skip
        s.post("field", path, body, record=False)
    items = [{"id": 1, "Count": 1, "Day": "2024-01-02"}, {"id": 2, "Count": 2.5, "Done": True},
             {"id": 3, "Count": 2.5}]  # fmt: skip
    s.patch("seed", f"/api/database/rows/table/{t}/batch/", {"items": items}, query=NAMES,
            record=False)  # fmt: skip
    return t, {name: f["id"] for name, f in s.fields(t).items()}


def import_upsert(s: Session) -> None:
    """An import into a table with `configuration`: rows whose upsert values match a row
    update it (repeated values pair up in id order), `skipped_fields` keep their values,
    keys of several fields and of each type; every validation error, synchronous or of the
    job. Each case runs on a fresh table."""
    s.sign_up()
    db = s.database()

    def upsert(label: str, rows: list[list[Any]], keys: Any, values: Any, **more: Any) -> None:
        t, f = upsert_table(s, db)
        configuration = {"upsert_fields": [f.get(k, k) for k in keys] if keys else keys,
                         "upsert_values": values, **more}  # fmt: skip
        if "skipped_fields" in more:
            configuration["skipped_fields"] = [f.get(k, k) for k in more["skipped_fields"]]
        # cells: Name, Notes, then Count and Done (a boolean refuses the None of a
        # missing cell)
        data = [r + [None, False][len(r) - 2 :] if len(r) < 4 else r for r in rows]
        run_import(s, label, IMPORT.format(t), {"data": data, "configuration": configuration})
        s.rows(f"{label}_rows", t, user_field_names="true")

    upsert("by_name", [["a", "new a"], ["z", "new z"]], ["Name"], [["a"], ["z"]])
    upsert("repeated", [["b", "b1"], ["b", "b2"], ["b", "b3"]], ["Name"],
           [["b"], ["b"], ["b"]])  # fmt: skip
    upsert("other_keys", [["x", "by key"]], ["Name"], [["c"]])
    upsert("two_fields", [["b", "two"], ["b", "none"]], ["Name", "Count"],
           [["b", "2.5"], ["b", 7]])  # fmt: skip
    upsert("number_forms", [["n1", "num", 3], ["n2", "num"], ["n3", "n"]], ["Count"],
           [[1], ["2.50"], [2.5]])  # fmt: skip
    upsert("number_int", [["n1", "num"]], ["Count"], [["1"]])
    upsert("boolean", [["t", "bool"], ["t2", "bool"]], ["Done"], [[True], ["true"]])
    upsert("boolean_text", [["f", "bool"]], ["Done"], [["false"]])
    upsert("date", [["d", "date"], ["d2", "date"]], ["Day"], [["2024-01-02"], ["02/01/2024"]])
    upsert("date_null", [["d", "date"]], ["Day"], [[None]])
    upsert("null_key", [["nul", "null"]], ["Count"], [[None]])
    upsert("empty_text", [["", "empty"]], ["Name"], [[""]])
    upsert("null_text", [["nt", "null text"]], ["Notes"], [[None]])
    upsert("text_number", [["tn", "text number"]], ["Notes"], [[2]])
    upsert("skipped", [["a", "skip", 9]], ["Name"], [["a"]], skipped_fields=["Notes"])
    upsert("failing_row", [["a", "bad", "x"], ["q", "ok"]], ["Name"], [["a"], ["q"]])
    upsert("too_many_cells", [["a", 1, 2, True, "2024-01-01", None, 7]], ["Name"], [["a"]])
    upsert("null_fields", [["m2", "none"]], None, None)
    upsert("values_without_fields", [["m3", "x"]], None, [["a"]])
    upsert("missing_field", [["m4", "x"]], [MISSING], [["a"]])
    upsert("read_only_field", [["m5", "x"]], ["F"], [["a!"]])
    upsert("select_field", [["m6", "x"]], ["Kind"], [["red"]])
    upsert("short_value", [["m7", "x"]], ["Name", "Notes"], [["a"]])
    upsert("long_value", [["m8", "x"]], ["Name"], [["a", "b"]])
    upsert("bad_number", [["m9", "x"]], ["Count"], [["abc"]])
    upsert("bad_date", [["m9", "x"]], ["Day"], [["nope"]])
    upsert("skipped_missing", [["m10", "x"]], ["Name"], [["a"]], skipped_fields=[MISSING])
    upsert("other_table_field", [["m11", "x"]], [MISSING - 1], [["a"]])

    t, f = upsert_table(s, db)
    path = IMPORT.format(t)
    name = f["Name"]
    for label, configuration in (
        ("fields_empty", {"upsert_fields": [], "upsert_values": [["a"]]}),
        ("fields_zero", {"upsert_fields": [0], "upsert_values": [["a"]]}),
        ("fields_text", {"upsert_fields": "x", "upsert_values": [["a"]]}),
        ("fields_bad_item", {"upsert_fields": ["x"], "upsert_values": [["a"]]}),
        ("values_missing", {"upsert_fields": [name]}),
        ("values_empty", {"upsert_fields": [name], "upsert_values": []}),
        ("values_null", {"upsert_fields": [name], "upsert_values": None}),
        ("values_inner_empty", {"upsert_fields": [name], "upsert_values": [[]]}),
        ("values_not_lists", {"upsert_fields": [name], "upsert_values": ["a"]}),
        ("values_text", {"upsert_fields": [name], "upsert_values": "a"}),
        ("values_length", {"upsert_fields": [name], "upsert_values": [["a"], ["b"]]}),
        ("skipped_bad", {"upsert_fields": [name], "upsert_values": [["a"]],
                         "skipped_fields": [0]}),
        ("skipped_text", {"upsert_fields": [name], "upsert_values": [["a"]],
                          "skipped_fields": "x"}),
        ("configuration_text", "x"),
        ("configuration_list", [1]),
        ("configuration_null", None),
        ("configuration_empty", {}),
        ("unknown_key", {"other": 1}),
    ):  # fmt: skip
        body = {"data": [["k", "v", None, True]], "configuration": configuration}
        answer = s.post(label, path, body)
        if isinstance(answer, dict) and "id" in answer:
            s.wait(f"{label}_done", f"/api/jobs/{answer['id']}/")
    s.rows("rows_at_end", t, user_field_names="true")


def history_links(s: Session) -> None:
    """Row history on the other side of a link: what the linked rows of T2 show when a row
    of T1 gains a link to them, loses it, or is deleted; with and without a related field,
    by single and batch writes, and a self link."""
    s.sign_up()
    db = s.database()
    t1 = s.table(db, "Orders", [["Name"], ["A"], ["A2"]])
    t2 = s.table(db, "Items", [["Name"], ["B"], ["C"], ["D"]])
    s.field(t1, "Items", "link_row", link_row_table_id=t2, has_related_field=True)
    s.field(t1, "OneWay", "link_row", link_row_table_id=t2, has_related_field=False)
    s.field(t1, "Self", "link_row", link_row_table_id=t1, has_related_field=False)

    def histories(label: str) -> None:
        for row in (1, 2, 3):
            s.get(f"{label}_t2_{row}", history_path(t2, row))
        for row in (1, 2):
            s.get(f"{label}_t1_{row}", history_path(t1, row))

    s.patch("link", rows_path(t1, 1), {"Items": [1, 2]}, query=NAMES)
    histories("linked")
    s.patch("relink", rows_path(t1, 1), {"Items": [2, 3]}, query=NAMES)
    histories("relinked")
    s.patch("one_way", rows_path(t1, 1), {"OneWay": [1]}, query=NAMES)
    histories("one_way")
    s.patch("from_t2", rows_path(t2, 3), {"Orders": [1, 2]}, query=NAMES)
    histories("from_t2")
    batch = {"items": [{"id": 1, "Items": []}, {"id": 2, "Items": [1]}]}
    s.patch("batch", rows_path(t1) + "batch/", batch, query=NAMES)
    histories("batch")
    s.patch("self", rows_path(t1, 1), {"Self": [2]}, query=NAMES)
    histories("self")
    s.post("create_linked", rows_path(t1), {"Name": "A3", "Items": [1]}, query=NAMES)
    s.get("created_t2_1", history_path(t2, 1))
    s.delete("delete", rows_path(t1, 2))
    histories("deleted")
    s.get("deleted_t1_3", history_path(t1, 3))
    batch = {"items": [{"Name": "N1", "Items": [2]}, {"Name": "N2", "Items": [2, 3]}]}
    s.post("batch_create", rows_path(t1) + "batch/", batch, query=NAMES)
    histories("batch_created")
    s.post("batch_delete", rows_path(t1) + "batch-delete/", {"items": [4, 5]})
    histories("batch_deleted")


def settings_reset_password(s: Session) -> None:
    """The instance settings as a non-staff user sees them: a refused update
    (turning allow_reset_password off is the staff's: the oracle is shared, so the refusals
    of a disabled reset are gridbase's tests), and the reset-password pair while allowed."""
    s.sign_up()
    body = {"allow_reset_password": False}
    s.patch("update_not_staff", "/api/settings/update/", body)
    s.patch("update_no_auth", "/api/settings/update/", body, auth="none")
    s.patch("update_bad_value", "/api/settings/update/", {"allow_reset_password": "maybe"})
    email = f"user-{s.tag}@example.com"
    base_url = "http://localhost:3000/forgot-password"
    s.post("send_unknown", "/api/user/send-reset-password-email/",
           {"email": f"nobody-{s.tag}@example.com", "base_url": base_url}, auth="none")  # fmt: skip
    s.post("send_bad_host", "/api/user/send-reset-password-email/",
           {"email": email, "base_url": "https://evil.example.com/x"}, auth="none")  # fmt: skip
    s.post("reset_bad_token", "/api/user/reset-password/",
           {"token": "nonsense", "password": "password1234"}, auth="none")  # fmt: skip


def health_queues(s: Session) -> None:
    """The queue check a load balancer may call (no authentication) and the staff-only
    e-mail tester and full check refused to others. The oracle's queues are short."""
    path = "/api/_health/celery-queue/"
    s.get("no_queue", path, auth="none")
    for queue in ("celery", "export", ["celery", "export"], "other", ["celery", "other"], ""):
        s.get("queue", path, query={"queue": queue}, auth="none")
    s.sign_up()
    body = {"target_email": "someone@example.com"}
    s.post("email_not_staff", "/api/_health/email/", body)
    s.post("email_no_auth", "/api/_health/email/", body, auth="none")
    s.post("email_bad_not_staff", "/api/_health/email/", {"target_email": "nope"})
    s.get("full_not_staff", "/api/_health/full/")


SCENARIOS = {
    "workspace_permissions": workspace_permissions,
    "import_upsert": import_upsert,
    "history_links": history_links,
    "settings_reset_password": settings_reset_password,
    "health_queues": health_queues,
}
