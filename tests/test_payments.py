"""Payments and bank days: cash on dates that adds up to the cost (issue "Money flows" § 4).

Bank closing days are checked against Danmarks Nationalbank's list "Banklukkedage" for 2026
(nationalbanken.dk): 1 Jan, 2, 3 and 6 April, 14 and 15 May, 25 May, 5 June, 24, 25, 26 and
31 December. Expected amounts are days × rate by hand, or the plain reference of the tests.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections import defaultdict
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money, StyringskerneError
from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import day_number, from_day_number
from styringskerne.payments.bankdays import BankCalendar
from styringskerne.payments.payments import FREQUENCIES, Payments, make_payments
from tests.builders import day_stay
from tests.reference import segment_cost
from tests.strategies import disposition_lists

D = dt.date
WEEKENDS = BankCalendar.weekends_only()
NATIONALBANKEN_2026 = [
    D(2026, 1, 1), D(2026, 4, 2), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 14),
    D(2026, 5, 15), D(2026, 5, 25), D(2026, 6, 5), D(2026, 12, 24), D(2026, 12, 25),
    D(2026, 12, 26), D(2026, 12, 31),
]  # fmt: skip


def test_danish_bank_closing_days_are_nationalbankens_list() -> None:
    closed = BankCalendar.danish([2026]).closed
    weekdays = [day for day in closed if day.weekday() < 5]
    assert weekdays == [day for day in NATIONALBANKEN_2026 if day.weekday() < 5]


def test_a_payment_on_a_closing_day_moves_to_the_bank_day_before() -> None:
    # January 2026 is paid in advance on 1 January, New Year's Day; 31 December 2025 is a
    # bank closing day too, so the payment is made on Tuesday 30 December 2025.
    stay = day_stay("D1", "B-1", "SEL108", D(2026, 1, 1), D(2026, 1, 31), rate="1.000,00")
    paid = make_payments(DispositionLedger([stay]), D(2025, 12, 1), D(2026, 1, 31))
    assert [row["date"] for row in paid.rows()] == ["2025-12-30"]
    assert paid.total == Money(31 * 100_000)
    # Asked from 1 January, the payment made in December is not among them.
    assert len(make_payments(DispositionLedger([stay]), D(2026, 1, 1), D(2026, 1, 31))) == 0


def test_monthly_in_arrears_on_a_given_day() -> None:
    # 2.000 kr. a day from 10 March to 20 May 2026, paid on the 10th of the following month:
    # March (22 days) on Friday 10 April, April (30) on Sunday 10 May → Friday 8 May, May (20)
    # on Wednesday 10 June.
    stay = day_stay("D1", "B-1", "SEL108", D(2026, 3, 10), D(2026, 5, 20), rate="2.000,00")
    paid = make_payments(
        DispositionLedger([stay]),
        D(2026, 1, 1),
        D(2026, 12, 31),
        frequency="monthly-arrears",
        day=10,
        calendar=WEEKENDS,
    )
    assert [(row["date"], row["amount"]) for row in paid.rows()] == [
        ("2026-04-10", "44000.00"),
        ("2026-05-08", "60000.00"),
        ("2026-06-10", "40000.00"),
    ]
    assert paid.period_first.astype("datetime64[D]").tolist()[0] == D(2026, 3, 10)
    assert paid.period_last.astype("datetime64[D]").tolist()[-1] == D(2026, 5, 20)


def test_every_14_days_from_the_first_day() -> None:
    # 100 kr. a day from Monday 5 January 2026 for 30 days: 14 + 14 + 2 days.
    stay = day_stay("D1", "B-1", "SEL85", D(2026, 1, 5), D(2026, 2, 3), rate="100,00")
    paid = make_payments(
        DispositionLedger([stay]), D(2026, 1, 1), D(2026, 3, 31), frequency="14-days",
        calendar=WEEKENDS,
    )  # fmt: skip
    assert [(row["date"], row["amount"]) for row in paid.rows()] == [
        ("2026-01-05", "1400.00"),
        ("2026-01-19", "1400.00"),
        ("2026-02-02", "200.00"),
    ]


def test_once_pays_the_whole_cost_and_refuses_open_ended_dispositions() -> None:
    closed = day_stay("D1", "B-1", "SEL108", D(2026, 2, 2), D(2026, 2, 11), rate="500,00")
    paid = make_payments(
        DispositionLedger([closed]), D(2026, 1, 1), D(2026, 12, 31), frequency="once",
        calendar=WEEKENDS,
    )  # fmt: skip
    assert [(row["date"], row["amount"]) for row in paid.rows()] == [("2026-02-02", "5000.00")]
    open_ended = day_stay("D2", "010190-1234", "SEL108", D(2026, 2, 2))
    with pytest.raises(StyringskerneError, match="no end date") as error:
        make_payments(
            DispositionLedger([open_ended]), D(2026, 1, 1), D(2026, 12, 31), frequency="once",
            calendar=WEEKENDS,
        )  # fmt: skip
    assert "1234" not in str(error.value)


def test_options_are_checked() -> None:
    ledger = DispositionLedger([day_stay("D1", "B-1", "SEL108", D(2026, 1, 1))])
    with pytest.raises(StyringskerneError, match="'frequency' must be one of"):
        make_payments(ledger, D(2026, 1, 1), D(2026, 2, 1), frequency="daily")  # type: ignore[arg-type]
    with pytest.raises(StyringskerneError, match="'day' must be a day of the month"):
        make_payments(ledger, D(2026, 1, 1), D(2026, 2, 1), day=0, calendar=WEEKENDS)
    with pytest.raises(StyringskerneError, match="is before 'from'"):
        make_payments(ledger, D(2026, 2, 1), D(2026, 1, 1), calendar=WEEKENDS)


def test_another_municipality_pays_its_own() -> None:
    ours = day_stay("D1", "B-1", "SEL108", D(2026, 1, 1), D(2026, 1, 31))
    theirs = day_stay("D2", "B-2", "SEL108", D(2026, 1, 1), D(2026, 1, 31), payer="Vejle")
    paid = make_payments(DispositionLedger([ours, theirs]), D(2025, 12, 1), D(2026, 2, 28))
    assert paid.disposition == ("D1",)


def test_cpr_numbers_are_masked_unless_asked() -> None:
    stay = day_stay("D1", "010190-1234", "SEL108", D(2026, 3, 2), D(2026, 3, 31))
    paid = make_payments(DispositionLedger([stay]), D(2026, 3, 1), D(2026, 3, 31))
    text = paid.to_csv()
    assert text.splitlines()[0] == "date,disposition_id,citizen_id,account,amount"
    assert "1234" not in text
    assert "1234" not in repr(paid)
    assert "010190-****" in text
    assert "010190-1234" in paid.to_csv(show_cpr=True)


def test_without_the_holidays_package_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = builtins.__import__

    def no_holidays(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "holidays":
            raise ImportError("No module named 'holidays'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_holidays)
    with pytest.raises(ImportError, match=r"styringskerne\[holidays\].*weekends_only"):
        BankCalendar.danish([2026])


def _closed(disposition: Disposition) -> Disposition:
    """The disposition with an end date on an open last segment (once needs one)."""
    last = disposition.segments[-1]
    if last.end is not None:
        return disposition
    ended = attrs.evolve(last, end=last.start + dt.timedelta(days=100))
    return attrs.evolve(disposition, segments=(*disposition.segments[:-1], ended))


def _paid_around(
    dispositions: list[Disposition], frequency: str, day: int, *, danish: bool
) -> tuple[dt.date, dt.date, Payments]:
    """Payments from 40 days before the first start to 70 days after the last end."""
    first = min(s.start for d in dispositions for s in d.segments) - dt.timedelta(days=40)
    last = max(s.end for d in dispositions for s in d.segments if s.end) + dt.timedelta(days=70)
    calendar = BankCalendar.danish(range(first.year, last.year + 1)) if danish else WEEKENDS
    paid = make_payments(
        DispositionLedger(dispositions), first, last, frequency=frequency, day=day,  # type: ignore[arg-type]
        calendar=calendar,
    )  # fmt: skip
    return first, last, paid


@given(disposition_lists(), st.sampled_from(FREQUENCIES), st.integers(1, 31))
def test_payments_add_up_to_the_cost_for_every_frequency(
    dispositions: list[Disposition], frequency: str, day: int
) -> None:
    dispositions = [_closed(disposition) for disposition in dispositions]
    first, last, paid = _paid_around(dispositions, frequency, day, danish=True)
    by_disposition: dict[str, int] = defaultdict(int)
    for disposition_id, amount in zip(paid.disposition, paid.amount.tolist(), strict=True):
        by_disposition[disposition_id] += amount
    expected = {
        d.id: sum(segment_cost(s, d.probability, s.start, s.end) for s in d.segments)  # type: ignore[arg-type]
        for d in dispositions
    }
    assert dict(by_disposition) == {key: value for key, value in expected.items() if value}
    # Every date is a bank day between the dates asked for; no payment is of 0 kr.
    closed = {day_number(day) for day in paid.calendar.closed}
    dates = paid.date.tolist()
    assert all(day_number(first) <= day <= day_number(last) for day in dates)
    assert all(day not in closed and (day + 3) % 7 < 5 for day in dates)
    assert (paid.amount != 0).all()
    assert np.all(paid.period_first <= paid.period_last)


ACCOUNT = ServiceCatalogue.default().account_for


def _cost_of_days(disposition: Disposition, first: dt.date, last: dt.date) -> int:
    """The reference cost of a disposition's days ``first`` to ``last`` (0 when empty)."""
    if last < first:
        return 0
    total = 0
    for s in disposition.segments:
        assert s.end is not None
        low, high = max(first, s.start), min(last, s.end)
        if low <= high:
            total += segment_cost(s, disposition.probability, low, high)
    return total


