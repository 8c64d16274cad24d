"""Regenerate the inspectors' score forms from the score sheets: `python -m app.inspection.make_forms`."""

from __future__ import annotations

import sys

from app.inspection.formgen import write_forms
from app.inspection.settings import InspectionSettings
from engine.settings import Settings


def main() -> int:
    """Write forms/inspection_score_<kind>.toml from the sheets file named by the settings."""
    for path in write_forms(InspectionSettings.from_env().sheets(), Settings.from_env().forms_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
