"""Benchmark: state refund and volume/price variance beside the month-end forecast.

Run with ``make bench`` (or ``cd benchmarks && ../.venv/bin/python bench_money_flows.py``).

The synthetic national ledger of ``bench_projection`` (1.000.000 price segments, about 333.000
citizens, 50 accounts) with services that count for the § 176 refund. Timed on fresh ledgers
(a ledger keeps the costs it computed, which would flatter a second query), median of several
runs, with the peak traced memory of one run:

- the month-end forecast alone (``make_forecast``), the figure the issue compares against;
- the forecast with the state refund (``make_forecast(..., refund=rule)``) and the
  volume/price split against steering assumptions (``volume_price_variance``).

and, apart, a year of monthly payments (``make_payments``) for 100.000 one-segment
dispositions against a naive month loop (target under 2 s).

The target is refund and variance within 2× the forecast alone. Baselines, on a 10.000-row
sample scaled linearly: a naive pure-Python loop (every day of every segment summed per citizen
and month in floats, then the refund formula per month) and the pandas approach a notebook
user would write (one row per day with ``date_range`` + ``explode``, ``groupby`` citizen and
month, the formula on columns).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from bench_projection import (
    YEAR,
    naive_days,
    pandas_daily_costs,
    peak_memory,
    synthetic_columns,
    timed,
)
from styringskerne import DispositionLedger
from styringskerne.budget.frame import assumptions_from_ledger
from styringskerne.budget.variance import volume_price_variance
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.ledger.refund import RefundRule, RefundThresholds
from styringskerne.payments.bankdays import BankCalendar
from styringskerne.payments.payments import make_payments
from styringskerne.payments.postings import PostingTemplate, posting_rows

AS_OF = dt.date(YEAR, 6, 30)
# The benchmark's year has no shipped thresholds; the 2022 level serves (a benchmark, not a figure).
THRESHOLDS = (860_000, 1_680_000, 2_120_000)
SHARES = (0.25, 0.5, 0.75)
SERVICES = np.array(["SEL108", "SEL107", "SEL85", "SEL104", "SEL103"])


def money_flow_columns(rows: int) -> dict[str, Any]:
    """The national columns with a refund-counted service per segment."""
    columns = synthetic_columns(rows)
    columns["service"] = SERVICES[np.random.default_rng(7).integers(0, SERVICES.size, rows)]
    columns["citizen_id"] = np.char.add("B-", columns["citizen_id"].astype(str))
    return columns


def refund_of_month(spend: float) -> float:
    """The refund of one month's spend (øre) against 1/12 of the thresholds, in floats."""
    return sum(
        increment * max(0.0, spend - threshold * 100 / 12)
        for increment, threshold in zip((0.25, 0.25, 0.25), THRESHOLDS, strict=True)
    )


def naive_refund(columns: dict[str, Any]) -> float:
    """Pure Python: spend per citizen and month from a day loop, then the formula."""
    spend: dict[tuple[str, int], float] = defaultdict(float)
    for row in range(len(columns["start"])):
        for day, cost in naive_days(columns, row):
            spend[(columns["citizen_id"][row], day.month)] += cost
    return sum(refund_of_month(amount) for amount in spend.values())


def pandas_refund(columns: dict[str, Any]) -> float:
    """The pandas approach: one row per day, groupby citizen and month, formula on columns."""
    days = pandas_daily_costs(columns)
    monthly = days.groupby(["citizen_id", days["day"].dt.month])["cost"].sum()
    refund = sum(0.25 * (monthly - threshold * 100 / 12).clip(lower=0) for threshold in THRESHOLDS)
    return float(refund.sum())


def naive_payments(columns: dict[str, Any]) -> dict[tuple[int, int], float]:
    """Pure Python: each disposition's cost per month of the year from a day loop."""
    paid: dict[tuple[int, int], float] = defaultdict(float)
    for row in range(len(columns["start"])):
        for day, cost in naive_days(columns, row):
            paid[(row, day.month)] += cost
    return paid


