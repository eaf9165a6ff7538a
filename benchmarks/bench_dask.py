"""Benchmark: a national ledger beyond one machine's memory on Dask (``styringskerne.dask``).

Run with ``cd benchmarks && ../.venv/bin/python bench_dask.py [--segments N] [--per-part N]``.

It writes two month-end snapshots of a synthetic country to Parquet first — 98 municipalities,
one price segment per disposition, ``--per-part`` rows per file (the end of October and of
November: a month later some dispositions have ended, some are new, some extended, dearer or
granted) — then, on a ``distributed.LocalCluster`` of two worker processes with one thread
each, times:

- ``DaskLedger.monthly(2026, by="account")`` of the November snapshot;
- ``styringskerne.dask.make_forecast`` of it with the state refund;
- ``styringskerne.dask.explain_change`` from October to November;

and each worker's peak resident memory (its high-water mark, read on the worker). The
baseline, measured in the same run: the same steps in memory (``DispositionLedger.from_pandas``
and the in-memory functions) on one file's rows, scaled by the number of files — the time one
process would take if the whole country fitted in its memory, and the memory it would need.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SERVICES = ("SEL107", "SEL108", "SEL85", "SEL104", "SEL103", "SEL110")
UNITS = ("day", "day", "week", "day", "month", "day")
MUNICIPALITIES = 98
OCTOBER, NOVEMBER = dt.date(2026, 10, 31), dt.date(2026, 11, 30)


def snapshot_part(part: int, rows: int, *, later: bool) -> pd.DataFrame:
    """One file of a snapshot: ``rows`` dispositions of one municipality (the same in both
    snapshots, a month later changed)."""
    rng = np.random.default_rng(part)
    municipality = part % MUNICIPALITIES
    number = np.arange(rows)
    service = rng.integers(0, len(SERVICES), rows)
    unit = np.array(UNITS)[service]
    start = np.datetime64("2022-01-01") + rng.integers(0, 1790, rows).astype("timedelta64[D]")
    end = start + rng.exponential(500, rows).astype("timedelta64[D]")
    end[rng.random(rows) < 0.25] = np.datetime64("NaT")
    rate = np.where(unit == "day", rng.integers(50_000, 300_000, rows),
                    np.where(unit == "week", rng.integers(40_000, 70_000, rows),
                             rng.integers(500_000, 2_000_000, rows)))  # fmt: skip
    quantity = np.where(unit == "week", rng.integers(1, 21, rows), 1)
    citizen = rng.integers(0, rows // 20 + 1, rows)  # about 20 segments a citizen over the years
    frame = pd.DataFrame(
        {
            "disposition_id": [f"K{municipality}-{part}-D{n}" for n in number],
            "citizen_id": [f"K{municipality}-{part}-B{c}" for c in citizen],
            "service": np.array(SERVICES)[service],
            "start": start,
            "end": end,
            "unit": unit,
            "rate_ore": rate.astype(np.int64),
            "quantity": quantity.astype(np.int64),
            "probability": 1,
        }
    )
    if not later:
        return frame
    change = np.random.default_rng(10_000 + part).random(rows)
    ended = change < 0.01
    frame.loc[ended, "end"] = np.maximum(frame.loc[ended, "start"], np.datetime64("2026-11-15"))
    frame.loc[(change >= 0.01) & (change < 0.02), "end"] = np.datetime64("NaT")  # extended
    dearer = (change >= 0.02) & (change < 0.03)
    frame.loc[dearer, "rate_ore"] = frame.loc[dearer, "rate_ore"] * 103 // 100
    frame = frame[(change < 0.99) | (change >= 0.995)]  # some removed
    new = frame.head(rows // 200).assign(
        disposition_id=lambda f: f["disposition_id"] + "-N", start=np.datetime64("2026-11-10")
    )
    new["end"] = np.datetime64("NaT")
    return pd.concat([frame, new], ignore_index=True)


def write_snapshots(folder: Path, parts: int, per_part: int) -> tuple[Path, Path]:
    """Both snapshots as Parquet files, one per part."""
    paths = (folder / "october", folder / "november")
    for path in paths:
        path.mkdir()
    for part in range(parts):
        for path, later in zip(paths, (False, True), strict=True):
            snapshot_part(part, per_part, later=later).to_parquet(
                path / f"part-{part:04d}.parquet", index=False
            )
    return paths


def _worker_peak() -> int:
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def in_memory(paths: tuple[Path, Path], rule: Any) -> dict[str, float]:
    """The baseline: each step in memory on the first file of each snapshot."""
    from styringskerne import DispositionLedger
    from styringskerne.forecast.explanation import explain_change
    from styringskerne.forecast.forecast import Snapshot, make_forecast

    built, ledgers = [], []
    for path in paths:
        frame = pd.read_parquet(path / "part-0000.parquet")
        began = time.perf_counter()
        ledgers.append(DispositionLedger.from_pandas(frame))
        built.append(time.perf_counter() - began)
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    ledgers[1].monthly(2026, by="account")
    seconds["monthly"] = built[1] + time.perf_counter() - began
    snapshots = [Snapshot(as_of=day, ledger=ledger) for day, ledger in
                 zip((OCTOBER, NOVEMBER), ledgers, strict=True)]  # fmt: skip
    began = time.perf_counter()
    make_forecast(snapshots[1], refund=rule)
    seconds["forecast"] = built[1] + time.perf_counter() - began
    began = time.perf_counter()
    explain_change(snapshots[0], snapshots[1], refund=rule)
    seconds["explain"] = built[0] + built[1] + time.perf_counter() - began
    return seconds


def on_dask(paths: tuple[Path, Path], rule: Any) -> tuple[dict[str, float], dict[str, Any], Any]:
    """Each step on a local cluster of two worker processes; the workers' peak memory."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from styringskerne.dask import DaskLedger, DaskSnapshot, explain_change, make_forecast

    with (
        # No fixed port for the scheduler's HTTP server: another cluster may be running.
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                     scheduler_kwargs={"dashboard_address": ":0"},
                     memory_limit="10GiB") as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        ledgers = [DaskLedger.from_dataframe(dd.read_parquet(path)) for path in paths]
        seconds: dict[str, float] = {}
        results: dict[str, Any] = {}
        snapshots = [DaskSnapshot.of(ledger, day) for ledger, day in
                     zip(ledgers, (OCTOBER, NOVEMBER), strict=True)]  # fmt: skip
        steps = {
            "monthly": lambda: ledgers[1].monthly(2026, by="account"),
            "forecast": lambda: make_forecast(snapshots[1], refund=rule),
            "explain": lambda: explain_change(snapshots[0], snapshots[1], refund=rule),
        }
        for name, step in steps.items():
            began = time.perf_counter()
            results[name] = step()
            seconds[name] = time.perf_counter() - began
            print(f"  {name} on Dask: {seconds[name]:.1f} s", flush=True)  # a long run's progress
        peaks = client.run(_worker_peak)
    return seconds, results, peaks


