"""Items 16-19: a training intention moves registered → recommended → followed_up → delivered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cases.starting import StartRefused
from app.employment.imports import INSTITUTIONS
from app.employment.models import TrainingEvent, TrainingInstitution, TrainingIntention
from engine.models import ProcessInstance
from tests.factories import do, start_item
from tests.processes.test_item_01_04_seeker_registration import ready_data, status
from tests.processes.test_item_12_15_info_queries import load

INTENTION = {"group_check": "eligible", "priority_group": "rural_migrant", "training_types": ["electrician", "welding"],
             "training_phone": "13800138000", "preferred_time": "农闲时", "training_note": "初中"}
FOLLOWUP = {"contacted_party": "沁水县某职业培训学校", "contact_method": "phone", "class_planned": "yes",
            "class_start_date": "2026-12-07", "class_location": "龙港镇职教中心"}


def institution(name, town, programs):
    return {"name": name, "town_code": town, "address": f"{name}地址", "phone": "0356-7020000",
            "programs": programs, "active": "active"}


def intention(store) -> TrainingIntention | None:
    with store.session() as s:
        return s.scalar(select(TrainingIntention).order_by(TrainingIntention.id.desc()))


def events(store) -> list[tuple[str, int]]:
    with store.session() as s:
        return [(e.kind, e.instance_id) for e in s.scalars(select(TrainingEvent).order_by(TrainingEvent.id))]


def run(engine, code, steps) -> int:
    """Start an item, complete the given (task, data) steps and the final notification; return the case."""
    case = start_item(engine, code)
    for bpmn_id, data in steps:
        do(engine, case, bpmn_id, data)
    return case


def notified(engine, case, method="in_person") -> str:
    message = ready_data(engine, case, "notify_applicant")["notify_message"]
    do(engine, case, "notify_applicant", {"notify_method": method})
    assert status(engine, case) == "completed"
    return message


def test_the_whole_training_path(engine, store):
    load(store, INSTITUTIONS, institution("郑庄镇技能培训站", "ZZ", ["welding"]),
         institution("沁水县某职业培训学校", "LG", ["electrician", "computer"]),
         institution("嘉峰镇家政培训中心", "JF", ["housekeeping"]))
    registered = run(engine, "16", [("item16_register", INTENTION)])
    assert "农村转移就业劳动者" in notified(engine, registered)
    row = intention(store)
    assert (row.status, row.is_open, row.priority_group, row.home_town, row.instance_id) == (
        "registered", True, "rural_migrant", "LG", registered)

    recommended = start_item(engine, "17")
    options = ready_data(engine, recommended, "item17_pick")["institution_options"]
    assert [o["label"][:12] for o in options] == ["【本乡镇】沁水县某职业培", "【县内郑庄镇】郑庄镇技能"]
    do(engine, recommended, "item17_pick", {"chosen_institution": options[0]["value"]})
    assert "为您推荐培训机构：沁水县某职业培训学校" in notified(engine, recommended)
    with store.session() as s:
        chosen = s.scalar(select(TrainingInstitution.id).where(TrainingInstitution.name == "沁水县某职业培训学校"))
    assert (intention(store).status, intention(store).institution_id) == ("recommended", chosen)

    followed = start_item(engine, "18")
    assert "沁水县某职业培训学校" in ready_data(engine, followed, "item18_followup")["training_summary"]
    do(engine, followed, "item18_followup", FOLLOWUP)
    assert notified(engine, followed, "phone") == (
        "经联系沁水县某职业培训学校，开班时间：2026-12-07，地点：龙港镇职教中心。")
    assert intention(store).status == "followed_up"

    delivered = start_item(engine, "19")
    assert "上次反馈" in ready_data(engine, delivered, "item19_deliver")["training_summary"]
    do(engine, delivered, "item19_deliver", {"attend_date": "2026-12-07", "attend_time": "上午8:30",
                                             "attend_place": "龙港镇职教中心"})
    assert notified(engine, delivered, "sms") == (
        "请您于2026-12-07 上午8:30到龙港镇职教中心参加沁水县某职业培训学校组织的培训。")
    row = intention(store)
    assert (row.status, row.is_open) == ("delivered", False)
    assert events(store) == [("registered", registered), ("recommended", recommended),
                             ("followed_up", followed), ("delivered", delivered)]
    with store.session() as s:
        last = s.scalar(select(TrainingEvent).where(TrainingEvent.kind == "delivered"))
    assert last.detail["notify_method"] == "sms" and last.detail["class_place"] == "龙港镇职教中心"
    assert (last.point_code, last.town_code, last.created_by) == ("LG-V01", "LG", "clerk1")


def test_outside_the_six_groups_is_not_registered(engine, store):
    case = run(engine, "16", [("item16_register", {"group_check": "ineligible"})])
    assert "不属于以上人群，本次不予登记" in notified(engine, case)
    assert intention(store) is None


def refused(engine, code) -> str:
    with pytest.raises(StartRefused) as err:
        start_item(engine, code)
    return err.value.message


def test_each_step_needs_the_one_before(engine, store):
    for code in ("17", "18", "19"):
        assert refused(engine, code) == "县级记录中没有申请人的培训意向登记，请先办理培训意向登记（事项16）。"
    notified(engine, run(engine, "16", [("item16_register", INTENTION)]))
    assert refused(engine, "18") == ("县级记录显示申请人的培训意向（2026-11-23登记）尚未推荐培训机构，"
                                     "请先办理培训机构推荐（事项17）。")
    assert "请先办理培训机构推荐（事项17）和培训意向跟踪反馈（事项18）" in refused(engine, "19")
    assert intention(store).status == "registered"
    with store.session() as s:
        assert s.scalars(select(ProcessInstance).where(ProcessInstance.item_code.in_(["17", "18", "19"]))).all() == []


def test_a_recommended_intention_is_followed_up_before_delivery(engine, store):
    load(store, INSTITUTIONS, institution("郑庄镇技能培训站", "ZZ", ["welding"]))
    notified(engine, run(engine, "16", [("item16_register", INTENTION)]))
    recommended = start_item(engine, "17")
    (option,) = ready_data(engine, recommended, "item17_pick")["institution_options"]
    do(engine, recommended, "item17_pick", {"chosen_institution": option["value"]})
    notified(engine, recommended)
    assert refused(engine, "19") == ("县级记录显示申请人的培训意向（2026-11-23登记）尚未跟踪反馈，"
                                     "请先办理培训意向跟踪反馈（事项18）。")
    assert start_item(engine, "18")  # recommended: the follow-up may start


def test_outside_the_groups_or_delivered_is_told_what_to_do(engine, store):
    notified(engine, run(engine, "16", [("item16_register", {"group_check": "ineligible"})]))
    assert "不属于六类重点人群，未予登记" in refused(engine, "17")
    load(store, INSTITUTIONS, institution("郑庄镇技能培训站", "ZZ", ["welding"]))
    notified(engine, run(engine, "16", [("item16_register", INTENTION)]))
    recommended = start_item(engine, "17")
    (option,) = ready_data(engine, recommended, "item17_pick")["institution_options"]
    do(engine, recommended, "item17_pick", {"chosen_institution": option["value"]})
    notified(engine, recommended)
    followed = run(engine, "18", [("item18_followup", FOLLOWUP)])
    notified(engine, followed)
    delivered = run(engine, "19", [("item19_deliver", {"attend_date": "2026-12-07", "attend_time": "上午8:30",
                                                        "attend_place": "龙港镇职教中心"})])
    notified(engine, delivered)
    assert refused(engine, "18") == ("县级记录显示申请人的培训意向已于2026-11-23办结送达；"
                                     "如有新的培训意向，请先重新办理培训意向登记（事项16）。")


def test_no_institution_teaches_it(engine, store):
    load(store, INSTITUTIONS, institution("嘉峰镇家政培训中心", "JF", ["housekeeping"]))
    notified(engine, run(engine, "16", [("item16_register", INTENTION)]))
    assert "暂无开设电工、焊工培训的机构" in notified(engine, start_item(engine, "17"))
    assert intention(store).status == "registered"


def test_follow_up_without_a_class_plan_and_its_deadline(engine, store):
    load(store, INSTITUTIONS, institution("郑庄镇技能培训站", "ZZ", ["welding"]))
    notified(engine, run(engine, "16", [("item16_register", INTENTION)]))
    recommended = start_item(engine, "17")
    (option,) = ready_data(engine, recommended, "item17_pick")["institution_options"]
    do(engine, recommended, "item17_pick", {"chosen_institution": option["value"]})
    notified(engine, recommended)
    followed = start_item(engine, "18")
    with store.session() as s:
        row = s.get(ProcessInstance, followed)
        assert row.limit_days == 5 and row.due_at.isoformat() == "2026-11-30T09:30:00+00:00"
    do(engine, followed, "item18_followup", {**FOLLOWUP, "class_planned": "no", "class_start_date": "",
                                             "class_location": "", "followup_feedback": "预计明年3月开班。"})
    assert notified(engine, followed) == (
        "经联系沁水县某职业培训学校，目前暂无开班计划，有开班信息后将再告知您。预计明年3月开班。")
    assert intention(store).status == "followed_up"
