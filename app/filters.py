"""Jinja filters shared by the templates."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from engine.clock import CHINA


def china_time(moment: datetime | None) -> str:
    """Show a moment in Beijing time to the minute."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if moment else ""


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters["china_time"] = china_time
