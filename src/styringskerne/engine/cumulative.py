"""Exact cumulative cost of segments since their start (akkumuleret udgift), rounded to øre.

The cumulative exact amount of segment ``i`` up to (not including) day ``x`` is
``A/B × u/v``, where ``A/B`` is the amount per unit and ``u/v`` the number of units elapsed:

- day: ``u = t − start``, ``v = 1``
- week: ``u = t − start``, ``v = 7``
- month: the month coordinate ``f(t) − f(start)`` with ``f(d) = month + offset/days-in-month``,
  written over the common denominator ``v = days(t) × days(start)``
- once: ``u = 1`` once ``t`` is past the start, else 0

with ``t = clip(x, start, stop)``. The result is rounded half-even to whole øre. Costs over any
interval are differences of this function, so every split of a period adds up exactly.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from styringskerne.engine.columns import UNIT_MONTH, UNIT_ONCE, UNIT_WEEK, month_parts

__all__ = ["cumulative_cost", "rounded_ratio"]

Int64Array = NDArray[np.int64]


def rounded_ratio(numerator: Int64Array, units: Int64Array, denominator: Int64Array) -> Int64Array:
    """``numerator × units ÷ denominator`` rounded half-even, exactly, without int64 overflow.

    ``units`` must be >= 0 and ``denominator`` > 0. The numerator is split into a whole part
    and a remainder below the denominator first, so the only product formed is
    ``remainder × units < denominator × units``.
    """
    # Floor division and a multiply-subtract: numpy's divmod is many times slower than //.
    whole = numerator // denominator
    scaled = (numerator - whole * denominator) * units
    scaled_whole = scaled // denominator
    floor = whole * units + scaled_whole
    twice = 2 * (scaled - scaled_whole * denominator)
    round_up = (twice > denominator) | ((twice == denominator) & ((floor & 1) == 1))
    result: Int64Array = (floor + round_up).astype(np.int64, copy=False)
    return result


def cumulative_cost(
    *,
    day: Int64Array,
    start: Int64Array,
    stop: Int64Array,
    unit: NDArray[np.int8],
    numerator: Int64Array,
    denominator: Int64Array,
    start_month: Int64Array,
    start_month_offset: Int64Array,
    start_month_days: Int64Array,
) -> Int64Array:
    """Rounded cumulative cost in øre of each segment up to (not including) ``day``.

    All arguments broadcast against each other, so one call can evaluate many segments at many
    days (``day[None, :]`` against segment columns ``[:, None]``).
    """
    clipped = np.minimum(np.maximum(day, start), stop)
    elapsed = clipped - start
    units = elapsed
    per = np.ones_like(elapsed)
    per = np.where(unit == UNIT_WEEK, 7, per)
    units = np.where(unit == UNIT_ONCE, (elapsed > 0).astype(np.int64), units)
    is_month = unit == UNIT_MONTH
    if np.any(is_month):
        month, offset, length = month_parts(clipped.ravel())
        month = month.reshape(clipped.shape)
        offset = offset.reshape(clipped.shape)
        length = length.reshape(clipped.shape)
        month_units = (
            (month - start_month) * length * start_month_days
            + offset * start_month_days
            - start_month_offset * length
        )
        units = np.where(is_month, month_units, units)
        per = np.where(is_month, length * start_month_days, per)
    return rounded_ratio(numerator, units, denominator * per)
