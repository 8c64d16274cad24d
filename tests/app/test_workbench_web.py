"""Process pages: versions, download, upload → check → diff → confirm deploy, refusals, migration."""

from __future__ import annotations

import io
import shutil

import pytest
from sqlalchemy import func, select

from engine.models import ProcessVersion
from tests.conftest import PROCESSES
from tests.factories import ITEM11, start_item11
from tests.web import logged_in, make_app, token

FILE = "item_11_unemployment_registration.bpmn"


@pytest.fixture
def processes(tmp_path):
    target = tmp_path / "processes"
    shutil.copytree(PROCESSES, target)
    return target


@pytest.fixture
def web(engine, store, clock, processes):
    return make_app(store, clock, processes_dir=processes)


def upload(client, name, content: bytes):
    return client.post("/processes/upload", data={"file": (io.BytesIO(content), name),
                                                  "csrf_token": token(client, "/processes/upload")},
                       content_type="multipart/form-data")


def versions(store):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(ProcessVersion).where(ProcessVersion.process_id == ITEM11))


def test_process_pages_and_download(web, engine):
    """Versions with case counts, a version's waiting tasks, and the file download."""
    start_item11(engine)
    analyst = logged_in(web, "analyst1")
    assert "失业登记" in analyst.get("/processes/").get_data(as_text=True)
    page = analyst.get(f"/processes/{ITEM11}").get_data(as_text=True)
    assert "当前" in page and "<td>1</td>" in page  # one open case
    with web.extensions["cuncun.engine"].store.session() as s:
        vid = s.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == ITEM11))
    download = analyst.get(f"/processes/versions/{vid}/download")
    assert download.data.startswith(b"<?xml") and b"item_11_unemployment_registration" in download.data
    assert "<code>item11_accept</code></td><td>1</td>" in analyst.get(f"/processes/versions/{vid}").get_data(
        as_text=True)
    assert logged_in(web, "clerk1").get("/processes/").status_code == 403


def test_upload_check_diff_then_confirm_deploys(web, store, processes):
    analyst = logged_in(web, "analyst1")
    content = (processes / FILE).read_text(encoding="utf-8").replace('name="受理登记"', 'name="受理失业登记"')
    response = upload(analyst, FILE, content.encode())
    page = analyst.get(response.headers["Location"]).get_data(as_text=True)
    assert "检查通过" in page and "修改 userTask" in page and "item11_accept" in page
    assert versions(store) == 1  # nothing deployed before the confirm
    deploy_url = response.headers["Location"] + "/deploy"
    analyst.post(deploy_url, data={"csrf_token": token(analyst, response.headers["Location"])})
    assert versions(store) == 2
    assert "受理失业登记" in (processes / FILE).read_text(encoding="utf-8")  # the source directory follows


def test_bad_uploads_are_refused_and_nothing_deploys(web, store, processes):
    analyst = logged_in(web, "analyst1")
    for name, content, words in [
        ("x.bpmn", b"not xml at all", "not well-formed XML"),
        ("note.bpmn", b"<note><to>x</to></note>", "not a BPMN file"),
        ("copy.bpmn", (processes / FILE).read_bytes(), "已由文件 item_11_unemployment_registration.bpmn 定义"),
        (FILE, (processes / FILE).read_bytes().replace(b"statutory_due(accepted_at, 10)", b"PT5M"), "PT5M"),
    ]:
        page = analyst.get(upload(analyst, name, content).headers["Location"]).get_data(as_text=True)
        assert words in page and "确认部署" not in page, name
    assert "文件名只能包含" in upload(analyst, "a b.bpmn", b"<x/>").get_data(as_text=True)
    big = upload(analyst, "big.bpmn", b"<" + b"x" * (50 * 1024 * 1024))
    assert big.status_code == 413 and "文件过大" in big.get_data(as_text=True)
    assert versions(store) == 1
    assert sorted(p.name for p in processes.glob("*.bpmn")) == sorted(p.name for p in PROCESSES.glob("*.bpmn"))


