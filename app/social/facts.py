"""What an eligibility rule may look at: the applicant, the county's records and the declared facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.social.connector import ProvincialConnector
from engine.idcard import age_on


@dataclass(frozen=True)
class Facts:
    """What a rule may look at."""

    session: Session
    connector: ProvincialConnector
    id_number: str
    data: Mapping[str, Any]
    today: date

    @property
    def age(self) -> int:
        """Return the applicant's age in full years today."""
        return age_on(self.id_number, self.today)
