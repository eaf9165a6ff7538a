"""The largest exact amount (største beløb) and the checks that keep int64 sums from wrapping.

numpy's int64 arithmetic wraps around silently on overflow. The engine therefore never forms a
sum that could leave the range: before a query it bounds the absolute cost of every segment up
to the last day asked for, and refuses the query when the bound reaches :data:`MAX_ORE`; sums by
group check their own bound and fall back to exact Python integers when it is exceeded.

Every result the engine returns is then exact, and a true result beyond ±``MAX_ORE`` øre is
always reported, never wrapped. The check is conservative: segments whose costs cancel (a
correction of −X beside +X) still count with their absolute values.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from styringskerne.core.errors import AmountOverflowError
from styringskerne.core.limits import MAX_ORE, format_max_amount
from styringskerne.engine.columns import UNIT_MONTH, UNIT_ONCE, UNIT_WEEK, SegmentColumns

__all__ = ["MAX_ORE", "check_cost_limit"]

# float64 has a 53-bit mantissa: an estimate within this margin of the limit could be either
# side of it, so such a query is refused too.
_FLOAT_LIMIT: Final = float(MAX_ORE) * (1 - 1e-9)
_BLOCK: Final = 1 << 17
"""Segments bounded at a time: the temporaries stay small."""


def _units_until(columns: SegmentColumns, rows: slice, last_day: int) -> NDArray[np.float64]:
    """An upper bound of each segment's units of price from its start up to ``last_day``."""
    start = columns.start[rows]
    days = (np.minimum(columns.stop[rows], last_day) - start).clip(min=0).astype(np.float64)
    unit = columns.unit[rows]
    units = np.where(unit == UNIT_WEEK, days / 7, days)
    units = np.where(unit == UNIT_MONTH, days / 28 + 1, units)  # a month has at least 28 days
    return np.where(unit == UNIT_ONCE, (days > 0).astype(np.float64), units)


def check_cost_limit(columns: SegmentColumns, last_day: int, rows: slice | None = None) -> None:
    """Refuse a query whose costs could leave the exact range.

    Works through the segments in blocks, so it needs a few MiB whatever the ledger's size.

    Raises:
        AmountOverflowError: naming the largest segment (0-based row) and the limit.
    """
    whole = rows is None or rows.indices(len(columns)) == (0, len(columns), 1)
    if whole and last_day <= columns.cost_checked_until[0]:
        return  # a later day was checked: the costs up to this one are smaller
    begin, end, _ = (rows or slice(None)).indices(len(columns))
    total = 0.0
    largest_cost, largest_row = 0.0, begin
    for first in range(begin, end, _BLOCK):
        block = slice(first, min(end, first + _BLOCK))
        costs = np.abs(columns.numerator[block].astype(np.float64))
        costs /= columns.denominator[block]
        costs *= _units_until(columns, block, last_day)
        total += float(costs.sum())
        if costs.size and float(costs.max()) > largest_cost:
            largest_cost, largest_row = float(costs.max()), first + int(np.argmax(costs))
    if total < _FLOAT_LIMIT:
        if whole:
            columns.cost_checked_until[0] = max(columns.cost_checked_until[0], last_day)
        return
    raise AmountOverflowError(
        f"the costs asked for add up to about {total:.3e} øre, beyond the largest exact amount "
        f"{format_max_amount()}; the largest is segment row {largest_row} "
        f"({largest_cost:.3e} øre) — check its rate and quantity"
    )
