"""The words of 附件8 and 附件7: request kinds, account kinds, staff types, milestones."""

from __future__ import annotations

from app.auth import roles

# 附件8 备注1: 新增账号、冻结账号、解锁账号、注销账号、变更账号权限.
NEW, FREEZE, UNLOCK, CANCEL, CHANGE_ROLE = "new", "freeze", "unlock", "cancel", "change_role"
REQUEST_KINDS = {NEW: "新增账号", FREEZE: "冻结账号", UNLOCK: "解锁账号", CANCEL: "注销账号",
                 CHANGE_ROLE: "变更账号权限"}

# 附件8 备注2: the three account kinds, and which of our roles each covers.
SYSTEM_ADMIN, BUSINESS_ADMIN, OPERATOR = "system_admin", "business_admin", "operator"
ACCOUNT_KINDS = {SYSTEM_ADMIN: "系统管理员", BUSINESS_ADMIN: "业务管理员", OPERATOR: "业务操作员"}
KIND_OF_ROLE = {
    roles.CLERK: OPERATOR,
    roles.TOWN_STAFF: OPERATOR,
    roles.COUNTY_REVIEWER: BUSINESS_ADMIN,
    roles.COUNTY_BACKBONE: BUSINESS_ADMIN,
    roles.SUPERVISOR: BUSINESS_ADMIN,
    roles.ANALYST: BUSINESS_ADMIN,
    roles.ADMIN: SYSTEM_ADMIN,
}

# 附件7 备注: 人员身份填专职人员或兼职人员.
STAFF_TYPES = {"full_time": "专职人员", "part_time": "兼职人员"}

# Roles whose holders file account requests (a point's or a town's administrator; the county's admin).
FILER_ROLES = (roles.CLERK, roles.TOWN_STAFF, roles.ADMIN)

DEFAULT_SYSTEM = "沁水县就业社保服务信息系统"

# 附件3/附件5 milestones of a point; issue 4 sets staff_authorised, the others come with issue 5.
STAFF_AUTHORISED = "staff_authorised"
MILESTONES = {
    "agreement_signed": "签订协议",
    "staff_trained": "开展培训",
    STAFF_AUTHORISED: "工作人员授权",
    "kiosk_installed": "自助设备安装到位",
    "accepted_operating": "完成验收并正式运行",
    "promotion_done": "开展专题宣传",
    "subsidy_arrived": "就业补助资金到位",
}


def account_kind_label(role: str | None) -> str:
    """Return the 附件8 account kind of a role, in Chinese."""
    return ACCOUNT_KINDS.get(KIND_OF_ROLE.get(role or "", ""), "")


def role_choice_label(role: str) -> str:
    """Label a role as the request form offers it: account kind, then our role name when it says more."""
    kind, name = account_kind_label(role), roles.role_label(role)
    return kind if kind == name else f"{kind}（{name}）"
