"""Replays every recorded Baserow transcript against gridbase (SQLite and PostgreSQL): each
step's normalised request and answer must be identical. gridbase runs with its clock set to
the recording's time, so "today" means the same day. Steps listed in known-differences.txt
(with the reason) are reported, not failed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gridbase.app import create_app
from gridbase.config import Settings
from gridbase.core.context import Ctx
from tests.asgi_client import TestClient
from tests.compat.record import TRANSCRIPTS, read
from tests.compat.scenarios import RECORDABLE, SCENARIOS
from tests.compat.session import Session, client_transport

KNOWN = Path(__file__).parent / "known-differences.txt"


def known_differences() -> dict[tuple[str, str], str]:
    known = {}
    for line in KNOWN.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            scenario, step, why = line.split(maxsplit=2)
            known[(scenario, step)] = why.lstrip("# ")
    return known


def test_every_scenario_has_a_transcript_and_every_transcript_a_scenario() -> None:
    recorded = {p.stem for p in TRANSCRIPTS.glob("*.jsonl")}
    assert recorded == set(RECORDABLE)
    stale = {k for k in known_differences() if k[0] not in RECORDABLE}
    assert not stale


def first_difference(a: Any, b: Any, at: str = "") -> str | None:
    """Where two JSON values first differ (a readable path), None when equal."""
    if type(a) is not type(b):
        return f"{at or '.'}: {json.dumps(a)[:300]} != {json.dumps(b)[:300]}"
    if isinstance(a, dict):
        for key in sorted(a.keys() | b.keys()):
            if key not in a or key not in b:
                return f"{at}.{key}: {'missing' if key not in b else 'extra'} in gridbase"
            found = first_difference(a[key], b[key], f"{at}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return (
                f"{at}: {len(a)} items != {len(b)}: {json.dumps(a)[:300]} != {json.dumps(b)[:300]}"
            )
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{at}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{at or '.'}: {json.dumps(a)[:300]} != {json.dumps(b)[:300]}"


def differences(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(step, where it differs) for every recorded step gridbase answered differently, did
    not reach, or took in addition."""
    by_name = {s["step"]: s for s in got}
    out = []
    for want in expected:
        mine = by_name.pop(want["step"], None)
        found = "not replayed" if mine is None else first_difference(want, mine)
        if found:
            out.append((want["step"], found))
    out += [(name, "not in the transcript") for name in by_name]
    return out


@pytest.fixture
def replay_client(ctx: Ctx, settings: Settings, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A client of gridbase whose clock runs from the transcript's recording time."""
    recorded_at, steps = read(request.node.callspec.params["name"])
    shift = dt.datetime.now(dt.UTC) - recorded_at
    ctx.clock = lambda: dt.datetime.now(dt.UTC) - shift
    # invitation links point at the recording server's web frontend
    ctx.settings = ctx.settings.model_copy(update={"frontend_hostnames": "127.0.0.1"})
    with TestClient(create_app(settings, ctx), base_url="http://testserver") as test_client:
        yield test_client, recorded_at, steps


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_replay(name: str, replay_client: Any) -> None:
    client, recorded_at, expected = replay_client
    session = Session(client_transport(client), tag="replay", now=recorded_at)
    crash = None
    try:
        SCENARIOS[name](session)
    except Exception as error:  # a diverging answer can break the scenario's own logic
        crash = f"the scenario stopped after step {len(session.steps)}: {error!r}"
    known = known_differences()
    differing = dict(differences(expected, session.steps))
    failures = [f"{s}: {w}" for s, w in differing.items() if (name, s) not in known]
    # a difference listed but gone (fixed, or re-recorded) must leave the list
    failures += [f"{s}: listed in known-differences.txt but identical" for n, s in known
                 if n == name and s not in differing]  # fmt: skip
    if crash:
        failures.append(crash)
    assert not failures, f"{len(failures)} steps differ:\n" + "\n".join(failures[:40])
