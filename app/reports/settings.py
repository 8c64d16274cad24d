"""Settings of the monthly reports and the subsidy ledger, read from the environment with documented defaults.

| setting | meaning | default |
|---|---|---|
| CUNCUN_REPORT_PROGRESS_DAY | day of the month the progress report (工作任务进度表) is due | 15 |
| CUNCUN_REPORT_TOWN_SUMMARY_DAY | day the town summary (附件4) is due | 18 |
| CUNCUN_REPORT_FUNDS_DAY | day the funds execution report is due | 20 |
| CUNCUN_REPORT_POINT_DETAIL_DAY | day the per-point detail (附件5) is due | 25 |
| CUNCUN_SUBSIDY_PER_POINT | yuan per operating point per year (方案七(一)) | 1500 |

A report is due at close of business on its day, even when the day is a weekend or holiday ("每月N日前").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.reports.vocab import REPORT_KINDS
from engine.settings import env_int


@dataclass(frozen=True)
class ReportSettings:
    """Due days of the four reports and the yearly subsidy per point."""

    due_days: dict[str, int] = field(default_factory=lambda: {k: v.due_day for k, v in REPORT_KINDS.items()})
    subsidy_per_point: int = 1500

    @classmethod
    def from_env(cls) -> ReportSettings:
        """Read CUNCUN_REPORT_*_DAY and CUNCUN_SUBSIDY_PER_POINT."""
        days = {kind: env_int(f"CUNCUN_REPORT_{kind.upper()}_DAY", spec.due_day, 1, 28)
                for kind, spec in REPORT_KINDS.items()}
        return cls(due_days=days, subsidy_per_point=env_int("CUNCUN_SUBSIDY_PER_POINT", 1500, 0, 10_000_000))
