"""Budget frames, steering assumptions, deviations and precision (DOMAIN § 8; *Tabel 1.1*)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import DispositionLedger, Money, StyringskerneError
from styringskerne.budget.carry import Recovery, budgets_after, carried_result
from styringskerne.budget.frame import (
    Action,
    BudgetFrame,
    SteeringAssumption,
    VarianceExplanation,
    YearResult,
    assumptions_from_ledger,
    budget_keeping,
    budget_precision,
    mean_deviation,
    missing_explanations,
    move_share,
)
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.forecast.shadow import shadow_budgets
from tests.builders import day_stay
from tests.strategies import disposition_lists

D = dt.date

# Tabel 1.1 (VIVE 2018): budget deviation in percent of the frame, "-" = overrun.
TABEL_1_1 = {
    "Gladsaxe": [0, 3, 0, -4],
    "Haderslev": [1, 1, 2, -4],
    "Holstebro": [-8, -1, 0, 0],
    "Ikast-Brande": [1, 3, 3, 1],
    "Svendborg": [1, 1, 2, 6],
}


def results_for(percentages: list[int]) -> list[YearResult]:
    """A budget of 100 mio. kr. a year and accounts that give the printed percentages."""
    budget = Money.of("100.000.000,00")
    return [
        YearResult(
            year=2014 + i, budget=budget, accounts=budget - budget.multiply(Fraction(p, 100))
        )
        for i, p in enumerate(percentages)
    ]


@pytest.mark.parametrize(("municipality", "printed"), list(TABEL_1_1.items()))
def test_tabel_1_1_definitions(municipality: str, printed: list[int]) -> None:
    """Deviation = (accounts − budget) ÷ budget; the table prints overrun as negative."""
    results = results_for(printed)
    shown = [r.deviation_percent(overspend_negative=True) for r in results]
    assert shown == [f"{p} %" for p in printed]
    assert [r.deviation_percent() for r in results] == [f"{-p} %" for p in printed]
    assert budget_keeping(results) == Fraction(sum(1 for p in printed if p >= 0), 4)
    assert budget_precision(results) == Fraction(sum(abs(p) for p in printed), 400)


def test_budget_keeping_as_the_mean_signed_deviation() -> None:
    """VIVE 2018, chapter 1: "2,8 procent højere udgifter end budgetteret" (mean signed
    deviation) beside "6,4 procent" mean absolute deviation; years of over- and underspend
    cancel in the first and not in the second. The share of years within budget is a third,
    different figure."""
    # Three years at +8 %, +4,4 % and −4 %: mean (8 + 4,4 − 4) / 3 = 2,8 %; precision 5,47 %.
    budget = Money.of("1.000.000,00")
    years = [
        YearResult(year=2015, budget=budget, accounts=Money.of("1.080.000,00")),
        YearResult(year=2016, budget=budget, accounts=Money.of("1.044.000,00")),
        YearResult(year=2017, budget=budget, accounts=Money.of("960.000,00")),
    ]
    assert mean_deviation(years) == Fraction(28, 1000)
    assert budget_precision(years) == Fraction(164, 3000)
    assert budget_keeping(years) == Fraction(1, 3)
    # Tabel 1.1 prints overrun as negative: Svendborg's mean is 2,5 % below budget.
    assert mean_deviation(results_for(TABEL_1_1["Svendborg"])) == Fraction(-25, 1000)
    with pytest.raises(StyringskerneError, match="at least one year"):
        mean_deviation([])


def test_ikast_brande_and_svendborg_kept_their_budgets_in_every_year() -> None:
    assert budget_keeping(results_for(TABEL_1_1["Ikast-Brande"])) == 1
    assert budget_keeping(results_for(TABEL_1_1["Svendborg"])) == 1
    assert budget_precision(results_for(TABEL_1_1["Holstebro"])) < budget_precision(
        results_for(TABEL_1_1["Svendborg"])
    )


def test_deviation_percent_with_decimals() -> None:
    result = YearResult(year=2024, budget="1.000.000,00", accounts="1.012.345,00")
    assert result.deviation_percent(decimals=1) == "1,2 %"


@given(
    amounts=st.lists(st.integers(1, 10**9), min_size=1, max_size=6),
    total=st.integers(1, 10**11),
)
def test_frame_split_by_assumptions_adds_up_to_the_frame(amounts, total) -> None:
    assumptions = [
        SteeringAssumption(sub_area=f"S{i}", service="SEL85", citizens=1, average_price=Money(a))
        for i, a in enumerate(amounts)
    ]
    frame = BudgetFrame.from_assumptions(2024, assumptions, total=Money(total))
    assert frame.total == Money(total)


@given(
    moves=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(1, 10**6)), max_size=8
    )
)
def test_reallocations_keep_the_frame_and_appropriations_move_it(moves) -> None:
    frame = BudgetFrame(
        year=2024, original={"a": Money(10**7), "b": Money(10**7), "c": Money(10**7)}
    )
    names = "abc"
    for source, target, amount in moves:
        frame = frame.reallocate(
            D(2024, 6, 1),
            from_sub_area=names[source],
            to_sub_area=names[target],
            amount=Money(amount),
        )
    assert frame.total == Money(3 * 10**7)
    frame = frame.appropriate(D(2024, 9, 1), sub_area="a", amount="1.000,00")
    assert frame.total == Money(3 * 10**7 + 100_000)
    assert frame.supplementary == Money.of("1.000,00")


def test_budget_change_validation() -> None:
    frame = BudgetFrame(year=2024, original={"a": Money(100)})
    with pytest.raises(StyringskerneError, match="positive"):
        frame.appropriate(D(2024, 1, 1), sub_area="a", amount="-5,00")


def test_assumptions_from_individual_data() -> None:
    """Two citizens for half a year each make one full-year person at their average price."""
    ledger = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL107", D(2023, 1, 1), D(2023, 7, 2)),
            day_stay("D2", "B-2", "SEL107", D(2023, 7, 3), D(2023, 12, 31), rate="2.000,00"),
        ]
    )
    (assumption,) = assumptions_from_ledger(ledger, 2023)
    assert assumption.citizens == 1
    assert assumption.average_price == Money.of("547.000,00")  # 183 × 1.000 + 182 × 2.000
    assert assumption.amount == ledger.full_year_cost(2023).total


@given(dispositions=disposition_lists(), year=st.integers(2022, 2026))
def test_assumptions_reproduce_the_year_within_rounding(dispositions, year) -> None:
    ledger = DispositionLedger(dispositions)
    assumptions = assumptions_from_ledger(ledger, year)
    once_free = all(s.unit.value != "once" for d in dispositions for s in d.segments)
    if once_free:
        total = Money.total(a.amount for a in assumptions)
        own = (
            DispositionLedger([d for d in dispositions if d.payer is None])
            .full_year_cost(year)
            .total
        )
        assert abs(total.ore - own.ore) <= len(assumptions)


def test_holstebro_target_moves_support_to_group_courses() -> None:
    support = SteeringAssumption(
        sub_area="5.38.39", service="SEL85", citizens=100, average_price="80.000,00"
    )
    moved = move_share(
        [support], from_service="SEL85", to_service="SEL82", share="0.6", average_price="20.000,00"
    )
    assert Money.total(a.amount for a in moved) == Money.of("4.400.000,00")
    with pytest.raises(StyringskerneError, match="no assumption"):
        move_share([support], from_service="SEL108", to_service="SEL82", share=1, average_price="1")


def test_overspend_requires_an_explanation_and_an_action_plan() -> None:
    ledger = DispositionLedger([day_stay("D1", "B-1", "SEL107", D(2024, 1, 1))])
    forecast = make_forecast(
        Snapshot(as_of=D(2024, 5, 31), ledger=ledger), budget={"5.38.52": Money.of("350.000,00")}
    )
    # 366.000 kr. expected against 350.000 kr.: 4,57 % overspend.
    assert missing_explanations(forecast, tolerance="0.04") == ("5.38.52",)
    assert missing_explanations(forecast, tolerance="0.05") == ()
    plan = VarianceExplanation(
        sub_area="5.38.52",
        explanation="a new citizen in a temporary placement since January",
        actions=[Action(description="review the placement", expected_effect="-16.000,00")],
    )
    assert missing_explanations(forecast, [plan], tolerance="0.04") == ()
    with pytest.raises(StyringskerneError, match="action plan"):
        VarianceExplanation(sub_area="5.38.52", explanation="x", actions=[])


def test_shadow_budget_indexes_the_outer_years() -> None:
    ledger = DispositionLedger([day_stay("D1", "B-1", "SEL108", D(2020, 1, 1))])
    outer = shadow_budgets(
        Snapshot(as_of=D(2024, 8, 31), ledger=ledger), index={2025: "1.02", 2026: "1.03"}
    )
    assert [f.total_expected for f in outer] == [
        Money.of("372.300,00"),
        Money.of("383.469,00"),
        Money.of("383.469,00"),
    ]


def test_haderslev_recovers_an_appropriation_over_three_years() -> None:
    """VIVE 2018 section 5.2, note 19: in Haderslev a supplementary appropriation is recovered
    over 3 years; an overspend carried to next year lowers that year's budget."""
    recovery = Recovery(amount=Money.of("1.000.000,00"), first_year=2019)
    assert recovery.instalments() == {
        2019: Money.of("333.333,34"),
        2020: Money.of("333.333,33"),
        2021: Money.of("333.333,33"),
    }
    overspent = YearResult(year=2018, budget=Money.of("50.000.000,00"),
                           accounts=Money.of("50.600.000,00"))  # fmt: skip
    carried = carried_result(overspent)
    assert carried == Money.of("-600.000,00")
    assert carried_result(overspent, share="1/2", cap=Money.of("250.000,00")) == Money.of(
        "-250.000,00"
    )
    budgets = budgets_after(
        {2019: Money.of("50.000.000,00"), 2020: Money.of("51.000.000,00"),
         2021: Money.of("52.000.000,00")},
        carried={2019: carried},
        recoveries=[recovery],
    )  # fmt: skip
    assert budgets == {
        2019: Money.of("49.066.666,66"),  # 50 mio. − 600.000 − 333.333,34
        2020: Money.of("50.666.666,67"),
        2021: Money.of("51.666.666,67"),
    }
    with pytest.raises(StyringskerneError, match="which has no budget"):
        budgets_after({2019: Money(0)}, recoveries=[recovery])
    with pytest.raises(StyringskerneError, match="'share' must be from 0 to 1"):
        carried_result(overspent, share=2)


@given(amount=st.integers(0, 10**13), years=st.integers(1, 10))
def test_recovery_parts_add_up_to_the_amount(amount: int, years: int) -> None:
    parts = Recovery(amount=Money(amount), first_year=2020, years=years).instalments()
    assert Money.total(parts.values()) == Money(amount)
    assert max(p.ore for p in parts.values()) - min(p.ore for p in parts.values()) <= 1
    assert sorted(parts) == list(range(2020, 2020 + years))
