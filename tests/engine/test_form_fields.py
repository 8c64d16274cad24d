"""Declarative form fields: each type's parsing and messages, and the validation result as a whole."""

from __future__ import annotations

import pytest

from engine.forms import validate
from tests.engine.form_samples import FORM, SAMPLE_ID, check, form_of, one_field

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


# --- the result as a whole (the sample form is tests/engine/form_samples.FORM) ---------------------



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
