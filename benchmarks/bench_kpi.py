"""Benchmark: all key figures for a national-scale ledger (1.000.000 segments).

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_kpi.py [--rows N]``).

The synthetic ledger of ``bench_projection`` gets services (the catalogue's seven ladder and day
services), 2.000 providers and a tenth of the rows paid by other municipalities. Every key
figure of ``styringskerne.kpi.figures`` is computed by service for 2024 and timed; the
baseline counts full-year persons per service the naive way (a pure-Python walk over every day
of every segment) on a 10.000-row sample, scaled linearly.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from bench_projection import YEAR, naive_days, peak_memory, synthetic_columns, timed
from styringskerne import DispositionLedger
from styringskerne.kpi.figures import (
    average_price,
    citizens_at,
    full_year_persons,
    granted_hours_per_week,
    inflow_outflow,
    length_of_stay,
    occupancy,
    purchases_and_sales,
)

SERVICES = np.array(["SEL82", "SEL85", "ABL105", "SEL107", "SEL108", "SEL103", "SEL104"])
FIRST, LAST = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)


def with_labels(columns: dict[str, Any], seed: int = 6) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    size = len(columns["start"])
    providers = np.array([f"P{n:04d}" for n in range(2_000)])
    return {
        **columns,
        "service": SERVICES[rng.integers(0, SERVICES.size, size)],
        "provider": providers[rng.integers(0, providers.size, size)],
        "payer": np.where(rng.random(size) < 0.1, "Nabokommunen", ""),
    }


OWN = [f"P{n:04d}" for n in range(0, 2_000, 2)]
FIGURES: dict[str, Callable[[DispositionLedger], Any]] = {
    "citizens_at": lambda ledger: citizens_at(ledger, dt.date(YEAR, 6, 30)),
    "full_year_persons": lambda ledger: full_year_persons(ledger, FIRST, LAST),
    "average_price": lambda ledger: average_price(ledger, FIRST, LAST),
    "granted_hours": lambda ledger: granted_hours_per_week(ledger, dt.date(YEAR, 6, 30)),
    "occupancy": lambda ledger: occupancy(ledger, FIRST, LAST, places=dict.fromkeys(OWN, 40)),
    "purchases": lambda ledger: purchases_and_sales(ledger, FIRST, LAST, own_providers=OWN),
    "inflow_outflow": lambda ledger: inflow_outflow(ledger, YEAR),
    "length_of_stay": lambda ledger: length_of_stay(ledger, FIRST, LAST),
}


def all_figures(ledger: DispositionLedger) -> dict[str, Any]:
    """Every key figure, by service, for 2024."""
    return {name: figure(ledger) for name, figure in FIGURES.items()}


def naive_full_year_persons(columns: dict[str, Any]) -> dict[str, float]:
    days: dict[str, float] = defaultdict(float)
    for row in range(len(columns["start"])):
        for _ in naive_days(columns, row):
            days[columns["service"][row]] += columns["probability"][row]
    return {service: total / 366 for service, total in days.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    arguments = parser.parse_args()
    columns = with_labels(synthetic_columns(arguments.rows))
    print(f"styringskerne key figures: {arguments.rows:,} segments, one run each on a fresh ledger")
    print(f"{'figure':<22}{'seconds':>10}")
    for name, figure in FIGURES.items():
        # A fresh ledger for each figure: a ledger keeps the period costs it computed.
        ledger = DispositionLedger.from_arrays(**columns)
        seconds, _ = timed(lambda figure=figure, ledger=ledger: figure(ledger), 1)
        print(f"{name:<22}{seconds:>10.3f}")
    fresh = DispositionLedger.from_arrays(**columns)
    all_seconds, _ = timed(lambda: all_figures(fresh), 1)
    peak = peak_memory(lambda: all_figures(DispositionLedger.from_arrays(**columns))) / 2**20
    print(f"{'all together':<22}{all_seconds:>10.3f}  (peak {peak:.0f} MiB incl. construction)")
    sample = {key: value[: arguments.sample] for key, value in columns.items()}
    naive_seconds, _ = timed(lambda: naive_full_year_persons(sample), 1)
    scale = arguments.rows / arguments.sample
    library, _ = timed(
        lambda: full_year_persons(DispositionLedger.from_arrays(**columns), FIRST, LAST), 1
    )
    print(
        f"naive full-year persons on {arguments.sample:,} rows: {naive_seconds:.2f} s → "
        f"{naive_seconds * scale:.1f} s scaled ×{scale:g}; library (with construction) is "
        f"{naive_seconds * scale / library:,.0f}× faster"
    )


if __name__ == "__main__":
    main()
