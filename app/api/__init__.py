"""The JSON API under /api/v1 with marshmallow schemas and an OpenAPI document."""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from app.api.errors import error_response, register
from app.api.routing import bp

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
register(bp)  # once, at import: a blueprint takes no new handlers after its first registration


class AnythingConverter(BaseConverter):
    """Match the rest of a path, newlines and all (werkzeug's `path` stops at one), so no API 404 is HTML."""

    regex = r"[\s\S]*"
    part_isolating = False


@bp.route("", methods=list(_METHODS), strict_slashes=False)
def not_found_root():
    """Answer /api/v1 itself: nothing lives there (the document is /api/v1/openapi.json)."""
    return error_response(404)


@bp.route("/<anything:anything>", methods=list(_METHODS))
def not_found(anything: str):
    """Answer an unknown path (404) or an unsupported method on a known one (405) in JSON."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in _METHODS:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint not in ("api.not_found", "api.not_found_root"):
            allowed.append(method)
    if allowed:
        return error_response(405, headers={"Allow": ", ".join(allowed)})
    return error_response(404)


def init_app(app: Flask) -> None:
    """Register the API blueprint (once), exempt from CSRF: callers authenticate with bearer tokens, not cookies."""
    if "api" in app.blueprints:
        return
    from app import csrf
    from app.api import auth, openapi, views  # noqa: F401 - registers the admission hook and the routes

    csrf.exempt(bp)
    app.url_map.converters.setdefault("anything", AnythingConverter)
    app.register_blueprint(bp)
