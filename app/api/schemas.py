"""Marshmallow schemas of the API: query strings and bodies it loads, and the JSON it answers with."""

from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, fields, validate

from app.catalog import CATEGORIES
from app.employment.vocab import JOB_TYPES, KINDS, TOWNS
from engine.clock import CHINA

MAX_ID = 2**53
Str, Int, Bool, List, Nested = fields.Str, fields.Int, fields.Bool, fields.List, fields.Nested


class ChinaDateTime(fields.DateTime):
    """A moment in Beijing time with its +08:00 offset, as the county reads it."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return None if value is None else value.astimezone(CHINA).isoformat(timespec="seconds")


def _nullable(field: fields.Field) -> fields.Field:
    field.allow_none = True
    return field


class ErrorSchema(Schema):
    """An error: stable code, Chinese message, and per-field Chinese messages when input was bad."""

    code = Str(required=True, metadata={"description": "稳定的错误代码，如 token_revoked、point_forbidden"})
    message = Str(required=True, metadata={"description": "中文说明"})
    errors = fields.Dict(keys=Str(), values=Str(), metadata={"description": "字段名 → 中文提示"})


class PageArgs(Schema):
    """Which page of a list."""

    page = Int(load_default=1, validate=validate.Range(1, 100_000), metadata={"description": "页码，从1起"})
    per_page = Int(load_default=20, validate=validate.Range(1, 100), metadata={"description": "每页条数（1–100）"})


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """Return the schema of one page of a list of `item`."""
    return Schema.from_dict({
        "items": List(Nested(item), required=True), "page": Int(required=True),
        "per_page": Int(required=True), "total": Int(required=True), "pages": Int(required=True),
    }, name=name)


class ItemArgs(PageArgs):
    """Filters of the catalog."""

    q = Str(validate=validate.Length(max=50), metadata={"description": "名称、类别或内容中的词"})
    category = Str(validate=validate.OneOf(CATEGORIES))
    channel = Str(validate=validate.OneOf(["counter", "kiosk"]))


class ItemSchema(Schema):
    """A service item of the catalog."""

    code, name, category, business_type = Str(required=True), Str(required=True), Str(), Str()
    content, target, limit_label = Str(), Str(), Str()
    channels, materials = List(Str()), List(Str())
    limit_days, demo_only = Int(), Bool()
    self_service = Bool(metadata={"description": "群众能否在自助机上独立办完（查询、登记类）"})


class StartCaseSchema(Schema):
    """Start a case. A kiosk starts for the identified citizen; staff name the applicant and service mode."""

    item_code = Str(required=True, validate=validate.Length(1, 20))
    point_code = Str(validate=validate.Length(1, 40), metadata={"description": "须为调用方所在网点"})
    request_key = Str(validate=[validate.Length(8, 60), validate.Regexp(r"^[A-Za-z0-9_-]+$")],
                      metadata={"description": "防重复提交：同一键只受理一次"})
    applicant_id_number = Str(validate=validate.Length(max=30))
    applicant_name = Str(validate=validate.Length(max=40))
    ss_card_number = Str(validate=validate.Length(max=30))
    channel = Str(validate=validate.OneOf(["counter", "kiosk_assisted", "home_visit", "proxy"]))
    data = fields.Dict(keys=Str(), values=fields.Raw(), metadata={
        "description": "仅自助机：事项第一步表单（查询条件、登记信息）的数据。校验通过才受理并一并提交，"
                       "群众中途离开不会留下未办结的案件"})


class TaskBriefSchema(Schema):
    """An open step of a case."""

    task_id, bpmn_id, title, candidate_role, role_label = Str(), Str(), Str(), Str(), Str()
    assignee, due_at = _nullable(Str()), _nullable(ChinaDateTime())
    for_citizen = Bool(metadata={"description": "自助机上由群众本人填写"})


class StepSchema(Schema):
    """Where the case stands for a kiosk citizen."""

    kind = Str(validate=validate.OneOf(["form", "done", "staff", "auto", "error"]))
    task_id = _nullable(Str())
    title = Str()


class ResultLineSchema(Schema):
    """One line of a shown result."""

    label, text = Str(), Str()


class ResultSchema(Schema):
    """A result told to the applicant."""

    title = Str()
    lines = List(Nested(ResultLineSchema))


class CaseBriefSchema(Schema):
    """A case in a list."""

    id, case_no, title = Int(), _nullable(Str()), Str()
    item_code = _nullable(Str())
    status, status_label = Str(), Str()
    accepted_at, completed_at = ChinaDateTime(), _nullable(ChinaDateTime())


class CaseSchema(CaseBriefSchema):
    """A case's status: where it is, its deadline, its open steps and the results told so far."""

    process_id, channel, channel_label = Str(), Str(), Str()
    point_code, town_code, applicant_name = _nullable(Str()), _nullable(Str()), _nullable(Str())
    applicant_id_masked = Str(metadata={"description": "身份证号码（前3后4）"})
    due_at, due_provisional, overdue = _nullable(ChinaDateTime()), Bool(), Bool()
    lock_version = Int()
    open_tasks = List(Nested(TaskBriefSchema))
    next_step = Nested(StepSchema)
    results = List(Nested(ResultSchema))


