"""Jinja filters shared by the templates: Chinese labels for the engine's codes."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Flask, current_app, g

from app.auth.roles import role_label
from app.cases.starting import MODES
from engine.clock import CHINA
from engine.queries import process_names

CASE_STATUS = {"running": "办理中", "completed": "已办结", "error": "出错待处理"}
ACTIONS = {
    "start": "受理", "claim": "认领", "unclaim": "退回队列", "complete_task": "办理", "timer_fired": "定时触发",
    "complete_case": "办结", "error": "出错", "retry": "重试", "deadline_recomputed": "重算办结时限",
    "migrate": "迁移到新版本", "account_request_filed": "提交账号申请", "review_recused": "审核人回避",
    "account_request_rejected": "退回账号申请", "account_request_refused": "账号申请无法执行",
    "account_request_resubmitted": "重新提交账号申请", "account_request_withdrawn": "撤回账号申请",
    "account_created": "新增账号", "account_frozen": "冻结账号", "account_unlocked": "解锁账号",
    "account_cancelled": "注销账号", "account_role_changed": "变更账号权限", "milestone_set": "网点里程碑",
    "initial_password_issued": "生成初始密码", "inspection_scored": "验收评分", "report_confirmed": "确认报表数据",
    "report_submitted": "报送报表", "province_result": "收到省级经办结果", "province_retry": "重新报送省级",
    "province_export": "导出省级报送批次",
}


def china_time(moment: datetime | None) -> str:
    """Show a moment in Beijing time to the minute."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if moment else ""


def case_title(case) -> str:
    """Name a case by its catalog item, else by its process's current name (account requests, faults…)."""
    item = current_app.extensions["cuncun.catalog"].get(case.item_code or "")
    if item is not None:
        return item.name
    if "process_names" not in g:
        g.process_names = process_names(current_app.extensions["cuncun.engine"].store)
    return g.process_names.get(case.process_id, case.process_id)


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters.update(
        china_time=china_time,
        case_status=lambda code: CASE_STATUS.get(code, code),
        action_label=lambda code: ACTIONS.get(code, code),
        channel_label=lambda code: MODES.get(code, (code,))[0],
        role_label=role_label,
        fromjson=lambda text: json.loads(text or "{}"),
        case_title=case_title,
    )
