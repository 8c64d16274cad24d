"""Tests for declarative forms: loading, validation, rendering and the JSON schema."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from engine.forms import (
    FormDefinitionError,
    FormRegistry,
    form_fields_for_render,
    json_schema,
    load_form,
    parse_form,
    raw_from_data,
    validate,
)
from engine.script_env import CASE_CONTEXT_KEYS, build_helpers

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
PROCESSES = ROOT / "processes"
TODAY = date(2024, 6, 1)
SAMPLE_ID = "11010519491231002X"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
RESERVED = (*CASE_CONTEXT_KEYS, *build_helpers(lambda: None, lambda: None))


def form_of(text: str, form_id: str = "t"):
    """Build a form from TOML text."""
    return parse_form(tomllib.loads(text), form_id)


def one_field(kind: str, extra: str = "", label: str = "字段") -> str:
    return f'title = "测试"\n[[fields]]\nname = "f"\nlabel = "{label}"\ntype = "{kind}"\n{extra}\n'


def check(kind: str, value, extra: str = "", label: str = "字段", context=None):
    """Validate one field and return (data value or None, error or None)."""
    result = validate(form_of(one_field(kind, extra, label)), {"f": value}, context, today=TODAY)
    return result.data.get("f"), result.errors.get("f")


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


# --- each type ----------------------------------------------------------------------------------


def test_text_trims_and_checks_length_and_pattern():
    assert check("text", "  王五 ") == ("王五", None)
    assert check("text", "ab", "min_length = 3") == (None, "字段至少填写3个字")
    assert check("text", "abcd", "max_length = 3") == (None, "字段不能超过3个字，现为4个字")
    assert check("text", "x" * 201) == (None, "字段不能超过200个字，现为201个字")
    assert check("text", "12a", 'pattern = "\\\\d+"') == (None, "字段格式不正确")
    assert check("text", "12a", 'pattern = "\\\\d+"\npattern_message = "只能填数字"') == (None, "只能填数字")
    assert check("text", "123", 'pattern = "\\\\d+"') == ("123", None)


def test_textarea_normalises_line_ends_and_has_a_larger_default_limit():
    assert check("textarea", "一\r\n二") == ("一\n二", None)
    assert check("textarea", "x" * 2000) == ("x" * 2000, None)
    assert check("textarea", "x" * 2001)[1] == "字段不能超过2000个字，现为2001个字"


def test_integer():
    assert check("integer", " 42 ") == (42, None)
    assert check("integer", "-3") == (-3, None)
    assert check("integer", "４２") == (42, None)
    assert check("integer", "4.2") == (None, "字段应为整数")
    assert check("integer", "abc", label="人数") == (None, "人数应为整数")
    assert check("integer", "0", "min = 1") == (None, "字段不能小于1")
    assert check("integer", "11", "max = 10") == (None, "字段不能大于10")
    assert check("integer", "0", "required = true") == (0, None)


def test_decimal_is_an_exact_string():
    assert check("decimal", "12.50") == ("12.50", None)
    assert check("decimal", "007.5") == ("7.5", None)
    assert check("decimal", ".5") == ("0.5", None)
    assert check("decimal", "0.1") == ("0.1", None)
    assert check("decimal", "1e3") == (None, "字段应为数字")
    assert check("decimal", "NaN") == (None, "字段应为数字")
    assert check("decimal", "-0.01", "min = 0") == (None, "字段不能小于0")
    assert check("decimal", "1500.01", "max = 1500") == (None, "字段不能大于1500")
    assert check("decimal", "1500", "max = 1500") == ("1500", None)


@pytest.mark.parametrize(
    "typed", ["2024-03-01", "2024/3/1", "2024.03.01", "2024年3月1日", "20240301", "２０２４-３-１"]
)
def test_date_accepts_common_typed_forms(typed):
    assert check("date", typed) == ("2024-03-01", None)


def test_date_errors():
    message = "失业日期不是有效日期，请按“年-月-日”填写，如2024-03-01"
    assert check("date", "2024-02-30", label="失业日期") == (None, message)
    assert check("date", "昨天", label="失业日期") == (None, message)
    assert check("date", "2024-06-02", 'max = "today"') == (None, "字段不能晚于今天")
    assert check("date", "2024-06-01", 'max = "today"') == ("2024-06-01", None)
    assert check("date", "2024-05-31", 'min = "today"') == (None, "字段不能早于今天")
    assert check("date", "2019-12-31", 'min = "2020-01-01"') == (None, "字段不能早于2020-01-01")
    assert check("date", "2031-01-01", "max = 2030-12-31") == (None, "字段不能晚于2030-12-31")
    assert check("date", "", "required = true", label="失业日期") == (None, "请填写失业日期")


CHOICES = 'choices = [{value="approve", label="通过"}, {value="reject", label="不通过"}]'


def test_choice():
    assert check("choice", "reject", CHOICES) == ("reject", None)
    assert check("choice", "通过", CHOICES, label="审核结果") == (None, "请从列表中选择审核结果")
    assert check("choice", "", CHOICES) == (None, None)
    assert check("choice", "", CHOICES + "\nrequired = true", label="审核结果") == (None, "请选择审核结果")


def test_choice_from_task_data():
    extra = 'choices_from = "options"'
    context = {"options": [{"value": "a", "label": "甲"}, "b"]}
    assert check("choice", "a", extra, context=context) == ("a", None)
    assert check("choice", "b", extra, context=context) == ("b", None)
    assert check("choice", "c", extra, context=context) == (None, "请从列表中选择字段")
    assert check("choice", "a", extra) == (None, "请从列表中选择字段")


def test_multichoice_keeps_choice_order_and_drops_blanks_and_repeats():
    extra = 'choices_from = "materials"'
    context = {"materials": ["身份证", "户口本", "照片"]}
    posted = ["照片", "", "身份证", "照片"]
    assert check("multichoice", posted, extra, context=context) == (["身份证", "照片"], None)
    assert check("multichoice", "户口本", extra, context=context) == (["户口本"], None)
    assert check("multichoice", None, extra, context=context) == ([], None)
    assert check("multichoice", [], extra + "\nrequired = true", "材料", context) == (None, "请选择材料")
    assert check("multichoice", ["护照"], extra, "材料", context) == (None, "请从列表中选择材料")


@pytest.mark.parametrize(("posted", "value"), [("on", True), ("true", True), ("1", True), (True, True),
                                                (None, False), ("", False), ("off", False), (False, False)])
def test_boolean_absent_is_false(posted, value):
    assert check("boolean", posted) == (value, None)


def test_boolean_hidden_fallback_does_not_hide_the_tick():
    assert check("boolean", ["off", "on"]) == (True, None)
    assert check("boolean", ["off"]) == (False, None)


def test_boolean_errors():
    assert check("boolean", "maybe", label="已告知") == (None, "已告知只能选择是或否")
    assert check("boolean", None, "required = true", label="已告知") == (None, "请确认已告知")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("+86 13800138000", "13800138000"),
     ("0356-2234567", "0356-2234567"), ("03562234567", "03562234567"), ("(0356)2234567", "03562234567"),
     ("6123456", "6123456"), ("010-62345678-801", "010-62345678-801")],
)
def test_phone_accepts_mobiles_and_landlines(typed, stored):
    assert check("phone", typed) == (stored, None)


@pytest.mark.parametrize(
    "typed", ["12345", "1380013800", "23800138000", "138001380001", "电话", "0356-123", "0356-1234567"]
)
def test_phone_rejects_others(typed):
    assert check("phone", typed, label="联系电话") == (
        None, "联系电话格式不正确，请填写11位手机号码或固定电话（可带区号）")


def test_id_number_field():
    assert check("id_number", SAMPLE_ID.lower()) == (SAMPLE_ID, None)
    assert check("id_number", "11010519491231002") == (None, "身份证号码应为18位，现为17位")
    assert check("id_number", "110105194912310021")[1].startswith("身份证号码校验码错误")
    assert check("id_number", "", "required = true", label="身份证号码") == (None, "请填写身份证号码")
    assert check("id_number", "") == ("", None)


def test_ss_card_field():
    assert check("ss_card", "a1234567b") == ("A1234567B", None)
    assert check("ss_card", SAMPLE_ID) == (SAMPLE_ID, None)
    assert check("ss_card", "110105194912310021")[1].startswith("社会保障号码校验码错误")
    assert check("ss_card", "A12")[1] == "应填写9位社会保障卡号或18位社会保障号码，现为3位"


# --- the result as a whole ----------------------------------------------------------------------

FORM = """
title = "测试表单"
[[fields]]
name = "decision"
label = "审核结果"
type = "choice"
required = true
choices = [{value="approve", label="通过"}, {value="reject", label="不通过"}]
[[fields]]
name = "opinion"
label = "审核意见"
type = "textarea"
required_when = { field = "decision", equals = "reject" }
[[fields]]
name = "count"
label = "份数"
type = "integer"
[[fields]]
name = "tags"
label = "标签"
type = "multichoice"
choices_from = "tags_available"
required_when = { field = "stage", equals = "final" }
[[fields]]
name = "shown"
label = "申请人"
type = "text"
readonly_from = "applicant_name"
"""


def test_empty_optional_fields_are_present_in_data():
    result = validate(form_of(FORM), {"decision": "approve"})
    assert result.data == {"decision": "approve", "opinion": "", "count": None, "tags": []}


def test_required_when_reads_the_form_then_the_task_data():
    form = form_of(FORM)
    assert validate(form, {"decision": "reject"}).errors == {"opinion": "请填写审核意见"}
    assert validate(form, {"decision": "reject", "opinion": "材料不实"}).ok
    errors = validate(form, {"decision": "approve"}, {"stage": "final", "tags_available": ["甲"]}).errors
    assert errors == {"tags": "请选择标签"}


def test_required_when_on_a_list_means_contains():
    form = form_of(one_field("multichoice", 'choices = [{value="x", label="其他"}, {value="y", label="乙"}]')
                   + '[[fields]]\nname = "g"\nlabel = "说明"\ntype = "text"\n'
                   'required_when = { field = "f", equals = "x" }\n')
    assert validate(form, {"f": ["y", "x"]}).errors == {"g": "请填写说明"}
    assert validate(form, {"f": ["y"]}).ok


def test_errors_echo_raw_and_leave_no_data():
    raw = {"decision": "maybe", "opinion": " 说明 ", "count": "三", "tags": ["a"], "shown": "hack",
           "extra": "1"}
    result = validate(form_of(FORM), raw, {"tags_available": ["a"]})
    assert not result.ok and result.data == {}
    assert result.errors == {"decision": "请从列表中选择审核结果", "count": "份数应为整数"}
    assert result.raw == {"decision": "maybe", "opinion": "说明", "count": "三", "tags": ["a"]}


def test_readonly_and_unknown_keys_are_never_copied():
    result = validate(form_of(FORM), {"decision": "approve", "shown": "x", "applicant_name": "y", "z": "1"})
    assert set(result.data) == {"decision", "opinion", "count", "tags"}


class FakeMultiDict(dict):
    """Just enough of werkzeug's MultiDict: get() gives the first value, getlist() all of them."""

    def get(self, key, default=None):
        values = super().get(key)
        return values[0] if values else default

    def getlist(self, key):
        return list(super().get(key, []))


