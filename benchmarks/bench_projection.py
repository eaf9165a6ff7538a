"""Benchmark: projecting a national-scale disposition ledger (1.000.000 price segments).

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_projection.py [--rows N]``).

It builds a synthetic ledger with ``DispositionLedger.from_arrays`` (70 % per day, 25 % per week,
5 % per month; 50 accounts; starts and ends spread over five years, a fifth open-ended) and
times, as the median of several runs, with peak traced memory of one run:

- construction (``from_arrays``),
- ``monthly(2024, by="account")``,
- ``daily(2021-01-01, 2025-12-31, by="account")``,
- ``as_of(2024-06-30)`` with the by-citizen table as numpy arrays.

Baselines, measured in the same run on a 10.000-row sample and scaled linearly to the full
size, compute the same monthly totals by account: a naive pure-Python loop over days, and the
pandas approach a notebook user would write (``date_range`` + ``explode`` + ``groupby``).

With ``--scaling 10000,100000,1000000,5000000`` it instead times the same steps at each size
(median of ``--repeats``; the time per segment and ``monthly``'s ratio to the numpy floor at that
size, with the peak traced memory of construction and of ``monthly``): the scaling curve.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from styringskerne import DispositionLedger

YEAR = 2024
FIRST = np.datetime64("2021-01-01")
LAST = np.datetime64("2025-12-31")


def synthetic_columns(rows: int, seed: int = 1) -> dict[str, Any]:
    """Columns of a synthetic national ledger, one row per price segment."""
    rng = np.random.default_rng(seed)
    unit = rng.choice(np.array(["day", "week", "month"]), rows, p=[0.70, 0.25, 0.05])
    span = int((LAST - FIRST).astype(int))
    start = FIRST + rng.integers(0, span, rows).astype("timedelta64[D]")
    length = rng.exponential(400, rows).astype(np.int64)
    end = start + length.astype("timedelta64[D]")
    end[rng.random(rows) < 0.2] = np.datetime64("NaT")
    rate = np.where(
        unit == "day",
        rng.integers(50_000, 300_000, rows),
        np.where(
            unit == "week",
            rng.integers(40_000, 70_000, rows),
            rng.integers(500_000, 2_000_000, rows),
        ),
    )
    quantity = np.where(unit == "week", rng.integers(1, 21, rows), 1)
    probability = np.where(rng.random(rows) < 0.05, 0.5, 1.0)
    return {
        "citizen_id": rng.integers(0, rows // 3 + 1, rows),
        "account": np.array([f"5.38.{n:02d}" for n in range(50)])[rng.integers(0, 50, rows)],
        "start": start,
        "end": end,
        "unit": unit,
        "rate_ore": rate.astype(np.int64),
        "quantity": quantity,
        "probability": probability,
    }


def timed(step: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median seconds over ``repeats`` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        gc.collect()
        began = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def peak_memory(step: Callable[[], Any]) -> int:
    """Peak bytes traced while running ``step`` once (numpy reports to tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def naive_days(columns: dict[str, Any], row: int) -> Iterator[tuple[dt.date, float]]:
    """Pure Python: each day of one segment in the year and its cost, in floats."""
    first, last = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    start = columns["start"][row].astype(dt.date)
    end_value = columns["end"][row]
    end = last if np.isnat(end_value) else min(end_value.astype(dt.date), last)
    unit = columns["unit"][row]
    amount = columns["rate_ore"][row] * columns["quantity"][row] * columns["probability"][row]
    day = max(start, first)
    while day <= end:
        if unit == "day":
            yield day, amount
        elif unit == "week":
            yield day, amount / 7
        else:
            next_month = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            yield day, amount / (next_month - dt.date(day.year, day.month, 1)).days
        day += dt.timedelta(days=1)


def naive_monthly(columns: dict[str, Any], key: str = "account") -> dict[tuple[str, int], float]:
    """The naive baseline: walk every day of every segment, sum by ``key`` and month."""
    totals: dict[tuple[str, int], float] = defaultdict(float)
    for row in range(len(columns["start"])):
        for day, cost in naive_days(columns, row):
            totals[(columns[key][row], day.month)] += cost
    return totals


def pandas_daily_costs(columns: dict[str, Any]) -> Any:
    """The pandas approach: one row per segment and day via date_range + explode, with cost."""
    import pandas as pd

    frame = pd.DataFrame(columns)
    first, last = pd.Timestamp(YEAR, 1, 1), pd.Timestamp(YEAR, 12, 31)
    frame["from"] = frame["start"].clip(lower=first)
    frame["to"] = frame["end"].fillna(last).clip(upper=last)
    frame = frame[frame["from"] <= frame["to"]]
    frame["day"] = [pd.date_range(a, b) for a, b in zip(frame["from"], frame["to"], strict=True)]
    days = frame.explode("day")
    days["day"] = pd.to_datetime(days["day"])
    amount = days["rate_ore"] * days["quantity"] * days["probability"]
    per_day = amount.where(days["unit"] == "day", amount / 7)
    per_day = per_day.where(days["unit"] != "month", amount / days["day"].dt.days_in_month)
    days["cost"] = per_day
    return days


def floor_inputs(columns: dict[str, Any]) -> tuple[Any, ...]:
    """What the floor starts from, prepared outside the timing (the library, too, has its
    group codes and day numbers from construction): account codes, the first and stop day in
    the year, and a float daily amount per segment."""
    first = np.datetime64(f"{YEAR}-01-01")
    span = 366 if YEAR % 4 == 0 else 365
    start = np.clip((columns["start"] - first).astype(np.int64), 0, span)
    end = columns["end"]
    stop = np.clip(np.where(np.isnat(end), span, (end - first).astype(np.int64) + 1), 0, span)
    per_unit = np.select(
        [columns["unit"] == "day", columns["unit"] == "week"], [1.0, 1 / 7], 12 / 365.25
    )
    daily = columns["rate_ore"] * columns["quantity"] * columns["probability"] * per_unit
    accounts, codes = np.unique(columns["account"], return_inverse=True)
    keep = stop > start
    months = (
        (np.arange(f"{YEAR}-01", f"{YEAR + 1}-01", dtype="datetime64[M]") - first.astype(
            "datetime64[M]"))
        .astype("datetime64[D]")
        .astype(np.int64)
    )  # fmt: skip
    return accounts.size, span, codes[keep], start[keep], stop[keep], daily[keep], months


def numpy_floor_monthly(inputs: tuple[Any, ...]) -> Any:
    """The numpy floor: a float daily amount per segment added into a difference array per
    account and day (``bincount``), a running sum, and the months taken from it. No exact
    rounding, no month-priced days: the least any implementation has to do."""
    groups, span, codes, start, stop, daily, months = inputs
    cells = groups * (span + 1)
    difference = np.bincount(
        codes * (span + 1) + start, weights=daily, minlength=cells
    ) - np.bincount(codes * (span + 1) + stop, weights=daily, minlength=cells)
    running = np.cumsum(difference.reshape(groups, span + 1)[:, :span], axis=1)
    return np.add.reduceat(running, months, axis=1)


def pandas_monthly(columns: dict[str, Any]) -> Any:
    """The pandas baseline: daily costs, then groupby account and month."""
    days = pandas_daily_costs(columns)
    return days.groupby(["account", days["day"].dt.month])["cost"].sum()


def scaling(sizes: list[int], repeats: int) -> None:
    """The scaling curve: every step at each size, per segment, and against the floor."""
    print(f"styringskerne scaling curve: {', '.join(f'{n:,}' for n in sizes)} segments, "
          f"median of {repeats} runs")  # fmt: skip
    header = ("segments", "build s", "monthly s", "daily s", "as_of s", "µs/seg build",
              "µs/seg monthly", "monthly÷floor", "MiB build", "MiB monthly")  # fmt: skip
    print("".join(f"{name:>15}" for name in header))
    for rows in sizes:
        columns = synthetic_columns(rows)
        build_time, ledger = timed(lambda c=columns: DispositionLedger.from_arrays(**c), repeats)
        monthly_time, _ = timed(lambda led=ledger: led.monthly(YEAR, by="account"), repeats)
        daily_time, _ = timed(
            lambda led=ledger: led.daily(dt.date(2021, 1, 1), dt.date(2025, 12, 31), by="account"),
            repeats,
        )
        as_of_time, _ = timed(
            lambda led=ledger: led.as_of(dt.date(YEAR, 6, 30)).by("citizen").to_numpy(), repeats
        )
        inputs = floor_inputs(columns)
        floor_time, _ = timed(lambda i=inputs: numpy_floor_monthly(i), repeats)
        build_peak = peak_memory(lambda c=columns: DispositionLedger.from_arrays(**c))
        monthly_peak = peak_memory(lambda led=ledger: led.monthly(YEAR, by="account"))
        cells = (f"{rows:,}", f"{build_time:.3f}", f"{monthly_time:.3f}", f"{daily_time:.3f}",
                 f"{as_of_time:.3f}", f"{build_time / rows * 1e6:.3f}",
                 f"{monthly_time / rows * 1e6:.3f}", f"{monthly_time / floor_time:.1f}",
                 f"{build_peak / 2**20:.0f}", f"{monthly_peak / 2**20:.0f}")  # fmt: skip
        print("".join(f"{cell:>15}" for cell in cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scaling", type=str, default="", help="sizes, e.g. 10000,100000")
    arguments = parser.parse_args()
    rows, sample, repeats = arguments.rows, arguments.sample, arguments.repeats
    if arguments.scaling:
        scaling([int(size) for size in arguments.scaling.split(",")], repeats)
        return

    columns = synthetic_columns(rows)
    build = lambda: DispositionLedger.from_arrays(**columns)  # noqa: E731
    build_time, ledger = timed(build, repeats)
    steps: dict[str, Callable[[], Any]] = {
        "monthly 2024 by account": lambda: ledger.monthly(YEAR, by="account"),
        "daily 2021-2025 by account": lambda: ledger.daily(
            dt.date(2021, 1, 1), dt.date(2025, 12, 31), by="account"
        ),
        "as_of 2024-06-30 by citizen": lambda: (
            ledger.as_of(dt.date(YEAR, 6, 30)).by("citizen").to_numpy()
        ),
    }
    print(f"styringskerne projection benchmark: {rows:,} segments, median of {repeats} runs")
    print(f"{'step':<32}{'seconds':>10}{'peak MiB':>11}")
    print(
        f"{'construction (from_arrays)':<32}{build_time:>10.3f}{peak_memory(build) / 2**20:>11.0f}"
    )
    results: dict[str, Any] = {}
    for name, step in steps.items():
        seconds, results[name] = timed(step, repeats)
        print(f"{name:<32}{seconds:>10.3f}{peak_memory(step) / 2**20:>11.0f}")
        if name.startswith("monthly"):
            monthly_time = seconds

    inputs = floor_inputs(columns)
    floor_time, _ = timed(lambda: numpy_floor_monthly(inputs), repeats)
    print(
        f"numpy floor, monthly by account (difference array + cumsum + reduceat, floats): "
        f"{floor_time:.3f} s; the library's exact monthly is {monthly_time / floor_time:.1f}× it"
    )

    sample_columns = {key: value[:sample] for key, value in columns.items()}
    scale = rows / sample
    naive_time, naive = timed(lambda: naive_monthly(sample_columns), 1)
    exact = DispositionLedger.from_arrays(**sample_columns).monthly(YEAR, by="account")
    difference = max(
        abs(naive.get((str(account), month + 1), 0.0) - exact.values[index, month])
        for index, account in enumerate(exact.labels.tolist())
        for month in range(12)
    )
    print()
    print(f"baselines on {sample:,} rows, scaled ×{scale:g} to {rows:,} (monthly by account):")
    print(
        f"  naive pure-Python day loop: {naive_time:.2f} s → {naive_time * scale:.1f} s scaled; "
        f"library is {naive_time * scale / monthly_time:,.0f}× faster "
        f"(largest float difference {difference / 100:.4f} kr.)"
    )
    try:
        pandas_time, _ = timed(lambda: pandas_monthly(sample_columns), 3)
    except ImportError:
        print("  pandas approach: skipped (pandas is not installed; `make bench` installs it)")
    else:
        print(
            f"  pandas date_range + explode + groupby: {pandas_time:.2f} s → "
            f"{pandas_time * scale:.1f} s scaled; library is "
            f"{pandas_time * scale / monthly_time:,.0f}× faster"
        )


if __name__ == "__main__":
    main()
