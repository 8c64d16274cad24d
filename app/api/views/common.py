"""What the API views share: the engine, the catalog, today, and the visibility of a case."""

from __future__ import annotations

from datetime import date

from flask import current_app

from app.api.auth import citizen, principal
from app.api.errors import ApiError
from app.api.routing import check_id
from app.auth.policy import can_see
from app.catalog import Catalog
from app.kiosk.flow import owns
from app.org.models import Point
from app.org.queries import get_point
from engine.clock import CHINA
from engine.models import ProcessInstance
from engine.queries import get_case
from engine.runtime import Engine


def engine() -> Engine:
    """Return the app's engine."""
    return current_app.extensions["cuncun.engine"]


def catalog() -> Catalog:
    """Return the service-item catalog."""
    return current_app.extensions["cuncun.catalog"]


def today() -> date:
    """Return today's date in Beijing by the engine's clock."""
    return engine().clock().astimezone(CHINA).date()


def point(code: str | None) -> Point | None:
    """Return a service point."""
    if not code:
        return None
    with engine().store.session() as session:
        return get_point(session, code)


def visible_case(case_id: int) -> ProcessInstance:
    """Return a case the caller may see: a kiosk only its citizen's own, staff inside their scope."""
    row = get_case(engine().store, check_id(case_id))
    if row is None:
        raise ApiError(404, "case_not_found", "没有找到该案件。")
    caller = principal()
    if caller.is_kiosk:
        if not owns(row, citizen()):
            raise ApiError(403, "case_forbidden", "只能查看本人的办件。")
    elif not can_see(caller.user, row.point_code, row.town_code, row.county_code):
        raise ApiError(403, "case_forbidden", "该案件不在您的工作范围内。")
    return row
