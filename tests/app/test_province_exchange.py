"""Item 23 reaches the province by file exchange: an xlsx batch out, a results xlsx in, all or nothing."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.province.exchange import EXPORT_HEADERS, RESULT_HEADERS, ImportFileError, export_batch, import_results
from engine.models import AuditEvent, ProcessInstance
from tests.app.test_province_http import approved_claim, case_status, outbox_rows
from tests.factories import do, open_tasks, told


def results_file(tmp_path, rows, headers=RESULT_HEADERS, name="results.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.title = "结果回填"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def exported(engine, scope=None) -> tuple[bytes, int]:
    with engine.store.session(write=True) as session:
        return export_batch(session, engine.clock(), scope or {}, "backbone1")


def test_export_then_import_delivers_the_result_and_the_case_finishes(engine, store, tmp_path):
    case = approved_claim(engine)
    content, count = exported(engine)
    assert count == 1
    book = load_workbook(BytesIO(content))
    assert book.sheetnames == ["待录入申请", "结果回填", "说明"]
    header, row = list(book["待录入申请"].iter_rows(values_only=True))
    assert header == EXPORT_HEADERS
    (outbox,) = outbox_rows(store)
    assert row[0] == outbox.idempotency_key and row[2] == "23" and "沁水县某煤业公司" in row[-1]
    assert outbox.status == "sent"
    assert exported(engine)[1] == 0  # a handed-over application is not exported twice

    # The returned file is the exported one with the results sheet filled in.
    book["结果回填"]["B2"], book["结果回填"]["C2"] = "不通过", "失业前缴费不满一年"
    path = tmp_path / "back.xlsx"
    book.save(path)
    report = import_results(engine, path, "backbone1", {})
    assert (report.errors, report.delivered) == ([], 1)
    assert "不予通过" in told(engine, case) and "缴费不满一年" in told(engine, case)
    again = import_results(engine, path, "backbone1", {})  # re-importing the same file changes nothing
    assert (again.errors, again.delivered, again.already) == ([], 0, 1)
    do(engine, case, "notify_applicant", {"notify_method": "phone"})
    assert case_status(store, case) == "completed"


def test_a_bad_row_refuses_the_whole_file_and_names_each_row(engine, store, tmp_path):
    first, second = approved_claim(engine), approved_claim(engine)
    exported(engine)
    key1, key2 = (r.idempotency_key for r in outbox_rows(store))
    path = results_file(tmp_path, [(key1, "通过", ""), ("QS-no-such-23-1", "通过", ""), ("QS-other", "同意", ""),
                                   (key1, "通过", ""), (key2, "不通过", "")])
    report = import_results(engine, path, "backbone1", {})
    assert report.delivered == 0
    assert report.errors == ["第3行：报送编号“QS-no-such-23-1”不存在。",
                             "第4行：办理结果“同意”无法识别，应填“通过”或“不通过”",
                             f"第5行：报送编号“{key1}”与第2行重复",
                             "第6行：不通过须在“说明”中写明理由"]
    assert {r.status for r in outbox_rows(store)} == {"sent"}
    assert open_tasks(engine, first) == open_tasks(engine, second) == []


def test_a_conflicting_second_result_is_refused(engine, store, tmp_path):
    approved_claim(engine)
    (row,) = outbox_rows(store)
    assert import_results(engine, results_file(tmp_path, [(row.idempotency_key, "通过", "")]), "b", {}).delivered == 1
    report = import_results(engine, results_file(tmp_path, [(row.idempotency_key, "不通过", "理由")], name="2.xlsx"),
                            "b", {})
    assert report.errors and "矛盾" in report.errors[0]


def test_a_row_outside_the_importers_scope_is_refused(engine, store, tmp_path):
    approved_claim(engine)
    (row,) = outbox_rows(store)
    report = import_results(engine, results_file(tmp_path, [(row.idempotency_key, "通过", "")]), "townstaff",
                            {"town_code": "ZZ"})
    assert report.errors == [f"第2行：报送编号“{row.idempotency_key}”不在您的管辖范围内"]


def test_wrong_headers_are_refused(engine, tmp_path):
    with pytest.raises(ImportFileError, match="表头应为"):
        import_results(engine, results_file(tmp_path, [("a", "通过", "")], headers=("编号", "结果", "说明")), "b", {})


def move_past_the_wait(engine, case: int) -> None:
    """Make a case stop waiting for the province outside the handoff, as a case changed by other means would."""
    from SpiffWorkflow.bpmn import BpmnEvent
    from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

    def change(session, instance, workflow):
        event = BpmnEvent(MessageEventDefinition("province_result"), {"status": "approved", "note": "人工处理"})
        assert workflow.event_manager.catch(event, internal=False)
        engine.run_steps(session, instance, workflow, "test")

    engine.mutate(case, change)


def test_a_failure_on_one_row_delivers_nothing_and_the_corrected_file_imports(engine, store, tmp_path):
    first, second, third = (approved_claim(engine) for _ in range(3))
    exported(engine)
    keys = {r.instance_id: r.idempotency_key for r in outbox_rows(store)}
    move_past_the_wait(engine, second)  # row 3 passes every check but its case can no longer take it
    rows = [(keys[first], "通过", ""), (keys[second], "通过", ""), (keys[third], "不通过", "缴费不满一年")]
    report = import_results(engine, results_file(tmp_path, rows), "backbone1", {})
    assert (report.delivered, report.already) == (0, 0)
    with store.session() as s:
        case_no = s.get(ProcessInstance, second).case_no
    assert report.errors == [f"第3行：案件 {case_no} 当前不在等待省级结果，无法接收。"]
    # The first row's case was handled before the failure, and is untouched: one transaction for the file.
    assert {r.status for r in outbox_rows(store)} == {"sent"}
    assert open_tasks(engine, first) == open_tasks(engine, third) == []
    with store.session() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "province_result")).all() == []

    fixed = results_file(tmp_path, [rows[0], rows[2]], name="fixed.xlsx")  # the backbone drops the row
    report = import_results(engine, fixed, "backbone1", {})
    assert (report.errors, report.delivered, report.already) == ([], 2, 0)
    assert "省社保经办系统已办理通过" in told(engine, first) and "缴费不满一年" in told(engine, third)
    again = import_results(engine, fixed, "backbone1", {})
    assert (again.errors, again.delivered, again.already) == ([], 0, 2)
    with store.session() as s:
        assert len(s.scalars(select(AuditEvent).where(AuditEvent.action == "province_result")).all()) == 2
