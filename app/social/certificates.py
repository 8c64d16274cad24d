"""The certificate of all insurances (item D1): printed only from records the county really holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.social.connector import get_connector
from engine.clock import CHINA
from engine.models import ProcessInstance

NO_CERTIFICATE = "县级数据中没有该人员的参保记录，不能出具参保证明，请到省社保平台查询打印。"


def insurance_certificate(session: Session, instance: ProcessInstance, now: datetime) -> dict[str, Any]:
    """Return {"found", "text"}: the certificate to print, or the plain statement that there is no record."""
    answer = get_connector(session).insurance_certificate(instance.applicant_id_number)
    if not answer.found:
        return {"found": False, "certificate_no": None, "text": NO_CERTIFICATE}
    number = f"ZM{instance.case_no}"
    sources = "；".join(sorted({r["source_note"] for r in answer.records}))
    lines = [
        "社会保险参保证明",
        f"证明编号：{number}",
        f"兹证明 {instance.applicant_name or ''}（身份证号码 {instance.applicant_id_number}）参加社会保险情况如下：",
        *(f"{n}. {r['title']}：{r['text']}" for n, r in enumerate(answer.records, 1)),
        f"以上信息依据{answer.source}出具（{sources}），如有变化以省社保平台数据为准。",
        f"出具网点：{instance.point_code or ''}    出具日期：{now.astimezone(CHINA):%Y年%m月%d日}",
    ]
    return {"found": True, "certificate_no": number, "text": "\n".join(lines)}
