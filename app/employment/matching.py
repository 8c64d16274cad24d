"""Match job seekers and postings (items 2, 5, 8): one scoring rule, used in both directions.

A pair matches only when all of these hold:
- seeker and posting are of the same kind (fixed or gig);
- the posting is open: not filled, headcount above zero, and its last day (date_to) is not past;
- the posting's job type is one the seeker wants;
- the posting pays at least the seeker's minimum (same unit: per month fixed, per day gig);
- the dates overlap from today on: max(today, seeker from, posting from) <= min(seeker to, posting to),
  a seeker without an end date being available indefinitely.
A matching pair scores BASE (60) + TOWN (30) when the work town is one the seeker wants (a seeker who named
no town takes any town) + up to PAY_MAX (10): one point per full 10 % the pay exceeds the seeker's minimum.
Ties between postings go to the higher pay, then the earlier start, then the older row; ties between seekers
to the lower minimum, then the earlier availability, then the older row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.employment.models import JobPosting, JobSeeker

BASE = 60
TOWN = 30
PAY_MAX = 10
LIMIT = 20  # matches offered to the clerk at most


@dataclass(frozen=True)
class Match:
    """A scored pair, ranked 1.. in the list it belongs to."""

    seeker: JobSeeker
    posting: JobPosting
    score: int
    rank: int = 0


def posting_is_open(posting: JobPosting, today: date) -> bool:
    """Tell whether a posting still takes people: not filled, not expired."""
    return posting.status == "open" and posting.headcount > 0 and posting.date_to >= today


def dates_overlap(seeker: JobSeeker, posting: JobPosting, today: date) -> bool:
    """Tell whether the seeker is available on some day of the posting, today or later."""
    start = max(today, seeker.available_from, posting.date_from)
    end = posting.date_to if seeker.available_to is None else min(seeker.available_to, posting.date_to)
    return start <= end


def pay_points(seeker: JobSeeker, posting: JobPosting) -> int:
    """Return one point per full 10 % of pay above the seeker's minimum, at most PAY_MAX."""
    if seeker.min_pay <= 0:
        return 0
    return min(PAY_MAX, (posting.pay - seeker.min_pay) * 10 // seeker.min_pay)


def score(seeker: JobSeeker, posting: JobPosting, today: date) -> int | None:
    """Return the pair's score, or None when it does not match."""
    if (seeker.kind != posting.kind or not posting_is_open(posting, today)
            or posting.job_type not in seeker.job_types or posting.pay < seeker.min_pay
            or not dates_overlap(seeker, posting, today)):
        return None
    town = TOWN if not seeker.towns or posting.work_town in seeker.towns else 0
    return BASE + town + pay_points(seeker, posting)


def rank_postings(seeker: JobSeeker, postings: list[JobPosting], today: date, limit: int = LIMIT) -> list[Match]:
    """Return the postings that match a seeker, best first."""
    found = [Match(seeker, p, s) for p in postings if (s := score(seeker, p, today)) is not None]
    found.sort(key=lambda m: (-m.score, -m.posting.pay, m.posting.date_from, m.posting.id or 0))
    return [Match(m.seeker, m.posting, m.score, n) for n, m in enumerate(found[:limit], start=1)]


def rank_seekers(posting: JobPosting, seekers: list[JobSeeker], today: date, limit: int = LIMIT) -> list[Match]:
    """Return the seekers that match a posting, best first."""
    found = [Match(s, posting, sc) for s in seekers if (sc := score(s, posting, today)) is not None]
    found.sort(key=lambda m: (-m.score, m.seeker.min_pay, m.seeker.available_from, m.seeker.id or 0))
    return [Match(m.seeker, m.posting, m.score, n) for n, m in enumerate(found[:limit], start=1)]


def candidate_postings(session: Session, kind: str, today: date) -> list[JobPosting]:
    """Load the open, unexpired postings of a kind; the rule above filters the rest."""
    return list(session.scalars(select(JobPosting).where(
        JobPosting.kind == kind, JobPosting.status == "open", JobPosting.headcount > 0,
        JobPosting.date_to >= today).order_by(JobPosting.id)))


def candidate_seekers(session: Session, kind: str, today: date) -> list[JobSeeker]:
    """Load the active registrations of a kind still available today or later."""
    return list(session.scalars(select(JobSeeker).where(
        JobSeeker.kind == kind, JobSeeker.active,
        or_(JobSeeker.available_to.is_(None), JobSeeker.available_to >= today)).order_by(JobSeeker.id)))


def matches_for_seeker(session: Session, seeker: JobSeeker, today: date) -> list[Match]:
    """Return the best postings for a registered seeker."""
    return rank_postings(seeker, candidate_postings(session, seeker.kind, today), today)


def matches_for_posting(session: Session, posting: JobPosting, today: date) -> list[Match]:
    """Return the best seekers for a posting (the person who posted it is left out)."""
    seekers = [s for s in candidate_seekers(session, posting.kind, today) if s.id_number != posting.owner_id_number]
    return rank_seekers(posting, seekers, today)
