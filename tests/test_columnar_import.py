"""The columnar reader (``DispositionLedger.read_csv`` and ``from_csv``) must give exactly what
the row reader gives: the same errors (line, column and reason), the same lines loaded and the
same ledger, for clean files and for every kind of broken one."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, ImportFailedError, SourceError
from styringskerne.core.errors import StyringskerneError
from styringskerne.io.csv import read_dispositions, write_dispositions
from tests.strategies import disposition_lists
from tests.test_fuzz_imports import PLANTED, PRICES, assert_no_cpr, broken_files

JUNK = ["", " ", " x", "abc", "2024-13-01", "1.149,50", "-5", "1/3", "week ", "DAY", "døgn",
        "0101901234", "2023-12-31", "9" * 17, "1e3", "0.5", "12.345", "granted"]  # fmt: skip
DIMENSIONS = ("disposition", "citizen", "account", "provider", "service")


def same_ledgers(got: DispositionLedger, want: DispositionLedger) -> None:
    for by in DIMENSIONS:
        for year in (2022, 2024, 2026):
            left, right = got.monthly(year, by=by), want.monthly(year, by=by)
            assert left.labels.tolist() == right.labels.tolist(), by
            assert np.array_equal(left.values, right.values), by
    assert len(got) == len(want)


def compare(path: Path, **options: object) -> None:
    """read_csv against read_dispositions + DispositionLedger(...), on the same file."""
    refused: type[StyringskerneError] | None = None
    try:
        expected = read_dispositions(path, **options)  # type: ignore[arg-type]
        want = DispositionLedger(expected.items)
    except SourceError as error:
        refused, message = SourceError, str(error)
    except StyringskerneError as error:
        refused, message = StyringskerneError, str(error)
    if refused is not None:
        with pytest.raises(refused) as raised:
            DispositionLedger.read_csv(path, **options)  # type: ignore[arg-type]
        assert str(raised.value) == message
        return
    for split_by_arrow in (True, False):
        with arrow_split(split_by_arrow):
            result = DispositionLedger.read_csv(path, **options)  # type: ignore[arg-type]
        assert [(e.line, e.column, e.reason) for e in result.errors] == [
            (e.line, e.column, e.reason) for e in expected.errors
        ]
        assert result.loaded_lines == expected.loaded_lines
        same_ledgers(result.ledger, want)
        assert_no_cpr(repr(result))


@contextlib.contextmanager
def arrow_split(allowed: bool) -> Iterator[None]:
    """The columnar reader with pyarrow's splitting of plain texts, or as without pyarrow."""
    if allowed:
        yield
        return
    with mock.patch("styringskerne.io.arrow_split._arrow_csv", return_value=None):
        yield


@given(broken_files())
def test_broken_files_give_the_row_readers_errors_and_ledger(case: tuple[bytes, str]) -> None:
    data, _ = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{PLANTED[0]}.csv"
        path.write_bytes(data)
        compare(path)
        compare(path, prices=PRICES)


@given(
    dispositions=disposition_lists(max_size=8),
    data=st.data(),
    delimiter=st.sampled_from([",", ";"]),
)
def test_written_files_with_junk_read_alike(
    dispositions: list[Disposition], data: st.DataObject, delimiter: str
) -> None:
    """A written file, its rows shuffled (a disposition's rows apart and out of order), with a
    few cells replaced by junk or blanks around them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        write_dispositions(dispositions, path)
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        cells = [row.split(",") for row in rows]
        if cells:
            for _ in range(data.draw(st.integers(0, 3))):
                row = data.draw(st.integers(0, len(cells) - 1))
                column = data.draw(st.integers(0, len(cells[row]) - 1))
                cells[row][column] = data.draw(st.sampled_from(JUNK))
            cells = data.draw(st.permutations(cells))
        if data.draw(st.booleans()):
            cells.append([""] * len(header.split(",")))  # a row of nothing but delimiters
        if cells and data.draw(st.booleans()):  # a row a field short, or a blank line
            cells.insert(
                data.draw(st.integers(0, len(cells))),
                data.draw(st.sampled_from([cells[0][:-1], [], ["   "]])),
            )
        lines = [header.replace(",", delimiter)] + [delimiter.join(row) for row in cells]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        compare(path)


def write(folder: Path, rows: list[str]) -> Path:
    path = folder / "d.csv"
    header = "disposition_id,citizen_id,service,provider,start,end,unit,rate,quantity,probability"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_provider_move_and_an_empty_provider(tmp_path: Path) -> None:
    """31 days at 100 kr. with Bøgely, then 29 days at the same price: an empty provider is
    the disposition's own (Bøgely, 6.000 kr.); another provider is a move (3.100 + 2.900)."""
    year = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    stay = "D1,B-1,SEL108,{},2024-02-01,2024-02-29,day,100.00,,"
    first = "D1,B-1,SEL108,Bøgely,2024-01-01,2024-01-31,day,100.00,,"
    moved = {"Bøgely": "3100.00", "Solhaven": "2900.00"}
    for provider, expected in (("", {"Bøgely": "6000.00"}), ("Solhaven", moved)):
        ledger = DispositionLedger.read_csv(write(tmp_path, [first, stay.format(provider)])).ledger
        assert ledger.cost(*year, by="provider").to_dict() == expected
        assert ledger.cost(*year).to_dict() == {"total": "6000.00"}


