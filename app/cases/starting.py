"""Start a service item's case: the catalog's rules (channel, demo points) and its data go in here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.catalog import Item
from app.org.counties import placed
from app.social.record_rules import start_refusal
from engine.clock import CHINA
from engine.errors import EngineError
from engine.runtime import CaseContext, Engine

# Service modes at every point (DOMAIN: 窗口服务, 自助服务 with 帮办, 上门服务/代办), by the channel they need.
MODES = {
    "counter": ("窗口服务", "counter"),
    "kiosk_assisted": ("自助机帮办", "kiosk"),
    "home_visit": ("上门服务", "counter"),
    "proxy": ("代办", "counter"),
    "kiosk": ("自助机自助办理", "kiosk"),
}


class StartRefused(EngineError):
    """The item cannot be started here or this way."""

    code = "start_refused"


def start_item_case(
    engine: Engine,
    item: Item,
    context: CaseContext,
    *,
    actor: str,
    point_is_demo: bool,
    request_key: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> int:
    """Check the item may be started at this point in this mode, then start its case with the catalog's data."""
    if item.demo_only and not point_is_demo:
        raise StartRefused(f"“{item.name}”只能在示范网点办理。", f"item {item.code} is demo-only")
    mode = MODES.get(context.channel)
    if mode is None:
        raise StartRefused("请选择服务方式。", f"unknown channel {context.channel!r}")
    if mode[1] not in item.channels:
        raise StartRefused(f"“{item.name}”不能通过{mode[0]}办理。",
                           f"item {item.code} has no {mode[1]} channel")
    with engine.store.session() as session:
        refusal = start_refusal(session, item.code, context.applicant_id_number or "",
                                engine.clock().astimezone(CHINA).date())
        context = placed(session, context)  # the point's town's county
    if refusal:
        raise StartRefused(refusal, f"item {item.code}: the county's records refuse {context.applicant_id_number}")
    start_data = {"required_materials": list(item.materials), "item_name": item.name, **(data or {})}
    context = CaseContext(**{**vars(context), "item_code": item.code})
    return engine.start_case(item.process, context, actor=actor, data=start_data, request_key=request_key)
