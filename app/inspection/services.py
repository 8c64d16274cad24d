"""Schedule inspections and keep their record: the process's operators call these in the case's transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.milestones import set_milestone
from app.accounts.models import PointMilestone
from app.auth.models import User
from app.auth.roles import ADMIN, COUNTY_REVIEWER, SUPERVISOR
from app.inspection import formgen
from app.inspection.models import Inspection, InspectionRound
from app.inspection.sheets import Scored, ScoreError, Sheet, score_sheet, show_mark
from app.org.models import Point, Town
from engine import audit
from engine.clock import CHINA, china_iso
from engine.errors import EngineError
from engine.models import InboxTask, ProcessInstance
from engine.runtime import CaseContext, Engine

PROCESS_ID = "acceptance_inspection"
MILESTONE = "accepted_operating"
SOURCE = "acceptance_inspection"
SCHEDULER_ROLES = frozenset({ADMIN, SUPERVISOR, COUNTY_REVIEWER})
INSPECTOR_ROLE = COUNTY_REVIEWER  # 验收单位: 沁水县人社局; the scoring tasks' candidate role


class InspectionRefused(EngineError):
    """An inspection cannot be scheduled or assigned as asked; the message says why."""

    code = "inspection_refused"


def inspectors(session: Session) -> list[User]:
    """Return the active accounts that may inspect, by name."""
    return list(session.scalars(select(User).where(User.role == INSPECTOR_ROLE, User.active.is_(True))
                                .order_by(User.username)))


def open_inspection(session: Session, point_code: str) -> Inspection | None:
    """Return the point's inspection still under way, if any."""
    return session.scalar(select(Inspection).where(Inspection.point_code == point_code,
                                                   Inspection.status != "passed").limit(1))


def _check_schedule(session: Session, point_code: str, inspector: str, on: date, today: date) -> tuple[Point, Town,
                                                                                                         User]:
    point = session.get(Point, point_code)
    if point is None or not point.active:
        raise InspectionRefused("请选择要验收的网点。")
    accepted = session.scalar(select(PointMilestone.id).where(PointMilestone.point_code == point_code,
                                                              PointMilestone.milestone == MILESTONE))
    if accepted is not None:
        raise InspectionRefused(f"{point.name}已验收合格并正式运行，无需再次验收。")
    if open_inspection(session, point_code) is not None:
        raise InspectionRefused(f"{point.name}已有进行中的验收，请在该验收中继续办理。")
    user = session.scalar(select(User).where(User.username == inspector))
    if user is None or not user.active or user.role != INSPECTOR_ROLE:
        raise InspectionRefused("验收人须为在岗的县局审核人，请从列表中选择。")
    if on < today:
        raise InspectionRefused("验收日期不能早于今天。")
    return point, session.get(Town, point.town_code), user


def schedule_inspection(engine: Engine, *, point_code: str, inspector: str, on: date, actor: str,
                        request_key: str | None = None) -> int:
    """Start the inspection case of a point and put its scoring in the inspector's hands; return the case id."""
    today = engine.clock().astimezone(CHINA).date()
    with engine.store.session() as session:
        point, town, user = _check_schedule(session, point_code, inspector, on, today)
    context = CaseContext(point_code=point.code, town_code=point.town_code, county_code=town.county_code,
                          applicant_name=point.name)
    due = engine.calendar.current().close_of(on)
    data = {
        "point_kind": point.kind, "inspection_date": on.isoformat(), "inspection_due": china_iso(due),
        "inspector": user.username, "inspector_name": user.display_name, "scheduled_by": actor,
        "inspection_point_text": f"{town.name} {point.name}（{point.kind_label}，{point.area_label}）",
        "inspection_schedule_text": f"{on.isoformat()} 由{user.display_name}验收",
        "inspection_history_text": "首次验收", "inspection_score_problem": "",
    }
    case = engine.start_case(PROCESS_ID, context, actor=actor, data=data, request_key=request_key)
    with engine.store.session() as session:
        record = session.get(Inspection, case)
        task = session.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case,
                                                              InboxTask.assignee.is_(None)))
    if record is None:  # another scheduler's inspection of this point started first; this case ended at once
        raise InspectionRefused(f"{point.name}已有进行中的验收，请在该验收中继续办理。")
    if task is not None:
        engine.claim(task, user.username)
    return case


def assign_inspector(engine: Engine, instance_id: int, inspector: str) -> None:
    """Give the open scoring task of an inspection to an inspector (e.g. for the re-inspection)."""
    with engine.store.session() as session:
        user = session.scalar(select(User).where(User.username == inspector))
        task = session.scalar(select(InboxTask).where(InboxTask.instance_id == instance_id,
                                                      InboxTask.bpmn_id.startswith("inspection_score_")))
    if user is None or not user.active or user.role != INSPECTOR_ROLE:
        raise InspectionRefused("验收人须为在岗的县局审核人，请从列表中选择。")
    if task is None:
        raise InspectionRefused("该验收当前没有待评分的任务。")
    if task.assignee == user.username:
        return
    if task.assignee is not None:
        engine.unclaim(task.task_id, task.assignee)
    engine.claim(task.task_id, user.username)


