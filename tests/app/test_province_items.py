"""Every item that hands its application to the province goes out and comes back through both adapters.

The province-bound items are found in the process files (a province.send operator followed by a wait for the
province_result message), not listed by hand; the list is then checked against issue 14's.
"""

from __future__ import annotations

import json
from functools import cache
from io import BytesIO

import pytest
from lxml import etree
from openpyxl import load_workbook

from app.province.adapters import make_adapter
from app.province.exchange import import_results
from app.province.sender import poll_results, send_pending
from engine.runtime import CaseContext
from tests.app.fake_province import FakeProvince
from tests.app.test_province_exchange import exported
from tests.app.test_province_http import outbox_rows, settings_for
from tests.conftest import PROCESSES
from tests.factories import (
    CATALOG,
    CONTEXT,
    data_at,
    do,
    open_tasks,
    start_item,
    status,
    told,
    unemployment_registration,
)

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
ISSUE_14 = {"20", "22", "23", "24", "28", "29", "30", "31", "32", "34", "35", "37", "D2", "D4"}
PHONE = {"contact_phone": "13800138000"}
PENSIONER = "140521194501010011"
AGE_30, AGE_62, AGE_66 = "140521199607100026", "140521196405200033", "140521196001010049"


def _sends_and_waits(path) -> bool:
    tree = etree.parse(str(path))
    sends = tree.xpath(".//spiffworkflow:serviceTaskOperator[@id='province.send']", namespaces=NS)
    message_ids = {m.get("id") for m in tree.iterfind(".//bpmn:message", NS) if m.get("name") == "province_result"}
    waits = [c for c in tree.iterfind(".//bpmn:intermediateCatchEvent", NS)
             if any(d.get("messageRef") in message_ids for d in c.iterfind("bpmn:messageEventDefinition", NS))]
    return bool(sends) and bool(waits)


@cache
def province_items() -> tuple[str, ...]:
    """Return the catalog codes whose process sends to the province and waits for its result."""
    codes = []
    for path in sorted(PROCESSES.glob("*.bpmn")):
        if _sends_and_waits(path):
            item = CATALOG.for_process(path.stem)
            assert item is not None, f"{path.name} sends to the province but is no catalog item"
            codes.append(item.code)
    return tuple(codes)


def person(id_number: str) -> CaseContext:
    return CaseContext(**{**vars(CONTEXT), "applicant_id_number": id_number, "applicant_name": "王五"})


# Valid answers to each item's acceptance form (and whose case it is, and what must exist first).
ACCEPT = {
    "20": {"employment_form": "individual_business", "contribution_base_level": "社会平均工资的60%",
           "hukou_kind": "rural", "residence_address": "沁水县龙港镇", "start_date": "2026-12-01", **PHONE},
    "22": {"insured_status": "employed", "certificate_kind": "skill_level", "certificate_name": "电工",
           "certificate_number": "S000014050001", "certificate_level": "4", "certificate_issued_on": "2026-09-01",
           **PHONE},
    "23": {"last_employer": "沁水县某煤业公司", "separation_date": "2026-10-31",
           "separation_reason": "contract_expired", "insured_one_year": "on", "seeks_work": "on", **PHONE},
    "24": {"pensioner_name": "王老汉", "pensioner_id_number": PENSIONER, "suspension_reason": "deceased",
           "event_date": "2026-11-10", "reporter_relation": "子女", **PHONE},
    "28": {"hukou_address": "沁水县龙港镇杏园村", **PHONE},
    "29": {"hukou_address": "沁水县龙港镇杏园村", "basic_enrolled_declared": "on", **PHONE},
    "30": {"changes": ["address"], "new_address": "沁水县郑庄镇", **PHONE},
    "31": {"contribution_action": "suspend", "contribution_reason": "外出务工收入中断",
           "effective_date": "2026-12-01", **PHONE},
    "32": {"back_payment_scheme": "basic", "back_payment_case": "interrupted", "from_year": "2018",
           "to_year": "2020", **PHONE},
    "34": {"payout_account": "ss_card", "paid_years": "15", **PHONE},
    "35": {"drawing_basic": "on", **PHONE},
    "37": {"pensioner_name": "王老汉", "pensioner_id_number": PENSIONER, "suspension_reason": "duplicate",
           "event_date": "2026-11-01", "reporter_relation": "配偶", **PHONE},
    "D2": {"remodel_reason": "appearance", "device_number": "JM-LG-01", "model_collected": "on"},
    "D4": {"declared_benefit": "funeral", "declaration_detail": "申领丧葬补助金", **PHONE},
}
APPLICANT = {"28": person(AGE_30), "29": person(AGE_62), "34": person(AGE_62), "35": person(AGE_66)}
BEFORE = {"23": unemployment_registration}  # item 23 needs the applicant's approved unemployment registration


