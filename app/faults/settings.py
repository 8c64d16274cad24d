"""Time limits and upload rules of fault reporting, read from the environment with documented defaults.

Each handling level answers within a number of working days counted from the moment the problem reaches
it (D itself not counted, due at close of business, as for every statutory limit):

| level | setting | default |
|---|---|---|
| county backbone (业务骨干) | CUNCUN_FAULT_BACKBONE_DAYS | 2 |
| county HR department (县人社局) | CUNCUN_FAULT_HR_DAYS | 3 |
| county work team (县工作专班) | CUNCUN_FAULT_WORKTEAM_DAYS | 5 |
| provincial work team, via the county liaison | CUNCUN_FAULT_PROVINCE_DAYS | 5 |

The whole problem's limit, declared once in processes/fault_report.bpmn as the handling sub-process's
deadline timer, is STATUTORY_DAYS = backbone + HR + work team = 10 with the defaults (a system problem's
province 5 + work team 5 is also 10). Change it there when the defaults change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.settings import env_int

LEVEL_DAY_DEFAULTS = {"backbone": 2, "hr": 3, "workteam": 5, "province": 5}
STATUTORY_DAYS = 10

ALLOWED_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class FaultSettings:
    """Working days per level, and how many and how large attachments may be."""

    level_days: dict[str, int] = field(default_factory=lambda: dict(LEVEL_DAY_DEFAULTS))
    max_file_bytes: int = 5 * 1024 * 1024
    max_files: int = 5

    @classmethod
    def from_env(cls) -> FaultSettings:
        """Read CUNCUN_FAULT_* variables."""
        days = {level: env_int(f"CUNCUN_FAULT_{level.upper()}_DAYS", default, 0, 60)
                for level, default in LEVEL_DAY_DEFAULTS.items()}
        return cls(level_days=days, max_file_bytes=env_int("CUNCUN_FAULT_MAX_FILE_MB", 5, 1, 50) * 1024 * 1024,
                   max_files=env_int("CUNCUN_FAULT_MAX_FILES", 5, 1, 50))

    def days_for(self, level: str) -> int:
        """Return a handling level's time limit in working days."""
        return self.level_days[level]
