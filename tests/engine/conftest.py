"""Fixtures shared by the engine tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def postgres(store):
    """Yield the test store when it is PostgreSQL; skip the test otherwise."""
    if not store.is_postgres:
        pytest.skip("needs PostgreSQL: terminating a backend, deadlocks, server-side timeouts")
    return store