def main() -> None:
    from styringskerne.ledger.refund import RefundRule, RefundThresholds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=50_000_000)
    parser.add_argument("--per-part", type=int, default=1_000_000)
    arguments = parser.parse_args()
    parts = max(1, arguments.segments // arguments.per_part)
    # An assumption for the benchmark: the 2022 level stands in for 2026's thresholds.
    rule = RefundRule(
        thresholds=RefundThresholds(year=2026, thresholds=("860000", "1680000", "2120000"))
    )
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        paths = write_snapshots(Path(folder), parts, arguments.per_part)
        print(f"{parts} files × {arguments.per_part:,} segments per snapshot written to Parquet "
              f"in {time.perf_counter() - began:.0f} s")  # fmt: skip
        memory = in_memory(paths, rule)
        timings, results, peaks = on_dask(paths, rule)
    segments = parts * arguments.per_part
    print(f"styringskerne Dask benchmark: {segments:,} segments per snapshot, 2 worker processes")
    print(f"{'step':<34}{'Dask, s':>10}{'in memory, scaled, s':>22}{'ratio':>8}")
    for name, label in (("monthly", "monthly(2026, by='account')"),
                        ("forecast", "make_forecast (with refund)"),
                        ("explain", "explain_change Oct → Nov")):  # fmt: skip
        scaled = memory[name] * parts
        print(f"{label:<34}{timings[name]:>10.1f}{scaled:>22.1f}{timings[name] / scaled:>8.2f}")
    for address, peak in sorted(peaks.items()):
        print(f"peak resident memory of worker {address}: {peak / 2**30:.2f} GiB")
    explanation = results["explain"]
    print(
        f"forecast total {results['forecast'].total_expected.format_danish()}, refund "
        f"{results['forecast'].total_refund.format_danish()}; change "
        f"{explanation.total_change.format_danish()} in {len(explanation.items):,} items, "
        f"residual {explanation.residual.format_danish()}"
    )


if __name__ == "__main__":
    main()
