"""The personnel ledger (附件7 人员台账): each point's staff, 专职/兼职, role and account state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import vocab
from app.accounts.milestones import milestones_of
from app.accounts.models import PointMilestone, StaffProfile
from app.accounts.rules import is_locked
from app.auth.models import User
from app.auth.policy import Scope
from app.auth.roles import role_label
from app.org.models import Point, Town

TITLE = "沁水县各乡镇就业社保服务点人员台账"
NOTE = "备注：人员身份填专职人员或兼职人员"
# 附件7's column row did not survive the scan; these are the columns its note and DOMAIN.md ask for.
HEADERS = ("序号", "姓名", "人员身份", "单位", "职务", "联系电话", "系统账号", "账号类型", "角色", "账号状态")
NOT_RECORDED = "未登记"


@dataclass(frozen=True)
class LedgerRow:
    """One person on a point's ledger."""

    number: int
    name: str
    staff_type: str
    unit: str
    post: str
    phone: str
    username: str
    account_kind: str
    role: str
    state: str

    def cells(self) -> tuple:
        """Return the row in the order of HEADERS."""
        return (self.number, self.name, self.staff_type, self.unit, self.post, self.phone, self.username,
                self.account_kind, self.role, self.state)


@dataclass(frozen=True)
class PointLedger:
    """A point's ledger sheet: its staff and whether its staff accounts are authorised."""

    point: Point
    town: Town
    rows: list[LedgerRow]
    authorised: PointMilestone | None

    @property
    def heading(self) -> str:
        """Fill 附件7's "乡(镇) ___ 村就业社保服务点人员台账" with the town and the point."""
        return f"{self.town.name} {self.point.name} 就业社保服务点人员台账"


def account_state(user: User, profile: StaffProfile | None, now: datetime) -> str:
    """Say an account's state in Chinese: 已注销, 已冻结, 已锁定, 待首次改密 or 正常."""
    if profile is not None and profile.cancelled_at is not None:
        return "已注销"
    if not user.active:
        return "已冻结"
    if is_locked(user, now):
        return "已锁定"
    return "待首次改密" if user.must_change_password else "正常"


def _rows(pairs: list[tuple[User, StaffProfile | None]], now: datetime) -> list[LedgerRow]:
    rows = []
    for number, (user, profile) in enumerate(pairs, start=1):
        staff_type = vocab.STAFF_TYPES.get(profile.staff_type or "", NOT_RECORDED) if profile else NOT_RECORDED
        rows.append(LedgerRow(number, user.display_name, staff_type, (profile.unit if profile else None) or "",
                              (profile.post if profile else None) or "", (profile.phone if profile else None) or "",
                              user.username, vocab.account_kind_label(user.role), role_label(user.role),
                              account_state(user, profile, now)))
    return rows


def _ledgers(session: Session, points: list[tuple[Point, Town]], now: datetime) -> list[PointLedger]:
    codes = [p.code for p, _ in points]
    staff: dict[str, list[tuple[User, StaffProfile | None]]] = {code: [] for code in codes}
    if codes:
        query = (select(User, StaffProfile).outerjoin(StaffProfile, StaffProfile.user_id == User.id)
                 .where(User.point_code.in_(codes)).order_by(User.id))
        for user, profile in session.execute(query):
            staff[user.point_code].append((user, profile))
    reached = milestones_of(session, codes)
    return [PointLedger(point, town, _rows(staff[point.code], now), reached[point.code].get(vocab.STAFF_AUTHORISED))
            for point, town in points]


def point_ledger(session: Session, point_code: str, now: datetime) -> PointLedger | None:
    """Return one point's ledger, or None when there is no such point."""
    found = session.execute(select(Point, Town).join(Town, Point.town_code == Town.code)
                            .where(Point.code == point_code)).first()
    return _ledgers(session, [tuple(found)], now)[0] if found else None


def town_ledger(session: Session, town_code: str, now: datetime) -> tuple[Town, list[PointLedger]] | None:
    """Return a town and the ledgers of all its points (the demo point first), or None for no such town."""
    town = session.get(Town, town_code)
    if town is None:
        return None
    points = session.scalars(select(Point).where(Point.town_code == town_code)
                             .order_by((Point.kind != "demo"), Point.code)).all()
    return town, _ledgers(session, [(p, town) for p in points], now)


def towns_in(session: Session, scope: Scope) -> list[Town]:
    """Return the towns whose ledger the scope may see as a whole (none for a point's scope)."""
    if scope.point_code is not None:
        return []
    query = select(Town).order_by(Town.ordinal)
    if scope.town_code is not None:
        query = query.where(Town.code == scope.town_code)
    elif scope.towns is not None:
        query = query.where(Town.code.in_(sorted(scope.towns)))
    return list(session.scalars(query))
