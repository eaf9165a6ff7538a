"""Fuzzing what the library accepts: broken files and frames built by hypothesis.

For every input: no exception escapes but the documented file-level :class:`SourceError`, every
data row is loaded or reported, and no CPR number planted in the input is printed whole.
Run with ``HYPOTHESIS_PROFILE=thorough`` for 1.000 examples each.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from styringskerne import SourceError
from styringskerne.io.csv import DISPOSITION_COLUMNS, read_actuals, read_budget, read_dispositions
from styringskerne.io.prices import read_price_list
from styringskerne.tariffs.pricelist import PriceList

PLANTED = ("0101907391", "2512638462")
"""CPR numbers hidden in the inputs; their serial numbers must never be printed."""
SPELLINGS = ("{d}{s}", "{d}-{s}", "{d} {s}", "{d}–{s}", "CPR {d}{s}")


def spelled(cpr: str, form: str) -> str:
    return form.format(d=cpr[:6], s=cpr[6:])


def assert_no_cpr(text: str) -> None:
    """No planted number in any spelling: its date, at most a blank, a dash and control
    characters, then its serial."""
    for cpr in PLANTED:
        spelling = rf"(?<!\d){cpr[:6]}[ \u00a0\x00-\x1f]?[-–]?[ \u00a0\x00-\x1f]?{cpr[6:]}(?!\d)"
        assert re.search(spelling, text) is None, text


VALID_FIELDS = {
    "disposition_id": st.sampled_from(["D1", "D2", "D3", f"D-{PLANTED[0]}"]),
    "citizen_id": st.sampled_from([spelled(c, f) for c in PLANTED for f in SPELLINGS] + ["B-1"]),
    "service": st.sampled_from(["SEL108", "sel85", "SEL107", "XYZ"]),
    "account": st.sampled_from(["", "5.38.50", "5238501234"]),
    "provider": st.sampled_from(["", "Bøgely", f"Bosted {PLANTED[1]}"]),
    "start": st.sampled_from(["2024-01-01", "01-02-2024", "2024-02-30"]),
    "end": st.sampled_from(["", "2024-12-31", "2023-01-01"]),
    "unit": st.sampled_from(["day", "week", "month", "once", "døgn", "hour"]),
    "rate": st.sampled_from(["1.149,00", "1149.5", "-100", "(5,00)", "1e3", "inf", "9" * 25, ""]),
    "quantity": st.sampled_from(["", "6", "0,5", "1/3", "NaN", "-1"]),
    "probability": st.sampled_from(["", "1", "1/2", "2", "0.25"]),
    "status": st.sampled_from(["", "granted", "forventet", "ended", "ukendt"]),
}
PRICES = PriceList.from_rows([
    ("Bøgely", "SEL108", dt.date(2024, 1, 1), "day", "1.149,00"),
    ("", "SEL85", dt.date(2024, 1, 1), "week", "520"),
])  # fmt: skip
JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(['"', '""', '"abc', "\r", "\n", "\x00", "²", "١", "x" * 140_000]),
)


@st.composite
def broken_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """A dispositions file with a damaged header, rows, quotes, line endings or bytes."""
    header = list(DISPOSITION_COLUMNS)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header.append(draw(st.sampled_from([*header, "cpr", "borger", "konto"])))
    if draw(st.integers(0, 6)) == 0:
        header.remove(draw(st.sampled_from(header)))
    if draw(st.integers(0, 3)) == 0:
        header.append("status")
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        fields = [
            draw(VALID_FIELDS[name]) if name in VALID_FIELDS else draw(JUNK) for name in header
        ]
        for _ in range(draw(st.integers(0, 2))):
            fields[draw(st.integers(0, len(fields) - 1))] = draw(JUNK)
        if draw(st.integers(0, 5)) == 0:
            fields = fields[: draw(st.integers(0, len(fields)))]
        rows.append(delimiter.join(fields))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join([delimiter.join(header), *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if encoding != "utf-16" and draw(st.integers(0, 4)) == 0:
        position = draw(st.integers(0, len(data)))
        data = data[:position] + draw(st.binary(max_size=4)) + data[position:]
    return data, encoding


def physical_lines(data: bytes, encoding: str) -> list[str]:
    text = data.decode(encoding, errors="replace").removeprefix("\ufeff")
    return re.split(r"\r\n|\r|\n", text)


def accounted(lines: list[str], loaded: tuple[int, ...], errors: tuple[Any, ...]) -> None:
    """Every non-blank line after the header is loaded or named by an error (or a range)."""
    covered = set(loaded)
    for error in errors:
        covered.add(error.line)
        span = re.search(r"lines (\d+)-(\d+)", error.reason)
        if span:
            covered.update(range(int(span.group(1)), int(span.group(2)) + 1))
    missing = [
        number
        for number, line in enumerate(lines, start=1)
        # a line of nothing but delimiters, quotes and blanks holds no row
        if number > 1 and re.sub(r'[\s,;|"]', "", line) and number not in covered
    ]
    assert missing == [], (missing, errors)


@given(broken_files())
def test_broken_dispositions_files_are_loaded_or_reported(case: tuple[bytes, str]) -> None:
    data, encoding = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{PLANTED[0]}.csv"
        path.write_bytes(data)
        try:
            result = read_dispositions(path)
        except SourceError as error:  # not text at all: the one file-level error
            message = str(error)
            result = None
    if result is None:
        # Bytes that begin as a zip archive (a workbook) and are not one are refused as such.
        assert "not text" in message or "cannot be read as .xlsx" in message
        assert_no_cpr(message)
        return
    accounted(physical_lines(data, encoding), result.loaded_lines, result.errors)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.csv"
        path.write_bytes(data)
        priced = read_dispositions(path, prices=PRICES)
    accounted(physical_lines(data, encoding), priced.loaded_lines, priced.errors)
    assert_no_cpr("\n".join(str(error) for error in priced.errors))
    assert_no_cpr("\n".join(str(error) for error in result.errors))
    assert_no_cpr(repr(result))
    for disposition in result.items:
        assert_no_cpr(repr(disposition))


@given(broken_files())
def test_broken_actuals_and_budgets_are_loaded_or_reported(case: tuple[bytes, str]) -> None:
    data, encoding = case
    # The same damage in the other two file kinds: only their header differs.
    for reader, header in (
        (read_actuals, "citizen_id;account;date;amount"),
        (read_actuals, "cpr;konto;dato;beløb;bevilling;leverandør"),
        (read_budget, "account;budget"),
        (read_price_list, "leverandør;ydelse;gyldig_fra;enhed;takst"),
    ):
        lines = physical_lines(data, encoding)
        text = "\n".join([header, *lines[1:]])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "file.csv"
            path.write_text(text, encoding="utf-8")
            result = reader(path)
        accounted(re.split(r"\r\n|\r|\n", text), result.loaded_lines, result.errors)
        assert_no_cpr("\n".join(str(error) for error in result.errors))


CELLS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.text(max_size=10),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, dt.UTC])),
    st.sampled_from([spelled(c, f) for c in PLANTED for f in SPELLINGS]),
    st.lists(st.integers(), max_size=2),
)


@st.composite
def broken_frames(draw: st.DrawFn) -> Any:
    import pandas as pd

    names = list(DISPOSITION_COLUMNS)
    if draw(st.booleans()):
        names = draw(st.permutations(names))
    if draw(st.integers(0, 3)) == 0:
        names.append(draw(st.sampled_from([*names, "rate_ore", "cpr", "Ydelse"])))
    size = draw(st.integers(0, 5))
    columns = []
    for name in names:
        valid = VALID_FIELDS.get(name)
        cell = st.one_of(valid, CELLS) if valid is not None else CELLS
        columns.append([draw(cell) for _ in range(size)])
    frame = pd.DataFrame(dict(enumerate(columns)), index=range(size))
    frame.columns = names
    return frame


@given(broken_frames())
def test_broken_frames_are_loaded_or_reported(frame: Any) -> None:
    from styringskerne.io.frames import dispositions_from_arrow, dispositions_from_pandas

    result = dispositions_from_pandas(frame)
    rows = set(range(1, len(frame) + 1))
    covered = set(result.loaded_lines) | {error.line for error in result.errors}
    for error in result.errors:
        span = re.search(r"rows (\d+)-(\d+)", error.reason)
        if span:
            covered.update(range(int(span.group(1)), int(span.group(2)) + 1))
    assert rows <= covered
    assert_no_cpr("\n".join(str(error) for error in result.errors))
    assert_no_cpr(repr(result))
    try:
        import pyarrow as pa

        table = pa.Table.from_pandas(frame.astype(str), preserve_index=False)
    except (ImportError, ValueError):  # arrow refuses duplicate names in from_pandas
        return
    arrow = dispositions_from_arrow(table)
    assert_no_cpr("\n".join(str(error) for error in arrow.errors))


WORKBOOK_CELLS = st.one_of(
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=10),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
    st.sampled_from([spelled(c, f) for c in PLANTED for f in SPELLINGS]),
)


@st.composite
def broken_workbooks(draw: st.DrawFn) -> tuple[bytes, list[int]]:
    """A dispositions workbook with a damaged header, typed cells of every kind, blank and long
    rows, or cut short; with the numbers of the rows that hold something."""
    import io

    import openpyxl

    header: list[object] = list(DISPOSITION_COLUMNS)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header.append(draw(st.sampled_from([*header, "cpr", None, 7])))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    filled = []
    for number in range(2, 2 + draw(st.integers(0, 6))):
        cells = []
        for name in header:
            valid = VALID_FIELDS.get(str(name))
            strategy = WORKBOOK_CELLS if valid is None else st.one_of(valid, WORKBOOK_CELLS)
            cells.append(draw(strategy))
        if draw(st.integers(0, 5)) == 0:
            cells.append(draw(WORKBOOK_CELLS))
        if draw(st.integers(0, 5)) == 0:
            cells = []
        sheet.append(cells)
        if any(c is not None and not (isinstance(c, str) and not c.strip()) for c in cells):
            filled.append(number)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if draw(st.integers(0, 5)) == 0:
        # A share of the length: the bytes differ from run to run (the file's timestamps).
        data = data[: 4 + (len(data) - 5) * draw(st.integers(0, 999)) // 1000]
        filled = []
    return data, filled


@given(broken_workbooks())
def test_broken_workbooks_are_loaded_or_reported(case: tuple[bytes, list[int]]) -> None:
    data, filled = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{PLANTED[0]}.xlsx"
        path.write_bytes(data)
        try:
            result = read_dispositions(path)
        except SourceError as error:  # a workbook cut short: the one file-level error
            message = str(error)
            result = None
    if result is None:
        assert "cannot be read as .xlsx" in message
        assert_no_cpr(message)
        return
    covered = set(result.loaded_lines)
    for error in result.errors:
        covered.add(error.line)
        span = re.search(r"rows (\d+)-(\d+)", error.reason)
        if span:
            covered.update(range(int(span.group(1)), int(span.group(2)) + 1))
    assert set(filled) <= covered, (filled, result.errors)
    assert_no_cpr("\n".join(str(error) for error in result.errors))
    assert_no_cpr(repr(result))
