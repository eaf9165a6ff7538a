"""The state refund for very expensive single cases (serviceloven § 176, BEK nr. 1485/2023 § 3).

Expected values are worked out by hand (or by the small reference below, which reckons one
person's months with fractions) from the law's thresholds, never taken from the code.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money, PriceSegment, Unit
from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.money import round_half_even
from styringskerne.ledger.refund import RefundRule, RefundThresholds, state_refund
from tests.builders import day_stay
from tests.reference import exact_day_amount
from tests.strategies import disposition_lists

LIMITS_2022 = (86_000_000, 168_000_000, 212_000_000)  # øre, serviceloven § 176 (2022 level)
YEAR = 2022
MONTHLY = RefundRule.for_year(YEAR)
YEARLY = attrs.evolve(MONTHLY, basis="year")


def refund_of(spend_ore: Fraction, limits: tuple[int, ...] = LIMITS_2022) -> Fraction:
    """25 % above T1, 50 % above T2, 75 % above T3, exactly (the law's words)."""
    t1, t2, t3 = limits
    return (
        Fraction(1, 4) * max(0, min(spend_ore, t2) - t1)
        + Fraction(1, 2) * max(0, min(spend_ore, t3) - t2)
        + Fraction(3, 4) * max(0, spend_ore - t3)
    )


def monthly_refund(rate_ore_by_month: list[int], year: int = YEAR) -> int:
    """Per month: days × day rate against 1/12 of each threshold, rounded half-even, summed."""
    total = 0
    for month, rate in enumerate(rate_ore_by_month, start=1):
        days = calendar.monthrange(year, month)[1]
        twelfths = tuple(Fraction(limit, 12) for limit in LIMITS_2022)
        total += round_half_even(refund_of(Fraction(days * rate), twelfths))  # type: ignore[arg-type]
    return total


def test_shipped_thresholds_are_the_law_text() -> None:
    limits = RefundThresholds.for_year(2022)
    assert [amount.ore for amount in limits.thresholds] == list(LIMITS_2022)
    assert limits.shares == (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
    assert "176" in limits.source
    assert [a.ore for a in RefundThresholds.for_year(2021).thresholds] == [
        85_000_000,
        166_000_000,
        209_000_000,
    ]


def test_a_year_without_data_names_the_file_and_the_way_out() -> None:
    with pytest.raises(StyringskerneError) as error:
        RefundThresholds.for_year(2031)
    message = str(error.value)
    assert "refund_176.toml" in message
    assert "RefundThresholds(year=2031" in message
    assert "--refund-thresholds" in message


@pytest.mark.parametrize(
    ("thresholds", "shares"),
    [
        (("860000", "860000", "2120000"), ("1/4", "1/2", "3/4")),
        (("0", "1680000", "2120000"), ("1/4", "1/2", "3/4")),
        (("860000", "1680000"), ("1/4", "1/2", "3/4")),
        (("860000", "1680000", "2120000"), ("1/4", "1/2", "5/4")),
        (("860000", "1680000", "2120000"), ("1/2", "1/4", "3/4")),
    ],
)
def test_thresholds_and_shares_are_checked(
    thresholds: tuple[str, ...], shares: tuple[str, ...]
) -> None:
    with pytest.raises(StyringskerneError):
        RefundThresholds(year=2030, thresholds=thresholds, shares=shares)


def test_thresholds_are_amounts_not_bare_numbers() -> None:
    with pytest.raises(StyringskerneError, match="bare"):
        RefundThresholds(year=2030, thresholds=(860000, 1680000, 2120000))  # type: ignore[arg-type]


def test_the_rule_must_be_for_the_year() -> None:
    ledger = DispositionLedger([day_stay("D1", "B-1", "SEL108", dt.date(2023, 1, 1))])
    with pytest.raises(StyringskerneError, match="for 2022, not for budget year 2023"):
        state_refund(ledger, 2023, rule=MONTHLY)


def test_a_person_crossing_each_threshold_during_the_year_yearly_basis() -> None:
    # 3.000.000 kr. a year as 365 days at 8.219,18 kr. would not be exact; use 10.000 kr./day
    # from 1 January: 3.650.000 kr., crossing T1 in late March, T2 in June, T3 in July.
    stay = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")
    refund = state_refund(DispositionLedger([stay]), YEAR, rule=YEARLY, as_of=dt.date(2022, 6, 30))
    year = refund_of(Fraction(365 * 1_000_000))
    # 25 % × 820.000 + 50 % × 440.000 + 75 % × 1.530.000 = 205.000 + 220.000 + 1.147.500
    assert year == 157_250_000
    assert refund.total == Money(157_250_000)
    # To date: 181 days = 1.810.000 kr.: 205.000 + 50 % × 130.000 = 270.000 kr.
    assert refund.total_to_date == Money(27_000_000)
    assert refund.rest_of_year == Money(157_250_000 - 27_000_000)


def test_monthly_basis_holds_each_month_against_a_twelfth() -> None:
    # 2.000 kr./day in the first half (below 1/12 of T1 every month), 8.000 kr./day after:
    # the yearly spend is the same as 5.000 kr./day all year, but only the second half refunds.
    stay = Disposition.at_rate(
        id="D1",
        citizen_id="B-1",
        service="SEL108",
        rate="2.000,00",
        unit="day",
        start=dt.date(2022, 1, 1),
    ).with_price_from(dt.date(2022, 7, 1), "8.000,00")
    refund = state_refund(DispositionLedger([stay]), YEAR, rule=MONTHLY)
    expected = monthly_refund([200_000] * 6 + [800_000] * 6)
    assert refund.total == Money(expected)
    assert refund.total != state_refund(DispositionLedger([stay]), YEAR, rule=YEARLY).total


def test_one_off_amounts_are_spread_over_twelve_months() -> None:
    # BEK § 3, stk. 4: a one-off of 1.200.000 kr. counts as 100.000 kr. in every month.
    gift = Disposition.at_rate(
        id="D1",
        citizen_id="B-1",
        service="SEL100",
        rate="1.200.000,00",
        unit="once",
        start=dt.date(2022, 5, 10),
    )
    refund = state_refund(DispositionLedger([gift]), YEAR, rule=MONTHLY)
    per_month = refund_of(
        Fraction(100_000_00 * 12, 12), tuple(Fraction(t, 12) for t in LIMITS_2022)
    )  # type: ignore[arg-type]
    assert refund.total == Money(12 * round_half_even(per_month))
    # Yearly basis: 25 % × 340.000 = 85.000 kr.
    assert state_refund(DispositionLedger([gift]), YEAR, rule=YEARLY).total == Money(8_500_000)


def test_a_household_of_children_is_summed() -> None:
    # Two siblings at 600.000 kr. a year each: alone below T1, together 1.200.000 kr.
    children = [
        day_stay(f"D{n}", f"B-{n}", "SEL107", dt.date(2022, 1, 1), dt.date(2022, 12, 31),
                 rate="1.643,84", household="H-7", birth_date=dt.date(2010, 5, 1))
        for n in (1, 2)
    ]  # fmt: skip
    spend = 2 * 365 * 164_384
    alone = state_refund(
        DispositionLedger([attrs.evolve(c, household=None) for c in children]),
        YEAR,
        rule=YEARLY,
    )
    together = state_refund(DispositionLedger(children), YEAR, rule=YEARLY)
    assert alone.total == Money(0)
    assert together.total == Money(round_half_even(refund_of(Fraction(spend))))
    assert together.units == ("H-7",)
    assert together.households == (True,)


def test_a_youth_leaves_the_household_at_23() -> None:
    # Born 1 July 1999: turns 23 on 1 July 2022; the sibling stays in the household.
    youth = day_stay("D1", "B-1", "SEL107", dt.date(2022, 1, 1), rate="5.000,00",
                     household="H-1", birth_date=dt.date(1999, 7, 1))  # fmt: skip
    sibling = day_stay("D2", "B-2", "SEL107", dt.date(2022, 1, 1), rate="1.000,00",
                       household="H-1", birth_date=dt.date(2008, 1, 1))  # fmt: skip
    refund = state_refund(DispositionLedger([youth, sibling]), YEAR, rule=YEARLY)
    household_spend = 181 * 500_000 + 365 * 100_000
    own_spend = 184 * 500_000
    assert refund.of("H-1") == Money(round_half_even(refund_of(Fraction(household_spend))))
    assert refund.of("B-1") == Money(round_half_even(refund_of(Fraction(own_spend))))
    assert sorted(refund.units) == ["B-1", "H-1"]


def _turning_67_mid_2022() -> Disposition:
    # CPR 010755-1234: born 1 July 1955 (digit 1: 1900s), turns 67 on 1 July 2022.
    return day_stay("D1", "010755-1234", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")


def test_over_67_counts_only_with_the_flag() -> None:
    ledger = DispositionLedger([_turning_67_mid_2022()])
    without = state_refund(ledger, YEAR, rule=YEARLY)
    with_flag = state_refund(
        ledger, YEAR, rule=attrs.evolve(YEARLY, covered_after_67={"0107551234"})
    )
    assert without.total == Money(round_half_even(refund_of(Fraction(181 * 1_000_000))))
    assert with_flag.total == Money(round_half_even(refund_of(Fraction(365 * 1_000_000))))
    assert without.after_67 == ("010755-1234",)
    assert with_flag.after_67 == ()


def test_over_67_flag_is_refused_for_those_67_before_2021() -> None:
    ledger = DispositionLedger(
        [day_stay("D1", "010150-1234", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")]
    )
    rule = attrs.evolve(YEARLY, covered_after_67={"010150-1234"})
    with pytest.raises(StyringskerneError, match="before 1 January 2021") as error:
        state_refund(ledger, YEAR, rule=rule)
    assert "1234" not in str(error.value)


def test_unknown_age_counts_as_under_67_and_is_listed() -> None:
    ledger = DispositionLedger(
        [day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")]
    )
    refund = state_refund(ledger, YEAR, rule=YEARLY)
    assert refund.unknown_age == ("B-1",)
    assert refund.total == Money(157_250_000)
    dated = state_refund(
        ledger, YEAR, rule=attrs.evolve(YEARLY, birth_dates={"B-1": dt.date(1955, 7, 1)})
    )
    assert dated.unknown_age == ()
    assert dated.after_67 == ("B-1",)


def test_two_birth_dates_for_one_citizen_are_refused() -> None:
    ledger = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), birth_date=dt.date(1980, 1, 1)),
            day_stay("D2", "B-1", "SEL104", dt.date(2022, 1, 1), birth_date=dt.date(1981, 1, 1)),
        ]
    )
    with pytest.raises(StyringskerneError, match="two birth dates"):
        state_refund(ledger, YEAR, rule=YEARLY)


def test_birth_dates_given_to_the_rule_must_agree_and_may_name_others() -> None:
    stay = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), birth_date=dt.date(1980, 1, 1))
    ledger = DispositionLedger([stay])
    other = attrs.evolve(YEARLY, birth_dates={"B-1": dt.date(1981, 1, 1)})
    with pytest.raises(StyringskerneError, match="given to the refund rule differs"):
        state_refund(ledger, YEAR, rule=other)
    # The same date, and ids the ledger does not have ("A-0" sorts before, "C-9" after): fine.
    same = attrs.evolve(
        YEARLY,
        birth_dates={
            "A-0": dt.date(1950, 1, 1),
            "B-1": dt.date(1980, 1, 1),
            "C-9": dt.date(1950, 1, 1),
        },
    )
    assert state_refund(ledger, YEAR, rule=same).unknown_age == ()


