"""The roles a user can hold; BPMN user tasks name their candidate role with these codes."""

from __future__ import annotations

from typing import Literal, NamedTuple

Level = Literal["point", "town", "county"]


class Role(NamedTuple):
    """A role's Chinese label and the level of the organisation it is bound to."""

    label: str
    level: Level


CLERK = "clerk"
TOWN_STAFF = "town_staff"
COUNTY_REVIEWER = "county_reviewer"
COUNTY_BACKBONE = "county_backbone"
SUPERVISOR = "supervisor"
ANALYST = "analyst"
ADMIN = "admin"

ROLES: dict[str, Role] = {
    CLERK: Role("窗口经办人", "point"),
    TOWN_STAFF: Role("乡镇工作人员", "town"),
    COUNTY_REVIEWER: Role("县局审核人", "county"),
    COUNTY_BACKBONE: Role("县级业务骨干", "county"),
    SUPERVISOR: Role("督导", "county"),
    ANALYST: Role("流程分析员", "county"),
    ADMIN: Role("系统管理员", "county"),
}


def role_label(code: str) -> str:
    """Return a role's Chinese label, or the code itself when it is unknown."""
    role = ROLES.get(code)
    return role.label if role else code


def role_level(code: str) -> Level | None:
    """Return the level a role is bound to, or None when the role is unknown."""
    role = ROLES.get(code)
    return role.level if role else None