class HistorySchema(Schema):
    """One event of a case's history."""

    at, action, action_label, step, actor = ChinaDateTime(), Str(), Str(), Str(), Str()


class ChoiceSchema(Schema):
    """An option of a choice field."""

    value, label = Str(), Str()


class FieldSchema(Schema):
    """A form field as the task's form declares it."""

    name, label, type, widget = Str(), Str(), Str(), Str()
    required, readonly = Bool(), Bool()
    display, help = Str(), _nullable(Str())
    choices = List(Nested(ChoiceSchema))


class TaskSchema(Schema):
    """An open task with its form."""

    task_id, case_id, bpmn_id, title = Str(), Int(), Str(), Str()
    description = _nullable(Str())
    lock_version = Int()
    fields_ = List(Nested(FieldSchema), data_key="fields")
    json_schema = fields.Dict(metadata={"description": "提交数据的 JSON Schema（由表单定义生成）"})


class CompleteTaskSchema(Schema):
    """Submit a task's form."""

    data = fields.Dict(keys=Str(), values=fields.Raw(), required=True,
                       metadata={"description": "字段名 → 值（见任务的 json_schema）"})
    lock_version = Int(validate=validate.Range(1, MAX_ID), metadata={"description": "乐观锁：案件版本"})


class InboxArgs(PageArgs):
    """Filters of the inbox."""

    mine = Bool(load_default=False, metadata={"description": "只看本人已认领的任务"})
    q = Str(validate=validate.Length(max=40), metadata={"description": "案件编号或申请人身份证号码"})


class InboxCaseSchema(CaseBriefSchema):
    """The case of an inbox task."""

    applicant_name = _nullable(Str())
    applicant_id_masked = Str()


class InboxTaskSchema(TaskBriefSchema):
    """An open task for the caller's role inside the caller's scope."""

    point_code, town_code = _nullable(Str()), _nullable(Str())
    created_at, overdue = ChinaDateTime(), Bool()
    case = Nested(InboxCaseSchema)


class CitizenLoginSchema(Schema):
    """Identify the citizen at a kiosk: an ID number, a social-security number, or a 9-character card number."""

    number = Str(required=True, validate=validate.Length(1, 30))
    document = Str(load_default="id_card", validate=validate.OneOf(["id_card", "ss_card"]))
    name = Str(validate=validate.Length(max=40), metadata={"description": "县级数据中没有此人姓名时必填"})
    read_at = Str(validate=validate.Length(max=40),
                  metadata={"description": "读卡器读卡时刻（ISO 8601，带时区）；手工输入号码时不填"})
    signature = Str(validate=validate.Length(max=128),
                    metadata={"description": "读卡器签名：HMAC-SHA256，密钥为 SHA-256(\"cuncun-card-reader:\" + "
                                             "自助机令牌)，内容为 \"document|number|read_at\"；查询个人记录须刷卡"})


