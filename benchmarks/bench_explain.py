"""Benchmark: explaining the month-on-month change of a national-scale forecast.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_explain.py [--rows N]``).

Two snapshots of the synthetic national ledger of ``bench_projection`` (1.000.000 price
segments, one disposition per segment): the current one has 1 % of dispositions changed —
0,4 % new prices, 0,3 % new end dates, 0,1 % removed, 0,1 % with a new probability, and 0,1 %
new dispositions added. ``explain_change`` is timed (median of several runs) with its peak
memory; the baseline is a naive pure-Python loop that walks every day of every disposition in
both snapshots on a 10.000-row sample, scaled linearly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections import defaultdict
from typing import Any

import numpy as np

from bench_projection import YEAR, naive_days, peak_memory, synthetic_columns, timed
from styringskerne import DispositionLedger
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot


def changed_columns(columns: dict[str, Any], seed: int = 2) -> dict[str, Any]:
    """A copy of the columns with 1 % of the dispositions changed."""
    rng = np.random.default_rng(seed)
    rows = len(columns["start"])
    current = {key: value.copy() for key, value in columns.items()}
    current["disposition_id"] = np.arange(rows)
    picked = rng.permutation(rows)[: rows // 100]
    price, end, removed, probability = np.split(
        picked, [rows * 4 // 1000, rows * 7 // 1000, rows * 8 // 1000]
    )
    current["rate_ore"][price] = current["rate_ore"][price] * 11 // 10
    current["end"][end] = current["start"][end] + np.timedelta64(200, "D")
    current["probability"][probability] = 0.5
    keep = np.ones(rows, dtype=bool)
    keep[removed] = False
    current = {key: value[keep] for key, value in current.items()}
    extra = synthetic_columns(rows // 1000, seed=3)
    extra["disposition_id"] = np.arange(rows, rows + rows // 1000)
    return {key: np.concatenate([current[key], extra[key]]) for key in current}


def naive_costs(columns: dict[str, Any]) -> dict[int, float]:
    """The naive cost per disposition: walk every day of every segment in the year."""
    totals: dict[int, float] = defaultdict(float)
    for row in range(len(columns["start"])):
        key = int(columns["disposition_id"][row])
        for _, cost in naive_days(columns, row):
            totals[key] += cost
    return totals


def naive_explain(previous: dict[str, Any], current: dict[str, Any]) -> dict[int, float]:
    """The naive change per disposition: cost now − cost before, for every disposition."""
    before, after = naive_costs(previous), naive_costs(current)
    return {key: after.get(key, 0.0) - before.get(key, 0.0) for key in set(before) | set(after)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    rows, sample = arguments.rows, arguments.sample

    previous_columns = synthetic_columns(rows)
    previous_columns["disposition_id"] = np.arange(rows)
    current_columns = changed_columns(previous_columns)

    def snapshots() -> tuple[Snapshot, Snapshot]:
        # Fresh ledgers every run: a ledger keeps the costs it computed, which would flatter
        # repeated runs. Building them is not part of the timing.
        return (
            Snapshot(
                as_of=dt.date(YEAR, 5, 31), ledger=DispositionLedger.from_arrays(**previous_columns)
            ),
            Snapshot(
                as_of=dt.date(YEAR, 6, 30), ledger=DispositionLedger.from_arrays(**current_columns)
            ),
        )

    times = []
    for _ in range(arguments.repeats):
        before, after = snapshots()
        began = time.perf_counter()
        change = explain_change(before, after, year=YEAR)
        times.append(time.perf_counter() - began)
    seconds = statistics.median(times)
    previous, current = snapshots()

    def step() -> Any:
        return explain_change(previous, current, year=YEAR)

    print(f"styringskerne change explanation: {rows:,} segments, 1 % changed")
    print(
        f"explain_change: {seconds:.3f} s (median of {arguments.repeats}), peak "
        f"{peak_memory(step) / 2**20:.0f} MiB, {len(change.items):,} items, "
        f"residual {change.residual}"
    )
    small_previous = {key: value[:sample] for key, value in previous_columns.items()}
    small_current = changed_columns(small_previous)
    naive_seconds, _ = timed(lambda: naive_explain(small_previous, small_current), 1)
    scale = rows / sample
    print(
        f"naive pure-Python day loop on {sample:,} rows: {naive_seconds:.2f} s → "
        f"{naive_seconds * scale:.1f} s scaled ×{scale:g}; library is "
        f"{naive_seconds * scale / seconds:,.0f}× faster"
    )


if __name__ == "__main__":
    main()
