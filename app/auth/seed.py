"""Seed one demo login per role so a new user can try the app at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import roles
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.services import create_user
from app.org.seed import seed_organisation

DEMO_PASSWORD = "Cuncun@2026"  # meets the policy: 3+ character classes (app.auth.passwords)


@dataclass(frozen=True)
class DemoLogin:
    """A demo account to print and document."""

    username: str
    password: str
    role: str
    role_label: str
    display_name: str
    point_code: str | None
    town_code: str | None


# (username, display name, role, point, town); clerk2 sits in another town so scoping can be tried.
DEMO_USERS: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    ("clerk1", "演示经办人（龙港镇第01村）", roles.CLERK, "LG-V01", None),
    ("clerk2", "演示经办人（郑庄镇第01村）", roles.CLERK, "ZZ-V01", None),
    ("democlerk", "演示经办人（龙港镇示范网点）", roles.CLERK, "LG-D", None),
    ("townstaff1", "演示乡镇工作人员（龙港镇）", roles.TOWN_STAFF, None, "LG"),
    ("reviewer1", "演示县局审核人", roles.COUNTY_REVIEWER, None, None),
    ("backbone1", "演示县级业务骨干", roles.COUNTY_BACKBONE, None, None),
    ("supervisor1", "演示督导", roles.SUPERVISOR, None, None),
    ("analyst1", "演示流程分析员", roles.ANALYST, None, None),
    ("admin1", "演示系统管理员", roles.ADMIN, None, None),
)


@cache
def _demo_hash() -> str:
    """Hash the published demo password once: hashing is slow on purpose and it protects no secret."""
    return hash_password(DEMO_PASSWORD)


def seed_demo_users(session: Session, now: datetime) -> list[DemoLogin]:
    """Add the demo users that are missing (the organisation too); return every demo login."""
    seed_organisation(session)
    demo = select(User).where(User.username.in_([u[0] for u in DEMO_USERS]))
    known = {u.username for u in session.scalars(demo)}
    for username, display_name, role, point, town in DEMO_USERS:
        if username in known:
            continue  # never reset a demo account someone has changed (the listed password may then be stale)
        create_user(session, username=username, display_name=display_name, password_hash=_demo_hash(),
                    role=role, now=now, point_code=point, town_code=town, must_change_password=False)
    users = {u.username: u for u in session.scalars(demo)}
    return [DemoLogin(name, DEMO_PASSWORD, role, roles.role_label(role), users[name].display_name,
                      users[name].point_code, users[name].town_code) for name, _, role, _, _ in DEMO_USERS]
