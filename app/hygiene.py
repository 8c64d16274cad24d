"""Refuse input the database cannot store before any view sees it: NUL bytes and text that is not UTF-8.

PostgreSQL refuses a NUL in text (SQLite stores it), and neither stores a lone surrogate; Werkzeug quietly
turns bytes that are not UTF-8 into U+FFFD (or drops a whole url-encoded form). One check here answers all of
them with the same clear 400 — JSON under /api, a page elsewhere — instead of a 500 or silently changed text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, render_template, request, url_for

MESSAGE = "输入包含无法识别的字符（如空字符），请检查后重试。"
# NUL, lone surrogates (from JSON's \\ud800 escapes) and U+FFFD (what undecodable bytes became).
_BAD = re.compile("[\x00\ud800-\udfff\ufffd]")


def _bad_bytes(raw: bytes) -> bool:
    """Tell whether percent-decoded bytes hold a NUL or are not UTF-8."""
    data = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _bad_texts(values: Iterable[Any]) -> bool:
    return any(isinstance(v, str) and _BAD.search(v) for v in values)


def _bad_json(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_BAD.search(value))
    if isinstance(value, dict):
        return any(_bad_json(k) or _bad_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_json(v) for v in value)
    return False


def unreadable() -> bool:
    """Tell whether the current request carries text we cannot store: in its path, query, form, files or JSON."""
    # Werkzeug decodes the path with U+FFFD for bytes that are not UTF-8; the query string stays raw.
    if _BAD.search(request.path) or _bad_bytes(request.query_string):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.mimetype == "application/x-www-form-urlencoded":
        return _bad_bytes(request.get_data(cache=True))  # Werkzeug drops a form that is not UTF-8
    if request.mimetype == "multipart/form-data":
        fields = [text for pair in request.form.items(multi=True) for text in pair]
        names = [f.filename for _, f in request.files.items(multi=True)]
        return _bad_texts([*fields, *names])
    if request.is_json:
        raw = request.get_data(cache=True)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return _bad_json(request.get_json(silent=True))
    return False


def _refuse():
    if request.path == "/api" or request.path.startswith("/api/"):
        from app.api.errors import error_response

        return error_response(400, "unreadable_input", MESSAGE)
    page = "hygiene/kiosk_refused.html" if request.blueprint == "kiosk" else "hygiene/refused.html"
    back = request.referrer or url_for("kiosk.start" if request.blueprint == "kiosk" else "home.index")
    return render_template(page, message=MESSAGE, back=back), 400


def init_app(app: Flask) -> None:
    """Check every request first, before login, CSRF or any view reads it."""

    @app.before_request
    def refuse_unreadable_input():
        return _refuse() if unreadable() else None
