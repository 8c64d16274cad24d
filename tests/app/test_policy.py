"""The access policy: scopes per role, who may see and work what, scoped inbox queries."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import Forbidden

from app.auth.policy import (
    NOWHERE,
    Scope,
    can_see,
    can_work,
    inbox_kwargs,
    is_admin,
    require,
    scope_kwargs,
    scope_of,
)
from app.auth.roles import ROLES
from engine.models import InboxTask, ProcessInstance, ProcessVersion
from engine.queries import open_tasks

QINSHUI = "140521"
QINSHUI_TOWNS = frozenset({"LG", "ZZ", "DS", "JF", "ZEC", "SZ", "ZOC", "GX", "TW", "SL", "HD", "ZAC"})


def user(role: str, point: str | None = None, town: str | None = None, active: bool = True,
         county: str | None = QINSHUI) -> SimpleNamespace:
    return SimpleNamespace(role=role, point_code=point, town_code=town, active=active, county_code=county)


CLERK_A = user("clerk", "LG-V01", "LG")
TOWN_LG = user("town_staff", town="LG")
REVIEWER = user("county_reviewer")
ADMIN = user("admin")


@pytest.fixture(autouse=True)
def app_context(web):
    """A county's towns are read from the database, through the app."""
    with web.app_context():
        yield


def test_roles_have_chinese_labels_and_levels():
    assert set(ROLES) == {"clerk", "town_staff", "county_reviewer", "county_backbone", "supervisor", "analyst",
                          "admin"}
    assert ROLES["clerk"] == ("窗口经办人", "point")
    assert ROLES["town_staff"] == ("乡镇工作人员", "town")
    assert {r.level for code, r in ROLES.items() if code not in {"clerk", "town_staff"}} == {"county"}


def test_scope_per_role():
    assert scope_of(CLERK_A) == Scope(point_code="LG-V01", town_code="LG")
    assert scope_of(TOWN_LG) == Scope(town_code="LG")
    for role in ("county_reviewer", "county_backbone", "supervisor", "analyst", "admin"):
        assert scope_of(user(role)) == Scope(county_code=QINSHUI)  # the only county: no boundary to keep
        assert scope_of(user(role)).is_county
    assert scope_kwargs(CLERK_A) == {"point_code": "LG-V01"}
    assert scope_kwargs(TOWN_LG) == {"town_code": "LG"}
    assert scope_kwargs(REVIEWER) == {}


@pytest.mark.parametrize("who", [
    user("clerk"),  # a clerk bound to no point must not get the county
    user("town_staff"),
    user("janitor"),
    user("admin", active=False),
    user("supervisor", county=None),  # a stand-in with no county and no account id: no county to tell
    AnonymousUserMixin(),
])
def test_unbound_inactive_unknown_and_anonymous_users_see_nothing(who):
    assert scope_of(who) == NOWHERE and not NOWHERE.is_county
    assert not can_see(who, "LG-V01", "LG") and not can_see(who, None, None)
    assert not can_work(who, getattr(who, "role", "clerk"), "LG-V01", "LG")
    assert not is_admin(who)


def test_can_see_matrix():
    assert can_see(CLERK_A, "LG-V01", "LG")
    assert not can_see(CLERK_A, "LG-V02", "LG")
    assert not can_see(CLERK_A, "ZZ-V01", "ZZ")
    assert can_see(TOWN_LG, "LG-V05", "LG") and can_see(TOWN_LG, "LG-D", "LG")
    assert not can_see(TOWN_LG, "ZZ-V01", "ZZ")
    assert can_see(REVIEWER, "ZZ-V01", "ZZ") and can_see(ADMIN, "LG-C03", "LG")


