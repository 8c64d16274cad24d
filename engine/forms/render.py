"""Everything a template or an API needs to show a form, resolved so they carry no logic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.forms.definition import Choice, Field, FormDefinition, RequiredWhen
from engine.forms.validation import (
    DEFAULT_MAX_LENGTH,
    TRUE_WORDS,
    FormResult,
    RawValue,
    resolve_choices,
    resolve_date_bound,
)

# Radio buttons show every option at once, which suits short lists; longer ones use a <select>.
MAX_RADIO_CHOICES = 4
_INPUT_ATTRS: dict[str, dict[str, str]] = {
    "text": {"type": "text"},
    "integer": {"type": "text", "inputmode": "numeric"},
    "decimal": {"type": "text", "inputmode": "decimal"},
    "date": {"type": "date", "placeholder": "年-月-日，如2024-03-01"},
    "phone": {"type": "tel", "maxlength": "20"},
    "id_number": {"type": "text", "maxlength": "18", "autocomplete": "off"},
    "ss_card": {"type": "text", "maxlength": "18", "autocomplete": "off"},
}


@dataclass(frozen=True)
class RenderField:
    """One field ready for a template: widget, resolved choices, current value and error.

    widget is one of input, textarea, select, radio, checkboxes, checkbox, readonly. `attrs` are
    HTML attributes for the <input>/<textarea>/<select> (type, maxlength, inputmode, min, max,
    required…); a template adds name and id itself.
    """

    name: str
    label: str
    type: str
    widget: str
    required: bool
    required_when: RequiredWhen | None
    help: str | None
    choices: tuple[Choice, ...]
    value: RawValue
    error: str | None
    display: str = ""
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def readonly(self) -> bool:
        """Tell whether the field only shows task data."""
        return self.widget == "readonly"

    @property
    def checked(self) -> bool:
        """Tell whether a checkbox field is ticked."""
        return isinstance(self.value, str) and self.value.lower() in TRUE_WORDS

    def is_selected(self, value: str) -> bool:
        """Tell whether a choice value is the selected one (or among the selected ones)."""
        return value in self.value if isinstance(self.value, list) else value == self.value


def display_value(f: Field, value: Any, context: Mapping[str, Any]) -> str:
    """Show a task-data value as text: lists joined with 、, booleans as 是/否, choices by label."""
    labels = {c.value: c.label for c in resolve_choices(f, context)}
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))


def to_raw(f: Field, value: Any, today: date | None = None) -> RawValue:
    """Turn a typed value (task data or a default) back into what the HTML form would post."""
    if f.type == "multichoice":
        return [str(v) for v in value or []]
    if f.type == "boolean":
        return "on" if value else ""
    if f.type == "date" and value == "today":
        return (today or date.today()).isoformat()
    return "" if value is None else str(value)


def raw_from_data(form: FormDefinition, data: Mapping[str, Any]) -> dict[str, RawValue]:
    """Build the raw post that would reproduce `data`, e.g. to pre-fill a form from task data."""
    return {f.name: to_raw(f, data[f.name]) for f in form.input_fields if f.name in data}


def _widget(f: Field, choices: tuple[Choice, ...]) -> str:
    if f.readonly:
        return "readonly"
    if f.type == "choice":
        return "radio" if len(choices) <= MAX_RADIO_CHOICES else "select"
    return {"textarea": "textarea", "multichoice": "checkboxes", "boolean": "checkbox"}.get(f.type, "input")


def _attrs(f: Field, widget: str, today: date) -> dict[str, str]:
    attrs = dict(_INPUT_ATTRS.get(f.type, {}))
    if f.type in DEFAULT_MAX_LENGTH:
        attrs["maxlength"] = str(f.max_length if f.max_length is not None else DEFAULT_MAX_LENGTH[f.type])
    if f.type == "date":
        for key in ("min", "max"):
            bound = resolve_date_bound(getattr(f, key), today)
            if bound is not None:
                attrs[key] = bound.isoformat()
    # A required attribute on each checkbox of a group would demand all of them.
    if f.required and widget != "checkboxes":
        attrs["required"] = "required"
    return attrs


def form_fields_for_render(
    form: FormDefinition,
    context: Mapping[str, Any] | None = None,
    result: FormResult | None = None,
    *,
    initial: Mapping[str, RawValue] | None = None,
    today: date | None = None,
) -> list[RenderField]:
    """Resolve every field for display; values come from a rejected `result`, `initial`, or defaults."""
    context = context or {}
    today = today or date.today()
    fields = []
    for f in form.fields:
        choices = resolve_choices(f, context)
        widget = _widget(f, choices)
        if f.readonly:
            display = display_value(f, context.get(f.readonly_from), context)
            value: RawValue = display
        elif result is not None:
            value, display = result.raw.get(f.name, to_raw(f, None)), ""
        elif initial is not None and f.name in initial:
            value, display = initial[f.name], ""
        else:
            value, display = to_raw(f, f.default, today), ""
        fields.append(
            RenderField(
                name=f.name, label=f.label, type=f.type, widget=widget, required=f.required,
                required_when=f.required_when, help=f.help, choices=choices, value=value,
                error=result.errors.get(f.name) if result is not None else None, display=display,
                attrs={} if f.readonly else _attrs(f, widget, today),
            )
        )
    return fields


def _property_schema(f: Field, context: Mapping[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"title": f.label}
    if f.help:
        schema["description"] = f.help
    options = [{"const": c.value, "title": c.label} for c in resolve_choices(f, context)]
    if f.type == "choice":
        schema.update({"type": "string", "oneOf": options} if options else {"type": "string"})
    elif f.type == "multichoice":
        items = {"type": "string", "oneOf": options} if options else {"type": "string"}
        schema.update({"type": "array", "items": items, "uniqueItems": True})
    elif f.type == "boolean":
        # A required box must be ticked (e.g. "告知书已打印并交给申请人"), not merely present.
        schema.update({"type": "boolean", "const": True} if f.required else {"type": "boolean"})
    elif f.type == "integer":
        schema["type"] = "integer"
    elif f.type == "decimal":
        schema.update({"type": "string", "format": "decimal"})
    elif f.type == "date":
        schema.update({"type": "string", "format": "date"})
    else:
        schema["type"] = "string"
    if f.type in ("integer", "decimal"):
        schema.update({k: v for k, v in (("minimum", f.min), ("maximum", f.max)) if v is not None})
    if f.type in DEFAULT_MAX_LENGTH:
        schema["maxLength"] = f.max_length if f.max_length is not None else DEFAULT_MAX_LENGTH[f.type]
        if f.min_length is not None:
            schema["minLength"] = f.min_length
        if f.pattern is not None:
            schema["pattern"] = f.pattern
    if f.choices_from:
        schema["x-choices-from"] = f.choices_from
    if f.required_when:
        schema["x-required-when"] = {"field": f.required_when.field, "equals": f.required_when.equals}
    if f.default is not None:
        schema["default"] = f.default
    schema["x-field-type"] = f.type
    return schema


def json_schema(form: FormDefinition, context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Describe a form's submitted fields (the typed data they produce) as a JSON Schema dict."""
    context = context or {}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"form:{form.id}",
        "title": form.title,
        "type": "object",
        "properties": {f.name: _property_schema(f, context) for f in form.input_fields},
        "required": [f.name for f in form.input_fields if f.required],
    }
    if form.description:
        schema["description"] = form.description
    return schema
