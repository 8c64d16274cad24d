"""Kiosks and API tokens: register, revoke, list; and who a presented bearer token is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.models import User
from app.kiosk import tokens
from app.kiosk.models import ApiToken, CitizenSession, Kiosk
from app.org.models import Point
from engine import audit


class TokenRefused(Exception):
    """A presented token does not authenticate; `code` is stable, `message` Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


class KioskAdminError(Exception):
    """A registration or revocation was refused; str() is a Chinese message."""


@dataclass(frozen=True)
class Principal:
    """Who a request comes from: a kiosk at its point, or a staff account."""

    kind: str  # "kiosk" or "staff"
    token_id: int
    kiosk_id: int | None = None
    kiosk_name: str = ""
    point_code: str | None = None
    town_code: str | None = None
    user: User | None = None

    @property
    def is_kiosk(self) -> bool:
        """Tell whether the caller is a kiosk."""
        return self.kind == "kiosk"

    @property
    def actor(self) -> str:
        """Name the caller in the audit trail: kiosk:<id>, or the staff username."""
        return f"kiosk:{self.kiosk_id}" if self.is_kiosk else self.user.username

    @property
    def subject(self) -> str:
        """Key the caller's rate limits: per kiosk (whatever token it holds), else per token."""
        return f"kiosk:{self.kiosk_id}" if self.is_kiosk else f"token:{self.token_id}"


def _issue(session: Session, kind: str, prefix: str, *, actor: str, now: datetime, label: str = "",
           kiosk_id: int | None = None, user_id: int | None = None) -> tuple[ApiToken, str]:
    raw = tokens.new_token(prefix)
    row = ApiToken(kind=kind, token_hash=tokens.token_hash(raw), prefix=raw[:tokens.PREFIX_SHOWN], label=label,
                   kiosk_id=kiosk_id, user_id=user_id, created_at=now, created_by=actor)
    session.add(row)
    session.flush()
    return row, raw


def register_kiosk(session: Session, point_code: str, name: str, *, actor: str, now: datetime) -> tuple[Kiosk, str]:
    """Register a kiosk to a point; return it and its token (shown once, never stored in clear)."""
    point = session.get(Point, point_code)
    if point is None:
        raise KioskAdminError(f"没有编码为 {point_code} 的服务网点。")
    name = name.strip() or f"{point.name}自助机"
    kiosk = Kiosk(name=name[:80], point_code=point.code, town_code=point.town_code, registered_at=now,
                  registered_by=actor)
    session.add(kiosk)
    session.flush()
    token, raw = _issue(session, "kiosk", tokens.KIOSK, actor=actor, now=now, label=kiosk.name, kiosk_id=kiosk.id)
    audit.record(session, at=now, actor=actor, action="kiosk_registered", point_code=point.code, kiosk=kiosk.id,
                 token=token.prefix)
    return kiosk, raw


def _revoke_tokens(session: Session, *conditions, actor: str, now: datetime) -> int:
    return session.execute(update(ApiToken).where(*conditions, ApiToken.revoked_at.is_(None))
                           .values(revoked_at=now, revoked_by=actor)).rowcount


def _end_citizens(session: Session, kiosk_id: int, now: datetime, reason: str) -> None:
    session.execute(update(CitizenSession).where(CitizenSession.kiosk_id == kiosk_id,
                                                 CitizenSession.ended_at.is_(None))
                    .values(ended_at=now, ended_reason=reason, id_number=None, name=None, card_number=None))


def revoke_kiosk(session: Session, kiosk_id: int, *, actor: str, now: datetime) -> Kiosk:
    """Take a kiosk out of service: its tokens stop working and its citizen's session ends."""
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise KioskAdminError(f"没有编号为 {kiosk_id} 的自助机。")
    if kiosk.revoked_at is None:
        kiosk.revoked_at, kiosk.revoked_by = now, actor
    _revoke_tokens(session, ApiToken.kiosk_id == kiosk_id, actor=actor, now=now)
    _end_citizens(session, kiosk_id, now, "revoked")
    audit.record(session, at=now, actor=actor, action="kiosk_revoked", point_code=kiosk.point_code, kiosk=kiosk.id)
    return kiosk


