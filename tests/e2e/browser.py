"""Headless Debian chromium for end-to-end tests: a live loopback server and a page (never a downloaded browser)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a closed network: no background fetches, no first-run or sync traffic.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def require_chromium() -> None:
    """Skip locally without Debian's chromium; in CI its absence is an error (.ci/run installs it)."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium (apt-get install chromium) for the browser tests")
    pytest.skip("Debian chromium is not installed here (CI installs it)", allow_module_level=True)


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port; yield its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()


@contextmanager
def browser_page(**page_options) -> Iterator:
    """Launch headless chromium and yield a fresh page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        page = browser.new_page(**page_options)
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()