def test_one_bad_row_rejects_its_disposition_only(tmp_path: Path) -> None:
    rows = [
        "D1,B-1,SEL108,,2024-01-01,2024-01-31,day,100.00,,",
        "D2,B-2,SEL108,,2024-01-01,2024-01-10,day,50.00,,",
        "D1,B-1,SEL108,,2024-02-30,,day,100.00,,",  # no such day: D1 goes
        ",,,,,,,,,",  # nothing but delimiters: no row
        "D3,B-3,SEL85,,2024-01-01,2024-01-07,week,700.00,6,",
    ]
    result = DispositionLedger.read_csv(write(tmp_path, rows))
    assert [(e.line, e.column) for e in result.errors] == [(2, "disposition_id"), (4, "start")]
    assert result.loaded_lines == (3, 6)
    january = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    # D2: 10 × 50 = 500; D3: 700 × 6 a week for one week = 4.200.
    assert result.ledger.cost(*january).to_dict() == {"total": "4700.00"}
    with pytest.raises(ImportFailedError, match="2 row error"):
        DispositionLedger.from_csv(tmp_path / "d.csv")


def test_rows_out_of_order_and_overlapping(tmp_path: Path) -> None:
    """A disposition's rows may come in any order (the row reader sorts them by start); rows
    that share a day are rejected."""
    rows = [
        "D1,B-1,SEL108,,2024-02-01,,day,200.00,,",
        "D2,B-2,SEL108,,2024-01-01,2024-01-31,day,100.00,,",
        "D1,B-1,SEL108,,2024-01-01,2024-01-31,day,100.00,,",
        "D2,B-2,SEL108,,2024-01-31,,day,100.00,,",
    ]
    result = DispositionLedger.read_csv(write(tmp_path, rows))
    assert {e.line for e in result.errors} == {3, 5}
    assert result.loaded_lines == (2, 4)
    # D1: January 31 × 100 + February 29 × 200 = 3.100 + 5.800.
    ledger = result.ledger
    assert ledger.cost(dt.date(2024, 1, 1), dt.date(2024, 2, 29)).to_dict() == {"total": "8900.00"}


def test_from_csv_reads_danish_exports(tmp_path: Path) -> None:
    """Windows-1252, semicolons, Danish header names and amounts, CPR without a dash."""
    path = tmp_path / "eksport.csv"
    text = (
        "Bevilling;CPR;Ydelse;Leverandør;Startdato;Slutdato;Enhed;Takst;Antal;Sandsynlighed\r\n"
        "D1;0101901234;sel108;Bøgely;01-01-2024;31-01-2024;døgn;1.149,50;;\r\n"
        "D2;010190-1234;SEL85;;01-01-2024;;uge;700,00;6;0,5\r\n"
    )
    path.write_bytes(text.encode("cp1252"))
    ledger = DispositionLedger.from_csv(path)
    january = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    # 31 × 1.149,50 = 35.634,50; 700 × 6 / 7 × 31 × 0,5 = 9.300.
    assert ledger.cost(*january, by="citizen").to_dict() == {"010190-****": "44934.50"}
    assert ledger.cost(*january, by="service").to_dict() == {
        "SEL108": "35634.50",
        "SEL85": "9300.00",
    }


def _recorded(function: Any, returned: list[object], *args: Any, **kwargs: Any) -> Any:
    returned.append(function(*args, **kwargs))
    return returned[-1]


def test_plain_files_are_split_by_arrow_and_others_are_not(tmp_path: Path) -> None:
    """pyarrow splits a file without quotes whose every line has the header's width; a
    blank line, a short line or a quote leaves the file to the reader's own splitting."""
    from styringskerne.io import arrow_split

    good = ["D1,B-1,SEL108,,2024-01-01,2024-01-31,day,100.00,,"]
    cases = {
        "plain": (good, True),
        "blank line": ([*good, "", *good], False),
        "short line": ([*good, "D2,B-2,SEL108"], False),
        "quotes": ([*good, 'D2,"B-2",SEL108,,2024-01-01,,day,1.00,,'], None),
    }
    for name, (rows, split) in cases.items():
        path = write(tmp_path, rows)
        returned: list[object] = []
        spy = functools.partial(_recorded, arrow_split.split_plain_text, returned)
        with mock.patch("styringskerne.io.columnar.split_plain_text", new=spy):
            DispositionLedger.read_csv(path)
        if split is None:
            assert not returned, name
        else:
            assert [value is not None for value in returned] == [split], name
        compare(path)


@pytest.mark.parametrize(
    "row",
    [
        " D1 , B-1 ,SEL108, Bøgely ,2024-01-01, 2024-01-31 ,day, 100.00 ,,",  # blanks around
        "D1,B-1,SEL108,\u00a0Bøgely\u2003,2024-01-01,2024-01-31,day,100.00,,",  # other spaces
        "D1,B-1,SEL108,Bøgely,2024-01-01,2024-01-31,day,100.00,,\x1f",  # a separator char
        "D1,B-1,SEL108," + "x" * 100_001 + ",2024-01-01,2024-01-31,day,100.00,,",  # too long
        "D1,B-1,SEL108," + "x" * 140_000 + ",2024-01-01,2024-01-31,day,100.00,,",  # beyond csv
    ],
)
def test_split_fields_are_stripped_and_measured_as_the_row_reader_does(
    tmp_path: Path, row: str
) -> None:
    other = "D2,B-2,SEL108,Solhaven,2024-01-01,2024-01-10,day,50.00,,"
    compare(write(tmp_path, [row, other, other.replace("D2", "D3")]))
