"""The service-item catalog: a kiosk sees its point's kiosk-channel items, staff the whole catalog."""

from __future__ import annotations

from app.api import presenters
from app.api.auth import principal
from app.api.errors import ApiError
from app.api.pagination import paged_list
from app.api.routing import load_query, route
from app.api.schemas import ItemArgs, ItemPage, ItemSchema
from app.api.views.common import catalog, engine, point
from app.kiosk.selfservice import is_self_service


def _offered():
    """Return the items the caller may see: a kiosk only kiosk-channel ones (demo-only ones at demo points)."""
    caller = principal()
    items = catalog().items
    if caller.is_kiosk:
        here = point(caller.point_code)
        demo = here is not None and here.kind == "demo"
        items = [i for i in items if "kiosk" in i.channels and (demo or not i.demo_only)]
    return items


@route("/items", summary="服务事项目录", tag="事项", query=ItemArgs, response=ItemPage,
       description="自助机只看到本网点可在自助机办理的事项；self_service 表示群众能否独立办完。")
def list_items():
    """List the catalog's items, filtered and paged."""
    args = load_query(ItemArgs)
    words = args.get("q", "").strip()
    rows = [i for i in _offered()
            if (not words or words in i.name or words in i.category or words in i.content)
            and ("category" not in args or i.category == args["category"])
            and ("channel" not in args or args["channel"] in i.channels)]
    return ItemPage().dump(paged_list(rows, args, lambda i: presenters.item(i, is_self_service(engine(), i))))


@route("/items/<code>", summary="一个服务事项", tag="事项", response=ItemSchema,
       path_params={"code": {"type": "string", "minLength": 1, "maxLength": 20}})
def get_item(code: str):
    """Show one item."""
    found = next((i for i in _offered() if i.code == code), None)
    if found is None:
        raise ApiError(404, "item_not_found", "没有这个服务事项，或本机不能办理。")
    return ItemSchema().dump(presenters.item(found, is_self_service(engine(), found)))
