"""Benchmark: settling a year of activity for every provider of a national ledger.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_steering.py [--rows N]``).

The synthetic national ledger of ``bench_projection`` (1.000.000 price segments) gets 2.000
providers. The activity of 2024 (citizen-days and tariff amounts per provider and month) is
taken from the ledger once (``Activity.from_ledger``) and settled under each of the four
steering models for every provider. The baseline settles BUM the naive way on a 10.000-row
sample: a pure-Python loop over every day of every segment, summing per provider and month,
scaled linearly.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import numpy as np

from bench_projection import YEAR, naive_monthly, peak_memory, synthetic_columns, timed
from styringskerne import DispositionLedger
from styringskerne.steering import (
    Activity,
    ActivityBased,
    ActivityBasedWithFixedFrame,
    Frame,
    RegulatedFrame,
)

PROVIDERS = 2_000


def with_providers(columns: dict[str, Any], seed: int = 5) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    names = np.array([f"P{n:04d}" for n in range(PROVIDERS)])
    return {**columns, "provider": names[rng.integers(0, PROVIDERS, len(columns["start"]))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    columns = with_providers(synthetic_columns(arguments.rows))
    ledger = DispositionLedger.from_arrays(**columns)
    activity_seconds, activity = timed(
        lambda: Activity.from_ledger(ledger, YEAR), arguments.repeats
    )
    frames = {name: activity.amounts[i].sum().item() for i, name in enumerate(activity.providers)}
    frame_money = {name: f"{ore // 100}.{ore % 100:02d}" for name, ore in frames.items()}
    funded = {name: int(activity.days[i].sum() * 0.95) for i, name in enumerate(activity.providers)}
    dialogues = {name: [dt.date(YEAR, 6, 15), dt.date(YEAR, 12, 1)] for name in activity.providers}
    models = [
        ActivityBased(),
        ActivityBasedWithFixedFrame(frames=frame_money, variable_share="0.6"),
        RegulatedFrame(
            frames=frame_money,
            funded_days=funded,
            hours_per_day=5,
            hourly_price="400,00",
            threshold_hours=800,
            dialogues=dialogues,
        ),
        Frame(frames=frame_money),
    ]
    print(
        f"styringskerne steering models: {arguments.rows:,} segments, "
        f"{len(activity.providers):,} providers, median of {arguments.repeats} runs"
    )
    print(f"{'step':<40}{'seconds':>10}{'peak MiB':>11}")
    print(
        f"{'activity from the ledger':<40}{activity_seconds:>10.3f}"
        f"{peak_memory(lambda: Activity.from_ledger(ledger, YEAR)) / 2**20:>11.0f}"
    )
    for model in models:
        seconds, result = timed(lambda model=model: model.run(activity), arguments.repeats)
        peak = peak_memory(lambda model=model: model.run(activity)) / 2**20
        events = f"  ({len(result.regulations):,} regulations)" if result.regulations else ""
        print(f"{model.name:<40}{seconds:>10.3f}{peak:>11.0f}{events}")
    sample = {key: value[: arguments.sample] for key, value in columns.items()}
    naive_seconds, _ = timed(lambda: naive_monthly(sample, key="provider"), 1)
    scale = arguments.rows / arguments.sample
    print(
        f"naive BUM settlement, day by day, on {arguments.sample:,} rows: {naive_seconds:.2f} s → "
        f"{naive_seconds * scale:.1f} s scaled ×{scale:g}; activity + BUM is "
        f"{naive_seconds * scale / activity_seconds:,.0f}× faster"
    )


if __name__ == "__main__":
    main()
