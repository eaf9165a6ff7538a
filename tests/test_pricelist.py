"""Central price lists: dispositions priced by the list, repricing, and the change shown as
``price`` per citizen (issue "Money flows" § 5). Amounts are days × rate by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import (
    Disposition,
    DispositionLedger,
    ImportFailedError,
    Money,
    Snapshot,
    StyringskerneError,
    explain_change,
)
from styringskerne.cli import main
from styringskerne.dispositions import probability_for_status
from styringskerne.io.csv import read_dispositions, write_dispositions
from styringskerne.io.prices import load_price_list
from styringskerne.tariffs.pricelist import PriceList

D = dt.date
PRICES = PriceList.from_rows([
    ("Bostedet", "SEL108", D(2026, 1, 1), "day", "1.000,00"),
    ("", "SEL85", D(2026, 1, 1), "week", "520,00"),
])  # fmt: skip


def test_a_disposition_takes_the_lists_price_for_its_provider_and_service() -> None:
    stay = PRICES.disposition(id="D1", citizen_id="B-1", service="SEL108", provider="Bostedet",
                              start=D(2026, 3, 1))  # fmt: skip
    assert stay.list_priced
    assert [str(s.rate) for s in stay.segments] == ["1.000,00 kr."]
    # § 85 has one price at every provider: the entry without a provider.
    support = PRICES.disposition(id="D2", citizen_id="B-2", service="SEL85", provider="Egen",
                                 start=D(2026, 3, 1), quantity=6)  # fmt: skip
    assert (support.segments[0].unit.value, str(support.segments[0].rate)) == ("week", "520,00 kr.")
    with pytest.raises(StyringskerneError, match="no price for provider 'Andet' and service"):
        PRICES.disposition(id="D3", citizen_id="B-3", service="SEL108", provider="Andet",
                           start=D(2026, 3, 1))  # fmt: skip
    with pytest.raises(StyringskerneError, match="no price on 2025-12-31"):
        PRICES.disposition(id="D4", citizen_id="B-3", service="SEL108", provider="Bostedet",
                           start=D(2025, 12, 31))  # fmt: skip


def test_a_new_price_reprices_open_dispositions_and_shows_as_price() -> None:
    open_stay = PRICES.disposition(id="D1", citizen_id="B-1", service="SEL108",
                                   provider="Bostedet", start=D(2026, 1, 1))  # fmt: skip
    ended = PRICES.disposition(id="D2", citizen_id="B-2", service="SEL108", provider="Bostedet",
                               start=D(2026, 1, 1), end=D(2026, 5, 31))  # fmt: skip
    own_price = Disposition.at_rate(
        id="D3", citizen_id="B-3", service="SEL108", rate="900", unit="day",
        start=D(2026, 1, 1), provider="Bostedet",
    )  # fmt: skip
    before = [open_stay, ended, own_price]
    dearer = PRICES.with_price("Bostedet", "SEL108", D(2026, 7, 1), "1.100,00")
    after = dearer.reprice(before)
    assert [str(s.rate) for s in after[0].segments] == ["1.000,00 kr.", "1.100,00 kr."]
    assert after[1] == ended  # its days lie before the new price
    assert after[2] is own_price  # carries its own price
    change = explain_change(
        Snapshot(as_of=D(2026, 5, 31), ledger=DispositionLedger(before)),
        Snapshot(as_of=D(2026, 6, 30), ledger=DispositionLedger(after)),
    )
    # 1 July to 31 December is 184 days at 100 kr. more.
    assert [(i.reason, i.citizen_id, i.amount) for i in change.items] == [
        ("price", "B-1", Money.of("18400"))
    ]
    assert change.residual == Money(0)


def test_repricing_keeps_days_quantities_and_gaps() -> None:
    support = PRICES.disposition(id="D1", citizen_id="B-1", service="SEL85", start=D(2026, 1, 5),
                                 end=D(2026, 3, 31), quantity=6)  # fmt: skip
    more_hours = attrs.evolve(
        support,
        segments=(
            attrs.evolve(support.segments[0], end=D(2026, 2, 28)),
            attrs.evolve(support.segments[0], start=D(2026, 3, 10), quantity=8),
        ),
    )
    repriced = PRICES.with_price("", "SEL85", D(2026, 2, 1), "540").reprice([more_hours])[0]
    assert [(s.start, s.end, s.quantity, str(s.rate)) for s in repriced.segments] == [
        (D(2026, 1, 5), D(2026, 1, 31), 6, "520,00 kr."),
        (D(2026, 2, 1), D(2026, 2, 28), 6, "540,00 kr."),
        (D(2026, 3, 10), D(2026, 3, 31), 8, "540,00 kr."),
    ]


@given(
    st.lists(st.tuples(st.integers(0, 700), st.integers(1, 300_000)), min_size=1, max_size=5),
    st.integers(0, 800),
    st.one_of(st.none(), st.integers(0, 800)),
)
def test_reprice_with_the_same_list_changes_nothing(
    prices: list[tuple[int, int]], start: int, length: int | None
) -> None:
    base = D(2025, 1, 1)
    rows = {base + dt.timedelta(days=offset): Money(rate) for offset, rate in prices}
    listed = PriceList.from_rows(
        [("P", "SEL108", base, "day", Money(1))]
        + [("P", "SEL108", day, "day", rate) for day, rate in rows.items() if day != base]
    )
    first = base + dt.timedelta(days=start)
    end = None if length is None else first + dt.timedelta(days=length)
    stay = listed.disposition(id="D1", citizen_id="B-1", service="SEL108", provider="P",
                              start=first, end=end)  # fmt: skip
    assert listed.reprice([stay]) == (stay,)
    # Every day's rate is the list's rate in force on it.
    for segment in stay.segments:
        assert segment.rate == listed.tariff("P", "SEL108").rate_on(segment.start)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("P", "SEL108", D(2026, 1, 1), "day", "1"), ("P", "SEL108", D(2026, 2, 1), "week", "7")],
         "has prices in day and week"),
        ([("P", "SEL108", D(2026, 1, 1), "day", "1"), ("P", "SEL108", D(2026, 1, 1), "day", "2")],
         "two prices from 2026-01-01"),
        ([("P", "", D(2026, 1, 1), "day", "1")], "has no service"),
    ],
)  # fmt: skip
def test_price_list_errors(rows: list[tuple[str, str, dt.date, str, str]], message: str) -> None:
    with pytest.raises(StyringskerneError, match=message):
        PriceList.from_rows(rows)


def test_with_price_needs_an_entry() -> None:
    with pytest.raises(StyringskerneError, match="no entry for provider 'Ny'"):
        PRICES.with_price("Ny", "SEL108", D(2026, 7, 1), "1")


# -- files ---------------------------------------------------------------------------------

HEADER = (
    "disposition_id,citizen_id,service,account,provider,start,end,unit,rate,quantity,probability"
)


def _price_file(tmp_path: Path) -> Path:
    path = tmp_path / "prisliste.csv"
    path.write_text(
        "leverandør;ydelse;gyldig_fra;enhed;takst\n"
        "Bostedet;SEL108;01-01-2026;døgn;1.000,00\n"
        "Bostedet;SEL108;01-07-2026;døgn;1.100,00\n"
        ";SEL85;01-01-2026;uge;520,00\n",
        encoding="cp1252",
    )
    return path


def test_dispositions_file_with_rows_priced_by_the_list(tmp_path: Path) -> None:
    prices = load_price_list(_price_file(tmp_path))
    source = tmp_path / "d.csv"
    source.write_text(
        f"{HEADER},status\n"
        "D1,B-1,SEL108,,Bostedet,2026-06-01,2026-07-31,,,,,granted\n"
        "D2,B-2,SEL85,,Egen,2026-01-01,,,,6,,forventet\n"
        "D3,B-3,SEL108,,Bostedet,2026-01-01,,day,900,,,\n",
        encoding="utf-8",
    )
    result = read_dispositions(source, prices=prices)
    assert [(e.line, e.column) for e in result.errors] == [(3, "status")]
    assert "needs a probability below 1" in result.errors[0].reason
    first, third = result.items
    assert first.list_priced
    assert not third.list_priced
    assert [(s.start, s.end, str(s.rate)) for s in first.segments] == [
        (D(2026, 6, 1), D(2026, 6, 30), "1.000,00 kr."),
        (D(2026, 7, 1), D(2026, 7, 31), "1.100,00 kr."),
    ]
    # Written back without a rate, read back with the list: the same dispositions.
    target = tmp_path / "out.csv"
    write_dispositions(result.items, target)
    assert target.read_text(encoding="utf-8").splitlines()[1].split(",")[8] == ""
    assert read_dispositions(target, prices=prices).items == result.items
    # Without a price list, a row without a rate is an error that says what to do.
    errors = read_dispositions(source).errors
    assert any("price list" in e.reason and e.column == "rate" for e in errors)


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("D1,B-1,SEL108,,Andet,2026-01-01,,,,,,", "rate", "no price for provider 'Andet'"),
        ("D1,B-1,SEL108,,Bostedet,2026-01-01,,week,,,,", "unit", "per day"),
        ("D1,B-1,SEL108,,Bostedet,2025-12-01,,,,,,", "start", "no price on 2025-12-01"),
        ("D1,B-1,SEL108,,Bostedet,2026-01-01,,,,,0.5,granted", "status", "probability 1"),
        # Found by the fuzzer: an end before the start priced no day and the reader crashed.
        (
            "D1,B-1,SEL108,,Bostedet,2026-03-01,2026-02-01,,,,,",
            "end",
            "price segment 'end' 2026-02-01 is before 'start' 2026-03-01; the end date is "
            "inclusive",
        ),
    ],
)
def test_list_priced_rows_that_fail_name_the_column(
    tmp_path: Path, row: str, column: str, message: str
) -> None:
    prices = load_price_list(_price_file(tmp_path))
    source = tmp_path / "d.csv"
    source.write_text(f"{HEADER},status\n{row}\n", encoding="utf-8")
    result = read_dispositions(source, prices=prices)
    assert result.items == ()
    assert [e.column for e in result.errors] == [column]
    assert message in result.errors[0].reason


def test_one_disposition_is_priced_one_way(tmp_path: Path) -> None:
    prices = load_price_list(_price_file(tmp_path))
    source = tmp_path / "d.csv"
    source.write_text(
        f"{HEADER}\nD1,B-1,SEL108,,Bostedet,2026-01-01,2026-01-31,,,,\n"
        "D1,B-1,SEL108,,Bostedet,2026-02-01,,day,900,,\n",
        encoding="utf-8",
    )
    result = read_dispositions(source, prices=prices)
    assert result.items == ()
    assert any("every row of one disposition has a rate, or none" in e.reason
               for e in result.errors)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("provider,service,valid_from,unit,rate\nP,SEL108,2026-01-01,day,mange\n", "'rate'"),
        ("provider,service,valid_from,unit,rate\nP,SEL108,2026-01-01,day,1\n"
         "P,SEL108,2026-02-01,week,7\n", "day and week"),
        ("provider,service,unit,rate\nP,SEL108,day,1\n", "valid_from"),
    ],
)  # fmt: skip
def test_price_list_file_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailedError, match=message):
        load_price_list(path)


@pytest.mark.parametrize(
    ("status", "probability", "end", "expected"),
    [
        ("", "", None, Fraction(1)),
        ("", "1/3", None, Fraction(1, 3)),
        ("bevilget", "", None, Fraction(1)),
        ("Forventet", "0,25", None, Fraction(1, 4)),
        ("ophørt", "1", D(2026, 1, 31), Fraction(1)),
    ],
)
def test_statuses_map_to_probability(
    status: str, probability: str, end: dt.date | None, expected: Fraction
) -> None:
    assert probability_for_status(status, probability, end=end) == expected


@pytest.mark.parametrize(
    ("status", "probability", "end", "message"),
    [
        ("ended", "", None, "needs an end date"),
        ("expected", "1", None, "below 1"),
        ("granted", "0.9", None, "means probability 1"),
        ("pending", "", None, "is not one of ended|expected|granted"),
    ],
)
def test_statuses_that_contradict_are_errors(
    status: str, probability: str, end: dt.date | None, message: str
) -> None:
    with pytest.raises(StyringskerneError, match=message):
        probability_for_status(status, probability, end=end)


def test_ledger_command_with_a_price_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "d.csv"
    source.write_text(f"{HEADER}\nD1,B-1,SEL108,,Bostedet,2026-06-01,,,,,\n", encoding="utf-8")
    prices = str(_price_file(tmp_path))
    arguments = ["ledger", "--dispositions", str(source), "--as-of", "2026-07-31",
                 "--no-refund", "--format", "json", "--prices", prices]  # fmt: skip
    assert main(arguments) == 0
    totals = json.loads(capsys.readouterr().out)["totals"]
    assert totals["computed_to_date"] == "64100.00"  # 30 × 1.000 + 31 × 1.100
    bad = tmp_path / "bad.csv"
    bad.write_text("provider,service,valid_from,unit,rate\nP,SEL108,2026-01-01,day,x\n")
    assert main([*arguments[:-1], str(bad)]) == 1
    assert "'rate'" in capsys.readouterr().err
