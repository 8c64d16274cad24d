"""Figure 1b: the floor of persisted throughput on SQLite, with no ORM and no engine logic at all.

It answers whether the 0.5 x target of figure 1 can be met by any engine that keeps what the issue
asks for (state, inbox projection and audit trail, committed at each user action) on SQLite here.
The loop below is the least such an engine must do: the same Spiff work as the in-memory figure,
the state dumped with the engine's own `dump_state` at the wait and at the end (the live workflow is
kept between the two calls, so nothing is restored), and the rows written with bare `sqlite3`
statements on the migrated schema, in the two write transactions a start and a completion need.
"""


from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from bench_common import PAIRS, Backend, Sizes, Summary, check, heading, paired, say
from bench_throughput import memory_step, one_task_spec
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.state import dump_state

INSERT_INSTANCE = (
    "INSERT INTO process_instance (version_id, process_id, point_code, channel, status, state, lock_version,"
    " accepted_at, due_provisional, overdue, created_by, created_at, updated_at)"
    " VALUES (?, 'one_task', 'P1', 'counter', 'running', '', 1, ?, 0, 0, 'bench', ?, ?) RETURNING id"
)
INSERT_AUDIT = ("INSERT INTO audit_event (at, actor, action, instance_id, task_id, point_code, detail)"
                " VALUES (?, 'bench', ?, ?, ?, 'P1', ?)")
INSERT_INBOX = (
    "INSERT INTO inbox_task (instance_id, task_id, bpmn_id, title, candidate_role, point_code, created_at, overdue)"
    " VALUES (?, ?, 'bench_task', '基准任务', 'clerk', 'P1', ?, 0)"
)
SAVE_WAITING = ("UPDATE process_instance SET state = ?, case_no = ?, updated_at = ?, lock_version = lock_version + 1"
                " WHERE id = ? AND lock_version = 1")
LOCATE = ("SELECT i.instance_id, i.assignee, p.lock_version FROM inbox_task i"
          " JOIN process_instance p ON p.id = i.instance_id WHERE i.task_id = ?")
SAVE_DONE = ("UPDATE process_instance SET state = ?, status = 'completed', completed_at = ?, updated_at = ?,"
             " lock_version = lock_version + 1 WHERE id = ? AND lock_version = ?")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def floor_step(db: sqlite3.Connection, version_id: int) -> Callable[[], None]:
    """Return one start-to-end instance done with the fewest statements and no ORM."""
    spec, subs = one_task_spec()
    script_engine = PythonScriptEngine()

    def one() -> None:
        db.execute("BEGIN IMMEDIATE")
        now = _now()
        (instance_id,) = db.execute(INSERT_INSTANCE, (version_id, now, now, now)).fetchone()
        workflow = BpmnWorkflow(spec, subs, script_engine=script_engine)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.set_data(accepted_at=now, case_no=f"B{instance_id}")
        workflow.do_engine_steps()
        (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        db.execute(INSERT_AUDIT, (now, "start", instance_id, None, json.dumps({"process_id": "one_task"})))
        db.execute(INSERT_INBOX, (instance_id, str(task.id), now))
        db.execute(SAVE_WAITING, (dump_state(workflow), f"B{instance_id}", now, instance_id))
        db.execute("COMMIT")

        (task_id,) = db.execute("SELECT task_id FROM inbox_task WHERE instance_id = ?", (instance_id,)).fetchone()

        db.execute("BEGIN IMMEDIATE")
        found, _assignee, lock_version = db.execute(LOCATE, (task_id,)).fetchone()
        task = workflow.get_task_from_id(UUID(task_id))
        task.run()
        workflow.do_engine_steps()
        now = _now()
        db.execute(INSERT_AUDIT, (now, "complete_task", found, task_id, json.dumps({"bpmn_id": "bench_task"})))
        db.execute(INSERT_AUDIT, (now, "complete_case", found, None, "{}"))
        saved = db.execute(SAVE_DONE, (dump_state(workflow), now, now, found, lock_version)).rowcount
        db.execute("DELETE FROM inbox_task WHERE instance_id = ?", (found,))
        db.execute("COMMIT")
        check(saved == 1 and workflow.completed, f"floor instance {found} did not complete")

    return one


def open_floor_db(path: str, loosened: bool) -> tuple[sqlite3.Connection, int]:
    """Open the migrated file with the product's pragmas, or with every safeguard that costs time removed."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF" if loosened else "PRAGMA synchronous=NORMAL")
    if loosened:
        db.execute("PRAGMA wal_autocheckpoint=0")
        indexes = db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN"
                             " ('process_instance', 'audit_event', 'inbox_task')").fetchall()
        for (name,) in indexes:
            db.execute(f'DROP INDEX "{name}"')
    version_id = db.execute(
        "INSERT INTO process_version (process_id, name, content_hash, filename, bpmn_xml, spec_json, is_current,"
        " deployed_at, deployed_by) VALUES ('one_task', 'bench', 'floor', 'one_task.bpmn', '', '', 1, ?, 'bench')"
        " RETURNING id", (_now(),)).fetchone()[0]
    return db, version_id


def figure_floor(sqlite: Backend, sizes: Sizes, summary: Summary) -> None:
    """Figure 1b: the persisted/in-memory ratio of the floor loop, as deployed and with safeguards removed."""
    heading("1b. Floor on SQLite: the same rows written with bare sqlite3, no ORM, no engine logic")
    say(f"(as figure 1: {PAIRS} in-memory rounds alternating with {PAIRS} floor rounds; medians over the pairs)")
    for label, loosened in (("as deployed (WAL, synchronous=NORMAL, all indexes)", False),
                            ("loosened (no secondary indexes, synchronous=OFF, no checkpoints)", True)):
        store = sqlite.fresh("floor-loose" if loosened else "floor")
        path = store.engine.url.database
        store.dispose()
        db, version_id = open_floor_db(path, loosened)
        try:
            result = paired(floor_step(db, version_id), memory_step(), sizes.persisted_instances,
                            sizes.memory_instances, sizes.warmup)
        finally:
            db.close()
        say(f"floor {label}: {result.rate:8.1f} instances/s against {result.memory_rate:.1f} in memory"
            f" = {result.ratio:.3f} x (pairs {result.spread()})")
        key = "loosened" if loosened else "as deployed"
        summary.add(f"1b floor / in-memory, {key}", "SQLite", f"{result.ratio:.3f}", "(info)")