class CitizenSessionSchema(Schema):
    """A citizen's session at the kiosk: send `token` as X-Citizen-Session."""

    token, name_masked, id_number_masked, document, document_label = Str(), Str(), Str(), Str(), Str()
    idle_seconds = Int()


class CitizenBriefSchema(Schema):
    """The citizen the kiosk serves, masked."""

    name_masked, id_number_masked, document = Str(), Str(), Str()


class KioskInfoSchema(Schema):
    """The calling kiosk."""

    kiosk_id, name, point_code, point_name = Int(), Str(), Str(), Str()
    idle_seconds = Int()
    citizen = Nested(CitizenBriefSchema, allow_none=True)


class HelpRequestSchema(Schema):
    """Ask the point's clerk to come and help (帮办)."""

    item_code = Str(validate=validate.Length(max=20))
    case_id = Int(validate=validate.Range(1, MAX_ID))


class HelpSchema(Schema):
    """The help request put in the clerk's inbox."""

    case_id, case_no, message = Int(), _nullable(Str()), Str()
    created = Bool(metadata={"description": "false：同一人在本机已有未处理的帮办请求"})


class PostingArgs(PageArgs):
    """Filters of the postings search."""

    kind = Str(load_default="fixed", validate=validate.OneOf(list(KINDS)))
    job_type = Str(validate=validate.OneOf(list(JOB_TYPES)))
    town = Str(validate=validate.OneOf(list(TOWNS)))
    min_pay = Int(validate=validate.Range(0, 10_000_000))
    keyword = Str(validate=validate.Length(max=50))


class PostingSchema(Schema):
    """An open job posting, with the employer's published contact."""

    id, kind, kind_label, employer_name, contact_phone = Int(), Str(), Str(), Str(), Str()
    job_type, job_type_label, work_town, work_town_label = Str(), Str(), Str(), Str()
    pay, pay_unit, headcount, description = Int(), Str(), Int(), Str()
    date_from, date_to = fields.Date(), fields.Date()


class SeekerArgs(PageArgs):
    """Filters of the job-seekers search."""

    kind = Str(load_default="gig", validate=validate.OneOf(list(KINDS)))
    job_type = Str(validate=validate.OneOf(list(JOB_TYPES)))
    town = Str(validate=validate.OneOf(list(TOWNS)))
    max_pay = Int(validate=validate.Range(0, 10_000_000))
    work_date = fields.Date()


class SeekerSchema(Schema):
    """An active job-seeker registration, name masked and without contact (contacts go via item 8)."""

    id, kind, kind_label, name_masked = Int(), Str(), Str(), Str()
    job_types, towns = List(Str()), List(Str())
    job_type_labels, town_labels, pay_unit, note = Str(), Str(), Str(), Str()
    min_pay = Int()
    available_from, available_to = fields.Date(), _nullable(fields.Date())


class PostingMatchSchema(Schema):
    """A posting matched to a seeker."""

    rank, score = Int(), Int()
    posting = Nested(PostingSchema)


class SeekerMatchSchema(Schema):
    """A seeker matched to a posting."""

    rank, score = Int(), Int()
    seeker = Nested(SeekerSchema)


ItemPage = page_of(ItemSchema, "ItemPage")
CasePage = page_of(CaseBriefSchema, "CasePage")
HistoryPage = page_of(HistorySchema, "HistoryPage")
InboxPage = page_of(InboxTaskSchema, "InboxPage")
PostingPage = page_of(PostingSchema, "PostingPage")
SeekerPage = page_of(SeekerSchema, "SeekerPage")
PostingMatchPage = page_of(PostingMatchSchema, "PostingMatchPage")
SeekerMatchPage = page_of(SeekerMatchSchema, "SeekerMatchPage")
