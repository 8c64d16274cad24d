"""The matching rule of items 2, 5 and 8: scoring, exclusions and ranking (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from app.employment.matching import BASE, PAY_MAX, TOWN, dates_overlap, pay_points, rank_postings, rank_seekers, score
from app.employment.models import JobPosting, JobSeeker

TODAY = date(2026, 11, 23)


def seeker(id=1, **changes) -> JobSeeker:
    values = {"kind": "gig", "job_types": ["loading", "construction"], "towns": ["LG"], "min_pay": 200,
              "available_from": date(2026, 11, 20), "available_to": None, "id_number": f"P{id}"}
    return JobSeeker(id=id, **{**values, **changes})


def posting(id=1, **changes) -> JobPosting:
    values = {"kind": "gig", "job_type": "loading", "work_town": "LG", "pay": 200, "date_from": date(2026, 11, 25),
              "date_to": date(2026, 11, 30), "headcount": 2, "status": "open", "owner_id_number": "E1"}
    return JobPosting(id=id, **{**values, **changes})


def test_full_match_in_a_wanted_town():
    assert score(seeker(), posting(), TODAY) == BASE + TOWN


def test_other_town_is_allowed_but_scores_lower():
    assert score(seeker(), posting(work_town="ZZ"), TODAY) == BASE


def test_no_town_named_means_any_town():
    assert score(seeker(towns=[]), posting(work_town="ZZ"), TODAY) == BASE + TOWN


@pytest.mark.parametrize(("pay", "points"), [(200, 0), (219, 0), (220, 1), (260, 3), (400, PAY_MAX), (2000, PAY_MAX)])
def test_pay_above_minimum_adds_a_point_per_ten_percent(pay, points):
    assert pay_points(seeker(), posting(pay=pay)) == points
    assert pay_points(seeker(min_pay=0), posting(pay=pay)) == 0


@pytest.mark.parametrize("change", [
    {"job_type": "catering"},                              # not a wanted job type
    {"pay": 199},                                          # below the seeker's minimum
    {"status": "filled"},                                  # filled
    {"headcount": 0},                                      # no places left
    {"date_to": date(2026, 11, 22)},                       # expired yesterday
    {"kind": "fixed"},                                     # other kind
    {"date_from": date(2027, 1, 1), "date_to": date(2027, 1, 5)},  # after the seeker's end (below)
])
def test_exclusions(change):
    person = seeker(available_to=date(2026, 12, 31))
    assert score(person, posting(**change), TODAY) is None


def test_dates_must_overlap_from_today_on():
    assert dates_overlap(seeker(available_to=date(2026, 11, 25)), posting(), TODAY)      # one day in common
    assert not dates_overlap(seeker(available_to=date(2026, 11, 24)), posting(), TODAY)  # ends before it starts
    assert not dates_overlap(seeker(available_from=date(2026, 12, 1)), posting(), TODAY)
    # Available only on days already past: no overlap even though the posting began earlier.
    past = posting(date_from=date(2026, 11, 1))
    assert not dates_overlap(seeker(available_from=date(2026, 11, 1), available_to=date(2026, 11, 22)), past, TODAY)
    assert dates_overlap(seeker(available_to=date(2026, 11, 23)), past, TODAY)             # today counts


def test_postings_ranked_by_score_then_pay_then_start():
    found = rank_postings(seeker(), [
        posting(1, work_town="ZZ", pay=300),             # 60 + 5
        posting(2, pay=210),                             # 90
        posting(3, pay=240),                             # 92
        posting(4, pay=240, date_from=date(2026, 11, 24)),  # 92, starts earlier
        posting(5, job_type="catering"),                 # excluded
    ], TODAY)
    assert [(m.posting.id, m.score, m.rank) for m in found] == [(4, 92, 1), (3, 92, 2), (2, 90, 3), (1, 65, 4)]


def test_limit_keeps_the_best():
    found = rank_postings(seeker(), [posting(i, pay=200 + i) for i in range(1, 30)], TODAY, limit=3)
    assert [m.posting.id for m in found] == [29, 28, 27]


def test_seekers_ranked_for_a_posting():
    found = rank_seekers(posting(pay=250), [
        seeker(1, min_pay=240),                         # 90 + 0
        seeker(2, min_pay=200),                         # 90 + 2
        seeker(3, towns=["ZZ"], min_pay=100),           # 60 + 10
        seeker(4, min_pay=300),                         # asks more: excluded
        seeker(5, job_types=["security"]),              # excluded
    ], TODAY)
    assert [(m.seeker.id, m.score) for m in found] == [(2, 92), (1, 90), (3, 70)]
