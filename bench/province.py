"""Build a province-scale cuncun database on PostgreSQL: counties → towns → points, finished cases, open tasks.

    python bench/province.py postgresql+psycopg://postgres@127.0.0.1:5432/bench_province
    python bench/province.py URL --counties 1 --cases 8500 --open-tasks 850     # one county's share

The first county is Qinshui as `cuncun demo` seeds it (12 towns, its points, the demo logins and cases); the
others are generated. Bulk rows are written by INSERT … SELECT generate_series in the database. Each generated
finished case carries a real serialized state: one real item 11 case is run to its end through the engine, and
its state is copied into every finished case with that case's own case number, applicant, ID number and
acceptance time put in, so the case page reads a blob of honest size and content. Open cases keep an empty
state ('{}'): their inbox rows point at no real task, and their pages are not measured.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.auth.models import User  # noqa: E402 - after the path set-up above
from app.auth.seed import seed_demo_users  # noqa: E402
from app.bootstrap import build_engine  # noqa: E402
from app.cases.starting import start_item_case  # noqa: E402
from app.catalog import load_catalog  # noqa: E402
from app.demo import ACCEPT, VERIFY, seed_demo  # noqa: E402
from app.org.counties import bind_member  # noqa: E402
from app.org.models import HOME_COUNTY  # noqa: E402
from engine.clock import CHINA, FrozenClock, china_iso  # noqa: E402
from engine.idcard import check_character  # noqa: E402
from engine.models import InboxTask, ProcessInstance  # noqa: E402
from engine.runtime import CaseContext, Engine  # noqa: E402
from engine.schema import upgrade  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.store import Store  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CHINA)  # the benchmark's frozen "now" (a Monday morning)
COUNTY_ROLES = ("county_reviewer", "county_backbone", "supervisor", "analyst", "admin")
CHUNK = 50_000  # finished cases per statement: a few seconds each, so `jobs` connections share the work
TEMPLATE_KEY = "bench-template-item11"
TEMPLATE_NAME = "模板申请人"
TEMPLATE_ID = "14052119850612777" + check_character("14052119850612777")
# A registration's steps to its end, as a clerk, the county reviewer and the clerk again would work them.
TEMPLATE_STEPS = (("verify_identity", VERIFY, "clerk1"), ("item11_accept", ACCEPT, "clerk1"),
                  ("check_materials", {"materials_received": ["本人身份证或社会保障卡"]}, "clerk1"),
                  ("item11_review", {"decision": "approve", "review_opinion": ""}, "reviewer1"),
                  ("notify_applicant", {"notify_method": "in_person"}, "clerk1"))


@dataclass(frozen=True)
class Template:
    """A real finished case's state, and the values in it that each generated case replaces with its own."""

    state: str
    case_no: str
    accepted_at: str


def _say(message: str) -> None:
    print(message, flush=True)


def _organisation(conn, counties: int, towns: int, points: int) -> None:
    """Generate counties 2..n, each with `towns` towns of `points` points (Qinshui, county 1, is seeded)."""
    conn.execute(text("""
        INSERT INTO county (code, name, ordinal)
        SELECT 'G' || lpad(c::text, 4, '0'), '第' || c || '县', c FROM generate_series(2, :n) c
        ON CONFLICT DO NOTHING"""), {"n": counties})
    conn.execute(text("""
        INSERT INTO town (code, name, county_code, ordinal)
        SELECT 'G' || lpad(c::text, 4, '0') || 'T' || lpad(t::text, 2, '0'), '第' || c || '县第' || t || '镇',
               'G' || lpad(c::text, 4, '0'), t
        FROM generate_series(2, :n) c, generate_series(1, :t) t ON CONFLICT DO NOTHING"""), {"n": counties, "t": towns})
    conn.execute(text("""
        INSERT INTO service_point (code, name, town_code, kind, area, active)
        SELECT t.code || '-V' || lpad(p::text, 3, '0'), t.name || '第' || p || '村', t.code, 'basic', 'village', true
        FROM town t, generate_series(1, :p) p WHERE t.county_code <> :home ON CONFLICT DO NOTHING"""),
                 {"p": points, "home": HOME_COUNTY[0]})


def finished_template(engine: Engine, catalog) -> Template:
    """Run one real item 11 case to its end through the engine (kept, like the demo's); return its state."""
    case = engine.case_by_request_key(TEMPLATE_KEY)
    if case is None:
        context = CaseContext(point_code="LG-V01", town_code="LG", applicant_id_number=TEMPLATE_ID,
                              applicant_name=TEMPLATE_NAME)
        case = start_item_case(engine, catalog.get("11"), context, actor="bench", point_is_demo=False,
                               request_key=TEMPLATE_KEY)
        for bpmn_id, data, actor in TEMPLATE_STEPS:
            with engine.store.session() as s:
                task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case,
                                                                    InboxTask.bpmn_id == bpmn_id))
            engine.complete(task_id, actor, data)
    with engine.store.session() as s:
        row = s.get(ProcessInstance, case)
        if row.status != "completed":
            raise SystemExit(f"the template case {row.case_no} did not finish ({row.status}): item 11 changed?")
        return Template(row.state, row.case_no, china_iso(row.accepted_at))


