"""Builders of test data shared by the test modules."""

from __future__ import annotations

import datetime as dt

from styringskerne import Disposition


def day_stay(
    id: str,
    citizen_id: str,
    service: str,
    start: dt.date,
    end: dt.date | None = None,
    *,
    rate: str = "1.000,00",
    **extra: object,
) -> Disposition:
    """A disposition priced per day (1.000 kr. unless ``rate`` is given)."""
    return Disposition.at_rate(
        id=id,
        citizen_id=citizen_id,
        service=service,
        rate=rate,
        unit="day",
        start=start,
        end=end,
        **extra,  # type: ignore[arg-type]
    )
