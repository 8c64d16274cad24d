"""Service operators of the account-request process: thin adapters from the case to app.accounts.services.

Each reads the case's task data (the request keeps its keys there) and writes in the case's transaction. A
refusal comes back as a status for the process's gateways, never as an error.
"""

from __future__ import annotations

from app.accounts import services
from engine.services import ServiceCall, ServiceRegistry


def record_filing(call: ServiceCall) -> dict:
    """Record the filed request beside its case."""
    return services.record_filing(call.session, call.instance, call.data, call.now)


def decide(call: ServiceCall) -> dict:
    """Check the reviewer (four eyes), record the review and apply an approved change to the real account."""
    return services.decide(call.session, call.instance, call.data, call.now)


def revise(call: ServiceCall) -> dict:
    """Take the requester's correction or withdrawal."""
    return services.revise(call.session, call.instance, call.data, call.now)


def register(services_registry: ServiceRegistry) -> None:
    """Register this package's operators."""
    services_registry.register("accounts.record_filing", record_filing)
    services_registry.register("accounts.decide", decide)
    services_registry.register("accounts.revise", revise)
