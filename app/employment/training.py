"""Training (items 16-19): an intention moves registered → recommended → followed_up → delivered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.employment.common import Person, Stamp
from app.employment.models import TrainingEvent, TrainingInstitution, TrainingIntention
from app.employment.vocab import PRIORITY_GROUPS, TOWN_ORDER, TOWNS, TRAINING_TYPES, label, labels
from engine.clock import CHINA
from engine.models import ProcessInstance

NOT_REGISTERED = "{name}尚未办理培训意向登记，请先办理培训意向登记。"
# What each later item needs the intention to have reached.
NEEDS = {
    "follow_up": (("recommended", "followed_up"), "尚未为{name}推荐培训机构，请先办理培训机构推荐。"),
    "deliver": (("followed_up",), "尚未对{name}的培训意向进行跟踪反馈，请先办理培训意向跟踪反馈。"),
}


# What a later item (17, 18, 19) needs the open intention to have reached before its case may start, and the
# item to do first otherwise.
START_NEEDS = {
    "17": {"registered": None, "recommended": None, "followed_up": None},
    "18": {"registered": "尚未推荐培训机构，请先办理培训机构推荐（事项17）", "recommended": None, "followed_up": None},
    "19": {"registered": "尚未推荐培训机构，请先办理培训机构推荐（事项17）和培训意向跟踪反馈（事项18）",
           "recommended": "尚未跟踪反馈，请先办理培训意向跟踪反馈（事项18）", "followed_up": None},
}


def _day(moment: datetime) -> str:
    return moment.astimezone(CHINA).date().isoformat()


def start_refusal(session: Session, item_code: str, id_number: str) -> str | None:
    """Say why item 17, 18 or 19 cannot start for this person from the county's training records, or None.

    Training intentions are registered only at the county's own points (item 16), so the county holds every one:
    no open intention means there is none to recommend, follow up or deliver.
    """
    intention = open_intention(session, id_number)
    if intention is not None:
        missing = START_NEEDS[item_code].get(intention.status)
        if missing:
            return f"县级记录显示申请人的培训意向（{_day(intention.created_at)}登记）{missing}。"
        return None
    closed = session.scalar(select(TrainingIntention).where(TrainingIntention.id_number == id_number)
                            .order_by(TrainingIntention.id.desc()).limit(1))
    if closed is not None:
        return (f"县级记录显示申请人的培训意向已于{_day(closed.updated_at)}办结送达；"
                "如有新的培训意向，请先重新办理培训意向登记（事项16）。")
    finished = session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.item_code == "16", ProcessInstance.applicant_id_number == id_number,
        ProcessInstance.status == "completed").limit(1))
    if finished is not None:  # a finished item-16 case that left no intention found the person outside the groups
        return ("县级记录显示申请人办理培训意向登记时不属于六类重点人群，未予登记；"
                "如情况有变化，请先重新办理培训意向登记（事项16）。")
    return "县级记录中没有申请人的培训意向登记，请先办理培训意向登记（事项16）。"


def open_intention(session: Session, id_number: str) -> TrainingIntention | None:
    """Return the person's open (not yet delivered) intention."""
    return session.scalar(select(TrainingIntention).where(TrainingIntention.id_number == id_number,
                                                          TrainingIntention.is_open))


def _event(session: Session, stamp: Stamp, intention: TrainingIntention, kind: str,
           institution_id: int | None = None, **detail: Any) -> None:
    """Move the intention to `kind` and keep the step as an event row."""
    intention.status, intention.updated_at = kind, stamp.created_at
    session.add(TrainingEvent(intention_id=intention.id, kind=kind, institution_id=institution_id,
                              detail=detail, **stamp.columns()))
    session.flush()


def register_intention(
    session: Session, stamp: Stamp, person: Person, *, priority_group: str, training_types: list[str],
    phone: str, preferred_time: str, note: str,
) -> tuple[TrainingIntention, str]:
    """Register (or re-register, starting over) a priority-group member's training intention (item 16)."""
    if priority_group not in PRIORITY_GROUPS:
        raise ValueError(f"item 16 registers only the six priority groups, not {priority_group!r}")
    if not training_types or any(t not in TRAINING_TYPES for t in training_types):
        raise ValueError(f"bad training types {training_types!r}")
    intention = open_intention(session, person.id_number)
    fields = {"phone": phone, "priority_group": priority_group, "training_types": list(training_types),
              "preferred_time": preferred_time, "note": note, "institution_id": None}
    if intention is None:
        intention = TrainingIntention(id_number=person.id_number, name=person.name, home_town=stamp.town_code,
                                      status="registered", is_open=True, updated_at=stamp.created_at,
                                      **fields, **stamp.columns())
        session.add(intention)
        session.flush()
    else:
        for key, value in fields.items():
            setattr(intention, key, value)
    _event(session, stamp, intention, "registered", priority_group=priority_group,
           training_types=list(training_types))
    return intention, (f"您的培训意向已登记：{label(PRIORITY_GROUPS, priority_group)}，意向培训"
                       f"{labels(TRAINING_TYPES, training_types)}。我们将按就近原则为您推荐培训机构。")


