"""Costs of segments over date intervals, per segment and per group (periodeudgifter).

Given ``K`` ascending boundaries (day numbers) the engine evaluates every segment's rounded
cumulative cost at each boundary and takes differences: ``K − 1`` interval costs per segment
that add up exactly to the cost between the first and last boundary. Work is done in chunks of
segments so that memory stays bounded at any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.limits import MAX_ORE
from styringskerne.engine.aggregate import add_into, exact_sum, group_rows_sum
from styringskerne.engine.columns import UNIT_DAY, SegmentColumns
from styringskerne.engine.cumulative import cumulative_cost
from styringskerne.engine.daily import daily_in_closed_form
from styringskerne.engine.limits import check_cost_limit

__all__ = [
    "costs_between",
    "cumulative_at",
    "grouped_interval_costs",
    "grouped_windowed_costs",
    "interval_costs",
    "windowed_interval_costs",
]

Int64Array = NDArray[np.int64]
Path = Literal["auto", "boundaries", "daily"]
_DAILY_PATH_CELLS: Final = 1 << 24
"""Groups × days the daily path may hold at once (128 MiB of int64)."""
_DAILY_PATH_RATIO: Final = 32
"""The daily path is taken when groups × days × this is at most segments × intervals."""
_CHUNK_CELLS: Final = 1 << 17
"""Segments × boundaries evaluated at once: the temporaries stay small and in cache."""


def _chunks(size: int, width: int) -> Iterator[slice]:
    rows = max(1, _CHUNK_CELLS // max(1, width))
    for begin in range(0, size, rows):
        yield slice(begin, min(size, begin + rows))


def _check_boundaries(boundaries: object) -> Int64Array:
    days = np.asarray(boundaries, dtype=np.int64)
    if days.ndim != 1 or days.size < 1:
        raise StyringskerneError("boundaries must be a non-empty one-dimensional array of days")
    if np.any(np.diff(days) < 0):
        raise StyringskerneError("boundaries must be in ascending order")
    return days


def _cumulative(columns: SegmentColumns, rows: slice | Int64Array, days: Int64Array) -> Int64Array:
    """Rounded cumulative cost of segments ``rows`` (a slice or positions) at ``days``: shape
    (1, K) for the same K days for every segment, or (segments, K) for days of their own."""
    index = np.arange(*rows.indices(len(columns))) if isinstance(rows, slice) else rows
    # A whole number of øre per day (a daily rate, quantity and probability 1: most
    # dispositions) needs no rounding: the amount times the days elapsed.
    plain = (columns.unit[index] == UNIT_DAY) & (columns.denominator[index] == 1)
    if not plain.any():
        return _rounded_cumulative(columns, index, days)
    if plain.all():
        return _whole_ore_cumulative(columns, index, days)
    per_row = days.shape[0] > 1
    whole, other = np.flatnonzero(plain), np.flatnonzero(~plain)
    result = np.empty((index.size, days.shape[-1]), dtype=np.int64)
    result[whole] = _whole_ore_cumulative(columns, index[whole], days[whole] if per_row else days)
    result[other] = _rounded_cumulative(columns, index[other], days[other] if per_row else days)
    return result


def _whole_ore_cumulative(
    columns: SegmentColumns, index: Int64Array, days: Int64Array
) -> Int64Array:
    start = columns.start[index, None]
    elapsed = np.minimum(np.maximum(days, start), columns.stop[index, None]) - start
    result: Int64Array = columns.numerator[index, None] * elapsed
    return result


def _rounded_cumulative(columns: SegmentColumns, index: Int64Array, days: Int64Array) -> Int64Array:
    return cumulative_cost(
        day=days,
        start=columns.start[index, None],
        stop=columns.stop[index, None],
        unit=columns.unit[index, None],
        numerator=columns.numerator[index, None],
        denominator=columns.denominator[index, None],
        start_month=columns.start_month[index, None],
        start_month_offset=columns.start_month_offset[index, None],
        start_month_days=columns.start_month_days[index, None],
    )


def cumulative_at(columns: SegmentColumns, boundaries: object, rows: slice) -> Int64Array:
    """Rounded cumulative cost of segments ``rows`` at each boundary: shape (rows, K)."""
    days = _check_boundaries(boundaries)
    check_cost_limit(columns, int(days[-1]), rows)
    return _cumulative(columns, rows, days[None, :])


def interval_costs(columns: SegmentColumns, boundaries: object) -> Int64Array:
    """Each segment's cost in each interval between boundaries: shape (segments, K − 1)."""
    days = _check_boundaries(boundaries)
    check_cost_limit(columns, int(days[-1]))
    result = np.empty((len(columns), days.size - 1), dtype=np.int64)
    for rows in _chunks(len(columns), days.size):
        result[rows] = np.diff(_cumulative(columns, rows, days[None, :]), axis=1)
    return result


