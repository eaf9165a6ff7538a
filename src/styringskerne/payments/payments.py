"""A disposition's payments (udbetalinger): cash on dates, as opposed to its cost per day.

The ledger accrues a disposition's cost day by day; the finance system pays it in periods. A
:class:`Frequency` says how:

- ``monthly``: per calendar month, in advance, on ``day`` of the month (default the 1st); a
  disposition that starts later in the month is paid from its first day;
- ``monthly-arrears``: per calendar month, in arrears, on ``day`` of the following month;
- ``14-days`` and ``weekly``: periods of 14 or 7 days counted from the disposition's first
  day, each paid on its first day;
- ``once``: the whole cost of the disposition on its first day (not for open-ended ones).

Each payment is the disposition's exact cost of the period it pays — the differences of the
same rounded cumulative cost the ledger uses — so a disposition's payments add up to its cost
to the øre. A date on a weekend or bank closing day moves to the bank day before
(:class:`~styringskerne.payments.bankdays.BankCalendar`). Only this municipality's own spend
is paid (not dispositions another municipality pays). Assumptions that no source states: the
default payment day (the 1st), that 14-day and weekly periods count from the disposition's
first day and are paid in advance, and that a payment moves back, never forward.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any, Final, Literal, TextIO

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import OPEN_END, check_day, day_number, from_day_number
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.html import html_table
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import Money
from styringskerne.core.tabular import arrow_table, pandas_frame
from styringskerne.engine import (
    SegmentColumns,
    group_sum,
    grouped_interval_costs,
    windowed_interval_costs,
)
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.subareas import own_segments
from styringskerne.payments.bankdays import BankCalendar

__all__ = [
    "CSV_COLUMNS",
    "FREQUENCIES",
    "CashAndAccrual",
    "Frequency",
    "Payments",
    "make_payments",
]

Frequency = Literal["monthly", "monthly-arrears", "14-days", "weekly", "once"]
FREQUENCIES: Final[tuple[Frequency, ...]] = (
    "monthly",
    "monthly-arrears",
    "14-days",
    "weekly",
    "once",
)
CSV_COLUMNS: Final = ("date", "disposition_id", "citizen_id", "account", "amount")
_MARGIN: Final = 70
"""Days around the asked dates in which periods are made: a payment falls at most a month
and a few bank days from its period."""
_KEY_SPAN: Final = 1 << 23  # more than the day numbers of years 1-9999 (about 3,65 million)
_DAY_BASE: Final = day_number(dt.date(1, 1, 1))


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class Payments:
    """Payments due between two dates (udbetalinger), one row per payment.

    Attributes:
        first, last: the dates asked for (inclusive); every payment's date is between them.
        frequency: how the dispositions are paid.
        calendar: the bank days payment dates were moved to.
        date: each payment's date (day number).
        period_first, period_last: the days the payment pays for (day numbers, inclusive).
        disposition, citizen, account: each payment's disposition id, citizen id and account.
        service, provider: each payment's service and provider (``""`` when none is given).
        amount: each payment (øre); corrections may be negative.
        paid_ahead: the part of each payment for days after the month it is paid in (øre).
        paid_after: the part of each payment for days before the month it is paid in (øre).
        accrual_months: the calendar months from ``first`` to ``last`` (month numbers since
            January 1970).
        accrual_accounts: the accounts of :attr:`accrual`'s rows.
        accrual: the cost of those whole months per account (rows) and month (columns), own
            spend only: the accrual side of :meth:`cash_and_accrual`.
    """

    first: dt.date
    last: dt.date
    frequency: Frequency
    calendar: BankCalendar
    date: NDArray[np.int64]
    period_first: NDArray[np.int64]
    period_last: NDArray[np.int64]
    disposition: tuple[str, ...]
    citizen: tuple[str, ...]
    account: tuple[str, ...]
    service: tuple[str, ...]
    provider: tuple[str, ...]
    amount: NDArray[np.int64]
    paid_ahead: NDArray[np.int64]
    paid_after: NDArray[np.int64]
    accrual_months: NDArray[np.int64]
    accrual_accounts: tuple[str, ...]
    accrual: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.amount.size)

    @property
    def total(self) -> Money:
        """All payments together."""
        return Money(int(self.amount.sum()))

    def by_month(self) -> dict[tuple[int, int], dict[str, Money]]:
        """The cash view (likviditet): payments due per (year, month) and account."""
        months = _month_index(self.date)
        names, account = np.unique(np.array(self.account, dtype=np.str_), return_inverse=True)
        count = max(names.size, 1)
        keys, cell = np.unique(months * count + account.ravel(), return_inverse=True)
        sums = group_sum(cell.ravel(), self.amount, keys.size)
        result: dict[tuple[int, int], dict[str, Money]] = {}
        for key, total in zip(keys.tolist(), sums.tolist(), strict=True):
            month, name = divmod(key, count)
            row = result.setdefault((1970 + month // 12, month % 12 + 1), {})
            row[str(names[name])] = Money(total)
        return result

    def cash_and_accrual(self) -> tuple[CashAndAccrual, ...]:
        """Cash against accrual per month and account, the difference explained.

        One row per calendar month from ``first`` to ``last`` and account with a payment or a
        cost: ``cash`` is what is paid in the month, ``accrual`` the cost of the month's days;
        ``cash − accrual = paid_ahead + paid_after − not_paid_this_month``.
        """
        months = _month_index(self.date)
        month_position = np.searchsorted(self.accrual_months, months)
        accounts = self.accrual_accounts
        account_position = np.searchsorted(
            np.array(accounts, dtype=np.str_), np.array(self.account, dtype=np.str_)
        )
        shape = (len(accounts), self.accrual_months.size)
        cell = account_position * shape[1] + month_position
        size = shape[0] * shape[1]
        cash, ahead, after = (
            group_sum(cell, values, size).reshape(shape)
            for values in (self.amount, self.paid_ahead, self.paid_after)
        )
        rows = []
        for row, column in zip(*np.nonzero((cash != 0) | (self.accrual != 0)), strict=True):
            month = int(self.accrual_months[column])
            rows.append(
                CashAndAccrual(
                    year=1970 + month // 12,
                    month=month % 12 + 1,
                    account=accounts[row],
                    cash=Money(int(cash[row, column])),
                    accrual=Money(int(self.accrual[row, column])),
                    paid_ahead=Money(int(ahead[row, column])),
                    paid_after=Money(int(after[row, column])),
                )
            )
        return tuple(sorted(rows, key=lambda r: (r.year, r.month, r.account)))

    def rows(self, *, show_cpr: bool = False) -> list[dict[str, str]]:
        """One dict per payment with the columns of :data:`CSV_COLUMNS` (amount in kroner)."""
        return [
            {
                "date": from_day_number(day).isoformat(),
                "disposition_id": disposition if show_cpr else mask_text(disposition),
                "citizen_id": citizen if show_cpr else mask_id(citizen),
                "account": account,
                "amount": Money(amount).to_string(),
            }
            for day, disposition, citizen, account, amount in zip(
                self.date.tolist(),
                self.disposition,
                self.citizen,
                self.account,
                self.amount.tolist(),
                strict=True,
            )
        ]

    def write_csv(self, stream: TextIO, *, show_cpr: bool = False) -> None:
        """Write the payments as CSV: ``date,disposition_id,citizen_id,account,amount``."""
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows(show_cpr=show_cpr))

    def to_csv(self, *, show_cpr: bool = False) -> str:
        """The CSV of :meth:`write_csv` as a string."""
        buffer = io.StringIO()
        self.write_csv(buffer, show_cpr=show_cpr)
        return buffer.getvalue()

    def to_columns(self, *, show_cpr: bool = False) -> dict[str, list[Any]]:
        """A row per payment: ``date``, ``disposition_id``, ``citizen_id``, ``account``,
        ``service``, ``provider`` and ``amount_ore``, by the tidy rule of
        :mod:`styringskerne.core.tabular`."""
        return {
            "date": [from_day_number(day) for day in self.date.tolist()],
            "disposition_id": [d if show_cpr else mask_text(d) for d in self.disposition],
            "citizen_id": [c if show_cpr else mask_id(c) for c in self.citizen],
            "account": list(self.account),
            "service": list(self.service),
            "provider": [mask_text(p) for p in self.provider],
            "amount_ore": self.amount.tolist(),
        }

    def to_pandas(self, *, show_cpr: bool = False) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns`."""
        return pandas_frame(self.to_columns(show_cpr=show_cpr))

    def to_arrow(self, *, show_cpr: bool = False) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(show_cpr=show_cpr))

    def _repr_html_(self) -> str:
        table = self.by_month()
        accounts = sorted({name for row in table.values() for name in row})
        rows = [
            [
                f"{year}-{month:02d}",
                *(row.get(a, Money(0)).format_danish(unit="") for a in accounts),
            ]
            for (year, month), row in table.items()
        ]
        return html_table(
            f"Payments {self.first.isoformat()} – {self.last.isoformat()} per month and account "
            f"(kr., {self.frequency})",
            ["Month", *accounts],
            rows,
            [f"{len(self)} payments, {self.total.format_danish()} in all; bank days: "
             f"{self.calendar.description}"],
        )  # fmt: skip

    def to_json(self, *, show_cpr: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(show_cpr=show_cpr), indent=indent, ensure_ascii=False)

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, Any]:
        """Dates, frequency, total, the cash view per month and account, and the payments."""
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "frequency": self.frequency,
            "bank_days": self.calendar.description,
            "total": self.total.to_string(),
            "by_month": {
                f"{year}-{month:02d}": {name: amount.to_string() for name, amount in row.items()}
                for (year, month), row in self.by_month().items()
            },
            "cash_and_accrual": [row.to_dict() for row in self.cash_and_accrual()],
            "payments": self.rows(show_cpr=show_cpr),
        }