def test_a_birth_date_must_agree_with_the_cpr_number() -> None:
    with pytest.raises(StyringskerneError, match="does not agree") as error:
        day_stay("D1", "010755-1234", "SEL108", dt.date(2022, 1, 1), birth_date=dt.date(1955, 1, 7))
    assert "1234" not in str(error.value)


def test_spend_another_municipality_pays_and_uncounted_services_are_left_out() -> None:
    paid = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="10.000,00", payer="Aarhus")
    own = day_stay("D2", "B-2", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")
    refund = state_refund(DispositionLedger([paid, own]), YEAR, rule=YEARLY)
    assert refund.total == Money(157_250_000)
    from styringskerne.catalogue.services import ServiceCatalogue

    default = ServiceCatalogue.default()
    closed = ServiceCatalogue(
        tuple(attrs.evolve(s, refund_176=s.code != "SEL108") for s in default)
    )
    rule = attrs.evolve(YEARLY, catalogue=closed)
    assert state_refund(DispositionLedger([own]), YEAR, rule=rule).total == Money(0)


def test_an_expected_disposition_enters_as_a_scenario_not_as_a_weighted_spend() -> None:
    # Granted 500.000 kr.; expected 1.000.000 kr. with probability 1/2 (yearly basis).
    granted = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), dt.date(2022, 12, 31),
                       rate="1.369,86")  # fmt: skip
    expected = day_stay("D2", "B-1", "SEL104", dt.date(2022, 1, 1), dt.date(2022, 12, 31),
                        rate="2.739,73", probability="1/2")  # fmt: skip
    refund = state_refund(DispositionLedger([granted, expected]), YEAR, rule=YEARLY)
    g, x = 365 * 136_986, 365 * 273_973
    exact = Fraction(1, 2) * refund_of(Fraction(g)) + Fraction(1, 2) * refund_of(Fraction(g + x))
    assert refund.total == Money(round_half_even(exact))
    # The weighted spend alone (f(G + X/2) = f(1.000.000)) would give less.
    assert refund.total > Money(round_half_even(refund_of(Fraction(g) + Fraction(x, 2))))