def test_migration_page_dry_run_then_move(web, engine, store, processes):
    case = start_item11(engine)
    analyst = logged_in(web, "analyst1")
    content = (processes / FILE).read_text(encoding="utf-8").replace('name="受理登记"', 'name="受理失业登记"')
    response = upload(analyst, FILE, content.encode())
    analyst.post(response.headers["Location"] + "/deploy", data={"csrf_token": token(analyst, "/processes/")})
    page = analyst.get(f"/processes/{ITEM11}/migrate").get_data(as_text=True)
    assert "可以迁移" in page
    analyst.post(f"/processes/{ITEM11}/migrate", data={"instance": str(case),
                                                       "csrf_token": token(analyst, f"/processes/{ITEM11}/migrate")})
    assert "没有使用旧版本的办理中案件" in analyst.get(f"/processes/{ITEM11}/migrate").get_data(as_text=True)


def test_version_page_badges_where_cases_wait(web, engine, clock):
    start_item11(engine)
    clock.advance(days=30)
    from engine.timers import fire_due_timers

    fire_due_timers(engine)  # the deadline passes: the case is overdue
    analyst = logged_in(web, "analyst1")
    with web.extensions["cuncun.engine"].store.session() as s:
        vid = s.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == ITEM11))
    page = analyst.get(f"/processes/versions/{vid}").get_data(as_text=True)
    assert "<svg" in page and "1 等待 / 1 超期" in page


def test_upload_with_a_sandbox_escape_is_refused_in_chinese_and_runs_nothing(web, store, processes, tmp_path):
    """The upload check names file, line, element and reason; the script never runs in the web server."""
    marker = tmp_path / "escaped"
    analyst = logged_in(web, "analyst1")
    escape = f"__import__('os').system('touch {marker}')"
    content = (processes / FILE).read_text(encoding="utf-8").replace(
        '>decision == "approve"<', f'>decision == "approve" or {escape}<', 1)
    assert escape in content
    page = analyst.get(upload(analyst, FILE, content.encode()).headers["Location"]).get_data(as_text=True)
    assert "被安全沙箱拒绝" in page and "不允许使用以下划线开头的名字 __import__" in page and "确认部署" not in page
    assert FILE in page and "flow_approved" in page
    assert not marker.exists() and versions(store) == 1


@pytest.mark.parametrize("encoding", ["GBK", "GB2312", "GB18030"])
def test_upload_in_a_declared_chinese_encoding_is_read_as_utf8(web, store, processes, encoding):
    analyst = logged_in(web, "analyst1")
    text = (processes / FILE).read_text(encoding="utf-8").replace('name="受理登记"', 'name="受理失业登记"')
    text = text.replace('encoding="UTF-8"', f'encoding="{encoding}"', 1)
    assert f'encoding="{encoding}"' in text
    response = upload(analyst, FILE, text.encode("gb18030" if encoding == "GB18030" else "gbk"))
    page = analyst.get(response.headers["Location"]).get_data(as_text=True)
    assert "检查通过" in page and "修改 userTask" in page
    analyst.post(response.headers["Location"] + "/deploy", data={"csrf_token": token(analyst, "/processes/")})
    assert versions(store) == 2
    with store.session() as s:
        xml = s.scalars(select(ProcessVersion.bpmn_xml).where(ProcessVersion.process_id == ITEM11)
                        .order_by(ProcessVersion.id.desc())).first()
    assert "受理失业登记" in xml and "UTF-8" in xml.splitlines()[0]  # kept as UTF-8, the Chinese names intact


def test_upload_in_an_undeclared_chinese_encoding_is_refused_clearly(web, store, processes):
    analyst = logged_in(web, "analyst1")
    text = (processes / FILE).read_text(encoding="utf-8").replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    response = upload(analyst, FILE, text.encode("gbk"))
    assert response.status_code < 500
    body = response.get_data(as_text=True)
    if response.status_code == 302:
        body = analyst.get(response.headers["Location"]).get_data(as_text=True)
    assert "文件编码无法识别" in body and "确认部署" not in body
    assert versions(store) == 1
