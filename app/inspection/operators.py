"""Service operators of the acceptance inspection (processes/acceptance_inspection.bpmn): thin adapters.

A refusal (a duplicate inspection, scores that no longer fit an edited sheet) comes back as {"ok": false, …}
for the process's gateways, never as an error.
"""

from __future__ import annotations

from app.inspection import services
from app.inspection.settings import InspectionSettings
from app.inspection.sheets import show_mark
from engine.services import ServiceCall, ServiceRegistry


def open_inspection(call: ServiceCall) -> dict:
    """Put the scheduled inspection on record."""
    return services.record_opened(call.session, call.instance, call.data, call.now)


def score(call: ServiceCall, *, kind: str) -> dict:
    """Score the inspector's form on the current sheet of the point's kind and keep the round."""
    settings = InspectionSettings.from_env()
    sheet = settings.sheets()[kind]
    row, scored, problem = services.record_scores(call.session, call.instance, call.data, call.now, sheet=sheet,
                                                  pass_percent=settings.pass_percent)
    if row is None:
        return {"ok": False, "message": f"{problem}。评分表可能已修改，请按当前评分表重新评分。"}
    verdict = "达到合格分，验收合格" if scored.passed else "未达到合格分，须整改后复验"
    return {"ok": True, "round": row.round_no, "total": scored.total, "maximum": scored.maximum,
            "pass_mark": show_mark(scored.pass_mark), "passed": scored.passed,
            "lost_text": services.lost_text(scored), "rectify_days": settings.rectify_days,
            "reinspect_days": settings.reinspect_days,
            "summary": f"第{row.round_no}次验收得分{scored.total}分（满分{scored.maximum}分，合格分"
                       f"{show_mark(scored.pass_mark)}分），{verdict}。"}


def accept(call: ServiceCall) -> dict:
    """Put the point into formal operation and set its milestone."""
    return {"milestone_set": services.accept(call.session, call.instance, call.now)}


def request_rectification(call: ServiceCall, *, due: str) -> dict:
    """Send the point back for rectification until `due`."""
    services.request_rectification(call.session, call.instance, call.now, due)
    return {"due": due}


def record_rectification(call: ServiceCall, *, report: str, done_on: str | None) -> dict:
    """Record the rectification and return the history the re-inspection shows."""
    history = services.record_rectification(call.session, call.instance, call.now, report=report or "",
                                            done_on=done_on)
    return {"history_text": history}


def register(services_registry: ServiceRegistry) -> None:
    """Register this package's operators."""
    for name, operator in (("inspection.open", open_inspection), ("inspection.score", score),
                           ("inspection.accept", accept), ("inspection.request_rectification", request_rectification),
                           ("inspection.record_rectification", record_rectification)):
        services_registry.register(name, operator)
