"""Every kind of cell a report holds, in each of its forms, worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.money import Money
from styringskerne.kpi.reports import Report

ROW = ("Bøgely", Money(123_456), Fraction(1, 8), Decimal("2.5"), dt.date(2024, 3, 1), None,
       True, 7)  # fmt: skip
COLUMNS = ("Provider", "Spend", "Share", "Hours", "From", "Note", "Open", "Places")


def test_each_kind_of_cell_in_text_dict_and_columns() -> None:
    report = Report(title="Cells", columns=COLUMNS, rows=[ROW])
    # title, header, rule, then the row; the empty cell leaves only spaces
    assert report.to_text().splitlines()[3].split() == [
        "Bøgely",
        "1.234,56",
        "12,5%",
        "2,5",
        "2024-03-01",
        "True",
        "7",
    ]  # fmt: skip  (the empty cell leaves only spaces)
    assert report.to_dict()["rows"] == [
        ["Bøgely", "1234.56", "1/8", "2.5", "2024-03-01", None, True, 7]
    ]
    long = report.to_columns()
    assert long["measure"] == ["spend", "share", "hours", "from", "note", "open", "places"]
    assert long["amount_ore"] == [123_456, None, None, None, None, None, None]
    assert long["number"] == [None, 0.125, 2.5, None, None, None, 7]
    assert long["text"] == [None, None, None, "2024-03-01", None, "True", None]
    wide = report.to_columns(wide=True)
    assert wide["spend_ore"] == [123_456]
    assert wide["share"] == [0.125]
    assert wide["provider"] == ["Bøgely"]


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(StyringskerneError) as error:
        Report(title="Short", columns=COLUMNS, rows=[ROW[:3]])
    assert str(error.value) == "report 'Short': a row has 3 cells, not 8"
