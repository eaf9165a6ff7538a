"""Benchmark: reading a national dispositions file (1.000.000 rows) into a ledger.

Run with ``.venv/bin/python benchmarks/bench_import.py [--rows N] [--sample N]``.

It writes a synthetic dispositions CSV as a Danish case system exports it (semicolons,
Windows-1252, Danish header names, dates ``31-12-2024``, amounts ``1.149,50``; dispositions of
one to three price segments, rows of a disposition together, a fifth open-ended, 5 % expected
with probability 0,5) and times, each in a fresh process so that peak memory is the process's:

- ``DispositionLedger.read_csv`` (columnar; ``from_csv`` raises instead), with the text split
  by pyarrow's CSV reader and, as on a machine without pyarrow, by the reader itself,
- the same file in the plain form (ISO dates, ``1149.50``, UTF-8, commas),
- a file of the same rows with one bad cell in every 1.000th row (the row reader takes those
  dispositions),

against baselines measured in the same run: the row reader (``read_dispositions`` then
``DispositionLedger(...)``) on a ``--sample``-row head of the file, scaled linearly; and the
floor of just splitting the text into columns with ``pandas.read_csv`` (all columns as text,
no validation) and, when installed, ``pyarrow.csv.read_csv``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

SERVICES = (("SEL108", "day"), ("SEL107", "day"), ("SEL85", "week"), ("SEL104", "day"),
            ("SEL103", "month"), ("SEL110", "day"))  # fmt: skip
PROVIDERS = ("Bøgely", "Solhaven", "Egen bostøtte", "Region Syd", "Kirkebakken", "Åparken")


def write_file(path: Path, rows: int, *, danish: bool, bad_every: int = 0, seed: int = 1) -> None:
    """A synthetic dispositions file of about ``rows`` rows."""
    rng = np.random.default_rng(seed)
    count = rows * 2 // 3 + 10  # about 1,65 rows each: enough for ``rows``
    segments = rng.choice([1, 2, 3], count, p=[0.55, 0.25, 0.20])
    disposition = np.repeat(np.arange(count), segments)[:rows]
    first = np.concatenate([[True], disposition[1:] != disposition[:-1]])
    last = np.concatenate([disposition[1:] != disposition[:-1], [True]])
    length = rng.integers(30, 400, rows)
    starts = np.datetime64("2021-01-01") + rng.integers(0, 1800, count).astype("timedelta64[D]")
    before = np.cumsum(length) - length  # days of all earlier rows
    offset = before - np.maximum.accumulate(np.where(first, before, 0))  # within the disposition
    start = starts[disposition] + offset.astype("timedelta64[D]")
    end = start + (length - 1).astype("timedelta64[D]")
    open_ended = last & (rng.random(rows) < 0.2)
    service = rng.integers(0, len(SERVICES), count)[disposition]
    unit = np.array([unit for _, unit in SERVICES])[service]
    rate = np.where(
        unit == "day",
        rng.integers(50_000, 300_000, rows) // 50 * 50,
        np.where(unit == "week", rng.integers(40_000, 70_000, rows), rng.integers(5e5, 2e6, rows)),
    )
    quantity = np.where(unit == "week", rng.integers(1, 21, rows), 0)
    expected = (rng.random(count) < 0.05)[disposition]
    citizen = rng.integers(0, count // 2 + 1, count)[disposition]
    provider = rng.integers(0, len(PROVIDERS), count)[disposition]
    header = (
        "Bevilling;CPR;Ydelse;Leverandør;Startdato;Slutdato;Enhed;Takst;Antal;Sandsynlighed"
        if danish
        else "disposition_id,citizen_id,service,provider,start,end,unit,rate,quantity,probability"
    )
    sep = ";" if danish else ","
    lines = [header]
    codes = [code for code, _ in SERVICES]
    for row in range(rows):
        day, stop = str(start[row]), "" if open_ended[row] else str(end[row])
        ore = int(rate[row])
        if danish:
            day = f"{day[8:10]}-{day[5:7]}-{day[:4]}"
            stop = f"{stop[8:10]}-{stop[5:7]}-{stop[:4]}" if stop else ""
            amount = f"{ore // 100:,}".replace(",", ".") + f",{ore % 100:02d}"
            chance = "0,5" if expected[row] else ""
        else:
            amount = f"{ore // 100}.{ore % 100:02d}"
            chance = "0.5" if expected[row] else ""
        if bad_every and row % bad_every == bad_every - 1:
            day = "31-02-2024" if danish else "2024-02-31"
        lines.append(
            sep.join(
                (
                    f"D{disposition[row]}",
                    f"B{citizen[row]:07d}",
                    codes[service[row]],
                    PROVIDERS[provider[row]],
                    day,
                    stop,
                    str(unit[row]),
                    amount,
                    str(quantity[row]) if quantity[row] else "",
                    chance,
                )
            )
        )
    data = "\r\n".join(lines) + "\r\n"
    path.write_bytes(data.encode("cp1252" if danish else "utf-8"))


def head(path: Path, target: Path, rows: int) -> None:
    """The header and first ``rows`` rows of a file."""
    with path.open("rb") as source:
        target.write_bytes(b"".join(line for _, line in zip(range(rows + 1), source, strict=False)))


_CHILD = """
import json, resource, sys, time
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
began = time.perf_counter()
if kind.startswith("columnar"):
    from styringskerne import DispositionLedger
    if kind == "columnar, no pyarrow":  # as on a machine without the extra
        import styringskerne.io.arrow_split as arrow_split
        arrow_split._arrow_csv = lambda: None
    result = DispositionLedger.read_csv(path)
    rows, errors, segments = len(result.loaded_lines), len(result.errors), len(result.ledger)
