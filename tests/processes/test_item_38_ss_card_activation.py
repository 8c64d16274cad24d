"""Item 38: activating the card's social-insurance function, once, and never while the card is lost."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import select

from app.cases.starting import StartRefused
from app.social.models import SsCardEvent
from engine.errors import FormInvalid
from engine.models import ProcessInstance
from tests.factories import data_at, do, start_item, task_of

ACCEPT = {"card_number": "a12345678", "card_checked": "on"}


def events(store) -> list[tuple[str, str | None, int]]:
    with store.session() as s:
        return [(e.kind, e.card_number, e.instance_id) for e in s.scalars(select(SsCardEvent).order_by(SsCardEvent.id))]


def activate(engine) -> tuple[int, str]:
    """Run an activation to the notification; return the case and what the applicant is told."""
    case = start_item(engine, "38")
    do(engine, case, "item38_accept", ACCEPT)
    task = task_of(engine, case, "notify_applicant")
    with engine.store.session() as s:
        message = engine.load_workflow(s, s.get(ProcessInstance, case)).get_task_from_id(
            UUID(task.task_id)).data["notify_message"]
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    return case, message


def test_activation_is_recorded(engine, store):
    case, message = activate(engine)
    assert message == "您的社会保障卡（卡号 A12345678）社保功能已于2026年11月23日 10:00启用。"
    assert events(store) == [("activated", "A12345678", case)]
    with store.session() as s:
        assert s.get(ProcessInstance, case).status == "completed"


def test_card_must_be_checked(engine):
    case = start_item(engine, "38")
    with pytest.raises(FormInvalid) as err:
        do(engine, case, "item38_accept", {"card_number": "12"})
    assert set(err.value.errors) == {"card_number", "card_checked"}


def refused(engine) -> str:
    """Return why an activation cannot start."""
    with pytest.raises(StartRefused) as err:
        start_item(engine, "38")
    return err.value.message


def test_second_activation_cannot_start(engine, store):
    first, _ = activate(engine)
    assert refused(engine) == ("县级记录显示申请人的社会保障卡社保功能已启用（2026-11-23 10:00已启用，"
                               "县级办理记录，LG-V01网点），无需重复办理。")
    assert events(store) == [("activated", "A12345678", first)]


def test_lost_card_cannot_start_an_activation(engine, store):
    loss = start_item(engine, "40")
    do(engine, loss, "item40_accept", {"card_action": "formal_loss", "loss_reason": "lost"})
    assert refused(engine).startswith("县级记录显示申请人的社会保障卡已挂失（2026-11-23 10:00正式挂失，")
    assert "请先办理解除挂失（事项40）" in refused(engine)
    assert [e[0] for e in events(store)] == ["formal_loss"]


def test_activation_step_still_refuses_a_card_activated_meanwhile(engine, store):
    """A case started before another activation finished must not record a second one."""
    waiting = start_item(engine, "38")
    first, _ = activate(engine)
    do(engine, waiting, "item38_accept", ACCEPT)
    assert "无需重复办理" in data_at(engine, waiting, "notify_applicant")["notify_message"]
    assert events(store) == [("activated", "A12345678", first)]
