"""The API blueprint and the one decorator that both routes a view and describes it for the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, request
from marshmallow import EXCLUDE, Schema

from app.api.errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_ID = 2**53  # ids beyond this are not ours (and would overflow a database integer)


@dataclass(frozen=True)
class Operation:
    """One documented operation: its Flask rule and method, schemas and security."""

    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    auth: bool = True
    citizen: bool = False
    description: str = ""
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """Return the OpenAPI path: /cases/<int:case_id> becomes /cases/{case_id}."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", bp.url_prefix + self.rule)

    def parameters(self) -> list[tuple[str, dict[str, Any]]]:
        """Return the path parameters with their JSON schemas (int converters become bounded integers)."""
        found = []
        for converter, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", self.rule):
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID} if converter == "int" else {
                "type": "string", "minLength": 1, "maxLength": 64}
            found.append((name, self.path_params.get(name, schema)))
        return found


OPERATIONS: list[Operation] = []


def route(rule: str, method: str = "GET", **doc: Any) -> Callable:
    """Route a view on the API blueprint and record its OpenAPI description."""

    def decorate(view: Callable) -> Callable:
        bp.add_url_rule(rule, view.__name__, view, methods=[method])
        OPERATIONS.append(Operation(rule, method, view.__name__, **doc))
        return view

    return decorate


def check_query(endpoint: str | None) -> None:
    """Refuse query parameters an operation does not declare (a typo must not be silently ignored)."""
    op = next((o for o in OPERATIONS if f"{bp.name}.{o.endpoint}" == endpoint), None)
    if op is None:
        return
    known = {f.data_key or name for name, f in op.query().fields.items()} if op.query is not None else set()
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise ApiError(422, "invalid", "请求参数有误，请按提示修改。", {name: "未知参数" for name in unknown})


def load_query(schema: type[Schema]) -> dict[str, Any]:
    """Validate the query string with a schema (unknown names were refused before the view ran)."""
    return schema(unknown=EXCLUDE).load(request.args.to_dict())


def load_body(schema: type[Schema]) -> dict[str, Any]:
    """Validate a JSON object body with a schema: another content type is a 415, anything but an object a 400."""
    if request.mimetype and not request.is_json:
        raise ApiError(415, "unsupported_media_type", "请求体应为 JSON（Content-Type: application/json）。")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, "bad_request", "请求体应为 JSON 对象（Content-Type: application/json）。")
    return schema().load(payload)


def check_id(value: int) -> int:
    """Refuse ids outside the documented range with a 404 before they reach the database."""
    if not 1 <= value <= MAX_ID:
        raise ApiError(404, "not_found", "没有找到请求的资源。")
    return value