elif kind == "row reader":
    from styringskerne import DispositionLedger
    from styringskerne.io.csv import read_dispositions
    result = read_dispositions(path)
    ledger = DispositionLedger(result.items)
    rows, errors, segments = len(result.loaded_lines), len(result.errors), len(ledger)
else:  # the floor: the text split into columns of text, nothing checked
    danish = path.read_bytes()[:200].count(b";") > 3
    encoding, sep = ("cp1252", ";") if danish else ("utf-8", ",")
    names = path.read_bytes()[:400].decode(encoding).splitlines()[0].split(sep)
    if kind == "pandas.read_csv":
        import pandas as pd
        frame = pd.read_csv(path, sep=sep, encoding=encoding, dtype=str, keep_default_na=False)
        rows = len(frame)
    else:
        import pyarrow as pa, pyarrow.csv as pc
        table = pc.read_csv(
            path,
            read_options=pc.ReadOptions(encoding=encoding, column_names=names, skip_rows=1),
            parse_options=pc.ParseOptions(delimiter=sep),
            convert_options=pc.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
        )
        rows = table.num_rows
    errors, segments = 0, 0
seconds = time.perf_counter() - began
try:  # the high-water mark of this process alone (ru_maxrss may carry the parent's)
    status = Path("/proc/self/status").read_text()
    peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
except (OSError, IndexError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "rows": rows, "errors": errors,
                  "segments": segments}))
"""


def run(kind: str, path: Path) -> dict[str, float]:
    """One reading in a fresh process: seconds, peak resident memory, rows, errors."""
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def number(value: float, decimals: int = 2) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=50_000)
    arguments = parser.parse_args()
    rows, sample = arguments.rows, min(arguments.sample, arguments.rows)
    with tempfile.TemporaryDirectory() as folder:
        danish, plain, damaged = (
            Path(folder) / name for name in ("dk.csv", "plain.csv", "bad.csv")
        )
        write_file(danish, rows, danish=True)
        write_file(plain, rows, danish=False)
        write_file(damaged, rows, danish=True, bad_every=1_000)
        small = Path(folder) / "sample.csv"
        head(danish, small, sample)
        size = danish.stat().st_size / 1e6
        print(f"{number(rows, 0)} rows, {number(size, 0)} MB (Danish form)")
        figures = {
            "columnar, Danish file": run("columnar", danish),
            "columnar, Danish file, no pyarrow": run("columnar, no pyarrow", danish),
            "columnar, plain file": run("columnar", plain),
            "columnar, 1 bad row in 1.000": run("columnar", damaged),
        }
        reader = run("row reader", small)
        scale = rows / sample
        reader["seconds"] *= scale
        figures[f"row reader (x{number(scale, 0)} of {number(sample, 0)} rows)"] = reader
        floors = {"pandas.read_csv, text only": run("pandas.read_csv", danish)}
        with contextlib.suppress(subprocess.CalledProcessError):  # pyarrow not installed
            floors["pyarrow.csv.read_csv, text only"] = run("pyarrow", danish)
        figures.update(floors)
        floor = min(value["seconds"] for value in floors.values())
        columnar = figures["columnar, Danish file"]["seconds"]
        print(f"{'step':<42}{'seconds':>9}{'peak MB':>9}{'rows':>11}{'errors':>8}{'÷ floor':>9}")
        for name, value in figures.items():
            print(
                f"{name:<42}{number(value['seconds']):>9}{number(value['peak'] / 1e6, 0):>9}"
                f"{number(value['rows'], 0):>11}{number(value['errors'], 0):>8}"
                f"{number(value['seconds'] / floor, 1):>9}"
            )
        print(f"row reader ÷ columnar: {number(reader['seconds'] / columnar, 1)}")
        own = figures["columnar, Danish file, no pyarrow"]["seconds"]
        print(f"columnar without pyarrow ÷ with: {number(own / columnar, 1)}")


if __name__ == "__main__":
    main()