def rotate_kiosk_token(session: Session, kiosk_id: int, *, actor: str, now: datetime) -> str:
    """Give a kiosk a new token and revoke its old ones (e.g. after the device was replaced)."""
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.revoked_at is not None:
        raise KioskAdminError(f"编号为 {kiosk_id} 的自助机不存在或已停用。")
    _revoke_tokens(session, ApiToken.kiosk_id == kiosk_id, actor=actor, now=now)
    _end_citizens(session, kiosk_id, now, "revoked")
    token, raw = _issue(session, "kiosk", tokens.KIOSK, actor=actor, now=now, label=kiosk.name, kiosk_id=kiosk.id)
    audit.record(session, at=now, actor=actor, action="kiosk_token_rotated", point_code=kiosk.point_code,
                 kiosk=kiosk.id, token=token.prefix)
    return raw


def issue_staff_token(session: Session, username: str, label: str, *, actor: str,
                      now: datetime) -> tuple[ApiToken, str]:
    """Issue an integration token that acts as a staff account, with that account's role and scope."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise KioskAdminError(f"账号 {username} 不存在或已停用。")
    token, raw = _issue(session, "staff", tokens.STAFF, actor=actor, now=now, label=label.strip()[:80],
                        user_id=user.id)
    audit.record(session, at=now, actor=actor, action="api_token_issued", point_code=user.point_code,
                 user=user.username, token=token.prefix)
    return token, raw


def revoke_token(session: Session, token_id: int, *, actor: str, now: datetime) -> ApiToken:
    """Revoke one token (a kiosk's or a staff account's)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise KioskAdminError(f"没有编号为 {token_id} 的令牌。")
    _revoke_tokens(session, ApiToken.id == token_id, actor=actor, now=now)
    audit.record(session, at=now, actor=actor, action="api_token_revoked", token=token.prefix, kind=token.kind)
    return token


def list_kiosks(session: Session) -> list[tuple[Kiosk, str, list[ApiToken]]]:
    """Return every kiosk with its point's name and its tokens, by point then id."""
    rows = session.execute(select(Kiosk, Point.name).join(Point, Point.code == Kiosk.point_code)
                           .order_by(Kiosk.point_code, Kiosk.id)).all()
    found = session.scalars(select(ApiToken).where(ApiToken.kiosk_id.is_not(None)).order_by(ApiToken.id)).all()
    by_kiosk: dict[int, list[ApiToken]] = {}
    for token in found:
        by_kiosk.setdefault(token.kiosk_id, []).append(token)
    return [(kiosk, point_name, by_kiosk.get(kiosk.id, [])) for kiosk, point_name in rows]


def list_staff_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    """Return the staff tokens with their usernames."""
    return [(t, name) for t, name in session.execute(
        select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id))]


INVALID = TokenRefused("invalid_token", "访问令牌无效，请检查后重试。")


def authenticate(session: Session, raw: str, now: datetime) -> Principal:
    """Return who a bearer token belongs to, or raise TokenRefused (missing, unknown, revoked, disabled)."""
    if not raw:
        raise TokenRefused("missing_token", "缺少访问令牌，请在 Authorization 头中以 Bearer 方式提供。")
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.token_hash(raw)))
    if token is None:
        raise INVALID
    if token.revoked_at is not None:
        raise TokenRefused("token_revoked", "访问令牌已被吊销，请联系系统管理员。")
    token.last_used_at = now
    if token.kind == "kiosk":
        kiosk = session.get(Kiosk, token.kiosk_id)
        if kiosk is None or kiosk.revoked_at is not None:
            raise TokenRefused("token_revoked", "本自助机已停用，请联系系统管理员。")
        return Principal("kiosk", token.id, kiosk_id=kiosk.id, kiosk_name=kiosk.name, point_code=kiosk.point_code,
                         town_code=kiosk.town_code)
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        raise TokenRefused("account_disabled", "令牌所属账号已停用。")
    return Principal("staff", token.id, point_code=user.point_code, town_code=user.town_code, user=user)
