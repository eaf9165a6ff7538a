"""A plain per-day reference implementation of segment costs, for the tests only.

It walks day by day with exact fractions, deliberately simple and independent of the engine:
the engine's results must equal it to the øre.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction

from styringskerne import Disposition, PriceSegment, Unit

ONE_DAY = dt.timedelta(days=1)


def exact_day_amount(segment: PriceSegment, probability: Fraction, day: dt.date) -> Fraction:
    """The exact (unrounded) amount of one segment on one day, in øre."""
    per_unit = segment.rate.ore * segment.quantity * probability
    if day < segment.start or (segment.end is not None and day > segment.end):
        return Fraction(0)
    if segment.unit is Unit.DAY:
        return per_unit
    if segment.unit is Unit.WEEK:
        return per_unit / 7
    if segment.unit is Unit.MONTH:
        return per_unit / calendar.monthrange(day.year, day.month)[1]
    return per_unit if day == segment.start else Fraction(0)


def exact_cumulative(segment: PriceSegment, probability: Fraction, before: dt.date) -> Fraction:
    """Exact cumulative amount of the days from the segment's start up to ``before``."""
    total = Fraction(0)
    day = segment.start
    while day < before and (segment.end is None or day <= segment.end):
        total += exact_day_amount(segment, probability, day)
        day += ONE_DAY
    return total


def cumulative(segment: PriceSegment, probability: Fraction, before: dt.date) -> int:
    """Rounded (half-even) cumulative cost of the days from the segment's start to ``before``."""
    return round(exact_cumulative(segment, probability, before))


def segment_cost(
    segment: PriceSegment, probability: Fraction, first: dt.date, last: dt.date
) -> int:
    """Cost in øre of the days ``first`` to ``last`` inclusive."""
    return cumulative(segment, probability, last + ONE_DAY) - cumulative(
        segment, probability, first
    )


def cost_by(
    dispositions: Iterable[Disposition], first: dt.date, last: dt.date, key: str
) -> dict[str, int]:
    """Cost per ``citizen_id``/``account``/``service`` attribute of the dispositions."""
    result: dict[str, int] = defaultdict(int)
    for disposition in dispositions:
        label = getattr(disposition, key)
        for segment in disposition.segments:
            result[label] += segment_cost(segment, disposition.probability, first, last)
    return dict(result)


def daily_total(dispositions: Iterable[Disposition], first: dt.date, last: dt.date) -> list[int]:
    """Total cost per day, from the rounded cumulative differences of each segment."""
    days = (last - first).days + 1
    totals = [0] * days
    for disposition in dispositions:
        for segment in disposition.segments:
            exact = exact_cumulative(segment, disposition.probability, first)
            previous = round(exact)
            for index in range(days):
                day = first + dt.timedelta(days=index)
                exact += exact_day_amount(segment, disposition.probability, day)
                totals[index] += round(exact) - previous
                previous = round(exact)
    return totals
