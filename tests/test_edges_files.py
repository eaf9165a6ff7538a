"""Files as municipal systems export them: encodings, delimiters, line endings, broken quotes,
Danish headers and a user's own column names. Every row is loaded or reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from styringskerne import DispositionLedger, Money, SourceError
from styringskerne.io.csv import read_actuals, read_budget, read_dispositions
from styringskerne.io.source import MAX_FIELD_CHARACTERS, load_column_mapping

HEADER = (
    "disposition_id;citizen_id;service;account;provider;start;end;unit;rate;quantity;probability"
)
ROW = "D1;B-1;SEL108;;Bøgely;2024-01-01;;day;1.149,00;;"
DANISH = "Bevilling;CPR;Ydelse;Konto;Leverandør;Startdato;Slutdato;Enhed;Takst;Mængde;Sandsynlighed"


def write(tmp_path: Path, data: bytes, name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def accounted_for(result: object, lines: set[int]) -> bool:
    """Every data line is loaded or named by an error."""
    loaded = set(getattr(result, "loaded_lines", ()))
    reported = {error.line for error in getattr(result, "errors", ())}
    return lines <= loaded | reported


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"], ids=lambda e: f"encoding {e}"
)
def test_encodings_danish_excel_saves(tmp_path: Path, encoding: str) -> None:
    text = f"{DANISH}\r\nD1;0101901234;sel108;;Bøgely;01-01-2024;;døgn;1.149,00;;\r\n"
    result = read_dispositions(write(tmp_path, text.encode(encoding)))
    (disposition,) = result.items
    assert disposition.provider == "Bøgely"
    assert disposition.service == "SEL108"  # codes are matched without regard to case
    assert disposition.citizen_id == "010190-1234"
    assert disposition.segments[0].rate == Money.of("1149")


def test_an_explicit_encoding_wins_and_a_bad_byte_names_its_line(tmp_path: Path) -> None:
    data = f"{HEADER}\n{ROW}\nD2;B-2;SEL108;;Bøgely;2024-01-01;;day;1,00;;\n".encode("cp1252")
    with pytest.raises(SourceError, match=r"line 2: byte 0xf8 is not text in utf-8"):
        read_dispositions(write(tmp_path, data), encoding="utf-8")
    undefined = f"{HEADER}\n{ROW}\n".encode() + b"D2;B-2;SEL108;;\x81;2024-01-01;;day;1,00;;\n"
    with pytest.raises(SourceError, match=r"line 3: byte 0x81 is not text in utf-8 or cp1252"):
        read_dispositions(write(tmp_path, undefined))
    with pytest.raises(SourceError, match="unknown encoding 'klingon'"):
        read_dispositions(write(tmp_path, data), encoding="klingon")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR only"])
@pytest.mark.parametrize(
    "delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "bar"]
)
def test_delimiters_and_line_endings(tmp_path: Path, newline: str, delimiter: str) -> None:
    rows = [
        HEADER,
        "D1;B-1;SEL108;;;2024-01-01;;day;1149.00;;",
        "",
        "D2;B-2;SEL85;;;2024-01-01;;week;520;6;",
    ]
    text = newline.join(row.replace(";", delimiter) for row in rows) + newline
    result = read_dispositions(write(tmp_path, text.encode()))
    assert [d.id for d in result.items] == ["D1", "D2"]
    assert result.loaded_lines == (2, 4)


def test_an_unclosed_quote_is_reported_where_its_record_starts(tmp_path: Path) -> None:
    rows = [HEADER, ROW, 'D2;B-2;SEL108;;"Bøgely;2024-01-01;;day;1,00;;', ROW.replace("D1", "D3")]
    result = read_dispositions(write(tmp_path, "\n".join(rows).encode()))
    assert [d.id for d in result.items] == ["D1"]
    (error,) = result.errors
    assert error.line == 3
    assert "never closed; lines 3-4" in error.reason
    assert accounted_for(result, {2, 3})


def test_a_line_break_inside_quotes_is_reported(tmp_path: Path) -> None:
    rows = [HEADER, 'D1;B-1;SEL108;;"Bø\ngely";2024-01-01;;day;1,00;;', ROW.replace("D1", "D3")]
    result = read_dispositions(write(tmp_path, "\n".join(rows).encode()))
    assert [d.id for d in result.items] == ["D3"]
    assert "spans lines 2-3" in result.errors[0].reason


def test_an_overlong_field_is_a_row_error(tmp_path: Path) -> None:
    long = "x" * (MAX_FIELD_CHARACTERS + 1)
    huge = "y" * 200_000  # beyond the csv module's own limit too
    rows = [
        HEADER,
        ROW.replace("Bøgely", long),
        ROW.replace("D1", "D2").replace("Bøgely", huge),
        ROW.replace("D1", "D3"),
    ]
    result = read_dispositions(write(tmp_path, "\n".join(rows).encode()))
    assert [d.id for d in result.items] == ["D3"]
    assert {e.line for e in result.errors} == {2, 3}


@pytest.mark.parametrize("value", ["inf", "NaN", "-inf", "1e309", "9" * 30])
@pytest.mark.parametrize("column", ["rate", "quantity", "probability", "start"])
def test_non_numbers_and_huge_values_are_row_errors(
    tmp_path: Path, column: str, value: str
) -> None:
    fields = dict(zip(HEADER.split(";"), ROW.split(";"), strict=True))
    fields[column] = value
    text = f"{HEADER}\n{';'.join(fields.values())}\n"
    result = read_dispositions(write(tmp_path, text.encode()))
    assert result.items == ()
    assert [(e.line, e.column) for e in result.errors] == [(2, column)]


def test_a_repeated_column_is_an_error_naming_it(tmp_path: Path) -> None:
    text = HEADER + ";Borger\n" + ROW + ";B-1\n"
    error, rows = read_dispositions(write(tmp_path, text.encode())).errors
    assert error.line == 1
    assert "column 'citizen_id' appears twice (header fields 2 and 12)" in error.reason
    assert rows.reason == "the header is wrong, so no data was read: lines 2-2 not loaded"


def test_your_own_column_names(tmp_path: Path) -> None:
    own = HEADER.replace("citizen_id", "Personnr").replace("rate", "Døgntakst")
    path = write(tmp_path, f"{own}\n{ROW}\n".encode())
    mapping_file = write(
        tmp_path, '[columns]\n"Personnr" = "citizen_id"\n"døgntakst" = "rate"\n'.encode(), "m.toml"
    )
    mapping = load_column_mapping(mapping_file)
    (disposition,) = read_dispositions(path, columns=mapping).items
    assert disposition.segments[0].rate == Money.of("1149")
    unknown = read_dispositions(path).errors[0].reason
    assert "unknown column(s) 'personnr'" in unknown
    with pytest.raises(SourceError, match=r"needs a \[columns\] table"):
        load_column_mapping(write(tmp_path, b'columns = "x"\n', "bad.toml"))


def test_danish_actuals_and_budget(tmp_path: Path) -> None:
    actuals = write(
        tmp_path,
        "CPR;Konto;Dato;Beløb\r\n010190 1234;5.38.50;31-01-2024;35.619,00-\r\n".encode("cp1252"),
        "a.csv",
    )
    (posting,) = read_actuals(actuals).items
    assert (posting.citizen_id, posting.date, posting.amount) == (
        "010190-1234",
        dt.date(2024, 1, 31),
        Money.of("-35619"),
    )
    budget = write(tmp_path, b"Konto\tBudget\n5.38.50\t(1.000,00)\n", "b.csv")
    assert read_budget(budget).items == (("5.38.50", Money.of("-1000")),)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: tmp / "missing.csv", "no such file"),
        (lambda tmp: tmp, "is a folder, not a file"),
        (lambda tmp: tmp / "0101901234.csv", "no such file"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(tmp_path: Path, make: object, says: str) -> None:
    assert callable(make)
    with pytest.raises(SourceError, match=says) as caught:
        read_dispositions(make(tmp_path))
    assert "1234" not in str(caught.value)


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    assert "empty" in read_dispositions(write(tmp_path, b"")).errors[0].reason
    result = read_dispositions(write(tmp_path, (HEADER + "\n").encode()))
    assert result.items == ()
    assert result.errors == ()


def test_account_and_provider_may_be_left_out_of_the_header(tmp_path: Path) -> None:
    """An export without Konto and Leverandør loads (the catalogue gives the account); one
    without an end date column is refused, as leaving it out would make every case open."""
    short = "Bevilling;CPR;Ydelse;Startdato;Slutdato;Enhed;Takst;Mængde;Sandsynlighed\r\n"
    row = "D1;B-1;SEL108;01-01-2026;;døgn;1.149,50;;\r\n"
    loaded = read_dispositions(write(tmp_path, (short + row).encode("cp1252")))
    assert loaded.errors == ()
    ledger = DispositionLedger(loaded.items)
    assert list(ledger.as_of(dt.date(2026, 1, 31)).by_account) == ["5.38.50"]
    assert loaded.items[0].provider is None
    no_end = short.replace("Slutdato;", "")
    refused = read_dispositions(write(tmp_path, (no_end + row.replace(";;døgn", ";døgn")).encode(
        "cp1252"), "e.csv"))  # fmt: skip
    assert refused.items == ()
    assert "missing column(s) end" in refused.errors[0].reason
