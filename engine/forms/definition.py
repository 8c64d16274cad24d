"""Form definitions: the dataclasses, the TOML loader and the registry of forms/*.toml."""

from __future__ import annotations

import keyword
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

FIELD_TYPES = frozenset(
    {"text", "textarea", "integer", "decimal", "date", "choice", "multichoice", "boolean", "phone",
     "id_number", "ss_card"}
)
CHOICE_TYPES = frozenset({"choice", "multichoice"})
NUMBER_TYPES = frozenset({"integer", "decimal"})
LENGTH_TYPES = frozenset({"text", "textarea"})
STRING_TYPES = frozenset({"text", "textarea", "phone", "id_number", "ss_card"})

_FORM_KEYS = {"title", "description", "fields"}
_FIELD_KEYS = {
    "name", "label", "type", "required", "required_when", "choices", "choices_from", "min", "max",
    "min_length", "max_length", "pattern", "pattern_message", "default", "help", "readonly_from",
}
# Task-data keys become Python names in BPMN expressions, so a field name must be one.
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class FormDefinitionError(ValueError):
    """A form file is malformed; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


@dataclass(frozen=True)
class Choice:
    """One option of a choice or multichoice field."""

    value: str
    label: str


@dataclass(frozen=True)
class RequiredWhen:
    """Make a field required when another field (or task-data key) equals a value."""

    field: str
    equals: Any


@dataclass(frozen=True)
class Field:
    """One field of a form; see forms/README.md for the meaning of each key."""

    name: str
    label: str
    type: str
    required: bool = False
    required_when: RequiredWhen | None = None
    choices: tuple[Choice, ...] = ()
    choices_from: str | None = None
    min: Any = None
    max: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    default: Any = None
    help: str | None = None
    readonly_from: str | None = None

    @property
    def readonly(self) -> bool:
        """Tell whether the field only shows task data and is never submitted."""
        return self.readonly_from is not None


# A decision is a choice field named `decision` or `…_decision` / `…_outcome`; its reasons a text field named
# `…opinion` / `…_answer`. The audit trail keeps their values, so a case's history shows every decision made.
VERDICT_SUFFIXES = ("_decision", "_outcome")
OPINION_SUFFIXES = ("opinion", "_answer")


@dataclass(frozen=True)
class FormDefinition:
    """A form spec keyed by the BPMN id of the user task it belongs to."""

    id: str
    title: str
    fields: tuple[Field, ...]
    description: str | None = None
    path: str | None = None

    def field(self, name: str) -> Field | None:
        """Return the field called `name`, if any."""
        return next((f for f in self.fields if f.name == name), None)

    @property
    def input_fields(self) -> tuple[Field, ...]:
        """Return the fields a user submits (all but the read-only ones)."""
        return tuple(f for f in self.fields if not f.readonly)

    @property
    def verdict_fields(self) -> tuple[Field, ...]:
        """Return the fields that record a decision and its opinion, by the naming convention of forms/README.md."""
        return tuple(f for f in self.input_fields
                     if (f.type == "choice" and (f.name == "decision" or f.name.endswith(VERDICT_SUFFIXES)))
                     or (f.type in ("text", "textarea") and f.name.endswith(OPINION_SUFFIXES)))


def _check_date_bound(value: Any) -> bool:
    """Tell whether a date bound or default is "today", an ISO date string or a TOML date."""
    if isinstance(value, date):
        return not isinstance(value, datetime)
    if not isinstance(value, str):
        return False
    if value == "today":
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _as_iso(value: Any) -> Any:
    """Turn a TOML date into its ISO string so definitions stay JSON-friendly."""
    return value.isoformat() if isinstance(value, date) else value


def _default_fits(kind: str, default: Any) -> bool:
    """Tell whether a default value has the right TOML type for the field type."""
    if kind in STRING_TYPES or kind == "choice":
        return isinstance(default, str)
    if kind == "integer":
        return isinstance(default, int) and not isinstance(default, bool)
    if kind == "decimal":
        return isinstance(default, int | float | str) and not isinstance(default, bool)
    if kind == "date":
        return _check_date_bound(default)
    if kind == "multichoice":
        return isinstance(default, list) and all(isinstance(v, str) for v in default)
    return isinstance(default, bool)


def _parse_choices(raw: Any, fail: Callable[[str], NoReturn]) -> tuple[Choice, ...]:
    """Read `choices = [{value=…, label=…}, …]`."""
    if not isinstance(raw, list) or not raw:
        fail("choices 应为非空列表，每项形如 {value=\"…\", label=\"…\"}")
    choices = []
    for item in raw:
        if not isinstance(item, Mapping) or set(item) != {"value", "label"}:
            fail("choices 的每一项必须恰好有 value 和 label")
        choices.append(Choice(str(item["value"]), str(item["label"])))
    values = [c.value for c in choices]
    if len(set(values)) != len(values):
        fail("choices 中有重复的 value")
    return tuple(choices)


def _parse_field(raw: Any, index: int, path: Path | str, reserved: frozenset[str]) -> Field:
    """Build one Field from its TOML table, raising FormDefinitionError on any problem."""
    where = f"第{index}个字段"

    def fail(problem: str) -> NoReturn:
        raise FormDefinitionError(path, f"{where}: {problem}")

    if not isinstance(raw, Mapping):
        fail("应为表（[[fields]]）")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name) or keyword.iskeyword(name):
        fail(f"name {name!r} 须为小写英文标识符（字母、数字、下划线）")
    where = f"字段 {name}"
    # Read-only fields write nothing, so only submitted names can clash with reserved ones.
    if name in reserved and "readonly_from" not in raw:
        fail("name 与流程脚本环境中的函数或系统数据重名")
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        fail(f"未知的键 {', '.join(sorted(unknown))}")
    kind = raw.get("type")
    if kind not in FIELD_TYPES:
        fail(f"未知类型 {kind!r}，可用类型：{', '.join(sorted(FIELD_TYPES))}")
    if not isinstance(raw.get("label"), str) or not raw["label"].strip():
        fail("缺少 label")
    for key in ("required",):
        if not isinstance(raw.get(key, False), bool):
            fail(f"{key} 应为 true 或 false")
    for key in ("choices_from", "pattern_message", "help", "readonly_from"):
        if key in raw and not isinstance(raw[key], str):
            fail(f"{key} 应为字符串")
    if "readonly_from" in raw and ({"required", "required_when", "default"} & set(raw)):
        fail("只读字段（readonly_from）不能有 required、required_when 或 default")

    choices: tuple[Choice, ...] = ()
    if kind in CHOICE_TYPES:
        if ("choices" in raw) == ("choices_from" in raw):
            fail(f"{kind} 类型须有 choices 或 choices_from 之一")
        if "choices" in raw:
            choices = _parse_choices(raw["choices"], fail)
    elif "choices" in raw or "choices_from" in raw:
        fail(f"{kind} 类型不能有 choices / choices_from")

    for key in ("min", "max"):
        if key not in raw:
            continue
        if kind in NUMBER_TYPES:
            value = raw[key]
            if not isinstance(value, int | float) or isinstance(value, bool):
                fail(f"{key} 应为数字")
        elif kind == "date":
            if not _check_date_bound(raw[key]):
                fail(f"{key} 应为 \"today\" 或 \"YYYY-MM-DD\" 日期")
        else:
            fail(f"{kind} 类型不能有 {key}")
    for key in ("min_length", "max_length", "pattern", "pattern_message"):
        if key in raw and kind not in LENGTH_TYPES:
            fail(f"{kind} 类型不能有 {key}")
    for key in ("min_length", "max_length"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            fail(f"{key} 应为非负整数")
    if "pattern" in raw:
        try:
            re.compile(raw["pattern"])
        except (re.error, TypeError) as exc:
            fail(f"pattern 不是有效的正则表达式：{exc}")

    required_when = None
    if "required_when" in raw:
        rule = raw["required_when"]
        if not isinstance(rule, Mapping) or set(rule) != {"field", "equals"}:
            fail("required_when 应形如 { field = \"decision\", equals = \"reject\" }")
        if rule["field"] == name:
            fail("required_when 不能引用字段自身")
        required_when = RequiredWhen(str(rule["field"]), _as_iso(rule["equals"]))

    if "default" in raw:
        if not _default_fits(kind, raw["default"]):
            fail(f"default 的值与类型 {kind} 不符")
        values = raw["default"] if isinstance(raw["default"], list) else [raw["default"]]
        if choices and any(v not in {c.value for c in choices} for v in values):
            fail("default 不在 choices 中")

    return Field(
        name=name, label=raw["label"].strip(), type=kind, required=raw.get("required", False),
        required_when=required_when, choices=choices, choices_from=raw.get("choices_from"),
        min=_as_iso(raw.get("min")), max=_as_iso(raw.get("max")), min_length=raw.get("min_length"),
        max_length=raw.get("max_length"), pattern=raw.get("pattern"),
        pattern_message=raw.get("pattern_message"), default=_as_iso(raw.get("default")),
        help=raw.get("help"), readonly_from=raw.get("readonly_from"),
    )


def parse_form(
    document: Mapping[str, Any], form_id: str, path: Path | str = "<string>", reserved: Iterable[str] = ()
) -> FormDefinition:
    """Build a FormDefinition from an already-parsed TOML document."""
    unknown = set(document) - _FORM_KEYS
    if unknown:
        raise FormDefinitionError(path, f"未知的顶层键 {', '.join(sorted(unknown))}")
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        raise FormDefinitionError(path, "缺少 title")
    description = document.get("description")
    if description is not None and not isinstance(description, str):
        raise FormDefinitionError(path, "description 应为字符串")
    raw_fields = document.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise FormDefinitionError(path, "至少需要一个 [[fields]]")
    reserved_names = frozenset(reserved)
    fields = tuple(_parse_field(raw, i, path, reserved_names) for i, raw in enumerate(raw_fields, 1))
    seen: set[str] = set()
    for f in fields:
        if f.name in seen:
            raise FormDefinitionError(path, f"字段名 {f.name} 重复")
        seen.add(f.name)
    return FormDefinition(form_id, title.strip(), fields, description, str(path))


def load_form(path: Path | str, reserved: Iterable[str] = ()) -> FormDefinition:
    """Load forms/<bpmn_task_id>.toml; `reserved` names may not be used as field names."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FormDefinitionError(path, f"TOML 语法错误：{exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(path, f"无法读取：{exc}") from exc
    return parse_form(document, path.stem, path, reserved)


class FormRegistry:
    """All forms of a directory, loaded eagerly so a bad file fails at start-up."""

    def __init__(self, directory: Path | str, reserved: Iterable[str] = ()) -> None:
        self.directory = Path(directory)
        reserved = tuple(reserved)
        self._forms = {
            path.stem: load_form(path, reserved) for path in sorted(self.directory.glob("*.toml"))
        }

    def get(self, bpmn_id: str) -> FormDefinition | None:
        """Return the form of the user task with this BPMN id, or None."""
        return self._forms.get(bpmn_id)

    def ids(self) -> set[str]:
        """Return the BPMN ids that have a form."""
        return set(self._forms)

    def __contains__(self, bpmn_id: object) -> bool:
        return bpmn_id in self._forms

    def __len__(self) -> int:
        return len(self._forms)
