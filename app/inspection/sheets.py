"""The score sheets of 附件2 as data: load them, check their arithmetic, and score an inspection with them."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

KINDS = ("basic", "demo")
FULL_MARKS = 100  # the pass mark setting is "out of 100"; a sheet with another maximum scales it


class SheetError(ValueError):
    """The sheets file is malformed; the message (Chinese) names the sheet and the problem."""


class ScoreError(ValueError):
    """Submitted scores do not fit the sheet; the message is Chinese, for the inspector."""


@dataclass(frozen=True)
class Line:
    """One line (细则) of a sheet: its number, text and the points it is worth."""

    no: int
    text: str
    points: int
    group: str

    @property
    def scorable(self) -> bool:
        """Tell whether the line is scored (the demo sheet's empty line 9 is not)."""
        return self.points > 0


@dataclass(frozen=True)
class Group:
    """A group (项目) of lines with the total printed beside its name."""

    label: str
    stated_total: int
    lines: tuple[Line, ...]

    @property
    def total(self) -> int:
        """Return what the group's lines add up to."""
        return sum(line.points for line in self.lines)

    @property
    def arithmetic(self) -> str:
        """Show the sum the way an analyst checks it on paper, e.g. "10 + 10 + 5 = 25"."""
        return f"{' + '.join(str(line.points) for line in self.lines)} = {self.total}"


@dataclass(frozen=True)
class Sheet:
    """A score sheet: groups of lines, the printed total, and the words around the table."""

    kind: str
    title: str
    subtitle: str
    unit_line: str
    inspecting_unit: str
    stated_total: int
    footnote: str
    groups: tuple[Group, ...]

    @property
    def lines(self) -> tuple[Line, ...]:
        """Return every line in sheet order."""
        return tuple(line for group in self.groups for line in group.lines)

    @property
    def scorable_lines(self) -> tuple[Line, ...]:
        """Return the lines an inspector scores."""
        return tuple(line for line in self.lines if line.scorable)

    @property
    def maximum(self) -> int:
        """Return the most a point can score: the sum of the lines' points, whatever the sheet states."""
        return sum(line.points for line in self.lines)

    @property
    def arithmetic(self) -> str:
        """Show the sheet's sum by groups, e.g. "25 + 25 + 25 + 35 = 110"."""
        return f"{' + '.join(str(g.total) for g in self.groups)} = {self.maximum}"

    def line(self, no: int) -> Line | None:
        """Return the line with this number."""
        return next((line for line in self.lines if line.no == no), None)


@dataclass(frozen=True)
class SheetFinding:
    """A sum that does not match what the sheet states."""

    kind: str
    where: str
    message: str


def _text(raw: Mapping[str, Any], key: str, where: str, *, allow_empty: bool = False) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise SheetError(f"{where}：缺少 {key}（文字）")
    return value


def _number(raw: Mapping[str, Any], key: str, where: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SheetError(f"{where}：{key} 应为非负整数")
    return value


def _parse_sheet(raw: Any, index: int) -> Sheet:
    where = f"第{index}张评分表"
    if not isinstance(raw, Mapping):
        raise SheetError(f"{where}：应为 [[sheets]] 表")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise SheetError(f"{where}：kind 应为 {' 或 '.join(KINDS)}")
    where = f"评分表 {kind}"
    groups, seen = [], set()
    raw_groups = raw.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise SheetError(f"{where}：至少需要一个 [[sheets.groups]]")
    for g in raw_groups:
        label = _text(g, "label", where)
        lines = []
        for raw_line in g.get("lines") or []:
            no = _number(raw_line, "no", f"{where} {label}")
            line_where = f"{where} 第{no}项"
            if no in seen:
                raise SheetError(f"{line_where}：序号重复")
            seen.add(no)
            text = _text(raw_line, "text", line_where, allow_empty=True)
            points = _number(raw_line, "points", line_where)
            if points and not text.strip():
                raise SheetError(f"{line_where}：有分值的细则不能没有文字")
            lines.append(Line(no, text, points, label))
        if not lines:
            raise SheetError(f"{where} {label}：没有细则")
        groups.append(Group(label, _number(g, "stated_total", f"{where} {label}"), tuple(lines)))
    sheet = Sheet(kind, _text(raw, "title", where), _text(raw, "subtitle", where), _text(raw, "unit_line", where),
                  _text(raw, "inspecting_unit", where), _number(raw, "stated_total", where),
                  _text(raw, "footnote", where), tuple(groups))
    if not sheet.scorable_lines:
        raise SheetError(f"{where}：没有可评分的细则")
    return sheet


def parse_sheets(document: Mapping[str, Any]) -> dict[str, Sheet]:
    """Build the sheets from a parsed TOML document; raise SheetError on any problem."""
    sheets: dict[str, Sheet] = {}
    for index, raw in enumerate(document.get("sheets") or [], start=1):
        sheet = _parse_sheet(raw, index)
        if sheet.kind in sheets:
            raise SheetError(f"评分表 {sheet.kind} 出现了两次")
        sheets[sheet.kind] = sheet
    missing = [k for k in KINDS if k not in sheets]
    if missing:
        raise SheetError(f"缺少评分表：{'、'.join(missing)}")
    return sheets


def load_sheets(path: Path | str) -> dict[str, Sheet]:
    """Read the sheets file (processes/score_sheets.toml)."""
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SheetError(f"{path}：无法读取评分表：{exc}") from exc
    return parse_sheets(document)


def check_sheet(sheet: Sheet) -> list[SheetFinding]:
    """Report the groups whose lines do not add up to their stated total, and a total that is not the stated one."""
    findings = [SheetFinding(sheet.kind, g.label,
                             f"{g.label}：细则分值 {g.arithmetic}，与标注的 {g.stated_total} 分不符")
                for g in sheet.groups if g.total != g.stated_total]
    if sheet.maximum != sheet.stated_total:
        findings.append(SheetFinding(sheet.kind, "合计", f"合计：各项目 {sheet.arithmetic}，与标注的合计 "
                                     f"{sheet.stated_total} 分不符；评分按细则分值计算，满分为 {sheet.maximum} 分"))
    return findings


def pass_mark(sheet: Sheet, pass_percent: int) -> Fraction:
    """Return the pass mark on this sheet: the setting (out of 100) scaled to the sheet's maximum."""
    return Fraction(pass_percent * sheet.maximum, FULL_MARKS)


def show_mark(mark: Fraction) -> str:
    """Show a mark without a needless ".0" (88, 84.5)."""
    return str(mark.numerator) if mark.denominator == 1 else f"{float(mark):.1f}"


@dataclass(frozen=True)
class LineScore:
    """A scored line, as it goes on the completed sheet."""

    no: int
    group: str
    text: str
    points: int
    score: int | None  # None for a line that is not scored
    note: str

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly copy (kept with the inspection round)."""
        return {"no": self.no, "group": self.group, "text": self.text, "points": self.points, "score": self.score,
                "note": self.note}


@dataclass(frozen=True)
class Scored:
    """The outcome of scoring a sheet."""

    lines: tuple[LineScore, ...]
    total: int
    maximum: int
    pass_mark: Fraction
    passed: bool

    @property
    def lost(self) -> tuple[LineScore, ...]:
        """Return the lines that lost points."""
        return tuple(line for line in self.lines if line.score is not None and line.score < line.points)


def score_sheet(sheet: Sheet, scores: Mapping[int, Any], notes: Mapping[int, str], pass_percent: int) -> Scored:
    """Score every line of the sheet; raise ScoreError (Chinese) for a missing line or a score out of range."""
    lines = []
    for line in sheet.lines:
        if not line.scorable:
            lines.append(LineScore(line.no, line.group, line.text, 0, None, notes.get(line.no, "")))
            continue
        value = scores.get(line.no)
        if value is None or value == "":
            raise ScoreError(f"缺少第{line.no}项的得分，请逐项评分")
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScoreError(f"第{line.no}项的得分应为整数")
        if value < 0 or value > line.points:
            raise ScoreError(f"第{line.no}项的得分应在0到{line.points}分之间，现为{value}分")
        lines.append(LineScore(line.no, line.group, line.text, line.points, value, notes.get(line.no, "")))
    unknown = sorted(set(scores) - {line.no for line in sheet.scorable_lines})
    if unknown:
        raise ScoreError(f"评分表中没有第{unknown[0]}项")
    total = sum(line.score or 0 for line in lines)
    mark = pass_mark(sheet, pass_percent)
    return Scored(tuple(lines), total, sheet.maximum, mark, total >= mark)
