"""Edge cases as explicit examples beside the properties: rounding ties, the CPR century rule,
29 February, the last day of a disposition, 31 December / 1 January. Each expected value is
worked out by hand here, not computed by the code under test."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pytest

from styringskerne import DispositionLedger, Money
from styringskerne.core.cpr import age_on, birthday, cpr_birth_date
from styringskerne.core.errors import MoneyError, StyringskerneError
from styringskerne.engine import rounded_ratio
from styringskerne.forecast.transitions import YouthTransition
from styringskerne.kpi.figures import citizens_at
from tests.builders import day_stay, plain_segments

D = dt.date


@pytest.mark.parametrize(
    ("numerator", "units", "denominator", "rounded"),
    [
        (1, 1, 2, 0),  # ½ øre: to the even 0, not up to 1
        (3, 1, 2, 2),  # 1½: to the even 2
        (5, 1, 2, 2),  # 2½: to 2, not 3
        (-1, 1, 2, 0),  # −½: to 0
        (-3, 1, 2, -2),  # −1½: to −2
        (7, 3, 2, 10),  # 10½: to 10
        (1, 3, 6, 0),  # ½ again through units
        (149, 1, 2, 74),  # 74½: to 74
    ],
)
def test_rounding_ties_go_to_the_even_ore(
    numerator: int, units: int, denominator: int, rounded: int
) -> None:
    got = rounded_ratio(
        np.array([numerator], np.int64), np.array([units], np.int64), np.array([denominator])
    )
    assert int(got[0]) == rounded


def test_money_ties_go_to_the_even_ore() -> None:
    assert Money(1).multiply("1/2") == Money(0)
    assert Money(3).multiply("1/2") == Money(2)
    assert Money(-3).multiply("1/2") == Money(-2)
    assert Money.from_fraction(Fraction(5, 2)) == Money(2)
    assert Money.from_fraction(Fraction(-5, 2)) == Money(-2)
    assert Money.from_fraction(Fraction(7, 2)) == Money(4)
    with pytest.raises(MoneyError, match="exact Fraction of øre"):
        Money.from_fraction(2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("010100-3999", D(1900, 1, 1)),  # 0-3: always the 1900s
        ("311299-0001", D(1999, 12, 31)),
        ("010100-9000", D(2000, 1, 1)),  # 9 with 00-36: the 2000s
        ("010136-9999", D(2036, 1, 1)),
        ("010137-9000", D(1937, 1, 1)),  # 9 with 37-99: the 1900s
        ("311299-9999", D(1999, 12, 31)),
        ("010100-5000", D(2000, 1, 1)),  # 5-8 with 00-57: the 2000s
        ("010157-8999", D(2057, 1, 1)),
        ("010158-5000", D(1858, 1, 1)),  # 5-8 with 58-99: the 1800s
        ("311299-8999", D(1899, 12, 31)),
        ("010137-4000", D(1937, 1, 1)),  # 4 like 9
    ],
)
def test_cpr_century_rule_at_every_boundary(cpr: str, born: dt.date) -> None:
    assert cpr_birth_date(cpr) == born


def test_a_29_february_birthday_counts_from_1_march() -> None:
    """Born 29 February 2004: 18 on 1 March 2022 (no 29 February that year), 20 on 29
    February 2024; the youth's transition is on the 18th birthday so counted."""
    born = D(2004, 2, 29)
    assert birthday(born, 18) == D(2022, 3, 1)
    assert birthday(born, 20) == D(2024, 2, 29)
    youth = YouthTransition(
        citizen_id="B-1", birth_date=born, service="SEL107", yearly_cost="365.000,00",
        probability=1,
    )  # fmt: skip
    assert youth.expected_transition == D(2022, 3, 1)
    # 2022 after the transition: 1 March - 31 December = 306 days of 1.000 kr.
    assert youth.expected_cost(2022) == Money.of("306.000,00")


def test_the_last_day_counts_and_the_day_after_does_not() -> None:
    """A stay ending 31 December (inclusive): in service that day, not on 1 January; its cost
    in the year is every day, 1 January to 31 December."""
    ledger = DispositionLedger([day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), D(2024, 12, 31))])
    assert citizens_at(ledger, D(2024, 12, 31)) == {"SEL108": 1}
    assert citizens_at(ledger, D(2025, 1, 1)).get("SEL108", 0) == 0
    assert ledger.cost(D(2024, 1, 1), D(2024, 12, 31)).total == Money.of("366.000,00")
    assert ledger.cost(D(2025, 1, 1), D(2025, 1, 31)).total == Money(0)
    one_day = DispositionLedger([day_stay("D2", "B-2", "SEL108", D(2024, 2, 29), D(2024, 2, 29))])
    assert one_day.cost(D(2024, 1, 1), D(2024, 12, 31)).total == Money.of("1.000,00")


