"""Real PostgreSQL races: serialization failures at REPEATABLE READ, and a claim made while a completion waits."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text

from app.bootstrap import service_registry
from engine.errors import TaskStateError
from engine.forms import FormRegistry
from engine.models import InboxTask
from engine.runtime import Engine
from engine.script_env import RESERVED_NAMES
from engine.store import Store
from tests.api.support import bearer, make_api_app, staff_token
from tests.conftest import FORMS
from tests.engine.test_transient import PATIENT, open_task, trail
from tests.factories import ACCEPT, start_item11


class RepeatableRead:
    """A store whose transactions run at REPEATABLE READ, as an installation setting default_transaction_isolation
    would have them, with the SQLSTATE of every database error its connections met."""

    def __init__(self, url: str) -> None:
        self.store = Store(url)
        self.sqlstates: list[str | None] = []
        event.listen(self.store.engine, "connect", self._level)
        event.listen(self.store.engine, "handle_error", self._seen)

    @staticmethod
    def _level(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        dbapi_connection.commit()

    def _seen(self, context) -> None:
        self.sqlstates.append(getattr(context.original_exception, "sqlstate", None))

    def engine(self, clock) -> Engine:
        """Return an engine on this store, as another web worker would run it."""
        engine = Engine(self.store, clock=clock, forms=FormRegistry(FORMS, reserved=RESERVED_NAMES),
                        services=service_registry())
        engine.retry_policy = PATIENT
        return engine

    def before_first(self, marker: str, interleave) -> list[bool]:
        """Run `interleave` (another clerk's committed work) just before our first statement holding `marker`,
        after this transaction took its snapshot."""
        ran: list[bool] = []

        @event.listens_for(self.store.engine, "before_cursor_execute")
        def _between(conn, cursor, statement, params, context, executemany) -> None:
            if not ran and marker in statement:
                ran.append(True)
                interleave()

        return ran


@pytest.fixture
def repeatable_read(postgres):
    rr = RepeatableRead(postgres.url)
    with rr.store.engine.connect() as conn:
        assert conn.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"
    yield rr
    rr.store.dispose()


def test_a_real_serialization_failure_on_completing_ends_in_our_conflict_error(engine, postgres, repeatable_read,
                                                                            clock):
    case = start_item11(engine)
    task_id = open_task(postgres, case)
    ours = repeatable_read.engine(clock)
    # Our transaction has read the task's inbox row; before it locks the case, another clerk completes the task.
    ran = repeatable_read.before_first("FOR UPDATE", lambda: engine.complete(task_id, "clerk2", ACCEPT))
    with pytest.raises(TaskStateError) as err:
        ours.complete(task_id, "clerk1", ACCEPT)
    assert ran and "40001" in repeatable_read.sqlstates  # PostgreSQL refused the lock: could not serialize access
    assert err.value.message == "该任务已办结或不存在，请刷新。"
    assert trail(postgres, task_id, "complete_task") == ["clerk2"]


def test_a_real_serialization_failure_on_claiming_is_retried_into_success(engine, postgres, repeatable_read, clock):
    case = start_item11(engine)
    task_id = open_task(postgres, case)
    ours = repeatable_read.engine(clock)

    def claim_and_release() -> None:
        engine.claim(task_id, "clerk2")
        engine.unclaim(task_id, "clerk2")

    ran = repeatable_read.before_first("UPDATE inbox_task", claim_and_release)
    ours.claim(task_id, "clerk1")  # the row changed after our snapshot: 40001, then a fresh attempt claims it
    assert ran and "40001" in repeatable_read.sqlstates
    assert trail(postgres, task_id, "claim") == ["clerk2", "clerk1"]
    with postgres.session() as s:
        assert s.scalar(select(InboxTask.assignee).where(InboxTask.task_id == task_id)) == "clerk1"


def test_a_real_serialization_failure_through_the_api_answers_409_not_500(engine, postgres, repeatable_read, clock):
    case = start_item11(engine)
    task_id = open_task(postgres, case)
    app = make_api_app(repeatable_read.store, clock)
    app.extensions["cuncun.engine"].retry_policy = PATIENT
    headers = bearer(staff_token(postgres, clock(), "clerk1"))
    ran = repeatable_read.before_first("FOR UPDATE", lambda: engine.complete(task_id, "clerk2", ACCEPT))
    response = app.test_client().post(f"/api/v1/tasks/{task_id}", headers=headers, json={
        "data": {"identity_document": "id_card", "identity_confirmed": True}})
    assert ran and "40001" in repeatable_read.sqlstates
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["code"] == "task_state"
    assert trail(postgres, task_id, "complete_task") == ["clerk2"]


def test_a_claim_committed_while_a_completion_waits_for_the_case_lock_wins(engine, postgres, clock):
    case = start_item11(engine)
    task_id = open_task(postgres, case)
    ours = Engine(Store(postgres.url), clock=clock, forms=FormRegistry(FORMS, reserved=RESERVED_NAMES),
                  services=service_registry())
    claimed: list[bool] = []

    # Our completion has read the task's inbox row (unclaimed); before it locks the case, clerk2 claims the task.
    @event.listens_for(ours.store.engine, "before_cursor_execute")
    def _between(conn, cursor, statement, params, context, executemany) -> None:
        if not claimed and "FOR UPDATE" in statement:
            claimed.append(True)
            engine.claim(task_id, "clerk2")

    try:
        with pytest.raises(TaskStateError) as err:
            ours.complete(task_id, "clerk1", ACCEPT)
    finally:
        ours.store.dispose()
    assert claimed and err.value.message == "该任务已由 clerk2 认领。"
    assert trail(postgres, task_id, "claim") == ["clerk2"] and trail(postgres, task_id, "complete_task") == []
    assert open_task(postgres, case) == task_id
