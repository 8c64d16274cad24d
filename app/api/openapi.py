"""The OpenAPI 3 document of /api/v1, built by apispec from the routes' marshmallow schemas."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify

from app.api.routing import OPERATIONS, Operation, route
from app.api.schemas import ErrorSchema

TITLE = "村村通 cuncun API"
VERSION = "1.0.0"
DESCRIPTION = (
    "沁水县就业社保服务网点的 JSON 接口，供自助机和系统对接使用。\n\n"
    "认证：请求头 `Authorization: Bearer <令牌>`。自助机令牌（ck_…）只能为本网点办理自助机渠道事项；"
    "工作人员令牌（cs_…）以所属账号的角色和范围访问。自助机为群众办理时，先 `POST /api/v1/citizen/session` "
    "识别群众，再在请求头 `X-Citizen-Session` 中带上返回的会话令牌；群众只能看到本人的办件。\n\n"
    "错误：JSON `{code, message, errors?}`，code 稳定，message 为中文。列表均分页（page、per_page）。"
    "超过频率限制返回 429 和 Retry-After。"
)


def _response(description: str, schema: Any = None, headers: dict | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    if headers:
        response["headers"] = headers
    return response


def _operation(op: Operation) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [{"in": "path", "name": name, "required": True, "schema": schema}
                                        for name, schema in op.parameters()]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    responses: dict[str, Any] = {str(op.status): _response("成功", op.response) if op.status != 204
                                 else _response("成功，无内容")}
    if op.auth:
        responses["401"] = _response("缺少、无效或已吊销的令牌（或群众会话已结束）", "Error")
        responses["429"] = _response("请求过于频繁", "Error", {"Retry-After": {
            "description": "几秒后可再试", "schema": {"type": "integer"}}})
        responses["403"] = _response("无权执行（范围、渠道或角色不符）", "Error")
    if op.query is not None or op.body is not None:
        responses["422"] = _response("参数有误，errors 列出各字段的中文提示", "Error")
    if op.body is not None:
        responses["400"] = _response("请求体不是 JSON 对象，或含无法识别的字符（如空字符）", "Error")
        responses["415"] = _response("请求体不是 JSON（Content-Type 应为 application/json）", "Error")
    elif op.query is not None or op.parameters():
        responses["400"] = _response("参数含无法识别的字符（如空字符）", "Error")
    if op.parameters():
        responses["404"] = _response("没有找到", "Error")
    responses["default"] = _response("其他错误", "Error")
    spec: dict[str, Any] = {"summary": op.summary, "tags": [op.tag], "parameters": parameters,
                            "responses": responses, "operationId": op.endpoint}
    if op.description:
        spec["description"] = op.description
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
    if op.auth:
        # A kiosk serving a citizen sends both; a staff token (or a kiosk before identifying anyone) only the bearer.
        spec["security"] = [{"bearerAuth": [], "citizenSession": []}, {"bearerAuth": []}] if op.citizen else [
            {"bearerAuth": []}]
    else:
        spec["security"] = []
    return spec


@cache
def document() -> dict[str, Any]:
    """Build the OpenAPI document once per process (the routes are fixed at import)."""
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   info={"description": DESCRIPTION}, servers=[{"url": "/"}])
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("citizenSession", {"type": "apiKey", "in": "header",
                                                       "name": "X-Citizen-Session"})
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@route("/openapi.json", summary="OpenAPI 文档", tag="文档", auth=False, description="本接口的 OpenAPI 3 描述。")
def openapi_json():
    """Serve the OpenAPI document."""
    return jsonify(document())