def grouped_interval_costs(
    columns: SegmentColumns,
    groups: NDArray[np.integer],
    group_count: int,
    boundaries: object,
    *,
    path: Path = "auto",
) -> Int64Array:
    """Costs per group and interval: shape (group_count, K − 1), exact int64 øre.

    ``groups[i]`` is segment ``i``'s group code in ``0 … group_count − 1``. Two paths give the
    same result to the øre: evaluating every segment at every boundary, or (for few groups)
    the daily costs per group summed into the intervals. A day's cost is the difference of the
    same rounded cumulative cost, so the days of an interval add up to the interval's cost
    exactly. ``path="auto"`` takes the cheaper one.
    """
    days = _check_boundaries(boundaries)
    check_cost_limit(columns, int(days[-1]))
    intervals = days.size - 1
    codes = np.asarray(groups, dtype=np.int64)
    span = int(days[-1] - days[0])
    if path not in ("auto", "boundaries", "daily"):
        raise StyringskerneError(f"'path' must be auto|boundaries|daily (got {path!r})")
    matrix = group_count * span
    # Measured at 1.000.000 segments and 12 months: the daily path wins up to about 1.000
    # groups (×2,4 faster at 50), the boundary path beyond (×2 faster at 2.000 providers).
    if path == "daily" or (
        path == "auto"
        and matrix <= _DAILY_PATH_CELLS
        and _DAILY_PATH_RATIO * matrix <= len(columns) * intervals
    ):
        # Days in closed form summed into the intervals; the segments whose days would be
        # listed one by one (month-priced above all) are taken at the boundaries instead.
        daily, listed = daily_in_closed_form(
            columns, codes, group_count, int(days[0]), int(days[-1])
        )
        running = np.zeros((group_count, span + 1), dtype=np.int64)
        np.cumsum(daily, axis=1, out=running[:, 1:])
        offsets = days - days[0]
        # C order, so that the flat view below adds into this very array.
        result_daily: Int64Array = np.ascontiguousarray(
            running[:, offsets[1:]] - running[:, offsets[:-1]]
        )
        for part in _chunks(listed.size, days.size):
            at = listed[part].astype(np.int64)
            costs = np.diff(_cumulative(columns, at, days[None, :]), axis=1)
            cells = codes[at, None] * intervals + np.arange(intervals)
            add_into(result_daily.reshape(-1), cells.ravel(), costs.ravel())
        return result_daily
    result = np.zeros(group_count * intervals, dtype=np.int64)
    for rows in _chunks(len(columns), days.size):
        costs = np.diff(_cumulative(columns, rows, days[None, :]), axis=1)
        cells = codes[rows, None] * intervals + np.arange(intervals)
        add_into(result, cells.ravel(), costs.ravel())
    return result.reshape(group_count, intervals)


def costs_between(
    columns: SegmentColumns, first_days: NDArray[np.int64], stop_days: NDArray[np.int64]
) -> Int64Array:
    """Each segment's cost over its own interval ``[first_days[i], stop_days[i])``."""
    first = np.asarray(first_days, dtype=np.int64)
    stop = np.maximum(np.asarray(stop_days, dtype=np.int64), first)
    if stop.size:
        check_cost_limit(columns, int(stop.max()))
    result = np.empty(len(columns), dtype=np.int64)
    for rows in _chunks(len(columns), 2):
        values = _cumulative(columns, rows, np.stack([first[rows], stop[rows]], axis=1))
        result[rows] = values[:, 1] - values[:, 0]
    return result


