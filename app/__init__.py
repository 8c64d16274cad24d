"""The cuncun web application."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_wtf import CSRFProtect

from app.bootstrap import build_engine
from app.catalog import load_catalog
from engine.settings import Settings
from engine.store import Store

csrf = CSRFProtect()


def _secret_key(instance_path: str) -> str:
    """Return CUNCUN_SECRET_KEY, or a key kept in the instance folder so sessions survive restarts."""
    key = os.environ.get("CUNCUN_SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app; `test_config` may carry SETTINGS, STORE and CLOCK for tests."""
    app = Flask(__name__, instance_relative_config=True)
    config = test_config or {}
    settings = config.get("SETTINGS") or Settings.from_env()
    app.config.from_mapping(SECRET_KEY=config.get("SECRET_KEY") or _secret_key(app.instance_path))
    # Lax: the cookie is not sent on another site's POST (CSRF defence in depth) but survives following a link.
    # Secure from CUNCUN_COOKIE_SECURE: on only behind HTTPS, or a plain-HTTP county intranet could not log in.
    app.config.update(SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SECURE=settings.cookie_secure, REMEMBER_COOKIE_SAMESITE="Lax",
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SECURE=settings.cookie_secure)
    app.config.update(config)
    store = config.get("STORE") or Store(settings.database_url)
    kwargs = {"clock": config["CLOCK"]} if "CLOCK" in config else {}
    app.extensions["cuncun.engine"] = build_engine(settings, store=store, **kwargs)
    app.extensions["cuncun.catalog"] = load_catalog(settings.catalog_path)
    app.extensions["cuncun.settings"] = settings
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = 8 * 1024 * 1024  # uploads; the workbench's own limit is 5 MB
    from app import hygiene

    hygiene.init_app(app)  # first: no hook, login or CSRF check reads input it refuses
    csrf.init_app(app)

    from app import auth, filters, home
    from app.accounts import views as accounts
    from app.cases import views as cases
    from app.faults import views as faults
    from app.inspection import views as inspection
    from app.org import views as org
    from app.reports import views as reports
    from app.sla import views as sla
    from app.workbench import views as workbench

    auth.init_app(app)
    filters.init_app(app)
    for blueprint in (home.bp, cases.bp, org.bp, sla.bp, workbench.bp, faults.bp, accounts.bp, inspection.bp,
                      reports.bp):
        app.register_blueprint(blueprint)
    from app import api, kiosk
    from app.province import web as province

    api.init_app(app)
    kiosk.init_app(app)
    province.init_app(app, config.get("PROVINCE"))
    return app
