"""Read typed settings from the environment; a bad value is a start-up error, not a silent default."""

from __future__ import annotations

import os


def env_int(name: str, default: int, low: int, high: int) -> int:
    """Read an integer setting from the environment; a bad value is a start-up error, not a silent default."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return value


def env_flag(name: str) -> bool:
    """Read a yes/no setting (1/true/yes or 0/false/no, empty: no); anything else is a start-up error."""
    text = os.environ.get(name, "").strip().lower()
    if text in ("", "0", "false", "no"):
        return False
    if text in ("1", "true", "yes"):
        return True
    raise ValueError(f"{name} must be 1 or 0, got {text!r}")
