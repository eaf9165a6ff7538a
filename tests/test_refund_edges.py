"""Edges of the state refund's rules (serviceloven § 176, BEK nr. 1485/2023 § 3), worked by hand.

Each test pins a rule a mutation run showed unpinned: the refund to date on the monthly basis,
expected dispositions above a granted spend, who is left out at 67 on the days around the
birthday, what is not counted at all, the bound that lets cheap persons skip the month-by-month
reckoning, and the checks against spends too large to reckon exactly. Expected values come from
the law's rule written with fractions (``refund_of`` in ``tests/test_refund.py``) or by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money, PriceSegment
from styringskerne.core.errors import AmountOverflowError, StyringskerneError
from styringskerne.core.limits import MAX_ORE
from styringskerne.core.money import round_half_even
from styringskerne.ledger.refund import (
    RefundRule,
    RefundThresholds,
    StateRefund,
    _refund_numerators,
    _rounded,
    _sorted_unique,
    _weighted_sum,
    _within_runs,
    state_refund,
)
from tests.builders import day_stay
from tests.test_refund import LIMITS_2022, refund_of

MONTHLY = RefundRule.for_year(2022)
YEARLY = attrs.evolve(MONTHLY, basis="year")
TWELFTHS = tuple(Fraction(limit, 12) for limit in LIMITS_2022)


def month_refund(spend_ore: Fraction) -> Fraction:
    """The refund of one month's spend against 1/12 of each threshold, not yet rounded."""
    return refund_of(spend_ore, TWELFTHS)  # type: ignore[arg-type]


def expected_stay(id: str, citizen: str, rate: str, probability: str) -> Disposition:
    return day_stay(id, citizen, "SEL108", dt.date(2022, 1, 1), rate=rate, probability=probability)


def test_the_refund_to_date_on_the_monthly_basis() -> None:
    # 10.000 kr./day from 1 January; as of 15 March: January and February whole, March's first
    # 15 days held against 1/12 of the thresholds (the as-of month counts with its days so far).
    stay = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")
    refund = state_refund(DispositionLedger([stay]), 2022, rule=MONTHLY, as_of=dt.date(2022, 3, 15))
    days = [calendar.monthrange(2022, month)[1] for month in range(1, 13)]
    year = sum(round_half_even(month_refund(Fraction(n * 1_000_000))) for n in days)
    to_date = sum(round_half_even(month_refund(Fraction(n * 1_000_000))) for n in (31, 28, 15))
    # March to date by hand: 15.000.000 øre is 25 % × 6.833.333,33 + 50 % × 1.000.000 above T2/12
    assert round_half_even(month_refund(Fraction(15_000_000))) == 2_208_333
    assert refund.total == Money(year)
    assert refund.total_to_date == Money(to_date)
    assert refund.to_date.tolist() == [to_date]
    without = state_refund(DispositionLedger([stay]), 2022, rule=MONTHLY)
    assert without.total == Money(year)
    assert without.to_date.tolist() == [0]  # no as-of date: no figures to date


def test_a_one_off_amount_to_date_on_both_bases() -> None:
    # 1.200.000 kr. paid once on 15 March; as of 30 June. Yearly basis: the whole amount is
    # spend through the date, 25 % × 340.000 kr. Monthly basis: 100.000 kr. in each month,
    # January to June to date: 6 × 25 % × (100.000 − 71.666,67) kr., each month rounded.
    gift = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL100", rate="1.200.000,00",
                               unit="once", start=dt.date(2022, 3, 15))  # fmt: skip
    ledger = DispositionLedger([gift])
    as_of = dt.date(2022, 6, 30)
    yearly = state_refund(ledger, 2022, rule=YEARLY, as_of=as_of)
    assert (yearly.total, yearly.total_to_date) == (Money(8_500_000), Money(8_500_000))
    monthly = state_refund(ledger, 2022, rule=MONTHLY, as_of=as_of)
    one_month = round_half_even(month_refund(Fraction(10_000_000)))
    assert one_month == 708_333
    assert monthly.total == Money(12 * one_month)
    assert monthly.total_to_date == Money(6 * one_month)
    later = state_refund(ledger, 2022, rule=YEARLY, as_of=dt.date(2022, 3, 14))
    assert later.total_to_date == Money(0)  # paid after the as-of date


