"""One interface to the province, two adapters behind it; the setting CUNCUN_PROVINCE_ADAPTER chooses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.province.outbox import Message
from app.province.settings import ProvinceSettings
from engine.clock import Clock, system_clock


class DeliveryError(RuntimeError):
    """The province did not take a message (timeout, refused connection, 5xx); the sender retries later."""


@dataclass(frozen=True)
class Result:
    """The province's decision on one application."""

    idempotency_key: str
    status: str  # approved, rejected
    note: str | None = None


class ProvinceAdapter(Protocol):
    """How applications reach the province and how its results come back."""

    # True when the worker pushes each message itself (HTTP); False when a person carries a batch file.
    pushes: bool

    def send(self, message: Message) -> None:
        """Deliver one application; raise DeliveryError when the province did not take it."""

    def fetch_results(self, keys: list[str]) -> list[Result]:
        """Return the results the province has decided for these keys (those still open are left out)."""


class FileExchangeAdapter:
    """Batches exported as xlsx for keying into the provincial system; results come back as an xlsx import."""

    pushes = False

    def send(self, message: Message) -> None:
        """Refuse: a file exchange sends by exporting a batch (app.province.exchange.export_batch)."""
        raise DeliveryError("文件交换方式下申请通过导出批次报送，不由后台直接发送。")

    def fetch_results(self, keys: list[str]) -> list[Result]:
        """Return nothing: results arrive by importing the province's results file."""
        return []


def make_adapter(settings: ProvinceSettings, clock: Clock = system_clock) -> ProvinceAdapter:
    """Return the adapter the settings choose."""
    if settings.adapter == "http":
        from app.province.http_adapter import HttpAdapter

        return HttpAdapter(settings, clock)
    return FileExchangeAdapter()
