"""The interval costs of ``engine/projection.py`` at their edges, worked out by hand: the cost
guard looks at the last boundary, the messages of bad arguments, pieces of one group in
several chunks, and sums past the largest amount found across chunks (mutation testing found
each of these untested; see docs/testing.md)."""

from __future__ import annotations

import numpy as np
import pytest

from styringskerne.core.errors import AmountOverflowError, StyringskerneError
from styringskerne.core.limits import MAX_ORE
from styringskerne.engine import (
    grouped_interval_costs,
    grouped_windowed_costs,
    interval_costs,
)
from styringskerne.engine import projection as projection_module
from tests.builders import plain_segments


def _one(rate: int, unit: str = "day", start: int = 0, stop: int = 1 << 20) -> object:
    """One segment of ``rate`` øre per ``unit`` over days ``start … stop − 1``."""
    return plain_segments(start=[start], stop=[stop], unit=[unit], rate_ore=[rate])


def test_the_cost_guard_looks_at_the_last_boundary() -> None:
    """2**50 øre a day: 10 days are fine, 5.000 days (about 5,6 × 10**18 øre) are beyond the
    largest exact amount (2**62 − 1 øre) — refused on every path, whatever the boundaries
    before the last."""
    columns = _one(2**50)
    assert interval_costs(columns, [0, 10]).tolist() == [[10 * 2**50]]
    assert MAX_ORE < 5_000 * 2**50
    with pytest.raises(AmountOverflowError):
        interval_costs(columns, [0, 10, 5_000])
    for path in ("boundaries", "daily", "auto"):
        with pytest.raises(AmountOverflowError):
            grouped_interval_costs(columns, np.zeros(1), 1, [0, 10, 5_000], path=path)  # type: ignore[arg-type]


def test_bad_arguments_are_refused_with_their_message() -> None:
    columns = _one(100)
    with pytest.raises(StyringskerneError) as path:
        grouped_interval_costs(columns, np.zeros(1), 1, [0, 10], path="fast")  # type: ignore[arg-type]
    assert str(path.value) == "'path' must be auto|boundaries|daily (got 'fast')"
    rows = np.zeros(3, dtype=np.int64)
    first, stop = np.zeros(3, dtype=np.int64), np.full(3, 10, dtype=np.int64)
    # Codes after the first are not below it, yet 2 comes before 1: not sorted.
    with pytest.raises(StyringskerneError) as unsorted:
        grouped_windowed_costs(
            columns, rows, first, stop, [0, 10], groups=np.array([0, 2, 1]), group_count=3
        )
    assert str(unsorted.value) == "grouped_windowed_costs: the pieces must be sorted by group"


@pytest.mark.parametrize("chunk_cells", [1, 1 << 17])
def test_pieces_of_a_group_summed_in_one_chunk_and_across_chunks(
    monkeypatch: pytest.MonkeyPatch, chunk_cells: int
) -> None:
    """One segment of 100 øre a day cut into three pieces — days 0–9 (group 0), 10–19 and
    5–7 (group 1) — over the intervals [0, 15) and [15, 30): group 0 costs 1.000 and 0,
    group 1 costs 500 + 300 and 500; the pieces 1.000, 1.000 and 300. The same when every
    piece is its own chunk."""
    monkeypatch.setattr(projection_module, "_CHUNK_CELLS", chunk_cells)
    columns = _one(100)
    by_group, totals = grouped_windowed_costs(
        columns,
        np.zeros(3, dtype=np.int64),
        np.array([0, 10, 5]),
        np.array([10, 20, 8]),
        [0, 15, 30],
        groups=np.array([0, 1, 1]),
        group_count=2,
    )
    assert by_group.tolist() == [[1_000, 0], [800, 500]]
    assert totals.tolist() == [1_000, 1_000, 300]


