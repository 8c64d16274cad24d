"""Recommendations (items 2, 5, 8): offer the matches to the clerk, record the ones handed over."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.employment.common import Person, Stamp, numbered
from app.employment.jobs import active_seeker, posting_line, seeker_line, seeker_summary
from app.employment.matching import Match, matches_for_posting, matches_for_seeker, posting_is_open
from app.employment.models import JobPosting, JobRecommendation, JobSeeker
from app.employment.vocab import JOB_TYPES, KINDS, label

DIRECTIONS = ("to_seeker", "to_employer")


def _offer(matches: list[Match], direction: str) -> dict[str, Any]:
    """Turn ranked matches into choices for the clerk and the rows to record on a pick."""
    options, rows = [], []
    for m in matches:
        value = str(m.posting.id if direction == "to_seeker" else m.seeker.id)
        shown = posting_line(m.posting) if direction == "to_seeker" else seeker_line(m.seeker, masked=False)
        options.append({"value": value, "label": f"第{m.rank}名（匹配度{m.score}分）{shown}"})
        rows.append({"value": value, "seeker_id": m.seeker.id, "posting_id": m.posting.id,
                     "rank": m.rank, "score": m.score})
    return {"options": options, "matches": rows}


def postings_for_seeker(session: Session, person: Person, kind: str, today: date) -> dict[str, Any]:
    """Match a registered seeker against the open postings of a kind (items 2, 5)."""
    noun = KINDS[kind]
    seeker = active_seeker(session, person.id_number, kind)
    if seeker is None:
        return {"ok": False, "options": [], "matches": [], "summary": "",
                "message": f"{person.name}尚未办理{noun}求职登记，请先办理求职登记（{noun}），再办理岗位推荐。"}
    summary = seeker_summary(seeker)
    found = matches_for_seeker(session, seeker, today)
    if not found:
        return {"ok": False, "options": [], "matches": [], "summary": summary,
                "message": f"已按您的{noun}求职登记（{summary}）进行匹配，目前没有符合条件的{noun}岗位。"
                           "您可以稍后再来，或调整求职条件后重新登记。"}
    return {"ok": True, "summary": summary, "message": "", **_offer(found, "to_seeker")}


def employer_gig_postings(session: Session, owner: Person, today: date) -> dict[str, Any]:
    """List the applicant's own open gig postings (item 8), as choices."""
    postings = [p for p in session.scalars(select(JobPosting).where(
        JobPosting.kind == "gig", JobPosting.owner_id_number == owner.id_number).order_by(JobPosting.id))
        if posting_is_open(p, today)]
    if not postings:
        return {"ok": False, "options": [],
                "message": f"{owner.name}没有有效的零工招聘登记（或已过期、已招满），请先办理零工招聘登记。"}
    return {"ok": True, "message": "", "options": [{"value": str(p.id), "label": posting_line(p)} for p in postings]}


def seekers_for_posting(session: Session, owner: Person, posting_id: int, today: date) -> dict[str, Any]:
    """Match one of the applicant's gig postings against the active gig seekers (item 8)."""
    posting = session.get(JobPosting, int(posting_id))
    if posting is None or posting.owner_id_number != owner.id_number:
        raise ValueError(f"gig posting {posting_id} is not one of the applicant's")
    found = matches_for_posting(session, posting, today)
    if not found:
        return {"ok": False, "options": [], "matches": [],
                "message": f"目前没有符合“{label(JOB_TYPES, posting.job_type)}”招聘条件的零工求职者。"
                           "您的招聘登记仍然有效，可稍后再来办理推荐。"}
    return {"ok": True, "message": "", **_offer(found, "to_employer")}


def record_recommendations(
    session: Session, stamp: Stamp, *, direction: str, matches: list[Mapping[str, Any]], picked: list[str],
) -> dict[str, Any]:
    """Record the picked matches with their rank and score; return the message for the applicant."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    chosen = [m for m in matches if m["value"] in set(picked or [])]
    noun = "岗位" if direction == "to_seeker" else "零工求职者"
    if not chosen:
        return {"count": 0, "message": f"经与您确认，本次没有合适的{noun}，未作推荐。"}
    lines = []
    for m in chosen:
        seeker, posting = session.get(JobSeeker, m["seeker_id"]), session.get(JobPosting, m["posting_id"])
        if seeker is None or posting is None:
            raise ValueError(f"match {m} names a row that does not exist")
        session.add(JobRecommendation(direction=direction, seeker_id=seeker.id, posting_id=posting.id,
                                      rank=int(m["rank"]), score=int(m["score"]), **stamp.columns()))
        lines.append(posting_line(posting) if direction == "to_seeker" else seeker_line(seeker, masked=False))
    session.flush()
    lead = "为您推荐以下岗位，请与用人单位联系" if direction == "to_seeker" else "为您推荐以下零工求职者，请与其联系"
    return {"count": len(chosen), "message": f"{lead}：\n{numbered(lines)}"}