def test_multidict_and_flat_lists_are_read():
    post = FakeMultiDict({"decision": ["reject"], "opinion": ["", "第二个"], "tags": ["a", "b"]})
    result = validate(form_of(FORM), post, {"tags_available": ["a", "b"]})
    assert result.data["tags"] == ["a", "b"] and result.data["opinion"] == "第二个"
    flat = validate(form_of(FORM), {"decision": ["approve"], "count": [" 3 "]})
    assert flat.data["decision"] == "approve" and flat.data["count"] == 3


def test_json_scalars_from_the_api_are_accepted():
    result = validate(form_of(FORM), {"decision": "approve", "count": 3})
    assert result.data["count"] == 3


# --- rendering and schema -----------------------------------------------------------------------


def test_render_resolves_choices_widgets_and_defaults():
    form = form_of(FORM + '[[fields]]\nname = "when"\nlabel = "日期"\ntype = "date"\ndefault = "today"\n'
                   'max = "today"\n')
    context = {"tags_available": ["甲", "乙"], "applicant_name": "张三"}
    fields = {f.name: f for f in form_fields_for_render(form, context, today=TODAY)}
    assert fields["decision"].widget == "radio" and fields["decision"].attrs["required"] == "required"
    assert [c.label for c in fields["decision"].choices] == ["通过", "不通过"]
    assert fields["opinion"].widget == "textarea" and fields["opinion"].attrs["maxlength"] == "2000"
    assert fields["count"].attrs["inputmode"] == "numeric"
    assert fields["tags"].widget == "checkboxes" and fields["tags"].value == []
    assert [c.value for c in fields["tags"].choices] == ["甲", "乙"]
    assert fields["shown"].readonly and fields["shown"].display == "张三" and fields["shown"].attrs == {}
    assert fields["when"].value == "2024-06-01" and fields["when"].attrs["max"] == "2024-06-01"
    assert all(f.error is None for f in fields.values())


