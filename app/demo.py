"""Demo data for a fresh installation: a few item 11 cases at different steps."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import InboxTask
from engine.runtime import CaseContext, Engine

ITEM11 = "item_11_unemployment_registration"
# Synthetic people: the ID numbers carry valid GB 11643 check digits but belong to nobody.
APPLICANTS = [
    ("李明", "140521199003150014"),
    ("王芳", "140521198507220026"),
    ("赵强", "140521197811010037"),
]
ACCEPT = {"unemployment_date": "2026-10-31", "last_employer": "沁水县某建材公司",
          "unemployment_reason": "contract_expired", "contact_phone": "13903560001"}


def _task(engine: Engine, case: int, bpmn_id: str) -> str:
    with engine.store.session() as s:
        return s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case, InboxTask.bpmn_id == bpmn_id))


def seed_demo(engine: Engine) -> list[int]:
    """Start the demo cases once (idempotent through request keys); return their ids."""
    cases = []
    for n, (name, id_number) in enumerate(APPLICANTS, start=1):
        key = f"demo-item11-{n}"
        existing = engine.case_by_request_key(key)
        if existing is not None:
            cases.append(existing)
            continue
        context = CaseContext(point_code="LG-C01", town_code="LG", item_code="11",
                              applicant_id_number=id_number, applicant_name=name)
        case = engine.start_case(ITEM11, context, actor="demo", request_key=key,
                                 data={"required_materials": ["本人身份证或社会保障卡"]})
        if n >= 2:
            engine.complete(_task(engine, case, "verify_identity"), "demo",
                            {"identity_document": "id_card", "identity_confirmed": "on"})  # the second waits for the review, the third for the applicant's missing papers
            engine.complete(_task(engine, case, "item11_accept"), "demo", ACCEPT)
            received = ["本人身份证或社会保障卡"] if n == 2 else []
            engine.complete(_task(engine, case, "check_materials"), "demo", {"materials_received": received})
        cases.append(case)
    return cases
