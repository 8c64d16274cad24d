"""Keep each month's reports: the process's operators call these in the case's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.vocab import MILESTONES
from app.org.models import Town
from app.reports import snapshots, tables
from app.reports.models import ReportConfirmation, ReportRun
from app.reports.settings import ReportSettings
from app.reports.vocab import FUNDS, POINT_DETAIL, PROGRESS, REPORT_KINDS, SUMMARY_MILESTONES
from engine import audit
from engine.clock import CHINA
from engine.models import ProcessInstance

PROCESS_ID = "report_monthly"


def period_of(moment: datetime) -> str:
    """Return the month a moment falls in (Beijing time), as "2026-12"."""
    return f"{moment.astimezone(CHINA):%Y-%m}"


def period_label(period: str) -> str:
    """Show a period in Chinese, e.g. "2026年12月"."""
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def figures_text(session: Session, kind: str, period: str, town_code: str) -> str:
    """Return a town's figures for a report, as the town confirms them (from live data)."""
    if kind == FUNDS:
        year = int(period[:4])
        rows, _ = tables.funds(session, year, ReportSettings.from_env().subsidy_per_point, town_code)
        row = rows[0]
        return (f"{year}年：服务点{row.points}个，正式运行{row.operating}个；应补助{tables.yuan(row.due_fen)}元，"
                f"已下达{tables.yuan(row.allocated_fen)}元，已到位{tables.yuan(row.arrived_fen)}元"
                f"（到位率{tables.show_rate(row.rate)}），资金已到位服务点{row.arrived_points}个。")
    if kind == PROGRESS:
        return "\n".join(f"{r.no}. {MILESTONES[r.milestone]}：{r.done}/{r.points}（{tables.show_rate(r.rate)}），"
                         f"时限{r.limit}" for r in tables.progress(session, town_code))
    if kind == POINT_DETAIL:
        (block,) = tables.point_detail(session, town_code)
        lines = [f"服务点{block.total}个（行政村{block.villages}个，社区{block.communities}个）"]
        missing = {m: [p.point.name for p in block.points if not p.flag(m)] for m, _ in SUMMARY_MILESTONES}
        for milestone, label in SUMMARY_MILESTONES:
            names = missing[milestone]
            tail = f"；未完成：{'、'.join(names[:10])}{'等' if len(names) > 10 else ''}" if names else ""
            lines.append(f"{label}：完成{block.total - len(names)}个{tail}")
        return "\n".join(lines)
    rows, _ = tables.town_summary(session, town_code)
    row = rows[0]
    return "\n".join([f"服务点数量：{row.points}"] + [
        f"{label}：{row.done[m]}（完成率{tables.show_rate(row.rate(m))}）" for m, label in SUMMARY_MILESTONES])


def open_run(session: Session, instance: ProcessInstance, data: dict, now: datetime) -> None:
    """Put a county's report of the month on record (in the same transaction that starts its case)."""
    session.add(ReportRun(kind=data["report_kind"], period=data["report_period"], county_code=data["report_county"],
                          instance_id=instance.id, due_at=datetime.fromisoformat(data["report_due"]), started_at=now))


def town_county(session: Session, town_code: str) -> str:
    """Return the county a town belongs to."""
    town = session.get(Town, town_code)
    if town is None:
        raise LookupError(f"no town {town_code}")
    return town.county_code


def case_county(session: Session, instance: ProcessInstance, data: Mapping) -> str:
    """Return the county a report case works for: its town's, or the county case's own (its run, else its data)."""
    if instance.town_code is not None:
        return town_county(session, instance.town_code)
    county = session.scalar(select(ReportRun.county_code).where(ReportRun.instance_id == instance.id))
    return county or data["report_county"]


def open_confirmation(session: Session, instance: ProcessInstance, data: dict, now: datetime) -> str:
    """Put a town's confirmation on record with its current figures; return them."""
    kind, period = data["report_kind"], data["report_period"]
    text = figures_text(session, kind, period, instance.town_code)
    session.add(ReportConfirmation(kind=kind, period=period, town_code=instance.town_code, instance_id=instance.id,
                                   due_at=datetime.fromisoformat(data["report_due"]), status="open", figures=text,
                                   rechecks=0, opened_at=now))
    return text


