"""Chinese wording of a request for forms, the review page and the printout; the filer's choices."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import vocab
from app.accounts.rules import Filer
from app.auth import roles
from app.org.models import Point, Town
from engine.idcard import mask_id_number


def binding_label(session: Session, point_code: str | None, town_code: str | None) -> str:
    """Name where an account is bound: a point (with its town), a town, or the county."""
    if point_code:
        point = session.get(Point, point_code)
        town = session.get(Town, point.town_code) if point else None
        return f"{town.name if town else ''} {point.name if point else point_code}（{point_code}）".strip()
    if town_code:
        town = session.get(Town, town_code)
        return f"{town.name if town else town_code}（乡镇）"
    return "县级"


def summary(req: dict[str, Any], where: str, target_name: str) -> str:
    """Say the whole request in one paragraph (the correction page shows it; ID number masked)."""
    kind = req["request_kind"]
    parts = [f"申请事项：{vocab.REQUEST_KINDS.get(kind, kind)}", f"用户名：{req['account_username']}"]
    if kind == vocab.NEW:
        parts += [f"账号使用人：{req['person_name']}", f"单位：{req['person_unit']}", f"职务：{req['person_post']}",
                  f"身份证号码：{mask_id_number(req['person_id_number'])}", f"联系电话：{req['person_phone']}"]
    else:
        parts.append(f"账号使用人：{target_name}")
    if kind in (vocab.NEW, vocab.CHANGE_ROLE):
        after = "变更后" if kind == vocab.CHANGE_ROLE else ""
        parts.append(f"{after}账号类型：{vocab.role_choice_label(req['account_role'])}")
        parts.append(f"所属：{where}")
    if req["staff_type"]:
        parts.append(f"人员身份：{vocab.STAFF_TYPES.get(req['staff_type'], req['staff_type'])}")
    parts += [f"系统名称：{req['system_name']}", f"申请理由：{req['request_reason']}"]
    return "；".join(parts) + "。"


def role_choices(filer: Filer) -> list[dict[str, str]]:
    """Return the roles a filer may ask for: a clerk their point's operators, town staff their town's."""
    allowed = {roles.CLERK: [roles.CLERK], roles.TOWN_STAFF: [roles.CLERK, roles.TOWN_STAFF]}.get(
        filer.role, list(roles.ROLES))
    return [{"value": code, "label": vocab.role_choice_label(code)} for code in allowed]


def binding_choices(session: Session, filer: Filer) -> list[dict[str, str]]:
    """Return the points and towns a filer may bind an account to, in the county's order."""
    query = select(Point, Town).join(Town, Point.town_code == Town.code)
    if filer.role == roles.CLERK:
        query = query.where(Point.code == (filer.point_code or ""))
    elif filer.role == roles.TOWN_STAFF:
        query = query.where(Point.town_code == (filer.town_code or ""))
    elif filer.role != roles.ADMIN:
        return []
    choices, towns_seen = [], set()
    for point, town in session.execute(query.order_by(Town.ordinal, Point.code)):
        if filer.role != roles.CLERK and town.code not in towns_seen:
            towns_seen.add(town.code)
            choices.append({"value": town.code, "label": f"{town.name}（乡镇）"})
        choices.append({"value": point.code, "label": f"{town.name} {point.name}（{point.code}）"})
    return choices


def display_data(session: Session, checked_req: dict[str, Any], point: str | None, town: str | None,
                 target_name: str) -> dict[str, Any]:
    """Return the task-data keys that show a request: its labels and its one-paragraph summary."""
    where = binding_label(session, point, town)
    return {"binding_label": where, "target_name": target_name,
            "account_kind_label": vocab.account_kind_label(checked_req["account_role"]),
            "request_summary": summary(checked_req, where, target_name)}
