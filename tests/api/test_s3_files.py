"""Files on S3 (GRIDBASE_FILES_STORAGE=s3 against a moto server on 127.0.0.1): two app
instances share the database and the bucket, as instances behind a load balancer do, so a
file written by one (an export its job runner wrote, an upload) is served by the other;
an expired export's object is deleted, and a cancelled export stores nothing."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from gridbase.app import build_context, build_runner, create_app
from gridbase.config import Settings
from gridbase.core import export, jobs
from gridbase.core.context import Ctx
from gridbase.core.job_types import JobCancelled
from tests.api.test_jobs import wait_export
from tests.api.test_user_files import UPLOAD, png_bytes
from tests.asgi_client import TestClient
from tests.conftest import Api
from tests.helpers import assert_error, eventually

boto3 = pytest.importorskip("boto3")
pytest.importorskip("moto")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """A moto S3 server of this module's tests (each test uses its own bucket)."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool | None:
        try:
            return True if httpx.get(f"{url}/moto-api/", timeout=1).status_code else None
        except httpx.TransportError:
            return None

    try:
        eventually(up, timeout=30)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Instance:
    ctx: Ctx
    client: TestClient
    data_dir: Path


@dataclass
class Cluster:
    """Two instances on one database and one bucket: `a` runs the jobs, `b` runs none."""

    a: Instance
    b: Instance
    bucket: str
    s3: Any

    def keys(self, prefix: str = "") -> list[str]:
        found = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return [o["Key"] for o in found.get("Contents", [])]

    def object(self, key: str) -> bytes:
        return bytes(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())


@pytest.fixture
def cluster(settings: Settings, moto_url: str, tmp_path: Path) -> Iterator[Cluster]:
    bucket = f"gridbase-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client(
        "s3",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=bucket)
    on_s3 = settings.model_copy(
        update={
            "files_storage": "s3",
            "s3_bucket": bucket,
            "s3_endpoint_url": moto_url,
            "s3_region": "us-east-1",
            "s3_access_key_id": "testing",
            "s3_secret_access_key": SecretStr("testing"),
        }
    )
    with ExitStack() as stack:
        instances = []
        for name, runs_jobs in (("a", True), ("b", False)):
            own = on_s3.model_copy(
                update={"data_dir": tmp_path / f"data-{name}", "jobs_runner": runs_jobs}
            )
            ctx = build_context(own)
            stack.callback(ctx.db.dispose)
            client = stack.enter_context(
                TestClient(create_app(own, ctx), base_url="http://testserver")
            )
            instances.append(Instance(ctx, client, own.data_dir))
        yield Cluster(instances[0], instances[1], bucket, s3)


def local_files(instance: Instance) -> list[Path]:
    """Files the instance left in its media or temporary directory: none, on S3."""
    dirs = (instance.data_dir / "media", export.temp_dir(instance.ctx))
    return [p for d in dirs for p in d.rglob("*") if p.is_file()]


def test_an_export_is_downloaded_from_an_instance_that_did_not_run_it(cluster: Cluster) -> None:
    a, b = Api(cluster.a.client), Api(cluster.b.client, email="bob@example.com", name="Bob")
    table = a.table(data=[["Name", "Notes"], ["a<&>", "é"], ["b", ""]])
    job = a.ok(a.post(f"/api/database/export/table/{table}/", {"exporter_type": "csv"}))
    done = wait_export(a, job["id"])
    assert done["state"] == "finished", done
    name = done["exported_file_name"]
    assert done["url"] == f"http://testserver/media/export_files/{name}"
    assert cluster.keys() == [f"export_files/{name}"]
    stored = cluster.object(f"export_files/{name}")
    assert stored.decode("utf-8-sig").splitlines() == ["id,Name,Notes", "1,a<&>,é", "2,b,"]

    r = b.client.get(f"/media/export_files/{name}")  # b has never seen the job
    assert r.status_code == 200
    assert r.content == stored
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-length"] == str(len(stored))
    assert local_files(cluster.a) == local_files(cluster.b) == []  # temp file gone too
    assert_error(b.client.get(f"/media/export_files/{uuid.uuid4()}.csv"), 404, "URL_NOT_FOUND")
    assert_error(b.client.get("/media/export_files/..%2Fsecret.key"), 404, "URL_NOT_FOUND")

    cluster.a.ctx.settings.export_file_expire_minutes = 0  # a's runner expires it

    def expired() -> bool | None:
        return True if not cluster.keys() else None

    eventually(expired, timeout=30)
    assert_error(a.get(f"/api/database/export/{job['id']}/"), 404,
                 "ERROR_EXPORT_JOB_DOES_NOT_EXIST")  # fmt: skip
    assert_error(b.client.get(f"/media/export_files/{name}"), 404, "URL_NOT_FOUND")