def _state_sql(template: Template) -> tuple[str, dict[str, str]]:
    """Return the SQL that builds a finished case's state from the template with the case's own values, and its
    parameters: the template cut at those values and glued back around each case's (one copy, no search)."""
    own = {template.case_no: "'BF' || lpad(g::text, 10, '0')", TEMPLATE_NAME: "'申请人' || g",
           TEMPLATE_ID: "'1405211990' || lpad((g % 10000000)::text, 8, '0')",
           template.accepted_at: """to_char(a.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"')"""}
    pieces = re.split("(" + "|".join(map(re.escape, own)) + ")", template.state)
    parts, params = [], {}
    for i, piece in enumerate(pieces):
        if i % 2:
            parts.append(own[piece])
        else:
            params[f"s{i}"] = piece
            parts.append(f"CAST(:s{i} AS text)")
    return "concat(" + ", ".join(parts) + ")", params


def _bulk(conn, compression: str) -> None:
    """Let a generating transaction run past the statement timeout and compress its states as asked."""
    conn.execute(text("SET LOCAL statement_timeout = 0"))
    conn.execute(text(f"SET LOCAL default_toast_compression = {compression}"))


def _finished(store: Store, lo: int, hi: int, template: Template, compression: str) -> None:
    """Insert finished cases lo..hi: accepted over the last year, limit 15 working days, one in ten late."""
    state, params = _state_sql(template)
    with store.engine.begin() as conn:
        _bulk(conn, compression)
        version_id = conn.execute(text("SELECT id FROM process_version WHERE process_id = :p AND is_current"),
                                  {"p": "item_11_unemployment_registration"}).scalar_one()
        n_points = conn.execute(text("SELECT count(*) FROM bench_points")).scalar_one()
        conn.execute(text(f"""
            INSERT INTO process_instance (case_no, version_id, process_id, item_code, point_code, town_code,
                county_code, applicant_id_number, applicant_name, channel, status, state, lock_version, accepted_at,
                limit_days, due_at, due_provisional, overdue, created_by, created_at, updated_at, completed_at)
            SELECT 'BF' || lpad(g::text, 10, '0'), :v, 'item_11_unemployment_registration', '11', p.code,
                   p.town_code, p.county_code, '1405211990' || lpad((g % 10000000)::text, 8, '0'), '申请人' || g,
                   'counter', 'completed', {state}, 3, a.at, 15, a.at + interval '21 days', false, (g % 10 = 0),
                   'bench', a.at,
                   a.at + (CASE WHEN g % 10 = 0 THEN 25 ELSE g % 20 END) * interval '1 day',
                   a.at + (CASE WHEN g % 10 = 0 THEN 25 ELSE g % 20 END) * interval '1 day'
            FROM generate_series(CAST(:lo AS integer), CAST(:hi AS integer)) g
            JOIN bench_points p ON p.n = g % :np
            CROSS JOIN LATERAL (SELECT CAST(:now AS timestamptz) - interval '25 days'
                                       - (g % 340) * interval '1 day' - (g % 480) * interval '1 minute' AS at) a"""),
                     {**params, "v": version_id, "np": n_points, "now": NOW, "lo": lo, "hi": hi})


def _cases(store: Store, cases: int, open_tasks: int, template: Template, *, jobs: int, compression: str) -> None:
    """Insert finished cases (in chunks, `jobs` at a time) and open cases with one inbox task each, spread
    evenly over every point."""
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_points"))
        conn.execute(text("""CREATE UNLOGGED TABLE bench_points AS
            SELECT (row_number() OVER (ORDER BY p.code)) - 1 AS n, p.code, p.town_code, t.county_code
            FROM service_point p JOIN town t ON t.code = p.town_code"""))
        conn.execute(text("CREATE UNIQUE INDEX ON bench_points (n)"))
    chunks = [(lo, min(lo + CHUNK - 1, cases)) for lo in range(1, cases + 1, CHUNK)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda chunk: _finished(store, *chunk, template, compression), chunks))  # raises any error
    with store.engine.begin() as conn:
        _bulk(conn, compression)
        _open_cases(conn, open_tasks)
        conn.execute(text("DROP TABLE bench_points"))


