"""JSON errors of the API: a stable `code`, a Chinese `message`, and per-field `errors` when input was bad."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.cases.starting import StartRefused
from engine.errors import ConflictError, EngineError, FormInvalid, NotFound, TaskStateError, Unavailable

log = logging.getLogger(__name__)

# marshmallow's own messages, said in Chinese.
_MESSAGES = {
    "Missing data for required field.": "必填",
    "Unknown field.": "未知字段",
    "Field may not be null.": "不能为空",
    "Not a valid integer.": "应为整数",
    "Not a valid string.": "应为文本",
    "Not a valid boolean.": "应为是或否",
    "Not a valid mapping type.": "应为对象",
    "Not a valid list.": "应为列表",
    "Invalid input type.": "类型不正确",
    "Invalid value.": "取值不正确",
    "Not a valid number.": "应为数字",
}
_STATUS = {400: ("bad_request", "请求格式不正确。"), 401: ("unauthorized", "需要登录凭据。"),
           403: ("forbidden", "无权执行此操作。"), 404: ("not_found", "没有找到请求的资源。"),
           405: ("method_not_allowed", "不支持该请求方法。"), 409: ("conflict", "请求与当前状态冲突，请刷新后重试。"),
           413: ("too_large", "请求内容过大。"), 415: ("unsupported_media_type", "请求内容类型不受支持。"),
           422: ("invalid", "请求参数有误，请按提示修改。"), 429: ("rate_limited", "请求过于频繁，请稍后再试。"),
           500: ("server_error", "服务器内部错误，请稍后再试或联系管理员。")}


class ApiError(Exception):
    """An error to answer with: HTTP status, stable code, Chinese message, optional field errors."""

    def __init__(self, status: int, code: str, message: str, errors: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code, self.message = status, code, message
        self.errors, self.headers = errors, headers or {}


def error_response(status: int, code: str | None = None, message: str | None = None,
                   errors: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Response:
    """Return the JSON error response."""
    default_code, default_message = _STATUS.get(status, ("error", "请求失败。"))
    body: dict[str, Any] = {"code": code or default_code, "message": message or default_message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """Turn marshmallow's nested messages into {"field" or "field.sub": "中文"}."""
    if isinstance(messages, dict):
        out: dict[str, str] = {}
        for key, value in messages.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(messages, list | tuple):
        texts = [m for m in messages if isinstance(m, str)]
        nested = [m for m in messages if not isinstance(m, str)]
        out = {prefix or "_": "；".join(_MESSAGES.get(t, t) for t in texts)} if texts else {}
        for item in nested:
            out.update(_flatten(item, prefix))
        return out
    return {prefix or "_": _MESSAGES.get(str(messages), str(messages))}


def invalid(errors: dict[str, str], message: str | None = None) -> ApiError:
    """Return the 422 error for rejected input."""
    return ApiError(422, "invalid", message or _STATUS[422][1], errors)


def register(bp: Blueprint) -> None:
    """Answer every error raised inside the API blueprint as JSON."""

    @bp.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.errors, exc.headers)

    @bp.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        return error_response(422, "invalid", None, _flatten(exc.messages))

    @bp.errorhandler(FormInvalid)
    def form_invalid(exc: FormInvalid):
        return error_response(422, "form_invalid", exc.message, exc.errors)

    @bp.errorhandler(EngineError)
    def engine_error(exc: EngineError):
        status = {NotFound: 404, ConflictError: 409, TaskStateError: 409, StartRefused: 403,
                  Unavailable: 503}.get(type(exc), 409)
        return error_response(status, exc.code, exc.message)

    @bp.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500)

    # Flask prefers any handler registered for the status code itself (such as the pages' HTML 413) over a
    # class handler, so the API claims each code it answers as well.
    for status in _STATUS:
        bp.register_error_handler(status, http_error)

    @bp.errorhandler(Exception)
    def server_error(exc: Exception):
        log.exception("API error: %s", exc)
        return error_response(500)
