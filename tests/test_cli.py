"""The command line and the README: serve, migrate, createuser, and the curl walk-through."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.server import Server

ROOT = Path(__file__).resolve().parent.parent


def test_readme_starts_with_the_two_commands() -> None:
    lines = [line for line in (ROOT / "README.md").read_text().splitlines() if line.strip()]
    block = lines[lines.index("```sh") + 1 : lines.index("```sh") + 3]
    assert block[0].endswith("pip install -e . && gridbase serve")
    assert block[1].endswith("pip install -e '.[test]' && python -m pytest")
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_readme_walkthrough_runs_verbatim_against_a_served_instance(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text()
    script = re.search(r"## Walk-through with curl\n\n```sh\n(.*?)```", text, re.DOTALL)
    assert script is not None
    server = Server(tmp_path / "data").start()
    try:
        body = script.group(1).replace("http://127.0.0.1:8000", server.url)
        out = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", body],
            capture_output=True,
            check=False,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert '"Name":"Globex"' in out.stdout.replace(" ", "")
        assert '"count":3' in out.stdout.replace(" ", "")
    finally:
        server.stop()


def test_serve_uses_zero_config_sqlite_and_keeps_a_generated_secret(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data).start()
    try:
        r = requests.post(
            server.url + "/api/user/",
            json={"name": "Ada", "email": "a@example.com", "password": "password123"},
        )
        assert r.status_code == 200
    finally:
        server.stop()
    assert (data / "gridbase.db").exists()
    secret = (data / "secret.key").read_text()
    assert len(secret) >= 32 and (data / "secret.key").stat().st_mode & 0o077 == 0


def test_migrate_and_createuser(tmp_path: Path) -> None:
    env = {"GRIDBASE_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "gridbase", "migrate"],
        env=env,
        capture_output=True,
        check=False,
        text=True,
    )
    assert done.returncode == 0 and "migrations applied" in done.stdout
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridbase",
            "createuser",
            "--email",
            "Root@Example.com",
            "--name",
            "Root",
            "--password",
            "password123",
            "--staff",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    assert "<root@example.com>" in made.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["serve", "--help"],
        ["migrate", "--help"],
        ["createuser", "--help"],
        ["worker", "--help"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gridbase", *command], capture_output=True, check=False, text=True
    )
    assert done.returncode == 0 and "Usage:" in done.stdout
