"""Filing a problem through the page: bad input refused in Chinese with nothing saved; attachments kept and scoped."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from sqlalchemy import func, select

from app.faults.models import Fault, FaultAttachment
from engine.models import ProcessInstance
from tests.web import logged_in, token

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
GOOD = {"fault_category": "guidance", "fault_line": "employment", "fault_item": "11",
        "fault_description": "失业登记提交后页面一直转圈", "fault_suggestion": "请告知正确的操作步骤"}


def docx() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def file(client, fields=None, files=()):
    """Post the filing form with files given as (name, bytes)."""
    page = client.get("/faults/new").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    data = {**GOOD, **(fields or {}), "request_key": key, "csrf_token": token(client, "/faults/new"),
            "attachments": [(BytesIO(content), name) for name, content in files]}
    return client.post("/faults/new", data=data, content_type="multipart/form-data")


def saved(store) -> tuple[int, int, int]:
    with store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (ProcessInstance, Fault, FaultAttachment))


def test_only_point_and_town_staff_file_problems(web):
    assert logged_in(web, "clerk1").get("/faults/new").status_code == 200
    assert "问题分类" in logged_in(web, "townstaff1").get("/faults/new").get_data(as_text=True)
    assert logged_in(web, "reviewer1").get("/faults/new").status_code == 403
    assert logged_in(web, "backbone1").post("/faults/new", data={}).status_code in (400, 403)


def test_empty_description_is_refused_in_chinese_and_nothing_is_saved(web, store):
    response = file(logged_in(web, "clerk1"), {"fault_description": "  "}, [("a.png", PNG)])
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写问题描述" in page and "未保存任何内容" in page
    assert "请告知正确的操作步骤" in page
    assert saved(store) == (0, 0, 0)


def test_too_large_attachment_is_refused_and_nothing_is_saved(web, store):
    big = PNG + b"\0" * (5 * 1024 * 1024)
    response = file(logged_in(web, "clerk1"), files=[("ok.png", PNG), ("大图.png", big)])
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "附件“大图.png”超过5MB的大小上限" in page
    assert saved(store) == (0, 0, 0)


def test_refused_types_are_named_and_nothing_is_saved(web, store):
    clerk = logged_in(web, "clerk1")
    page = file(clerk, files=[("setup.exe", b"MZ\x90\x00")]).get_data(as_text=True)
    assert "附件“setup.exe”的类型不允许上传，只能上传png、jpg、pdf、txt、docx、xlsx文件" in page
    page = file(clerk, files=[("假图片.png", b"MZ\x90\x00 not an image")]).get_data(as_text=True)
    assert "附件“假图片.png”的内容与文件类型（.png）不符" in page
    assert saved(store) == (0, 0, 0)


def test_too_many_files_are_refused(web, store):
    response = file(logged_in(web, "clerk1"), files=[(f"{n}.png", PNG) for n in range(6)])
    assert "附件最多5个" in response.get_data(as_text=True) and saved(store) == (0, 0, 0)


def test_a_post_over_the_request_limit_gets_a_chinese_message(web, store):
    huge = b"\0" * (9 * 1024 * 1024)
    response = file(logged_in(web, "clerk1"), files=[("huge.png", huge)])
    assert response.status_code == 413
    assert "上传内容合计超过8MB，未保存任何内容" in response.get_data(as_text=True)
    assert saved(store) == (0, 0, 0)


def test_filed_problem_keeps_its_files_and_only_its_scope_sees_them(web, store):
    clerk = logged_in(web, "clerk1")
    response = file(clerk, files=[("截图 1.png", PNG), ("说明.docx", docx()), ("", b"")])
    assert response.status_code == 302
    with store.session() as s:
        fault = s.scalar(select(Fault))
        files = s.scalars(select(FaultAttachment).order_by(FaultAttachment.id)).all()
    assert (fault.category, fault.line, fault.item_code, fault.point_code, fault.town_code, fault.level) == (
        "guidance", "employment", "11", "LG-V01", "LG", "backbone")
    assert [(f.filename, f.content_type) for f in files] == [
        ("截图 1.png", "image/png"),
        ("说明.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    assert response.headers["Location"].endswith(f"/faults/{fault.id}")
    page = clerk.get(f"/faults/{fault.id}").get_data(as_text=True)
    assert "问题已提交" in page and "失业登记提交后页面一直转圈" in page and "县级业务骨干" in page
    assert "截图 1.png" in page and "11. 失业登记" in page
    download = clerk.get(f"/faults/{fault.id}/files/{files[0].id}")
    assert download.data == PNG and download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    other = logged_in(web, "clerk2")
    assert other.get(f"/faults/{fault.id}").status_code == 403
    assert other.get(f"/faults/{fault.id}/files/{files[0].id}").status_code == 403
    assert logged_in(web, "backbone1").get(f"/faults/{fault.id}/files/{files[0].id}").data == PNG


def test_double_submit_files_one_problem(web, store):
    clerk = logged_in(web, "clerk1")
    page = clerk.get("/faults/new").get_data(as_text=True)
    key = re.search(r'name="request_key" value="([^"]+)"', page).group(1)
    for _ in range(2):
        clerk.post("/faults/new", data={**GOOD, "request_key": key, "csrf_token": token(clerk, "/faults/new")})
    assert saved(store)[:2] == (1, 1)


def test_town_staff_problem_belongs_to_the_town(web, store):
    assert file(logged_in(web, "townstaff1"), {"fault_category": "system"}).status_code == 302
    with store.session() as s:
        fault = s.scalar(select(Fault))
    assert (fault.point_code, fault.town_code, fault.reporter_role, fault.level) == (None, "LG", "town_staff",
                                                                                     "province")
