"""Import exports of the provincial system (CSV or Excel) into `roster_record`: all rows or none."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.social.models import RosterRecord
from engine.idcard import IdNumberError, validate_id_number


class RosterFileError(ValueError):
    """A roster file cannot be imported; the message names the file, the row and the problem in Chinese."""


@dataclass(frozen=True)
class Column:
    """One column the county understands in an export: its key, the export's header, and its check."""

    key: str
    label: str
    required: bool = False
    type: str = "text"  # text, decimal, year


@dataclass(frozen=True)
class RosterKind:
    """One kind of provincial export."""

    kind: str
    label: str
    columns: tuple[Column, ...]


def _kind(kind: str, label: str, *columns: Column) -> RosterKind:
    return RosterKind(kind, label, (Column("name", "姓名"), *columns))


KINDS = {k.kind: k for k in (
    _kind("employee_pension_contribution", "企业职工养老保险缴费记录",
          Column("period", "缴费年月", True), Column("base", "缴费基数", type="decimal"),
          Column("amount", "缴费金额", True, "decimal"), Column("employer", "缴费单位"),
          Column("arrival", "到账状态")),
    _kind("employee_pension_payment", "企业职工养老保险待遇发放记录",
          Column("period", "发放年月", True), Column("amount", "发放金额", True, "decimal"),
          Column("items", "项目组成"), Column("status", "发放状态"), Column("failure_reason", "失败原因")),
    _kind("unemployment_benefit_payment", "失业保险待遇发放记录",
          Column("period", "发放年月", True), Column("amount", "发放金额", True, "decimal"),
          Column("status", "发放状态"), Column("failure_reason", "失败原因")),
    _kind("resident_pension_enrolment", "城乡居民养老保险参保信息",
          Column("scheme", "险种", True), Column("status", "参保状态", True), Column("since", "参保日期")),
    _kind("resident_pension_contribution", "城乡居民养老保险缴费记录",
          Column("year", "缴费年度", True, "year"), Column("scheme", "险种"), Column("contribution_type", "缴费类型"),
          Column("amount", "缴费金额", True, "decimal"), Column("arrival", "到账情况")),
    _kind("resident_pension_payment", "城乡居民养老待遇发放记录",
          Column("period", "发放年月", True), Column("scheme", "险种"), Column("amount", "发放金额", True, "decimal"),
          Column("status", "发放状态"), Column("failure_reason", "失败原因")),
    _kind("card_status", "社会保障卡状态",
          Column("status", "卡状态", True), Column("card_number", "卡号"), Column("progress", "制卡进度"),
          Column("bank", "发卡银行"), Column("updated_on", "更新日期")),
    _kind("insurance_participation", "全险种参保信息",
          Column("insurance", "险种", True), Column("status", "参保状态", True), Column("since", "参保日期"),
          Column("employer", "参保单位")),
)}
# Exports name the ID column in several ways.
ID_HEADERS = ("身份证号码", "公民身份号码", "社会保障号码", "证件号码", "id_number")


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    kind: str
    rows: int
    people: int
    replaced: int


def _cell(value: object) -> str:
    """Turn a spreadsheet cell into text the way a clerk reads it (12 not 12.0, dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(f"文件 {path.name}：无法识别文字编码，请另存为 UTF-8 的 CSV")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged or foreign file
        raise RosterFileError(f"文件 {path.name}：不是有效的 Excel（.xlsx）文件（{exc}）") from exc
    try:
        return [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def read_rows(path: Path) -> list[list[str]]:
    """Return a CSV or .xlsx file's rows as text cells, header first."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise RosterFileError(f"文件 {path.name}：只支持 .csv 或 .xlsx 文件")


