"""Benchmark: a ledger from a pandas frame of a dispositions file (``from_pandas``).

Run with ``cd benchmarks && ../.venv/bin/python bench_frames.py``.

The example municipality's granted dispositions are written as a dispositions CSV, read back
with ``pandas.read_csv(dtype=str)`` (every column text, as a notebook user reads a municipal
export) and repeated with distinct disposition ids up to about 600.000 rows. Timed, median of
several runs, with peak traced memory:

- ``DispositionLedger.from_pandas(frame)``, the whole-column path;
- ``DispositionLedger.from_arrays`` on the same columns already as numpy arrays, one text per
  row (the floor the issue compares against: target ``from_pandas`` within 2× of it), and on
  the columns as the frame path hands them on (labels as ``CodedLabels``);
- ``DispositionLedger.from_arrow`` of the same rows as an Arrow table (target within 2×);
- the row-by-row reader (``from_pandas`` of a frame it must read row by row), on a sample
  scaled linearly — the baseline a frame without the whole-column path would cost.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from bench_projection import peak_memory, timed
from styringskerne import DispositionLedger
from styringskerne.engine import CodedLabels
from styringskerne.examples import example_municipality
from styringskerne.io.csv import write_dispositions
from styringskerne.io.frames import columns_of_a_clean_frame


def national_frame(copies: int) -> pd.DataFrame:
    """The example municipality's granted dispositions, ``copies`` times with distinct ids."""
    town = example_municipality(2024)
    granted = [item for item in town.dispositions if item.probability == 1]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dispositions.csv"
        write_dispositions(granted, path)
        base = pd.read_csv(path, dtype=str, keep_default_na=False)
    parts = []
    for copy in range(copies):
        part = base.copy()
        part["disposition_id"] = part["disposition_id"] + f"-{copy}"
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    frame = national_frame(arguments.copies)
    rows = len(frame)
    columns = columns_of_a_clean_frame(frame)
    assert columns is not None, "the benchmark frame must take the whole-column path"
    # The floor: numpy arrays, one text per row, as a caller of from_arrays holds them (the
    # frame path hands the ledger texts and positions instead: timed too, for comparison).
    coded: dict[str, Any] = {key: value for key, value in columns.items() if value is not None}
    arrays = {
        key: value.values() if isinstance(value, CodedLabels) else value
        for key, value in coded.items()
    }

    def from_pandas() -> DispositionLedger:
        return DispositionLedger.from_pandas(frame)

    def from_arrays() -> DispositionLedger:
        return DispositionLedger.from_arrays(**arrays)

    def from_coded_arrays() -> DispositionLedger:
        return DispositionLedger.from_arrays(**coded)

    pandas_seconds, ledger = timed(from_pandas, arguments.repeats)
    arrays_seconds, floor = timed(from_arrays, arguments.repeats)
    coded_seconds, _ = timed(from_coded_arrays, arguments.repeats)
    # The same rows as an Arrow table without pandas' metadata (as read from Parquet).
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    arrow_seconds, from_table = timed(
        lambda: DispositionLedger.from_arrow(table), arguments.repeats
    )
    assert np.array_equal(from_table.monthly(2024).values, floor.monthly(2024).values)
    assert np.array_equal(ledger.monthly(2024).values, floor.monthly(2024).values)
    # The row-by-row reader: a frame whose dates are Danish (13-02-2024) takes it.
    sample = frame.head(arguments.sample).copy()
    sample["start"] = pd.to_datetime(sample["start"]).dt.strftime("%d-%m-%Y")
    row_seconds, _ = timed(lambda: DispositionLedger.from_pandas(sample), 1)
    scale = rows / len(sample)
    print(f"styringskerne from_pandas benchmark: {rows:,} rows, median of {arguments.repeats}")
    print(
        f"from_pandas (whole columns): {pandas_seconds:.3f} s, peak "
        f"{peak_memory(from_pandas) / 2**20:.0f} MiB"
    )
    print(
        f"from_arrays on the same columns: {arrays_seconds:.3f} s, peak "
        f"{peak_memory(from_arrays) / 2**20:.0f} MiB; from_pandas is "
        f"{pandas_seconds / arrays_seconds:.2f}× it (target ≤ 2×)"
    )
    print(
        f"from_arrow (the same rows as an Arrow table): {arrow_seconds:.3f} s; "
        f"{arrow_seconds / arrays_seconds:.2f}× from_arrays (target ≤ 2×)"
    )
    print(
        f"from_arrays on the same columns with labels as texts and positions (CodedLabels): "
        f"{coded_seconds:.3f} s"
    )
    print(
        f"row-by-row reader on {len(sample):,} rows: {row_seconds:.2f} s → "
        f"{row_seconds * scale:.1f} s scaled ×{scale:.1f}; whole columns are "
        f"{row_seconds * scale / pandas_seconds:.1f}× faster"
    )


if __name__ == "__main__":
    main()
