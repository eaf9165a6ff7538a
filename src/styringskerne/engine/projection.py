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
from styringskerne.engine.aggregate import add_into
from styringskerne.engine.columns import SegmentColumns
from styringskerne.engine.cumulative import cumulative_cost
from styringskerne.engine.daily import daily_by_group
from styringskerne.engine.limits import check_cost_limit

__all__ = ["costs_between", "cumulative_at", "grouped_interval_costs", "interval_costs"]

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


def _cumulative(columns: SegmentColumns, rows: slice, days: Int64Array) -> Int64Array:
    """Rounded cumulative cost of segments ``rows`` at ``days`` (K days, or rows × K)."""
    return cumulative_cost(
        day=days,
        start=columns.start[rows, None],
        stop=columns.stop[rows, None],
        unit=columns.unit[rows, None],
        numerator=columns.numerator[rows, None],
        denominator=columns.denominator[rows, None],
        start_month=columns.start_month[rows, None],
        start_month_offset=columns.start_month_offset[rows, None],
        start_month_days=columns.start_month_days[rows, None],
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
        daily = daily_by_group(columns, codes, group_count, int(days[0]), int(days[-1]))
        running = np.zeros((group_count, span + 1), dtype=np.int64)
        np.cumsum(daily, axis=1, out=running[:, 1:])
        offsets = days - days[0]
        result_daily: Int64Array = running[:, offsets[1:]] - running[:, offsets[:-1]]
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
    index = np.asarray(rows, dtype=np.int64)
    first = np.asarray(first_days, dtype=np.int64)
    stop = np.maximum(np.asarray(stop_days, dtype=np.int64), first)
    result = np.empty((index.size, days.size - 1), dtype=np.int64)
    if index.size == 0:
        return result
    check_cost_limit(columns, int(days[-1]))
    for part in _chunks(index.size, days.size):
        chosen = index[part]
        clipped = np.clip(days[None, :], first[part, None], stop[part, None])
        cumulative = cumulative_cost(
            day=clipped,
            start=columns.start[chosen, None],
            stop=columns.stop[chosen, None],
            unit=columns.unit[chosen, None],
            numerator=columns.numerator[chosen, None],
            denominator=columns.denominator[chosen, None],
            start_month=columns.start_month[chosen, None],
            start_month_offset=columns.start_month_offset[chosen, None],
            start_month_days=columns.start_month_days[chosen, None],
        )
        result[part] = np.diff(cumulative, axis=1)
    return result
