"""Daily cost series per group, exact to the øre, without a segments × days matrix (dagsserie).

A segment's cost on day ``x`` is ``R(x + 1) − R(x)``, with ``R`` its rounded cumulative cost
(:mod:`styringskerne.engine.cumulative`). Three exact paths share the work:

1. **Constant days.** A day or week segment whose amount per day ``A/D`` is a whole number of
   øre costs the same every day: a slope added at its first day and removed after its last
   (events), then a cumulative sum over days.
2. **Periodic days.** For ``A/D`` not whole, ``R(t) = round_half_even(A·t/D)`` repeats with
   period ``L = 2D``: ``R(t + L) = R(t) + 2A``. Write ``A = 2kD + b`` with ``0 <= b < 2D``;
   the daily cost is the slope ``2k`` (path 1) plus a pattern ``p_b(t)`` of period ``L`` shared
   by every segment with the same ``(b, D)``. For each such class the engine counts, per group
   and day, the active segments whose start is at each phase ``c = start mod L`` (events again)
   and weighs the counts by the pattern shifted to that phase.
3. **Listed days.** Month segments (whose daily amount changes with the month length) and
   classes where counting phases would cost more than listing days are cut into *linear
   pieces* (a month segment: one piece per calendar month) whose cumulative cost is
   ``(P + Q·j) / D`` on day ``j`` of the piece; the pieces are evaluated day by day in bounded
   chunks, with a handful of integer operations per day.

One-off amounts land on their start day.

Which path a segment takes, its daily amount reduced and its class depend on the segment
alone, not on the days asked for: they are worked out on a ledger's first query and kept with
its columns (:attr:`~styringskerne.engine.columns.SegmentColumns.derived`), so a month-end
run's many queries of one ledger pay for them once.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Final

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.engine.aggregate import add_into
from styringskerne.engine.columns import UNIT_MONTH, UNIT_ONCE, UNIT_WEEK, SegmentColumns
from styringskerne.engine.cumulative import rounded_ratio
from styringskerne.engine.limits import check_cost_limit

__all__ = ["daily_by_group", "daily_in_closed_form"]

Int64Array = NDArray[np.int64]
_PERIODIC_MAX_DENOMINATOR: Final = 32
_EXPAND_CHUNK: Final = 1 << 17
"""Days listed at once: small enough that the temporaries stay in the processor's cache."""
_PHASE_COST_FACTOR: Final = 4
"""Counting phases is chosen while it costs at most this many times the days it replaces."""


def _pattern(base: int, denominator: int) -> Int64Array:
    """Daily steps of ``round_half_even(base·t / denominator)`` over one period."""
    period = 2 * denominator
    cumulative = [round(Fraction(base * t, denominator)) for t in range(period + 1)]
    steps = [after - before for before, after in itertools.pairwise(cumulative)]
    return np.array(steps, dtype=np.int64)


def daily_by_group(
    columns: SegmentColumns,
    groups: NDArray[np.integer],
    group_count: int,
    first_day: int,
    stop_day: int,
    *,
    phase_cost_factor: float = _PHASE_COST_FACTOR,
) -> Int64Array:
    """Cost per group and day over ``[first_day, stop_day)``: shape (group_count, days).

    ``phase_cost_factor`` tunes when the periodic path is taken instead of listing days (a
    class is counted by phases while that costs at most this many times the days it replaces);
    the result is the same either way, only the speed differs.
    """
    result, listed = daily_in_closed_form(
        columns, groups, group_count, first_day, stop_day, phase_cost_factor=phase_cost_factor
    )
    if listed.size:
        window = _Window(first_day, stop_day, np.asarray(groups, dtype=np.int64))
        low = np.maximum(columns.start, first_day)
        high = np.minimum(columns.stop, stop_day)
        month = columns.unit[listed] == UNIT_MONTH
        pieces = _Pieces.concat(
            [
                _day_pieces(columns, listed[~month], low, high),
                _month_pieces(columns, listed[month], low, high),
            ]
        )
        _add_pieces(result.reshape(-1), window, pieces)
    return result


