"""The inbox for integration: open tasks a staff token's account may work."""

from __future__ import annotations

from app.api import presenters
from app.api.auth import staff
from app.api.pagination import envelope, offset
from app.api.queries import inbox_page
from app.api.routing import load_query, route
from app.api.schemas import InboxArgs, InboxPage
from app.api.views.common import engine
from app.auth.policy import inbox_kwargs


@route("/inbox", summary="待办任务（系统对接）", tag="待办", query=InboxArgs, response=InboxPage,
       description="仅工作人员令牌：账号角色的待办，限于其网点/乡镇/全县范围，最早到期在前。")
def list_inbox():
    """List the open tasks of the token's role inside its scope, soonest due first."""
    user = staff().user
    args = load_query(InboxArgs)
    kwargs = inbox_kwargs(user)
    start, limit = offset(args)
    with engine().store.session() as session:
        rows, total = inbox_page(session, roles=kwargs["roles"], point_code=kwargs.get("point_code"),
                                 town_code=kwargs.get("town_code"), town_codes=kwargs.get("town_codes"),
                                 county_code=kwargs.get("county_code"),
                                 assignee=user.username if args["mine"] else None,
                                 search=args.get("q"), offset=start, limit=limit)
    return InboxPage().dump(envelope([presenters.inbox_task(t, c) for t, c in rows], total, args))
