"""gridbase's row extensions are additive (README "Beyond Baserow"): Baserow 1.35.3 ignores
the Idempotency-Key, If-Match and If-None-Match headers and a batch body's `if_match` map,
so a request whose header does not come into play (a new key, `If-Match: *` on a row that
exists, an If-None-Match naming another version) must get exactly Baserow's answer, success
or error, by JWT and by database token. Replays, 412 and 304 are gridbase's own and are
tested in tests/api (test_rows_idempotency.py, test_rows_etags.py).
"""

from __future__ import annotations

from tests.compat.scenarios.build import NAMES
from tests.compat.scenarios.users import rows_path
from tests.compat.session import Session

ANY = {"If-Match": "*"}


def key(n: str) -> dict[str, str]:
    return {"Idempotency-Key": f"compat-{n}"}


def row_extension_headers(s: Session) -> None:
    s.sign_up()
    workspace = s.workspace()
    db = s.database(workspace)
    table = s.table(db, "Extensions", [["Name", "Notes"], ["a", "x"], ["b", "y"], ["c", "z"]])
    s.token(workspace)

    s.post("create", rows_path(table), {"Name": "d"}, query=NAMES, headers=key("create"))
    s.post(
        "create_token", rows_path(table), {"Name": "e"}, query=NAMES, auth="token",
        headers=key("create"),
    )  # fmt: skip
    s.post("create_invalid", rows_path(table), {"Name": ["x"]}, query=NAMES, headers=key("bad"))
    s.get("get", rows_path(table, 1), query=NAMES, headers={"If-None-Match": '"other"'})
    s.get("get_weak", rows_path(table, 1), headers={"If-None-Match": 'W/"other"'})
    s.get("get_missing", rows_path(table, 999), headers={"If-None-Match": "*"})
    s.patch(
        "update", rows_path(table, 1), {"Name": "a2"}, query=NAMES,
        headers={**ANY, **key("update")},
    )  # fmt: skip
    s.patch(
        "update_token", rows_path(table, 2), {"Notes": "t"}, query=NAMES, auth="token",
        headers={**ANY, **key("update")},
    )  # fmt: skip
    s.patch("update_missing", rows_path(table, 999), {"Name": "x"}, headers={**ANY, **key("m")})
    s.patch("move", rows_path(table, 3) + "move/", None, query=NAMES, headers={**ANY, **key("mv")})
    s.post(
        "batch_create", rows_path(table) + "batch/", {"items": [{"Name": "f"}]}, query=NAMES,
        headers=key("batch_create"),
    )  # fmt: skip
    s.patch(
        "batch_update", rows_path(table) + "batch/",
        {"items": [{"id": 1, "Notes": "n1"}, {"id": 2, "Notes": "n2"}],
         "if_match": {"1": "*", "2": "*"}},
        query=NAMES, headers=key("batch_update"),
    )  # fmt: skip
    s.patch(
        "batch_update_missing", rows_path(table) + "batch/",
        {"items": [{"id": 999, "Notes": "n"}], "if_match": {"999": "*"}},
        headers=key("batch_update_missing"),
    )  # fmt: skip
    s.post(
        "batch_delete", rows_path(table) + "batch-delete/",
        {"items": [4], "if_match": {"4": "*"}}, headers=key("batch_delete"),
    )  # fmt: skip
    s.delete("delete", rows_path(table, 5), headers={**ANY, **key("delete")})
    s.delete("delete_missing", rows_path(table, 5), headers={**ANY, **key("delete_again")})
    s.get("rows", rows_path(table), query=NAMES)


SCENARIOS = {"row_extensions": row_extension_headers}
