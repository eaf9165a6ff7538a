"""Price segments as columns: a struct of read-only numpy arrays (kolonner).

Each segment ``i`` costs ``numerator[i] / denominator[i]`` øre per unit of ``unit[i]`` over the
half-open day-number interval ``[start[i], stop[i])``. The exact amount per unit is
``rate × quantity × probability``; it is kept as a reduced fraction of int64 so that the engine
stays exact without Python objects.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.errors import AmountOverflowError, StyringskerneError
from styringskerne.core.limits import MAX_ORE, format_max_amount

__all__ = [
    "MAX_DENOMINATOR_PRODUCT",
    "UNIT_CODES",
    "UNIT_DAY",
    "UNIT_MONTH",
    "UNIT_ONCE",
    "UNIT_WEEK",
    "SegmentColumns",
    "build_segment_columns",
    "month_parts",
    "readonly",
]

UNIT_DAY: Final = 0
UNIT_WEEK: Final = 1
UNIT_MONTH: Final = 2
UNIT_ONCE: Final = 3
UNIT_CODES: Final = {"day": UNIT_DAY, "week": UNIT_WEEK, "month": UNIT_MONTH, "once": UNIT_ONCE}
"""Unit names and their codes in the ``unit`` column."""

MAX_DENOMINATOR_PRODUCT: Final = 10_000 * 10_000
"""Largest denominator of quantity × probability the engine accepts (keeps int64 exact)."""

_MAX_NUMERATOR: Final = 2**62

Int64Array = NDArray[np.int64]


_Array = TypeVar("_Array", bound="np.ndarray[Any, Any]")


def readonly(array: _Array) -> _Array:
    """``array`` as a read-only array that a caller cannot make writable again.

    Setting ``flags.writeable = False`` alone can be undone by whoever holds the array. The
    array returned is a view through a read-only buffer, so ``flags.writeable = True`` on it
    raises ``ValueError``: results and caches shared between callers cannot be changed.
    Object and date arrays have no such buffer and are only flagged.
    """
    array.flags.writeable = False
    if array.dtype.hasobject or array.dtype.kind in "Mm":
        return array
    return cast(_Array, np.asarray(memoryview(cast(Any, array))))


def month_parts(days: Int64Array) -> tuple[Int64Array, Int64Array, Int64Array]:
    """Month index (months since 1970-01), day offset in the month and days in the month.

    Uses a lookup table when the days span a short range, which is the common case.
    """
    days = np.asarray(days, dtype=np.int64)
    if days.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    low, high = int(days.min()), int(days.max())
    if days.size > 256 and high - low < days.size:
        table_month, table_offset, table_length = _month_parts_direct(
            np.arange(low, high + 1, dtype=np.int64)
        )
        position = days - low
        return table_month[position], table_offset[position], table_length[position]
    return _month_parts_direct(days)


def _month_parts_direct(days: Int64Array) -> tuple[Int64Array, Int64Array, Int64Array]:
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    first = months.astype("datetime64[D]").astype(np.int64)
    following = (months + 1).astype("datetime64[D]").astype(np.int64)
    return months.astype(np.int64), days - first, following - first


@attrs.frozen(eq=False)
class SegmentColumns:
    """Compiled price segments: one entry per segment in every array (struct of arrays)."""

    start: Int64Array
    stop: Int64Array
    unit: NDArray[np.int8]
    numerator: Int64Array
    denominator: Int64Array
    start_month: Int64Array
    start_month_offset: Int64Array
    start_month_days: Int64Array
    rate: Int64Array
    """The inputs as given, kept so that a service can rebuild a segment with one changed."""
    quantity_numerator: Int64Array
    quantity_denominator: Int64Array
    probability_numerator: Int64Array
    probability_denominator: Int64Array
    cost_checked_until: list[int] = attrs.field(
        factory=lambda: [np.iinfo(np.int64).min], init=False, repr=False
    )
    """The latest day up to which the costs of all segments are known to stay exact (see
    :func:`styringskerne.engine.limits.check_cost_limit`): the arrays never change, so one
    check serves every later query up to that day."""
    derived: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)
    """Arrays derived from the columns alone, kept for every later query (the columns never
    change): e.g. each segment's amount per day, reduced, and its price class."""

    def __len__(self) -> int:
        return int(self.start.shape[0])


