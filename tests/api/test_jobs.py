"""Background jobs through the HTTP stack: exports (JSON and XML, which the compat scenario
cannot record from Baserow's OSS build), what depends on timing (a second import while one
is pending, cancelling a pending job), and a job whose runner died."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from gridbase.app import build_runner, create_app
from gridbase.config import Settings
from gridbase.core import jobs
from gridbase.core.context import Ctx
from gridbase.storage import schema as s
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.helpers import assert_error, eventually


def wait_export(api: Api, job_id: int, timeout: float = 30) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        body = api.ok(api.get(f"/api/database/export/{job_id}/"))
        return body if body["state"] in ("finished", "failed", "cancelled") else None

    return eventually(ended, timeout=timeout)


def wait_job(api: Api, job_id: int, timeout: float = 30) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        body = api.ok(api.get(f"/api/jobs/{job_id}/"))
        return body if body["state"] in ("finished", "failed", "cancelled") else None

    return eventually(ended, timeout=timeout)


def run_pending(ctx: Ctx, api: Api, job_id: int) -> dict[str, Any]:
    """The job as it ends, run by a runner started for it (the `idle` app runs none)."""
    runner = build_runner(ctx)
    runner.start()
    try:
        return wait_job(api, job_id)
    finally:
        runner.stop()


def exported(api: Api, table: int, body: dict[str, Any], timeout: float = 30) -> bytes:
    job = api.ok(api.post(f"/api/database/export/table/{table}/", body))
    done = wait_export(api, job["id"], timeout)
    assert done["state"] == "finished", done
    r = api.client.get(done["url"].removeprefix("http://testserver"))
    assert r.status_code == 200
    return bytes(r.content)


@pytest.fixture
def sample(api: Api) -> int:
    table = api.table(data=[["Name"], ["a<&>"], ["b"]])
    api.field(table, "Done", "boolean")
    options = [{"value": "x", "color": "blue"}, {"value": "y", "color": "red"}]
    api.field(table, "Tags", "multiple_select", select_options=options)
    rows = api.rows(table)
    api.ok(api.patch(f"/api/database/rows/table/{table}/{rows[0]['id']}/?user_field_names=true",
                     {"Done": True, "Tags": ["x", "y"]}))  # fmt: skip
    return table


def test_json_export_keeps_booleans_and_lists(api: Api, sample: int) -> None:
    content = exported(api, sample, {"exporter_type": "json"})
    assert json.loads(content) == [
        {"id": 1, "Name": "a<&>", "Done": True, "Tags": ["x", "y"]},
        {"id": 2, "Name": "b", "Done": False, "Tags": []},
    ]


def test_xml_export_escapes_and_lists_items(api: Api, sample: int) -> None:
    content = exported(api, sample, {"exporter_type": "xml"}).decode()
    assert content == (
        '<?xml version="1.0" encoding="utf-8" ?>\n<rows>\n'
        "  <row>\n    <id>1</id>\n    <Name>a&lt;&amp;&gt;</Name>\n    <Done>true</Done>\n"
        "    <Tags><item>x</item><item>y</item></Tags>\n  </row>\n"
        "  <row>\n    <id>2</id>\n    <Name>b</Name>\n    <Done>false</Done>\n"
        "    <Tags></Tags>\n  </row>\n</rows>\n"
    )


def test_a_new_export_cancels_the_unfinished_one(ctx: Ctx, settings: Settings) -> None:
    settings.jobs_runner = False  # nothing runs: the first export stays pending
    with TestClient(create_app(settings, ctx), base_url="http://testserver") as client:
        api = Api(client)
        table = api.table()
        first = api.ok(api.post(f"/api/database/export/table/{table}/", {"exporter_type": "csv"}))
        api.ok(api.post(f"/api/database/export/table/{table}/", {"exporter_type": "csv"}))
        assert api.ok(api.get(f"/api/database/export/{first['id']}/"))["state"] == "cancelled"


@pytest.fixture
def idle(ctx: Ctx, settings: Settings) -> Iterator[Api]:
    """A client of a server whose jobs stay pending (no runner), and its user."""
    settings.jobs_runner = False
    with TestClient(create_app(settings, ctx), base_url="http://testserver") as client:
        yield Api(client)


def test_one_import_at_a_time(idle: Api) -> None:
    database = idle.database()
    path = f"/api/database/tables/database/{database}/async/"
    first = idle.ok(idle.post(path, {"name": "A", "data": [["a"]]}))
    assert first["state"] == "pending"
    assert_error(
        idle.post(path, {"name": "B", "data": [["b"]]}), 400, "ERROR_MAX_JOB_COUNT_EXCEEDED"
    )
    cancelled = idle.ok(idle.post(f"/api/jobs/{first['id']}/cancel/"))
    assert cancelled["state"] == "cancelled"
    # a cancelled job no longer counts
    assert idle.ok(idle.post(path, {"name": "B", "data": [["b"]]}))["state"] == "pending"
    assert_error(idle.post(f"/api/jobs/{first['id']}/cancel/"), 400, "ERROR_JOB_NOT_CANCELLABLE")
    listed = idle.ok(idle.get("/api/jobs/", params={"states": "cancelled"}))["jobs"]
    assert [j["id"] for j in listed] == [first["id"]]


def test_a_cancelled_job_never_runs(ctx: Ctx, idle: Api) -> None:
    database = idle.database()
    job = idle.ok(idle.post(f"/api/database/tables/database/{database}/async/",
                            {"name": "Never", "data": [["a"], ["b"]]}))  # fmt: skip
    idle.ok(idle.post(f"/api/jobs/{job['id']}/cancel/"))
    runner = build_runner(ctx)
    runner.start()
    try:
        assert jobs.claim(ctx, runner.name, runner.types.names()) is None
    finally:
        runner.stop()
    tables = idle.ok(idle.get(f"/api/database/tables/database/{database}/"))
    assert [t["name"] for t in tables] == []


def test_an_imports_rows_wait_apart_from_what_its_status_reads(ctx: Ctx, idle: Api) -> None:
    """The rows go in the job's payload, which only the runner reads (a poll of a 100k-row
    import's status decoded every row); a job queued by an older release, its rows in its
    params, still runs; the ended job keeps no rows."""
    database = idle.database()
    job = idle.ok(idle.post(f"/api/database/tables/database/{database}/async/",
                            {"name": "Later", "data": [["a"], ["b"]]}))  # fmt: skip
    where = s.jobs.c.id == job["id"]

    def stored() -> Any:
        with ctx.db.read() as conn:
            return conn.execute(sa.select(s.jobs.c.params, s.jobs.c.payload).where(where)).one()

    params, payload = stored()
    assert "data" not in params and payload == {"data": [["a"], ["b"]]}
    older = {**params, "first_row_header": False, "data": [["x"], ["y"]]}
    with ctx.db.write() as conn:
        conn.execute(s.jobs.update().where(where).values(params=older, payload=None))
    done = run_pending(ctx, idle, job["id"])
    assert done["state"] == "finished", done
    table = done["table_id"]
    name = idle.fields(table)[0]["name"]
    rows = idle.ok(idle.get(f"/api/database/rows/table/{table}/?user_field_names=true"))
    assert [r[name] for r in rows["results"]] == ["x", "y"]
    params, payload = stored()
    assert params["data"] is None and payload is None


def test_a_job_whose_runner_died_fails_with_a_message(ctx: Ctx, idle: Api) -> None:
    database = idle.database()
    job = idle.ok(idle.post(f"/api/database/tables/database/{database}/async/",
                            {"name": "Lost", "data": [["a"]]}))  # fmt: skip
    with ctx.db.write() as conn:  # claimed by a runner that is gone (it holds no lock)
        conn.execute(
            s.jobs.update()
            .where(s.jobs.c.id == job["id"])
            .values(state="started", runner="elsewhere:1:dead")
        )
    done = run_pending(ctx, idle, job["id"])
    assert done["state"] == "failed"
    assert done["human_readable_error"] == jobs.INTERRUPTED
    assert idle.ok(idle.get(f"/api/database/tables/database/{database}/")) == []


def test_a_live_runner_keeps_its_job(ctx: Ctx, idle: Api) -> None:
    """Another runner that still lives (its lock held) keeps its started job."""
    database = idle.database()
    job = idle.ok(idle.post(f"/api/database/tables/database/{database}/async/",
                            {"name": "Busy", "data": [["a"]]}))  # fmt: skip
    other = build_runner(ctx)
    name = other.liveness.hold()
    try:
        assert jobs.claim_one(ctx, name, job["id"]) is not None
        mine = build_runner(ctx)
        mine.liveness.hold()
        try:
            assert jobs.reap(ctx, mine.liveness.alive) == []
        finally:
            mine.liveness.release()
    finally:
        other.liveness.release()
    with ctx.db.read() as conn:
        state = conn.execute(sa.select(s.jobs.c.state).where(s.jobs.c.id == job["id"])).scalar()
    assert state == "started"


def test_a_stopped_runner_is_seen_dead_and_can_start_again(ctx: Ctx) -> None:
    """Stopping lets go of the lock at once (on PostgreSQL the session goes back to the pool,
    so the lock must be released, not left to the session's end)."""
    runner, watcher = build_runner(ctx), build_runner(ctx)
    name = runner.liveness.hold()
    assert watcher.liveness.alive(name)
    runner.liveness.release()
    assert not watcher.liveness.alive(name)
    assert runner.liveness.hold() == name  # a second start of the same app does not wait
    runner.liveness.release()


def test_a_failing_import_leaves_no_table(api: Api) -> None:
    database = api.database()
    job = api.ok(api.post(f"/api/database/tables/database/{database}/async/",
                          {"name": "Bad", "data": [["a"], 5]}))  # fmt: skip
    done = wait_job(api, job["id"])
    assert done["state"] == "failed"
    assert (
        done["human_readable_error"] == "Something went wrong during the file_import job execution."
    )
    assert api.ok(api.get(f"/api/database/tables/database/{database}/")) == []


def test_too_many_failing_rows_fail_the_import_and_add_nothing(api: Api) -> None:
    table = api.table(data=[["Name"], ["seed"]])
    api.field(table, "N", "number")
    data = [["r", "x"] for _ in range(31)] + [["good", "1"]]
    job = api.ok(api.post(f"/api/database/tables/{table}/import/async/", {"data": data}))
    done = wait_job(api, job["id"])
    assert done["state"] == "failed"
    assert done["human_readable_error"] == "This file import has raised too many errors."
    assert len(done["report"]["failing_rows"]) == 30  # the 31st failed it
    assert [r["Name"] for r in api.rows(table)] == ["seed"]


def test_export_file_names_are_checked(api: Api) -> None:
    assert_error(api.client.get("/media/export_files/..%2Fsecret.key"), 404, "URL_NOT_FOUND")
    assert_error(api.client.get("/media/export_files/nope.csv"), 404, "URL_NOT_FOUND")


def test_two_runners_run_each_job_once(ctx: Ctx, idle: Api) -> None:
    """Two runners (as two instances would) share the pending jobs: each runs once."""
    table = idle.table(data=[["Name"], ["a"]])
    ids = [
        idle.ok(idle.post(f"/api/database/export/table/{table}/", {"exporter_type": "csv"}))["id"]
        for _ in range(6)
    ]
    with ctx.db.write() as conn:  # un-cancel them (a new export cancels the unfinished ones)
        conn.execute(s.jobs.update().where(s.jobs.c.id.in_(ids)).values(state="pending"))
    runners = [build_runner(ctx), build_runner(ctx)]
    ran: list[int] = []
    for runner in runners:
        run = runner.run

        def counted(job: jobs.Job, on_progress: Any = None, run: Any = run) -> None:
            ran.append(job.id)
            run(job, on_progress)

        runner.run = counted  # type: ignore[method-assign]
        runner.start()
    try:
        done = [wait_export(idle, i) for i in ids]
    finally:
        for runner in runners:
            runner.stop()
    assert [d["state"] for d in done] == ["finished"] * 6
    assert sorted(ran) == sorted(ids)
    names = {d["exported_file_name"] for d in done}
    assert len(names) == 6


def test_an_old_export_and_its_file_expire(ctx: Ctx, api: Api, sample: int) -> None:
    """The runner's periodic pass deletes an export job and its file once it is older than
    GRIDBASE_EXPORT_FILE_EXPIRE_MINUTES; younger ones stay."""
    job = api.ok(api.post(f"/api/database/export/table/{sample}/", {"exporter_type": "csv"}))
    done = wait_export(api, job["id"])
    path = done["url"].removeprefix("http://testserver")
    assert api.client.get(path).status_code == 200
    ctx.settings.export_file_expire_minutes = 0  # everything started before now is old

    def gone() -> bool | None:
        r = api.get(f"/api/database/export/{job['id']}/")
        return True if r.status_code == 404 else None

    eventually(gone, timeout=30)
    assert_error(api.get(f"/api/database/export/{job['id']}/"), 404,
                 "ERROR_EXPORT_JOB_DOES_NOT_EXIST")  # fmt: skip
    assert api.client.get(path).status_code == 404
    assert not list((ctx.settings.data_dir / "media" / "export_files").iterdir())


def test_exports_name_users_by_email_and_format_durations(api: Api) -> None:
    """Baserow's export values: created_by/last_modified_by the user's e-mail,
    collaborators "Name <e-mail>", a duration in its field's format."""
    table = api.table(data=[["Name"], ["a"], ["b"]])
    api.field(table, "By", "created_by")
    api.field(table, "Changed", "last_modified_by")
    api.field(table, "People", "multiple_collaborators")
    api.field(table, "Took", "duration", duration_format="d h:mm:ss")
    api.field(table, "Short", "duration", duration_format="h:mm")
    me = api.user["id"]
    rows = api.rows(table)
    api.ok(api.patch(f"/api/database/rows/table/{table}/{rows[0]['id']}/?user_field_names=true",
                     {"People": [{"id": me}], "Took": 93784, "Short": 3720}))  # fmt: skip
    content = exported(api, table, {"exporter_type": "csv"}).decode("utf-8-sig")
    assert content.splitlines() == [
        "id,Name,By,Changed,People,Took,Short",
        "1,a,ada@example.com,ada@example.com,Ada <ada@example.com>,1d 2:03:04,1:02",
        "2,b,ada@example.com,ada@example.com,,,",
    ]
    as_json = json.loads(exported(api, table, {"exporter_type": "json"}))
    assert as_json[0]["People"] == ["Ada <ada@example.com>"]
    assert as_json[0]["Changed"] == "ada@example.com"
