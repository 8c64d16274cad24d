"""How the county reaches the province: the adapter and its settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.settings import env_int

ADAPTERS = ("file", "http")


@dataclass(frozen=True)
class ProvinceSettings:
    """The adapter (file exchange or HTTP/JSON), its endpoint and secret, timeouts and the retry policy."""

    adapter: str = "file"
    url: str = ""
    key_id: str = "qinshui"
    secret: str = ""
    timeout_seconds: int = 10
    max_attempts: int = 6
    backoff_seconds: int = 60
    max_clock_skew_seconds: int = 300

    def __post_init__(self) -> None:
        if self.adapter not in ADAPTERS:
            raise ValueError(f"CUNCUN_PROVINCE_ADAPTER must be one of {ADAPTERS}, got {self.adapter!r}")
        if self.adapter == "http" and not (self.url and self.secret):
            raise ValueError("CUNCUN_PROVINCE_ADAPTER=http needs CUNCUN_PROVINCE_URL and CUNCUN_PROVINCE_SECRET")

    @classmethod
    def from_env(cls) -> ProvinceSettings:
        """Read the CUNCUN_PROVINCE_* variables."""
        env = os.environ
        return cls(
            adapter=env.get("CUNCUN_PROVINCE_ADAPTER", "file").strip() or "file",
            url=env.get("CUNCUN_PROVINCE_URL", "").strip().rstrip("/"),
            key_id=env.get("CUNCUN_PROVINCE_KEY_ID", "qinshui").strip(),
            secret=env.get("CUNCUN_PROVINCE_SECRET", ""),
            timeout_seconds=env_int("CUNCUN_PROVINCE_TIMEOUT", 10, 1, 300),
            max_attempts=env_int("CUNCUN_PROVINCE_MAX_ATTEMPTS", 6, 1, 50),
            backoff_seconds=env_int("CUNCUN_PROVINCE_BACKOFF", 60, 1, 86400),
            max_clock_skew_seconds=env_int("CUNCUN_PROVINCE_MAX_SKEW", 300, 10, 3600),
        )