def test_render_reshows_a_rejected_post():
    form = form_of(FORM)
    context = {"tags_available": ["a", "b"]}
    result = validate(form, {"decision": "reject", "count": "x", "tags": ["b"]}, context)
    fields = {f.name: f for f in form_fields_for_render(form, context, result)}
    assert fields["decision"].is_selected("reject") and not fields["decision"].is_selected("approve")
    assert fields["count"].value == "x" and fields["count"].error == "份数应为整数"
    assert fields["opinion"].error == "请填写审核意见"
    assert fields["tags"].is_selected("b") and not fields["tags"].is_selected("a")


def test_render_select_for_long_lists_and_readonly_lists_and_labels():
    form = form_of(one_field("choice", 'choices_from = "opts"') + '[[fields]]\nname = "r"\nlabel = "结果"\n'
                   'type = "choice"\nreadonly_from = "status"\nchoices = [{value="ok", label="已登记"}]\n'
                   '[[fields]]\nname = "m"\nlabel = "缺件"\ntype = "text"\nreadonly_from = "missing"\n'
                   '[[fields]]\nname = "b"\nlabel = "已告知"\ntype = "boolean"\nrequired = true\n')
    context = {"opts": list("abcde"), "status": "ok", "missing": ["户口本", "照片"]}
    fields = {f.name: f for f in form_fields_for_render(form, context)}
    assert fields["f"].widget == "select"
    assert fields["r"].display == "已登记"
    assert fields["m"].display == "户口本、照片" and fields["m"].value == "户口本、照片"
    assert fields["b"].widget == "checkbox" and not fields["b"].checked
    assert fields["b"].attrs["required"] == "required"


