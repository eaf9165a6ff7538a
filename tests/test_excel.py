"""Excel workbooks out and in (issue "What controllers and notebook users see" § 1).

Every sheet is read back with openpyxl and every cell compared with the in-memory result to the
øre; the sheets follow *Figur 6.1* (ledger columns), *Boks 6.1/6.2* (change per sub-area and
citizen) and *Boks 7.2* (the quarterly key figures), seed 003.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money, StyringskerneError
from styringskerne.budget.frame import SteeringAssumption
from styringskerne.budget.variance import volume_price_variance
from styringskerne.cli import main
from styringskerne.examples import example_month
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.forecast.shadow import shadow_budgets
from styringskerne.io.csv import read_budget, read_dispositions, write_dispositions
from styringskerne.io.excel import (
    KRONER_FORMAT,
    MAX_EXCEL_ORE,
    Sheet,
    workbook_sheets,
    write_sheets,
    write_workbook,
)
from styringskerne.kpi.reports import quarterly_report
from styringskerne.ledger.refund import RefundRule, RefundThresholds

AS_OF = dt.date(2026, 11, 30)
# The 2022 level (serviceloven § 176 as amended) stands in for 2026 in these tests.
RULE = RefundRule(
    thresholds=RefundThresholds(
        year=2026, thresholds=("860000", "1680000", "2120000"), source="2022 level, for tests"
    )
)


def _read_back(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _same(written: object, read: object) -> bool:
    """A cell as written against what Excel holds: money to the øre, shares and decimals as
    numbers, empty text as an empty cell."""
    if isinstance(written, Money):
        return isinstance(read, int | float) and round(read * 100) == written.ore
    if isinstance(written, Fraction | Decimal):
        return read == pytest.approx(float(written))
    if isinstance(written, dt.date):
        return isinstance(read, dt.datetime) and read.date() == written
    if written in ("", None):
        return read is None
    return read == written


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    month = example_month(AS_OF)
    forecast = make_forecast(month.current, budget=month.budget, refund=RULE)
    assumptions = [
        SteeringAssumption(sub_area="5.38.50", service="*", citizens=30, average_price="900000")
    ]
    return {
        "ledger": month.current.ledger.as_of(AS_OF),
        "forecast": forecast,
        "change": explain_change(month.previous, month.current, year=2026, refund=RULE),
        "shadow": shadow_budgets(month.current, years=2),
        "variance": volume_price_variance(forecast, month.current.ledger, assumptions),
        "reports": (quarterly_report(forecast, month.current.ledger),),
    }


def test_every_cell_reads_back_as_written(results: dict[str, Any], tmp_path: Path) -> None:
    sheets = workbook_sheets(**results)
    read = _read_back(write_workbook(tmp_path / "month.xlsx", **results))
    assert list(read) == [sheet.name for sheet in sheets]
    for sheet in sheets:
        rows = read[sheet.name]
        assert rows[0][0] == sheet.title
        assert rows[1][: len(sheet.columns)] == sheet.columns
        for written, back in zip(sheet.rows, rows[2:], strict=False):
            mismatched = [
                (column, cell, value)
                for column, cell, value in zip(sheet.columns, written, back, strict=False)
                if not _same(cell, value)
            ]
            assert mismatched == [], (sheet.name, written[0])
        notes = [row[0] for row in rows[2 + len(sheet.rows) :] if row and row[0]]
        assert notes == list(sheet.notes)


def test_the_sheets_hold_the_results_figures(results: dict[str, Any], tmp_path: Path) -> None:
    """Against the results themselves, not the sheets: ledger, forecast, refund, change."""
    read = _read_back(write_workbook(tmp_path / "month.xlsx", **results))
    by_account = {row[0]: row for row in read["Ledger by account"][2:] if row[0]}
    for account, row in results["ledger"].by_account.items():
        kroner = by_account[account][1:5]
        expected = (row.booked_to_date, row.computed_to_date, row.disposed_rest_of_year,
                    row.computed_to_date + row.disposed_rest_of_year)  # fmt: skip
        assert [round(value * 100) for value in kroner] == [money.ore for money in expected]
    total = by_account["Total"]
    assert round(total[4] * 100) == results["ledger"].total.expected.ore
    forecast = results["forecast"]
    sub_areas = {row[0]: row for row in read["Forecast 2026"][2:] if row[0]}
    for name, amount in forecast.expected.items():
        assert round(sub_areas[name][2] * 100) == amount.ore
        assert round(sub_areas[name][4] * 100) == forecast.refund.get(name, Money(0)).ore
    assert round(sub_areas["Total"][5] * 100) == forecast.total_net.ore
    refund = {row[0]: row[1] for row in read["Refund by sub-area 2026"][2:] if row[0]}
    assert round(refund["Total"] * 100) == forecast.total_refund.ore
    change = [row for row in read["Change"][2:] if row[0] == "Total"]
    assert round(change[0][4] * 100) == results["change"].total_change.ore
    assert "Shadow budget 2027" in read
    assert "Shadow budget 2028" in read


def test_format_frozen_header_and_widths(results: dict[str, Any], tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "ledger.xlsx", ledger=results["ledger"])
    sheet = openpyxl.load_workbook(path)["Ledger by account"]
    assert sheet.freeze_panes == "B3"
    assert sheet["B3"].number_format == KRONER_FORMAT  # Danish Excel shows 1.234,56
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width >= len("Booked to date")


def test_cpr_numbers_are_masked_unless_asked(tmp_path: Path) -> None:
    ledger = DispositionLedger([
        Disposition.at_rate(id="D-0101901234", citizen_id="0101901234", service="SEL108",
                            rate="1000", unit="day", start=dt.date(2026, 1, 1)),
    ])  # fmt: skip
    status = ledger.as_of(AS_OF)
    forecast = make_forecast(Snapshot(as_of=AS_OF, ledger=ledger), refund=RULE)
    masked = write_workbook(tmp_path / "masked.xlsx", ledger=status, forecast=forecast)
    text = json.dumps(_read_back(masked), default=str)
    assert "1234" not in text
    assert "010190-****" in text
    shown = write_workbook(tmp_path / "shown.xlsx", ledger=status, show_cpr=True)
    assert "010190-1234" in json.dumps(_read_back(shown), default=str)


def test_amounts_excel_cannot_keep_are_refused(tmp_path: Path) -> None:
    sheet = Sheet(name="Big", title="t", columns=("a", "b"),
                  rows=[("x", Money(MAX_EXCEL_ORE)), ("y", Money(MAX_EXCEL_ORE + 1))])  # fmt: skip
    with pytest.raises(StyringskerneError, match=r"sheet 'Big', row 4, b: .* 15 digits"):
        write_sheets(tmp_path / "big.xlsx", [sheet])
    with pytest.raises(StyringskerneError, match="at least one result"):
        write_workbook(tmp_path / "empty.xlsx")
    with pytest.raises(StyringskerneError, match="row 1 has 1 cells, not 2"):
        Sheet(name="x", title="t", columns=("a", "b"), rows=[("only",)])


@given(st.lists(st.integers(-MAX_EXCEL_ORE, MAX_EXCEL_ORE), min_size=1, max_size=40))
def test_any_amount_up_to_fifteen_digits_reads_back_to_the_ore(amounts: list[int]) -> None:
    import tempfile

    sheet = Sheet(name="Amounts", title="t", columns=("n", "amount"),
                  rows=[(str(i), Money(ore)) for i, ore in enumerate(amounts)])  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        read = _read_back(write_sheets(Path(folder) / "a.xlsx", [sheet]))
    assert [round(row[1] * 100) for row in read["Amounts"][2:]] == amounts


def test_sheet_names_excel_accepts(tmp_path: Path) -> None:
    sheets = [
        Sheet(name="Key figures 2026-11-30 [kr.]: a very long title", title="t", columns=("a",),
              rows=[]),
        Sheet(name="key figures 2026-11-30 [kr.]: a very long title", title="t", columns=("a",),
              rows=[]),
    ]  # fmt: skip
    names = list(_read_back(write_sheets(tmp_path / "names.xlsx", sheets)))
    assert names[0] == "Key figures 2026-11-30 -kr.-- a"
    assert names[1].endswith(" (2)")
    assert all(len(name) <= 31 for name in names)


def test_a_budget_and_dispositions_read_from_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Konto", "Budget"])
    sheet.append(["5.38.50", 1234567.5])
    sheet.append([])  # a blank row holds no row
    sheet.append(["5.38.39", 100.125])  # not whole øre: reported
    sheet.append(["5.38.42", "1.000,50"])  # text in the Danish form
    sheet.append(["5.38.44", True, None, "x"])
    book.save(tmp_path / "budget.xlsx")
    result = read_budget(tmp_path / "budget.xlsx")
    assert result.items == (("5.38.50", Money(123456750)), ("5.38.42", Money(100050)))
    assert result.loaded_lines == (2, 5)
    assert [(error.line, error.column) for error in result.errors] == [(4, "budget"), (6, "")]
    assert "at most two decimals" in result.errors[0].reason

    # Dispositions from a workbook load as from the same rows in CSV, dates as date cells.
    dispositions = [
        Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108", rate="1.149,00",
                            unit="day", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)),
    ]  # fmt: skip
    write_dispositions(dispositions, tmp_path / "d.csv")
    rows = (tmp_path / "d.csv").read_text(encoding="utf-8").splitlines()
    book = openpyxl.Workbook()
    sheet = book.active
    header = rows[0].split(",")
    sheet.append(header)
    for line in rows[1:]:
        cells: list[object] = []
        for name, text in zip(header, line.split(","), strict=True):
            if name in ("start", "end") and text:
                cells.append(dt.datetime.fromisoformat(text))
            elif name == "rate":
                cells.append(float(text))
            else:
                cells.append(text or None)
        sheet.append(cells)
    book.save(tmp_path / "d.xlsx")
    assert (
        read_dispositions(tmp_path / "d.xlsx").items == read_dispositions(tmp_path / "d.csv").items
    )


def test_a_damaged_workbook_is_one_clear_error(tmp_path: Path) -> None:
    from styringskerne import SourceError

    path = tmp_path / "0101901234.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip archive")
    with pytest.raises(SourceError, match=r"cannot be read as \.xlsx") as caught:
        read_budget(path)
    assert "1234" not in str(caught.value)


def test_the_commands_write_workbooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = tmp_path / "in.csv"
    files.write_text(
        "disposition_id,citizen_id,service,account,provider,start,end,unit,rate,quantity,"
        "probability\nD1,0101901234,SEL108,,,2026-01-01,,day,3000,,\n",
        encoding="utf-8",
    )
    budget = tmp_path / "budget.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["account", "budget"])
    book.active.append(["5.38.50", 1_000_000])
    book.save(budget)
    out = tmp_path / "ledger.xlsx"
    common = ["--dispositions", str(files), "--as-of", "2026-11-30",
              "--refund-thresholds", "860000/1680000/2120000"]  # fmt: skip
    assert main(["ledger", *common, "--format", "xlsx", "--out", str(out)]) == 0
    read = _read_back(out)
    assert list(read) == ["Ledger by account", "Ledger by citizen", "Ledger by disposition",
                          "Dispositions", "Refund 2026", "Refund by sub-area 2026"]  # fmt: skip
    disposition = read["Dispositions"][2]
    assert disposition[:3] == ("D1", "010190-****", "SEL108")
    assert disposition[6:8] == ("day", 3000)  # Figur 6.1's takst, in force on the as-of date
    # 1 January to 30 November 2026: 334 days × 3.000 kr.
    assert round(read["Ledger by account"][2][2] * 100) == 334 * 300_000
    assert "1234" not in json.dumps(read, default=str)
    out = tmp_path / "forecast.xlsx"
    arguments = ["prognose", *common, "--budget", str(budget), "--format", "xlsx"]
    assert main([*arguments, "--out", str(out)]) == 0
    forecast = _read_back(out)["Forecast 2026"]
    assert forecast[2][:2] == ("5.38.50", 1_000_000)
    capsys.readouterr()
    assert main(arguments) == 2
    assert "--format xlsx writes a workbook file: give --out" in capsys.readouterr().err


def test_text_is_never_a_formula(tmp_path: Path) -> None:
    """A hostile id from an export cannot become a formula in the controller's Excel."""
    ledger = DispositionLedger([
        Disposition.at_rate(id='=HYPERLINK("http://x","y")', citizen_id="=1+1",
                            service="SEL108", rate="1000", unit="day", start=dt.date(2026, 1, 1),
                            provider="Bo\x00sted"),
    ])  # fmt: skip
    path = write_workbook(tmp_path / "hostile.xlsx", ledger=ledger.as_of(AS_OF))
    book = openpyxl.load_workbook(path)
    cells = [book["Ledger by citizen"]["A3"], book["Ledger by disposition"]["A3"]]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ("=1+1", "s"),
        ('=HYPERLINK("http://x","y")', "s"),
    ]