def test_two_probability_levels_come_about_in_order() -> None:
    base = {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31)}
    likely = day_stay("D1", "B-1", "SEL108", rate="4.000,00", probability="3/4", **base)  # type: ignore[arg-type]
    unlikely = day_stay("D2", "B-1", "SEL104", rate="4.000,00", probability="1/4", **base)  # type: ignore[arg-type]
    refund = state_refund(DispositionLedger([likely, unlikely]), YEAR, rule=YEARLY)
    one = Fraction(365 * 400_000)
    exact = (
        Fraction(1, 4) * 0 + Fraction(1, 2) * refund_of(one) + Fraction(1, 4) * refund_of(2 * one)
    )
    assert refund.total == Money(round_half_even(exact))


def test_refund_is_split_over_sub_areas_by_largest_remainder() -> None:
    # 2/3 of the spend in 5.38.50 and 1/3 in 5.38.59: the refund splits 2:1 to the øre.
    stay = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="6.000,00")
    day = day_stay("D2", "B-1", "SEL104", dt.date(2022, 1, 1), rate="3.000,00")
    refund = state_refund(DispositionLedger([stay, day]), YEAR, rule=YEARLY)
    total = refund.total.ore
    assert sum(a.ore for a in refund.by_sub_area.values()) == total
    share = Fraction(total * 2, 3)
    assert abs(refund.by_sub_area["5.38.50"].ore - share) < 1
    assert refund.by_unit_and_sub_area[("B-1", "5.38.59")] == refund.by_sub_area["5.38.59"]


