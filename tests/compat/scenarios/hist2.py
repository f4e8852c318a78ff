"""Row history after a restore from the trash and after an import, recorded from Baserow
1.35.3: what the restored rows and the rows they link show, and what rows an import created
or updated (its `configuration`) show."""

from __future__ import annotations

from typing import Any

from tests.compat.scenarios.build import NAMES
from tests.compat.scenarios.history_account import history_path
from tests.compat.scenarios.jobs import IMPORT, run_import
from tests.compat.scenarios.users import rows_path
from tests.compat.session import Session


def _restore(s: Session, step: str, kind: str, item: int, parent: int) -> Any:
    body = {"trash_item_type": kind, "trash_item_id": item, "parent_trash_item_id": parent}
    return s.patch(step, "/api/trash/restore/", body)


def history_restore(s: Session) -> None:
    """Rows of T1 linking rows of T2 (a two-way link, a one-way one, a self link) go to the
    trash alone and in a batch, then come back: every history on both sides, after each."""
    s.sign_up()
    ws = s.workspace()
    db = s.database(ws)
    t1 = s.table(db, "Orders", [["Name"], ["A"], ["A2"], ["A3"]])
    t2 = s.table(db, "Items", [["Name"], ["B"], ["C"], ["D"]])
    s.field(t1, "Items", "link_row", link_row_table_id=t2, has_related_field=True)
    s.field(t1, "OneWay", "link_row", link_row_table_id=t2, has_related_field=False)
    s.field(t1, "Self", "link_row", link_row_table_id=t1, has_related_field=False)
    s.patch("link", rows_path(t1, 1), {"Items": [1, 2], "OneWay": [3], "Self": [2]},
            query=NAMES)  # fmt: skip
    batch = {"items": [{"id": 2, "Items": [2]}, {"id": 3, "Items": [2, 3]}]}
    s.patch("link_batch", rows_path(t1) + "batch/", batch, query=NAMES)

    def histories(label: str) -> None:
        for row in (1, 2, 3):
            s.get(f"{label}_t2_{row}", history_path(t2, row))
        for row in (1, 2, 3):
            s.get(f"{label}_t1_{row}", history_path(t1, row))

    s.delete("delete", rows_path(t1, 1))
    _restore(s, "restore", "row", 1, t1)
    histories("restored")
    s.post("batch_delete", rows_path(t1) + "batch-delete/", {"items": [2, 3]})
    listed = s.get("contents", f"/api/trash/workspace/{ws}/", query={"application_id": db})
    batch_id = next(e["trash_item_id"] for e in listed["results"] if e["trash_item_type"] == "rows")
    _restore(s, "restore_batch", "rows", batch_id, t1)
    histories("batch_restored")
    # a row of T2 trashed and restored: the rows of T1 linking it
    s.delete("delete_t2", rows_path(t2, 2))
    _restore(s, "restore_t2", "row", 2, t2)
    histories("t2_restored")


def history_import(s: Session) -> None:
    """The history of rows an import created, and of rows an import's `configuration`
    updated (one of them linking a row of another table)."""
    s.sign_up()
    db = s.database()
    t2 = s.table(db, "Items", [["Name"], ["B"]])
    t = s.table(db, "Up", [["Name", "Notes"], ["a", "1"], ["b", "2"]])
    s.field(t, "Items", "link_row", link_row_table_id=t2, has_related_field=True)
    fields = s.fields(t)
    s.patch("seed", rows_path(t, 1), {"Items": [1]}, query=NAMES)
    configuration = {"upsert_fields": [fields["Name"]["id"]],
                     "upsert_values": [["a"], ["b"], ["z"]]}  # fmt: skip
    data = [["a", "new a", "B"], ["b", "new b", "B"], ["z", "new z", "B"]]
    run_import(s, "import", IMPORT.format(t), {"data": data, "configuration": configuration})
    s.rows("rows", t, user_field_names="true")
    for row in (1, 2, 3):
        s.get(f"history_{row}", history_path(t, row))
    s.get("history_t2_1", history_path(t2, 1))
    run_import(s, "plain", IMPORT.format(t), {"data": [["p", "plain", "B"]]})
    s.get("history_4", history_path(t, 4))
    s.get("history_t2_1_after", history_path(t2, 1))


SCENARIOS = {
    "history_restore": history_restore,
    "history_import": history_import,
}