def daily_in_closed_form(
    columns: SegmentColumns,
    groups: NDArray[np.integer],
    group_count: int,
    first_day: int,
    stop_day: int,
    *,
    phase_cost_factor: float = _PHASE_COST_FACTOR,
) -> tuple[Int64Array, NDArray[np.intp]]:
    """The daily costs of :func:`daily_by_group` from the paths in closed form (one-off
    amounts, constant and periodic days), and the rows left out: the segments whose days
    would be listed one by one (month-priced, and periodic classes too costly to count).

    A caller that needs sums over periods rather than days takes the rows left out by their
    cumulative cost at the period boundaries instead: the same øre, far less work.
    """
    width = max(0, stop_day - first_day)
    result = np.zeros(group_count * width, dtype=np.int64)
    if width == 0 or len(columns) == 0:
        return result.reshape(group_count, width), np.zeros(0, dtype=np.intp)
    check_cost_limit(columns, stop_day)
    window = _Window(first_day, stop_day, np.asarray(groups, dtype=np.int64))
    start, stop = columns.start, columns.stop
    terms = _day_terms(columns)

    once = terms.once & (start >= first_day) & (start < stop_day)
    if once.any():
        ones = np.ones(int(once.sum()), np.int64)
        amount = rounded_ratio(columns.numerator[once], ones, columns.denominator[once])
        add_into(result, window.codes[once] * width + (start[once] - first_day), amount)

    active = ~terms.once & (start < stop_day) & (stop > first_day)
    low = np.maximum(start, first_day)
    high = np.minimum(stop, stop_day)
    expand = active & terms.listed

    slope_parts = [np.flatnonzero(active & terms.constant)]
    slope_values = [terms.numerator[slope_parts[0]]]
    for key, every in terms.classes:
        members = every[active[every]]
        if not members.size:
            continue
        if _add_periodic_class(
            result,
            window,
            members=members,
            key=key,
            start=start,
            low=low,
            high=high,
            phase_cost_factor=phase_cost_factor,
        ):
            slope_parts.append(members)
            slope_values.append(2 * terms.half_period[members])
        else:
            expand[members] = True

    _add_slopes(
        result,
        window,
        index=np.concatenate(slope_parts),
        slopes=np.concatenate(slope_values),
        low=low,
        high=high,
    )
    return result.reshape(group_count, width), np.flatnonzero(expand)


@attrs.frozen(eq=False)
class _DayTerms:
    """What the daily costs need of each segment whatever the days asked for, computed once
    per ledger (:attr:`SegmentColumns.derived`): the amount per day ``A/D`` reduced, and the
    path that takes it."""

    once: NDArray[np.bool_]
    """One-off amounts, on their start day."""
    constant: NDArray[np.bool_]
    """Day and week prices with a whole number of øre a day (path 1)."""
    numerator: Int64Array
    half_period: Int64Array
    """``k`` of ``A = 2kD + b``: the periodic classes' slope is ``2k`` (path 2)."""
    classes: tuple[tuple[int, NDArray[np.intp]], ...]
    """Each periodic class ``D·128 + b`` and its segments (path 2)."""
    listed: NDArray[np.bool_]
    """Month prices and day or week prices of too long a period: days listed (path 3)."""


def _day_terms(columns: SegmentColumns) -> _DayTerms:
    """The segments' :class:`_DayTerms`, computed on first use and kept with the columns."""
    cached: _DayTerms | None = columns.derived.get("day_terms")
    if cached is not None:
        return cached
    unit = columns.unit
    per_day_denominator = columns.denominator * np.where(unit == UNIT_WEEK, 7, 1)
    divisor = np.gcd(columns.numerator, per_day_denominator)
    divisor[divisor == 0] = 1
    numerator = columns.numerator // divisor
    denominator = per_day_denominator // divisor
    by_day = (unit != UNIT_ONCE) & (unit != UNIT_MONTH)
    constant = by_day & (denominator == 1)
    periodic = by_day & (denominator > 1) & (denominator <= _PERIODIC_MAX_DENOMINATOR)
    half_period, base = np.divmod(numerator, 2 * denominator)
    class_key = denominator * 128 + base
    index = np.flatnonzero(periodic)
    order = index[np.argsort(class_key[index], kind="stable")]  # each class's rows ascending
    keys = class_key[order]
    bounds: list[int] = (
        np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True]).tolist() if keys.size else []
    )
    classes = tuple(
        (int(keys[first]), order[first:stop]) for first, stop in itertools.pairwise(bounds)
    )
    terms = _DayTerms(
        once=unit == UNIT_ONCE,
        constant=constant,
        numerator=numerator,
        half_period=half_period,
        classes=classes,
        listed=(by_day & ~constant & ~periodic) | (unit == UNIT_MONTH),
    )
    columns.derived["day_terms"] = terms
    return terms


