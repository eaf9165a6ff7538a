"""A frame whose rows are plainly valid is built from its columns at once; the ledger and the
errors must be exactly those of the row-by-row reader, for clean and for broken frames."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, ImportFailedError
from styringskerne.io.csv import write_dispositions
from styringskerne.io.frames import columns_of_a_clean_frame, dispositions_from_pandas
from tests.strategies import disposition_lists

JUNK = ["", " x", "abc", "2024-13-01", "1.149,50", "-5", "1/3", "week ", "DAY", "0101901234",
        "2023-12-31", "99999999999999999", "1e3", "0.5", "12.345"]  # fmt: skip


def frame_of(dispositions: list[Disposition]) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        write_dispositions(dispositions, path)
        return pd.read_csv(path, dtype=str, keep_default_na=False)


def mutate(frame: pd.DataFrame, data: st.DataObject) -> None:
    """Perhaps one cell of the frame replaced by junk."""
    if len(frame) and data.draw(st.booleans()):
        row = data.draw(st.integers(0, len(frame) - 1))
        column = data.draw(st.sampled_from(list(frame.columns)))
        frame.loc[row, column] = data.draw(st.sampled_from(JUNK))


def same_errors(build: object, expected: list) -> None:
    """The fast path's caller reports the row reader's errors, row and column alike."""
    with pytest.raises(ImportFailedError) as error:
        build()  # type: ignore[operator]
    assert [(e.line, e.column) for e in error.value.errors] == [
        (e.line, e.column) for e in expected
    ]


@given(dispositions=disposition_lists(max_size=6), data=st.data())
def test_the_fast_path_builds_what_the_row_reader_builds(
    dispositions: list[Disposition], data: st.DataObject
) -> None:
    frame = frame_of(dispositions)
    mutate(frame, data)
    slow = dispositions_from_pandas(frame)
    if slow.errors:
        assert columns_of_a_clean_frame(frame) is None
        same_errors(lambda: DispositionLedger.from_pandas(frame), list(slow.errors))
        return
    ledger, expected = DispositionLedger.from_pandas(frame), DispositionLedger(slow.items)
    for by in ("disposition", "citizen", "account", "provider"):
        for year in (2022, 2024, 2026):
            got, want = ledger.monthly(year, by=by), expected.monthly(year, by=by)
            assert got.labels.tolist() == want.labels.tolist()
            assert np.array_equal(got.values, want.values)


def test_a_clean_frame_takes_the_fast_path() -> None:
    from styringskerne.examples import example_municipality

    granted = [d for d in example_municipality(2024).dispositions if d.probability == 1]
    frame = frame_of(granted)
    assert columns_of_a_clean_frame(frame) is not None
    broken = frame.copy()
    broken.loc[3, "rate"] = "1.149,50"  # a Danish amount: the row reader's business
    assert columns_of_a_clean_frame(broken) is None
    assert (
        DispositionLedger.from_pandas(broken)
        .cost(pd.Timestamp("2024-01-01").date(), pd.Timestamp("2024-12-31").date())
        .total
        == DispositionLedger(dispositions_from_pandas(broken).items)
        .cost(pd.Timestamp("2024-01-01").date(), pd.Timestamp("2024-12-31").date())
        .total
    )


@given(dispositions=disposition_lists(max_size=6), data=st.data())
def test_the_arrow_fast_path_builds_what_the_row_reader_builds(
    dispositions: list[Disposition], data: st.DataObject
) -> None:
    """The same for Arrow tables (through pandas when installed)."""
    import pyarrow as pa

    from styringskerne.io.frames import dispositions_from_arrow

    frame = frame_of(dispositions)
    mutate(frame, data)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    slow = dispositions_from_arrow(table)
    if slow.errors:
        same_errors(lambda: DispositionLedger.from_arrow(table), list(slow.errors))
        return
    ledger, expected = DispositionLedger.from_arrow(table), DispositionLedger(slow.items)
    got, want = ledger.monthly(2024, by="disposition"), expected.monthly(2024, by="disposition")
    assert got.labels.tolist() == want.labels.tolist()
    assert np.array_equal(got.values, want.values)


def test_the_fast_path_keeps_a_provider_move_and_the_dispositions_provider() -> None:
    """31 days at 100 kr. with Bøgely, then 29 days at the same price. An empty provider is
    the disposition's own (Bøgely 6.000 kr.); another provider is a move, not one price run
    (Bøgely 3.100, Solhaven 2.900) — both were wrong on the columnar path before."""
    import datetime as dt

    year = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    moved = {"Bøgely": "3100.00", "Solhaven": "2900.00"}
    for second, expected in (("", {"Bøgely": "6000.00"}), ("Solhaven", moved)):
        frame = pd.DataFrame({
            "disposition_id": ["D1", "D1"], "citizen_id": ["B-1", "B-1"],
            "service": ["SEL108", "SEL108"], "provider": ["Bøgely", second],
            "start": ["2024-01-01", "2024-02-01"], "end": ["2024-01-31", "2024-02-29"],
            "unit": ["day", "day"], "rate": ["100.00", "100.00"],
            "quantity": ["", ""], "probability": ["", ""],
        })  # fmt: skip
        assert columns_of_a_clean_frame(frame) is not None
        ledger = DispositionLedger.from_pandas(frame)
        assert ledger.cost(*year, by="provider").to_dict() == expected