def test_cpr_replacement_numbers_and_their_boundaries() -> None:
    """A replacement number (erstatningspersonnummer) raises the day by 60: day 61 is the 1st;
    day 60 is neither a day nor a replacement (found by mutation testing)."""
    assert cpr_birth_date("610190-1234") == D(1990, 1, 1)
    assert cpr_birth_date("910190-1234") == D(1990, 1, 31)
    with pytest.raises(StyringskerneError) as error:
        cpr_birth_date("600190-1234")
    assert "600190-1234" not in str(error.value)
    with pytest.raises(StyringskerneError, match="is not a CPR number; expected DDMMYY-SSSS"):
        cpr_birth_date("B-00001")


def test_age_on_the_birth_date_is_zero_and_before_it_undefined() -> None:
    born = D(2006, 3, 1)
    assert age_on(born, born) == 0
    assert age_on(born, D(2024, 2, 29)) == 17
    assert age_on(born, D(2024, 3, 1)) == 18
    with pytest.raises(StyringskerneError, match="is before the birth date; age is not defined"):
        age_on(born, D(2006, 2, 28))


def test_a_date_range_holds_its_first_and_last_day_and_nothing_else() -> None:
    """Both ends are inclusive; a text or a datetime is no day of it; an open range never ends."""
    from styringskerne.core.calendar import DateRange

    january = DateRange(start=D(2024, 1, 1), end=D(2024, 1, 31))
    assert D(2024, 1, 1) in january
    assert D(2024, 1, 31) in january
    assert D(2023, 12, 31) not in january
    assert D(2024, 2, 1) not in january
    assert "2024-01-15" not in january
    assert D(2099, 1, 1) in DateRange(start=D(2024, 1, 1))


def test_date_range_intersections_by_hand() -> None:
    from styringskerne.core.calendar import DateRange

    first = DateRange(start=D(2024, 1, 1), end=D(2024, 1, 10))
    touching = DateRange(start=D(2024, 1, 10), end=D(2024, 1, 20))
    assert first.intersection(touching) == DateRange(start=D(2024, 1, 10), end=D(2024, 1, 10))
    assert first.intersection(DateRange(start=D(2024, 1, 11))) is None
    open_ended = DateRange(start=D(2024, 3, 1)).intersection(DateRange(start=D(2024, 1, 1)))
    assert open_ended == DateRange(start=D(2024, 3, 1))
    assert open_ended.end is None


def test_listing_the_days_of_a_range_and_of_a_month() -> None:
    from styringskerne.core.calendar import BudgetYear, DateRange

    days = list(DateRange(start=D(2024, 2, 27), end=D(2024, 3, 1)))
    assert days == [D(2024, 2, 27), D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1)]
    with pytest.raises(StyringskerneError) as caught:
        list(DateRange(start=D(2024, 1, 1)))
    assert str(caught.value) == "cannot list the days of an open-ended range"
    assert BudgetYear(2024).month(12) == DateRange(start=D(2024, 12, 1), end=D(2024, 12, 31))
    assert BudgetYear(2024).month(2).days == 29
    for month in (0, 13):
        with pytest.raises(StyringskerneError) as caught:
            BudgetYear(2024).month(month)
        assert str(caught.value) == f"'month' must be 1 to 12 (got {month})"


def test_dense_codes_and_row_sums_by_hand() -> None:
    """Codes are int64 positions among the distinct values; rows summed by group whether
    the groups come sorted, or unsorted behind their smallest code."""
    from styringskerne.engine import dense_codes, group_rows_sum

    keys, inverse = dense_codes(np.array([5, 2, 5, 0]), 6)
    assert keys.dtype == np.int64
    assert inverse.dtype == np.int64
    assert inverse.tolist() == [2, 1, 2, 0]
    values = np.array([[1, 10], [2, 20], [3, 30], [4, 40]], dtype=np.int64)
    unsorted = group_rows_sum(np.array([0, 2, 1, 2]), values, 3)
    assert unsorted.tolist() == [[1, 10], [3, 30], [6, 60]]
    in_order = group_rows_sum(np.array([0, 1, 1, 2]), values, 3)
    assert in_order.tolist() == [[1, 10], [5, 50], [4, 40]]


