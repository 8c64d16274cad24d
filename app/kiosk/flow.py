"""A citizen's case at a kiosk: start a self-service item, submit the citizen's form, ask for help (帮办)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from app.cases import snapshots
from app.cases.starting import StartRefused, start_item_case
from app.catalog import Catalog
from app.kiosk import cardread, selfservice
from app.kiosk.citizens import Citizen
from app.kiosk.selfservice import Step
from app.kiosk.services import Principal
from app.org.counties import placed
from engine.errors import NotFound
from engine.forms import FormDefinition, FormResult, validate
from engine.models import InboxTask, ProcessInstance
from engine.runtime import CaseContext, Engine

HELP_PROCESS = "kiosk_help_request"


def start(engine: Engine, catalog: Catalog, code: str, kiosk: Principal, citizen: Citizen, *,
          point_is_demo: bool, request_key: str | None = None) -> tuple[int, Step]:
    """Start a self-service item for the kiosk's citizen at the kiosk's point and run it to the citizen's step."""
    item = catalog.get(code)
    if item is None:
        raise NotFound("没有这个服务事项。", f"item {code!r}")
    needs_card = cardread.refusal(item.code, citizen.card_read)
    if needs_card:
        raise StartRefused(needs_card, f"item {code}: personal records need a card read")
    if "kiosk" in item.channels and not selfservice.is_self_service(engine, item):
        raise StartRefused(f"“{item.name}”需要工作人员核验材料或审核，请按“帮办”请工作人员协助。",
                           f"item {code} is not self-service")
    context = CaseContext(point_code=kiosk.point_code, town_code=kiosk.town_code, item_code=item.code,
                          applicant_id_number=citizen.id_number, applicant_name=citizen.name, channel="kiosk")
    case_id = start_item_case(engine, item, context, actor=kiosk.actor, point_is_demo=point_is_demo,
                              request_key=request_key, data={"ss_card_number": citizen.card_number or ""})
    return case_id, selfservice.advance(engine, case_id, actor=kiosk.actor, document=citizen.document)


def first_form(engine: Engine, code: str) -> FormDefinition | None:
    """Return the form a citizen fills in before an item's case starts, if the item has one."""
    bpmn_id = selfservice.FIRST_FORMS.get(code)
    return engine.forms.get(bpmn_id) if bpmn_id else None


def form_context(kiosk: Principal, citizen: Citizen) -> dict[str, Any]:
    """Return the data a first form reads before its case exists: the applicant, as the case will have them."""
    return {"applicant_name": citizen.name, "applicant_id_number": citizen.id_number, "channel": "kiosk",
            "point_code": kiosk.point_code, "town_code": kiosk.town_code}


def start_with_form(engine: Engine, catalog: Catalog, code: str, kiosk: Principal, citizen: Citizen,
                    raw: Mapping[str, Any], *, today: date, point_is_demo: bool, request_key: str | None = None
                    ) -> tuple[FormResult | None, int | None, Step | None]:
    """Check an item's first form, then start the case and submit it; a rejected form starts nothing."""
    form = first_form(engine, code)
    if form is None:
        return None, *start(engine, catalog, code, kiosk, citizen, point_is_demo=point_is_demo,
                            request_key=request_key)
    result = validate(form, raw, form_context(kiosk, citizen), today=today)
    if result.errors:
        return result, None, None
    case_id, step = start(engine, catalog, code, kiosk, citizen, point_is_demo=point_is_demo,
                          request_key=request_key)
    if step.kind == "form" and step.bpmn_id == form.id:
        inbox, _, data = snapshots.task_context(engine, step.task_id)
        rejected, after = submit(engine, inbox, result.data, data, kiosk, citizen, today)
        return rejected, case_id, after or selfservice.where(engine, case_id)
    return None, case_id, step


def owns(case: ProcessInstance | None, citizen: Citizen | None) -> bool:
    """Tell whether a case is the citizen's own."""
    return case is not None and citizen is not None and case.applicant_id_number == citizen.id_number


def submit(engine: Engine, task: InboxTask, raw: Mapping[str, Any], data: Mapping[str, Any], kiosk: Principal,
           citizen: Citizen, today: date) -> tuple[FormResult | None, Step | None]:
    """Validate and complete the citizen's form, then run the case on; return (rejected form, None) or (None, step)."""
    form = engine.forms.get(task.bpmn_id)
    result = validate(form, raw, data, today=today) if form is not None else None
    if result is not None and result.errors:
        return result, None
    engine.complete(task.task_id, kiosk.actor, result.data if result is not None else {})
    return None, selfservice.advance(engine, task.instance_id, actor=kiosk.actor, document=citizen.document)


def request_help(engine: Engine, kiosk: Principal, citizen: Citizen | None, *, item_name: str = "",
                 case_no: str = "") -> tuple[int, bool]:
    """Put a 帮办 task in the point clerk's inbox; an open request of the same person at this kiosk is reused."""
    id_number = citizen.id_number if citizen else None
    with engine.store.session() as session:
        query = select(ProcessInstance.id).where(
            ProcessInstance.process_id == HELP_PROCESS, ProcessInstance.created_by == kiosk.actor,
            ProcessInstance.status == "running",
            ProcessInstance.applicant_id_number == id_number if id_number else
            ProcessInstance.applicant_id_number.is_(None))
        existing = session.scalar(query.order_by(ProcessInstance.id.desc()).limit(1))
        context = placed(session, CaseContext(point_code=kiosk.point_code, town_code=kiosk.town_code, channel="kiosk",
                                              applicant_id_number=id_number,
                                              applicant_name=citizen.name if citizen else None))
    if existing is not None:
        return existing, False
    data = {"help_kiosk_name": kiosk.kiosk_name, "help_item_name": item_name, "help_case_no": case_no,
            "help_id_masked": citizen.masked_id if citizen else ""}
    return engine.start_case(HELP_PROCESS, context, actor=kiosk.actor, data=data), True