@masked_repr
@attrs.frozen(kw_only=True)
class CashAndAccrual:
    """Cash against accrual for one month and account (likviditet mod periodiseret udgift).

    ``cash`` is paid in the month; ``accrual`` is the cost of the month's days. Of the cash,
    ``paid_ahead`` pays days of later months (a 1 January payment moved back to 30 December
    counts in December) and ``paid_after`` days of earlier months (payment in arrears).
    """

    year: int
    month: int
    account: str
    cash: Money
    accrual: Money
    paid_ahead: Money
    paid_after: Money

    @property
    def for_the_month(self) -> Money:
        """The cash that pays days of the month itself."""
        return self.cash - self.paid_ahead - self.paid_after

    @property
    def not_paid_this_month(self) -> Money:
        """Cost of the month's days paid in another month (or outside the dates asked for)."""
        return self.accrual - self.for_the_month

    @property
    def difference(self) -> Money:
        """Cash − accrual = paid ahead + paid after − not paid this month."""
        return self.cash - self.accrual

    def to_dict(self) -> dict[str, str]:
        """Amounts as decimal strings, the month as ``"YYYY-MM"``."""
        return {
            "month": f"{self.year}-{self.month:02d}",
            "account": self.account,
            "cash": self.cash.to_string(),
            "accrual": self.accrual.to_string(),
            "difference": self.difference.to_string(),
            "paid_ahead": self.paid_ahead.to_string(),
            "paid_after": self.paid_after.to_string(),
            "not_paid_this_month": self.not_paid_this_month.to_string(),
        }


