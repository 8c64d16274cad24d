"""Declarative forms: the project's form files, and definition errors that name file and problem."""

from __future__ import annotations

import pytest

from engine.forms import FormDefinitionError, FormRegistry, load_form, validate
from tests.engine.form_samples import FORMS, RESERVED, TODAY, form_of, one_field

# --- the project's form files -------------------------------------------------------------------


def test_every_form_file_loads():
    paths = sorted(FORMS.glob("*.toml"))
    assert paths
    for path in paths:
        form = load_form(path, reserved=RESERVED)
        assert form.id == path.stem and form.title and form.fields


def test_registry_lists_the_item_11_and_materials_forms():
    registry = FormRegistry(FORMS, reserved=RESERVED)
    expected = {"item11_accept", "check_materials", "issue_notice", "receive_supplement", "item11_review",
                "supervise_overdue", "verify_identity", "record_home_visit", "notify_applicant"}
    assert expected <= registry.ids()
    assert registry.get("item11_review").field("decision").required
    assert registry.get("no_such_task") is None
    assert "item11_accept" in registry and len(registry) == len(registry.ids())


def test_review_feeds_the_gateway():
    form = FormRegistry(FORMS).get("item11_review")
    approved = validate(form, {"decision": "approve", "review_opinion": ""})
    assert approved.ok and approved.data == {"decision": "approve", "review_opinion": ""}
    rejected = validate(form, {"decision": "reject"})
    assert rejected.errors == {"review_opinion": "请填写审核意见"}
    assert validate(form, {}).errors == {"decision": "请选择审核结果"}


def test_check_materials_posts_what_the_missing_script_needs():
    form = FormRegistry(FORMS).get("check_materials")
    context = {"required_materials": ["本人身份证或社会保障卡", "户口本"]}
    result = validate(form, {"materials_received": ["户口本"]}, context)
    assert result.data == {"materials_received": ["户口本"], "other_missing": ""}
    data = {**context, **result.data}
    other = data["other_missing"]
    missing = [m for m in data["required_materials"] if m not in data["materials_received"]] + (
        [other] if other else [])
    assert missing == ["本人身份证或社会保障卡"]
    bogus = validate(form, {"materials_received": ["护照"]}, context)
    assert bogus.errors == {"materials_received": "请从列表中选择已收到且符合要求的材料"}


def test_accept_form_round_trip():
    form = FormRegistry(FORMS).get("item11_accept")
    raw = {"unemployment_date": "2024/5/31", "unemployment_reason": "other", "contact_phone": "138 0013 8000",
           "csrf_token": "x"}
    result = validate(form, raw, today=TODAY)
    assert result.errors == {"unemployment_reason_other": "请填写其他失业原因"}
    result = validate(form, {**raw, "unemployment_reason_other": "返乡"}, today=TODAY)
    assert result.ok
    assert result.data["unemployment_date"] == "2024-05-31"
    assert result.data["contact_phone"] == "13800138000"
    assert "csrf_token" not in result.data and "applicant_name" not in result.data
    future = validate(form, {**raw, "unemployment_date": "2024-06-02"}, today=TODAY)
    assert future.errors["unemployment_date"] == "失业日期不能晚于今天"
    assert validate(form, {}, today=TODAY).errors == {
        "unemployment_date": "请填写失业日期", "unemployment_reason": "请选择失业原因",
        "contact_phone": "请填写联系电话"}


def test_issue_notice_requires_the_tick():
    form = FormRegistry(FORMS).get("issue_notice")
    assert validate(form, {}).errors == {"notice_handed_over": "请确认一次性告知书已打印并交给申请人"}
    data = validate(form, {"notice_handed_over": "on"}).data
    assert data == {"notice_handed_over": True, "notice_note": ""}


def test_supervise_overdue_requires_both_texts():
    form = FormRegistry(FORMS).get("supervise_overdue")
    assert validate(form, {"overdue_reason": "  "}).errors == {
        "overdue_reason": "请填写超期原因", "supervise_action": "请填写督办措施"}


ONE_CHOICE = 'choices = [{value="a", label="甲"}]'


