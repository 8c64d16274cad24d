"""`cuncun province`: the provincial handoff from the command line (batch export, results import, sending)."""

from __future__ import annotations

from pathlib import Path

import click

from app.bootstrap import build_engine
from app.cli.common import cli_actor
from app.province import outbox, queries
from app.province.adapters import make_adapter
from app.province.exchange import ImportFileError, export_batch, import_results
from app.province.models import OUTBOX_STATUSES
from app.province.sender import poll_results, send_pending
from app.province.settings import ProvinceSettings
from engine import audit
from engine.settings import Settings


def _engine():
    """Return the application's engine (tests monkeypatch this name)."""
    return build_engine(Settings.from_env())


@click.group("province")
def province() -> None:
    """Applications handed to the provincial social-security system, and its results."""


@province.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", default=None, help="Who exports (defaults to the OS user).")
def export_cmd(file: Path, actor: str | None) -> None:
    """Write the pending applications to FILE (.xlsx) for keying in; they count as handed over."""
    engine, who = _engine(), cli_actor(actor)
    with engine.store.session(write=True) as session:
        content, count = export_batch(session, engine.clock(), {}, who)
        audit.record(session, at=engine.clock(), actor=who, action="province_export", count=count)
    file.write_bytes(content)
    click.echo(f"已导出 {count} 件待报送申请到 {file}。")


@province.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default=None, help="Who imports (defaults to the OS user).")
def import_cmd(file: Path, actor: str | None) -> None:
    """Import the province's results FILE; any bad row refuses the whole file and each is listed."""
    try:
        report = import_results(_engine(), file, cli_actor(actor), {})
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    if report.errors:
        for error in report.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(report.errors)} 处错误，整个文件未导入。")
    click.echo(f"已导入 {report.delivered} 条结果；此前已导入 {report.already} 条。")


@province.command("send")
def send_cmd() -> None:
    """Send what is due and poll for results once through the configured adapter (the worker does this too)."""
    settings, engine = ProvinceSettings.from_env(), _engine()
    adapter = make_adapter(settings, engine.clock)
    sent, polled = send_pending(engine, adapter, settings), poll_results(engine, adapter)
    click.echo(f"sent={sent.sent} failed={sent.failed} dead={sent.dead} results={polled.results}")
    for error in sent.errors + polled.errors:
        click.echo(error, err=True)


@province.command("failing")
def failing_cmd() -> None:
    """List dead letters and rows whose last attempt failed."""
    engine = _engine()
    with engine.store.session() as session:
        for row in queries.troubled(session, {}):
            click.echo(f"{row.id}\t{row.idempotency_key}\t{OUTBOX_STATUSES[row.status]}\t{row.attempts}次\t"
                       f"{row.last_error or ''}")


@province.command("retry")
@click.argument("outbox_id", type=int)
@click.option("--actor", default=None, help="Who retries (defaults to the OS user).")
def retry_cmd(outbox_id: int, actor: str | None) -> None:
    """Put a dead or failing row back in the queue at once."""
    engine, who = _engine(), cli_actor(actor)
    with engine.store.session(write=True) as session:
        row = outbox.retry(session, outbox_id, engine.clock())
        if row is None:
            raise click.ClickException(f"报送记录 {outbox_id} 不存在或无需重试。")
        audit.record(session, at=engine.clock(), actor=who, action="province_retry", instance_id=row.instance_id,
                     point_code=row.point_code, key=row.idempotency_key)
    click.echo(f"报送记录 {outbox_id} 已重新排队。")