def test_can_work_matrix():
    assert can_work(CLERK_A, "clerk", "LG-V01", "LG")
    assert not can_work(CLERK_A, "clerk", "LG-V02", "LG")  # clerk of point A, task at point B
    assert not can_work(CLERK_A, "county_reviewer", "LG-V01", "LG")
    assert can_work(TOWN_LG, "town_staff", "LG-V03", "LG")
    assert not can_work(TOWN_LG, "town_staff", "ZZ-V01", "ZZ")
    assert not can_work(TOWN_LG, "clerk", "LG-V03", "LG")
    assert can_work(REVIEWER, "county_reviewer", "ZZ-V01", "ZZ") and can_work(REVIEWER, "county_reviewer", "LG-D", "LG")
    assert not can_work(REVIEWER, "clerk", "ZZ-V01", "ZZ")
    assert not can_work(ADMIN, "clerk", "LG-V01", "LG")  # admin is no superuser for tasks
    assert not can_work(ADMIN, "county_reviewer", "LG-V01", "LG")
    assert is_admin(ADMIN) and not is_admin(REVIEWER)


def test_require_aborts_403():
    require(True)
    with pytest.raises(Forbidden):
        require(False)


# Inbox rows as the projection would hold them: (candidate role, point, town).
TASKS = [("clerk", "LG-V01", "LG"), ("clerk", "LG-C01", "LG"), ("county_reviewer", "LG-C01", "LG"),
         ("town_staff", "LG-D", "LG"), ("clerk", "ZZ-V01", "ZZ"), ("county_reviewer", "ZZ-V01", "ZZ")]


@pytest.fixture
def inbox(store, clock):
    """Fill the inbox projection directly, so these tests do not depend on any process's shape."""
    now = clock()
    with store.session(write=True) as s:
        version = ProcessVersion(process_id="p", name="p", content_hash="h", filename="p.bpmn", bpmn_xml="",
                                 spec_json="{}", deployed_at=now, deployed_by="test")
        s.add(version)
        s.flush()
        for n, (role, point, town) in enumerate(TASKS):
            case = ProcessInstance(version_id=version.id, process_id="p", point_code=point, town_code=town,
                                   status="running", state="{}", accepted_at=now, created_by="test",
                                   created_at=now, updated_at=now)
            s.add(case)
            s.flush()
            s.add(InboxTask(instance_id=case.id, task_id=f"t{n}", bpmn_id="b", title="t", candidate_role=role,
                            point_code=point, town_code=town, created_at=now))


def places(rows: list[tuple[InboxTask, ProcessInstance]]) -> set[tuple[str, str]]:
    return {(t.candidate_role, t.point_code) for t, _ in rows}


def test_scope_filters_open_tasks_in_sql(inbox, store):
    assert places(open_tasks(store, **inbox_kwargs(CLERK_A))) == {("clerk", "LG-V01")}
    assert places(open_tasks(store, **inbox_kwargs(user("clerk", "ZZ-V01", "ZZ")))) == {("clerk", "ZZ-V01")}
    assert places(open_tasks(store, **inbox_kwargs(TOWN_LG))) == {("town_staff", "LG-D")}
    assert len(open_tasks(store, **scope_kwargs(TOWN_LG))) == 4  # sees every task of the town
    assert places(open_tasks(store, **inbox_kwargs(REVIEWER))) == {("county_reviewer", "LG-C01"),
                                                                   ("county_reviewer", "ZZ-V01")}
    assert len(open_tasks(store, **scope_kwargs(REVIEWER))) == len(TASKS)
    assert open_tasks(store, **inbox_kwargs(ADMIN)) == []
    assert open_tasks(store, **inbox_kwargs(user("clerk"))) == []  # unbound clerk: nothing, not everything
    assert open_tasks(store, **scope_kwargs(user("clerk"))) == []
    for who in (CLERK_A, TOWN_LG, REVIEWER):  # what SQL returns agrees with can_work
        assert all(can_work(who, t.candidate_role, t.point_code, t.town_code)
                   for t, _ in open_tasks(store, **inbox_kwargs(who)))
