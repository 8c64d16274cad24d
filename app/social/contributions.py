"""Resident-pension contribution collection at demo points (item D3) and its printable receipt."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from app.social.connector import SCHEMES, get_connector
from app.social.models import ResidentContribution
from app.social.queries import contributions_of
from engine.audit import last_completer
from engine.clock import CHINA, china_iso
from engine.models import ProcessInstance

ACCEPT_TASK = "demo3_accept"
PAYMENT_METHODS = {"cash": "现金", "qr_code": "扫码支付", "bank_card": "银行卡"}
CENT = Decimal("0.01")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿", "万亿")


def _section(number: int) -> str:
    """Write 1-9999 in financial capitals, one 零 for any run of inner zeros."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = zero or bool(text)
            continue
        text += ("零" if zero else "") + _DIGITS[digit] + _UNITS[position]
        zero = False
    return text


def yuan_in_words(amount: Decimal) -> str:
    """Write an amount of yuan in financial capitals as receipts do, e.g. 1005.50 -> 壹仟零伍元伍角整."""
    cents = int((amount * 100).to_integral_value())
    if cents == 0:
        return "零元整"
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = ""
    if yuan:
        sections = []
        while yuan:
            sections.append(yuan % 10000)
            yuan //= 10000
        gap = False
        for index in range(len(sections) - 1, -1, -1):
            section = sections[index]
            if section == 0:
                gap = bool(text)
                continue
            if text and (gap or section < 1000):
                text += "零"
            text += _section(section) + _SECTIONS[index]
            gap = False
        text += "元"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text and fen:
        text += "零"
    return text + (_DIGITS[fen] + "分" if fen else "整")


def _amount(text: str) -> Decimal | None:
    """Return a positive amount with at most two decimals, or None."""
    try:
        amount = Decimal(str(text))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        return None
    return amount.quantize(CENT)


def _refusal(session: Session, id_number: str, scheme: str, year: int, today_year: int) -> str | None:
    if year > today_year:
        return f"不能预缴以后年度（{year}年）的城乡居民养老保险费。"
    if year < today_year:
        return f"{year}年度为往年度，往年度缴费请办理城乡居民养老保险信息补缴申报（事项32）。"
    for paid in contributions_of(session, id_number):
        if paid.year == year and paid.scheme == scheme:
            day = f"{paid.collected_at.astimezone(CHINA):%Y年%m月%d日}"
            return (f"县级记录显示申请人{year}年度{SCHEMES[scheme]}费已于{day}缴纳"
                    f"（收据号 {paid.receipt_no}），不能重复收取。")
    for record in get_connector(session).resident_pension_contributions(id_number).records:
        same_scheme = ("补充" in str(record["data"].get("scheme", ""))) == (scheme == "supplementary")
        if record["origin"] == "roster" and record["data"].get("year") == str(year) and same_scheme:
            return f"省平台数据显示申请人{year}年度已缴费（{record['source_note']}），不能重复收取。"
    return None


def collect_contribution(session: Session, instance: ProcessInstance, now: datetime, *, scheme: str, year: int,
                         amount: str, payment_method: str) -> dict[str, Any]:
    """Record a collected contribution and return the receipt to print, or why it was not collected."""
    if scheme not in SCHEMES or payment_method not in PAYMENT_METHODS:
        raise ValueError(f"unknown scheme {scheme!r} or payment method {payment_method!r}")
    value = _amount(amount)
    refusal = "缴费金额须大于0，最多两位小数（到分）。" if value is None else _refusal(
        session, instance.applicant_id_number, scheme, int(year), now.astimezone(CHINA).year)
    if refusal:
        return {"collected": False, "message": refusal, "receipt_no": None, "text": ""}
    row = ResidentContribution(
        receipt_no=f"JF{instance.case_no}", id_number=instance.applicant_id_number, name=instance.applicant_name,
        scheme=scheme, year=int(year), amount_yuan=str(value), payment_method=payment_method, collected_at=now,
        collected_by=last_completer(session, instance.id, {ACCEPT_TASK}), instance_id=instance.id,
        point_code=instance.point_code, town_code=instance.town_code,
    )
    session.add(row)
    session.flush()
    return {"collected": True, "receipt_no": row.receipt_no, "collected_at": china_iso(now),
            "amount": row.amount_yuan, "amount_in_words": yuan_in_words(value), "text": receipt_text(row),
            "message": f"已收取您{year}年度{SCHEMES[scheme]}费{row.amount_yuan}元，收据号 {row.receipt_no}。"}


def receipt_text(row: ResidentContribution) -> str:
    """Return the printable receipt of a collected contribution."""
    return "\n".join((
        "城乡居民养老保险费缴费凭证",
        f"收据号：{row.receipt_no}",
        f"缴费人：{row.name or ''}    身份证号码：{row.id_number}",
        f"险种：{SCHEMES.get(row.scheme, row.scheme)}    缴费年度：{row.year}",
        f"金额：人民币{yuan_in_words(Decimal(row.amount_yuan))}（¥{row.amount_yuan}）",
        f"缴费方式：{PAYMENT_METHODS.get(row.payment_method, row.payment_method)}",
        f"收取网点：{row.point_code or ''}    收取时间：{row.collected_at.astimezone(CHINA):%Y-%m-%d %H:%M}",
        f"经办人：{row.collected_by or ''}",
    ))
