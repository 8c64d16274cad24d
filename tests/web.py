"""Helpers for web tests: an app on the test database with seeded people, CSRF-aware login."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.auth.seed import DEMO_PASSWORD, seed_demo_users
from engine.settings import Settings
from engine.store import Store


def make_app(store: Store, clock, **settings) -> Flask:
    """Create the app on the test store and clock, with the organisation and demo logins seeded."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "STORE": store, "CLOCK": clock,
                      "SETTINGS": Settings(database_url=store.url, **settings)})
    with store.session(write=True) as s:
        seed_demo_users(s, clock())
    return app


def token(client: FlaskClient, path: str = "/login") -> str:
    """Read a CSRF token from a page's form."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client: FlaskClient, username: str, password: str = DEMO_PASSWORD, **extra):
    """Log in through the login form."""
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token(client),
                                       **extra})


def logged_in(app: Flask, username: str, password: str = DEMO_PASSWORD) -> FlaskClient:
    """Return a test client logged in as `username` (the login must succeed)."""
    client = app.test_client()
    response = login(client, username, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post(client: FlaskClient, path: str, data: dict, form_page: str | None = None):
    """Post a form with a CSRF token taken from `form_page` (default: the same path)."""
    return client.post(path, data={**data, "csrf_token": token(client, form_page or path)})
