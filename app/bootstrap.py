"""Compose the engine: the one place that wires store, clock, calendar, forms and service operators."""

from __future__ import annotations

from app.accounts import operators as account_operators
from app.employment import operators as employment_operators
from app.faults import operators as fault_operators
from app.inspection import operators as inspection_operators
from app.province import operators as province_operators
from app.reports import operators as report_operators
from app.social import operators as social_operators
from engine.clock import Clock, system_clock
from engine.forms import FormRegistry
from engine.runtime import Engine
from engine.script_env import RESERVED_NAMES
from engine.services import ServiceRegistry
from engine.settings import Settings
from engine.store import Store


def build_engine(settings: Settings, *, store: Store | None = None, clock: Clock = system_clock) -> Engine:
    """Return an engine on the settings' database (or the given store)."""
    return Engine(
        store or Store(settings.database_url),
        clock=clock,
        close_of_business=settings.close_of_business,
        forms=FormRegistry(settings.forms_dir, reserved=RESERVED_NAMES),
        services=service_registry(),
    )


def service_registry() -> ServiceRegistry:
    """Register every domain package's service operators."""
    services = ServiceRegistry()
    for module in (employment_operators, social_operators, account_operators, fault_operators,
                   inspection_operators, report_operators, province_operators):
        module.register(services)
    return services