def test_raw_from_data_prefills_a_form():
    form = form_of(FORM)
    data = {"decision": "approve", "opinion": "", "count": 2, "tags": ["a"], "other": 1}
    initial = raw_from_data(form, data)
    assert initial == {"decision": "approve", "opinion": "", "count": "2", "tags": ["a"]}
    assert validate(form, initial, {"tags_available": ["a"]}).data == {k: data[k] for k in initial}
    fields = {f.name: f for f in form_fields_for_render(form, {"tags_available": ["a"]}, initial=initial)}
    assert fields["count"].value == "2" and fields["tags"].is_selected("a")


def test_json_schema_describes_submitted_fields():
    schema = json_schema(form_of(FORM), {"tags_available": ["a"]})
    assert schema["title"] == "测试表单" and schema["type"] == "object"
    assert schema["required"] == ["decision"]
    assert set(schema["properties"]) == {"decision", "opinion", "count", "tags"}
    assert schema["properties"]["decision"]["oneOf"][1] == {"const": "reject", "title": "不通过"}
    assert schema["properties"]["opinion"]["x-required-when"] == {"field": "decision", "equals": "reject"}
    assert schema["properties"]["count"]["type"] == "integer"
    assert schema["properties"]["tags"]["items"]["oneOf"] == [{"const": "a", "title": "a"}]
    assert schema["properties"]["tags"]["x-choices-from"] == "tags_available"


def test_json_schema_of_every_project_form_is_json():
    import json

    registry = FormRegistry(FORMS)
    for bpmn_id in registry.ids():
        json.dumps(json_schema(registry.get(bpmn_id)), ensure_ascii=False)
    notice = json_schema(registry.get("issue_notice"))["properties"]["notice_handed_over"]
    assert notice == {"title": "一次性告知书已打印并交给申请人", "type": "boolean", "const": True,
                      "x-field-type": "boolean"}
