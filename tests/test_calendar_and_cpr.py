"""Dates, ranges, budget years and CPR numbers (DOMAIN § 2)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import (
    BudgetYear,
    Citizen,
    DateRange,
    StyringskerneError,
    age_on,
    cpr_birth_date,
    day_number,
    from_day_number,
    mask_id,
    parse_date,
)
from styringskerne.core.cpr import (
    birthday,
    is_cpr_shaped,
    mask_text,
    normalise_citizen_id,
    normalise_cpr,
)
from styringskerne.ledger.ages import NO_DAY, birth_day_numbers, birthday_numbers
from tests.strategies import DATES


@given(DATES)
def test_day_numbers_match_numpy_and_round_trip(day: dt.date) -> None:
    assert day_number(day) == int(np.datetime64(day, "D").astype(np.int64))
    assert from_day_number(day_number(day)) == day


def test_date_range_is_inclusive_at_the_api_and_half_open_inside() -> None:
    february = DateRange(start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29))
    assert february.days == 29
    assert february.stop_number - february.start_number == 29
    assert dt.date(2024, 2, 29) in february
    assert dt.date(2024, 3, 1) not in february
    with pytest.raises(StyringskerneError, match="before 'start'"):
        DateRange(start=dt.date(2024, 2, 2), end=dt.date(2024, 2, 1))
    with pytest.raises(StyringskerneError, match="must be a datetime.date"):
        DateRange(start="2024-01-01")  # type: ignore[arg-type]


def test_intersection() -> None:
    a = DateRange(start=dt.date(2024, 1, 1))
    b = DateRange(start=dt.date(2023, 6, 1), end=dt.date(2024, 3, 31))
    assert a.intersection(b) == DateRange(start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    assert DateRange(start=dt.date(2025, 1, 1)).intersection(b) is None


def test_budget_year() -> None:
    assert BudgetYear(2024).days == 366
    assert BudgetYear(2023).days == 365
    assert len(BudgetYear(2024).months()) == 12
    assert sum(month.days for month in BudgetYear(2024).months()) == 366
    with pytest.raises(StyringskerneError, match="'year'"):
        BudgetYear(99)


@pytest.mark.parametrize("text", ["2024-01-31", "31-01-2024", "31.01.2024", "31/1/2024"])
def test_parse_date_forms(text: str) -> None:
    assert parse_date(text) == dt.date(2024, 1, 31)


def test_parse_date_error_names_the_forms() -> None:
    with pytest.raises(StyringskerneError, match="YYYY-MM-DD"):
        parse_date("2024-02-30")


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("010190-1234", dt.date(1990, 1, 1)),  # 7th digit 0-3: 1900s
        ("010136-4000", dt.date(2036, 1, 1)),  # 4: 2000s up to 36
        ("010137-4000", dt.date(1937, 1, 1)),  # 4: 1900s from 37
        ("010110-9000", dt.date(2010, 1, 1)),  # 9 behaves like 4
        ("010157-5000", dt.date(2057, 1, 1)),  # 5-8: 2000s up to 57
        ("010158-8000", dt.date(1858, 1, 1)),  # 5-8: 1800s from 58
        ("290200-4000", dt.date(2000, 2, 29)),  # 2000 was a leap year
    ],
)
def test_birth_date_by_century_rules(cpr: str, born: dt.date) -> None:
    assert cpr_birth_date(cpr) == born


def test_birth_date_that_does_not_exist() -> None:
    """29 February 1900 did not exist (1900 was no leap year); the error masks the number."""
    with pytest.raises(StyringskerneError, match=r"290200-\*\*\*\*"):
        cpr_birth_date("2902001234")


def test_masking_everywhere() -> None:
    assert mask_id("010190-1234") == "010190-****"
    assert mask_id("0101901234") == "010190-****"
    assert mask_id("B-00017") == "B-00017"
    assert mask_text("citizen 0101901234 and 020290-4321") == "citizen 010190-**** and 020290-****"
    citizen = Citizen(id="010190-1234")
    assert "1234" not in repr(citizen)
    assert citizen.birth_date == dt.date(1990, 1, 1)
    assert normalise_cpr("0101901234") == "010190-1234"


def test_errors_never_show_a_whole_cpr() -> None:
    with pytest.raises(StyringskerneError) as caught:
        cpr_birth_date("320190-1234")
    assert "1234" not in str(caught.value)


def test_age_on_birthday() -> None:
    assert age_on(dt.date(2006, 3, 1), dt.date(2024, 2, 29)) == 17
    assert age_on(dt.date(2006, 3, 1), dt.date(2024, 3, 1)) == 18
    assert Citizen(id="B-1", birth_date=dt.date(2006, 3, 1)).age_on(dt.date(2024, 3, 1)) == 18
    with pytest.raises(StyringskerneError, match="no birth date"):
        Citizen(id="B-1").age_on(dt.date(2024, 3, 1))


# -- the same rules on arrays (ledger/ages.py) ---------------------------------------------

cpr_numbers = st.builds(
    lambda day, month, year, serial, replacement: (
        f"{day + (60 if replacement else 0):02d}{month:02d}{year:02d}-{serial:04d}"
    ),
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(0, 99),
    st.integers(0, 9999),
    st.booleans(),
)


@given(st.lists(st.one_of(cpr_numbers, st.text(max_size=12)), max_size=20))
def test_birth_days_on_arrays_follow_the_scalar_rule(ids: list[str]) -> None:
    def scalar(citizen_id: str) -> int | None:
        # The ledger keeps CPR numbers spelled DDMMYY-SSSS; other spellings are pseudonyms.
        if not (is_cpr_shaped(citizen_id) and normalise_citizen_id(citizen_id) == citizen_id):
            return None
        try:
            return day_number(cpr_birth_date(citizen_id))
        except StyringskerneError:
            return -1  # invalid date: the array rule must raise too

    expected = [scalar(citizen_id) for citizen_id in ids]
    if -1 in expected:
        with pytest.raises(StyringskerneError, match=r"\*\*\*\*"):
            birth_day_numbers(np.array(ids, dtype=np.str_))
        return
    got = birth_day_numbers(np.array(ids, dtype=np.str_)).tolist()
    assert got == [NO_DAY if day is None else day for day in expected]


@given(st.lists(st.dates(dt.date(1860, 1, 1), dt.date(2030, 12, 31)), max_size=20),
       st.integers(0, 100))  # fmt: skip
def test_birthdays_on_arrays_follow_the_scalar_rule(born: list[dt.date], age: int) -> None:
    days = np.array([day_number(day) for day in born] + [NO_DAY], dtype=np.int64)
    got = birthday_numbers(days, age).tolist()
    assert got == [day_number(birthday(day, age)) for day in born] + [NO_DAY]
