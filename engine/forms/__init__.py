"""Declarative forms: one TOML file per user task drives the HTML form, validation and API schema.

The file format is documented in forms/README.md. In short: `forms/<bpmn_task_id>.toml` holds a
`title`, an optional `description` and `[[fields]]`, each with `name`, `label`, `type` and optional
checks. `validate()` turns a post into typed, JSON-friendly task data:

- text, textarea, phone, id_number, ss_card: str ("" when left empty); ID numbers uppercase;
- integer: int; decimal: str (exact, e.g. "12.50"); date: "YYYY-MM-DD"; all None when empty;
- choice: the choice value (None when empty); multichoice: list in the order of the choices;
- boolean: True/False (an absent checkbox is False).

Every submitted field is present in `data`, filled or not, so BPMN expressions can read its key.
"""

from engine.forms.definition import (
    FIELD_TYPES,
    Choice,
    Field,
    FormDefinition,
    FormDefinitionError,
    FormRegistry,
    RequiredWhen,
    load_form,
    parse_form,
)
from engine.forms.render import RenderField, display_value, form_fields_for_render, json_schema, raw_from_data
from engine.forms.validation import FormResult, resolve_choices, validate

__all__ = [
    "FIELD_TYPES",
    "Choice",
    "Field",
    "FormDefinition",
    "FormDefinitionError",
    "FormRegistry",
    "FormResult",
    "RenderField",
    "RequiredWhen",
    "display_value",
    "form_fields_for_render",
    "json_schema",
    "load_form",
    "parse_form",
    "raw_from_data",
    "resolve_choices",
    "validate",
]
