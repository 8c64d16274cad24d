"""Declare a point's profile: 附件5's columns 6-10 (area, population, organisation, address, location)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models import Base
from engine.types import UTCDateTime

# 附件5 columns 6-10, in order: (attribute, header as printed, longest text accepted).
PROFILE_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("area_km2", "地域面积(平方公里)", 20),
    ("population_wan", "常驻人口万人", 20),
    ("organisation", "服务点所属机构名称", 100),
    ("address", "服务点地址", 200),
    ("location", "服务点位置", 200),
)
NUMERIC_FIELDS = ("area_km2", "population_wan")


class PointProfile(Base):
    """What 附件5 says about a point beyond its name; kept apart from the point row, edited by its town."""

    __tablename__ = "point_profile"

    point_code: Mapped[str] = mapped_column(ForeignKey("service_point.code"), primary_key=True)
    # Decimal text as entered ("12.5"): the report prints it back unchanged, without float noise.
    area_km2: Mapped[str | None] = mapped_column(String(20))
    population_wan: Mapped[str | None] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    updated_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def values(self) -> dict[str, str]:
        """Return the five fields as text ("" when empty)."""
        return {name: getattr(self, name) or "" for name, _, _ in PROFILE_FIELDS}