def _header_keys(roster: RosterKind, header: list[str], filename: str) -> list[str]:
    """Map each header cell to a column key, keep unknown headers as they are, and require the needed ones."""
    by_header = {c.label: c.key for c in roster.columns} | {c.key: c.key for c in roster.columns}
    keys = []
    for cell in header:
        keys.append("id_number" if cell in ID_HEADERS else by_header.get(cell, cell))
    missing = ["身份证号码"] if "id_number" not in keys else []
    missing += [c.label for c in roster.columns if c.required and c.key not in keys]
    if missing:
        raise RosterFileError(f"文件 {filename}：第1行（表头）缺少列：{'、'.join(missing)}")
    duplicated = sorted({k for k in keys if k and keys.count(k) > 1})
    if duplicated:
        raise RosterFileError(f"文件 {filename}：第1行（表头）列重复：{'、'.join(duplicated)}")
    return keys


def _check_value(column: Column, value: str) -> str:
    """Return the value normalised, or raise ValueError with a Chinese reason."""
    if column.type == "decimal":
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"{column.label}“{value}”不是数字") from None
        if not number.is_finite():
            raise ValueError(f"{column.label}“{value}”不是数字")
        return str(number)
    if column.type == "year" and not (len(value) == 4 and value.isdigit()):
        raise ValueError(f"{column.label}“{value}”应为四位年份")
    return value


def parse_rows(roster: RosterKind, rows: list[list[str]], filename: str) -> Iterator[tuple[int, str, dict]]:
    """Yield (row number, ID number, fields) for every non-empty data row; raise on the first bad row."""
    if not rows:
        raise RosterFileError(f"文件 {filename}：文件是空的")
    keys = _header_keys(roster, rows[0], filename)
    columns = {c.key: c for c in roster.columns}
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = dict(zip(keys, row + [""] * (len(keys) - len(row)), strict=False))
        if len(row) > len(keys) and any(row[len(keys):]):
            raise RosterFileError(f"文件 {filename} 第{number}行：数据列数多于表头")
        try:
            id_number = validate_id_number(values.pop("id_number"))
            fields = {}
            for key, value in values.items():
                column = columns.get(key)
                if column and column.required and not value:
                    raise ValueError(f"缺少{column.label}")
                if key and value:
                    fields[key] = _check_value(column, value) if column else value
        except (IdNumberError, ValueError) as exc:
            raise RosterFileError(f"文件 {filename} 第{number}行：{exc}") from None
        yield number, id_number, fields


def import_roster(session: Session, kind: str, path: str | Path, *, actor: str = "system",
                  now: datetime | None = None) -> ImportResult:
    """Check every row, then replace the listed people's records of this kind; a bad row changes nothing.

    An export is a snapshot per person, so importing it again, or a later export of the same people,
    replaces their records instead of adding duplicates; people not in the file keep theirs.
    """
    roster = KINDS.get(kind)
    if roster is None:
        raise RosterFileError(f"未知的名册类型 {kind}，可用：{'、'.join(KINDS)}")
    path = Path(path)
    parsed = list(parse_rows(roster, read_rows(path), path.name))
    if not parsed:
        raise RosterFileError(f"文件 {path.name}：没有数据行")
    people = sorted({id_number for _, id_number, _ in parsed})
    replaced = 0
    for chunk in _chunks(people, 500):  # keeps the IN list within every database's parameter limit
        replaced += session.execute(delete(RosterRecord).where(
            RosterRecord.kind == kind, RosterRecord.id_number.in_(chunk))).rowcount
    now = now or datetime.now(UTC)
    session.add_all(RosterRecord(kind=kind, id_number=id_number, row_number=number, source_file=path.name,
                                 fields=json.dumps(fields, ensure_ascii=False), imported_at=now, imported_by=actor)
                    for number, id_number, fields in parsed)
    session.flush()
    return ImportResult(kind, len(parsed), len(people), replaced)


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def roster_records(session: Session, kind: str, id_number: str) -> list[RosterRecord]:
    """Return one person's imported records of a kind, in the file's row order."""
    return list(session.scalars(select(RosterRecord).where(RosterRecord.kind == kind,
                                                           RosterRecord.id_number == id_number)
                                .order_by(RosterRecord.imported_at, RosterRecord.row_number)))