def make_payments(
    ledger: DispositionLedger,
    first: dt.date,
    last: dt.date,
    *,
    frequency: Frequency = "monthly",
    day: int = 1,
    calendar: BankCalendar | None = None,
) -> Payments:
    """The payments the dispositions cause with a date from ``first`` to ``last`` inclusive.

    Args:
        ledger: the dispositions.
        first, last: the payment dates asked for.
        frequency: see the module's documentation.
        day: the day of the month monthly payments are made (1-31; the month's last day when
            the month is shorter).
        calendar: bank closing days; default :meth:`BankCalendar.danish` for the years
            around the dates (needs the optional extra ``holidays``).

    Raises:
        StyringskerneError: for an unknown frequency, a day outside 1-31, ``last`` before
            ``first``, or ``once`` for an open-ended disposition.

    Examples:
        >>> from styringskerne import Disposition
        >>> stay = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108",
        ...     rate="1.000,00", unit="day", start=dt.date(2026, 1, 15), end=dt.date(2026, 3, 31))
        >>> paid = make_payments(DispositionLedger([stay]), dt.date(2026, 1, 1),
        ...     dt.date(2026, 12, 31), calendar=BankCalendar.weekends_only())
        >>> for row in paid.rows():
        ...     print(row["date"], row["amount"])
        2026-01-15 17000.00
        2026-01-30 28000.00
        2026-02-27 31000.00
    """
    if frequency not in FREQUENCIES:
        raise StyringskerneError(
            f"'frequency' must be one of {'|'.join(FREQUENCIES)} (got {frequency!r})"
        )
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
        raise StyringskerneError(f"'day' must be a day of the month, 1-31 (got {day!r})")
    first, last = check_day(first, "from"), check_day(last, "to")
    if last < first:
        raise StyringskerneError(f"'to' {last.isoformat()} is before 'from' {first.isoformat()}")
    if calendar is None:
        calendar = BankCalendar.danish(range(first.year - 1, last.year + 2))
    rows = np.flatnonzero(own_segments(ledger))
    columns = ledger.columns
    disposition_codes, dispositions = ledger.groups("disposition")
    window = (day_number(first) - _MARGIN, day_number(last) + 1 + _MARGIN)
    periods = _periods(
        disposition_codes[rows],
        columns.start[rows],
        columns.stop[rows],
        dispositions,
        frequency=frequency,
        day=day,
        window=window,
    )
    pair_rows, pair_periods = _pairs(
        disposition_codes[rows], columns.start[rows], columns.stop[rows], periods
    )
    pair_rows = rows[pair_rows]
    costs = (
        windowed_interval_costs(
            columns,
            pair_rows,
            periods.first[pair_periods],
            periods.stop[pair_periods],
            [int(periods.first.min()), int(periods.stop.max())],
        )[:, 0]
        if pair_rows.size
        else np.zeros(0, dtype=np.int64)
    )
    pair_dates = calendar.previous_bank_day(periods.date[pair_periods])
    ahead, after = _outside_the_month(
        columns,
        pair_rows,
        periods=periods,
        pair_periods=pair_periods,
        dates=pair_dates,
        costs=costs,
    )
    # One payment per period and account (a disposition keeps one account in practice).
    account_codes, accounts = ledger.groups("account")
    keys, index = np.unique(
        pair_periods * max(accounts.size, 1) + account_codes[pair_rows], return_inverse=True
    )
    amounts, ahead, after = (
        group_sum(index.ravel(), values, keys.size) for values in (costs, ahead, after)
    )
    period, account = np.divmod(keys, max(accounts.size, 1))
    dates = calendar.previous_bank_day(periods.date[period])
    kept = np.flatnonzero(
        (amounts != 0) & (dates >= day_number(first)) & (dates <= day_number(last))
    )
    # By date, then disposition.
    kept = kept[np.lexsort((periods.disposition[period[kept]], dates[kept]))]
    chosen = period[kept]
    owner = periods.disposition[chosen]
    of_disposition = {}
    for name in ("citizen", "service", "provider"):
        codes, labels = ledger.groups(name)
        # Citizen, service and provider are the disposition's own: any segment gives them.
        code_of = np.zeros(dispositions.size, dtype=np.int64)
        code_of[disposition_codes] = codes
        of_disposition[name] = tuple(labels[code_of[owner]].astype(str).tolist())
    return Payments(
        first=first,
        last=last,
        frequency=frequency,
        calendar=calendar,
        date=dates[kept],
        period_first=periods.first[chosen],
        period_last=periods.stop[chosen] - 1,
        disposition=tuple(dispositions[owner].astype(str).tolist()),
        citizen=of_disposition["citizen"],
        account=tuple(accounts[account[kept]].astype(str).tolist()),
        service=of_disposition["service"],
        provider=of_disposition["provider"],
        amount=amounts[kept],
        paid_ahead=ahead[kept],
        paid_after=after[kept],
        **_accrual(ledger, rows, first, last),
    )


