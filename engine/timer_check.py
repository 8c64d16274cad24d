"""Check a BPMN timer text before deploy: Spiff reads it as a Python expression."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine import sandbox
from engine.sandbox_policy import ScriptRefused, refusal
from engine.script_env import CASE_CONTEXT_KEYS

ISO_LIKE = re.compile(r"^(R\d*/?)?P(\d|T)|^\d{4}-\d{2}-\d{2}", re.IGNORECASE)
DEADLINE_CALL = re.compile(r"^\s*statutory_due\(\s*accepted_at\s*,\s*(\d+)\s*\)\s*$")
KINDS = ("timeDate", "timeDuration", "timeCycle")


def deadline_days(text: str) -> int | None:
    """Return N when the timer is the statutory deadline `statutory_due(accepted_at, N)`."""
    match = DEADLINE_CALL.match(text or "")
    return int(match.group(1)) if match else None


def _quote_fix(text: str) -> str:
    return f'quote it as a string: "{text.strip()}"'


def _free_names(tree: ast.AST) -> set[str]:
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return names - bound - sandbox.BUILTIN_NAMES


def _check_value(kind: str, value: Any) -> str | None:
    """Say what is wrong with an evaluated timer value, or None."""
    if not isinstance(value, str):
        return f"evaluates to {type(value).__name__}, not a string; return an ISO 8601 string"
    try:
        if kind == "timeDate":
            if datetime.fromisoformat(value).tzinfo is None:
                return f"'{value}' has no UTC offset; add one such as +08:00"
        elif kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        else:
            TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception as exc:  # Spiff raises bare Exception for bad durations
        return f"'{value}' is not a valid ISO 8601 {kind} ({exc})"
    return None


def check_timer(
    kind: str, text: str, helpers: Mapping[str, Callable[..., Any]], sample: Mapping[str, Any]
) -> str | None:
    """Return why a timer text will fail at run time, or None when it is fine."""
    expr = (text or "").strip()
    if not expr:
        return "the timer has no value"
    if "${" in expr or "#{" in expr:
        return "uses ${...}, which is Camunda/JUEL syntax; write a Python expression instead, " + (
            'e.g. "PT2H" or statutory_due(accepted_at, 5)'
        )
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as exc:
        if ISO_LIKE.match(expr):
            return f"unquoted ISO 8601 value; {_quote_fix(expr)}"
        return f"not a Python expression ({exc.msg}); FEEL is not supported, write Python"
    if refusal(expr, "eval"):
        return None  # the sandbox rule reports it, in Chinese, with file, line and element
    known = set(helpers) | sandbox.BUILTIN_NAMES
    calls = sorted({n.func.id for n in ast.walk(tree)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id not in known})
    if calls:  # task data is JSON, so an unknown callable is never data: likely FEEL or a typo
        return (f"calls {calls[0]}(), which is not a helper (FEEL functions are not supported); "
                f"helpers: {', '.join(sorted(helpers))}")
    unknown = _free_names(tree) - set(helpers) - set(CASE_CONTEXT_KEYS)
    iso_names = sorted(n for n in unknown if ISO_LIKE.match(n))
    if iso_names:
        return f"unquoted ISO 8601 value {iso_names[0]}; {_quote_fix(expr)}"
    if unknown:
        return None  # depends on task data set later in the case; cannot evaluate now
    try:
        value = sandbox.evaluate(expr, {**helpers, **sample})  # the same sandbox as at run time
    except ScriptRefused as exc:
        return f"被沙箱拒绝：{exc}"
    except Exception as exc:
        return f"fails when evaluated: {type(exc).__name__}: {exc}"
    return _check_value(kind, value)
