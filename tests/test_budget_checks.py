"""Every check of the budget frame's inputs, word for word, and its splits worked by hand."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from styringskerne.budget.frame import (
    BudgetChange,
    BudgetFrame,
    SteeringAssumption,
    YearResult,
    budget_keeping,
    budget_precision,
    mean_deviation,
    move_share,
)
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.money import Money


def _message(build: Any) -> str:
    with pytest.raises(StyringskerneError) as error:
        build()
    return str(error.value)


def test_budget_inputs_are_checked_word_for_word() -> None:
    assert _message(
        lambda: SteeringAssumption(sub_area="A", service="SEL85", citizens=-1,
                                   average_price="1.000,00")
    ) == "'citizens' must be >= 0 (got -1)"  # fmt: skip
    assert _message(
        lambda: move_share([], from_service="SEL85", to_service="SEL82", share="3/2",
                           average_price="1.000,00")
    ) == "'share' must be from 0 to 1 (got '3/2')"  # fmt: skip
    day = dt.date(2024, 3, 1)
    assert (
        _message(
            lambda: BudgetChange(kind="supplementary", date=day, to_sub_area="A", amount="0,00")
        )
        == "a budget change must be positive (got 0,00 kr.)"
    )
    for from_sub_area, kind in ((None, "reallocation"), ("B", "supplementary")):
        assert _message(
            lambda f=from_sub_area, k=kind: BudgetChange(
                kind=k, date=day, to_sub_area="A", amount="1,00", from_sub_area=f
            )
        ) == (
            "a reallocation names the sub-area it takes from; a supplementary appropriation "
            "does not"
        )
    assert _message(lambda: YearResult(year=2024, budget="0,00", accounts="1,00")) == (
        "year 2024: the budget must be positive"
    )
    assert _message(lambda: budget_keeping([])) == "budget keeping needs at least one year"
    assert _message(lambda: budget_precision([])) == "budget precision needs at least one year"
    assert _message(lambda: mean_deviation([])) == "the mean deviation needs at least one year"


def test_a_frame_split_in_proportion_adds_up_to_the_total() -> None:
    # 1 : 2 of 100,00 kr.: 33,33 and 66,67 kr. (the øre left goes to the larger remainder).
    assumptions = [
        SteeringAssumption(sub_area="A", service="SEL85", citizens=1, average_price="1,00"),
        SteeringAssumption(sub_area="B", service="SEL82", citizens=1, average_price="1,00"),
        SteeringAssumption(sub_area="B", service="SEL83", citizens=1, average_price="1,00"),
    ]
    as_given = BudgetFrame.from_assumptions(2024, assumptions)
    assert dict(as_given.original) == {"A": Money(100), "B": Money(200)}
    split = BudgetFrame.from_assumptions(2024, assumptions, total=Money(10_000))
    assert dict(split.original) == {"A": Money(3_333), "B": Money(6_667)}
    assert split.total == Money(10_000)
    results = [YearResult(year=2023, budget="100,00", accounts="110,00"),
               YearResult(year=2024, budget="100,00", accounts="95,00")]  # fmt: skip
    assert budget_keeping(results) == Fraction(1, 2)
    assert budget_precision(results) == Fraction(3, 40)  # (10 % + 5 %) / 2