def test_a_sum_past_the_largest_amount_across_chunks_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two one-off amounts of 2**61 + 10 øre in one group, each piece its own chunk: their
    sum is beyond the largest exact amount and refused, never wrapped in int64."""
    monkeypatch.setattr(projection_module, "_CHUNK_CELLS", 1)
    huge = 2**61 + 10
    columns = _one(huge, unit="once", stop=10)
    rows, first, stop = np.zeros(2, np.int64), np.zeros(2, np.int64), np.full(2, 10, np.int64)
    with pytest.raises(AmountOverflowError):
        grouped_windowed_costs(
            columns, rows, first, stop, [0, 10], groups=np.array([0, 0]), group_count=1
        )
    apart, _ = grouped_windowed_costs(
        columns, rows, first, stop, [0, 10], groups=np.array([0, 1]), group_count=2
    )
    assert apart.tolist() == [[huge], [huge]]


def test_cumulative_costs_and_costs_between_by_hand() -> None:
    """0,10 kr. a week from day 98 is 10/7 øre a day: the rounded cumulative cost is 0, 1, 3
    and, a week on, 10 øre. 1,00 kr. a day over days 2–11 has cost 500 øre by day 7 and stays
    at 1.000 from day 12. Each segment's own interval: days 5–7 cost 300 øre; a stop before the
    first day costs nothing."""
    from styringskerne.engine import costs_between, cumulative_at

    columns = plain_segments(
        start=[98, 2], stop=[1 << 20, 12], unit=["week", "day"], rate_ore=[10, 100]
    )
    assert cumulative_at(columns, [98, 99, 100, 105], slice(0, 1)).tolist() == [[0, 1, 3, 10]]
    assert cumulative_at(columns, [2, 7, 12, 20], slice(1, 2)).tolist() == [[0, 500, 1_000, 1_000]]
    got = costs_between(columns, np.array([98, 5]), np.array([105, 8]))
    assert got.tolist() == [10, 300]
    assert costs_between(columns, np.array([100, 8]), np.array([99, 5])).tolist() == [0, 0]
    with pytest.raises(AmountOverflowError):
        costs_between(_one(2**50), np.array([0]), np.array([5_000]))


def test_boundaries_are_checked_with_their_message() -> None:
    columns = _one(100)
    cases = {
        "boundaries must be a non-empty one-dimensional array of days": ([], [[0, 1]]),
        "boundaries must be in ascending order": ([0, 10, 5],),
    }
    for message, bad in cases.items():
        for boundaries in bad:
            with pytest.raises(StyringskerneError) as error:
                interval_costs(columns, boundaries)
            assert str(error.value) == message


def test_interval_costs_are_the_same_chunk_by_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three segments of 1, 2 and 3 kr. a day from days 0, 5 and 10, over [0, 10) and [10, 20):
    100 × 10 and 100 × 10; 200 × 5 and 200 × 10; 0 and 300 × 10 — also with every segment
    evaluated in a chunk of its own."""
    columns = plain_segments(
        start=[0, 5, 10], stop=[1 << 20] * 3, unit=["day"] * 3, rate_ore=[100, 200, 300]
    )
    expected = [[1_000, 1_000], [1_000, 2_000], [0, 3_000]]
    assert interval_costs(columns, [0, 10, 20]).tolist() == expected
    monkeypatch.setattr(projection_module, "_CHUNK_CELLS", 1)
    assert interval_costs(columns, [0, 10, 20]).tolist() == expected
    by_group = grouped_interval_costs(
        columns, np.array([0, 1, 1]), 2, [0, 10, 20], path="boundaries"
    )
    assert by_group.tolist() == [[1_000, 1_000], [1_000, 5_000]]


def test_cumulative_costs_guard_the_rows_asked_for_up_to_the_last_boundary() -> None:
    """1,00 kr. a day and 2**50 øre a day: the first segment's cumulative cost at day 5.000
    is 500.000 øre; the second's is beyond the largest exact amount and refused, at the last
    boundary as at the only one."""
    from styringskerne.engine import cumulative_at

    columns = plain_segments(
        start=[0, 0], stop=[1 << 20] * 2, unit=["day"] * 2, rate_ore=[100, 2**50]
    )
    assert cumulative_at(columns, [0, 10, 5_000], slice(0, 1)).tolist() == [[0, 1_000, 500_000]]
    for boundaries in ([0, 10, 5_000], [5_000]):
        with pytest.raises(AmountOverflowError):
            cumulative_at(columns, boundaries, slice(1, 2))
