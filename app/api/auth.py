"""Who calls the API: a bearer token (kiosk or staff) and, for a kiosk, the citizen it serves; rate limits.

Every request but the OpenAPI document is admitted in `before_request`, so a view never runs for a missing,
unknown or revoked token (401) or past its caller's rate limit (429).
"""

from __future__ import annotations

from flask import current_app, g, request

from app.api.errors import ApiError
from app.api.routing import bp, check_query
from app.kiosk.access import Admission, admit
from app.kiosk.citizens import Citizen
from app.kiosk.services import Principal, TokenRefused

OPEN_ENDPOINTS = {"api.openapi_json", "api.not_found", "api.not_found_root"}
CITIZEN_HEADER = "X-Citizen-Session"
# Identifying a citizen is limited on its own, harder, bucket (see app.kiosk.access.DEFAULT_LIMITS).
IDENTIFY_ENDPOINTS = {"api.open_citizen_session"}


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, headers={"WWW-Authenticate": 'Bearer realm="cuncun"'})


@bp.before_request
def admit_caller() -> None:
    """Authenticate the token, count the request against its limits, load the kiosk's citizen; check the query."""
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
        return
    engine = current_app.extensions["cuncun.engine"]
    bucket = "identify" if request.endpoint in IDENTIFY_ENDPOINTS else "request"
    try:
        admission: Admission = admit(engine.store, engine.clock(), current_app.config, _bearer(),
                                     request.headers.get(CITIZEN_HEADER), bucket)
    except TokenRefused as exc:
        raise _unauthorized(exc.code, exc.message) from None
    if not admission.verdict.allowed:
        raise ApiError(429, "rate_limited", f"请求过于频繁，请{admission.verdict.retry_after}秒后再试。",
                       headers={"Retry-After": str(admission.verdict.retry_after)})
    g.api_principal, g.api_citizen = admission.principal, admission.citizen
    check_query(request.endpoint)


def bearer_token() -> str:
    """Return the bearer token the request presents (a kiosk's reader signs card reads with a key from it)."""
    return _bearer()


def principal() -> Principal:
    """Return the admitted caller."""
    return g.api_principal


def kiosk() -> Principal:
    """Return the calling kiosk, or refuse a staff token."""
    caller = principal()
    if not caller.is_kiosk:
        raise ApiError(403, "kiosk_only", "此接口仅供自助机使用。")
    return caller


def staff() -> Principal:
    """Return the calling staff account, or refuse a kiosk."""
    caller = principal()
    if caller.is_kiosk:
        raise ApiError(403, "staff_only", "此接口仅供工作人员令牌使用，自助机无权访问。")
    return caller


def citizen() -> Citizen:
    """Return the citizen the calling kiosk serves; 401 when none is identified or the session ended."""
    kiosk()
    found = g.get("api_citizen")
    if found is None:
        raise _unauthorized("citizen_required", "请先识别群众身份（身份证或社保卡），或会话已因长时间未操作而结束。")
    return found
