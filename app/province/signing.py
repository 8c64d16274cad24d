"""Signed requests between the county and the province: HMAC-SHA256 over the timestamp and the body."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

KEY_ID, TIMESTAMP, SIGNATURE, IDEMPOTENCY = "X-Key-Id", "X-Timestamp", "X-Signature", "Idempotency-Key"


class SignatureError(ValueError):
    """A request whose signature, key or timestamp is wrong; `message` is for the caller, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of `timestamp` + newline + body."""
    return hmac.new(secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def signed_headers(key_id: str, secret: str, body: bytes, now: datetime,
                   idempotency_key: str | None = None) -> dict[str, str]:
    """Return the headers that sign a request made now."""
    timestamp = str(int(now.timestamp()))
    headers = {KEY_ID: key_id, TIMESTAMP: timestamp, SIGNATURE: sign(secret, timestamp, body),
               "Content-Type": "application/json; charset=utf-8"}
    if idempotency_key:
        headers[IDEMPOTENCY] = idempotency_key
    return headers


def verify(headers: Mapping[str, str], body: bytes, *, key_id: str, secret: str, now: datetime,
           max_skew_seconds: int) -> str:
    """Check a request's key, timestamp and signature; return the signature (the replay guard's key)."""
    if headers.get(KEY_ID) != key_id:
        raise SignatureError("密钥编号不正确。")
    timestamp, signature = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
    if not timestamp.isdigit():
        raise SignatureError("缺少或无法识别请求时间戳。")
    if abs(now.timestamp() - int(timestamp)) > max_skew_seconds:
        raise SignatureError("请求时间戳已过期或超前，拒绝受理。")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.lower()):
        raise SignatureError("签名校验失败。")
    return signature.lower()
