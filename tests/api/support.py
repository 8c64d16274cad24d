"""Helpers of the API and kiosk tests: an app with both blueprints, kiosks and tokens, headers."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app import api, kiosk
from app.kiosk import cardread, services
from engine.store import Store
from tests.web import make_app

CITIZEN_A = "11010519491231002X"  # known to the county once a case names them
CITIZEN_B = "140521198001010013"
CITIZEN_C = "140521199002150020"


def make_api_app(store: Store, clock, **config) -> Flask:
    """Create the app with the API and kiosk blueprints (until create_app registers them itself)."""
    app = make_app(store, clock)
    app.config.update(config)
    api.init_app(app)
    kiosk.init_app(app)
    return app


def register_kiosk(store: Store, now: datetime, point: str = "LG-V01", name: str = "") -> tuple[int, str]:
    """Register a kiosk; return its id and token."""
    with store.session(write=True) as s:
        row, raw = services.register_kiosk(s, point, name, actor="test", now=now)
        return row.id, raw


def staff_token(store: Store, now: datetime, username: str) -> str:
    """Issue a staff API token for a demo account."""
    with store.session(write=True) as s:
        return services.issue_staff_token(s, username, "test", actor="test", now=now)[1]


def bearer(token: str, citizen: str | None = None) -> dict[str, str]:
    """Return the headers of an API call."""
    headers = {"Authorization": f"Bearer {token}"}
    if citizen:
        headers["X-Citizen-Session"] = citizen
    return headers


def card_read(client: FlaskClient, token: str, number: str = CITIZEN_A, document: str = "id_card") -> dict:
    """Return the fields the kiosk's reader adds to a card read: its moment and its signature."""
    read_at = read_moment(client.application.extensions["cuncun.engine"].clock())
    return {"read_at": read_at, "signature": cardread.sign(token, document, number, read_at)}


_reads = itertools.count()


def read_moment(now: datetime) -> str:
    """Return the moment of a fresh read: each swipe has its own, even while the tests' clock stands still."""
    return (now - timedelta(microseconds=next(_reads) % 1_000_000)).isoformat()


def identify(client: FlaskClient, token: str, number: str = CITIZEN_A, name: str = "张三", *, card: bool = True,
             **extra) -> str:
    """Open a citizen session at a kiosk through the API, by a card read unless card=False; return its token."""
    read = card_read(client, token, number, extra.get("document", "id_card")) if card else {}
    response = client.post("/api/v1/citizen/session", json={"number": number, "name": name, **read, **extra},
                           headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]
