"""Seed the 12 towns and their service points from the county plan (附件4/附件5)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.org.models import HOME_COUNTY, County, Point, Town


@dataclass(frozen=True)
class TownPlan:
    """A town and the number of village and community points the plan gives it."""

    code: str
    name: str
    villages: int
    communities: int


# Order and counts as in 附件4 and 附件5; 附件5 splits the points into villages (行政村) and communities
# (社区): only 龙港镇, the county seat, has communities (25 + 10), every other town's points are all villages.
# Codes are pinyin initials; 郑村镇, 中村镇 and 张村乡 all abbreviate to "ZC", so those three keep the vowel
# of their first syllable (ZEC, ZOC, ZAC).
TOWNS: tuple[TownPlan, ...] = (
    TownPlan("LG", "龙港镇", 25, 10),
    TownPlan("ZZ", "郑庄镇", 25, 0),
    TownPlan("DS", "端氏镇", 20, 0),
    TownPlan("JF", "嘉峰镇", 18, 0),
    TownPlan("ZEC", "郑村镇", 15, 0),
    TownPlan("SZ", "柿庄镇", 11, 0),
    TownPlan("ZOC", "中村镇", 13, 0),
    TownPlan("GX", "固县乡", 11, 0),
    TownPlan("TW", "土沃乡", 12, 0),
    TownPlan("SL", "十里乡", 12, 0),
    TownPlan("HD", "胡底乡", 13, 0),
    TownPlan("ZAC", "张村乡", 7, 0),
)


def planned_points(town: TownPlan) -> list[Point]:
    """Return a town's points with placeholder names: villages, communities, then its demo point."""
    points = [Point(code=f"{town.code}-V{n:02d}", name=f"{town.name}第{n:02d}村（待更名）", town_code=town.code,
                    kind="basic", area="village", active=True) for n in range(1, town.villages + 1)]
    points += [Point(code=f"{town.code}-C{n:02d}", name=f"{town.name}第{n:02d}社区（待更名）", town_code=town.code,
                     kind="basic", area="community", active=True) for n in range(1, town.communities + 1)]
    points.append(Point(code=f"{town.code}-D", name=f"{town.name}示范网点", town_code=town.code,
                        kind="demo", area="town", active=True))
    return points


def seed_organisation(session: Session) -> tuple[int, int]:
    """Add the towns and points that are missing (never renames or revives one); return (towns, points) added."""
    if session.get(County, HOME_COUNTY[0]) is None:
        session.add(County(code=HOME_COUNTY[0], name=HOME_COUNTY[1], ordinal=1))
        session.flush()
    known_towns = set(session.scalars(select(Town.code)))
    known_points = set(session.scalars(select(Point.code)))
    towns_added = points_added = 0
    for ordinal, plan in enumerate(TOWNS, start=1):
        if plan.code not in known_towns:
            session.add(Town(code=plan.code, name=plan.name, county_code=HOME_COUNTY[0], ordinal=ordinal))
            towns_added += 1
    session.flush()  # towns first: points refer to them
    for plan in TOWNS:
        for point in planned_points(plan):
            if point.code not in known_points:
                session.add(point)
                points_added += 1
    session.flush()
    return towns_added, points_added
