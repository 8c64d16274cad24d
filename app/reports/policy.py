"""Who may see the reports and change milestones and the subsidy ledger (on top of app.auth.policy's scopes)."""

from __future__ import annotations

from app.auth.policy import scope_of
from app.auth.roles import ADMIN, SUPERVISOR, TOWN_STAFF, role_level


def _active(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", True) and getattr(user, "active", False))


def may_view(user: object) -> bool:
    """County roles and town staff (their town) see the reports, milestones and ledger."""
    return _active(user) and (role_level(getattr(user, "role", "")) == "county"
                              or getattr(user, "role", None) == TOWN_STAFF)


def may_edit_milestones(user: object, town_code: str | None) -> bool:
    """An admin in their county, town staff for their own town's points."""
    role = getattr(user, "role", None) if _active(user) else None
    if role == ADMIN:
        return town_code is None or scope_of(user).contains(None, town_code)
    return role == TOWN_STAFF and town_code is not None and scope_of(user).town_code == town_code


def may_enter_subsidy(user: object, kind: str, town_code: str | None) -> bool:
    """The county (admin, supervisor) records allocations and arrivals in its towns; town staff arrivals in theirs."""
    role = getattr(user, "role", None) if _active(user) else None
    if role in (ADMIN, SUPERVISOR):
        # No town yet (no point chosen): the ledger itself refuses the entry with a message.
        return town_code is None or scope_of(user).contains(None, town_code)
    return kind == "arrived" and role == TOWN_STAFF and town_code is not None and \
        scope_of(user).town_code == town_code
