"""Pagination of every API list: page / per_page in, {items, page, per_page, total, pages} out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def offset(args: dict[str, Any]) -> tuple[int, int]:
    """Return (offset, limit) for the loaded page arguments."""
    return (args["page"] - 1) * args["per_page"], args["per_page"]


def envelope(items: Sequence[Any], total: int, args: dict[str, Any]) -> dict[str, Any]:
    """Wrap one page of dumped items with its position in the whole list."""
    per_page = args["per_page"]
    return {"items": list(items), "page": args["page"], "per_page": per_page, "total": total,
            "pages": (total + per_page - 1) // per_page}


def paged_list(rows: Sequence[Any], args: dict[str, Any], present: Callable[[Any], Any] = lambda r: r) -> dict:
    """Page a list already in memory (short lists such as the catalog or a match list)."""
    start, limit = offset(args)
    return envelope([present(r) for r in rows[start:start + limit]], len(rows), args)
