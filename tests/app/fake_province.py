"""A fake provincial social-security service on 127.0.0.1 that checks signatures and misbehaves on demand."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.province.signing import SignatureError, verify

KEY_ID, SECRET = "qinshui", "test-shared-secret"


class FakeProvince:
    """Record what arrives; `failures` answers the next N POSTs with 500, `delay` sleeps before answering."""

    def __init__(self, clock=lambda: datetime.now(UTC)) -> None:
        self.clock = clock  # the county's clock: tests freeze it, and the signature's timestamp follows it
        self.received: dict[str, dict] = {}  # idempotency key -> body (stored once)
        self.posts: list[str] = []  # every POST's key, duplicates included
        self.bad_signatures = 0
        self.failures = 0
        self.delay = 0.0
        self.lose_answers = 0  # take the next N POSTs but answer too late (the county times out, then resends)
        self.decisions: dict[str, tuple[str, str]] = {}  # key -> (status, note) once decided
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeProvince:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

            def _answer(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _verified(self, body: bytes) -> bool:
                try:
                    verify(self.headers, body, key_id=KEY_ID, secret=SECRET, now=fake.clock(),
                           max_skew_seconds=300)
                except SignatureError as exc:
                    fake.bad_signatures += 1
                    self._answer(401, {"error": exc.message})
                    return False
                return True

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if fake.delay:
                    time.sleep(fake.delay)
                if not self._verified(body):
                    return
                key = self.headers.get("Idempotency-Key", "")
                with fake.lock:
                    fake.posts.append(key)
                    if fake.failures:
                        fake.failures -= 1
                        self._answer(503, {"error": "维护中"})
                        return
                    duplicate = key in fake.received
                    fake.received.setdefault(key, json.loads(body))
                    late = fake.lose_answers > 0
                    fake.lose_answers -= late
                if late:
                    time.sleep(1.5)
                self._answer(200, {"idempotency_key": key, "duplicate": duplicate})

            def do_GET(self) -> None:
                if not self._verified(b""):
                    return
                key = self.path.rsplit("/", 1)[-1]
                if key not in fake.received:
                    self._answer(404, {"error": "unknown"})
                    return
                status, note = fake.decisions.get(key, ("pending", ""))
                self._answer(200, {"idempotency_key": key, "status": status, "note": note})

        return Handler
