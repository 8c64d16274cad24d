"""Declare the organisation's tables: counties, towns and service points."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base
from engine.types import UTCDateTime

KIND_LABELS = {"basic": "基础网点", "demo": "示范网点"}
AREA_LABELS = {"village": "行政村", "community": "社区", "town": "乡镇"}


# The county the app was built for; the migration puts the existing towns in it.
HOME_COUNTY = ("140521", "沁水县")


class County(Base):
    """A county (县): its code is the national administrative division code (GB/T 2260)."""

    __tablename__ = "county"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    ordinal: Mapped[int] = mapped_column(Integer)


class Town(Base):
    """A town (乡镇) of a county."""

    __tablename__ = "town"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)  # the order of the county's own tables (附件4)


class CountyMember(Base):
    """Binds a county-level account (reviewer, supervisor, ...) to the county it works for."""

    __tablename__ = "county_member"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)


class Point(Base):
    """A service point (服务网点) of a village, a community, or a town's demo point."""

    __tablename__ = "service_point"
    # Two points of one town with one name could not be told apart on a case or a report.
    __table_args__ = (UniqueConstraint("town_code", "name"),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    town_code: Mapped[str] = mapped_column(ForeignKey("town.code"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "basic" or "demo"
    area: Mapped[str] = mapped_column(String(10))  # "village", "community" or "town"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    renamed_by: Mapped[str | None] = mapped_column(String(80))
    renamed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the point was added and closed: reports of a past month count only the points that existed then.
    # NULL created_at = existed before records began (the plan's points, every row older than migration 0013c).
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(80))

    @property
    def kind_label(self) -> str:
        """Return the kind in Chinese."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def area_label(self) -> str:
        """Return the area in Chinese."""
        return AREA_LABELS.get(self.area, self.area)
