"""Server-side validation of a posted form into typed, JSON-friendly task data."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from engine.forms.definition import CHOICE_TYPES, STRING_TYPES, Choice, Field, FormDefinition
from engine.idcard import IdNumberError, validate_id_number, validate_ss_card_number

# Unbounded text would let one post bloat every later copy of the task data.
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 2000}
TRUE_WORDS = frozenset({"on", "true", "1", "yes", "y", "是"})
FALSE_WORDS = frozenset({"", "off", "false", "0", "no", "n", "否"})

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# Old county PCs often have no date picker, so typed dates in the usual Chinese forms are accepted.
_DATE_FORMS = (
    re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?")

RawValue = str | list[str]


class _Invalid(Exception):
    """A value failed a check; args[0] is the Chinese message."""


@dataclass
class FormResult:
    """Typed data, per-field Chinese errors, and the trimmed input to re-show on error."""

    data: dict[str, Any]
    errors: dict[str, str]
    raw: dict[str, RawValue] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Tell whether the form passed validation."""
        return not self.errors


def resolve_choices(f: Field, context: Mapping[str, Any] | None) -> tuple[Choice, ...]:
    """Return a field's static choices, or those read from task data for `choices_from`."""
    if f.choices_from is None:
        return f.choices
    items = (context or {}).get(f.choices_from) or []
    choices = []
    for item in items if isinstance(items, list | tuple) else []:
        if isinstance(item, Mapping) and "value" in item:
            choices.append(Choice(str(item["value"]), str(item.get("label", item["value"]))))
        else:
            choices.append(Choice(str(item), str(item)))
    return tuple(choices)


def resolve_date_bound(bound: str | None, today: date) -> date | None:
    """Turn a date min/max ("today" or ISO) into a date."""
    if bound is None:
        return None
    return today if bound == "today" else date.fromisoformat(bound)


def _text(value: Any) -> str:
    """Turn one posted value (HTML string or JSON scalar) into trimmed text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value).strip()


def _values(raw: Mapping[str, Any], name: str) -> list[str]:
    """Return every posted value for `name`, from a plain mapping or a werkzeug MultiDict."""
    if hasattr(raw, "getlist"):
        items = raw.getlist(name)
    else:
        value = raw.get(name)
        items = [] if value is None else list(value) if isinstance(value, list | tuple) else [value]
    return [_text(v) for v in items]


def _check_range(f: Field, number: Decimal | int) -> None:
    if f.min is not None and number < Decimal(str(f.min)):
        raise _Invalid(f"{f.label}不能小于{f.min}")
    if f.max is not None and number > Decimal(str(f.max)):
        raise _Invalid(f"{f.label}不能大于{f.max}")


def _to_text(f: Field, text: str, choices: tuple[Choice, ...], today: date) -> str:
    text = text.replace("\r\n", "\n")
    if f.min_length is not None and len(text) < f.min_length:
        raise _Invalid(f"{f.label}至少填写{f.min_length}个字")
    limit = f.max_length if f.max_length is not None else DEFAULT_MAX_LENGTH[f.type]
    if len(text) > limit:
        raise _Invalid(f"{f.label}不能超过{limit}个字，现为{len(text)}个字")
    if f.pattern is not None and not re.fullmatch(f.pattern, text):
        raise _Invalid(f.pattern_message or f"{f.label}格式不正确")
    return text


def _to_integer(f: Field, text: str, choices: tuple[Choice, ...], today: date) -> int:
    text = unicodedata.normalize("NFKC", text)
    if not _INTEGER.fullmatch(text):
        raise _Invalid(f"{f.label}应为整数")
    number = int(text)
    _check_range(f, number)
    return number


def _to_decimal(f: Field, text: str, choices: tuple[Choice, ...], today: date) -> str:
    text = unicodedata.normalize("NFKC", text)
    if not _DECIMAL.fullmatch(text):
        raise _Invalid(f"{f.label}应为数字")
    number = Decimal(text)
    _check_range(f, number)
    # A string keeps the digits as typed (money), where a float would turn 0.1 into 0.1000000000000000055.
    return str(number)


def _parse_date(text: str) -> date | None:
    """Read a typed date such as 2024-03-01, 2024/3/1, 2024年3月1日 or 20240301."""
    text = unicodedata.normalize("NFKC", text).replace(" ", "")
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def _to_date(f: Field, text: str, choices: tuple[Choice, ...], today: date) -> str:
    day = _parse_date(text)
    if day is None:
        raise _Invalid(f"{f.label}不是有效日期，请按“年-月-日”填写，如2024-03-01")
    low, high = resolve_date_bound(f.min, today), resolve_date_bound(f.max, today)
    if low is not None and day < low:
        raise _Invalid(f"{f.label}不能早于{'今天' if f.min == 'today' else low.isoformat()}")
    if high is not None and day > high:
        raise _Invalid(f"{f.label}不能晚于{'今天' if f.max == 'today' else high.isoformat()}")
    return day.isoformat()


def _to_choice(f: Field, text: str, choices: tuple[Choice, ...], today: date) -> str:
    if text not in {c.value for c in choices}:
        raise _Invalid(f"请从列表中选择{f.label}")
    return text


def _to_phone(f: Field, text: str, choices: tuple[Choice, ...], today: date) -> str:
    number = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", text))
    number = re.sub(r"^\+?86-?(?=1\d{10}$)", "", number)
    if _MOBILE.fullmatch(number) or _LANDLINE.fullmatch(number):
        return number
    raise _Invalid(f"{f.label}格式不正确，请填写11位手机号码或固定电话（可带区号）")


def _to_id_number(f: Field, text: str, choices: tuple[Choice, ...], today: date) -> str:
    try:
        return validate_id_number(text, today=today)
    except IdNumberError as exc:
        raise _Invalid(str(exc)) from None


def _to_ss_card(f: Field, text: str, choices: tuple[Choice, ...], today: date) -> str:
    try:
        return validate_ss_card_number(text, today=today)
    except IdNumberError as exc:
        raise _Invalid(str(exc)) from None


_CONVERTERS: dict[str, Callable[[Field, str, tuple[Choice, ...], date], Any]] = {
    "text": _to_text,
    "textarea": _to_text,
    "integer": _to_integer,
    "decimal": _to_decimal,
    "date": _to_date,
    "choice": _to_choice,
    "phone": _to_phone,
    "id_number": _to_id_number,
    "ss_card": _to_ss_card,
}


def empty_value(f: Field) -> Any:
    """Return what an unfilled optional field stores, so later expressions find the key."""
    if f.type in STRING_TYPES:
        return ""
    if f.type == "multichoice":
        return []
    if f.type == "boolean":
        return False
    return None


def is_empty(value: Any) -> bool:
    """Tell whether a typed value counts as not filled in (0 is a value; an unticked box is not)."""
    return value is None or value is False or value == "" or value == []


def required_message(f: Field) -> str:
    """Return the Chinese message for a missing required field."""
    if f.type in CHOICE_TYPES:
        return f"请选择{f.label}"
    if f.type == "boolean":
        return f"请确认{f.label}"
    return f"请填写{f.label}"


def is_required(f: Field, data: Mapping[str, Any], form: FormDefinition, context: Mapping[str, Any]) -> bool:
    """Tell whether a field is required, given the other fields' typed values or the task data."""
    if f.required:
        return True
    rule = f.required_when
    if rule is None:
        return False
    other = form.field(rule.field)
    value = data.get(rule.field) if other is not None and not other.readonly else context.get(rule.field)
    return rule.equals in value if isinstance(value, list) else value == rule.equals


