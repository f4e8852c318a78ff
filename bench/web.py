"""Web app bench: on a seeded table (1,000,000 rows by default), in headless Chromium, the
time from navigation to the grid's first painted row, and from a jump to the middle of the
table (the scrollbar dragged there) to that row's text on screen; screenshots of each page.

    python -m bench.web [--rows 1000000] [--data-dir DIR] [--runs 5]

Reuses bench.seed's data (`--data-dir`, as bench.run). Prints the medians and writes
bench/results/web-<rows>.json and bench/results/web/*.png. Targets: first paint <= 1 s,
jump <= 300 ms. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
from pathlib import Path
from typing import Any

import requests

from bench import scratch
from bench.seed import PASSWORD, Seeded, seed
from gridbase.config import Settings
from tests.server import Server
from tests.web.browser import Browser

RESULTS = Path(__file__).parent / "results"

# Resolves with performance.now() (ms since navigation) at the first frame that shows row 0.
FIRST_ROW = """
const done = arguments[arguments.length - 1];
const col = arguments[0];
function check() {
  const cell = document.querySelector(`.ag-row[row-index="0"] [col-id="${col}"]`);
  if (cell && cell.textContent.trim()) done(performance.now()); else requestAnimationFrame(check);
}
check();
"""

# Drags the scrollbar to a fraction of the table, and resolves with the milliseconds until a
# row near that point shows its text (AG Grid's infinite model fetches only that block).
JUMP = """
const done = arguments[arguments.length - 1];
const [col, fraction, count] = [arguments[0], arguments[1], arguments[2]];
const viewport = document.querySelector('.ag-grid-viewport');
const started = performance.now();
viewport.scrollTop = (viewport.scrollHeight - viewport.clientHeight) * fraction;
const near = count * fraction;
function check() {
  for (const row of document.querySelectorAll('.ag-row[row-index]')) {
    const index = Number(row.getAttribute('row-index'));
    const cell = row.querySelector(`[col-id="${col}"]`);
    if (Math.abs(index - near) < count * 0.01 && cell && cell.textContent.trim()) {
      done([performance.now() - started, index]);
      return;
    }
  }
  requestAnimationFrame(check);
}
requestAnimationFrame(check);
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        raise SystemExit("needs chromium and chromium-driver (apt-get install ...)")
    with scratch.data_dir(args.data_dir, "gridbase-bench-") as data_dir:
        run(args, data_dir, chromium, driver)


def run(args: argparse.Namespace, data_dir: Path, chromium: str, driver: str) -> None:
    seed_file = data_dir / "bench-seed.json"
    settings = Settings(data_dir=data_dir, webhooks_dispatcher=False)
    server = Server(data_dir, {"GRIDBASE_WEBHOOKS_DISPATCHER": "false"}).start()
    shots = RESULTS / "web"
    browser = Browser.start(chromium, driver, shots)
    try:
        if seed_file.exists():
            seeded = Seeded(**json.loads(seed_file.read_text()))
            print(f"reusing the {seeded.rows:,}-row seed in {data_dir}", flush=True)
        else:
            print(f"seeding {args.rows:,} rows ...", flush=True)
            seeded = seed(server.url, settings, args.rows)
            seed_file.write_text(json.dumps(dataclasses.asdict(seeded)))
        report = measure(browser, server.url, seeded, args.runs)
    finally:
        browser.quit()
        server.stop()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"web-{seeded.rows}.json"
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"written {out} and screenshots in {shots}/")


def measure(b: Browser, base: str, seeded: Seeded, runs: int) -> dict[str, Any]:
    b.base = base
    b.driver.set_script_timeout(30)
    b.open("/login")
    b.shot("login")
    answer = requests.post(
        f"{base}/api/user/token-auth/",
        json={"email": seeded.email, "password": PASSWORD},
        timeout=30,
    ).json()
    b.js("localStorage.setItem('gridbase.refresh_token', arguments[0])", answer["refresh_token"])
    col = f"field_{seeded.fields['Name']['id']}"
    paints: list[float] = []
    for _ in range(runs + 1):  # the first navigation also fills caches: not counted
        b.open(f"/table/{seeded.table}")
        paints.append(float(b.driver.execute_async_script(FIRST_ROW, col)))
    b.text_appears(f"{seeded.rows:,} rows", ".count")
    b.shot("grid")
    jumps: list[float] = []
    for i in range(runs):
        # different points each time, so no jump lands on a block the grid already has
        fraction = 0.5 + (i - runs // 2) * 0.013
        ms, index = b.driver.execute_async_script(JUMP, col, fraction, seeded.rows)
        jumps.append(float(ms))
        if i == runs // 2:
            b.shot("grid-middle")
            print(f"middle: row {index:,}", flush=True)
    b.open("/tokens")
    b.find(".tokens-page h1")
    b.shot("tokens")
    return {
        "rows": seeded.rows,
        "first_paint_ms": {"median": round(statistics.median(paints[1:]), 1), "all": paints},
        "jump_to_middle_ms": {
            "median": round(statistics.median(jumps), 1),
            "max": round(max(jumps), 1),
            "all": jumps,
        },
        "targets_ms": {"first_paint": 1000, "jump_to_middle": 300},
    }


if __name__ == "__main__":
    main()
