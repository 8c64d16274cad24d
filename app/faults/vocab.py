"""The words of 附件9: problem categories, business lines, handling levels and thread entries, in Chinese."""

from __future__ import annotations

from app.auth.roles import CLERK, COUNTY_BACKBONE, COUNTY_REVIEWER, SUPERVISOR, TOWN_STAFF

CATEGORIES = {
    "system": "系统性问题",
    "functional": "功能性问题",
    "guidance": "业务指导性问题",
}
# System and functional problems go to the provincial work team; guidance stays in the county.
PROVINCE_CATEGORIES = ("system", "functional")

LINES = {
    "employment": "就业",
    "social_insurance": "社会保险",
    "ss_card": "社保卡",
}

# Handling levels, in the order a guidance problem climbs; "province" is the system/functional queue.
LEVELS = {
    "province": "省级工作专班",
    "backbone": "县级业务骨干",
    "hr": "县人社局",
    "workteam": "县工作专班",
    "reporter": "网点确认",
    "closed": "已办结",
}
LEVEL_ROLES = {
    "province": COUNTY_BACKBONE,  # the county liaison records what the province answered
    "backbone": COUNTY_BACKBONE,
    "hr": COUNTY_REVIEWER,
    "workteam": SUPERVISOR,
}
HANDLING_LEVELS = tuple(LEVEL_ROLES)
# The user task that answers at each level (BPMN ids in processes/fault_report.bpmn).
LEVEL_TASKS = {
    "province": "fault_province_answer",
    "backbone": "fault_backbone_answer",
    "hr": "fault_hr_answer",
    "workteam": "fault_workteam_answer",
}
CONFIRM_TASKS = {CLERK: "fault_confirm", TOWN_STAFF: "fault_confirm_town"}
REPORTER_ROLES = (CLERK, TOWN_STAFF)

# Why a problem arrived at a level.
REASONS = {
    "new": "新提交",
    "unsolved": "下级无法解决，提交上级",
    "overdue": "下级逾期未答复，自动升级",
    "forwarded": "县工作专班转省级工作专班",
    "reopen": "网点未解决，重新办理",
}

ENTRY_KINDS = {
    "filed": "提交问题",
    "entered": "转办",
    "answered": "答复",
    "overdue": "本级超期",
    "reopened": "重新提出",
    "solved": "确认解决",
}

STATES = {
    "handling": "处理中",
    "answered": "已答复待确认",
    "solved": "已解决",
}

# The desks a county backbone can be assigned to: a business line, or liaison with the provincial work team.
DESKS = {**{code: f"{label}业务骨干" for code, label in LINES.items()}, "province": "省级工作专班联络员"}


def label(table: dict[str, str], code: str | None) -> str:
    """Return a code's Chinese label, or the code itself when it is unknown."""
    return table.get(code or "", code or "")
