"""`cuncun province`: export a batch, import results, list and retry failing rows."""

from __future__ import annotations

from click.testing import CliRunner
from openpyxl import load_workbook

from app.cli import main, province_cmds
from tests.app.test_province_http import approved_claim, case_status, outbox_rows
from tests.factories import do


def run(engine, monkeypatch, *args):
    monkeypatch.setattr(province_cmds, "_engine", lambda: engine)
    return CliRunner().invoke(main, ["province", *args])


def test_export_import_then_the_case_finishes(engine, store, monkeypatch, tmp_path):
    case = approved_claim(engine)
    batch = tmp_path / "batch.xlsx"
    result = run(engine, monkeypatch, "export", str(batch), "--actor", "backbone1")
    assert result.exit_code == 0 and "已导出 1 件" in result.output
    book = load_workbook(batch)
    book["结果回填"]["B2"] = "通过"
    book.save(batch)
    result = run(engine, monkeypatch, "import", str(batch))
    assert result.exit_code == 0 and "已导入 1 条结果" in result.output
    do(engine, case, "notify_applicant", {"notify_method": "in_person"})
    assert case_status(store, case) == "completed"


def test_import_lists_each_bad_row_and_changes_nothing(engine, store, monkeypatch, tmp_path):
    approved_claim(engine)
    batch = tmp_path / "batch.xlsx"
    run(engine, monkeypatch, "export", str(batch))
    book = load_workbook(batch)
    book["结果回填"]["B2"] = "不通过"
    book.save(batch)
    result = run(engine, monkeypatch, "import", str(batch))
    assert result.exit_code == 1 and "第2行：不通过须在“说明”中写明理由" in result.output
    assert [r.status for r in outbox_rows(store)] == ["sent"]


def test_failing_and_retry(engine, store, monkeypatch):
    approved_claim(engine)
    with store.session(write=True) as s:
        (row,) = outbox_rows(store)
        s.get(type(row), row.id).status = "dead"
        s.get(type(row), row.id).last_error = "超时"
    result = run(engine, monkeypatch, "failing")
    assert row.idempotency_key in result.output and "死信" in result.output
    assert run(engine, monkeypatch, "retry", str(row.id), "--actor", "supervisor1").exit_code == 0
    assert [r.status for r in outbox_rows(store)] == ["pending"]
    assert run(engine, monkeypatch, "retry", "999999").exit_code == 1
