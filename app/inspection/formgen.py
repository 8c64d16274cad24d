"""Generate the inspectors' score forms (forms/inspection_score_<kind>.toml) from the score sheets.

The engine validates a user task against forms/<task id>.toml, so each sheet's form is generated from the sheet:
one required whole-number score per line (0 to the line's points) and an optional note per line. Run

    python -m app.inspection.make_forms

after changing processes/score_sheets.toml, then restart the app (forms are read at start-up).
"""

from __future__ import annotations

import json
from pathlib import Path

from app.inspection.sheets import Sheet

HEADER = "# 由 processes/score_sheets.toml 生成（python -m app.inspection.make_forms），请勿手工修改。\n"


def task_id(kind: str) -> str:
    """Return the BPMN id of the scoring task for a sheet kind (also its form's file name)."""
    return f"inspection_score_{kind}"


def score_field(kind: str, no: int) -> str:
    """Return the form field holding a line's score."""
    return f"{kind}_score_{no:02d}"


def note_field(kind: str, no: int) -> str:
    """Return the form field holding a line's note."""
    return f"{kind}_note_{no:02d}"


def date_field(kind: str) -> str:
    """Return the form field holding the day the point was inspected."""
    return f"{kind}_inspected_on"


def opinion_field(kind: str) -> str:
    """Return the form field holding the inspector's overall opinion."""
    return f"{kind}_opinion"


def _q(text: str) -> str:
    """Quote a string for TOML (a JSON string is a valid TOML basic string)."""
    return json.dumps(text, ensure_ascii=False)


def _field(**keys: object) -> str:
    lines = ["[[fields]]"]
    for key, value in keys.items():
        lines.append(f"{key} = {_q(value) if isinstance(value, str) else str(value).lower()}")
    return "\n".join(lines) + "\n"


def form_toml(sheet: Sheet) -> str:
    """Return the TOML text of a sheet's score form."""
    kind = sheet.kind
    parts = [HEADER,
             f"title = {_q('验收评分' + sheet.subtitle.replace('(', '（').replace(')', '）'))}\n",
             "description = " + _q(f"按《{sheet.title}》{sheet.subtitle}逐项评分：每项填写得分"
                                   "（0到该项分值之间的整数），失分的项目请在备注中写明原因。"
                                   f"各项分值合计{sheet.maximum}分，提交后系统计算总分并判定是否达到合格分。") + "\n",
             _field(name=f"{kind}_seen_point", label="验收网点", type="text", readonly_from="inspection_point_text"),
             _field(name=f"{kind}_seen_schedule", label="验收安排", type="text",
                    readonly_from="inspection_schedule_text"),
             _field(name=f"{kind}_seen_lost", label="上次验收失分项及整改情况", type="textarea",
                    readonly_from="inspection_history_text"),
             _field(name=f"{kind}_seen_problem", label="需重新评分的原因", type="text",
                    readonly_from="inspection_score_problem"),
             _field(name=date_field(kind), label="验收日期", type="date", required=True, max="today", default="today")]
    for line in sheet.scorable_lines:
        parts.append(_field(name=score_field(kind, line.no), label=f"第{line.no}项得分（满分{line.points}分）",
                            type="integer", required=True, min=0, max=line.points,
                            help=f"{line.group}｜{line.text}"))
        parts.append(_field(name=note_field(kind, line.no), label=f"第{line.no}项备注", type="text", max_length=200))
    parts.append(_field(name=opinion_field(kind), label="验收意见", type="textarea", max_length=1000))
    return "\n".join(parts)


def form_path(forms_dir: Path, kind: str) -> Path:
    """Return where a sheet's form lives."""
    return Path(forms_dir) / f"{task_id(kind)}.toml"


def stale_forms(sheets: dict[str, Sheet], forms_dir: Path) -> list[str]:
    """Return the kinds whose form file is missing or differs from what the sheet generates."""
    stale = []
    for kind, sheet in sheets.items():
        path = form_path(forms_dir, kind)
        if not path.exists() or path.read_text(encoding="utf-8") != form_toml(sheet):
            stale.append(kind)
    return stale


def write_forms(sheets: dict[str, Sheet], forms_dir: Path) -> list[Path]:
    """Write every sheet's form; return the files written."""
    written = []
    for kind, sheet in sheets.items():
        path = form_path(forms_dir, kind)
        path.write_text(form_toml(sheet), encoding="utf-8")
        written.append(path)
    return written
