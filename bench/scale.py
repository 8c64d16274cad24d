"""Measure the pages at county and at province scale, side by side (PostgreSQL).

    python bench/scale.py                # builds bench_county and bench_province when missing, then measures
    python bench/scale.py --rounds 40 --province-cases 1000000 --province-open 100000

County scale is one county's share of the province (Qinshui: 12 towns, ~200 points); province scale adds
119 generated counties (~30k points in all), a million finished cases and 100k open tasks (bench/province.py).
Every page is requested through Flask's test client as its user (a clerk, a county reviewer, a supervisor);
the API inbox with the reviewer's staff token; the sweep is the worker's timer sweep with nothing due.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from province import NOW, build  # noqa: E402 - bench/ is on the path when run as a script
from sqlalchemy import select, text  # noqa: E402 - after the path set-up above

from app import api, create_app, kiosk  # noqa: E402
from app.auth.seed import DEMO_PASSWORD  # noqa: E402
from app.kiosk.services import issue_staff_token  # noqa: E402
from engine.clock import FrozenClock  # noqa: E402
from engine.models import ProcessInstance  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.store import Store  # noqa: E402
from engine.timers import fire_due_timers  # noqa: E402

BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/"
SLA_TARGET_MS = 300.0
RATIO_TARGET = 2.0


def _ensure_database(name: str) -> None:
    """Create the benchmark's own database (never the tests' `test`)."""
    found = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                            f"SELECT 1 FROM pg_database WHERE datname = '{name}'"], capture_output=True, text=True)
    if found.stdout.strip() != "1":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def _login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302, f"login {username} failed"


def _timed(call, rounds: int) -> tuple[float, float]:
    """Return p50 and p95 in milliseconds over `rounds` calls, after two warm-up calls."""
    for _ in range(2):
        call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]


def _ok(client, path: str, **kwargs):
    def call():
        response = client.get(path, **kwargs)
        assert response.status_code == 200, (path, response.status_code)
    return call


def measure(url: str, rounds: int) -> dict[str, tuple[float, float]]:
    """Time each page on one database."""
    store = Store(url)
    clock = FrozenClock(NOW)
    app = create_app({"SECRET_KEY": "bench", "STORE": store, "CLOCK": clock,
                      "SETTINGS": Settings(database_url=url)})
    api.init_app(app)
    kiosk.init_app(app)
    engine = app.extensions["cuncun.engine"]
    with store.session(write=True) as session:
        token = issue_staff_token(session, "reviewer1", "bench", actor="bench", now=clock())[1]
        case_id = session.scalar(select(ProcessInstance.id).where(ProcessInstance.request_key == "demo-item11-2"))
        # A generated finished case at clerk1's point: its state is a real one of its own (bench/province.py).
        finished_id = session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.point_code == "LG-V01", ProcessInstance.case_no.like("BF%")).limit(1))
    clients = {}
    for user in ("clerk1", "reviewer1", "supervisor1"):
        clients[user] = app.test_client()
        _login(clients[user], user)
    with store.engine.connect() as conn:
        sizes = conn.execute(text("SELECT (SELECT count(*) FROM process_instance), (SELECT count(*) FROM inbox_task),"
                                  " (SELECT count(*) FROM service_point)")).one()
    print(f"  {url.rsplit('/', 1)[1]}: {sizes[0]:,} cases, {sizes[1]:,} open tasks, {sizes[2]:,} points", flush=True)
    results = {
        "inbox (clerk)": _timed(_ok(clients["clerk1"], "/inbox"), rounds),
        "county inbox (reviewer)": _timed(_ok(clients["reviewer1"], "/inbox"), rounds),
        "SLA page (supervisor)": _timed(_ok(clients["supervisor1"], "/sla"), rounds),
        "case page (open, demo)": _timed(_ok(clients["clerk1"], f"/cases/{case_id}"), rounds),
        "case page (finished, gen.)": _timed(_ok(clients["clerk1"], f"/cases/{finished_id}"), rounds),
        "API inbox (reviewer)": _timed(_ok(clients["reviewer1"], "/api/v1/inbox",
                                           headers={"Authorization": f"Bearer {token}"}), rounds),
        "overview": _timed(_ok(clients["supervisor1"], "/overview"), rounds),
        "healthz": _timed(_ok(clients["clerk1"], "/healthz"), rounds),
        "timer sweep (idle)": _timed(lambda: fire_due_timers(engine), rounds),
    }
    store.dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    """Build both databases if needed, measure both, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--province-cases", type=int, default=1_000_000)
    parser.add_argument("--province-open", type=int, default=100_000)
    parser.add_argument("--counties", type=int, default=120)
    args = parser.parse_args(argv)
    county_share = 1 / args.counties
    for name in ("bench_county", "bench_province"):
        _ensure_database(name)
    build(BASE + "bench_county", counties=1, towns=12, points=21,
          cases=int(args.province_cases * county_share), open_tasks=int(args.province_open * county_share))
    build(BASE + "bench_province", counties=args.counties, towns=12, points=21, cases=args.province_cases,
          open_tasks=args.province_open)
    county = measure(BASE + "bench_county", args.rounds)
    province = measure(BASE + "bench_province", args.rounds)
    print(f"\n{'page':26} {'county p50':>11} {'p95':>8} {'province p50':>13} {'p95':>8} {'p95 ratio':>10}")
    worst = 0.0
    for page, (c50, c95) in county.items():
        p50, p95 = province[page]
        ratio = p95 / c95 if c95 else float("inf")
        worst = max(worst, ratio) if page != "timer sweep (idle)" else worst
        print(f"{page:26} {c50:9.1f}ms {c95:6.1f}ms {p50:11.1f}ms {p95:6.1f}ms {ratio:9.2f}x")
    sla = province["SLA page (supervisor)"][1]
    print(f"\nSLA page p95 at province scale: {sla:.0f} ms (target < {SLA_TARGET_MS:.0f} ms): "
          f"{'met' if sla < SLA_TARGET_MS else 'NOT met'}")
    print(f"worst page p95 ratio province/county: {worst:.2f}x (target <= {RATIO_TARGET:.0f}x): "
          f"{'met' if worst <= RATIO_TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