def _confirmation(session: Session, instance_id: int) -> ReportConfirmation:
    row = session.scalar(select(ReportConfirmation).where(ReportConfirmation.instance_id == instance_id))
    if row is None:
        raise LookupError(f"report case {instance_id} has no confirmation row")
    return row


def refresh_figures(session: Session, instance: ProcessInstance, now: datetime) -> str:
    """Regenerate a town's figures after it corrected its data; return them."""
    row = _confirmation(session, instance.id)
    row.figures = figures_text(session, row.kind, row.period, row.town_code)
    row.rechecks += 1
    return row.figures


def record_confirmation(session: Session, instance: ProcessInstance, now: datetime, note: str) -> None:
    """Record that the town confirmed the figures it was shown."""
    row = _confirmation(session, instance.id)
    row.confirmed_by = audit.last_completer(session, instance.id, default=instance.created_by)
    row.status, row.confirmed_at, row.note = "confirmed", now, note
    # The town's part is frozen as confirmed: later corrections do not change this month's report.
    snapshots.take(session, row.kind, row.period, town_county(session, row.town_code), row.town_code,
                   instance_id=instance.id, actor=row.confirmed_by, now=now)
    audit.record(session, at=now, actor=row.confirmed_by, action="report_confirmed", instance_id=instance.id,
                 kind=row.kind, period=row.period, town_code=row.town_code)


def record_submission(session: Session, instance: ProcessInstance, now: datetime, note: str) -> None:
    """Record that a county sent the month's report on (its figures frozen: its own towns only)."""
    row = session.scalar(select(ReportRun).where(ReportRun.instance_id == instance.id))
    if row is None:
        raise LookupError(f"report case {instance.id} has no report row")
    row.submitted_by = audit.last_completer(session, instance.id, default=instance.created_by)
    row.submitted_at, row.submit_note = now, note
    snapshots.take(session, row.kind, row.period, row.county_code, None, instance_id=instance.id,
                   actor=row.submitted_by, now=now)
    audit.record(session, at=now, actor=row.submitted_by, action="report_submitted", instance_id=instance.id,
                 kind=row.kind, period=row.period, county_code=row.county_code, label=REPORT_KINDS[row.kind].label)


def unconfirmed_towns(session: Session, kind: str, period: str, county_code: str) -> list[str]:
    """Return the names of a county's towns that have not confirmed a month's report, in the county's order."""
    confirmed = select(ReportConfirmation.town_code).where(
        ReportConfirmation.kind == kind, ReportConfirmation.period == period, ReportConfirmation.status == "confirmed")
    return list(session.scalars(select(Town.name).where(Town.county_code == county_code, Town.code.not_in(confirmed))
                                .order_by(Town.ordinal)))


def submit_refusal(session: Session, kind: str, period: str, county_code: str) -> str | None:
    """Return why a county may not submit a month's report yet (its towns still to confirm), or None."""
    waiting = unconfirmed_towns(session, kind, period, county_code)
    if waiting:
        return (f"{period_label(period)}{REPORT_KINDS[kind].label}还有{len(waiting)}个乡镇未确认本乡镇数据："
                f"{'、'.join(waiting)}。请待各乡镇全部确认后再报送。")
    return None


def confirm_refusal(session: Session, kind: str, period: str, county_code: str) -> str | None:
    """Return why a town may no longer confirm or correct a month's figures (its county has submitted), or None."""
    run = session.scalar(select(ReportRun).where(ReportRun.kind == kind, ReportRun.period == period,
                                                 ReportRun.county_code == county_code))
    if run is not None and run.submitted_at is not None:
        return f"{period_label(period)}{REPORT_KINDS[kind].label}已由县级报送，乡镇数据不能再更改。"
    return None
