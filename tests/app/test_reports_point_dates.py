"""Report tables count only the points that existed in the period: a past month's figures do not change later."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.accounts.milestones import set_milestone
from app.org.models import Point
from app.org.seed import seed_organisation
from app.org.services import add_point, close_point
from app.reports import tables
from app.reports.snapshots import period_end
from app.reports.vocab import OPERATING_MILESTONE
from engine.clock import CHINA

NEW = {"town": "ZAC", "code": "ZAC-V08", "name": "张村乡第08村", "area": "village", "kind": "basic"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@pytest.fixture
def county(store):
    """The plan's 204 points (created before records), plus: one added in March 2026, one closed in February 2026,
    one closed before records (inactive, no date); each operating since January 2026."""
    with store.session(write=True) as s:
        seed_organisation(s)
        add_point(s, NEW, actor="admin1", at=at("2026-03-10 09:00"))
        close_point(s, "ZAC-V01", "合并", actor="admin1", at=at("2026-02-10 09:00"))
        s.get(Point, "ZAC-V02").active = False
        for code in ("ZAC-V08", "ZAC-V01", "ZAC-V02", "ZAC-V03"):
            set_milestone(s, code, OPERATING_MILESTONE, at=at("2026-01-05 09:00"), by="t", source="manual")
    return store


def zac(rows) -> tables.SummaryRow:
    return next(r for r in rows if r.code == "ZAC")


@pytest.mark.parametrize(("period", "points", "operating"), [
    ("2026-01", 6, 2),   # V01 (closed in Feb) still counted; V08 not yet added; V02 never
    ("2026-02", 6, 2),   # V01 closed during February: it existed that month
    ("2026-03", 6, 2),   # V01 gone, V08 added
    (None, 6, 2),        # live: the points open now
])
def test_town_summary_counts_the_points_of_the_month(county, period, points, operating):
    as_of = period_end(period) if period else None
    with county.session() as s:
        rows, total = tables.town_summary(s, "ZAC", as_of)
        codes = [p.point.code for block in tables.point_detail(s, "ZAC", as_of) for p in block.points]
    assert zac(rows).points == points and total.points == points
    assert zac(rows).done[OPERATING_MILESTONE] == operating
    expected = {"2026-01": "V01 V03 V04 V05 V06 V07", "2026-02": "V01 V03 V04 V05 V06 V07",
                "2026-03": "V03 V04 V05 V06 V07 V08", None: "V03 V04 V05 V06 V07 V08"}[period]
    assert codes == [f"ZAC-{c}" for c in expected.split()]


def test_progress_counts_the_same_points(county):
    with county.session() as s:
        january = tables.progress(s, "ZAC", period_end("2026-01"))
        march = tables.progress(s, "ZAC", period_end("2026-03"))
    done = {r.milestone: (r.done, r.points) for r in january}
    assert done[OPERATING_MILESTONE] == (2, 6)  # V01 and V03 in January
    assert {r.milestone: (r.done, r.points) for r in march}[OPERATING_MILESTONE] == (2, 6)  # V03 and V08


def test_funds_count_the_points_that_existed_in_the_year(county):
    with county.session() as s:
        year_2025 = zac(tables.funds(s, 2025, 1500, "ZAC")[0])
        year_2026 = zac(tables.funds(s, 2026, 1500, "ZAC")[0])
        january = zac(tables.funds(s, 2026, 1500, "ZAC", period_end("2026-01"))[0])
    # 2025: the plan's 8 less V02 (closed before records); V08 did not exist; no point operated yet.
    assert (year_2025.points, year_2025.operating, year_2025.due_fen) == (7, 0, 0)
    # 2026: V01 (closed in February) and V08 (added in March) both existed in the year; V02 never.
    assert (year_2026.points, year_2026.operating, year_2026.due_fen) == (8, 3, 3 * 1500 * 100)
    # As of January 2026: V08 not yet added.
    assert (january.points, january.operating, january.due_fen) == (7, 2, 2 * 1500 * 100)


def test_a_past_months_figures_do_not_change_when_points_are_added_or_closed_later(county, clock):
    def figures():
        with county.session() as s:
            return (tables.town_summary(s, None, period_end("2026-03")),
                    tables.funds(s, 2026, 1500, None, period_end("2026-03")))

    before = figures()
    with county.session(write=True) as s:
        for code in ("LG-V26", "LG-V27"):
            add_point(s, {**NEW, "code": code, "town": "LG", "name": f"新村{code}"}, actor="admin1", at=clock())
        close_point(s, "LG-V03", "撤并", actor="admin1", at=clock())
    assert figures() == before
    with county.session() as s:
        live, _ = tables.town_summary(s)
    assert next(r for r in live if r.code == "LG").points == 36  # 25 + 10, two added, one closed
