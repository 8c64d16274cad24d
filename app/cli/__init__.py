"""The `cuncun` command line."""

from __future__ import annotations

import logging
import sys

import click

from app.bootstrap import build_engine
from app.cli.bpmn_cmds import bpmn
from app.cli.calendar_cmds import AFTER_LOAD, calendar
from app.cli.check_cmds import check
from app.cli.county_cmds import county
from app.cli.jobs_cmds import jobs
from app.cli.kiosk_cmds import kiosk
from app.cli.province_cmds import province
from app.cli.social_cmds import roster
from engine.deadlines import recompute_provisional_deadlines
from engine.errors import DeployError
from engine.schema import upgrade
from engine.settings import Settings
from engine.store import Store


@click.group()
def main() -> None:
    """村村通 cuncun: workflow engine and tools."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)  # Spiff logs every task state change at INFO


@main.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (idempotent)."""
    store = Store(Settings.from_env().database_url)
    upgrade(store)
    click.echo(f"schema is up to date on {store.engine.url.render_as_string(hide_password=True)}")


@main.command()
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--actor", default="system", help="Who deploys, for the audit trail.")
def deploy(directory: str | None, actor: str) -> None:
    """Deploy the .bpmn files of DIRECTORY (default: processes/); unchanged processes keep their version."""
    settings = Settings.from_env()
    engine = build_engine(settings)
    try:
        results = engine.deploy_directory(directory or settings.processes_dir, actor)
    except DeployError as exc:
        for finding in exc.findings:
            click.echo(finding, err=True)
        sys.exit(1)
    for r in results:
        click.echo(f"{r.process_id}: version {r.version_id} {'deployed' if r.created else 'unchanged'}")


@main.command()
@click.option("--interval", default=1.0, show_default=True, help="Seconds between sweeps.")
@click.option("--once", is_flag=True, help="Fire what is due now and exit.")
def worker(interval: float, once: bool) -> None:
    """Run the timer worker (APScheduler, its own process)."""
    from app.province.adapters import make_adapter
    from app.province.sender import province_job
    from app.province.settings import ProvinceSettings
    from app.reports.dispatch import dispatch_monthly_reports
    from engine.timers import fire_due_timers
    from engine.worker import run_worker

    engine = build_engine(Settings.from_env())
    province_settings = ProvinceSettings.from_env()
    send_to_province = province_job(province_settings, make_adapter(province_settings, engine.clock))
    if once:
        dispatch_monthly_reports(engine)
        send_to_province(engine)
        result = fire_due_timers(engine)
        click.echo(f"fired={result.fired} failed={result.failed} conflicts={result.conflicts}")
        return
    run_worker(engine, interval, jobs=[dispatch_monthly_reports, send_to_province])


@main.command("seed-org")
def seed_org() -> None:
    """Create the county's 12 towns and their points with placeholder names (idempotent; no users)."""
    from app.org.seed import seed_organisation

    store = Store(Settings.from_env().database_url)
    with store.session(write=True) as session:
        towns, points = seed_organisation(session)
    click.echo(f"organisation ready: {towns} towns and {points} points created (existing ones kept)")


@main.command()
def demo() -> None:
    """Create the schema, deploy processes/, seed the organisation, demo logins and demo cases (idempotent)."""
    from app.auth.seed import seed_demo_users
    from app.catalog import load_catalog
    from app.demo import seed_demo

    settings = Settings.from_env()
    engine = build_engine(settings)
    upgrade(engine.store)
    engine.deploy_directory(settings.processes_dir, "demo")
    with engine.store.session(write=True) as session:
        logins = seed_demo_users(session, engine.clock())
    cases = seed_demo(engine, load_catalog(settings.catalog_path))
    click.echo(f"demo data ready: {len(cases)} item 11 cases; logins (password {logins[0].password}):")
    for login in logins:
        click.echo(f"  {login.username:<12} {login.role_label} {login.point_code or login.town_code or '全县'}")


def _recompute_after_load(store: Store, year: int) -> str:
    """Recompute provisional deadlines of open cases now that a year's schedule is known."""
    examined, changed = recompute_provisional_deadlines(build_engine(Settings.from_env(), store=store))
    return f"recomputed provisional deadlines after loading {year}: {examined} open cases, {changed} changed"


AFTER_LOAD.append(_recompute_after_load)
main.add_command(calendar)
main.add_command(county)
main.add_command(jobs)
main.add_command(kiosk)
main.add_command(roster)
main.add_command(province)
bpmn.add_command(check)
main.add_command(bpmn)
