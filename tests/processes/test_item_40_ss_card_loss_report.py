"""Item 40: temporary and formal loss, release, and the automatic release 7 days after a temporary loss."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.social.connector import CountyConnector
from app.social.models import SsCardEvent
from engine.clock import CHINA
from engine.models import ProcessInstance, Timer
from engine.timers import fire_due_timers
from tests.factories import CONTEXT, do, open_tasks, start_item, told

OWNER = CONTEXT.applicant_id_number


def events(store) -> list[tuple[str, int]]:
    with store.session() as s:
        return [(e.kind, e.instance_id) for e in s.scalars(select(SsCardEvent).order_by(SsCardEvent.id))]


def instance(store, case: int) -> ProcessInstance:
    with store.session() as s:
        return s.get(ProcessInstance, case)


def timers(store, case: int) -> list[Timer]:
    with store.session() as s:
        return list(s.scalars(select(Timer).where(Timer.instance_id == case)))



def card(engine, action: str, reason: str = "") -> int:
    """Run an item 40 case through the counter and the notification; return it."""
    case = start_item(engine, "40")
    do(engine, case, "item40_accept", {"card_action": action, "loss_reason": reason})
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    return case


def test_temporary_loss_lifts_itself_after_7_days(engine, store, clock):
    case = start_item(engine, "40")
    do(engine, case, "item40_accept", {"card_action": "temporary_loss", "loss_reason": "lost"})
    assert "临时挂失7天后（2026年11月30日 10:00）将自动解挂" in told(engine, case)
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert events(store) == [("temporary_loss", case)]
    row = instance(store, case)
    assert row.status == "running" and not row.overdue and open_tasks(engine, case) == []
    (timer,) = timers(store, case)
    assert (timer.bpmn_id, timer.due_at) == ("auto_release_timer", datetime(2026, 11, 30, 10, tzinfo=CHINA))
    clock.set(datetime(2026, 11, 30, 9, 59, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 0
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 1
    assert events(store) == [("temporary_loss", case), ("auto_released", case)]
    assert instance(store, case).status == "completed" and timers(store, case) == []
    with store.session() as s:
        status = CountyConnector(s).card_status(OWNER)
    assert status.message.startswith("社会保障卡社保功能当前状态：已解除挂失（2026-11-30 10:00 临时挂失满7天自动解挂）")


def test_released_meanwhile_is_not_released_again(engine, store, clock):
    loss = card(engine, "temporary_loss")
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CHINA))
    release = card(engine, "released")
    assert instance(store, release).status == "completed"
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=CHINA))
    assert fire_due_timers(engine).fired == 1
    assert events(store) == [("temporary_loss", loss), ("released", release)]
    assert instance(store, loss).status == "completed"
    with store.session() as s:
        workflow = engine.load_workflow(s, s.get(ProcessInstance, loss))
    result = workflow.last_task.data["auto_release"]
    assert result == {"released": False, "message": "无需自动解挂：该卡已于2026年11月25日 09:00已解除挂失。"}


def test_made_formal_meanwhile_stays_lost(engine, store, clock):
    loss = card(engine, "temporary_loss")
    clock.advance(days=2)
    formal = card(engine, "formal_loss", "lost")
    assert timers(store, formal) == [] and instance(store, formal).status == "completed"
    clock.advance(days=6)
    assert fire_due_timers(engine).fired == 1
    assert events(store) == [("temporary_loss", loss), ("formal_loss", formal)]


def test_formal_loss_and_release_end_at_once(engine, store):
    formal = start_item(engine, "40")
    do(engine, formal, "item40_accept", {"card_action": "formal_loss", "loss_reason": "stolen"})
    assert told(engine, formal).startswith("已为您办理社会保障卡社保功能正式挂失（2026年11月23日 10:00）")
    do(engine, formal, "notify_applicant", {"notify_method": "in_person"})
    release = card(engine, "released")
    assert [instance(store, c).status for c in (formal, release)] == ["completed", "completed"]
    assert events(store) == [("formal_loss", formal), ("released", release)]
    with store.session() as s:
        note = s.scalars(select(SsCardEvent.note)).first()
    assert note == "被盗"


def test_release_without_a_loss_and_double_loss_are_refused(engine, store):
    release = start_item(engine, "40")
    do(engine, release, "item40_accept", {"card_action": "released"})
    assert told(engine, release) == "县级数据中没有该卡未解除的挂失记录；如在其他渠道挂失，请到省社保平台办理解除挂失。"
    do(engine, release, "notify_applicant", {"notify_method": "in_person"})
    assert events(store) == [] and instance(store, release).status == "completed"
    first = card(engine, "temporary_loss")
    second = start_item(engine, "40")
    do(engine, second, "item40_accept", {"card_action": "temporary_loss"})
    assert told(engine, second) == "该社会保障卡已于2026年11月23日 10:00临时挂失，无需重复挂失。"
    do(engine, second, "notify_applicant", {"notify_method": "in_person"})
    assert events(store) == [("temporary_loss", first)]
    assert timers(store, second) == [] and instance(store, second).status == "completed"
