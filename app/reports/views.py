"""Monthly report pages: the month's reports and the towns' confirmations, the four tables and their .xlsx files.

The milestone and subsidy-ledger pages join this blueprint from app/reports/ledger_views.py.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, current_app, g, render_template, request
from flask_login import current_user, login_required

from app.auth.policy import UNBOUND, require, scope_of
from app.downloads import attachment
from app.org.counties import town_county
from app.org.profiles import PROFILE_FIELDS
from app.org.queries import list_towns
from app.reports import queries, snapshots, tables, xlsx
from app.reports.policy import may_view
from app.reports.services import period_label, period_of
from app.reports.settings import ReportSettings
from app.reports.vocab import (
    DETAIL_GROUPS,
    DETAIL_HEADERS,
    DETAIL_MILESTONES,
    DETAIL_NOTES,
    DETAIL_TITLE,
    FUNDS,
    FUNDS_HEADERS,
    POINT_DETAIL,
    PROGRESS,
    PROGRESS_HEADERS,
    REPORT_KINDS,
    SUMMARY_HEADERS,
    SUMMARY_MILESTONES,
    SUMMARY_NOTE,
    SUMMARY_TITLE,
    TOWN_SUMMARY,
)
from engine.clock import CHINA

bp = Blueprint("reports", __name__)
_PERIOD = re.compile(r"20\d\d-(0[1-9]|1[0-2])")


def _engine():
    return current_app.extensions["cuncun.engine"]


def _today() -> date:
    return _engine().clock().astimezone(CHINA).date()


def _county() -> str:
    """Return the county whose reports the user sees: a county role's own, town staff's town's (cached per request)."""
    if "reports_county" not in g:
        scope = scope_of(current_user)
        county = scope.county_code
        if county is None and scope.town_code is not None:
            with _engine().store.session() as session:
                county = town_county(session, scope.town_code)
        g.reports_county = county or UNBOUND  # no county: every query below matches nothing
    return g.reports_county


def _county_name() -> str:
    with _engine().store.session() as session:
        return queries.county_name(session, _county())


def _town() -> str | None:
    """Return the town the page is narrowed to: the user's own for town staff, else the `town` filter.

    A filter naming a town outside the user's county is answered 404, as for a town that does not exist.
    """
    if "reports_town" not in g:  # asked several times a request: check the filter once
        scope = scope_of(current_user)
        town = scope.town_code or (request.args.get("town", "").strip() or None)
        if town is not None and scope.town_code is None:
            with _engine().store.session() as session:
                county = town_county(session, town)
            if county is None or county != _county() or not scope.contains(None, town):
                abort(404)
        g.reports_town = town
    return g.reports_town


def _period() -> str:
    period = request.args.get("period", "").strip()
    return period if _PERIOD.fullmatch(period) else period_of(_engine().clock())


def _towns() -> dict[str, str]:
    with _engine().store.session() as session:
        return {t.code: t.name for t in list_towns(session, scope_of(current_user)) if t.county_code == _county()}


def _xlsx(content: bytes, name: str) -> Response:
    # ASCII file name for old browsers; the workbook's own title is Chinese.
    return attachment(content, name)


@bp.get("/reports")
@login_required
def index():
    """Show a month's four reports: due dates, the towns' confirmations and the county's submission."""
    require(may_view(current_user))
    period, town = _period(), _town()
    with _engine().store.session() as session:
        runs = queries.runs(session, period, _county())
        confirmations = queries.confirmations(session, period, _county(), town)
        periods = queries.periods(session, _county())
    towns = _towns()
    shown = {code: name for code, name in towns.items() if not town or code == town}
    return render_template("reports/index.html", period=period, period_label=period_label(period), periods=periods,
                           kinds=REPORT_KINDS, runs=runs, confirmations=confirmations, towns=shown,
                           all_towns=towns, town=town, now=_engine().clock())


def _figures(kind: str):
    """Return a month's figures of a report and their source: frozen when confirmed or submitted, else as of then."""
    with _engine().store.session() as session:
        return snapshots.figures(session, kind, _period(), _county(), _town(), _engine().clock())


def _summary():
    return _figures(TOWN_SUMMARY)[0]