def _open_cases(conn, open_tasks: int) -> None:
    """Insert open cases with one inbox task and one waiting timer each."""
    n_points = conn.execute(text("SELECT count(*) FROM bench_points")).scalar_one()
    version_id = conn.execute(text("SELECT id FROM process_version WHERE process_id = :p AND is_current"),
                              {"p": "item_11_unemployment_registration"}).scalar_one()
    common = {"v": version_id, "np": n_points, "now": NOW}
    # Open: accepted in the last 30 days; due from 5 days ago to 25 days ahead; some already overdue.
    roles = "(ARRAY['clerk','clerk','clerk','clerk','clerk','clerk','town_staff','town_staff'," \
            "'county_reviewer','county_reviewer','county_reviewer','supervisor'])[1 + g % 12]"
    conn.execute(text(f"""
        WITH opened AS (
            INSERT INTO process_instance (case_no, version_id, process_id, item_code, point_code, town_code,
                county_code, applicant_id_number, applicant_name, channel, status, state, lock_version,
                accepted_at, limit_days, due_at, due_provisional, overdue, created_by, created_at, updated_at)
            SELECT 'BO' || lpad(g::text, 10, '0'), :v, 'item_11_unemployment_registration', '11', p.code,
                   p.town_code, p.county_code, '1405211980' || lpad((g % 10000000)::text, 8, '0'), '在办' || g,
                   'counter',
                   'running', '{{}}', 1, CAST(:now AS timestamptz) - (g % 30) * interval '1 day', 15,
                   CAST(:now AS timestamptz) + ((g % 30) - 5) * interval '1 day' + (g % 7) * interval '1 hour',
                   false, (g % 30) < 5, 'bench', CAST(:now AS timestamptz) - (g % 30) * interval '1 day',
                   CAST(:now AS timestamptz)
            FROM generate_series(1, :n) g JOIN bench_points p ON p.n = (g * 7) % :np
            RETURNING id, point_code, town_code, county_code, accepted_at, due_at, overdue, case_no)
        INSERT INTO inbox_task (instance_id, task_id, bpmn_id, title, candidate_role, point_code, town_code,
                                county_code, assignee, created_at, due_at, overdue)
        SELECT o.id, md5(o.case_no), 'bench_task', '待办任务', {roles.replace('g %', 'o.id %')},
               o.point_code, o.town_code, o.county_code, NULL, o.accepted_at, o.due_at, o.overdue
        FROM opened o"""), {**common, "n": open_tasks})
    # Every open case waits on a timer, as real ones do; none is due during the run (their state is empty).
    conn.execute(text("""
        INSERT INTO timer (instance_id, task_id, bpmn_id, due_at, is_deadline, failed)
        SELECT id, md5(case_no || 't'), 'bench_deadline', due_at + interval '60 days', true, false
        FROM process_instance WHERE case_no LIKE 'BO%' ON CONFLICT DO NOTHING"""))


def build(url: str, *, counties: int, towns: int, points: int, cases: int, open_tasks: int,
          jobs: int = max(1, min(4, os.cpu_count() or 1)), compression: str = "lz4") -> None:
    """Create the schema, seed Qinshui with its demo, then generate the rest; skip when already built."""
    store = Store(url)
    if not store.is_postgres:
        raise SystemExit("province.py builds PostgreSQL databases only")
    started = time.perf_counter()
    upgrade(store)
    with store.engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM process_instance WHERE case_no LIKE 'BF%'")).scalar_one():
            _say(f"{url}: already built")
            return
    settings = Settings.from_env()
    engine = build_engine(settings, store=store, clock=FrozenClock(NOW))
    engine.deploy_directory(settings.processes_dir, actor="bench")
    with store.session(write=True) as session:
        seed_demo_users(session, NOW)
    catalog = load_catalog(settings.catalog_path)
    seed_demo(engine, catalog)
    template = finished_template(engine, catalog)
    with store.engine.begin() as conn:
        _organisation(conn, counties, towns, points)
    with store.session(write=True) as session:  # with several counties the demo's county roles must be bound
        for user in session.scalars(select(User).where(User.role.in_(COUNTY_ROLES))):
            bind_member(session, user.id, HOME_COUNTY[0])
    _say(f"organisation and demo: {time.perf_counter() - started:.0f} s")
    generating = time.perf_counter()
    _cases(store, cases, open_tasks, template, jobs=jobs, compression=compression)
    _say(f"cases generated: {time.perf_counter() - generating:.1f} s ({jobs} connections; each finished case's "
         f"state ~{len(template.state.encode()):,} bytes before {compression} compression)")
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    _say(f"{cases} finished cases, {open_tasks} open tasks: {time.perf_counter() - started:.0f} s in all")
    store.dispose()


def main(argv: list[str] | None = None) -> None:
    """Parse the sizes and build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--counties", type=int, default=119)
    parser.add_argument("--towns", type=int, default=12, help="towns per generated county")
    parser.add_argument("--points", type=int, default=21, help="points per generated town")
    parser.add_argument("--cases", type=int, default=1_000_000, help="finished cases")
    parser.add_argument("--open-tasks", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                        help="connections generating finished cases at once")
    parser.add_argument("--compression", choices=("lz4", "pglz"), default="lz4",
                        help="TOAST compression of the generated states (pglz, the server default, is ~7x slower "
                             "to write; reading either back costs the case page about the same)")
    args = parser.parse_args(argv)
    build(args.url, counties=args.counties, towns=args.towns, points=args.points, cases=args.cases,
          open_tasks=args.open_tasks, jobs=args.jobs, compression=args.compression)


if __name__ == "__main__":
    main()