def _windowed_chunks(
    columns: SegmentColumns,
    index: Int64Array,
    first: Int64Array,
    stop: Int64Array,
    days: Int64Array,
) -> Iterator[tuple[slice, Int64Array]]:
    """``(pieces, costs)`` chunk by chunk: a slice of the pieces and their interval costs."""
    for part in _chunks(index.size, days.size):
        clipped = np.clip(days[None, :], first[part, None], stop[part, None])
        yield part, np.diff(_cumulative(columns, index[part], clipped), axis=1)


def _pieces(
    rows: NDArray[np.int64], first_days: NDArray[np.int64], stop_days: NDArray[np.int64]
) -> tuple[Int64Array, Int64Array, Int64Array]:
    first = np.asarray(first_days, dtype=np.int64)
    return (
        np.asarray(rows, dtype=np.int64),
        first,
        np.maximum(np.asarray(stop_days, dtype=np.int64), first),
    )


def windowed_interval_costs(
    columns: SegmentColumns,
    rows: NDArray[np.int64],
    first_days: NDArray[np.int64],
    stop_days: NDArray[np.int64],
    boundaries: object,
) -> Int64Array:
    """Costs of pieces of segments in each interval between boundaries: shape (pieces, K − 1).

    Piece ``j`` is segment ``rows[j]`` cut to its own window ``[first_days[j], stop_days[j])``
    (an age limit, a change of household). Cost stays rounded from the segment's own start,
    so the pieces of one segment add up exactly to the segment's cost.
    """
    days = _check_boundaries(boundaries)
    index, first, stop = _pieces(rows, first_days, stop_days)
    result = np.empty((index.size, days.size - 1), dtype=np.int64)
    if index.size == 0:
        return result
    check_cost_limit(columns, int(days[-1]))
    for at, costs in _windowed_chunks(columns, index, first, stop, days):
        result[at] = costs
    return result


def grouped_windowed_costs(
    columns: SegmentColumns,
    rows: NDArray[np.int64],
    first_days: NDArray[np.int64],
    stop_days: NDArray[np.int64],
    boundaries: object,
    *,
    groups: NDArray[np.int64],
    group_count: int,
) -> tuple[Int64Array, Int64Array]:
    """Pieces' costs per interval summed by group, and each piece's cost over all intervals.

    The pieces are as in :func:`windowed_interval_costs`; ``groups`` (one code per piece,
    ascending: the caller sorts the pieces by group once) says which row of the
    ``(group_count, K − 1)`` result a piece adds into. The pieces × intervals matrix is never
    held whole: each chunk is summed by group as it is computed.

    Raises:
        AmountOverflowError: if a sum is beyond ±MAX_ORE øre.
    """
    days = _check_boundaries(boundaries)
    index, first, stop = _pieces(rows, first_days, stop_days)
    codes = np.asarray(groups, dtype=np.int64)
    if codes.size and bool(np.any(codes[1:] < codes[:-1])):
        raise StyringskerneError("grouped_windowed_costs: the pieces must be sorted by group")
    result = np.zeros((group_count, days.size - 1), dtype=np.int64)
    totals = np.zeros(index.size, dtype=np.int64)
    if index.size == 0:
        return result, totals
    check_cost_limit(columns, int(days[-1]))
    bound = 0
    for at, costs in _windowed_chunks(columns, index, first, stop, days):
        # Each piece's total is a difference of its rounded cumulative cost, which the limit
        # check keeps in int64; the sums by group are bounded as the chunks come.
        totals[at] = costs.sum(axis=1)
        bound += int(np.abs(costs).max(initial=0)) * costs.shape[0]
        if bound > MAX_ORE:
            # Sums that might pass int64: the whole matrix, summed with every sum checked.
            matrix = windowed_interval_costs(columns, index, first, stop, days)
            return group_rows_sum(codes, matrix, group_count), exact_sum(matrix, axis=1)
        chunk_codes = codes[at]
        starts = np.flatnonzero(np.r_[True, chunk_codes[1:] != chunk_codes[:-1]])
        result[chunk_codes[starts]] += np.add.reduceat(costs, starts, axis=0)
    return result, totals