def test_expected_dispositions_on_top_of_a_granted_spend() -> None:
    # Yearly basis. B-1 and B-2: granted 10.000 kr./day (f = 1.572.500 kr.), expected
    # 1.000 kr./day at 1/2 and 2.000 kr./day at 1/4; they come about in order of probability:
    # 1/2 × f(3.650.000) + 1/4 × f(4.015.000) + 1/4 × f(4.745.000)
    # = 786.250 + 461.562,50 + 598.437,50 = 1.846.250 kr.
    # B-3: only the 1/2 one: 1/2 × 1.572.500 + 1/2 × 1.846.250 = 1.709.375 kr.
    assert round_half_even(refund_of(Fraction(474_500_000))) == 239_375_000
    dispositions = []
    for citizen in ("B-1", "B-2", "B-3"):
        dispositions.append(
            day_stay(f"G{citizen}", citizen, "SEL108", dt.date(2022, 1, 1), rate="10.000,00")
        )
        dispositions.append(expected_stay(f"H{citizen}", citizen, "1.000,00", "1/2"))
    dispositions += [expected_stay(f"Q{c}", c, "2.000,00", "1/4") for c in ("B-1", "B-2")]
    refund = state_refund(DispositionLedger(dispositions), 2022, rule=YEARLY)
    assert [refund.of(c) for c in ("B-1", "B-2", "B-3")] == [
        Money(184_625_000),
        Money(184_625_000),
        Money(170_937_500),
    ]
    assert refund.total == Money(2 * 184_625_000 + 170_937_500)


def test_an_expected_disposition_to_date_on_the_monthly_basis() -> None:
    # January only (as of 31 January): granted 31 × 10.000 kr., and at 1/2 another 31 ×
    # 1.000 kr.: 1/2 × f(31.000.000) + 1/2 × f(34.100.000) against 1/12, rounded once.
    ledger = DispositionLedger(
        [
            day_stay("G", "B-1", "SEL108", dt.date(2022, 1, 1), rate="10.000,00"),
            expected_stay("H", "B-1", "1.000,00", "1/2"),
        ]
    )
    refund = state_refund(ledger, 2022, rule=MONTHLY, as_of=dt.date(2022, 1, 31))
    half = Fraction(1, 2)
    january = half * month_refund(Fraction(31_000_000)) + half * month_refund(Fraction(34_100_000))
    assert round_half_even(january) == 14_704_167
    assert refund.total_to_date == Money(14_704_167)


def test_who_is_left_out_at_67_on_the_days_around_the_birthday() -> None:
    # 010156-1234: 67 on 1 January 2023, the day after the year: all of 2022 counts.
    # 010755-1234: 67 on 1 July 2022; a stay ending 30 June 2022 has no day after it.
    # 010150-1234 and 010155-1234: 67 before and during the year: both listed, in order.
    ledger = DispositionLedger(
        [
            day_stay("D1", "010156-1234", "SEL108", dt.date(2022, 1, 1), rate="10.000,00"),
            day_stay("D2", "010755-1234", "SEL108", dt.date(2022, 1, 1), dt.date(2022, 6, 30),
                     rate="10.000,00"),
            day_stay("D3", "010150-1234", "SEL108", dt.date(2022, 1, 1)),
            day_stay("D4", "010155-1234", "SEL108", dt.date(2022, 1, 1)),
            day_stay("D5", "0-A", "SEL108", dt.date(2022, 1, 1), birth_date=dt.date(1990, 1, 1)),
        ]
    )  # fmt: skip
    refund = state_refund(ledger, 2022, rule=YEARLY)
    assert refund.after_67 == ("010150-1234", "010155-1234")
    assert refund.of("010156-1234") == Money(157_250_000)  # 3.650.000 kr., see test_refund
    assert refund.of("010755-1234") == Money(27_000_000)  # 181 days