def test_calendar_messages_word_for_word() -> None:
    """What a user reads for a datetime, a text, an end before the start and an as-of date in
    another year (from the survivors of mutation testing the calendar)."""
    from styringskerne.core.calendar import BudgetYear, DateRange, as_of_in_year, check_day

    utc = dt.UTC
    for value, message in (
        (
            dt.datetime(2024, 3, 31, 12, 0),
            "'day' must be a datetime.date, not a datetime (2024-03-31T12:00:00); pass its "
            ".date() as the day the case system records",
        ),
        (
            dt.datetime(2024, 3, 31, 12, 0, tzinfo=utc),
            "'day' must be a datetime.date, not a datetime with a time zone "
            "(2024-03-31T12:00:00+00:00); pass its .date() as the day the case system records",
        ),
    ):
        with pytest.raises(StyringskerneError) as caught:
            check_day(value, "day")
        assert str(caught.value) == message
    for value, message in (
        (20240331, "'day' must be a datetime.date (got 20240331 that is a int)"),
        (
            "2024-03-31",
            "'day' must be a datetime.date (got '2024-03-31' that is a str); write "
            "datetime.date(2024, 3, 31) or parse_date('2024-03-31')",
        ),
    ):
        with pytest.raises(StyringskerneError) as caught:
            check_day(value, "day")
        assert str(caught.value) == message
    with pytest.raises(StyringskerneError, match="^'start' must be a datetime.date"):
        DateRange(start="2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(StyringskerneError, match="^'end' must be a datetime.date"):
        DateRange(start=D(2024, 1, 1), end="2024-01-31")  # type: ignore[arg-type]
    with pytest.raises(StyringskerneError) as caught:
        DateRange(start=D(2024, 2, 1), end=D(2024, 1, 31))
    assert str(caught.value) == (
        "'end' 2024-01-31 is before 'start' 2024-02-01; the end date is inclusive and must be "
        "on or after the start"
    )
    assert "2024-06-30" not in BudgetYear(2024)
    assert D(2024, 6, 30) in BudgetYear(2024)
    assert D(2025, 1, 1) not in BudgetYear(2024)
    assert as_of_in_year(D(2024, 12, 31), None) == (D(2024, 12, 31), BudgetYear(2024))
    assert as_of_in_year(D(2024, 12, 31), 2024)[1] == BudgetYear(2024)
    with pytest.raises(StyringskerneError) as caught:
        as_of_in_year(D(2024, 6, 30), 2025)
    assert str(caught.value) == "as-of date 2024-06-30 is not in budget year 2025"
    with pytest.raises(StyringskerneError, match="^'day' must be a datetime.date"):
        as_of_in_year("2024-06-30", None)
    with pytest.raises(StyringskerneError, match="^'as_of' must be a datetime.date"):
        as_of_in_year("2024-06-30", None, "as_of")


def _three_segments(rows: list[int]) -> tuple[object, np.ndarray]:
    """A one-off 5,00 kr. on day 100; 1.000 kr. a day on days 99-101; 0,10 kr. a week from
    day 98 (10/7 øre a day: rounded cumulative 0, 1, 3, 4, 6, 7, 9, 10, so the days cost 1, 2,
    1, 2, 1, 2, 1 øre from its start). The first two in group 0, the third in group 1."""
    table = {
        "start": [100, 99, 98],
        "stop": [101, 102, 200],
        "unit": ["once", "day", "week"],
        "rate_ore": [500, 100_000, 10],
    }
    columns = plain_segments(
        **{key: [values[row] for row in rows] for key, values in table.items()}
    )  # type: ignore[arg-type]
    return columns, np.array([[0, 0, 1][row] for row in rows])


def test_daily_costs_by_hand_at_the_window_edges() -> None:
    """A one-off amount on the window's first day counts; a one-day window, a single
    segment and an empty window, each worked out by hand (see ``_three_segments``)."""
    from styringskerne.engine import daily_by_group

    columns, groups = _three_segments([0, 1, 2])
    got = daily_by_group(columns, groups, 2, 100, 103)
    assert got.tolist() == [[100_500, 100_000, 0], [1, 2, 1]]
    assert daily_by_group(columns, groups, 2, 100, 101).tolist() == [[100_500], [1]]
    assert daily_by_group(columns, groups, 2, 101, 102).tolist() == [[100_000], [2]]
    assert daily_by_group(columns, groups, 2, 100, 100).shape == (2, 0)
    alone, group = _three_segments([0])
    assert daily_by_group(alone, group, 1, 100, 101).tolist() == [[500]]
    assert daily_by_group(alone, group, 1, 99, 101).tolist() == [[0, 500]]
    weekly, group = _three_segments([2])
    assert daily_by_group(weekly, group * 0, 1, 98, 105).tolist() == [[1, 2, 1, 2, 1, 2, 1]]


def test_daily_costs_of_a_month_price_and_of_a_huge_daily_amount_by_hand() -> None:
    """31.000,00 kr. a month from 1 January 2024: 1.000 kr. on each day of January (31 days);
    in February (29 days) the cumulative cost is 31.000 kr. × (1 + j/29), rounded: 1 February
    costs 1.068,97 (3.206.896,55 øre rounds up) and 2 February 1.068,96. A daily amount of
    2**53 + 1 øre (beyond a float's exact integers) costs exactly that."""
    from styringskerne.engine import daily_by_group

    def day(text: str) -> int:
        return int(np.datetime64(text, "D").astype(np.int64))

    def one(start: str, stop: str, unit: str, rate: int) -> object:
        return plain_segments(start=[day(start)], stop=[day(stop)], unit=[unit], rate_ore=[rate])

    month = one("2024-01-01", "2024-03-01", "month", 3_100_000)
    got = daily_by_group(month, np.zeros(1), 1, day("2024-01-30"), day("2024-02-03"))
    assert got.tolist() == [[100_000, 100_000, 106_897, 106_896]]
    february = daily_by_group(month, np.zeros(1), 1, day("2024-02-01"), day("2024-03-01"))
    assert int(february.sum()) == 3_100_000
    huge = one("2024-01-01", "2024-01-03", "day", 2**53 + 1)
    got = daily_by_group(huge, np.zeros(1), 1, day("2024-01-01"), day("2024-01-03"))
    assert got.tolist() == [[2**53 + 1, 2**53 + 1]]
