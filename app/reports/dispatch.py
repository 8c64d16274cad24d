"""Start each month's reports on time: the worker job `dispatch_monthly_reports(engine)`.

Every sweep the job asks one indexed question: are this month's four reports all started in every county? If not,
it starts, for each report and each county, the county's case and one case per town of the county for the town's
staff to confirm their figures. Each case is started with a request key naming report, month and town (town codes
are unique across counties) or county, so however many workers run the job at once, and however often, each case
starts exactly once: the loser of a race gets the winner's case back. A county's case writes the unique
(report, month, county) row in the same transaction that starts it.

A worker that was down for a whole month does not start that month's reports afterwards; one that starts
late in the month starts the month's reports at once (already overdue if their day has passed).

Across a province (1,400+ towns, four reports each) starting every case in one job would hold the worker
for minutes while due timers wait. So one call starts at most `batch` cases, each in its own short
transaction, and returns: the worker fires due timers, and the next sweep carries on where this one stopped
(the cases already started are found by their request keys). A county's 52 cases fit in one batch.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select, update

from app.org.models import HOME_COUNTY, County, Town
from app.reports.models import ReportRun
from app.reports.services import PROCESS_ID, period_label, period_of
from app.reports.settings import ReportSettings
from app.reports.vocab import REPORT_KINDS
from engine.clock import china_iso
from engine.models import ProcessInstance
from engine.runtime import CaseContext, Engine

ACTOR = "system:reports"
BATCH = 60  # cases started per worker sweep: one county's four reports at once, a province's over many sweeps
log = logging.getLogger(__name__)


def due_of(engine: Engine, period: str, kind: str, settings: ReportSettings) -> str:
    """Return when a report of a month is due: close of business on its day of the month."""
    year, month = (int(part) for part in period.split("-"))
    return china_iso(engine.calendar.current().close_of(date(year, month, settings.due_days[kind])))


def request_key(kind: str, period: str, town_code: str | None = None, county_code: str | None = None) -> str:
    """Name a report case so that it starts once (ProcessInstance.request_key is unique): by town, else by county."""
    if town_code:
        return f"report:{kind}:{period}:{town_code}"
    # The home county's case keeps the key every county case had before there were counties, so a month started
    # before the upgrade is found and not started again; other counties' cases are named by their county (a sole
    # county other than the home one that started a month under the old key is known by its run row instead).
    if county_code is None or county_code == HOME_COUNTY[0]:
        return f"report:{kind}:{period}"
    return f"report:{kind}:{period}:county:{county_code}"


def _data(kind: str, period: str, due: str, scope: str, county: tuple[str, str], town_name: str = "") -> dict:
    spec = REPORT_KINDS[kind]
    return {"report_kind": kind, "report_period": period, "report_due": due, "report_scope": scope,
            "report_county": county[0], "report_county_name": county[1],
            "report_label": spec.label, "report_recipient": spec.recipient,
            "report_period_label": period_label(period), "report_town_name": town_name,
            "report_due_text": due[:16].replace("T", " ") + " 前",
            "report_title": f"{period_label(period)}{spec.label}" + (f"（{town_name}）" if town_name else "")}


def _started(engine: Engine, keys: list[str]) -> set[str]:
    """Return which of these request keys already name a case (one indexed IN query per chunk)."""
    found: set[str] = set()
    with engine.store.session() as session:
        for n in range(0, len(keys), 500):
            found.update(session.scalars(select(ProcessInstance.request_key)
                                         .where(ProcessInstance.request_key.in_(keys[n:n + 500]))))
    return found


def start_report(engine: Engine, kind: str, period: str, county_code: str, settings: ReportSettings,
                 limit: int | None = None) -> int:
    """Start up to `limit` missing cases of one report of a month in one county, the county's first; return how many.

    When every town's case is there (now or before), the county's run of the report is marked complete.
    """
    due = due_of(engine, period, kind, settings)
    title = f"{period_label(period)}{REPORT_KINDS[kind].label}"
    with engine.store.session() as session:
        county = session.get(County, county_code)
        towns = [(t.code, t.name) for t in session.scalars(select(Town).where(Town.county_code == county_code)
                                                           .order_by(Town.ordinal))]
        # A county case started under another key (by an older release) is known by its run row.
        has_run = session.scalar(select(ReportRun.id).where(ReportRun.kind == kind, ReportRun.period == period,
                                                            ReportRun.county_code == county_code)) is not None
    keys = {code: request_key(kind, period, code, county_code) for code, _ in [(None, title)] + towns}
    started = _started(engine, list(keys.values()))
    missing = [(code, name) for code, name in [(None, title)] + towns
               if keys[code] not in started and not (code is None and has_run)]
    for code, name in missing[:limit]:
        if code is None:
            engine.start_case(PROCESS_ID, CaseContext(county_code=county.code, applicant_name=title), actor=ACTOR,
                              data=_data(kind, period, due, "county", (county.code, county.name)),
                              request_key=keys[None])
        else:
            engine.start_case(PROCESS_ID, CaseContext(town_code=code, county_code=county.code, applicant_name=name),
                              actor=ACTOR,
                              data=_data(kind, period, due, "town", (county.code, county.name), name),
                              request_key=keys[code])
    count = len(missing) if limit is None else min(limit, len(missing))
    if count == len(missing):
        with engine.store.session(write=True) as session:
            session.execute(update(ReportRun).where(ReportRun.kind == kind, ReportRun.period == period,
                                                    ReportRun.county_code == county_code,
                                                    ReportRun.towns_started_at.is_(None))
                            .values(towns_started_at=engine.clock()))
    return count


def dispatch_monthly_reports(engine: Engine, batch: int = BATCH) -> list[str]:
    """Start up to `batch` cases of this month's reports not fully started yet; return the kinds worked on.

    Report by report (the soonest due first), county by county: a sweep that runs out of budget leaves the later
    reports, never an earlier report of a later county, to the next sweep.
    """
    period = period_of(engine.clock())
    with engine.store.session() as session:
        counties = list(session.scalars(select(County.code).order_by(County.ordinal, County.code)))
        done = set(session.execute(select(ReportRun.kind, ReportRun.county_code).where(
            ReportRun.period == period, ReportRun.towns_started_at.is_not(None))))
    pending = [(kind, county) for kind in REPORT_KINDS for county in counties if (kind, county) not in done]
    worked: list[str] = []
    if pending:
        settings = ReportSettings.from_env()
        budget = batch
        for kind, county in pending:
            if budget <= 0:
                break  # the rest waits for the next sweep, after due timers have fired
            budget -= start_report(engine, kind, period, county, settings, budget)
            if kind not in worked:
                worked.append(kind)
        log.info("started cases of the %s reports of %s", ", ".join(worked), period)
    return worked
