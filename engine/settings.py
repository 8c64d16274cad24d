"""Settings read once from the environment by the CLI and the app, then handed to the engine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from engine.env import env_flag, env_int
from engine.store import database_url

__all__ = ["ROOT", "Settings", "env_int"]  # env_int stays importable from here for older callers

ROOT = Path(__file__).resolve().parent.parent


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class Settings:
    """Where things are and the county's working rules."""

    database_url: str = field(default_factory=database_url)
    close_of_business: time = time(17, 30)
    processes_dir: Path = ROOT / "processes"
    forms_dir: Path = ROOT / "forms"
    # Logins and passwords (GB/T 22239-2019 level 3 practice); see README "Security settings".
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    cookie_secure: bool = False
    kiosk_cookie_days: int = 90
    password_min_length: int = 8
    password_history: int = 5
    password_max_age_days: int = 90
    login_max_failures: int = 5
    login_address_max_failures: int = 20

    @property
    def catalog_path(self) -> Path:
        """Return the service-item catalog, kept beside the processes."""
        return self.processes_dir / "catalog.toml"

    @classmethod
    def from_env(cls) -> Settings:
        """Read CUNCUN_* variables and DATABASE_URL."""
        env = os.environ
        return cls(
            close_of_business=_time(env.get("CUNCUN_CLOSE_OF_BUSINESS", "17:30")),
            processes_dir=Path(env.get("CUNCUN_PROCESSES_DIR", ROOT / "processes")),
            forms_dir=Path(env.get("CUNCUN_FORMS_DIR", ROOT / "forms")),
            session_idle_minutes=env_int("CUNCUN_SESSION_IDLE_MINUTES", 30, 1, 24 * 60),
            session_max_hours=env_int("CUNCUN_SESSION_MAX_HOURS", 12, 1, 24 * 30),
            cookie_secure=env_flag("CUNCUN_COOKIE_SECURE"),
            kiosk_cookie_days=env_int("CUNCUN_KIOSK_COOKIE_DAYS", 90, 1, 3650),
            password_min_length=env_int("CUNCUN_PASSWORD_MIN_LENGTH", 8, 8, 64),
            password_history=env_int("CUNCUN_PASSWORD_HISTORY", 5, 0, 24),
            password_max_age_days=env_int("CUNCUN_PASSWORD_MAX_AGE_DAYS", 90, 0, 3650),
            login_max_failures=env_int("CUNCUN_LOGIN_MAX_FAILURES", 5, 1, 100),
            login_address_max_failures=env_int("CUNCUN_LOGIN_ADDRESS_MAX_FAILURES", 20, 1, 10000),
        )