# -- the process's operators call these -------------------------------------------------------------------
def record_opened(session: Session, instance: ProcessInstance, data: Mapping[str, Any], now: datetime) -> dict:
    """Put the scheduled inspection on record; refuse (not raise) when the point already has one under way."""
    other = open_inspection(session, instance.point_code)
    if other is not None:
        return {"ok": False, "message": f"该网点已有进行中的验收（案件 {other.instance_id}）。"}
    session.add(Inspection(instance_id=instance.id, point_code=instance.point_code, town_code=instance.town_code,
                           sheet_kind=data["point_kind"], scheduled_on=date.fromisoformat(data["inspection_date"]),
                           inspector=data["inspector"], scheduled_by=data["scheduled_by"], scheduled_at=now,
                           status="scheduled", rounds=0, updated_at=now))
    return {"ok": True}


def _posted(sheet: Sheet, data: Mapping[str, Any]) -> tuple[dict[int, Any], dict[int, str]]:
    """Read the form's per-line scores and notes from the task data."""
    scores, notes = {}, {}
    for line in sheet.lines:
        key = formgen.score_field(sheet.kind, line.no)
        if line.scorable and key in data:
            scores[line.no] = data[key]
        notes[line.no] = str(data.get(formgen.note_field(sheet.kind, line.no)) or "")
    return scores, notes


def lost_text(scored: Scored) -> str:
    """List the lines that lost points, one per line, for the rectification task."""
    return "\n".join(f"第{line.no}项（{line.points}分，得{line.score}分）{line.text}"
                     + (f"；备注：{line.note}" if line.note else "") for line in scored.lost) or "无"


def record_scores(session: Session, instance: ProcessInstance, data: Mapping[str, Any], now: datetime, *,
                  sheet: Sheet, pass_percent: int) -> tuple[InspectionRound | None, Scored | None, str]:
    """Score the posted form on the sheet and keep the round; return (round, scored, refusal message)."""
    scores, notes = _posted(sheet, data)
    try:
        scored = score_sheet(sheet, scores, notes, pass_percent)
    except ScoreError as exc:
        return None, None, str(exc)
    record = session.get(Inspection, instance.id)
    actor = audit.last_completer(session, instance.id, default=instance.created_by)
    user = session.scalar(select(User).where(User.username == actor))
    record.rounds += 1
    day = data.get(formgen.date_field(sheet.kind)) or now.astimezone(CHINA).date().isoformat()
    row = InspectionRound(
        instance_id=instance.id, round_no=record.rounds, point_code=record.point_code, town_code=record.town_code,
        sheet_kind=sheet.kind, inspector=actor, inspector_name=user.display_name if user else actor,
        inspected_on=date.fromisoformat(day), scored_at=now, total=scored.total, maximum=scored.maximum,
        pass_percent=pass_percent, pass_mark=show_mark(scored.pass_mark), passed=scored.passed,
        lines=json.dumps([line.as_dict() for line in scored.lines], ensure_ascii=False),
        opinion=str(data.get(formgen.opinion_field(sheet.kind)) or ""))
    session.add(row)
    record.last_total, record.last_maximum, record.updated_at = scored.total, scored.maximum, now
    audit.record(session, at=now, actor=actor, action="inspection_scored", instance_id=instance.id,
                 point_code=record.point_code, round=record.rounds, total=scored.total, maximum=scored.maximum,
                 pass_mark=row.pass_mark, passed=scored.passed)
    return row, scored, ""


def current_round(session: Session, instance_id: int) -> InspectionRound:
    """Return the latest round of an inspection; a case past scoring without one is broken, so this raises."""
    row = session.scalar(select(InspectionRound).where(InspectionRound.instance_id == instance_id)
                         .order_by(InspectionRound.round_no.desc()).limit(1))
    if row is None:
        raise LookupError(f"inspection {instance_id} has no scored round")
    return row


def accept(session: Session, instance: ProcessInstance, now: datetime) -> bool:
    """Put the point into formal operation (正式运行): the inspection passed, its milestone is set."""
    record = session.get(Inspection, instance.id)
    latest = current_round(session, instance.id)
    record.status, record.passed_at, record.updated_at = "passed", now, now
    return set_milestone(session, record.point_code, MILESTONE, at=now, by=latest.inspector, source=SOURCE,
                         instance_id=instance.id, note=f"第{latest.round_no}次验收得分{latest.total}/{latest.maximum}，"
                                                       f"合格分{latest.pass_mark}")


def request_rectification(session: Session, instance: ProcessInstance, now: datetime, due: str) -> None:
    """Send the point back for rectification until `due`."""
    record = session.get(Inspection, instance.id)
    latest = current_round(session, instance.id)
    latest.rectify_due = datetime.fromisoformat(due)
    record.status, record.updated_at = "rectifying", now


def record_rectification(session: Session, instance: ProcessInstance, now: datetime, *, report: str,
                         done_on: str | None) -> str:
    """Record what the point rectified; return the history the re-inspection shows."""
    record = session.get(Inspection, instance.id)
    latest = current_round(session, instance.id)
    latest.rectify_report = report
    latest.rectified_on = date.fromisoformat(done_on) if done_on else now.astimezone(CHINA).date()
    latest.rectified_by = audit.last_completer(session, instance.id, default=instance.created_by)
    latest.rectified_at = now
    record.status, record.updated_at = "reinspecting", now
    lost = [f"第{line['no']}项（{line['points']}分，得{line['score']}分）" for line in json.loads(latest.lines)
            if line["score"] is not None and line["score"] < line["points"]]
    return (f"第{latest.round_no}次验收得分{latest.total}/{latest.maximum}（合格分{latest.pass_mark}），"
            f"失分项：{'、'.join(lost) or '无'}。整改情况（{latest.rectified_on.isoformat()}完成）：{report}")
