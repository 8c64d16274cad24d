"""Declarative forms for pages and the API: rendering, pre-filling and the JSON schema."""

from __future__ import annotations

from engine.forms import FormRegistry, form_fields_for_render, json_schema, raw_from_data, validate
from tests.engine.form_samples import FORM, FORMS, TODAY, form_of, one_field

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
