"""Demo data for a fresh installation: a few item 11 cases at different steps."""

from __future__ import annotations

from sqlalchemy import select

from app.cases.starting import start_item_case
from app.catalog import Catalog
from engine.models import InboxTask
from engine.runtime import CaseContext, Engine

# Synthetic people: the ID numbers carry valid GB 11643 check digits but belong to nobody.
APPLICANTS = [
    ("李明", "140521199003150014"),
    ("王芳", "140521198507220026"),
    ("赵强", "140521197811010037"),
]
VERIFY = {"identity_document": "id_card", "identity_confirmed": "on"}
ACCEPT = {"unemployment_date": "2026-10-31", "last_employer": "沁水县某建材公司",
          "unemployment_reason": "contract_expired", "contact_phone": "13903560001"}


def _do(engine: Engine, case: int, bpmn_id: str, data: dict) -> None:
    with engine.store.session() as s:
        task_id = s.scalar(select(InboxTask.task_id).where(InboxTask.instance_id == case,
                                                            InboxTask.bpmn_id == bpmn_id))
    engine.complete(task_id, "demo", data)


def seed_demo(engine: Engine, catalog: Catalog) -> list[int]:
    """Start the demo cases once (idempotent through request keys); return their ids."""
    cases = []
    for n, (name, id_number) in enumerate(APPLICANTS, start=1):
        key = f"demo-item11-{n}"
        existing = engine.case_by_request_key(key)
        if existing is not None:
            cases.append(existing)
            continue
        context = CaseContext(point_code="LG-V01", town_code="LG", applicant_id_number=id_number,
                              applicant_name=name)
        case = start_item_case(engine, catalog.get("11"), context, actor="demo", point_is_demo=False,
                               request_key=key)
        if n >= 2:  # the second waits for the county's review, the third for the applicant's missing papers
            _do(engine, case, "verify_identity", VERIFY)
            _do(engine, case, "item11_accept", ACCEPT)
            received = ["本人身份证或社会保障卡"] if n == 2 else []
            _do(engine, case, "check_materials", {"materials_received": received})
        cases.append(case)
    return cases
