"""Exact sums of int64 øre into groups (summering pr. gruppe)."""

from __future__ import annotations

from fractions import Fraction
from typing import Final

import numpy as np
from numpy.typing import NDArray

__all__ = ["add_into", "fraction_sums", "group_sum"]

_FLOAT_EXACT: Final = 2**53
"""Integers below this are exact in float64, and so are sums that stay below it."""


def add_into(
    target: NDArray[np.int64], cells: NDArray[np.integer], values: NDArray[np.int64]
) -> None:
    """Add ``values`` into ``target[cells]`` exactly, repeated cells summed.

    ``numpy.bincount`` is the fast path; it sums in float64, so it is used only when the sum
    of absolute values is provably below 2**53 (then every partial sum is an exact integer).
    Otherwise the slower but always exact ``numpy.add.at`` on int64 is used.
    """
    if values.size == 0:
        return
    largest = int(np.abs(values).max())
    # bincount allocates the whole target; for a few values into a large target add.at is cheaper.
    if largest * values.size < _FLOAT_EXACT and values.size * 8 >= target.size:
        sums = np.bincount(cells, weights=values.astype(np.float64), minlength=target.size)
        target += sums.astype(np.int64)
    else:
        np.add.at(target, cells, values)


def group_sum(
    groups: NDArray[np.integer], values: NDArray[np.int64], group_count: int
) -> NDArray[np.int64]:
    """Sum ``values`` by group code into an int64 array of length ``group_count``."""
    result = np.zeros(group_count, dtype=np.int64)
    add_into(result, np.asarray(groups, dtype=np.int64), np.asarray(values, dtype=np.int64))
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