# --- definition errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (one_field("colour"), "未知类型 'colour'"),
        (one_field("choice"), "choice 类型须有 choices 或 choices_from 之一"),
        (one_field("multichoice", 'choices = []'), "choices 应为非空列表"),
        (one_field("choice", 'choices = [{value="a"}]'), "必须恰好有 value 和 label"),
        (one_field("choice", 'choices = [{value="a", label="甲"}, {value="a", label="乙"}]'), "重复的 value"),
        (one_field("choice", f'{ONE_CHOICE}\nchoices_from = "x"'), "choices 或 choices_from"),
        (one_field("text", 'choices_from = "x"'), "text 类型不能有 choices"),
        (one_field("text", "requried = true"), "未知的键 requried"),
        (one_field("text", "min = 1"), "text 类型不能有 min"),
        (one_field("integer", 'min = "1"'), "min 应为数字"),
        (one_field("date", 'max = "tomorrow"'), "max 应为 \"today\" 或"),
        (one_field("integer", "max_length = 3"), "integer 类型不能有 max_length"),
        (one_field("text", "max_length = -1"), "max_length 应为非负整数"),
        (one_field("text", 'pattern = "("'), "pattern 不是有效的正则表达式"),
        (one_field("text", 'required = "yes"'), "required 应为 true 或 false"),
        (one_field("text", 'required_when = { field = "x" }'), "required_when 应形如"),
        (one_field("text", 'required_when = { field = "f", equals = 1 }'), "不能引用字段自身"),
        (one_field("integer", 'default = "3"'), "default 的值与类型 integer 不符"),
        (one_field("choice", f'{ONE_CHOICE}\ndefault = "b"'), "default 不在 choices 中"),
        (one_field("text", 'readonly_from = "x"\nrequired = true'), "只读字段"),
        (one_field("text").replace('label = "字段"\n', ""), "缺少 label"),
        (one_field("text").replace('"f"', '"Bad-Name"'), "name 'Bad-Name' 须为小写英文标识符"),
        (one_field("text").replace('"f"', '"class"'), "name 'class' 须为"),
        (one_field("text").replace('title = "测试"', ""), "缺少 title"),
        (one_field("text").replace('name = "f"\n', ""), "第1个字段: name None 须为小写英文标识符"),
        ('title = "测试"\n', "至少需要一个 [[fields]]"),
        ('title = "测试"\ncolour = 1\n[[fields]]\nname="f"\nlabel="x"\ntype="text"\n', "未知的顶层键 colour"),
        (one_field("text") * 1 + '[[fields]]\nname = "f"\nlabel = "再"\ntype = "text"\n', "字段名 f 重复"),
    ],
)
def test_malformed_definitions_name_file_and_problem(tmp_path, text, problem):
    path = tmp_path / "some_task.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError) as caught:
        load_form(path)
    assert str(caught.value).startswith(str(path))
    assert problem in str(caught.value)
    assert caught.value.path == str(path)


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('title = "未闭合\n', encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="broken.toml: TOML 语法错误"):
        load_form(path)


def test_reserved_names_are_refused_for_submitted_fields_only(tmp_path):
    (tmp_path / "a.toml").write_text(one_field("text").replace('"f"', '"accepted_at"'), encoding="utf-8")
    with pytest.raises(FormDefinitionError, match="a.toml: 字段 accepted_at: name 与流程脚本环境"):
        FormRegistry(tmp_path, reserved=RESERVED)
    (tmp_path / "a.toml").write_text(
        one_field("text", 'readonly_from = "accepted_at"').replace('"f"', '"accepted_at"'), encoding="utf-8")
    assert FormRegistry(tmp_path, reserved=RESERVED).ids() == {"a"}


def test_registry_ignores_non_toml_files(tmp_path):
    (tmp_path / "README.md").write_text("# forms", encoding="utf-8")
    (tmp_path / "x.toml").write_text(one_field("text"), encoding="utf-8")
    assert FormRegistry(tmp_path).ids() == {"x"}


def test_toml_dates_become_iso_strings():
    form = form_of(one_field("date", "min = 2020-01-01\ndefault = 2021-05-04"))
    assert form.fields[0].min == "2020-01-01" and form.fields[0].default == "2021-05-04"
