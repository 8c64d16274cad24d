"""Job postings and seekers: search, and match one against the other (the rule of items 2, 5 and 8)."""

from __future__ import annotations

from app.api import presenters
from app.api.auth import citizen, principal
from app.api.errors import ApiError
from app.api.pagination import paged_list
from app.api.queries import posting, search_postings, search_seekers, seeker
from app.api.routing import check_id, load_query, route
from app.api.schemas import (
    PageArgs,
    PostingArgs,
    PostingMatchPage,
    PostingPage,
    SeekerArgs,
    SeekerMatchPage,
    SeekerPage,
)
from app.api.views.common import engine, today
from app.employment.matching import matches_for_posting, matches_for_seeker


@route("/postings", summary="查询岗位", tag="就业", query=PostingArgs, response=PostingPage,
       description="在招、未过期的岗位（固定工或零工），含用工方公开的联系电话。")
def list_postings():
    """Search open postings."""
    args = load_query(PostingArgs)
    with engine().store.session() as session:
        rows = search_postings(session, args["kind"], today(), job_type=args.get("job_type"), town=args.get("town"),
                               min_pay=args.get("min_pay"), keyword=args.get("keyword", ""))
    return PostingPage().dump(paged_list(rows, args, presenters.posting))


@route("/seekers", summary="查询求职者", tag="就业", query=SeekerArgs, response=SeekerPage, citizen=True,
       description="有效的求职登记；只显示姓氏，不含电话和身份证号码（联系方式经“零工求职信息推荐”登记后提供）。"
                   "自助机须先识别群众身份。")
def list_seekers():
    """Search active job seekers, masked."""
    if principal().is_kiosk:
        citizen()
    args = load_query(SeekerArgs)
    with engine().store.session() as session:
        rows = search_seekers(session, args["kind"], today(), job_type=args.get("job_type"), town=args.get("town"),
                              work_date=args.get("work_date"), max_pay=args.get("max_pay"))
    return SeekerPage().dump(paged_list(rows, args, presenters.seeker))


@route("/postings/<int:posting_id>/matches", summary="岗位匹配的求职者", tag="就业", query=PageArgs,
       response=SeekerMatchPage, citizen=True, description="自助机只能查看本人发布的招聘的匹配结果。")
def posting_matches(posting_id: int):
    """Rank the seekers who match a posting."""
    args = load_query(PageArgs)
    with engine().store.session() as session:
        found = posting(session, check_id(posting_id))
        if found is None:
            raise ApiError(404, "posting_not_found", "没有找到该岗位。")
        if principal().is_kiosk and found.owner_id_number != citizen().id_number:
            raise ApiError(403, "posting_forbidden", "只能查看本人发布的招聘的匹配结果。")
        matches = matches_for_posting(session, found, today())
    return SeekerMatchPage().dump(paged_list(matches, args, lambda m: {
        "rank": m.rank, "score": m.score, "seeker": presenters.seeker(m.seeker)}))


@route("/seekers/<int:seeker_id>/matches", summary="求职者匹配的岗位", tag="就业", query=PageArgs,
       response=PostingMatchPage, citizen=True, description="自助机只能查看本人求职登记的匹配结果。")
def seeker_matches(seeker_id: int):
    """Rank the postings that match a seeker's registration."""
    args = load_query(PageArgs)
    with engine().store.session() as session:
        found = seeker(session, check_id(seeker_id))
        if found is None or not found.active:
            raise ApiError(404, "seeker_not_found", "没有找到该有效求职登记。")
        if principal().is_kiosk and found.id_number != citizen().id_number:
            raise ApiError(403, "seeker_forbidden", "只能查看本人求职登记的匹配结果。")
        matches = matches_for_seeker(session, found, today())
    return PostingMatchPage().dump(paged_list(matches, args, lambda m: {
        "rank": m.rank, "score": m.score, "posting": presenters.posting(m.posting)}))
