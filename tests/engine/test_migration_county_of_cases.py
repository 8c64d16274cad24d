"""Migration 0013d gives existing cases, open tasks and account requests their county where it can be told."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import insert, select, text

import app.models  # noqa: F401 - every table on Base.metadata
from app.accounts.models import AccountRequest
from app.auth.models import User
from app.org.models import County, CountyMember, Town
from app.reports.models import ReportRun
from engine.models import InboxTask, ProcessInstance, ProcessVersion
from engine.schema import alembic_config
from engine.store import Store

NOW = datetime(2026, 12, 1, tzinfo=UTC)
QINSHUI, YANGCHENG = "140521", "140522"


def migrate(store: Store, target: str) -> None:
    config = alembic_config(store.url)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def before_0013d(store: Store) -> str:
    """Return the revision just before 0013d, wherever the chain puts it."""
    return ScriptDirectory.from_config(alembic_config(store.url)).get_revision("0013d").down_revision


def case(conn, case_id: int, town: str | None) -> None:
    conn.execute(insert(ProcessInstance.__table__).values(
        id=case_id, version_id=1, process_id="p", channel="counter", status="running", state="{}", lock_version=1,
        accepted_at=NOW, due_provisional=False, overdue=False, created_by="t", created_at=NOW, updated_at=NOW,
        town_code=town))
    conn.execute(insert(InboxTask.__table__).values(
        instance_id=case_id, task_id=f"task-{case_id}", bpmn_id="b", title="t", candidate_role="supervisor",
        town_code=town, created_at=NOW, overdue=False))


def fill(store: Store, counties: list[str]) -> None:
    """Write, at the schema before 0013d, cases with a town, a report case, an account request and a stray one."""
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM town"))  # 0009s's county only; the test's own organisation follows
        conn.execute(text("DELETE FROM county"))
        for n, code in enumerate(counties, start=1):
            conn.execute(insert(County.__table__).values(code=code, name=code, ordinal=n))
            conn.execute(insert(Town.__table__).values(code=f"T{n}", name=f"T{n}", county_code=code, ordinal=1))
        conn.execute(insert(ProcessVersion.__table__).values(
            id=1, process_id="p", name="p", content_hash="h", filename="p.bpmn", bpmn_xml="", spec_json="",
            is_current=True, deployed_at=NOW, deployed_by="t"))
        case(conn, 1, "T1")
        case(conn, 2, f"T{len(counties)}")
        case(conn, 3, None)  # the last county's report submission
        conn.execute(insert(ReportRun.__table__).values(kind="funds", period="2026-11", county_code=counties[-1],
                                                        due_at=NOW, instance_id=3, started_at=NOW))
        case(conn, 4, None)  # a county-level account request filed by the last county's admin
        conn.execute(insert(User.__table__).values(id=1, username="admin", display_name="a", password_hash="x",
                                                   role="admin", active=True, must_change_password=False,
                                                   failed_logins=0, session_token="s", created_at=NOW))
        conn.execute(insert(CountyMember.__table__).values(user_id=1, county_code=counties[-1]))
        conn.execute(insert(AccountRequest.__table__).values(
            instance_id=4, request_no="R4", kind="freeze", username="u", person_name="p", requester="admin",
            requester_role="admin", status="pending", filed_at=NOW, updated_at=NOW, rounds=1))
        case(conn, 5, None)  # town-less, and nothing tells whose


def counties_of(store: Store) -> tuple[dict, dict, dict]:
    with store.engine.connect() as conn:
        return (dict(conn.execute(select(ProcessInstance.id, ProcessInstance.county_code)).all()),
                dict(conn.execute(select(InboxTask.instance_id, InboxTask.county_code)).all()),
                dict(conn.execute(select(AccountRequest.instance_id, AccountRequest.county_code)).all()))


@pytest.mark.parametrize("counties", [[QINSHUI], [QINSHUI, YANGCHENG]], ids=["one county", "two counties"])
def test_existing_rows_get_the_county_that_can_be_told(tmp_path, counties):
    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(store, before_0013d(store))
    fill(store, counties)
    migrate(store, "head")
    cases, tasks, requests = counties_of(store)
    store.dispose()
    last = counties[-1]
    # With one county a town-less case nothing names is still its own; with several it stays without (fail closed).
    stray = QINSHUI if len(counties) == 1 else None
    assert cases == {1: QINSHUI, 2: last, 3: last, 4: last, 5: stray}
    assert tasks == cases
    assert requests == {4: last}
