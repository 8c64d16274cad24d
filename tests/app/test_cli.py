"""The cuncun command line against a real database."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli import main
from tests.conftest import PROCESSES


def run(store, monkeypatch, *args):
    monkeypatch.setenv("DATABASE_URL", store.url)
    return CliRunner().invoke(main, list(args))


def test_init_db_is_idempotent(store, monkeypatch):
    for _ in range(2):
        result = run(store, monkeypatch, "init-db")
        assert result.exit_code == 0, result.output
        assert "schema is up to date" in result.output


def test_deploy_then_unchanged(store, monkeypatch):
    first = run(store, monkeypatch, "deploy", str(PROCESSES))
    assert first.exit_code == 0 and "item_11_unemployment_registration: version" in first.output
    assert "deployed" in first.output
    second = run(store, monkeypatch, "deploy", str(PROCESSES))
    assert "deployed" not in second.output and "unchanged" in second.output


def test_deploy_refuses_malformed_file(store, monkeypatch, tmp_path):
    (tmp_path / "bad.bpmn").write_text("<bpmn:definitions\n  oops", encoding="utf-8")
    result = run(store, monkeypatch, "deploy", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith("bad.bpmn:")


def test_calendar_due_cli(store, monkeypatch):
    result = run(store, monkeypatch, "calendar", "due", "--from", "2026-09-30", "--days", "2")
    assert result.output == "2026-10-09T17:30:00+08:00\n"


def test_worker_once(engine, store, monkeypatch):
    result = run(store, monkeypatch, "worker", "--once")
    assert result.exit_code == 0 and result.output.strip() == "fired=0 failed=0 conflicts=0"


def test_bpmn_check_exit_codes(store, monkeypatch, tmp_path):
    good = run(store, monkeypatch, "bpmn", "check", str(PROCESSES / "item_11_unemployment_registration.bpmn"))
    assert good.exit_code == 0 and "0 error(s)" in good.output
    bad = tmp_path / "item_11_unemployment_registration.bpmn"
    bad.write_bytes((PROCESSES / bad.name).read_bytes().replace(b"statutory_due(accepted_at, 10)", b"PT5M"))
    result = run(store, monkeypatch, "bpmn", "check", str(bad))
    assert result.exit_code == 1
    assert 'quote it as a string: "PT5M"' in result.output and "element deadline" in result.output


def test_seed_org_is_idempotent(store, monkeypatch):
    first = run(store, monkeypatch, "seed-org")
    assert first.exit_code == 0 and "12 towns and 204 points created" in first.output
    assert "0 towns and 0 points created" in run(store, monkeypatch, "seed-org").output


def test_bpmn_check_names_a_sandbox_refusal(store, monkeypatch, tmp_path):
    bad = tmp_path / "item_11_unemployment_registration.bpmn"
    bad.write_bytes((PROCESSES / bad.name).read_bytes().replace(
        b'decision == "approve"', b'decision == "approve" or open("/etc/passwd").read()', 1))
    result = run(store, monkeypatch, "bpmn", "check", str(bad))
    assert result.exit_code == 1
    assert "element flow_approved" in result.output and "条件表达式" in result.output
    assert "被安全沙箱拒绝：不允许使用内置函数 open" in result.output
