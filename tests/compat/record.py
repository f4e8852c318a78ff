"""Record compatibility transcripts from a running Baserow 1.35.3.

    python -m tests.compat.record --base-url http://127.0.0.1:8000 [--only NAME ...]

writes tests/compat/transcripts/<scenario>.jsonl, one normalised step per line. The server
must be a Baserow that allows sign-ups; every run signs up its own users. With --compare it
writes nothing and prints every step where the server (a running gridbase) differs from
the committed transcript, with both answers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from tests.compat.scenarios import RECORDABLE as SCENARIOS
from tests.compat.session import Session, requests_transport

TRANSCRIPTS = Path(__file__).parent / "transcripts"


def write(name: str, session: Session) -> Path:
    """The transcript: a first line with when it was recorded, then one line per step."""
    path = TRANSCRIPTS / f"{name}.jsonl"
    meta = {"recorded_at": session.now.isoformat(), "server": "Baserow 1.35.3"}
    lines = [meta, *session.steps]
    path.write_text("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines))
    return path


def read(name: str) -> tuple[dt.datetime, list[dict[str, Any]]]:
    """(when it was recorded, its steps)."""
    meta, *steps = (json.loads(x) for x in (TRANSCRIPTS / f"{name}.jsonl").read_text().splitlines())
    return dt.datetime.fromisoformat(meta["recorded_at"]), steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--only", nargs="*", default=None, help="scenario names")
    parser.add_argument("--compare", action="store_true", help="compare, do not write")
    parser.add_argument(
        "--media-root",
        default=os.environ.get("BASEROW_MEDIA_ROOT"),
        help="where the Baserow writes its media (read when it does not serve /media/)",
    )
    args = parser.parse_args()
    names = args.only or sorted(SCENARIOS)
    unknown = set(names) - SCENARIOS.keys()
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    TRANSCRIPTS.mkdir(exist_ok=True)
    for name in names:
        now = read(name)[0] if args.compare else None  # a gridbase run under --fake-now
        session = Session(requests_transport(args.base_url, args.media_root), now=now)
        SCENARIOS[name](session)
        if args.compare:
            compare(name, session.steps)
        else:
            print(f"{name}: {len(session.steps)} steps -> {write(name, session)}")
    return 0


def compare(name: str, steps: list[dict[str, Any]]) -> None:
    from tests.compat.test_compat import differences

    expected = read(name)[1]
    by_name = {s["step"]: s for s in steps}
    found = differences(expected, steps)
    for step, where in found:
        print(f"--- {name} {step}: {where}")
        want = next((s for s in expected if s["step"] == step), None)
        for label, got in (("baserow ", want), ("gridbase", by_name.get(step))):
            print(f"  {label}:", json.dumps(got and got["response"])[:1500])
    print(f"{name}: {len(found)} of {len(expected)} steps differ ({len(steps)} replayed)")


if __name__ == "__main__":
    sys.exit(main())
