"""The change stream end to end: a real `gridbase serve` (tests.server), a real SSE client
(tests.stream.sse, httpx streaming), on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.helpers import eventually
from tests.server import Server
from tests.stream.sse import Client, Frame, Stream
from tests.webhooks.receiver import Receiver

HEARTBEAT = {"GRIDBASE_EVENTS_HEARTBEAT_SECONDS": "0.3"}


def serve(tmp_path: Path, database_url: str, **env: str) -> Server:
    url = "" if database_url.startswith("sqlite") else database_url
    return Server(tmp_path / "data", env={**HEARTBEAT, **env}, database_url=url)


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    running = serve(tmp_path, database_url).start()
    try:
        yield running
    finally:
        running.stop()


def names(frames: list[Frame]) -> list[str]:
    return [item["Name"] for f in frames for item in f.data.get("items", ())]


def test_events_are_the_webhook_bodies_in_order(server: Server, receiver: Receiver) -> None:
    client = Client(server.url)
    _, _, table = client.table()
    client.call(
        "POST",
        f"/api/database/webhooks/table/{table}/",
        {"name": "h", "url": receiver.url(), "use_user_field_names": True},
    )
    notes = client.call(
        "POST", f"/api/database/fields/table/{table}/", {"name": "Notes", "type": "text"}
    )
    by_name = client.stream(table, "?user_field_names=true")
    by_id = client.stream(table, f"?include=field_{notes['id']}")
    excluding = client.stream(table, "?user_field_names=true&exclude=Notes")
    first = client.create(table, "a")
    rows = client.call(
        "POST",
        f"/api/database/rows/table/{table}/batch/?user_field_names=true",
        {"items": [{"Name": "b", "Notes": "n"}, {"Name": "c"}]},
    )["items"]
    client.call(
        "PATCH", f"/api/database/rows/table/{table}/{first}/?user_field_names=true", {"Notes": "x"}
    )
    client.call("PATCH", f"/api/database/rows/table/{table}/{rows[1]['id']}/move/")
    client.call("DELETE", f"/api/database/rows/table/{table}/{rows[0]['id']}/")
    field = client.call(
        "POST", f"/api/database/fields/table/{table}/", {"name": "N", "type": "number"}
    )
    client.call("PATCH", f"/api/database/fields/{field['id']}/", {"name": "M"})
    client.call("DELETE", f"/api/database/fields/{field['id']}/")
    count = 8
    frames = by_name.events(count)
    # the webhook also had the "Notes" field.created sent before the streams opened
    bodies = eventually(
        lambda: [r.body for r in receiver.received] if len(receiver.received) > count else None
    )
    assert [f.event for f in frames] == [
        "rows.created",
        "rows.created",
        "rows.updated",
        "rows.updated",
        "rows.deleted",
        "field.created",
        "field.updated",
        "field.deleted",
    ]
    ids = [f.id for f in frames]
    assert ids == list(range(ids[0], ids[0] + count))  # one database: consecutive
    hooked = {b["event_id"]: b for b in bodies}
    for frame in frames:
        assert frame.data["webhook_id"] is None
        assert frame.data == {**hooked[frame.data["event_id"]], "webhook_id": None}
    # the same events, rows keyed by field id and only the included field
    assert [f.id for f in by_id.events(count)] == ids
    assert by_id.frames[0].data["items"] == [
        {"id": first, "order": "1.00000000000000000000", f"field_{notes['id']}": None}
    ]
    assert excluding.events(count)[1].data["items"] == [
        {"id": rows[0]["id"], "order": rows[0]["order"], "Name": "b"},
        {"id": rows[1]["id"], "order": rows[1]["order"], "Name": "c"},
    ]
    for stream in (by_name, by_id, excluding):
        stream.close()


def test_resume_misses_nothing_and_repeats_nothing(server: Server) -> None:
    client = Client(server.url)
    _, _, table = client.table()
    for name in ("a", "b", "c"):
        client.create(table, name)
    stream = client.stream(table, "?after=0&user_field_names=true")
    seen = stream.events(3)
    assert names(seen) == ["a", "b", "c"]
    stream.close()
    client.create(table, "d")  # while nobody streams
    client.call(  # no webhook for it, but the stream still has it
        "POST",
        f"/api/database/rows/table/{table}/?user_field_names=true&send_webhook_events=false",
        {"Name": "e"},
    )
    # Last-Event-ID (an EventSource's reconnect) wins over the ?after= it keeps in its URL
    resumed = client.stream(
        table, "?after=0&user_field_names=true", {**client.jwt, "Last-Event-ID": str(seen[1].id)}
    )
    assert names(resumed.events(3)) == ["c", "d", "e"]
    client.create(table, "f")  # live after the replay
    frames = resumed.events(4)
    assert names(frames) == ["c", "d", "e", "f"]
    assert [f.id for f in frames] == [seen[2].id + i for i in range(4)]
    resumed.close()
    assert len(resumed.frames) == 4  # nothing twice


def test_resume_after_sigkill_misses_nothing(tmp_path: Path, database_url: str) -> None:
    first = serve(tmp_path, database_url).start()
    client = Client(first.url)
    _, _, table = client.table()
    stream = client.stream(table, "?user_field_names=true")
    client.create(table, "a")
    last = stream.events(1)[0].id
    for name in ("b", "c", "d"):  # acknowledged, then the server dies
        client.create(table, name)
    first.kill(everything=True)
    stream.close()
    second = serve(tmp_path, database_url).start()
    try:
        client.url = second.url
        resumed = client.stream(table, f"?after={last}&user_field_names=true")
        assert names(resumed.events(3)) == ["b", "c", "d"]
        client.create(table, "e")
        assert names(resumed.events(4)) == ["b", "c", "d", "e"]
        resumed.close()
        assert len(resumed.frames) == 4
    finally:
        second.stop()


def test_a_resume_from_before_the_retention_is_a_reset(tmp_path: Path, database_url: str) -> None:
    running = serve(
        tmp_path,
        database_url,
        GRIDBASE_EVENTS_RETENTION_HOURS="0",
        GRIDBASE_CLEANUP_INTERVAL_SECONDS="1",
    ).start()
    try:
        client = Client(running.url)
        _, _, table = client.table()
        client.create(table, "a")
        client.create(table, "b")

        def reset() -> Stream | None:
            stream = client.stream(table, "?after=1&user_field_names=true")
            eventually(lambda: stream.frames or stream.comments or None)
            if stream.frames and stream.frames[0].event == "reset":
                return stream
            stream.close()
            return None

        stream = eventually(reset)
        assert stream.frames[0].id == 2  # resume from here: nothing kept before it is sent
        assert stream.frames[0].data["table_id"] == table
        client.create(table, "c")
        frames = stream.events(2)
        assert (frames[1].id, names(frames[1:])) == (3, ["c"])
        stream.close()
    finally:
        running.stop()


def test_revoked_token_or_lost_read_or_deleted_table_ends_the_stream(server: Server) -> None:
    client = Client(server.url)
    workspace, _, table = client.table()
    revoked_id, revoked = client.token(workspace)
    narrowed_id, narrowed = client.token(workspace)
    by_revoked = client.stream(table, headers=revoked)
    by_narrowed = client.stream(table, headers=narrowed)
    by_user = client.stream(table)
    assert (by_revoked.status, by_narrowed.status, by_user.status) == (200, 200, 200)
    client.create(table, "a")
    by_revoked.events(1)
    client.call("DELETE", f"/api/database/tokens/{revoked_id}/")
    assert by_revoked.ended.wait(10)
    assert not by_narrowed.ended.is_set()
    client.call(
        "PATCH",
        f"/api/database/tokens/{narrowed_id}/",
        {"permissions": {"create": True, "read": False, "update": True, "delete": True}},
    )
    assert by_narrowed.ended.wait(10)
    assert not by_user.ended.is_set()
    client.call("DELETE", f"/api/database/tables/{table}/")
    assert by_user.ended.wait(10)


def test_a_token_without_read_gets_the_row_lists_error(server: Server) -> None:
    client = Client(server.url)
    workspace, _, table = client.table()
    token_id, token = client.token(workspace)
    client.call(
        "PATCH",
        f"/api/database/tokens/{token_id}/",
        {"permissions": {"create": True, "read": False, "update": True, "delete": True}},
    )
    base = f"{server.url}/api/database/rows/table/{table}/"
    refused = requests.get(base + "events/", headers=token, timeout=10)
    listed = requests.get(base, headers=token, timeout=10)
    assert (refused.status_code, refused.json()) == (listed.status_code, listed.json())
    assert (refused.status_code, refused.json()["error"]) == (401, "ERROR_NO_PERMISSION_TO_TABLE")
    missing = requests.get(
        f"{server.url}/api/database/rows/table/999999/events/", headers=client.jwt
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "ERROR_TABLE_DOES_NOT_EXIST")
    bad = requests.get(base + "events/?after=x", headers=client.jwt, timeout=10)
    assert (bad.status_code, bad.json()["error"]) == (400, "ERROR_QUERY_PARAMETER_VALIDATION")
    anonymous = requests.get(base + "events/", timeout=10)
    unlisted = requests.get(base, timeout=10)
    assert (anonymous.status_code, anonymous.json()) == (unlisted.status_code, unlisted.json())
    assert anonymous.status_code == 401
    # nothing was written by the refusals: the stream starts at 0
    stream = client.stream(table, "?after=0")
    eventually(lambda: stream.comments or None)
    assert stream.frames == []
    stream.close()


def test_concurrent_writers_are_streamed_in_commit_order(server: Server) -> None:
    client = Client(server.url)
    _, _, table = client.table()
    stream = client.stream(table, "?user_field_names=true")
    writers, each = 8, 10

    def write(w: int) -> None:
        for i in range(each):
            client.create(table, f"{w}-{i}")

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    frames = stream.events(writers * each, timeout=30)
    ids = [f.id for f in frames]
    assert ids == list(range(ids[0], ids[0] + writers * each))
    assert sorted(names(frames)) == sorted(f"{w}-{i}" for w in range(writers) for i in range(each))
    # every writer's rows in its own order, and a resume from the middle gives the rest
    for w in range(writers):
        mine = [n for n in names(frames) if n.startswith(f"{w}-")]
        assert mine == [f"{w}-{i}" for i in range(each)]
    middle = frames[len(frames) // 2].id
    resumed = client.stream(table, f"?after={middle}&user_field_names=true")
    assert names(resumed.events(len(frames) // 2 - 1)) == names(frames[len(frames) // 2 + 1 :])
    stream.close()
    resumed.close()


def test_two_instances_share_the_stream(tmp_path: Path, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("several instances share a PostgreSQL database")
    a = serve(tmp_path, database_url).start()
    b = serve(tmp_path, database_url).start()  # the same data dir: the same secret key
    try:
        on_a = Client(a.url)
        _, _, table = on_a.table()
        stream = Client(b.url, "bea@example.com").stream(
            table,
            "?user_field_names=true",
            on_a.jwt,  # A's session, read by B
        )
        on_a.create(table, "via A")
        assert names(stream.events(1)) == ["via A"]
        stream.close()
    finally:
        a.stop()
        b.stop()


def test_workers_processes_wake_each_others_streams(tmp_path: Path, database_url: str) -> None:
    """`serve --workers 2`: a write through either worker reaches streams on both, long before
    a heartbeat (60 s here) would re-read (SQLite: the hub's poll; PostgreSQL: NOTIFY)."""
    running = serve(tmp_path, database_url, GRIDBASE_EVENTS_HEARTBEAT_SECONDS="60")
    running.args = ("--workers", "2")
    running.start()
    try:
        client = Client(running.url)
        _, _, table = client.table()
        streams = [client.stream(table, "?user_field_names=true") for _ in range(6)]
        for i in range(4):  # new connections: the writes land on either worker
            client.create(table, f"r{i}")
        for stream in streams:
            assert names(stream.events(4)) == [f"r{i}" for i in range(4)]
            stream.close()
    finally:
        running.stop()


def test_a_graceful_stop_ends_open_streams(tmp_path: Path, database_url: str) -> None:
    """SIGTERM: the streams end first, so the stop does not wait for their clients."""
    running = serve(tmp_path, database_url, GRIDBASE_EVENTS_HEARTBEAT_SECONDS="60").start()
    try:
        client = Client(running.url)
        _, _, table = client.table()
        stream = client.stream(table)
        assert running.process is not None
        running.process.terminate()
        assert stream.ended.wait(10)
        # ended by itself within the wait (uvicorn re-raises SIGTERM once it stopped cleanly)
        assert running.process.wait(10) in (0, -signal.SIGTERM)
    finally:
        running.stop()
