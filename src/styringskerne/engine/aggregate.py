"""Exact sums of int64 øre into groups (summering pr. gruppe), never wrapped on overflow."""

from __future__ import annotations

from fractions import Fraction
from typing import Final

import numpy as np
from numpy.typing import NDArray

from styringskerne.core.errors import AmountOverflowError, StyringskerneError
from styringskerne.core.limits import MAX_ORE, format_max_amount

__all__ = [
    "add_into",
    "dense_codes",
    "exact_sum",
    "fraction_sums",
    "group_rows_sum",
    "group_sum",
    "largest_remainder",
    "stable_order",
]

_FLOAT_EXACT: Final = 2**53
"""Integers below this are exact in float64, and so are sums that stay below it."""


def add_into(
    target: NDArray[np.int64], cells: NDArray[np.integer], values: NDArray[np.int64]
) -> None:
    """Add ``values`` into ``target[cells]`` exactly, repeated cells summed.

    ``numpy.bincount`` is the fast path; it sums in float64, so it is used only when the sum
    of absolute values is provably below 2**53 (then every partial sum is an exact integer).
    Otherwise ``numpy.add.at`` on int64 is used while the values cannot sum past
    :data:`MAX_ORE`, and Python integers beyond that, with every resulting sum checked. A caller
    that adds into one target several times bounds the whole first (the engine's queries do,
    with :func:`styringskerne.engine.limits.check_cost_limit`).

    Raises:
        AmountOverflowError: if a sum is beyond ±:data:`MAX_ORE` øre.
    """
    if values.size == 0:
        return
    largest = int(np.abs(values).max())
    bound = largest * values.size
    # bincount allocates the whole target; for a few values into a large target add.at is cheaper.
    if bound < _FLOAT_EXACT and values.size * 8 >= target.size:
        sums = np.bincount(cells, weights=values.astype(np.float64), minlength=target.size)
        target += sums.astype(np.int64)
    elif bound <= MAX_ORE:
        np.add.at(target, cells, values)
    else:
        exact = target.astype(object)
        np.add.at(exact, cells, values.astype(object))
        _check_range(exact, "a sum")
        target[...] = exact.astype(np.int64)


def _check_range(values: NDArray[np.object_], what: str) -> None:
    beyond = [i for i, v in enumerate(values.ravel().tolist()) if abs(v) > MAX_ORE]
    if beyond:
        raise AmountOverflowError(
            f"{what} is {values.ravel()[beyond[0]]} øre, beyond the largest exact amount "
            f"{format_max_amount()}"
        )


