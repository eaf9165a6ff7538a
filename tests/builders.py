"""Builders of test data shared by the test modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from styringskerne import Disposition
from styringskerne.engine import UNIT_CODES, SegmentColumns, build_segment_columns


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


def plain_segments(
    *, start: Sequence[int], stop: Sequence[int], unit: Sequence[str], rate_ore: Sequence[int]
) -> SegmentColumns:
    """Engine segments from day numbers, unit names and rates in øre; quantity and
    probability 1."""
    ones = np.ones(len(start), dtype=np.int64)
    return build_segment_columns(
        start=np.array(start, dtype=np.int64),
        stop=np.array(stop, dtype=np.int64),
        unit=np.array([UNIT_CODES[name] for name in unit]),
        rate_ore=np.array(rate_ore, dtype=np.int64),
        quantity_numerator=ones,
        quantity_denominator=ones,
        probability_numerator=ones,
        probability_denominator=ones,
    )
