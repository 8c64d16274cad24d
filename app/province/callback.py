"""The signed callback the province calls with a result: /api/province/results."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from app.api.errors import error_response
from app.province.models import ProvinceCallbackNonce
from app.province.results import ResultError, deliver_result
from app.province.signing import SignatureError, verify
from engine.errors import ConflictError

bp = Blueprint("province_api", __name__, url_prefix="/api/province")
CALLER = "system:province-callback"


@bp.post("/results")
def results():
    """Take one signed result; a replayed signature is refused, a fresh duplicate delivery is harmless."""
    settings, engine = current_app.extensions["cuncun.province"], current_app.extensions["cuncun.engine"]
    body = request.get_data()
    if not settings.secret:
        return error_response(503, "province_disabled", "未配置省平台共享密钥，不接收回调。")
    try:
        signature = verify(request.headers, body, key_id=settings.key_id, secret=settings.secret,
                           now=engine.clock(), max_skew_seconds=settings.max_clock_skew_seconds)
    except SignatureError as exc:
        return error_response(401, "bad_signature", exc.message)
    now = engine.clock()
    try:
        with engine.store.session(write=True) as session:
            # A signature is accepted only within the skew of its own timestamp, so one received more than twice
            # the skew ago can never verify again: forgetting it cannot let a replay through (indexed: cheap).
            session.execute(delete(ProvinceCallbackNonce).where(
                ProvinceCallbackNonce.received_at < now - timedelta(seconds=2 * settings.max_clock_skew_seconds)))
            session.add(ProvinceCallbackNonce(signature=signature, received_at=now))
    except IntegrityError:
        return error_response(409, "replay", "该请求已受理过（重放），拒绝重复受理。")
    try:
        data = json.loads(body)
        key, status, note = str(data["idempotency_key"]), str(data["status"]), data.get("note")
    except (ValueError, KeyError, TypeError):
        return error_response(400, "bad_request", "请求体应为 JSON：idempotency_key、status、note。")
    try:
        delivered = deliver_result(engine, key, status, note, CALLER)
    except ResultError as exc:
        return error_response(422, "bad_result", exc.message)
    except ConflictError as exc:
        return error_response(409, "conflict", exc.message)
    return jsonify({"idempotency_key": key, "result": "delivered" if delivered else "already_delivered"})
