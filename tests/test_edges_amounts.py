"""One meaning for every amount, strict number text, and int64 limits that are checked, never
wrapped (DOMAIN § 2: money is exact integer øre)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from styringskerne import (
    Actual,
    Disposition,
    DispositionLedger,
    Money,
    MoneyError,
    PriceSegment,
    StyringskerneError,
)
from styringskerne.core.errors import AmountOverflowError
from styringskerne.core.limits import MAX_ORE, format_max_amount
from styringskerne.core.quantities import to_fraction
from styringskerne.engine import add_into, exact_sum
from styringskerne.io.frames import dispositions_from_pandas

D = dt.date


# -- one amount rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        Money.of,
        lambda value: PriceSegment(start=D(2024, 1, 1), rate=value, unit="day"),
        lambda value: Actual(citizen_id="B-1", account="5.38.50", date=D(2024, 1, 1), amount=value),
        lambda value: Disposition.at_rate(
            id="D1", citizen_id="B-1", service="SEL108", rate=value, unit="day", start=D(2024, 1, 1)
        ),
    ],
    ids=["Money.of", "PriceSegment.rate", "Actual.amount", "Disposition.at_rate"],
)
def test_a_bare_number_is_refused_wherever_kroner_are_meant(make: object) -> None:
    assert callable(make)
    with pytest.raises(MoneyError, match=r'Money.of\("1149"\) for 1149 kr. or Money\(1149\)'):
        make(1149)
    with pytest.raises(MoneyError, match="binary floats are not exact"):
        make(1149.5)
    # The unambiguous spellings are all the same amount.
    for value in (Money(114900), "1149", "1.149,00", Decimal("1149")):
        assert make(value) is not None


def test_amounts_by_name_follow_the_same_rule() -> None:
    from styringskerne.forecast.forecast import Snapshot, make_forecast

    snapshot = Snapshot(as_of=D(2024, 3, 31), ledger=DispositionLedger([]))
    forecast = make_forecast(snapshot, budget={"5.38.50": "300.000,00"})
    assert forecast.budget["5.38.50"] == Money.of("300000")
    with pytest.raises(MoneyError, match="'amount for 5.38.50' is a bare int"):
        make_forecast(snapshot, budget={"5.38.50": 300_000})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("1.149,50-", -114950),  # credit as finance systems export it
        ("(1.149,50)", -114950),  # as accountants write a negative
        ("-1149.50", -114950),
        ("\u22121149,50", -114950),  # a typographic minus
        ("+1149,50", 114950),
        ("1149,50 kr.", 114950),
        ("1.149.500", 114950000),
    ],
)
def test_signs_and_suffixes(text: str, ore: int) -> None:
    assert Money.parse(text).ore == ore


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1_149", "no blanks, '_' or exponent"),
        ("1e3", "no blanks, '_' or exponent"),
        ("1E3", "no blanks, '_' or exponent"),
        ("1 149,50", "no blanks, '_' or exponent"),
        ("1149²", "no blanks, '_' or exponent"),
        ("١٢٣", "no blanks, '_' or exponent"),  # Arabic-Indic digits
        ("inf", "no blanks, '_' or exponent"),
        ("NaN", "no blanks, '_' or exponent"),
        ("(1.149,50)-", "more than one sign"),
        ("-1.149,50-", "more than one sign"),
        ("1.149", "ambiguous"),
        ("1,149.5.0", "group three digits"),
        ("", "empty"),
        ("99999999999999999999", "beyond the largest exact amount"),
    ],
)
def test_number_text_is_strict(text: str, says: str) -> None:
    with pytest.raises(MoneyError, match=says.replace("(", r"\(").replace(")", r"\)")):
        Money.parse(text)


@given(st.integers(min_value=-MAX_ORE, max_value=MAX_ORE))
@example(MAX_ORE)
@example(-MAX_ORE)
@example(50)
def test_every_amount_reads_back_from_both_printed_forms(ore: int) -> None:
    amount = Money(ore)
    assert Money.parse(amount.to_string()) == amount
    assert Money.parse(amount.format_danish()) == amount
    assert Money.parse(amount.format_danish(unit="").replace("-", "") + "-") == Money(-ore) or (
        ore <= 0
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, Fraction(1, 2)), (4.5, Fraction(9, 2)), (0.25, Fraction(1, 4)), ("1/3", Fraction(1, 3))],
)
def test_quantities_take_short_decimals_and_fraction_text(
    value: object, expected: Fraction
) -> None:
    assert to_fraction(value, field="quantity") == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", [1 / 3, 0.1 + 0.2, "1e3", "1_0", float("inf"), Decimal("NaN"), "1/0", "²"]
)
def test_quantities_refuse_what_is_not_exact(value: object) -> None:
    with pytest.raises(StyringskerneError, match="'quantity'"):
        to_fraction(value, field="quantity")  # type: ignore[arg-type]


# -- no silent overflow ----------------------------------------------------------------------


def test_money_has_one_documented_limit() -> None:
    assert format_max_amount() == "46.116.860.184.273.879,03 kr."
    assert Money(MAX_ORE).ore == MAX_ORE
    with pytest.raises(AmountOverflowError):
        Money(MAX_ORE + 1)
    with pytest.raises(AmountOverflowError):
        Money(MAX_ORE) + Money(1)
    with pytest.raises(AmountOverflowError):
        Money.total([Money(MAX_ORE), Money(MAX_ORE)])


values_arrays = st.lists(
    st.integers(min_value=-MAX_ORE, max_value=MAX_ORE), min_size=1, max_size=12
)


@given(values_arrays, st.lists(st.integers(0, 3), min_size=12, max_size=12))
@example([MAX_ORE, 1], [0] * 12)
@example([MAX_ORE, MAX_ORE, -MAX_ORE], [0] * 12)  # wraps in int64, ends in range
@example([-MAX_ORE, -1], [1] * 12)
@example([MAX_ORE, MAX_ORE], [0, 1] + [0] * 10)  # each group in range
def test_sums_are_exact_or_refused_exactly_when_they_leave_the_range(
    values: list[int], cells_drawn: list[int]
) -> None:
    cells = cells_drawn[: len(values)]
    true_sums = [0] * 4
    for cell, value in zip(cells, values, strict=True):
        true_sums[cell] += value
    target = np.zeros(4, dtype=np.int64)
    if any(abs(total) > MAX_ORE for total in true_sums):
        with pytest.raises(AmountOverflowError):
            add_into(target, np.array(cells), np.array(values, dtype=np.int64))
    else:
        add_into(target, np.array(cells), np.array(values, dtype=np.int64))
        assert target.tolist() == true_sums
    if abs(sum(values)) > MAX_ORE:
        with pytest.raises(AmountOverflowError):
            exact_sum(np.array(values, dtype=np.int64))
    else:
        assert int(exact_sum(np.array(values, dtype=np.int64))) == sum(values)


def _ledger(rate_ore: int, days: int, *, units: str = "day") -> DispositionLedger:
    return DispositionLedger.from_arrays(
        citizen_id=np.array(["B-1"]),
        account=np.array(["5.38.50"]),
        start=np.array(["2024-01-01"], dtype="datetime64[D]"),
        end=np.array([np.datetime64("2024-01-01") + days - 1], dtype="datetime64[D]"),
        unit=np.array([units]),
        rate_ore=np.array([rate_ore], dtype=np.int64),
    )


@given(
    st.integers(min_value=1, max_value=MAX_ORE),
    st.integers(min_value=1, max_value=366),
)
@example(MAX_ORE // 366 + 1, 366)  # just beyond over the year
@example(MAX_ORE // 366, 366)  # just within
def test_a_projected_cost_beyond_the_limit_is_refused_never_wrapped(rate: int, days: int) -> None:
    true_cost = rate * days
    if true_cost > MAX_ORE * (1 - 1e-9):  # the engine's bound is estimated in float64
        with pytest.raises(AmountOverflowError, match="too large to keep exact|largest exact"):
            _ledger(rate, days).full_year_cost(2024)
    else:
        ledger = _ledger(rate, days)
        assert ledger.full_year_cost(2024).total.ore == true_cost
        assert ledger.as_of(D(2024, 6, 30)).total.expected.ore == true_cost


def test_unsigned_and_oversized_input_arrays_are_refused() -> None:
    with pytest.raises(AmountOverflowError, match="'rate_ore' row 0"):
        DispositionLedger.from_arrays(
            citizen_id=np.array(["B-1"]),
            account=np.array(["5.38.50"]),
            start=np.array(["2024-01-01"], dtype="datetime64[D]"),
            end=np.array(["2024-01-31"], dtype="datetime64[D]"),
            unit=np.array(["day"]),
            rate_ore=np.array([2**63 + 5], dtype=np.uint64),
        )
    with pytest.raises(AmountOverflowError, match="segment row 0"):
        _ledger(-(2**63), 10)


def test_booked_sums_beyond_the_limit_are_refused() -> None:
    big = [
        Actual(citizen_id="B-1", account="5.38.50", date=D(2024, 1, day), amount=Money(MAX_ORE))
        for day in (1, 2)
    ]
    ledger = DispositionLedger([], big)
    with pytest.raises(AmountOverflowError):
        ledger.as_of(D(2024, 3, 31))


# -- dataframe amounts -----------------------------------------------------------------------


def test_dataframe_amount_floats_are_whole_ore_or_row_errors() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "disposition_id": ["D1", "D2", "D3", "D4"],
            "citizen_id": ["B-1", "B-2", "B-3", "B-4"],
            "service": ["SEL108"] * 4,
            "account": [None] * 4,
            "provider": [None] * 4,
            "start": ["2024-01-01"] * 4,
            "end": ["2024-01-31"] * 4,
            "unit": ["day"] * 4,
            # what pd.read_csv(sep=";", decimal=",") gives for 1.149,50 and 0,1 + 0,2
            "rate": [1149.5, 0.1 + 0.2, float("inf"), 1e30],
            "quantity": [0.5, 1 / 3, None, None],
            "probability": [None, None, None, None],
        }
    )
    result = dispositions_from_pandas(frame)
    assert [d.id for d in result.items] == ["D1"]  # 1.149,50 is a whole number of øre
    reasons = {(e.line, e.column): e.reason for e in result.errors}
    assert "not a whole number of øre" in reasons[(2, "rate")]
    assert "not a number" in reasons[(3, "rate")]
    assert "beyond the largest exact amount" in reasons[(4, "rate")]
    assert "not a short decimal" in reasons[(2, "quantity")]
    (only,) = result.items
    assert only.segments[0].rate == Money.of("1149.50")
    assert only.segments[0].quantity == Fraction(1, 2)


def test_dataframe_rate_ore_is_whole_ore() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "disposition_id": ["D1"],
            "citizen_id": ["B-1"],
            "service": ["SEL108"],
            "account": [None],
            "provider": [None],
            "start": ["2024-01-01"],
            "end": [None],
            "unit": ["day"],
            "rate_ore": [114950],
            "quantity": [None],
            "probability": [None],
        }
    )
    (only,) = dispositions_from_pandas(frame).items
    assert only.segments[0].rate == Money(114950)
    both = frame.assign(rate=["1149.50"])
    assert "either 'rate'" in str(dispositions_from_pandas(both).errors)