def test_a_person_who_turned_67_on_1_january_2021_may_be_covered() -> None:
    # Born 1 January 1954: 67 on 1 January 2021, not before it (lov nr. 1060/2020 § 2, stk. 2).
    ledger = DispositionLedger(
        [day_stay("D1", "010154-1234", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")]
    )
    rule = attrs.evolve(YEARLY, covered_after_67={"010154-1234"})
    assert state_refund(ledger, 2022, rule=rule).total == Money(157_250_000)
    earlier = DispositionLedger(
        [day_stay("D1", "311253-1234", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")]
    )
    with pytest.raises(StyringskerneError) as error:
        state_refund(earlier, 2022, rule=attrs.evolve(YEARLY, covered_after_67={"311253-1234"}))
    assert str(error.value) == (
        "citizen 311253-**** turned 67 before 1 January 2021 and cannot be covered after 67 "
        "(lov nr. 1060 af 30/6/2020 § 2, stk. 2); remove them from covered_after_67"
    )


def test_birth_date_messages_word_for_word() -> None:
    two = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), birth_date=dt.date(1980, 1, 1)),
            day_stay("D2", "B-1", "SEL104", dt.date(2022, 1, 1), birth_date=dt.date(1981, 1, 1)),
        ]
    )
    with pytest.raises(StyringskerneError) as error:
        state_refund(two, 2022, rule=YEARLY)
    assert str(error.value) == (
        "citizen B-1 has two birth dates on their dispositions; every disposition of one "
        "citizen must give the same"
    )
    dated = DispositionLedger(
        [
            day_stay("D1", "A-1", "SEL108", dt.date(2022, 1, 1)),
            day_stay("D2", "B-1", "SEL108", dt.date(2022, 1, 1), birth_date=dt.date(1980, 1, 1)),
            day_stay("D3", "C-1", "SEL108", dt.date(2022, 1, 1)),
        ]
    )
    # A rule naming someone not in the ledger first does not stop the check of the others.
    rule = attrs.evolve(
        YEARLY, birth_dates={"0-unknown": dt.date(1950, 1, 1), "B-1": dt.date(1990, 1, 1)}
    )
    with pytest.raises(StyringskerneError) as error:
        state_refund(dated, 2022, rule=rule)
    assert str(error.value) == (
        "citizen B-1: the birth date given to the refund rule differs from the one on their "
        "dispositions"
    )
    with pytest.raises(StyringskerneError) as error:
        attrs.evolve(YEARLY, birth_dates={"B-1": "1990-01-01"})
    assert str(error.value).startswith("'birth date' must be a datetime.date (got '1990-01-01'")


def test_field_names_in_the_messages_of_amounts_and_shares() -> None:
    with pytest.raises(StyringskerneError) as error:
        RefundThresholds(year=2030, thresholds=(860000, "2", "3"))  # type: ignore[arg-type]
    assert str(error.value).startswith("'threshold' is a bare int (860000)")
    with pytest.raises(StyringskerneError) as error:
        RefundThresholds(year=2030, thresholds=("1", "2", "3"), shares=("x", "1/2", "3/4"))
    assert str(error.value).startswith("'share' 'x' is not a number")
    with pytest.raises(StyringskerneError) as error:
        RefundThresholds.for_year(2022).refund_on(5)  # type: ignore[arg-type]
    assert str(error.value).startswith("'spend' is a bare int (5)")
    with pytest.raises(StyringskerneError) as error:
        RefundThresholds(year=2030, thresholds=("1", "2", "3"), shares=("1/4", "3/4", "3/4"))
    assert str(error.value) == "'shares' must rise from above 0 to at most 1 (got 1/4, 3/4, 3/4)"


