"""Personal records at a kiosk need a card read signed with the kiosk's device token; a typed number is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.kiosk import cardread
from app.kiosk.models import CitizenSession, UsedCardRead
from engine.models import ProcessInstance
from tests.api.support import CITIZEN_A, CITIZEN_B, bearer, identify, register_kiosk
from tests.app.test_kiosk_pages import (
    card_read,
    enrol,
    start,
    text,
    web,  # noqa: F401 (the kiosk pages' app fixture)
)
from tests.app.test_kiosk_pages import identify as identify_at_kiosk


def test_verify_tells_a_read_from_a_typed_number_and_refuses_forgeries(clock):
    now = clock()
    at = now.isoformat()
    good = cardread.sign("ck_one", "id_card", CITIZEN_A, at)
    assert cardread.verify("ck_one", "id_card", CITIZEN_A, at, good, now) is True
    assert cardread.verify("ck_one", "id_card", CITIZEN_A, "", "", now) is False  # typed: no signature
    for token, number, moment in (("ck_other", CITIZEN_A, at), ("ck_one", "11010519491231001X", at)):
        with pytest.raises(cardread.CardReadRefused):
            cardread.verify(token, "id_card", number, moment, good, now)
    stale = (now - timedelta(minutes=5)).isoformat()
    with pytest.raises(cardread.CardReadRefused, match="已过期"):
        cardread.verify("ck_one", "id_card", CITIZEN_A, stale, cardread.sign("ck_one", "id_card", CITIZEN_A, stale),
                        now)


def test_typed_number_cannot_query_personal_records_but_non_personal_items_still_work(web, store, clock):  # noqa: F811
    kiosk = enrol(web, store, clock)
    assert identify_at_kiosk(kiosk, card=False, name="张三").status_code == 302
    refused = start(kiosk, "25")  # 企业职工养老保险参保情况查询
    assert refused.status_code == 403 and "请在读卡器上刷身份证或社保卡" in text(refused)
    assert start(kiosk, "13").status_code == 403
    assert kiosk.get("/kiosk/items/3/new").status_code == 200  # 岗位信息查询: nothing personal
    with store.session() as s:
        assert s.scalars(select(ProcessInstance)).all() == []
        assert s.scalar(select(CitizenSession.card_read)) is False


def test_card_read_opens_personal_queries(web, store, clock):  # noqa: F811
    kiosk = enrol(web, store, clock)
    assert identify_at_kiosk(kiosk, name="张三").status_code == 302
    assert start(kiosk, "25").headers["Location"].startswith("/kiosk/cases/")
    with store.session() as s:
        assert s.scalar(select(CitizenSession.card_read)) is True


def test_a_forged_or_foreign_read_is_refused_at_identification(web, store, clock):  # noqa: F811
    kiosk = enrol(web, store, clock)
    _, other = register_kiosk(store, clock(), name="另一台")
    response = identify_at_kiosk(kiosk, card=False, name="张三", **card_read(kiosk, token=other))
    assert response.status_code == 422 and "读卡信息校验失败" in text(response)
    with store.session() as s:
        assert s.scalars(select(CitizenSession)).all() == []


def test_demo_reader_is_off_unless_configured_and_signs_for_this_kiosk(web, store, clock):  # noqa: F811
    kiosk = enrol(web, store, clock)
    csrf = {"csrf_token": text(kiosk.get("/kiosk/")).split('name="csrf_token" value="')[1].split('"')[0]}
    assert kiosk.post("/kiosk/reader/demo", data={"number": CITIZEN_A, **csrf}).status_code == 404
    assert "模拟刷卡" not in text(kiosk.get("/kiosk/"))
    web.config["KIOSK_DEMO_READER"] = True
    assert "演示：模拟刷卡" in text(kiosk.get("/kiosk/"))
    read = kiosk.post("/kiosk/reader/demo", data={"number": CITIZEN_A.lower(), "document": "id_card", **csrf}).json
    assert read["number"] == CITIZEN_A
    assert cardread.verify(kiosk.kiosk_token, "id_card", CITIZEN_A, read["read_at"], read["signature"], clock())


def test_api_typed_session_is_refused_personal_queries(web, store, clock):  # noqa: F811
    client = web.test_client()
    _, token = register_kiosk(store, clock())
    typed = identify(client, token, card=False)
    response = client.post("/api/v1/cases", json={"item_code": "26"}, headers=bearer(token, typed))
    assert response.status_code == 403 and "请在读卡器上刷身份证或社保卡" in response.get_json()["message"]
    read = identify(client, token)
    assert client.post("/api/v1/cases", json={"item_code": "26"}, headers=bearer(token, read)).status_code == 201
    forged = client.post("/api/v1/citizen/session", headers=bearer(token),
                         json={"number": CITIZEN_A, "name": "张三", "read_at": clock().isoformat(), "signature": "00"})
    assert forged.status_code == 422 and forged.get_json()["code"] == "card_read_invalid"


def reset(kiosk) -> None:
    assert kiosk.post("/kiosk/reset", data={"reason": "logout"}).status_code in (200, 302)


def sessions(store) -> int:
    with store.session() as s:
        return len(s.scalars(select(CitizenSession)).all())


def test_a_replayed_read_is_refused_and_a_fresh_one_accepted(web, store, clock):  # noqa: F811
    kiosk = enrol(web, store, clock)
    read = card_read(kiosk)
    assert identify_at_kiosk(kiosk, card=False, name="张三", **read).status_code == 302
    reset(kiosk)
    clock.advance(seconds=30)  # well within the two minutes a read stays fresh
    replay = identify_at_kiosk(kiosk, card=False, name="张三", **read)
    assert replay.status_code == 422 and "该次刷卡信息已经使用过，不能重复使用，请重新刷卡" in text(replay)
    assert sessions(store) == 1
    assert identify_at_kiosk(kiosk, name="张三").status_code == 302  # a fresh swipe of the same card
    assert sessions(store) == 2


def test_a_read_sent_back_with_the_missing_name_is_not_a_replay(web, store, clock):  # noqa: F811
    kiosk = enrol(web, store, clock)
    read = card_read(kiosk, CITIZEN_B)
    page = identify_at_kiosk(kiosk, CITIZEN_B, card=False, **read)
    assert page.status_code == 200 and "请输入您的姓名" in text(page)
    assert read["signature"] in text(page)  # the page posts the same read again with the name
    assert identify_at_kiosk(kiosk, CITIZEN_B, card=False, name="李四", **read).status_code == 302
    reset(kiosk)
    assert identify_at_kiosk(kiosk, CITIZEN_B, card=False, name="李四", **read).status_code == 422


def test_api_replay_is_refused(web, store, clock):  # noqa: F811
    from tests.api.support import card_read as api_read

    client = web.test_client()
    _, token = register_kiosk(store, clock())
    body = {"number": CITIZEN_A, "name": "张三", **api_read(client, token)}
    assert client.post("/api/v1/citizen/session", json=body, headers=bearer(token)).status_code == 201
    again = client.post("/api/v1/citizen/session", json=body, headers=bearer(token))
    assert again.status_code == 422 and again.get_json()["code"] == "card_read_replayed"
    assert "已经使用过" in again.get_json()["message"]
    assert sessions(store) == 1


def test_used_reads_are_purged_once_older_than_a_read_may_be(store, clock):
    def use(moment) -> None:
        at = moment.isoformat()
        with store.session(write=True) as s:
            cardread.consume(s, 1, at, cardread.sign("ck", "id_card", CITIZEN_A, at), clock())

    def kept() -> list:
        with store.session() as s:
            return sorted(s.scalars(select(UsedCardRead.read_at)).all())

    start = clock()
    use(start - timedelta(seconds=100))
    use(start)
    assert len(kept()) == 2
    clock.advance(seconds=30)  # the first read is now 130 s old: refused as stale anyway, so its row goes
    use(clock())
    assert kept() == [start, clock()]
    clock.advance(seconds=cardread.READ_MAX_AGE.total_seconds() + 1)
    use(clock())
    assert kept() == [clock()]
