"""Service operators of the inspection processes."""

from __future__ import annotations

from engine.services import ServiceRegistry


def register(services: ServiceRegistry) -> None:
    """Register this package's operators."""