def test_a_year_without_thresholds_word_for_word() -> None:
    listed = ", ".join(str(t.year) for t in RefundThresholds.published())
    assert listed.startswith("2021, 2022")
    with pytest.raises(StyringskerneError) as error:
        RefundThresholds.for_year(2031)
    assert str(error.value) == (
        f"no § 176 refund thresholds for 2031 in styringskerne/ledger/refund_176.toml (it lists "
        f"{listed}); pass them yourself, RefundThresholds(year=2031, thresholds=('T1', 'T2', "
        "'T3')) in kroner, or --refund-thresholds T1/T2/T3 on the command line, from the "
        "ministry's published rates for the year"
    )


def test_what_is_not_counted_at_all() -> None:
    # A stay from 1 January 2023 and one that ended 31 December 2021 have no day in 2022.
    outside = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL108", dt.date(2023, 1, 1)),
            day_stay("D2", "B-2", "SEL108", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
        ]
    )
    refund = state_refund(outside, 2022, rule=YEARLY, as_of=dt.date(2022, 12, 31))
    assert refund.units == ()
    assert (refund.total, refund.total_to_date) == (Money(0), Money(0))
    assert refund.unknown_age == ()
    empty = state_refund(DispositionLedger([]), 2022, rule=MONTHLY, as_of=dt.date(2022, 5, 1))
    assert (empty.units, empty.total, dict(empty.by_sub_area)) == ((), Money(0), {})
    with pytest.raises(StyringskerneError) as error:
        state_refund(DispositionLedger([]), 2022, rule=YEARLY, as_of=dt.date(2023, 1, 1))
    assert str(error.value) == "as-of date 2023-01-01 is not in budget year 2022"


def test_sub_areas_without_refund_are_not_listed_and_names_are_used() -> None:
    # B-1's refund lies in 5.38.50; B-2 (365.000 kr., no refund) has spend in 5.38.59 only.
    ledger = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="10.000,00"),
            day_stay("D2", "B-2", "SEL104", dt.date(2022, 1, 1)),
        ]
    )
    refund = state_refund(ledger, 2022, rule=YEARLY)
    assert dict(refund.by_sub_area) == {"5.38.50": Money(157_250_000)}
    named = state_refund(ledger, 2022, rule=YEARLY, sub_areas={"5.38.50": "Botilbud"})
    assert dict(named.by_sub_area) == {"Botilbud": Money(157_250_000)}
    assert dict(named.by_unit_and_sub_area) == {("B-1", "Botilbud"): Money(157_250_000)}


@pytest.mark.parametrize(
    ("rate", "correction", "refund_ore"),
    [
        # 3.600.000 kr.: 205.000 + 220.000 + 75 % × 1.480.000 = 1.535.000 kr.
        ("10.000,00", "-50.000,00", 153_500_000),
        # 3.649.999,00 kr.: 205.000 + 220.000 + 75 % × 3.437.999,00 kr. A weight of even 1 øre
        # for the negative sub-area would hand it 0,72 øre, rounded up to 1 øre.
        ("100.000,00", "-1,00", 2_620_999_925),
    ],
)
def test_a_correction_in_one_sub_area_takes_no_share_of_the_refund(
    rate: str, correction: str, refund_ore: int
) -> None:
    # B-1: a stay in 5.38.50 all 2022 and a one-off correction in 5.38.59: the refund goes to
    # the sub-area with spend, none to the one with a negative sum.
    ledger = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate=rate),
            Disposition.at_rate(id="D2", citizen_id="B-1", service="SEL104", rate=correction,
                                unit="once", start=dt.date(2022, 2, 1)),
        ]
    )  # fmt: skip
    refund = state_refund(ledger, 2022, rule=YEARLY)
    assert refund.total == Money(refund_ore)
    assert dict(refund.by_unit_and_sub_area) == {("B-1", "5.38.50"): Money(refund_ore)}


