"""Service operators of the monthly report process (processes/report_monthly.bpmn): thin adapters."""

from __future__ import annotations

from app.reports import services
from engine.services import ServiceCall, ServiceRegistry


def open_report(call: ServiceCall) -> dict:
    """Put the county's report of the month, or a town's confirmation with its figures, on record."""
    if call.instance.town_code is None:
        services.open_run(call.session, call.instance, dict(call.data), call.now)
        return {"scope": "county", "figures": ""}
    return {"scope": "town", "figures": services.open_confirmation(call.session, call.instance, dict(call.data),
                                                                   call.now)}


def refresh(call: ServiceCall) -> str:
    """Regenerate the town's figures after a correction."""
    return services.refresh_figures(call.session, call.instance, call.now)


def record_confirmation(call: ServiceCall, *, note: str | None) -> dict:
    """Record the town's confirmation."""
    services.record_confirmation(call.session, call.instance, call.now, note or "")
    return {"confirmed": True}


def record_submission(call: ServiceCall, *, note: str | None) -> dict:
    """Record the county's submission."""
    services.record_submission(call.session, call.instance, call.now, note or "")
    return {"submitted": True}


def submit_guard(call: ServiceCall) -> str | None:
    """Hold a county's submission back until every town of that county confirmed."""
    return services.submit_refusal(call.session, call.data["report_kind"], call.data["report_period"],
                                   services.case_county(call.session, call.instance, call.data))


def confirm_guard(call: ServiceCall) -> str | None:
    """Refuse a town's confirmation or correction once its county has submitted."""
    return services.confirm_refusal(call.session, call.data["report_kind"], call.data["report_period"],
                                    services.case_county(call.session, call.instance, call.data))


def register(services_registry: ServiceRegistry) -> None:
    """Register this package's operators and the guards of its user tasks."""
    services_registry.register_guard("report_submit", submit_guard)
    services_registry.register_guard("report_confirm", confirm_guard)
    for name, operator in (("reports.open", open_report), ("reports.refresh", refresh),
                           ("reports.record_confirmation", record_confirmation),
                           ("reports.record_submission", record_submission)):
        services_registry.register(name, operator)