@attrs.frozen(eq=False)
class _Window:
    """The days asked for and the group code of every segment."""

    first_day: int
    stop_day: int
    codes: Int64Array

    @property
    def width(self) -> int:
        return self.stop_day - self.first_day


def _add_periodic_class(
    result: Int64Array,
    window: _Window,
    *,
    members: NDArray[np.intp],
    key: int,
    start: Int64Array,
    low: Int64Array,
    high: Int64Array,
    phase_cost_factor: float,
) -> bool:
    """Add one class's periodic part into ``result``; ``False`` when listing days is cheaper."""
    den, base = divmod(key, 128)
    period = 2 * den
    width = window.width
    local_groups, local_codes = np.unique(window.codes[members], return_inverse=True)
    listed_days = int((high[members] - low[members]).sum())
    if local_groups.size * period * width > phase_cost_factor * listed_days:
        return False
    # counts[g, c, x]: active segments of group g whose start has phase c, on day x
    counts = np.zeros(local_groups.size * period * (width + 1), dtype=np.int64)
    row = (local_codes.ravel() * period + start[members] % period) * (width + 1)
    ones = np.ones(members.size, dtype=np.int64)
    add_into(counts, row + (low[members] - window.first_day), ones)
    add_into(counts, row + (high[members] - window.first_day), -ones)
    running = np.cumsum(counts.reshape(local_groups.size, period, width + 1), axis=2)
    days = np.arange(window.first_day, window.stop_day, dtype=np.int64)
    shifted = _pattern(base, den)[(days[None, :] - np.arange(period)[:, None]) % period]
    contribution = np.einsum("gcx,cx->gx", running[:, :, :width], shifted)
    target = (local_groups[:, None] * width + np.arange(width)).ravel()
    add_into(result, target, contribution.ravel())
    return True


def _add_slopes(
    result: Int64Array,
    window: _Window,
    *,
    index: NDArray[np.intp],
    slopes: Int64Array,
    low: Int64Array,
    high: Int64Array,
) -> None:
    """Add constant daily amounts: +slope on the first day, −slope after the last, cumsum."""
    if index.size == 0:
        return
    width = window.width
    group_count = result.size // width
    events = np.zeros(group_count * (width + 1), dtype=np.int64)
    row = window.codes[index] * (width + 1)
    add_into(events, row + (low[index] - window.first_day), slopes)
    add_into(events, row + (high[index] - window.first_day), -slopes)
    result += np.cumsum(events.reshape(group_count, width + 1), axis=1)[:, :width].ravel()


@attrs.frozen(eq=False)
class _Pieces:
    """Linear pieces of segments: ``C(j) = (P + Q·j) / D`` for ``j = j0 … j0 + n``.

    ``P`` and ``Q`` are stored split by ``D`` (``P = p1·D + p0`` with ``0 <= p0 < D``, likewise
    ``Q``), so that evaluating a piece never forms a product larger than ``D × j``. Piece ``k``
    covers the days ``first[k] … first[k] + n[k] − 1`` of segment ``segment[k]``.
    """

    segment: NDArray[np.intp]
    first: Int64Array
    n: Int64Array
    j0: Int64Array
    p1: Int64Array
    p0: Int64Array
    q1: Int64Array
    q0: Int64Array
    d: Int64Array

    @classmethod
    def concat(cls, parts: list[_Pieces]) -> _Pieces:
        return cls(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in attrs.fields(cls))
        )


def _split(a: Int64Array, u: Int64Array, d: Int64Array) -> tuple[Int64Array, Int64Array]:
    """``a·u = whole·d + rest`` with ``0 <= rest < d``, without forming ``a·u``."""
    a_whole = a // d
    scaled = (a - a_whole * d) * u
    u_whole = scaled // d
    return a_whole * u + u_whole, scaled - u_whole * d


