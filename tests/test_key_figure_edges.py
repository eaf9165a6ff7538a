"""Edges of the key figures (nøgletal) worked by hand: periods, places, stays, score order."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from styringskerne import DispositionLedger
from styringskerne.core.errors import StyringskerneError
from styringskerne.kpi.figures import (
    Score,
    full_year_persons_exact,
    length_of_stay,
    occupancy,
    progression,
)
from tests.builders import day_stay

LEDGER = DispositionLedger(
    [day_stay("D1", "B-1", "SEL107", dt.date(2024, 1, 1), dt.date(2024, 1, 31), provider="P")]
)


def test_full_year_persons_stay_within_one_budget_year() -> None:
    with pytest.raises(StyringskerneError) as error:
        full_year_persons_exact(LEDGER, dt.date(2024, 12, 1), dt.date(2025, 1, 31))
    assert str(error.value).startswith(
        "full-year persons are per budget year; 2024-12-01–2025-01-31 "
    )
    # 31 days of 366: one citizen for January is 31/366 of a full-year person.
    got = full_year_persons_exact(LEDGER, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert list(got.values()) == [Fraction(31, 366)]


def test_occupancy_needs_places_above_zero() -> None:
    with pytest.raises(StyringskerneError) as error:
        occupancy(LEDGER, dt.date(2024, 1, 1), dt.date(2024, 1, 31), places={"P": 0})
    assert str(error.value) == "provider 'P' must have places above 0"
    # 31 citizen-days of 2 places × 31 days; a provider without citizens is at 0.
    got = occupancy(LEDGER, dt.date(2024, 1, 1), dt.date(2024, 1, 31), places={"P": 2, "Q": 1})
    assert got == {"P": Fraction(1, 2), "Q": Fraction(0)}


def test_no_stay_ended_in_the_period() -> None:
    assert length_of_stay(LEDGER, dt.date(2024, 3, 1), dt.date(2024, 3, 31)) == {
        "stays": 0,
        "average_days": Fraction(0),
        "longest_days": 0,
    }
    assert length_of_stay(LEDGER, dt.date(2024, 1, 1), dt.date(2024, 1, 31)) == {
        "stays": 1,
        "average_days": Fraction(31),
        "longest_days": 31,
    }


def test_progression_takes_each_citizens_earliest_and_latest_score_in_any_order() -> None:
    def score(day: int, value: int, citizen: str = "B-1") -> Score:
        return Score(citizen_id=citizen, theme="t", day=dt.date(2024, 1, day), value=value)

    # Given latest first, with a middle score and a second score on the last day (the later
    # one given wins); B-2 has one day only and does not count.
    scores = [score(20, 4), score(10, 9), score(1, 1), score(20, 3), score(5, 2, "B-2"),
              score(5, 4, "B-2")]  # fmt: skip
    assert progression(scores) == {"t": Fraction(2)}