@bp.get("/reports/town-summary")
@login_required
def town_summary():
    """Show 附件4 (调度汇总表) from live data."""
    require(may_view(current_user))
    (rows, total), source = _figures(TOWN_SUMMARY)
    return render_template("reports/town_summary.html", rows=rows, total=total, source=source,
                           title=SUMMARY_TITLE.format(county=_county_name()), period_code=_period(),
                           headers=SUMMARY_HEADERS, milestones=SUMMARY_MILESTONES, note=SUMMARY_NOTE,
                           period=period_label(_period()), towns=_towns(), town=_town(), show_rate=tables.show_rate)


@bp.get("/reports/town-summary.xlsx")
@login_required
def town_summary_xlsx():
    """Download 附件4 as .xlsx."""
    require(may_view(current_user))
    rows, total = _summary()
    return _xlsx(xlsx.summary_workbook(rows, total, period_label(_period()), _county_name()), "town-summary.xlsx")


def _detail():
    return _figures(POINT_DETAIL)[0]


@bp.get("/reports/point-detail")
@login_required
def point_detail():
    """Show 附件5 (调度明细表) from live data."""
    require(may_view(current_user))
    blocks, source = _figures(POINT_DETAIL)
    return render_template("reports/point_detail.html", blocks=blocks, title=DETAIL_TITLE.format(county=_county_name()),
                           groups=DETAIL_GROUPS,
                           source=source, period_code=_period(), profile_fields=[n for n, _, _ in PROFILE_FIELDS],
                           headers=DETAIL_HEADERS, milestones=DETAIL_MILESTONES, notes=DETAIL_NOTES,
                           period=period_label(_period()), towns=_towns(), town=_town())


@bp.get("/reports/point-detail.xlsx")
@login_required
def point_detail_xlsx():
    """Download 附件5 as .xlsx."""
    require(may_view(current_user))
    return _xlsx(xlsx.detail_workbook(_detail(), period_label(_period()), _county_name()), "point-detail.xlsx")


def _progress():
    return _figures(PROGRESS)[0]


@bp.get("/reports/progress")
@login_required
def progress():
    """Show the progress report: 附件3's tasks and how many points have done them."""
    require(may_view(current_user))
    rows, source = _figures(PROGRESS)
    return render_template("reports/progress.html", rows=rows, headers=PROGRESS_HEADERS, source=source,
                           title=REPORT_KINDS[PROGRESS].label, period=period_label(_period()), towns=_towns(),
                           town=_town(), show_rate=tables.show_rate, period_code=_period())


@bp.get("/reports/progress.xlsx")
@login_required
def progress_xlsx():
    """Download the progress report as .xlsx."""
    require(may_view(current_user))
    town = _towns().get(_town() or "", "")
    title = f"{_county_name()}就业社保服务社区村村全覆盖{REPORT_KINDS[PROGRESS].label}" + (
        f"（{town}）" if town else "")
    return _xlsx(xlsx.progress_workbook(_progress(), title, period_label(_period())), "progress.xlsx")


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2024 <= year <= _today().year + 1 else _today().year


def _funds(year: int):
    period = request.args.get("period", "").strip()
    if _PERIOD.fullmatch(period) and int(period[:4]) == year:  # a month's report: frozen or as of that month
        return _figures(FUNDS)[0]
    with _engine().store.session() as session:
        return tables.funds(session, year, ReportSettings.from_env().subsidy_per_point, _town(),
                            county_code=_county())


@bp.get("/reports/funds")
@login_required
def funds():
    """Show the funds execution report for a year: subsidy due, allocated and arrived per town."""
    require(may_view(current_user))
    year = _year()
    rows, total = _funds(year)
    return render_template("reports/funds.html", rows=rows, total=total, headers=FUNDS_HEADERS, year=year,
                           title=REPORT_KINDS[FUNDS].label, per_point=ReportSettings.from_env().subsidy_per_point,
                           towns=_towns(), town=_town(), yuan=tables.yuan, show_rate=tables.show_rate,
                           years=range(_today().year + 1, 2023, -1))


@bp.get("/reports/funds.xlsx")
@login_required
def funds_xlsx():
    """Download the funds execution report as .xlsx."""
    require(may_view(current_user))
    year = _year()
    rows, total = _funds(year)
    title = f"{_county_name()}{year}年{REPORT_KINDS[FUNDS].label}"
    return _xlsx(xlsx.funds_workbook(rows, total, title, period_label(_period())), "funds.xlsx")


from app.reports import ledger_views  # noqa: E402,F401 - the milestone and ledger pages join this blueprint