def dense_codes(
    values: NDArray[np.integer], size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """``np.unique(values, return_inverse=True)`` for codes in ``0 … size − 1``, without a
    sort: the sorted distinct codes and each value's position among them.

    Examples:
        >>> keys, inverse = dense_codes(np.array([5, 2, 5, 0]), 6)
        >>> keys.tolist(), inverse.tolist()
        ([0, 2, 5], [2, 1, 2, 0])
    """
    present = np.zeros(size, dtype=bool)
    present[values] = True
    position = np.cumsum(present, dtype=np.int64) - 1
    return np.flatnonzero(present).astype(np.int64), position[values]


def stable_order(codes: NDArray[np.integer], size: int) -> NDArray[np.int64]:
    """``np.argsort(codes, kind="stable")`` for codes in ``0 … size − 1``, in linear time.

    numpy sorts 16-bit integers stably by radix; codes below 2**32 are sorted as two 16-bit
    halves (low half first, then high: a least-significant-digit radix sort), about three
    times faster than the comparison sort at a million codes.

    Examples:
        >>> stable_order(np.array([70_000, 3, 70_000, 0]), 70_001).tolist()
        [3, 1, 0, 2]
    """
    values = np.asarray(codes, dtype=np.int64)
    if size <= 1 << 16:
        return np.argsort(values.astype(np.uint16), kind="stable").astype(np.int64)
    if size > 1 << 32:
        return np.argsort(values, kind="stable").astype(np.int64)
    by_low = np.argsort((values & 0xFFFF).astype(np.uint16), kind="stable")
    high = (values >> 16).astype(np.uint16)[by_low]
    return by_low[np.argsort(high, kind="stable")].astype(np.int64)


def exact_sum(values: NDArray[np.integer], axis: int | None = None) -> NDArray[np.int64]:
    """``values.sum(axis)`` in int64 øre, exact, or an error instead of a wrapped result.

    Raises:
        AmountOverflowError: if a sum is beyond ±:data:`MAX_ORE` øre.
    """
    array = np.asarray(values, dtype=np.int64)
    count = array.size if axis is None else array.shape[axis]
    largest = int(np.abs(array).max()) if array.size else 0
    if largest * count <= MAX_ORE:
        return np.asarray(array.sum(axis=axis), dtype=np.int64)
    exact = np.asarray(array.astype(object).sum(axis=axis), dtype=object)
    _check_range(exact, "a total")
    return exact.astype(np.int64)


def group_sum(
    groups: NDArray[np.integer], values: NDArray[np.int64], group_count: int
) -> NDArray[np.int64]:
    """Sum ``values`` by group code into an int64 array of length ``group_count``."""
    result = np.zeros(group_count, dtype=np.int64)
    add_into(result, np.asarray(groups, dtype=np.int64), np.asarray(values, dtype=np.int64))
    return result


def group_rows_sum(
    groups: NDArray[np.integer], values: NDArray[np.int64], group_count: int
) -> NDArray[np.int64]:
    """Sum the rows of a 2-d ``values`` by group code: shape ``(group_count, columns)``.

    When the codes do not fall (rows sorted by group, as callers arrange once), each group is
    one run and ``numpy.add.reduceat`` sums it without scattering; otherwise, or when the sum
    could pass :data:`MAX_ORE`, the cells go through :func:`add_into`. Exact either way.

    Raises:
        AmountOverflowError: if a sum is beyond ±:data:`MAX_ORE` øre.
    """
    codes = np.asarray(groups, dtype=np.int64)
    matrix = np.asarray(values, dtype=np.int64)
    columns = matrix.shape[1]
    result = np.zeros((group_count, columns), dtype=np.int64)
    if codes.size == 0:
        return result
    largest = int(np.abs(matrix).max())
    if largest * codes.size <= MAX_ORE and bool(np.all(codes[1:] >= codes[:-1])):
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        result[codes[starts]] = np.add.reduceat(matrix, starts, axis=0)
        return result
    cells = (codes[:, None] * columns + np.arange(columns)[None, :]).ravel()
    add_into(result.reshape(-1), cells, matrix.ravel())
    return result


def fraction_sums(
    groups: NDArray[np.integer], numerators: NDArray[np.int64], denominators: NDArray[np.int64]
) -> dict[int, Fraction]:
    """Exact sums of ``numerators[i] / denominators[i]`` per group, as fractions.

    The integers are summed on arrays per (group, denominator) — data has few distinct
    denominators — and only those partial sums become fractions.
    """
    result: dict[int, Fraction] = {}
    if groups.size == 0:
        return result
    keys = np.stack(
        [np.asarray(groups, dtype=np.int64), np.asarray(denominators, dtype=np.int64)], axis=1
    )
    distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
    sums = np.zeros(distinct.shape[0], dtype=np.int64)
    np.add.at(sums, inverse.ravel(), np.asarray(numerators, dtype=np.int64))
    for (group, denominator), total in zip(distinct.tolist(), sums.tolist(), strict=True):
        result[group] = result.get(group, Fraction(0)) + Fraction(total, denominator)
    return result


def largest_remainder(
    groups: NDArray[np.integer], weights: NDArray[np.integer], totals: NDArray[np.integer]
) -> NDArray[np.int64]:
    """Split each group's total over its parts in proportion to their weights, exactly.

    Each part gets the whole øre of its share; the øre left over go one each to the parts
    with the largest remainders (ties: the earlier part), so the parts of a group add up to
    its total to the øre (largest-remainder rule). Weights must be >= 0; a group with a
    non-zero total needs a positive weight sum.

    Args:
        groups: each part's group code in ``0 … len(totals) − 1``.
        weights: each part's weight, int64 >= 0.
        totals: the amount to split per group, int64 øre (negative amounts split as their
            magnitude, then take the sign).

    Raises:
        StyringskerneError: if a weight is negative, or a group has a total but no weight.
    """
    codes = np.asarray(groups, dtype=np.int64)
    weight = np.asarray(weights, dtype=np.int64)
    total = np.asarray(totals, dtype=np.int64)
    if weight.size and int(weight.min()) < 0:
        raise StyringskerneError("largest_remainder: weights must be >= 0")
    weight_sums = group_sum(codes, weight, total.size)
    empty = (weight_sums == 0) & (total != 0)
    if empty.any():
        group = int(np.flatnonzero(empty)[0])
        raise StyringskerneError(
            f"largest_remainder: group {group} has a total of {int(total[group])} øre to split "
            "but no weight to split it by"
        )
    magnitude = np.abs(total)[codes]
    sums = np.where(weight_sums == 0, 1, weight_sums)[codes]
    largest = int(magnitude.max(initial=0)) * int(weight.max(initial=0))
    if largest <= MAX_ORE:
        product = magnitude * weight
        floor = product // sums
        remainder = product - floor * sums
    else:  # beyond int64: the few products are formed as Python integers
        exact = magnitude.astype(object) * weight.astype(object)
        floor_exact = exact // sums.astype(object)
        floor = floor_exact.astype(np.int64)
        remainder_exact = exact - floor_exact * sums.astype(object)
        # Remainders are below the weight sum, which fits int64.
        remainder = remainder_exact.astype(np.int64)
    left = np.abs(total) - group_sum(codes, floor, total.size)
    # Only the parts of groups with øre left over are ranked: by group, largest remainder
    # first, earlier part first; as one stable integer key where it fits in int64.
    ranked = np.flatnonzero(left[codes] > 0)
    ranked_codes, ranked_remainder = codes[ranked], remainder[ranked]
    span = int(ranked_remainder.max(initial=0)) + 1
    if int(ranked_codes.max(initial=0)) < (1 << 62) // span:
        order = np.argsort(ranked_codes * span + (span - 1 - ranked_remainder), kind="stable")
    else:
        order = np.lexsort((-ranked_remainder, ranked_codes))
    sorted_codes = ranked_codes[order]
    first_of_group = np.searchsorted(sorted_codes, sorted_codes, side="left")
    rank = np.arange(ranked.size) - first_of_group
    extra = np.zeros(codes.size, dtype=np.int64)
    extra[ranked[order]] = (rank < left[sorted_codes]).astype(np.int64)
    result: NDArray[np.int64] = (floor + extra) * np.sign(total)[codes]
    return result
