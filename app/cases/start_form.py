"""The counter's start-a-case form, declared like the task forms so it validates the same way."""

from __future__ import annotations

from app.cases.starting import MODES
from app.catalog import Item
from engine.forms import FormDefinition, parse_form


def start_form(item: Item) -> FormDefinition:
    """Return the start form for an item: applicant identity and the service modes its channels allow."""
    modes = [{"value": code, "label": label} for code, (label, channel) in MODES.items()
             if channel in item.channels and code != "kiosk"]  # citizens' own kiosk use starts at the kiosk
    return parse_form({
        "title": f"受理：{item.name}",
        "fields": [
            {"name": "applicant_id_number", "label": "申请人身份证号码", "type": "id_number", "required": True,
             "help": "18位居民身份证号码，末位可为X"},
            {"name": "applicant_name", "label": "申请人姓名", "type": "text", "required": True, "max_length": 40},
            {"name": "ss_card_number", "label": "社会保障卡卡号", "type": "ss_card",
             "help": "申请人持社会保障卡时填写（9位卡号或18位社会保障号码）"},
            {"name": "channel", "label": "服务方式", "type": "choice", "required": True, "choices": modes,
             "default": "counter"},
        ],
    }, "start_case")
