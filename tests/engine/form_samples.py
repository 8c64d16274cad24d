"""A small form using most field features, shared by the form tests."""

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