def case_sent_to_province(engine, code: str) -> int:
    """Start the item with valid answers and complete its tasks until the case waits for the province."""
    if code in BEFORE:
        BEFORE[code](engine)
    case = start_item(engine, code, APPLICANT.get(code, CONTEXT))
    for _ in range(10):
        tasks = open_tasks(engine, case)
        if not tasks:
            break
        (task,) = tasks
        if task.bpmn_id.endswith("_accept"):
            do(engine, case, task.bpmn_id, ACCEPT[code])
        elif task.bpmn_id == "check_materials":
            required = data_at(engine, case, "check_materials")["required_materials"]
            do(engine, case, "check_materials", {"materials_received": required})
        elif task.bpmn_id.endswith("_review"):
            do(engine, case, task.bpmn_id, {"decision": "approve"}, "reviewer1")
        else:
            pytest.fail(f"item {code}: unexpected task {task.bpmn_id} before the province")
    return case


def test_the_province_bound_items_are_those_of_the_issue():
    assert set(province_items()) == ISSUE_14
    assert len(province_items()) == len(ISSUE_14)


def waits_for_the_province(engine, store, case: int) -> None:
    assert open_tasks(engine, case) == [] and status(engine, case) == "running"


def tells_then_finishes(engine, store, case: int, outcome: str, note: str) -> None:
    assert [t.bpmn_id for t in open_tasks(engine, case)] == ["notify_applicant"]
    said = told(engine, case)
    if outcome == "approved":
        assert "省社保经办系统已办理通过" in said and note in said
    else:
        assert said.endswith(f"经省社保经办系统审核，不予通过。理由：{note}")
    assert status(engine, case) == "running"  # told, not yet finished: the clerk still tells the applicant
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    assert status(engine, case) == "completed"
    (row,) = outbox_rows(store)
    assert (row.status, row.result_status) == ("acknowledged", outcome)


OUTCOMES = [("approved", "已核定"), ("rejected", "省级系统中无该人员参保信息")]


@pytest.mark.parametrize(("outcome", "note"), OUTCOMES, ids=[o for o, _ in OUTCOMES])
@pytest.mark.parametrize("code", province_items())
def test_file_exchange_round_trip(engine, store, tmp_path, code, outcome, note):
    case = case_sent_to_province(engine, code)
    (row,) = outbox_rows(store)
    assert (row.instance_id, row.item_code, row.status) == (case, code, "pending")
    waits_for_the_province(engine, store, case)

    content, count = exported(engine)
    assert count == 1
    book = load_workbook(BytesIO(content))
    (line,) = list(book["待录入申请"].iter_rows(min_row=2, values_only=True))
    assert (line[0], line[2], line[4]) == (row.idempotency_key, code, row_person(store))
    waits_for_the_province(engine, store, case)  # handed over is not finished

    book["结果回填"]["B2"] = "通过" if outcome == "approved" else "不通过"
    book["结果回填"]["C2"] = note
    path = tmp_path / "back.xlsx"
    book.save(path)
    report = import_results(engine, path, "backbone1", {})
    assert (report.errors, report.delivered, report.already) == ([], 1, 0)
    tells_then_finishes(engine, store, case, outcome, note)


def row_person(store) -> str:
    (row,) = outbox_rows(store)
    return json.loads(row.payload)["id_number"]


@pytest.fixture
def province(clock):
    with FakeProvince(clock) as fake:
        yield fake


@pytest.mark.parametrize(("outcome", "note"), OUTCOMES, ids=[o for o, _ in OUTCOMES])
@pytest.mark.parametrize("code", province_items())
def test_http_round_trip(engine, store, province, code, outcome, note):
    case = case_sent_to_province(engine, code)
    settings = settings_for(province)
    adapter = make_adapter(settings, engine.clock)
    assert send_pending(engine, adapter, settings).sent == 1
    (row,) = outbox_rows(store)
    assert row.status == "sent" and province.bad_signatures == 0
    received = province.received[row.idempotency_key]
    assert (received["item_code"], received["case_no"], received["id_number"]) == (code, row.case_no,
                                                                                   row_person(store))
    assert poll_results(engine, adapter).results == 0  # not decided yet: the case keeps waiting
    waits_for_the_province(engine, store, case)

    province.decisions[row.idempotency_key] = (outcome, note)
    assert poll_results(engine, adapter).results == 1
    tells_then_finishes(engine, store, case, outcome, note)
