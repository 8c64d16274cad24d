"""Edit points' profiles (附件5 columns 6-10) one by one or from an .xlsx file; every change is audited."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.org.models import Point, Town
from app.org.profiles import NUMERIC_FIELDS, PROFILE_FIELDS, PointProfile
from app.org.services import OrgError, rename_point
from engine import audit

DECIMAL = re.compile(r"\d{1,9}(\.\d{1,4})?")
LABELS = {name: label for name, label, _ in PROFILE_FIELDS}
IMPORT_HEADERS = ("网点编号", "乡镇", "行政村(社区)名称", *(label for _, label, _ in PROFILE_FIELDS))
MAX_ROWS = 2000


class ImportRefused(Exception):
    """A profile file refused whole; `errors` are Chinese lines naming the row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def clean(name: str, raw: Any) -> str | None:
    """Return a field's value as stored (None when empty); raise OrgError with the reason when it is bad."""
    text = " ".join(str(raw if raw is not None else "").split())
    if not text:
        return None
    limit = dict((n, m) for n, _, m in PROFILE_FIELDS)[name]
    if name in NUMERIC_FIELDS:
        if isinstance(raw, float):
            text = f"{raw:.4f}".rstrip("0").rstrip(".")
        if not DECIMAL.fullmatch(text):
            raise OrgError(f"“{LABELS[name]}”应填写数字（最多4位小数），不能是“{text}”。")
    if len(text) > limit:
        raise OrgError(f"“{LABELS[name]}”不能超过 {limit} 个字。")
    return text


def profiles_of(session: Session, codes: Iterable[str]) -> dict[str, dict[str, str]]:
    """Return the profiles of these points by code (points with none are left out)."""
    codes = list(codes)
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(codes), 500):  # bounded IN lists
        for row in session.scalars(select(PointProfile).where(PointProfile.point_code.in_(codes[start:start + 500]))):
            found[row.point_code] = row.values()
    return found


def _point_in(session: Session, code: str, town_code: str | None, county_code: str | None = None) -> Point:
    point = session.get(Point, code)
    town = session.get(Town, point.town_code) if point is not None and county_code is not None else None
    if (point is None or (town_code is not None and point.town_code != town_code)
            or (county_code is not None and (town is None or town.county_code != county_code))):
        raise OrgError(f"网点 {code} 不存在或不在您的管辖范围内。")
    return point


def _apply(session: Session, point: Point, values: Mapping[str, str | None], actor: str, at: datetime,
           source: str) -> bool:
    row = session.get(PointProfile, point.code)
    changes = {name: [getattr(row, name) if row else None, values[name]] for name, _, _ in PROFILE_FIELDS
               if name in values and (getattr(row, name) if row else None) != values[name]}
    if not changes:
        return False
    if row is None:
        row = PointProfile(point_code=point.code)
        session.add(row)
    for name, (_, new) in changes.items():
        setattr(row, name, new)
    row.updated_by, row.updated_at = actor, at
    audit.record(session, at=at, actor=actor, action="point_profile_changed", point_code=point.code,
                 source=source, changes=changes)
    return True


def save_profile(session: Session, code: str, form: Mapping[str, Any], *, actor: str, at: datetime,
                 town_code: str | None = None, county_code: str | None = None) -> bool:
    """Save a point's profile from a form (of `town_code`'s points, when given); return whether anything changed."""
    point = _point_in(session, code, town_code, county_code)
    values = {name: clean(name, form.get(name)) for name, _, _ in PROFILE_FIELDS}
    return _apply(session, point, values, actor, at, "form")


def template_workbook(session: Session, town_code: str | None, county_code: str | None = None) -> bytes:
    """Return the import template: one line per active point of the town (or county) with its current profile."""
    query = (select(Point, Town).join(Town, Town.code == Point.town_code).where(Point.active.is_(True))
             .order_by(Town.ordinal, Point.code))
    if town_code:
        query = query.where(Point.town_code == town_code)
    if county_code:
        query = query.where(Town.county_code == county_code)
    rows = list(session.execute(query))
    profiles = profiles_of(session, [p.code for p, _ in rows])
    book = Workbook()
    sheet = book.active
    sheet.title = "服务点情况"
    sheet.append(IMPORT_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for point, town in rows:
        values = profiles.get(point.code, {})
        sheet.append((point.code, town.name, point.name, *(values.get(n) or None for n, _, _ in PROFILE_FIELDS)))
    for index, width in enumerate((10, 10, 26, 12, 12, 24, 30, 30), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _read(content: bytes) -> list[tuple[int, tuple]]:
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged or foreign file
        raise ImportRefused([f"不是有效的 Excel（.xlsx）文件：{type(exc).__name__}"]) from exc
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    if not rows:
        raise ImportRefused(["文件是空的。"])
    header = tuple(str(c).strip() if c is not None else "" for c in rows[0][:len(IMPORT_HEADERS)])
    if header != IMPORT_HEADERS:
        raise ImportRefused([f"第1行应为表头：{'、'.join(IMPORT_HEADERS)}。请使用下载的模板。"])
    body = [(n, row) for n, row in enumerate(rows[1:], start=2) if any(c not in (None, "") for c in row)]
    if len(body) > MAX_ROWS:
        raise ImportRefused([f"一次最多导入 {MAX_ROWS} 行。"])
    return body


def import_workbook(session: Session, content: bytes, *, actor: str, at: datetime,
                    town_code: str | None = None, county_code: str | None = None) -> tuple[int, int]:
    """Apply a profile file (names and columns 6-10) all or nothing; return (profiles changed, points renamed).

    Raises ImportRefused listing every bad row; the caller's transaction then rolls back, so nothing changes.
    """
    errors: list[str] = []
    seen: set[str] = set()
    changed = renamed = 0
    for number, row in _read(content):
        cells = list(row) + [None] * (len(IMPORT_HEADERS) - len(row))
        code = str(cells[0] or "").strip()
        if not code:
            errors.append(f"第{number}行：缺少网点编号。")
            continue
        if code in seen:
            errors.append(f"第{number}行：网点 {code} 在文件中重复出现。")
            continue
        seen.add(code)
        try:
            point = _point_in(session, code, town_code, county_code)
            values = {name: clean(name, cells[3 + i]) for i, (name, _, _) in enumerate(PROFILE_FIELDS)}
            name = " ".join(str(cells[2] or "").split())
            if name and name != point.name:
                rename_point(session, code, name, actor=actor, at=at)
                session.flush()  # the next row's clash check must see this name
                renamed += 1
            changed += _apply(session, point, values, actor, at, "import")
        except OrgError as exc:
            errors.append(f"第{number}行（{code}）：{exc}")
    if errors:
        raise ImportRefused(errors)
    return changed, renamed
