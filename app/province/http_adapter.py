"""The HTTP/JSON adapter: signed POSTs of applications and signed polls of their status."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from app.province.adapters import DeliveryError, Result
from app.province.outbox import Message
from app.province.settings import ProvinceSettings
from app.province.signing import signed_headers
from engine.clock import Clock


class HttpAdapter:
    """Talk to the province's JSON service: POST /applications, GET /applications/<key>."""

    pushes = True

    def __init__(self, settings: ProvinceSettings, clock: Clock) -> None:
        self.settings, self.clock = settings, clock

    def _request(self, method: str, path: str, body: bytes, key: str | None) -> dict:
        headers = signed_headers(self.settings.key_id, self.settings.secret, body, self.clock(), key)
        request = urllib.request.Request(self.settings.url + path, data=body if method == "POST" else None,
                                         headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout_seconds) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"省平台返回 HTTP {exc.code}：{exc.read()[:300].decode(errors='replace')}") from exc
        except TimeoutError as exc:
            raise DeliveryError(f"省平台在 {self.settings.timeout_seconds} 秒内没有响应") from exc
        except urllib.error.URLError as exc:
            raise DeliveryError(f"无法连接省平台：{exc.reason}") from exc
        except json.JSONDecodeError as exc:
            raise DeliveryError("省平台的应答不是 JSON") from exc

    def send(self, message: Message) -> None:
        """POST the application; a 2xx answer (also "already received") means the province has it."""
        body = json.dumps(message.body, ensure_ascii=False, sort_keys=True).encode()
        answer = self._request("POST", "/applications", body, message.idempotency_key)
        if answer.get("idempotency_key") not in (None, message.idempotency_key):
            raise DeliveryError(f"省平台应答的报送编号与请求不符：{answer.get('idempotency_key')}")

    def fetch_results(self, keys: list[str]) -> list[Result]:
        """Ask the status of each key; keep the decided ones."""
        results = []
        for key in keys:
            answer = self._request("GET", f"/applications/{urllib.parse.quote(key)}", b"", None)
            if answer.get("status") in ("approved", "rejected"):
                results.append(Result(key, answer["status"], answer.get("note")))
        return results
