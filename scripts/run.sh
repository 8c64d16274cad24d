#!/usr/bin/env bash
# Install, create the embedded SQLite database with demo data, and start the web app with the timer worker.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e .
export PATH="$PWD/.venv/bin:$PATH"
cuncun init-db
cuncun demo
cuncun worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "cuncun: http://${CUNCUN_BIND:-127.0.0.1:8000}/  (Ctrl-C stops the web app and the worker)"
gunicorn --workers "${CUNCUN_WEB_WORKERS:-2}" --bind "${CUNCUN_BIND:-127.0.0.1:8000}" "app:create_app()"
