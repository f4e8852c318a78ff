"""Crash suite: SIGKILL a real `gridbase serve` under concurrent writers, restart it, and check
that every acknowledged write is there with its acknowledged value, nothing unacknowledged is
half-applied, counts, the search index and the kept counts agree with the table, SQLite's
integrity check passes, and every webhook event of a write that happened is delivered.

    python scripts/crash.py [--rounds 5] [--writers 4] [--workers 1] [--seed 1]
                            [--writes 30 120] [--batch 2 5]
                            [--database-url postgresql://...] [--keep DIR]

Prints the figures (rounds, acknowledged writes, lost, half-applied, webhook events
delivered) and exits 1 on any problem. With --database-url the run uses a fresh schema of
that PostgreSQL database and drops it afterwards. Linux (it finds the server's processes in
/proc). Run from the repository root of a checkout with the test extra installed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the suite lives in tests/reliability (shared with pytest)

from tests.reliability.crash_run import Options, run  # noqa: E402  # needs ROOT on the path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="kills and restarts")
    parser.add_argument("--writers", type=int, default=4, help="concurrent writer threads")
    parser.add_argument("--workers", type=int, default=1, help="gridbase serve --workers")
    parser.add_argument("--seed", type=int, default=1, help="seeds the kill moments and writes")
    parser.add_argument(
        "--writes",
        type=int,
        nargs=2,
        default=(30, 120),
        metavar=("MIN", "MAX"),
        help="acknowledged writes before each kill, drawn between MIN and MAX",
    )
    parser.add_argument(
        "--batch",
        type=int,
        nargs=2,
        default=(2, 5),
        metavar=("MIN", "MAX"),
        help="rows per batch request, drawn between MIN and MAX (at most 200)",
    )
    parser.add_argument(
        "--database-url", default="", help="postgresql://... (default: SQLite in the data dir)"
    )
    parser.add_argument("--keep", default="", help="keep the data dir and server.log here")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gridbase-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        figures = run(
            Options(
                rounds=args.rounds,
                writers=args.writers,
                workers=args.workers,
                database_url=args.database_url,
                seed=args.seed,
                writes_per_round=tuple(args.writes),
                batch=tuple(args.batch),
            ),
            work,
        )
        print("\n".join(figures.lines()))
        if figures.problems:
            log = work / "server.log"
            print(log.read_text(errors="replace")[-20000:] if log.exists() else "")
        return 1 if figures.problems else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
