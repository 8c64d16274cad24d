"""Identify a citizen at a kiosk by ID number or social-security card, and keep their short session.

A kiosk serves one citizen at a time: identifying a new one ends the previous session. A session ends
when the citizen leaves (退出), when the kiosk sat idle longer than the idle limit (checked on every
request, so the server forgets the citizen even if the page's timer never ran), or when the kiosk is
revoked; ending it wipes the ID number and name from the row.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.employment.common import mask_name
from app.kiosk import queries, tokens
from app.kiosk.models import CitizenSession
from engine.idcard import IdNumberError, mask_id_number, validate_id_number, validate_ss_card_number

DOCUMENTS = {"id_card": "居民身份证", "ss_card": "社会保障卡"}


class NotIdentified(Exception):
    """The number cannot identify anyone; str() is a Chinese message for the citizen."""


@dataclass(frozen=True)
class Presented:
    """What the citizen presented: the ID number it leads to, the document, and a card number if one."""

    id_number: str
    document: str
    card_number: str | None
    name: str | None


@dataclass(frozen=True)
class Citizen:
    """The person a kiosk session serves."""

    session_id: int
    kiosk_id: int
    id_number: str
    name: str
    document: str
    card_number: str | None
    card_read: bool = False  # identified by the kiosk's card reader, not a typed number

    @property
    def masked_id(self) -> str:
        """Return the ID number as shown on screens and slips."""
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        """Return the name with only the surname shown (greetings on a public screen)."""
        return mask_name(self.name)


def present(session: Session, number: str, document: str, today: date) -> Presented:
    """Read a typed or card-read number: an 18-character ID / SS number, or a 9-character SS card number."""
    text = unicodedata.normalize("NFKC", number or "").strip().upper()
    if document not in DOCUMENTS:
        document = "id_card"
    try:
        if len(text) == 9:
            card = validate_ss_card_number(text, today=today)
            id_number = queries.id_number_of_card(session, card)
            if id_number is None:
                raise NotIdentified("没有查到这张社会保障卡的记录，请改为输入身份证号码，或按“帮办”请工作人员协助。")
            return Presented(id_number, "ss_card", card, queries.known_name(session, id_number))
        id_number = validate_id_number(text, today=today)
    except IdNumberError as exc:
        raise NotIdentified(f"{exc}，请重新输入。") from None
    return Presented(id_number, document, None, queries.known_name(session, id_number))


def open_session(session: Session, kiosk_id: int, presented: Presented, name: str, now: datetime,
                 card_read: bool = False) -> str:
    """End the kiosk's previous session and open one for this citizen; return its token."""
    end_all(session, kiosk_id, now, "replaced")
    raw = tokens.new_token(tokens.CITIZEN)
    session.add(CitizenSession(kiosk_id=kiosk_id, token_hash=tokens.token_hash(raw), id_number=presented.id_number,
                               name=name.strip()[:80], document=presented.document,
                               card_number=presented.card_number, card_read=card_read, started_at=now,
                               last_seen_at=now))
    session.flush()
    return raw


def _wipe(reason: str, now: datetime) -> dict:
    return {"ended_at": now, "ended_reason": reason, "id_number": None, "name": None, "card_number": None}


def end_all(session: Session, kiosk_id: int, now: datetime, reason: str) -> None:
    """End every open session of a kiosk."""
    session.execute(update(CitizenSession).where(CitizenSession.kiosk_id == kiosk_id,
                                                 CitizenSession.ended_at.is_(None)).values(**_wipe(reason, now)))


def end(session: Session, kiosk_id: int, raw: str | None, now: datetime, reason: str = "logout") -> None:
    """End the session a token names, if it belongs to this kiosk and is open."""
    if raw:
        session.execute(update(CitizenSession).where(
            CitizenSession.token_hash == tokens.token_hash(raw), CitizenSession.kiosk_id == kiosk_id,
            CitizenSession.ended_at.is_(None)).values(**_wipe(reason, now)))


def current(session: Session, kiosk_id: int, raw: str | None, now: datetime, idle_seconds: int) -> Citizen | None:
    """Return the citizen of an open session of this kiosk and mark it seen; an idle one is ended instead."""
    if not raw:
        return None
    row = session.scalar(select(CitizenSession).where(CitizenSession.token_hash == tokens.token_hash(raw),
                                                      CitizenSession.kiosk_id == kiosk_id,
                                                      CitizenSession.ended_at.is_(None)))
    if row is None:
        return None
    if row.last_seen_at + timedelta(seconds=idle_seconds) < now:
        end(session, kiosk_id, raw, now, "idle")
        return None
    row.last_seen_at = now
    return Citizen(row.id, row.kiosk_id, row.id_number, row.name or "", row.document, row.card_number,
                   bool(row.card_read))