def bench_payments(dispositions: int, sample: int) -> None:
    """A year of monthly payments for ``dispositions`` one-segment dispositions."""
    columns = synthetic_columns(dispositions, seed=5)
    columns["disposition_id"] = np.arange(dispositions)
    ledger = DispositionLedger.from_arrays(**columns)
    calendar = BankCalendar.danish(range(YEAR - 1, YEAR + 2))

    def step() -> Any:
        return make_payments(ledger, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), calendar=calendar)

    seconds, paid = timed(step, 3)
    small = {key: value[:sample] for key, value in columns.items()}
    naive_seconds, _ = timed(lambda: naive_payments(small), 1)
    scale = dispositions / sample
    print(
        f"payments {YEAR}, monthly, {dispositions:,} dispositions: {seconds:.3f} s, peak "
        f"{peak_memory(step) / 2**20:.0f} MiB, {len(paid):,} payments, total {paid.total} "
        "(target < 2 s)"
    )
    print(
        f"naive pure-Python month loop on {sample:,} dispositions: {naive_seconds:.2f} s → "
        f"{naive_seconds * scale:.1f} s scaled ×{scale:g}; library is "
        f"{naive_seconds * scale / seconds:,.0f}× faster"
    )
    template = PostingTemplate(
        pattern="{function}-{dranst}-{art}", defaults={"dranst": "1", "art": "4.0"}
    )
    for name, work in (
        ("cash against accrual per month and account", paid.cash_and_accrual),
        ("postings export, one row per payment", lambda: posting_rows(paid, template)),
        ("postings export, per account string and month",
         lambda: posting_rows(paid, template, per="month")),
    ):  # fmt: skip
        extra, _ = timed(work, 3)
        print(f"  {name}: {extra:.3f} s ({extra / seconds:.2f}× the payments)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dispositions", type=int, default=100_000)
    arguments = parser.parse_args()
    rows, sample, repeats = arguments.rows, arguments.sample, arguments.repeats

    columns = money_flow_columns(rows)
    rule = RefundRule(
        thresholds=RefundThresholds(
            year=YEAR,
            thresholds=tuple(f"{amount}" for amount in THRESHOLDS),
            source="2022 level, for the benchmark only",
        )
    )
    assumptions = assumptions_from_ledger(DispositionLedger.from_arrays(**columns), YEAR - 1)

    def snapshot() -> Snapshot:
        return Snapshot(as_of=AS_OF, ledger=DispositionLedger.from_arrays(**columns))

    def timed_fresh(step: Callable[[Snapshot], Any]) -> tuple[float, Any, int]:
        """Median seconds on a fresh snapshot per run (built before the clock), and peak."""
        times, result = [], None
        for _ in range(repeats):
            current = snapshot()
            seconds, result = timed(lambda current=current: step(current), 1)
            times.append(seconds)
        current = snapshot()
        peak = peak_memory(lambda: step(current))
        return float(np.median(times)), result, peak

    def money_flows(current: Snapshot) -> Any:
        forecast = make_forecast(current, refund=rule)
        return forecast, volume_price_variance(forecast, current.ledger, assumptions)

    alone, _, alone_peak = timed_fresh(make_forecast)
    flows, (forecast, variance), flows_peak = timed_fresh(money_flows)

    print(f"styringskerne money flows: {rows:,} segments, year {YEAR}, as of {AS_OF}")
    print(f"forecast alone: {alone:.3f} s, peak {alone_peak / 2**20:.0f} MiB")
    print(
        f"forecast + refund + variance: {flows:.3f} s, peak {flows_peak / 2**20:.0f} MiB; "
        f"{flows / alone:.2f}× the forecast alone (target ≤ 2×)"
    )
    print(
        f"  refund {forecast.total_refund} over {len(forecast.state_refund.units):,} persons; "
        f"variance for {len(variance)} sub-areas"
    )
    small = {key: value[:sample] for key, value in columns.items()}
    scale = rows / sample
    for name, baseline in (("naive pure-Python", naive_refund), ("pandas", pandas_refund)):
        seconds, _ = timed(lambda baseline=baseline: baseline(small), 1)
        print(
            f"{name} refund on {sample:,} rows: {seconds:.2f} s → {seconds * scale:.1f} s "
            f"scaled ×{scale:g}; library (forecast + refund + variance) is "
            f"{seconds * scale / flows:,.0f}× faster"
        )
    bench_payments(arguments.dispositions, min(sample, arguments.dispositions))


if __name__ == "__main__":
    main()
