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