def claimed_export(cluster: Cluster) -> tuple[Api, int, jobs.Job]:
    """b's user, their table, and an export job of it claimed by a runner of b's (b starts no
    runner of its own, so the test runs the job, and can cancel it as it runs)."""
    b = Api(cluster.b.client)
    table = b.table(data=[["Name"], ["x"], ["y"]])
    job_id = b.ok(b.post(f"/api/database/export/table/{table}/", {"exporter_type": "csv"}))["id"]
    ctx = cluster.b.ctx
    claimed = jobs.claim_one(ctx, "test-runner", job_id)
    assert claimed is not None
    return b, table, claimed


def test_an_export_cancelled_while_it_writes_stores_nothing(cluster: Cluster) -> None:
    _, _, job = claimed_export(cluster)

    def cancelled(percentage: float) -> None:
        raise JobCancelled()  # what a progress report raises once the job was cancelled

    build_runner(cluster.b.ctx).run(job, on_progress=cancelled)
    assert cluster.keys() == []
    assert local_files(cluster.b) == []  # the temporary file is gone


def test_an_export_cancelled_after_it_was_written_stores_nothing(cluster: Cluster) -> None:
    """Cancelled (by a new export of the user) after its last progress report: the file was
    already stored, and is deleted when the job cannot be marked finished."""
    b, table, job = claimed_export(cluster)
    seen: list[list[str]] = []

    def export_again(percentage: float) -> None:
        b.ok(b.post(f"/api/database/export/table/{table}/", {"exporter_type": "csv"}))
        seen.append(cluster.keys())

    build_runner(cluster.b.ctx).run(job, on_progress=export_again)
    assert seen == [[]]  # nothing stored while the rows were written
    with cluster.b.ctx.db.read() as conn:
        assert jobs.load(conn, job.id).state == jobs.CANCELLED
    assert cluster.keys() == []
    assert local_files(cluster.b) == []


def test_user_files_are_uploaded_to_s3_and_served_by_either_instance(cluster: Cluster) -> None:
    a = Api(cluster.a.client)
    content = png_bytes()
    r = a.client.post(UPLOAD, files={"file": ("red.png", content, "image/png")}, headers=a.headers)
    uploaded = a.ok(r)
    name = uploaded["name"]
    assert sorted(cluster.keys()) == sorted(
        [f"user_files/{name}"] + [f"thumbnails/{size}/{name}" for size in uploaded["thumbnails"]]
    )
    assert cluster.object(f"user_files/{name}") == content
    for instance in (cluster.a, cluster.b):
        r = instance.client.get(f"/media/user_files/{name}")
        assert r.status_code == 200
        assert r.content == content
        assert r.headers["content-type"] == "image/png"
        assert r.headers["content-length"] == str(len(content))
        small = instance.client.get(f"/media/thumbnails/small/{name}")
        assert small.status_code == 200
        assert small.content == cluster.object(f"thumbnails/small/{name}")
    assert local_files(cluster.a) == local_files(cluster.b) == []
