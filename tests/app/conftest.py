"""Fixtures of the web tests: the app on the test store, with the organisation and demo logins seeded."""

import pytest

from tests.web import make_app


@pytest.fixture
def web(engine, store, clock):
    """Return the app; modules that need other settings or the API's set-up define their own."""
    return make_app(store, clock)