def _as_int64(name: str, values: object, size: int | None = None) -> Int64Array:
    array = np.asarray(values)
    if array.ndim != 1:
        raise StyringskerneError(
            f"'{name}' must be a one-dimensional array (got {array.ndim} dims)"
        )
    if array.dtype.kind not in "iu":
        raise StyringskerneError(f"'{name}' must hold integers (got dtype {array.dtype})")
    if size is not None and array.shape[0] != size:
        raise StyringskerneError(f"'{name}' has {array.shape[0]} rows; expected {size}")
    if array.dtype.kind == "u" and array.size and int(array.max()) > MAX_ORE:
        # uint64 beyond int64 would wrap to a negative number on conversion.
        row = _first_bad(array > MAX_ORE)
        raise AmountOverflowError(
            f"'{name}' row {row} is {int(array[row])}, beyond the largest supported value {MAX_ORE}"
        )
    return array.astype(np.int64, copy=False)


def _first_bad(mask: NDArray[np.bool_]) -> int:
    return int(np.flatnonzero(mask)[0])


def build_segment_columns(
    *,
    start: object,
    stop: object,
    unit: object,
    rate_ore: object,
    quantity_numerator: object,
    quantity_denominator: object,
    probability_numerator: object,
    probability_denominator: object,
) -> SegmentColumns:
    """Validate and compile raw arrays into :class:`SegmentColumns`.

    ``start``/``stop`` are day numbers (half-open), ``unit`` holds :data:`UNIT_CODES` values and
    ``rate_ore`` the price per unit in øre. Errors name the first bad row (0-based).
    """
    start_a = _as_int64("start", start)
    size = start_a.shape[0]
    stop_a = _as_int64("stop", stop, size)
    unit_a = _as_int64("unit", unit, size)
    rate = _as_int64("rate_ore", rate_ore, size)
    q_num = _as_int64("quantity numerator", quantity_numerator, size)
    q_den = _as_int64("quantity denominator", quantity_denominator, size)
    p_num = _as_int64("probability numerator", probability_numerator, size)
    p_den = _as_int64("probability denominator", probability_denominator, size)

    beyond = np.abs(rate) > MAX_ORE  # also catches int64's lowest value, whose abs wraps
    beyond |= rate < -MAX_ORE
    if beyond.any():
        row = _first_bad(beyond)
        raise AmountOverflowError(
            f"segment row {row}: rate {int(rate[row])} øre is beyond the largest exact amount "
            f"{format_max_amount()}"
        )
    checks: tuple[tuple[NDArray[np.bool_], str], ...] = (
        (stop_a <= start_a, "its end is before its start (end is inclusive)"),
        ((unit_a < UNIT_DAY) | (unit_a > UNIT_ONCE), "its unit must be day|week|month|once"),
        ((q_den <= 0) | (p_den <= 0), "a denominator must be positive"),
        (q_num < 0, "its quantity must be >= 0"),
        ((p_num < 0) | (p_num > p_den), "its probability must be from 0 to 1"),
        (
            q_den * p_den > MAX_DENOMINATOR_PRODUCT,
            "quantity × probability needs a denominator "
            "above 10^8; use at most four decimals for each",
        ),
    )
    for mask, reason in checks:
        if mask.any():
            raise StyringskerneError(f"segment row {_first_bad(mask)}: {reason}")
    magnitude = np.abs(rate.astype(np.float64)) * q_num.astype(np.float64) * p_num
    too_big = magnitude >= _MAX_NUMERATOR
    if too_big.any():
        row = _first_bad(too_big)
        raise AmountOverflowError(
            f"segment row {row}: rate × quantity × probability is too large to keep exact "
            f"(rate {int(rate[row])} øre, quantity {int(q_num[row])}/{int(q_den[row])})"
        )
    numerator = rate * q_num * p_num
    denominator = q_den * p_den
    divisor = np.gcd(numerator, denominator)
    divisor[divisor == 0] = 1
    month, offset, days = month_parts(start_a)
    return SegmentColumns(
        start=readonly(start_a.copy()),
        stop=readonly(stop_a.copy()),
        unit=readonly(unit_a.astype(np.int8)),
        numerator=readonly(numerator // divisor),
        denominator=readonly(denominator // divisor),
        start_month=readonly(month),
        start_month_offset=readonly(offset),
        start_month_days=readonly(days),
        rate=readonly(rate.copy()),
        quantity_numerator=readonly(q_num.copy()),
        quantity_denominator=readonly(q_den.copy()),
        probability_numerator=readonly(p_num.copy()),
        probability_denominator=readonly(p_den.copy()),
    )
