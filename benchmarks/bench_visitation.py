"""Benchmark: competence decisions and flexible follow-up selection for 100.000 cases.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_visitation.py [--cases N]``).

Synthetic cases (services of *Tabel 4.1*, yearly amounts, hours, day shares, grant and last
follow-up dates, birth dates, tariff groups and flags) are decided under Ikast-Brande's and
Holstebro's rule sets with ``RuleSet.decide_many`` and selected by Ikast-Brande's flexible
follow-up with ``FlexibleFollowUp.criteria_of_columns``. The baselines do the same one case at
a time in plain Python (``RuleSet.decide`` per case; the six criteria with ``datetime``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import numpy as np
from dateutil.relativedelta import relativedelta

from bench_projection import peak_memory, timed
from styringskerne import Money
from styringskerne.visitation.competence import LEVELS, example_rules
from styringskerne.visitation.followup import CaseColumns, FlexibleFollowUp

SERVICES = np.array(["SEL107", "SEL108", "ABL105", "SEL103", "SEL104", "SEL85"])
ON = dt.date(2024, 1, 1)
EPOCH = dt.date(1970, 1, 1)


def synthetic_cases(size: int, seed: int = 4) -> dict[str, Any]:
    """Columns of synthetic cases."""
    rng = np.random.default_rng(seed)
    granted = rng.integers((dt.date(2015, 1, 1) - EPOCH).days, (ON - EPOCH).days, size)
    followed = rng.random(size) < 0.8
    last = np.where(followed, granted + rng.integers(0, 1500, size), -1)
    groups = rng.choice(np.array([6, 12]), size)
    return {
        "service": SERVICES[rng.integers(0, SERVICES.size, size)],
        "yearly_amount_ore": rng.integers(1_000_000, 150_000_000, size),
        "internal": rng.random(size) < 0.7,
        "hours_per_week": rng.integers(1, 20, size).astype(float),
        "day_share": rng.choice(np.array([0.25, 0.5, 0.75, 1.0]), size),
        "granted": granted,
        "last": np.minimum(last, (ON - EPOCH).days),
        "born": rng.integers(
            (dt.date(1950, 1, 1) - EPOCH).days, (dt.date(2006, 1, 1) - EPOCH).days, size
        ),
        "group": rng.integers(1, 13, size).clip(max=groups),
        "groups": groups,
        "changed": rng.random(size) < 0.05,
        "asked": rng.random(size) < 0.03,
        "priority": rng.random(size) < 0.02,
        "development": rng.random(size) < 0.5,
    }


def columns_of(cases: dict[str, Any]) -> CaseColumns:
    return CaseColumns(
        service=cases["service"],
        caseworker=np.full(cases["service"].size, ""),
        granted=cases["granted"],
        last=cases["last"],
        born=cases["born"],
        group=cases["group"],
        groups=cases["groups"],
        changed=cases["changed"],
        asked=cases["asked"],
        priority=cases["priority"],
        development=cases["development"],
        internal=np.full(cases["service"].size, -1, dtype=np.int8),
    )


def vectorised(cases: dict[str, Any]) -> tuple[Any, ...]:
    """All decisions and the selection with the library's array paths."""
    keys = ("service", "yearly_amount_ore", "internal", "hours_per_week", "day_share")
    arguments = {key: cases[key] for key in keys}
    ikast = example_rules("ikast-brande").decide_many(**arguments)
    holstebro = example_rules("holstebro").decide_many(**arguments)
    selected = FlexibleFollowUp().criteria_of_columns(columns_of(cases), ON).any(axis=1)
    return ikast, holstebro, selected


def naive(cases: dict[str, Any]) -> tuple[list[str], list[str], list[bool]]:
    """One case at a time in plain Python."""
    ikast, holstebro = example_rules("ikast-brande"), example_rules("holstebro")
    levels_i, levels_h, selected = [], [], []
    for row in range(cases["service"].size):
        grant = {
            "service": str(cases["service"][row]),
            "yearly_amount": Money(int(cases["yearly_amount_ore"][row])),
            "internal": bool(cases["internal"][row]),
            "hours_per_week": float(cases["hours_per_week"][row]),
            "day_share": float(cases["day_share"][row]),
        }
        levels_i.append(ikast.decide(**grant).level)
        levels_h.append(holstebro.decide(**grant).level)
        born = EPOCH + dt.timedelta(days=int(cases["born"][row]))
        age = relativedelta(ON, born).years
        granted = EPOCH + dt.timedelta(days=int(cases["granted"][row]))
        last_day = int(cases["last"][row])
        last = EPOCH + dt.timedelta(days=last_day) if last_day >= 0 else granted
        top = 2 if grant["service"] == "SEL85" else 1
        selected.append(
            bool(cases["changed"][row])
            or int(cases["group"][row]) > int(cases["groups"][row]) - top
            or bool(cases["asked"][row])
            or bool(cases["priority"][row])
            or (
                grant["service"] == "SEL107" and 18 <= age <= 23 and bool(cases["development"][row])
            )
            or last + relativedelta(years=4) <= ON
        )
    return levels_i, levels_h, selected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    cases = synthetic_cases(arguments.cases)
    seconds, (ikast, _, selected) = timed(lambda: vectorised(cases), arguments.repeats)
    print(
        f"styringskerne visitation: {arguments.cases:,} cases, median of {arguments.repeats} runs"
    )
    print(
        f"two rule sets + flexible selection: {seconds:.3f} s, peak "
        f"{peak_memory(lambda: vectorised(cases)) / 2**20:.0f} MiB; "
        f"{int(selected.sum()):,} cases selected"
    )
    sample = {key: value[: arguments.sample] for key, value in cases.items()}
    naive_seconds, (levels, _, chosen) = timed(lambda: naive(sample), 1)
    same_levels = levels == [LEVELS[i] for i in ikast[: arguments.sample].tolist()]
    agree = same_levels and chosen == selected[: arguments.sample].tolist()
    scale = arguments.cases / arguments.sample
    print(
        f"naive one case at a time on {arguments.sample:,} cases: {naive_seconds:.2f} s → "
        f"{naive_seconds * scale:.1f} s scaled ×{scale:g}; library is "
        f"{naive_seconds * scale / seconds:,.0f}× faster (same answers: {agree})"
    )


if __name__ == "__main__":
    main()