def _month_edges(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


@given(disposition_lists(max_size=4), st.sampled_from(FREQUENCIES), st.integers(1, 31))
def test_cash_and_accrual_equal_the_reference(
    dispositions: list[Disposition], frequency: str, day: int
) -> None:
    dispositions = [_closed(disposition) for disposition in dispositions]
    first, last, paid = _paid_around(dispositions, frequency, day, danish=False)
    by_id = {d.id: d for d in dispositions}
    for index, disposition_id in enumerate(paid.disposition):
        d = by_id[disposition_id]
        month_first, month_last = _month_edges(from_day_number(int(paid.date[index])))
        period_first = from_day_number(int(paid.period_first[index]))
        period_last = from_day_number(int(paid.period_last[index]))
        ahead = _cost_of_days(d, max(period_first, month_last + dt.timedelta(days=1)), period_last)
        after = _cost_of_days(d, period_first, min(period_last, month_first - dt.timedelta(days=1)))
        assert (int(paid.paid_ahead[index]), int(paid.paid_after[index])) == (ahead, after)
    accrual: dict[tuple[int, int, str], int] = defaultdict(int)
    cash: dict[tuple[int, int, str], int] = defaultdict(int)
    for d in dispositions:
        month = first.replace(day=1)
        while month <= last:
            month_first, month_last = _month_edges(month)
            accrual[month.year, month.month, ACCOUNT(d.service)] += _cost_of_days(
                d, month_first, month_last
            )
            month = month_last + dt.timedelta(days=1)
    for index, account in enumerate(paid.account):
        date = from_day_number(int(paid.date[index]))
        cash[date.year, date.month, account] += int(paid.amount[index])
    rows = {(r.year, r.month, r.account): r for r in paid.cash_and_accrual()}
    keys = {key for key in accrual.keys() | cash.keys() if accrual[key] or cash[key]}
    assert set(rows) == keys
    for key in keys:
        assert (rows[key].cash.ore, rows[key].accrual.ore) == (cash[key], accrual[key])
        assert rows[key].difference == (
            rows[key].paid_ahead + rows[key].paid_after - rows[key].not_paid_this_month
        )


def test_cash_and_accrual_by_hand() -> None:
    """1.000 kr. a day from 15 January to 31 March 2026, paid monthly in advance on the 1st:
    1 February and 1 March 2026 are Sundays, so both are paid on the Friday before."""
    stay = Disposition.at_rate(
        id="D1", citizen_id="B-1", service="SEL108", rate="1.000,00", unit="day",
        start=D(2026, 1, 15), end=D(2026, 3, 31),
    )  # fmt: skip
    paid = make_payments(
        DispositionLedger([stay]), D(2026, 1, 1), D(2026, 3, 31), calendar=WEEKENDS
    )
    table = [
        (r.month, str(r.cash), str(r.accrual), str(r.paid_ahead), str(r.not_paid_this_month))
        for r in paid.cash_and_accrual()
    ]
    assert table == [
        (1, "45.000,00 kr.", "17.000,00 kr.", "28.000,00 kr.", "0,00 kr."),
        (2, "31.000,00 kr.", "28.000,00 kr.", "31.000,00 kr.", "28.000,00 kr."),
        (3, "0,00 kr.", "31.000,00 kr.", "0,00 kr.", "31.000,00 kr."),
    ]
    arrears = make_payments(
        DispositionLedger([stay]), D(2026, 1, 1), D(2026, 4, 30), frequency="monthly-arrears",
        day=10, calendar=WEEKENDS,
    )  # fmt: skip
    # February's payment (10 February) pays January's 17 days, after the month.
    february = next(r for r in arrears.cash_and_accrual() if r.month == 2)
    assert (str(february.cash), str(february.paid_after)) == ("17.000,00 kr.", "17.000,00 kr.")
