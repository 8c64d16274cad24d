"""Self-service kiosks at the points: registered devices with revocable tokens, and their touch pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the kiosk pages (once); the idle reset is CSRF-exempt so a stale page can always clear itself."""
    if "kiosk" in app.blueprints:
        return
    from app import csrf
    from app.kiosk import support_views, views

    csrf.exempt(support_views.reset)
    app.register_blueprint(views.bp)