def test_cpr_numbers_are_masked_in_every_output() -> None:
    refund = state_refund(DispositionLedger([_turning_67_mid_2022()]), YEAR, rule=YEARLY)
    for text in (repr(refund), str(refund.to_dict()), repr(refund.rule)):
        assert "1234" not in text
    assert "010755-1234" in str(refund.to_dict(show_cpr=True))


@given(
    disposition_lists(max_size=6),
    st.sampled_from(["month", "year"]),
    st.dates(dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
)
def test_refund_parts_add_up_and_stay_within_bounds(
    dispositions: list[Disposition], basis: str, as_of: dt.date
) -> None:
    ledger = DispositionLedger(dispositions)
    rule = attrs.evolve(MONTHLY, basis=basis)
    refund = state_refund(ledger, YEAR, rule=rule, as_of=as_of)
    assert sum(a.ore for a in refund.by_sub_area.values()) == refund.total.ore
    assert sum(a.ore for a in refund.by_unit_and_sub_area.values()) == refund.total.ore
    assert int(refund.for_year.sum()) == refund.total.ore
    assert (refund.to_date >= 0).all()
    if all(segment.rate.ore >= 0 for d in dispositions for segment in d.segments):
        # A later correction (a negative price) lowers the year's spend, so only without one
        # is the refund to date at most the year's.
        assert (refund.to_date <= refund.for_year).all()
        # Never more than 75 % of the counted spend (plus half an øre per rounded month).
        assert (refund.for_year <= (3 * refund.spend) // 4 + 12).all()


# -- a plain reference of the whole reckoning --------------------------------------------


def _reference_month_costs(segment: PriceSegment, year: int) -> list[int]:
    """The segment's cost in each month of ``year`` as if it comes about (probability 1),
    from a day-by-day walk with exact fractions, rounded from the segment's own start."""
    boundaries = [dt.date(year, month, 1) for month in range(1, 13)] + [dt.date(year + 1, 1, 1)]
    exact, day, at = Fraction(0), segment.start, []
    for boundary in boundaries:
        while day < boundary and (segment.end is None or day <= segment.end):
            exact += exact_day_amount(segment, Fraction(1), day)
            day += dt.timedelta(days=1)
        at.append(round(exact))
    return [after - before for before, after in itertools.pairwise(at)]


def reference_refund(dispositions: list[Disposition], year: int, basis: str) -> dict[str, int]:
    """Each citizen's refund by the rules in words: counted services, expected dispositions
    as scenarios in order of probability, one-offs spread over twelve months, rounded per
    month (or per year)."""
    catalogue = ServiceCatalogue.default()
    by_citizen: dict[str, dict[Fraction, tuple[list[int], int]]] = {}
    for disposition in dispositions:
        if disposition.service not in catalogue or not catalogue[disposition.service].refund_176:
            continue
        levels = by_citizen.setdefault(disposition.citizen_id, {})
        months, once = levels.get(disposition.probability, ([0] * 12, 0))
        for segment in disposition.segments:
            costs = _reference_month_costs(segment, year)
            if segment.unit is Unit.ONCE:
                once += sum(costs)
            else:
                months = [a + b for a, b in zip(months, costs, strict=True)]
        levels[disposition.probability] = (months, once)
    limits = [Fraction(limit) for limit in LIMITS_2022]
    result = {}
    for citizen, levels in by_citizen.items():
        granted = levels.pop(Fraction(1), ([0] * 12, 0))
        ordered = sorted(levels.items(), reverse=True)  # highest probability first
        scenarios = [granted]
        for _, (months, once) in ordered:
            last_months, last_once = scenarios[-1]
            scenarios.append(([a + b for a, b in zip(last_months, months, strict=True)],
                              last_once + once))  # fmt: skip
        weights = [1 - (ordered[0][0] if ordered else 0)] + [
            q - (ordered[i + 1][0] if i + 1 < len(ordered) else 0)
            for i, (q, _) in enumerate(ordered)
        ]
        if basis == "year":
            expected = sum(
                (w * refund_of(Fraction(sum(m) + o), tuple(limits)) for w, (m, o) in
                 zip(weights, scenarios, strict=True)),
                Fraction(0),
            )  # fmt: skip
            result[citizen] = round_half_even(expected)
        else:
            total = 0
            for month in range(12):
                expected = sum(
                    (w * refund_of(Fraction(12 * m[month] + o), tuple(limits)) for w, (m, o) in
                     zip(weights, scenarios, strict=True)),
                    Fraction(0),
                )  # fmt: skip
                total += round_half_even(expected / 12)
            result[citizen] = total
    return {citizen: amount for citizen, amount in result.items() if amount}


@given(
    disposition_lists(max_size=6),
    st.sampled_from(["month", "year"]),
    st.sampled_from(["1/2", "3/4", "2/3", "1/100"]),
)
def test_refund_per_person_equals_the_plain_reference(
    dispositions: list[Disposition], basis: str, likely: str
) -> None:
    # Raise the rates so that thresholds are often crossed, and give some dispositions a
    # second probability level: every path (pruning, scenarios, one-offs) meets the reference.
    dearer = [
        attrs.evolve(
            disposition,
            segments=tuple(
                attrs.evolve(segment, rate=Money(segment.rate.ore * 40))
                for segment in disposition.segments
            ),
            probability=Fraction(likely) if index % 3 == 2 else disposition.probability,
        )
        for index, disposition in enumerate(dispositions)
    ]
    refund = state_refund(DispositionLedger(dearer), YEAR, rule=attrs.evolve(MONTHLY, basis=basis))
    got = {unit: int(amount) for unit, amount in zip(refund.units, refund.for_year.tolist(),
                                                      strict=True) if amount}  # fmt: skip
    assert got == reference_refund(dearer, YEAR, basis)


def test_probabilities_with_a_huge_common_denominator_stay_exact() -> None:
    # Five levels over five primes near 10.000: their common denominator (about 10^20) is
    # beyond int64, so the expectation is summed in Python integers, still to the øre.
    base = {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31)}
    primes = (9973, 9967, 9949, 9941, 9931)
    cases = [
        day_stay(
            f"D{n}",
            "B-1",
            "SEL108",
            rate=f"{2_000 + 700 * n},00",
            probability=Fraction(prime // (n + 2), prime),
            **base,
        )
        for n, prime in enumerate(primes)
    ]
    for basis in ("month", "year"):
        refund = state_refund(
            DispositionLedger(cases), YEAR, rule=attrs.evolve(MONTHLY, basis=basis)
        )
        assert refund.of("B-1").ore == reference_refund(cases, YEAR, basis)["B-1"]


def test_a_cheap_person_is_left_out_early_and_a_dear_one_is_not() -> None:
    # 2.300 kr. a day is at most 71.300 kr. a month, below 1/12 of T1 (71.666,67 kr.): no
    # refund; 2.320 kr. a day passes it in the 31-day months.
    cheap = day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="2.300,00")
    dear = day_stay("D2", "B-2", "SEL108", dt.date(2022, 1, 1), rate="2.320,00")
    refund = state_refund(DispositionLedger([cheap, dear]), YEAR, rule=MONTHLY)
    assert refund.of("B-1") == Money(0)
    # 7 months of 31 days: 12 × 71.920 − 860.000 = 3.040 kr. a year, a quarter, a twelfth.
    assert refund.of("B-2") == Money(7 * round_half_even(Fraction(304_000 * 25, 100 * 12)))
    assert refund.spend[refund.units.index("B-1")] == 365 * 230_000


def test_a_correction_that_cancels_the_year_still_splits_the_refund() -> None:
    """January's spend earns a refund by the month; a negative price from February (a
    correction) brings the year's net spend below 0, so no sub-area has a positive weight:
    the refund is split evenly over the sub-areas of the spend instead of being refused."""
    correction = Disposition(
        id="D0",
        citizen_id="B-1",
        service="SEL85",
        segments=(
            PriceSegment(start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 1, 31), rate="57,80"),
            PriceSegment(start=dt.date(YEAR, 2, 1), rate="-5,37"),
        ),
    )
    low = RefundRule(
        thresholds=RefundThresholds(
            year=YEAR, thresholds=("12000", "24000", "36000"), source="low, for the test"
        )
    )
    refund = state_refund(DispositionLedger([correction]), YEAR, rule=low)
    # January: 31 × 57,80 = 1.791,80 kr. against 1.000 kr. a month: 25 % × 791,80 = 197,95 kr.
    assert refund.total.ore == 19_795
    assert sum(a.ore for a in refund.by_sub_area.values()) == refund.total.ore
    assert list(refund.by_sub_area) == ["5.38.39"]
