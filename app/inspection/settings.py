"""Settings of the acceptance inspection, read from the environment with documented defaults.

| setting | meaning | default |
|---|---|---|
| CUNCUN_INSPECTION_PASS_MARK | pass mark out of 100; scaled to a sheet whose lines add up to another maximum | 80 |
| CUNCUN_INSPECTION_RECTIFY_DAYS | working days a failed point has to rectify | 10 |
| CUNCUN_INSPECTION_REINSPECT_DAYS | working days the county has to inspect again after the rectification | 5 |
| CUNCUN_SCORE_SHEETS | the score sheets file | processes/score_sheets.toml |

The pass mark is not in the county's document (DOMAIN.md): 80 is our default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.inspection.sheets import Sheet, load_sheets
from engine.settings import Settings, env_int


@dataclass(frozen=True)
class InspectionSettings:
    """Pass mark, rectification and re-inspection limits, and where the sheets are."""

    pass_percent: int = 80
    rectify_days: int = 10
    reinspect_days: int = 5
    sheets_path: Path = Path("processes") / "score_sheets.toml"

    @classmethod
    def from_env(cls) -> InspectionSettings:
        """Read CUNCUN_INSPECTION_* and CUNCUN_SCORE_SHEETS."""
        default_path = Settings.from_env().processes_dir / "score_sheets.toml"
        return cls(pass_percent=env_int("CUNCUN_INSPECTION_PASS_MARK", 80, 1, 100),
                   rectify_days=env_int("CUNCUN_INSPECTION_RECTIFY_DAYS", 10, 1, 60),
                   reinspect_days=env_int("CUNCUN_INSPECTION_REINSPECT_DAYS", 5, 0, 60),
                   sheets_path=Path(os.environ.get("CUNCUN_SCORE_SHEETS") or default_path))

    def sheets(self) -> dict[str, Sheet]:
        """Load the sheets as the analysts left them (read each time: edits apply without a restart)."""
        return load_sheets(self.sheets_path)
