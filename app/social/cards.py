"""Social-security card events: activation (item 38), loss reports and their release (item 40)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.social.connector import CARD_EVENTS, get_connector
from app.social.models import SsCardEvent
from app.social.queries import latest_card_event
from app.social.standing import card as card_standing
from engine.clock import CHINA, china_iso
from engine.models import ProcessInstance

LOSSES = ("temporary_loss", "formal_loss")
ACTIONS = ("temporary_loss", "formal_loss", "released")
TEMPORARY_LOSS_DAYS = 7  # 附件1 item 40: a temporary loss lifts itself after 7 days
LOSS_REASONS = {"lost": "遗失", "damaged": "损毁", "stolen": "被盗", "other": "其他"}


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(CHINA):%Y年%m月%d日 %H:%M}"


def _record(session: Session, instance: ProcessInstance, kind: str, now: datetime, *,
            card_number: str | None = None, note: str | None = None) -> SsCardEvent:
    event = SsCardEvent(id_number=instance.applicant_id_number, kind=kind, at=now, card_number=card_number or None,
                        note=note, instance_id=instance.id, point_code=instance.point_code,
                        town_code=instance.town_code)
    session.add(event)
    session.flush()
    return event


def activate_card(session: Session, instance: ProcessInstance, now: datetime, card_number: str) -> str:
    """Record the activation of the card's social-insurance function; return what to tell the applicant."""
    latest = latest_card_event(session, instance.applicant_id_number)
    if latest is not None and latest.kind == "activated":
        return f"县级记录显示该社会保障卡社保功能已于{_when(latest.at)}启用，无需重复办理。"
    if latest is not None and latest.kind in LOSSES:
        return (f"该社会保障卡已于{_when(latest.at)}{CARD_EVENTS[latest.kind]}，"
                "请先办理解除挂失（事项40）后再启用。")
    _record(session, instance, "activated", now, card_number=card_number)
    return f"您的社会保障卡（卡号 {card_number}）社保功能已于{_when(now)}启用。"


def _refusal(action: str, latest: SsCardEvent | None) -> str | None:
    """Say why a loss action cannot be done given the card's latest event, or None when it can."""
    lost = latest is not None and latest.kind in LOSSES
    if action == "temporary_loss" and lost:
        return f"该社会保障卡已于{_when(latest.at)}{CARD_EVENTS[latest.kind]}，无需重复挂失。"
    if action == "formal_loss" and latest is not None and latest.kind == "formal_loss":
        return f"该社会保障卡已于{_when(latest.at)}正式挂失，无需重复挂失。"
    if action == "released" and not lost:
        return "县级数据中没有该卡未解除的挂失记录；如在其他渠道挂失，请到省社保平台办理解除挂失。"
    return None


def report_loss(session: Session, instance: ProcessInstance, now: datetime, action: str,
                reason: str | None) -> dict[str, Any]:
    """Record a temporary or formal loss, or a release; say what happened and when a temporary loss lifts."""
    if action not in ACTIONS:
        raise ValueError(f"unknown card action {action!r}")
    refusal = _refusal(action, latest_card_event(session, instance.applicant_id_number))
    shown = card_standing(get_connector(session).card_status(instance.applicant_id_number))
    if shown.state == "lost" and (refusal or "").startswith("县级数据中没有"):
        refusal = None  # an imported card status newer than the county's own events shows the card lost
    elif shown.state == "lost" and action == "temporary_loss" and refusal is None:
        refusal = f"县级记录显示该社会保障卡已挂失（{shown.shown_by}），无需重复挂失。"
    if refusal:
        return {"kind": None, "event_id": None, "at": None, "message": refusal}
    event = _record(session, instance, action, now, note=LOSS_REASONS.get(reason or "", reason))
    if action == "temporary_loss":
        lifts = now + timedelta(days=TEMPORARY_LOSS_DAYS)
        message = (f"已为您办理社会保障卡社保功能临时挂失（{_when(now)}）。临时挂失{TEMPORARY_LOSS_DAYS}天后"
                   f"（{_when(lifts)}）将自动解挂；如卡已遗失，请在此之前办理正式挂失并补办新卡。")
    elif action == "formal_loss":
        message = f"已为您办理社会保障卡社保功能正式挂失（{_when(now)}），请及时补办新卡。"
    else:
        message = f"已为您办理社会保障卡解除挂失（{_when(now)}），社保功能恢复使用。"
    return {"kind": action, "event_id": event.id, "at": china_iso(now), "message": message}


def auto_release(session: Session, instance: ProcessInstance, now: datetime, event_id: int) -> dict[str, Any]:
    """Lift a temporary loss after its days, unless it was released or made formal meanwhile."""
    latest = latest_card_event(session, instance.applicant_id_number)
    if latest is None or latest.id != event_id:
        what = f"已于{_when(latest.at)}{CARD_EVENTS[latest.kind]}" if latest else "没有挂失记录"
        return {"released": False, "message": f"无需自动解挂：该卡{what}。"}
    _record(session, instance, "auto_released", now, note=f"临时挂失满{TEMPORARY_LOSS_DAYS}天自动解挂")
    return {"released": True, "message": f"临时挂失满{TEMPORARY_LOSS_DAYS}天，已于{_when(now)}自动解除挂失。"}
