"""The service-item catalog (processes/catalog.toml): what each item is, its channels, materials and limit."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

CHANNELS = {"counter": "柜面", "kiosk": "自助机"}
CATEGORIES = ("我要找工作", "我要学技能", "我要办社保", "我要用社保卡", "示范网点")


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the item and the problem."""


@dataclass(frozen=True)
class Item:
    """One service item."""

    code: str
    process: str
    name: str
    category: str
    business_type: str
    content: str
    channels: tuple[str, ...]
    target: str
    materials: tuple[str, ...]
    limit_days: int
    demo_only: bool
    to_confirm: str = ""

    @property
    def limit_label(self) -> str:
        """Say the limit as the county does."""
        return "即时办结" if self.limit_days == 0 else f"{self.limit_days}个工作日"

    @property
    def channel_labels(self) -> str:
        """Say the channels in Chinese."""
        return "、".join(CHANNELS[c] for c in self.channels)


class Catalog:
    """All items, by code and by process."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self._by_code = {i.code: i for i in items}
        self._by_process = {i.process: i for i in items}

    def get(self, code: str) -> Item | None:
        """Return the item with this code."""
        return self._by_code.get(code)

    def for_process(self, process_id: str) -> Item | None:
        """Return the item a process implements."""
        return self._by_process.get(process_id)

    def search(self, text: str = "", *, demo_point: bool = True) -> list[Item]:
        """Find items whose name, category or content contains the text; demo-only items only at demo points."""
        words = text.strip()
        return [i for i in self.items if (demo_point or not i.demo_only)
                and (not words or words in i.name or words in i.category or words in i.content)]


def _item(raw: dict, index: int) -> Item:
    where = f"item #{index} ({raw.get('code', '?')})"
    try:
        item = Item(
            code=str(raw["code"]), process=raw["process"], name=raw["name"], category=raw["category"],
            business_type=raw["business_type"], content=raw["content"], channels=tuple(raw["channels"]),
            target=raw["target"], materials=tuple(raw["materials"]), limit_days=int(raw["limit_days"]),
            demo_only=bool(raw["demo_only"]), to_confirm=raw.get("to_confirm", ""),
        )
    except KeyError as exc:
        raise CatalogError(f"{where}: missing {exc.args[0]}") from exc
    if unknown := set(item.channels) - set(CHANNELS):
        raise CatalogError(f"{where}: unknown channel {sorted(unknown)}")
    if item.category not in CATEGORIES:
        raise CatalogError(f"{where}: unknown category {item.category}")
    if item.limit_days < 0 or not item.materials:
        raise CatalogError(f"{where}: limit must be >= 0 and materials not empty")
    return item


def load_catalog(path: str | Path) -> Catalog:
    """Read and check the catalog file."""
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    items = [_item(entry, n) for n, entry in enumerate(raw.get("items", []), start=1)]
    for attr in ("code", "process"):
        values = [getattr(i, attr) for i in items]
        if dupes := {v for v in values if values.count(v) > 1}:
            raise CatalogError(f"duplicate {attr}: {sorted(dupes)}")
    return Catalog(items)