def _validate_field(
    f: Field, raw: Mapping[str, Any], context: Mapping[str, Any], today: date
) -> tuple[RawValue, Any]:
    """Return (echo, typed value or None when empty); raise _Invalid with the echo attached."""
    values = _values(raw, f.name)
    if f.type == "multichoice":
        picked = list(dict.fromkeys(v for v in values if v))
        allowed = resolve_choices(f, context)
        if any(v not in {c.value for c in allowed} for v in picked):
            raise _Invalid(f"请从列表中选择{f.label}", picked)
        # Keep the order of the choices, not of the post, so stored lists compare equal.
        return picked, [c.value for c in allowed if c.value in picked]
    if f.type == "boolean":
        # Any true value wins, so a hidden "off" posted before its checkbox does not hide the tick.
        words = [v.lower() for v in values]
        bad = next((v for v in values if v.lower() not in TRUE_WORDS | FALSE_WORDS), None)
        if bad is not None:
            raise _Invalid(f"{f.label}只能选择是或否", bad)
        ticked = any(w in TRUE_WORDS for w in words)
        return ("on" if ticked else ""), ticked
    text = next((v for v in values if v), "")
    if not text:
        return text, None
    try:
        return text, _CONVERTERS[f.type](f, text, resolve_choices(f, context), today)
    except _Invalid as exc:
        raise _Invalid(exc.args[0], text) from None


def validate(
    form: FormDefinition,
    raw: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    *,
    today: date | None = None,
) -> FormResult:
    """Check a posted form against its definition and return typed data or Chinese errors."""
    context = context or {}
    today = today or date.today()
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    echo: dict[str, RawValue] = {}
    for f in form.input_fields:
        try:
            echo[f.name], value = _validate_field(f, raw, context, today)
        except _Invalid as exc:
            echo[f.name] = exc.args[1]
            errors[f.name] = exc.args[0]
            continue
        data[f.name] = empty_value(f) if value is None else value
    # Requiredness is judged after every field is typed, since required_when reads another field.
    for f in form.input_fields:
        if f.name in errors or not is_empty(data[f.name]):
            continue
        if is_required(f, data, form, context):
            errors[f.name] = required_message(f)
    return FormResult(data=data if not errors else {}, errors=errors, raw=echo)
