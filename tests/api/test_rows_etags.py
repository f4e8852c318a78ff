"""ETag, If-Match and If-None-Match on rows (core.row_etags): a row's ETag changes with every
write that changes it, a write naming an old one is refused with 412 (checked atomically),
and a GET naming the current one is 304."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.conftest import Api


def setup(api: Api) -> tuple[int, int, int, str]:
    table = api.table(data=[["Name"], ["a"], ["b"]])
    a, b = (r["id"] for r in api.rows(table))
    r = api.get(f"/api/database/rows/table/{table}/{a}/")
    assert r.status_code == 200
    return table, a, b, r.headers["ETag"]


def modified(*ids: int) -> dict[str, str]:
    return {
        "error": "ERROR_ROW_MODIFIED",
        "detail": f"The rows {sorted(ids)} were modified since the given versions (ETags).",
    }


def test_get_sends_an_etag_that_every_write_changes(api: Api) -> None:
    table, a, b, tag = setup(api)
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34
    url = f"/api/database/rows/table/{table}/{a}/"
    assert api.get(url + "?user_field_names=true").headers["ETag"] == tag  # same row, same tag
    patched = api.patch(url, {"field_" + str(api.fields(table)[0]["id"]): "a2"})
    assert patched.status_code == 200
    assert patched.headers["ETag"] not in (tag, None)
    assert api.get(url).headers["ETag"] == patched.headers["ETag"]
    moved = api.patch(f"{url}move/?before_id={b}")  # the order is part of the row
    assert moved.headers["ETag"] not in (tag, patched.headers["ETag"])
    assert api.get(url).headers["ETag"] == moved.headers["ETag"]
    created = api.post(f"/api/database/rows/table/{table}/", {})
    row = created.json()["id"]
    assert (
        created.headers["ETag"]
        == api.get(f"/api/database/rows/table/{table}/{row}/").headers["ETag"]
    )


def test_a_lost_update_is_refused_with_412(api: Api) -> None:
    table, a, _, tag = setup(api)
    url = f"/api/database/rows/table/{table}/{a}/?user_field_names=true"
    mine = api.patch(url, {"Name": "mine"}, headers={**api.headers, "If-Match": tag})
    assert mine.status_code == 200
    theirs = api.patch(url, {"Name": "theirs"}, headers={**api.headers, "If-Match": tag})
    assert theirs.status_code == 412
    assert theirs.json() == modified(a)
    assert api.rows(table)[0]["Name"] == "mine"
    # with the new ETag (or *) the write goes through
    again = api.patch(
        url, {"Name": "theirs"}, headers={**api.headers, "If-Match": mine.headers["ETag"]}
    )
    assert again.status_code == 200
    star = api.patch(url, {"Name": "star"}, headers={**api.headers, "If-Match": "*"})
    assert star.status_code == 200
    weak = api.patch(
        url, {"Name": "weak"}, headers={**api.headers, "If-Match": "W/" + star.headers["ETag"]}
    )
    assert weak.status_code == 412  # If-Match compares strongly


def test_delete_and_move_check_if_match(api: Api) -> None:
    table, a, b, tag = setup(api)
    api.ok(api.patch(f"/api/database/rows/table/{table}/{a}/move/?before_id={b}"))
    stale = {**api.headers, "If-Match": tag}
    moved = api.patch(f"/api/database/rows/table/{table}/{a}/move/", headers=stale)
    assert (moved.status_code, moved.json()) == (412, modified(a))
    deleted = api.delete(f"/api/database/rows/table/{table}/{a}/", headers=stale)
    assert (deleted.status_code, deleted.json()) == (412, modified(a))
    assert [r["Name"] for r in api.rows(table)] == ["a", "b"]
    current = api.get(f"/api/database/rows/table/{table}/{a}/").headers["ETag"]
    gone = api.delete(
        f"/api/database/rows/table/{table}/{a}/", headers={**api.headers, "If-Match": current}
    )
    assert gone.status_code == 204
    missing = api.delete(f"/api/database/rows/table/{table}/{a}/", headers=stale)
    assert missing.status_code == 404  # a row that is gone is 404, as without If-Match


def test_if_none_match_answers_304_until_the_row_changes(api: Api) -> None:
    table, a, _, tag = setup(api)
    url = f"/api/database/rows/table/{table}/{a}/"
    same = api.get(url, headers={**api.headers, "If-None-Match": f'"x", {tag}'})
    assert (same.status_code, same.content, same.headers["ETag"]) == (304, b"", tag)
    weak = api.get(url, headers={**api.headers, "If-None-Match": f"W/{tag}"})
    assert weak.status_code == 304
    api.ok(api.patch(url + "?user_field_names=true", {"Name": "new"}))
    changed = api.get(url + "?user_field_names=true", headers={**api.headers, "If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.json()["Name"] == "new"


def test_a_batch_update_checks_every_named_version(api: Api) -> None:
    table, a, b, tag_a = setup(api)
    tag_b = api.get(f"/api/database/rows/table/{table}/{b}/").headers["ETag"]
    url = f"/api/database/rows/table/{table}/batch/?user_field_names=true"
    api.ok(api.patch(f"/api/database/rows/table/{table}/{b}/?user_field_names=true", {"Name": "B"}))
    body: dict[str, Any] = {
        "items": [{"id": a, "Name": "x"}, {"id": b, "Name": "y"}],
        "if_match": {str(a): tag_a, str(b): tag_b},
    }
    refused = api.patch(url, body)
    assert (refused.status_code, refused.json()) == (412, modified(b))
    assert [r["Name"] for r in api.rows(table)] == ["a", "B"]  # nothing of the batch
    tag_b = api.get(f"/api/database/rows/table/{table}/{b}/").headers["ETag"]
    body["if_match"] = {str(a): tag_a, str(b): tag_b.strip('"')}  # quotes may be left out
    assert api.patch(url, body).status_code == 200
    assert [r["Name"] for r in api.rows(table)] == ["x", "y"]
    bad = api.patch(url, {"items": [{"id": a}], "if_match": ["nope"]})
    assert bad.status_code == 400
    assert bad.json()["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    stale = api.post(
        f"/api/database/rows/table/{table}/batch-delete/",
        {"items": [a, b], "if_match": {str(a): tag_a}},
    )
    assert (stale.status_code, stale.json()) == (412, modified(a))
    assert len(api.rows(table)) == 2


def test_concurrent_writes_with_one_version_let_exactly_one_through(api: Api) -> None:
    table, a, _, tag = setup(api)
    url = f"/api/database/rows/table/{table}/{a}/?user_field_names=true"

    def write(n: int) -> int:
        r = api.patch(url, {"Name": f"w{n}"}, headers={**api.headers, "If-Match": tag})
        return int(r.status_code)

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(write, range(8)))
    assert statuses == [200] + [412] * 7


def test_database_tokens_get_the_same_etags_and_checks(api: Api) -> None:
    database = api.database()
    table = api.table(database, data=[["Name"], ["a"]])
    row = api.rows(table)[0]["id"]
    workspace = api.ok(api.get(f"/api/applications/{database}/"))["workspace"]["id"]
    key = api.ok(api.post("/api/database/tokens/", {"name": "t", "workspace": workspace}))["key"]
    token = {"Authorization": f"Token {key}"}
    url = f"/api/database/rows/table/{table}/{row}/?user_field_names=true"
    tag = api.client.get(url, headers=token).headers["ETag"]  # the hot route (api/hot.py)
    assert tag == api.get(url).headers["ETag"]
    assert api.client.get(url, headers={**token, "If-None-Match": tag}).status_code == 304
    written = api.client.patch(url, json={"Name": "b"}, headers={**token, "If-Match": tag})
    assert written.status_code == 200
    stale = api.client.patch(url, json={"Name": "c"}, headers={**token, "If-Match": tag})
    assert (stale.status_code, stale.json()) == (412, modified(row))
    hot = api.client.patch(url, json={"Name": "d"}, headers=token)
    assert hot.headers["ETag"] == api.get(url).headers["ETag"]