def _outside_the_month(
    columns: SegmentColumns,
    rows: NDArray[np.int64],
    *,
    periods: _Periods,
    pair_periods: NDArray[np.int64],
    dates: NDArray[np.int64],
    costs: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The part of each (segment, period) cost for days after and before its payment's month.

    Most periods lie wholly in one month; only those that cross a month's edge are cut, into
    windows of the same rounded cumulative cost, so the parts add up to the cost exactly.
    """
    first, stop = periods.first[pair_periods], periods.stop[pair_periods]
    month = _month_index(dates)
    month_first, month_stop = _month_start(month), _month_start(month + 1)
    ahead = np.where(first >= month_stop, costs, 0)
    after = np.where(stop <= month_first, costs, 0)
    crossing = np.flatnonzero(
        ((first < month_first) & (stop > month_first))
        | ((first < month_stop) & (stop > month_stop))
    )
    if crossing.size:
        span = [int(first[crossing].min()), int(stop[crossing].max())]
        after[crossing] = windowed_interval_costs(
            columns,
            rows[crossing],
            first[crossing],
            np.minimum(stop[crossing], month_first[crossing]),
            span,
        )[:, 0]
        ahead[crossing] = windowed_interval_costs(
            columns,
            rows[crossing],
            np.maximum(first[crossing], month_stop[crossing]),
            stop[crossing],
            span,
        )[:, 0]
    return ahead, after


def _accrual(
    ledger: DispositionLedger, rows: NDArray[np.int64], first: dt.date, last: dt.date
) -> dict[str, Any]:
    """The cost of the whole months from ``first`` to ``last`` per account, own spend only."""
    months = np.arange(
        _month_index(np.array([day_number(first)]))[0],
        _month_index(np.array([day_number(last)]))[0] + 1,
    )
    boundaries = _month_start(np.append(months, months[-1] + 1))
    account_codes, accounts = ledger.groups("account")
    codes = np.full(len(ledger.columns), accounts.size, dtype=np.int64)
    codes[rows] = account_codes[rows]
    costs = (
        grouped_interval_costs(ledger.columns, codes, accounts.size + 1, boundaries)[:-1]
        if len(ledger.columns)
        else np.zeros((0, months.size), dtype=np.int64)
    )
    return {
        "accrual_months": months,
        "accrual_accounts": tuple(accounts.astype(str).tolist()),
        "accrual": costs,
    }


@masked_repr
@attrs.frozen
class _Periods:
    """Payment periods sorted by disposition and first day: [first, stop) paid on date."""

    disposition: NDArray[np.int64]
    first: NDArray[np.int64]
    stop: NDArray[np.int64]
    date: NDArray[np.int64]


def _periods(
    codes: NDArray[np.int64],
    starts: NDArray[np.int64],
    stops: NDArray[np.int64],
    labels: NDArray[Any],
    *,
    frequency: Frequency,
    day: int,
    window: tuple[int, int],
) -> _Periods:
    """Each disposition's periods that meet the window, with their (unshifted) dates."""
    count = labels.size
    life_first = np.full(count, OPEN_END, dtype=np.int64)
    life_stop = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(life_first, codes, starts)
    np.maximum.at(life_stop, codes, stops)
    present = np.flatnonzero(life_first < life_stop)
    if frequency == "once":
        open_ended = present[life_stop[present] >= OPEN_END]
        if open_ended.size:
            shown = ", ".join(mask_text(str(labels[code])) for code in open_ended[:5].tolist())
            raise StyringskerneError(
                f"'once' pays a disposition's whole cost, but {open_ended.size} have no end "
                f"date (e.g. {shown}); give them an end date or another frequency"
            )
        meets = (life_first[present] < window[1]) & (life_stop[present] > window[0])
        chosen = present[meets]
        return _Periods(
            disposition=chosen,
            first=life_first[chosen],
            stop=life_stop[chosen],
            date=life_first[chosen],
        )
    low = np.maximum(life_first[present], window[0])
    high = np.minimum(life_stop[present], window[1])
    meets = low < high
    present, low, high = present[meets], low[meets], high[meets]
    if frequency in ("monthly", "monthly-arrears"):
        first_month, last_month = _month_index(low), _month_index(high - 1)
        owner, month = _expand(present, first_month, last_month - first_month + 1)
        month_first, month_stop = _month_start(month), _month_start(month + 1)
        period_first = np.maximum(month_first, life_first[owner])
        if frequency == "monthly":
            date = np.maximum(_pay_day(month, day), period_first)
        else:
            date = _pay_day(month + 1, day)
        return _Periods(
            disposition=owner,
            first=period_first,
            stop=np.minimum(month_stop, life_stop[owner]),
            date=date,
        )
    length = 14 if frequency == "14-days" else 7
    anchor = life_first[present]
    first_step = (low - anchor) // length
    last_step = (high - 1 - anchor) // length
    owner, step = _expand(present, first_step, last_step - first_step + 1)
    period_first = life_first[owner] + step * length
    return _Periods(
        disposition=owner,
        first=period_first,
        stop=np.minimum(period_first + length, life_stop[owner]),
        date=period_first,
    )


def _expand(
    owner: NDArray[np.int64], first: NDArray[np.int64], count: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """``first[i], first[i] + 1, …`` (``count[i]`` values) for each i, with its owner."""
    counts = np.maximum(count, 0)
    repeated = np.repeat(owner, counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return repeated, np.repeat(first, counts) + offsets


def _month_index(days: NDArray[np.int64]) -> NDArray[np.int64]:
    result: NDArray[np.int64] = (
        days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    )
    return result


def _month_start(months: NDArray[np.int64]) -> NDArray[np.int64]:
    result: NDArray[np.int64] = (
        months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    )
    return result


def _pay_day(months: NDArray[np.int64], day: int) -> NDArray[np.int64]:
    """The day ``day`` of each month, or its last day when the month is shorter."""
    start = _month_start(months)
    result: NDArray[np.int64] = start + np.minimum(day, _month_start(months + 1) - start) - 1
    return result


def _pairs(
    codes: NDArray[np.int64],
    starts: NDArray[np.int64],
    stops: NDArray[np.int64],
    periods: _Periods,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every (segment, period) of the same disposition whose days meet: their positions."""
    if periods.first.size == 0 or codes.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    # Periods of one disposition are consecutive and ascending: one key orders them all.
    first_key = periods.disposition * _KEY_SPAN + (periods.first - _DAY_BASE)
    stop_key = periods.disposition * _KEY_SPAN + (periods.stop - _DAY_BASE)
    clipped_start = np.clip(starts, _DAY_BASE, _DAY_BASE + _KEY_SPAN - 1)
    clipped_stop = np.clip(stops, _DAY_BASE, _DAY_BASE + _KEY_SPAN - 1)
    low = np.searchsorted(stop_key, codes * _KEY_SPAN + (clipped_start - _DAY_BASE), side="right")
    high = np.searchsorted(first_key, codes * _KEY_SPAN + (clipped_stop - _DAY_BASE), side="left")
    segment, period = _expand(np.arange(codes.size), low, high - low)
    return segment, period