def test_the_bound_lets_through_a_person_just_above_a_twelfth_of_threshold_1() -> None:
    # 2.311,83 kr./day: 31 days are 71.666,73 kr., 6,33 øre above 860.000/12 kr.; 25 % of it
    # rounds to 2 øre in each of the seven 31-day months. 30 days stay below.
    assert 31 * 231_183 * 12 - LIMITS_2022[0] == 76
    day = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="2.311,83")
    assert state_refund(DispositionLedger([day]), 2022, rule=MONTHLY).total == Money(14)
    # Weekly: 16.182,81 kr. a week is 2.311,83 kr. a day (rounded), the same months pass.
    week = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108", rate="16.182,81",
                               unit="week", start=dt.date(2022, 1, 1))  # fmt: skip
    weekly = state_refund(DispositionLedger([week]), 2022, rule=MONTHLY)
    per_day = Fraction(1_618_281, 7)
    months = [calendar.monthrange(2022, m)[1] for m in range(1, 13)]
    # the month's spend is the difference of the rounded cumulative cost at its ends
    ends = [sum(months[:m]) for m in range(13)]
    spends = [round_half_even(per_day * b) - round_half_even(per_day * a)
              for a, b in itertools.pairwise(ends)]  # fmt: skip
    want = sum(round_half_even(month_refund(Fraction(s))) for s in spends)
    assert want > 0
    assert weekly.total == Money(want)
    # Monthly price: 71.666,68 kr. a month is 1 øre above a twelfth: 25 % rounds to 0; at
    # 71.666,70 kr. (3 øre above: 0,83 øre) each month refunds 1 øre.
    month = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108", rate="71.666,70",
                                unit="month", start=dt.date(2022, 1, 1))  # fmt: skip
    assert state_refund(DispositionLedger([month]), 2022, rule=MONTHLY).total == Money(12)


def test_spends_too_large_to_reckon_exactly_are_refused() -> None:
    # (largest + T3) × Σ numerators must stay within the largest amount: with numerators
    # 1, 1, 1 and T3 = 30 øre the largest spend allowed is MAX_ORE / 3 − 30 (MAX_ORE = 2⁶² − 1
    # is divisible by 3).
    numerators, limits = np.array([1, 1, 1]), np.array([10, 20, 30])
    highest = MAX_ORE // 3 - 30
    assert (highest + 30) * 3 == MAX_ORE
    assert _refund_numerators(np.array([highest]), numerators, limits).tolist() == [
        3 * highest - 60
    ]
    for spend in (highest + 1, highest + 5, -(highest + 1)):
        with pytest.raises(AmountOverflowError) as error:
            _refund_numerators(np.array([spend, 0]), numerators, limits)
        assert str(error.value) == (
            "a person's spend is too large to reckon the state refund exactly "
            f"({abs(spend)} øre after scaling)"
        )


def test_merging_parts_of_several_units_and_an_empty_part() -> None:
    stays = [day_stay(f"D{n}", f"B-{n}", "SEL108", dt.date(2022, 1, 1),
                      rate=f"{n * 4}.000,00") for n in (1, 2, 3)]  # fmt: skip
    whole = state_refund(DispositionLedger(stays), 2022, rule=YEARLY)
    parts = [
        state_refund(DispositionLedger(group), 2022, rule=YEARLY)
        for group in ([stays[2], stays[0]], [], [stays[1]])
    ]
    merged = StateRefund.merge(parts)
    assert merged.units == ("B-1", "B-2", "B-3")
    assert merged.for_year.tolist() == whole.for_year.tolist()
    assert list(merged.by_unit_and_sub_area.items()) == list(whole.by_unit_and_sub_area.items())
    assert merged.by_unit_and_sub_area.amounts.dtype == np.int64
    assert merged.to_dict() == whole.to_dict()
    with pytest.raises(StyringskerneError) as error:
        StateRefund.merge([parts[0], parts[2], parts[2]])
    assert str(error.value).startswith("citizen 'B-2' is in parts 2 and 3")
    # Beside a household, a citizen twice is still found (the two flags compared pairwise).
    household = state_refund(
        DispositionLedger([day_stay("D9", "B-9", "SEL107", dt.date(2022, 1, 1), household="H-1",
                                    birth_date=dt.date(2010, 1, 1))]),
        2022,
        rule=YEARLY,
    )  # fmt: skip
    with pytest.raises(StyringskerneError) as error:
        StateRefund.merge([household, parts[2], parts[2]])
    assert str(error.value).startswith("citizen 'B-2' is in parts 2 and 3")
    nothing = StateRefund.merge([parts[1], parts[1]])  # two empty refunds
    assert (nothing.units, nothing.total, nothing.spend.tolist()) == ((), Money(0), [])


