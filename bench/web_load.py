"""Load the web app under gunicorn: inbox and case page requests per second, as a ratio to a static file.

    python bench/web_load.py                     # a fresh SQLite demo database in a temporary directory
    python bench/web_load.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_province
    python bench/web_load.py --workers 2 --threads 4 --seconds 5

Starts gunicorn on 127.0.0.1 (a free port), drives each target for a fixed time from Python threads, each
with its own keep-alive connection and clerk1's session, prints req/s and the ratio to the static file measured
in the same run, then stops gunicorn. The static file bounds what the server and this client can do on the
machine; the ratio says how much of that the pages keep.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_FROM = "from app.auth.seed import DEMO_PASSWORD; print(DEMO_PASSWORD)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection with a cookie jar of one cookie name → value."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/login", urlencode({"username": username, "password": password,
                                                              "csrf_token": csrf}))
        if status != 302:
            raise SystemExit(f"login as {username} failed ({status})")


def _drive(port: int, path: str, threads: int, seconds: float, password: str) -> float:
    """Request `path` from `threads` threads for `seconds`; return successful requests per second."""
    counts = [0] * threads
    errors: list[str] = []
    clients = []
    for _ in range(threads):
        client = Client(port)
        client.login("clerk1", password)
        clients.append(client)
    deadline = time.perf_counter() + seconds

    def run(n: int) -> None:
        while time.perf_counter() < deadline:
            status, _ = clients[n].request("GET", path)
            if status != 200:
                errors.append(f"{path}: {status}")
                return
            counts[n] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise SystemExit(errors[0])
    return sum(counts) / (time.perf_counter() - started)


def _prepare(url: str | None, env: dict) -> str:
    """Return the database URL, making a SQLite demo database when none is given."""
    if url:
        return url
    path = Path(tempfile.mkdtemp(prefix="cuncun-load-")) / "load.db"
    url = f"sqlite:///{path}"
    subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "demo"], check=True, cwd=ROOT,
                   env={**env, "DATABASE_URL": url}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return url


def main(argv: list[str] | None = None) -> None:
    """Start gunicorn, measure, stop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an existing database (default: a fresh SQLite demo database)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    env = {**os.environ, "CUNCUN_SECRET_KEY": "web-load-bench", "PYTHONPATH": str(ROOT)}
    url = _prepare(args.url, env)
    password = subprocess.run([sys.executable, "-c", PASSWORD_FROM], capture_output=True, text=True, cwd=ROOT,
                              check=True).stdout.strip()
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
                               "--log-level", "warning", "app:create_app()"], cwd=ROOT,
                              env={**env, "DATABASE_URL": url})
    try:
        for _ in range(100):
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer /healthz")
        probe = Client(port)
        probe.login("clerk1", password)
        _, inbox = probe.request("GET", "/inbox")
        case = re.search(r'href="(/cases/\d+)"', inbox).group(1)
        print(f"gunicorn {args.workers} workers on 127.0.0.1:{port}, {url.split('://')[0]}, "
              f"{args.threads} client threads, {args.seconds:.0f} s per target", flush=True)
        static = _drive(port, "/static/site.css", args.threads, args.seconds, password)
        print(f"{'static file':14} {static:8.1f} req/s", flush=True)
        for label, path in (("inbox", "/inbox"), ("case page", case)):
            rate = _drive(port, path, args.threads, args.seconds, password)
            print(f"{label:14} {rate:8.1f} req/s  ratio to static {rate / static:.3f}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
