"""Card reads: a personal record is shown only to a citizen whose card the kiosk's reader read.

A typed ID number proves nothing (anyone can type anyone's number), so the personal-record queries need a
read from the kiosk's ID-card or social-security-card reader. The reader's software on the kiosk holds the
kiosk's device token and signs each read with a key derived from it: HMAC-SHA256 over document, number and
the moment of the read. The server derives the same key from the token the request presents (cookie or
bearer header) and accepts a read no older than READ_MAX_AGE. The page's JavaScript never sees the token (an
HttpOnly cookie), so a number typed into the form cannot carry a valid signature.

A read identifies one citizen session only: when it opens a session its signature is kept (consume), and the
same read presented again within READ_MAX_AGE (a captured request replayed) is refused. Kept reads older than
READ_MAX_AGE are purged as new ones arrive: by then the age check refuses them anyway.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.kiosk.models import UsedCardRead

# Items whose result shows the citizen's own records (contributions, pension and benefit payments, card state).
PERSONAL_QUERIES = frozenset({"13", "15", "25", "26", "27", "33", "36", "39"})
READ_MAX_AGE = timedelta(seconds=120)
NEEDS_CARD = "请在读卡器上刷身份证或社保卡，再查询本人的记录（手工输入的证件号码不能查询个人记录）。"
BAD_READ = "读卡信息校验失败，请重新刷卡，或按“帮办”请工作人员协助。"
REPLAYED = "该次刷卡信息已经使用过，不能重复使用，请重新刷卡。"


class CardReadRefused(Exception):
    """A read that claims to come from the reader but does not verify; str() is a Chinese message."""


def _key(device_token: str) -> bytes:
    return hashlib.sha256(("cuncun-card-reader:" + device_token).encode("utf-8")).digest()


def sign(device_token: str, document: str, number: str, read_at: str) -> str:
    """Return the signature the kiosk's reader puts on a read (the reader software and the demo reader)."""
    message = f"{document}|{number.strip().upper()}|{read_at}".encode()
    return hmac.new(_key(device_token), message, hashlib.sha256).hexdigest()


def verify(device_token: str, document: str, number: str, read_at: str | None, signature: str | None,
           now: datetime) -> bool:
    """Tell whether the number came from this kiosk's reader just now; False when it was typed (no signature).

    Raise CardReadRefused when a signature is given but is wrong, stale or from another kiosk.
    """
    if not signature:
        return False
    try:
        moment = datetime.fromisoformat(read_at or "")
    except ValueError:
        raise CardReadRefused(BAD_READ) from None
    if moment.tzinfo is None or not (now - READ_MAX_AGE <= moment <= now + timedelta(seconds=5)):
        raise CardReadRefused("读卡信息已过期，请重新刷卡。")
    if not hmac.compare_digest(sign(device_token, document, number, read_at or ""), signature):
        raise CardReadRefused(BAD_READ)
    return True


def consume(session: Session, kiosk_id: int, read_at: str, signature: str, now: datetime) -> None:
    """Mark a verified read as used; raise CardReadRefused when it was used before (a replay).

    Call it in the transaction that opens the citizen's session, so a read is spent only when it identified
    someone (a read re-posted with the name the county lacks is still fresh). A racing duplicate fails on the
    primary key: the exception ends the transaction, so it must reach the caller's `with` block.
    """
    session.execute(delete(UsedCardRead).where(UsedCardRead.read_at < now - READ_MAX_AGE))  # indexed: cheap
    signature = signature.lower()
    if session.get(UsedCardRead, signature) is not None:
        raise CardReadRefused(REPLAYED)
    session.add(UsedCardRead(signature=signature, kiosk_id=kiosk_id, read_at=datetime.fromisoformat(read_at),
                             used_at=now))
    try:
        session.flush()
    except IntegrityError:
        raise CardReadRefused(REPLAYED) from None


def refusal(item_code: str, card_read: bool) -> str | None:
    """Return why this citizen may not run this item at the kiosk, or None."""
    return NEEDS_CARD if item_code in PERSONAL_QUERIES and not card_read else None