def _institution_line(inst: TrainingInstitution, home_town: str | None) -> str:
    where = "本乡镇" if inst.town_code == home_town else f"县内{label(TOWNS, inst.town_code)}"
    return (f"【{where}】{inst.name}；地址：{inst.address}；电话：{inst.phone}；"
            f"可培训：{labels(TRAINING_TYPES, inst.programs)}")


def institutions_for(session: Session, person: Person) -> dict[str, Any]:
    """Rank the institutions teaching what the person wants: same town first, then the county (item 17)."""
    intention = open_intention(session, person.id_number)
    if intention is None:
        return {"ok": False, "options": [], "intention_id": None, "message": NOT_REGISTERED.format(name=person.name)}
    wanted = set(intention.training_types)
    found = [i for i in session.scalars(select(TrainingInstitution).where(TrainingInstitution.active))
             if wanted & set(i.programs)]
    found.sort(key=lambda i: (i.town_code != intention.home_town, TOWN_ORDER.get(i.town_code, 99), i.name))
    if not found:
        return {"ok": False, "options": [], "intention_id": intention.id,
                "message": f"县内登记的培训机构中，暂无开设{labels(TRAINING_TYPES, intention.training_types)}"
                           "培训的机构，您的培训意向仍然有效。"}
    options = [{"value": str(i.id), "label": _institution_line(i, intention.home_town)} for i in found]
    return {"ok": True, "options": options, "intention_id": intention.id, "message": ""}


def record_institution(session: Session, stamp: Stamp, intention_id: int, institution_id: int) -> str:
    """Record the institution recommended to the person; return the message for them."""
    intention = session.get(TrainingIntention, int(intention_id))
    inst = session.get(TrainingInstitution, int(institution_id))
    if intention is None or inst is None or not intention.is_open:
        raise ValueError(f"intention {intention_id} or institution {institution_id} is not available")
    intention.institution_id = inst.id
    _event(session, stamp, intention, "recommended", inst.id, institution=inst.name)
    return (f"为您推荐培训机构：{inst.name}，地址：{inst.address}，电话：{inst.phone}。"
            "我们会跟踪该机构的开班计划并告知您。")


def intention_for(session: Session, person: Person, step: str) -> dict[str, Any]:
    """Find the intention a follow-up (item 18) or delivery (item 19) works on, if it has got that far."""
    statuses, refusal = NEEDS[step]
    intention = open_intention(session, person.id_number)
    if intention is None or intention.status not in statuses:
        text = NOT_REGISTERED if intention is None else refusal
        return {"ok": False, "intention_id": None, "institution": "", "summary": "",
                "message": text.format(name=person.name)}
    inst = session.get(TrainingInstitution, intention.institution_id) if intention.institution_id else None
    last = session.scalar(select(TrainingEvent).where(TrainingEvent.intention_id == intention.id,
                                                      TrainingEvent.kind == "followed_up")
                          .order_by(TrainingEvent.id.desc()))
    summary = (f"意向培训：{labels(TRAINING_TYPES, intention.training_types)}；推荐机构："
               f"{inst.name + '（' + inst.phone + '）' if inst else '无'}")
    if last is not None:
        summary += f"；上次反馈：{last.detail.get('summary', '')}"
    return {"ok": True, "intention_id": intention.id, "institution": inst.name if inst else "",
            "summary": summary, "message": ""}


def record_followup(session: Session, stamp: Stamp, intention_id: int, *, contacted: str, contact_method: str,
                    class_planned: bool, class_start: str | None, class_place: str, feedback: str) -> str:
    """Record what the clerk learned from the institution or town HR office (item 18); return the message."""
    intention = session.get(TrainingIntention, int(intention_id))
    if intention is None or intention.status not in NEEDS["follow_up"][0]:
        raise ValueError(f"intention {intention_id} cannot be followed up")
    if class_planned:
        summary = f"经联系{contacted}，开班时间：{class_start}，地点：{class_place}。"
    else:
        summary = f"经联系{contacted}，目前暂无开班计划，有开班信息后将再告知您。"
    summary += feedback
    _event(session, stamp, intention, "followed_up", intention.institution_id, contacted=contacted,
           contact_method=contact_method, class_planned=class_planned, class_start=class_start,
           class_place=class_place, feedback=feedback, summary=summary)
    return summary


def record_delivery(session: Session, stamp: Stamp, intention_id: int, *, class_start: str, class_time: str,
                    class_place: str, notify_method: str) -> dict[str, Any]:
    """Record that the person was told when and where to attend (item 19); the intention closes."""
    intention = session.get(TrainingIntention, int(intention_id))
    if intention is None or intention.status != "followed_up":
        raise ValueError(f"intention {intention_id} is not ready for delivery")
    intention.is_open = False
    _event(session, stamp, intention, "delivered", intention.institution_id, class_start=class_start,
           class_time=class_time, class_place=class_place, notify_method=notify_method)
    return {"intention_id": intention.id, "status": intention.status}