def test_the_largest_spend_in_a_month_is_checked_before_months_are_summed() -> None:
    from styringskerne.core.calendar import BudgetYear
    from styringskerne.ledger.refund import _Calendar

    months = _Calendar.of(BudgetYear(2022), None)
    assert len(months.boundaries) - 1 == 12
    fits = np.full((1, 12), MAX_ORE // 12, dtype=np.int64)
    assert months.by_month(fits).tolist() == [[MAX_ORE // 12] * 12]
    too_large = np.zeros((2, 12), dtype=np.int64)
    too_large[1, 3] = MAX_ORE // 12 + 1
    with pytest.raises(AmountOverflowError) as error:
        months.by_month(too_large)
    assert str(error.value) == (
        "a person's spend in a month is too large to reckon the state refund exactly"
    )
    assert months.by_month(np.zeros((0, 12), dtype=np.int64)).shape == (0, 12)
    cut = _Calendar.of(BudgetYear(2022), dt.date(2022, 3, 15))  # March split at the cut
    split = np.arange(13, dtype=np.int64).reshape(1, 13)
    assert cut.by_month(split).tolist() == [[0, 1, 2 + 3, *range(4, 13)]]
    assert cut.months_to_date == 3


def test_a_one_off_just_above_threshold_1_refunds() -> None:
    # 860.000,36 kr. once: 1/12 of it is 3 øre above 1/12 of threshold 1 in every month; 25 %
    # of 3 øre rounds to 1 øre: 12 øre for the year.
    once = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL100", rate="860.000,36",
                               unit="once", start=dt.date(2022, 6, 1))  # fmt: skip
    assert state_refund(DispositionLedger([once]), 2022, rule=MONTHLY).total == Money(12)


@given(st.lists(st.integers(-3, 3), max_size=30))
def test_sorted_unique_is_numpys_unique(keys: list[int]) -> None:
    array = np.array(keys, dtype=np.int64)
    distinct, inverse = _sorted_unique(array)
    want, want_inverse = np.unique(array, return_inverse=True)
    assert distinct.tolist() == want.tolist()
    assert inverse.tolist() == want_inverse.ravel().tolist()


def test_a_unit_priced_twice_in_one_sub_area_is_one_part() -> None:
    stay = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="5.000,00")
    repriced = stay.with_price_from(dt.date(2022, 7, 1), "10.000,00")
    refund = state_refund(DispositionLedger([repriced]), 2022, rule=YEARLY)
    # 181 × 5.000 + 184 × 10.000 = 2.745.000 kr.: 205.000 + 220.000 + 75 % × 625.000 kr.
    assert list(refund.by_unit_and_sub_area.items()) == [(("B-1", "5.38.50"), Money(89_375_000))]


def _siblings_of(household: str) -> DispositionLedger:
    return DispositionLedger(
        [
            day_stay(f"D{n}", f"B-{n}", "SEL107", dt.date(2022, 1, 1), rate="10.000,00",
                     household=household, birth_date=dt.date(2010, 5, 1))
            for n in (1, 2)
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("household", "shown"),
    [("0107551234", "010755-****"), ("Familie 010755-1234", "Familie 010755-****")],
)
def test_a_household_label_holding_a_cpr_number_is_found_and_masked(
    household: str, shown: str
) -> None:
    refund = state_refund(_siblings_of(household), 2022, rule=YEARLY)
    assert refund.units == (household,)
    # 7.300.000 kr.: 205.000 + 220.000 + 75 % × 5.180.000 = 4.310.000 kr.
    assert refund.of(household) == Money(431_000_000)
    assert refund.to_columns()["unit"] == [shown] * 3
    assert refund.to_dict()["units"][0]["unit"] == shown
    assert "1234" not in str(refund.to_dict())
    assert refund.to_columns(show_cpr=True)["unit"][0] == household


def test_refund_rows_as_frames() -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    refund = state_refund(
        DispositionLedger([day_stay("D1", "010190-1234", "SEL108", dt.date(2022, 1, 1),
                                    rate="10.000,00")]),
        2022,
        rule=YEARLY,
    )  # fmt: skip
    frame = refund.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert frame["unit"].tolist() == ["010190-****"] * 3
    assert frame["amount_ore"].tolist() == [365_000_000, 0, 157_250_000]
    assert refund.to_pandas(show_cpr=True)["unit"].tolist() == ["010190-1234"] * 3
    table = refund.to_arrow()
    assert table.column("measure").to_pylist() == ["spend", "refund_to_date", "refund_for_year"]
    assert table.column("unit").to_pylist() == ["010190-****"] * 3
    assert refund.to_arrow(show_cpr=True).column("unit").to_pylist()[0] == "010190-1234"


def test_rows_without_a_service_are_named_and_not_counted() -> None:
    ledger = DispositionLedger.from_arrays(
        citizen_id=np.array(["B-1", "B-2"]),
        account=np.array(["5.38.50", "5.38.50"]),
        start=np.array(["2022-01-01", "2022-01-01"], dtype="datetime64[D]"),
        end=np.array(["NaT", "NaT"], dtype="datetime64[D]"),
        unit=np.array(["day", "day"]),
        rate_ore=np.array([1_000_000, 1_000_000]),
        service=np.array(["", "SEL108"]),
    )
    refund = state_refund(ledger, 2022, rule=YEARLY)
    assert refund.services_not_in_catalogue == ("(none)",)
    assert refund.units == ("B-2",)
    assert refund.total == Money(157_250_000)


def test_weighted_sums_beyond_int64_are_exact() -> None:
    """The expected refund's weighted sum switches to Python integers when int64 could
    overflow; both sides are worked out with plain integers."""
    run_start = np.array([0, 2])
    base = np.array([[3], [MAX_ORE]], dtype=np.int64)
    scenarios = np.array([[MAX_ORE], [MAX_ORE - 1], [7]], dtype=np.int64)
    base_weight = np.array([5, 2], dtype=object)
    pair_weight = np.array([3, 4, 9], dtype=object)
    got = _weighted_sum(base_weight, base, pair_weight, scenarios, run_start)
    want = [5 * 3 + 3 * MAX_ORE + 4 * (MAX_ORE - 1), 2 * MAX_ORE + 9 * 7]
    assert [int(value) for value in got.ravel()] == want
    small = _weighted_sum(
        np.array([1, 2], dtype=object),
        np.array([[10], [20]], dtype=np.int64),
        np.array([3, 4, 5], dtype=object),
        np.array([[1], [2], [3]], dtype=np.int64),
        run_start,
    )
    assert small.dtype == np.int64
    assert small.ravel().tolist() == [1 * 10 + 3 * 1 + 4 * 2, 2 * 20 + 5 * 3]
    # A unit with no scenario rows keeps its base.
    alone = _weighted_sum(
        np.array([7], dtype=object),
        np.array([[11]], dtype=np.int64),
        np.zeros(0, dtype=object),
        np.zeros((0, 1), dtype=np.int64),
        np.zeros(0, dtype=np.int64),
    )
    assert alone.ravel().tolist() == [77]
    # Each product fits the largest amount, but three of them do not fit int64.
    got = _weighted_sum(
        np.array([1], dtype=object),
        np.array([[MAX_ORE]], dtype=np.int64),
        np.array([1, 1], dtype=object),
        np.array([[MAX_ORE], [MAX_ORE]], dtype=np.int64),
        np.array([0]),
    )
    assert [int(value) for value in got.ravel()] == [3 * MAX_ORE]


def test_rounding_of_huge_weighted_sums_and_running_spend() -> None:
    # 5/2 and 7/2 to even: 2 and 4; beyond int64 the same rule with Python integers.
    assert _rounded(np.array([5, 7, -5], dtype=np.int64), 2).tolist() == [2, 4, -2]
    huge = np.array([2 * MAX_ORE * 3 + 3, 9], dtype=object)
    # MAX_ORE + 1/2 to the even neighbour MAX_ORE + 1 (MAX_ORE is odd); 9/6 = 1,5 → 2
    assert _rounded(huge, 6).tolist() == [MAX_ORE + 1, 2]
    # a divisor beyond the largest amount: int64's largest value ÷ 2⁶² is just below 2
    largest = np.array([np.iinfo(np.int64).max, 2**61], dtype=np.int64)
    assert _rounded(largest, MAX_ORE + 1).tolist() == [2, 0]  # 2⁶¹ ÷ 2⁶² = 1/2 → 0
    # a table of units × months keeps its shape
    values = np.array([[5, 7], [9, MAX_ORE * 4 + 2]], dtype=object)
    # 5/4 → 1, 7/4 → 2, 9/4 → 2, MAX_ORE + 1/2 → MAX_ORE + 1 (the even neighbour)
    assert _rounded(values, 4).tolist() == [[1, 2], [2, MAX_ORE + 1]]
    values = np.array([[1], [2], [3], [4]], dtype=np.int64)
    runs = _within_runs(values, np.array([0, 2]), np.array([0, 0, 1, 1]))
    assert runs.ravel().tolist() == [1, 3, 3, 7]
    with pytest.raises(AmountOverflowError) as error:
        _within_runs(np.array([[MAX_ORE], [1]], dtype=np.int64), np.array([0]), np.array([0, 0]))
    assert str(error.value) == "the expected spend is too large to reckon the state refund exactly"
    assert _within_runs(np.array([[MAX_ORE], [0]], dtype=np.int64), np.array([0]),
                        np.array([0, 0])).ravel().tolist() == [MAX_ORE, MAX_ORE]  # fmt: skip


def test_a_one_ore_refund_without_net_spend_is_still_split() -> None:
    # Thresholds of 12.000 / 24.000 / 36.000 kr. (1.000 kr. a month). On 1 January one day
    # at 1.000,04 kr. in SEL85 (5.38.39): January earns 25 % × 0,04 kr. = 1 øre. From
    # February both dispositions (SEL85 and SEL108, 5.38.50) carry a correction of −5,37 kr.
    # a day, so neither sub-area has a positive net spend for the year: the 1 øre is split
    # evenly over the two (the tie to the first), not refused and not lost.
    def corrected(id: str, service: str, first_day: str) -> Disposition:
        return Disposition(id=id, citizen_id="B-1", service=service, segments=(
            PriceSegment(start=dt.date(2022, 1, 1), end=dt.date(2022, 1, 1), rate=first_day),
            PriceSegment(start=dt.date(2022, 2, 1), rate="-5,37"),
        ))  # fmt: skip

    low = RefundRule(
        thresholds=RefundThresholds(
            year=2022, thresholds=("12000", "24000", "36000"), source="low, for the test"
        )
    )
    ledger = DispositionLedger([corrected("D1", "SEL85", "1.000,04"),
                                corrected("D2", "SEL108", "0,00")])  # fmt: skip
    refund = state_refund(ledger, 2022, rule=low)
    assert refund.total == Money(1)
    assert refund.by_sub_area == {"5.38.39": Money(1)}
    assert refund.by_unit_and_sub_area == {("B-1", "5.38.39"): Money(1)}
