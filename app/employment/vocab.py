"""Fixed lists of the employment items: job categories, training kinds, priority groups, towns.

The forms in forms/item0*.toml and forms/item1*.toml repeat these as choices (forms are declarative files);
tests/app/test_employment_forms.py checks that they agree with this module.
"""

from __future__ import annotations

from app.org.seed import TOWNS as _TOWN_PLANS

KINDS = {"fixed": "固定工", "gig": "零工"}
PAY_UNITS = {"fixed": "元/月", "gig": "元/天"}

# Job categories a seeker may want and a posting offers; Qinshui's own trades (coal, coalbed methane) included.
JOB_TYPES = {
    "construction": "建筑施工",
    "decoration": "装修装饰",
    "factory": "生产制造（普工）",
    "mining": "煤矿及煤层气",
    "driving": "驾驶运输",
    "loading": "装卸搬运",
    "catering": "餐饮服务",
    "cleaning": "家政保洁",
    "elderly_care": "养老护理",
    "childcare": "育婴保育",
    "security": "保安",
    "sales": "商超销售",
    "agriculture": "农林种养",
    "electrician": "电工",
    "welding": "焊工",
    "repair": "机械维修",
    "office": "办公文员",
    "other": "其他",
}

# The six priority groups of item 16's target (附件1), the only people item 16 registers.
PRIORITY_GROUPS = {
    "poverty_monitoring": "防止返贫监测对象",
    "graduate": "毕业年度高校毕业生",
    "school_leaver": "城乡未继续升学的应届初中高中毕业生",
    "rural_migrant": "农村转移就业劳动者",
    "registered_unemployed": "城镇登记失业人员",
    "hard_to_employ": "就业困难人员",
}

TRAINING_TYPES = {
    "electrician": "电工",
    "welding": "焊工",
    "cooking": "中式烹调",
    "pastry": "中式面点",
    "housekeeping": "家政服务",
    "elderly_care": "养老护理",
    "childcare": "育婴员",
    "ecommerce": "电子商务",
    "agriculture": "农业实用技术",
    "machinery": "工程机械操作",
    "auto_repair": "汽车维修",
    "beauty": "美容美发",
    "computer": "计算机操作",
    "other": "其他",
}

FLEXIBLE_TYPES = {
    "self_employed": "个体经营",
    "part_time": "非全日制就业",
    "platform": "新就业形态（平台就业）",
    "other": "其他灵活就业",
}

UNEMPLOYMENT_REASONS = {
    "contract_expired": "合同期满终止",
    "contract_terminated": "解除劳动合同",
    "employer_closed": "用人单位破产或关闭",
    "other": "其他",
}

# Towns in the county's own order (附件4); codes as the organisation package seeds them.
TOWNS = {plan.code: plan.name for plan in _TOWN_PLANS}
TOWN_ORDER = {code: n for n, code in enumerate(TOWNS)}


def label(mapping: dict[str, str], value: str | None) -> str:
    """Return a code's Chinese label, or the code itself when unknown."""
    return mapping.get(value or "", value or "")


def labels(mapping: dict[str, str], values: list[str] | tuple[str, ...] | None) -> str:
    """Join codes' labels with 、 the way Chinese lists are written."""
    return "、".join(label(mapping, v) for v in values or ())


def code_for(mapping: dict[str, str], text: str) -> str | None:
    """Return the code whose label (or code) is `text`, for imported files written in Chinese."""
    text = text.strip()
    if text in mapping:
        return text
    return next((code for code, name in mapping.items() if name == text), None)
