"""Settings read once from the environment by the CLI and the app, then handed to the engine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from engine.env import env_int
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
        )