def _day_pieces(
    columns: SegmentColumns, index: NDArray[np.intp], low: Int64Array, high: Int64Array
) -> _Pieces:
    """Day and week segments: one piece each, ``C(t) = A·t / D`` with ``t`` days since start."""
    d = columns.denominator[index] * np.where(columns.unit[index] == UNIT_WEEK, 7, 1)
    q1 = columns.numerator[index] // d
    q0 = columns.numerator[index] - q1 * d
    zero = np.zeros(index.size, dtype=np.int64)
    return _Pieces(
        segment=index,
        first=low[index],
        n=high[index] - low[index],
        j0=low[index] - columns.start[index],
        p1=zero,
        p0=zero,
        q1=q1,
        q0=q0,
        d=d,
    )


def _month_pieces(
    columns: SegmentColumns, index: NDArray[np.intp], low: Int64Array, high: Int64Array
) -> _Pieces:
    """Month segments: one piece per calendar month, linear in the day of that month.

    On day ``j`` (0-based) of month ``m`` with ``L`` days, a segment that started on day
    ``o`` of month ``s`` with ``L_s`` days has used ``(m − s) + j/L − o/L_s`` months, so
    ``C = A·((m − s)·L·L_s − o·L + j·L_s) / (B·L·L_s)``.
    """
    first_month = low[index].astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    last_month = (high[index] - 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    counts = last_month - first_month + 1
    owner = np.repeat(np.arange(index.size), counts)
    month = first_month[owner] + (np.arange(owner.size) - (np.cumsum(counts) - counts)[owner])
    month_start = month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    month_stop = (month + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    length = month_stop - month_start
    segment = index[owner]
    start_length = columns.start_month_days[segment]
    base = (month - columns.start_month[segment]) * length * start_length - (
        columns.start_month_offset[segment] * length
    )
    d = columns.denominator[segment] * length * start_length
    p1, p0 = _split(columns.numerator[segment], base, d)
    q1, q0 = _split(columns.numerator[segment], start_length, d)
    first = np.maximum(low[segment], month_start)
    return _Pieces(
        segment=segment,
        first=first,
        n=np.minimum(high[segment], month_stop) - first,
        j0=first - month_start,
        p1=p1,
        p0=p0,
        q1=q1,
        q0=q0,
        d=d,
    )


def _rounded_linear(
    *, p1: Int64Array, p0: Int64Array, q1: Int64Array, q0: Int64Array, d: Int64Array, j: Int64Array
) -> Int64Array:
    """``round_half_even(p1 + q1·j + (p0 + q0·j) / d)`` exactly, in int64."""
    t = p0 + q0 * j
    whole = t // d  # floor division; numpy's divmod is many times slower than // here
    rest = t - whole * d
    floor = p1 + q1 * j + whole
    twice = 2 * rest
    result: Int64Array = floor + ((twice > d) | ((twice == d) & ((floor & 1) == 1)))
    return result


def _add_pieces(result: Int64Array, window: _Window, pieces: _Pieces) -> None:
    """Evaluate every piece at its days and the day after, and add the daily differences."""
    if pieces.segment.size == 0:
        return
    points = pieces.n + 1
    ends = np.cumsum(points)
    cell_of_first = window.codes[pieces.segment] * window.width + (pieces.first - window.first_day)
    begin = 0
    while begin < points.size:
        # Take pieces until the chunk holds _EXPAND_CHUNK points (at least one piece).
        offset = int(ends[begin - 1]) if begin else 0
        finish = max(int(np.searchsorted(ends, offset + _EXPAND_CHUNK, side="right")), begin + 1)
        chunk = slice(begin, finish)
        count = points[chunk]
        step = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(count) - count, count
        )

        def spread(
            values: Int64Array, count: Int64Array = count, chunk: slice = chunk
        ) -> Int64Array:
            return np.repeat(values[chunk], count)

        cumulative = _rounded_linear(
            p1=spread(pieces.p1),
            p0=spread(pieces.p0),
            q1=spread(pieces.q1),
            q0=spread(pieces.q0),
            d=spread(pieces.d),
            j=spread(pieces.j0) + step,
        )
        # The last point of each piece is the day after it: keep differences within pieces.
        keep = step[1:] != 0
        add_into(result, (spread(cell_of_first) + step)[:-1][keep], np.diff(cumulative)[keep])
        begin = finish
