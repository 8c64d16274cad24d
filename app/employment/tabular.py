"""Read an admin's CSV or Excel file into checked rows: all or nothing, naming the first bad row."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine.idcard import IdNumberError, validate_id_number

Parser = Callable[[str], Any]
PHONE = re.compile(r"[0-9+\-() ]{7,20}")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class ImportFileError(ValueError):
    """The file cannot be imported; the message names the file, the row and the column."""


@dataclass(frozen=True)
class Column:
    """One column of an import file: its Chinese header, the key it fills and how to read a cell."""

    header: str
    key: str
    parse: Parser
    required: bool = True
    default: Any = ""


def _cell_text(value: Any) -> str:
    """Turn an Excel cell into the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(raw: bytes, name: str) -> str:
    # Excel on Chinese Windows saves CSV as GB18030 (GBK); other tools save UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"{name}：无法识别文件编码，请另存为 UTF-8 的 CSV")


def read_table(path: str | Path) -> list[tuple[int, list[str]]]:
    """Return the non-empty rows of a .csv or .xlsx file with their row numbers (the header is row 1)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a damaged or foreign file
            raise ImportFileError(f"{path.name}：不是有效的 Excel 文件（{exc}）") from exc
        rows = [[_cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    elif path.suffix.lower() == ".csv":
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(_decode(path.read_bytes(), path.name)))]
    else:
        raise ImportFileError(f"{path.name}：只能导入 .csv 或 .xlsx 文件")
    return [(n, row) for n, row in enumerate(rows, start=1) if any(row)]


def parse_table(name: str, rows: list[tuple[int, list[str]]], columns: list[Column],
                key: Callable[[dict], Any], check: Callable[[dict], str | None] | None = None) -> list[dict[str, Any]]:
    """Check every row against the columns and refuse the whole file at the first bad row or duplicate key."""
    if not rows:
        raise ImportFileError(f"{name}：文件是空的")
    header_no, header = rows[0]
    position = {h: i for i, h in enumerate(header) if h}
    missing = [c.header for c in columns if c.required and c.header not in position]
    if missing:
        raise ImportFileError(f"{name}：第{header_no}行（表头）缺少列：{'、'.join(missing)}")
    if len(rows) == 1:
        raise ImportFileError(f"{name}：只有表头，没有数据行")
    result, seen = [], {}
    for number, cells in rows[1:]:
        record = {}
        for column in columns:
            index = position.get(column.header)
            text = cells[index].strip() if index is not None and index < len(cells) else ""
            if not text:
                if column.required:
                    raise ImportFileError(f"{name}：第{number}行“{column.header}”不能为空")
                record[column.key] = column.default
                continue
            try:
                record[column.key] = column.parse(text)
            except ValueError as exc:
                raise ImportFileError(f"{name}：第{number}行“{column.header}”{exc}") from None
        problem = check(record) if check else None
        if problem:
            raise ImportFileError(f"{name}：第{number}行{problem}")
        identity = key(record)
        if identity in seen:
            raise ImportFileError(f"{name}：第{number}行与第{seen[identity]}行重复")
        seen[identity] = number
        result.append(record)
    return result


def text(max_length: int) -> Parser:
    """Read text up to a length."""
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(f"超过{max_length}个字")
        return value
    return parse


def integer(minimum: int = 0) -> Parser:
    """Read a whole number not below a minimum (Excel's 3000.0 is 3000)."""
    def parse(value: str) -> int:
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            raise ValueError(f"应为整数，现为“{value}”") from None
        if not number.is_integer() or number < minimum:
            raise ValueError(f"应为不小于{minimum}的整数，现为“{value}”")
        return int(number)
    return parse


def day(value: str) -> date:
    """Read a date written as 2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日 or 20261123."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.split(" ")[0], fmt).date()
        except ValueError:
            continue
    raise ValueError(f"不是有效日期“{value}”，请写成 2026-11-23")


def phone(value: str) -> str:
    """Read a phone number (mobile or landline with area code)."""
    if not PHONE.fullmatch(value):
        raise ValueError(f"不是有效的电话号码“{value}”")
    return value


def id_number(value: str) -> str:
    """Read a citizen ID number, check digit verified."""
    try:
        return validate_id_number(value)
    except IdNumberError as exc:
        raise ValueError(f"{exc}") from None


def one_of(mapping: dict[str, str], noun: str) -> Parser:
    """Read a code from its Chinese label (or the code itself)."""
    def parse(value: str) -> str:
        for code, label in mapping.items():
            if value in (code, label):
                return code
        raise ValueError(f"“{value}”不是有效的{noun}，可填：{'、'.join(mapping.values())}")
    return parse


def many_of(mapping: dict[str, str], noun: str) -> Parser:
    """Read several codes from labels separated by 、 ， , ; or spaces."""
    single = one_of(mapping, noun)

    def parse(value: str) -> list[str]:
        picked = [single(part) for part in re.split(r"[、，,;；\s]+", value) if part]
        return list(dict.fromkeys(picked))
    return parse
