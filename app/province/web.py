"""Wire the provincial handoff into the app: its settings, pages and signed callback."""

from __future__ import annotations

from flask import Flask

from app.province.settings import ProvinceSettings


def init_app(app: Flask, settings: ProvinceSettings | None = None) -> None:
    """Register the pages and the callback (exempt from CSRF: it is signed instead)."""
    from app import csrf
    from app.province import callback, views

    app.extensions["cuncun.province"] = settings or ProvinceSettings.from_env()
    csrf.exempt(callback.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(callback.bp)
