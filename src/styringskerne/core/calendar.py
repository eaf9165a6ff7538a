"""Dates, day numbers, date ranges and budget years (kalender og budgetår).

At the API a period is two ``datetime.date`` values, both inclusive, the way Danish case
systems record them. Inside, a day is an integer *day number*: days since 1970-01-01, the same
integer a ``numpy.datetime64[D]`` holds, and a period is half-open ``[start, stop)``. The
conversion happens once, here.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, Final

import attrs
from dateutil.relativedelta import relativedelta

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr

__all__ = [
    "OPEN_END",
    "BudgetYear",
    "DateRange",
    "add_months",
    "as_of_in_year",
    "check_day",
    "day_number",
    "from_day_number",
    "parse_date",
]

_EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
OPEN_END: Final = dt.date.max.toordinal() - _EPOCH_ORDINAL + 1
"""Day number used as the exclusive stop of an open-ended period (no end date)."""

_DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


def day_number(day: dt.date) -> int:
    """Day number (dagnummer) of a date: days since 1970-01-01, as in ``numpy.datetime64[D]``.

    Examples:
        >>> day_number(dt.date(1970, 1, 2))
        1
    """
    return day.toordinal() - _EPOCH_ORDINAL


def from_day_number(number: int) -> dt.date:
    """The date of a day number (inverse of :func:`day_number`)."""
    return dt.date.fromordinal(int(number) + _EPOCH_ORDINAL)


def add_months(day: dt.date, months: int) -> dt.date:
    """The date ``months`` calendar months later, clamped to the month's last day.

    Examples:
        >>> add_months(dt.date(2024, 1, 31), 1)
        datetime.date(2024, 2, 29)
    """
    result: dt.date = day + relativedelta(months=months)
    return result


def parse_date(text: str) -> dt.date:
    """Parse a date (dato): ISO ``2024-01-31`` or Danish ``31-01-2024`` / ``31.01.2024``.

    Raises:
        StyringskerneError: naming the text and the accepted forms.
    """
    cleaned = text.strip()
    try:
        match = _DANISH_DATE.match(cleaned)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(cleaned)
    except ValueError as error:
        raise StyringskerneError(
            f"date {text!r} is not valid; write YYYY-MM-DD (2024-01-31) or DD-MM-YYYY"
        ) from error


def check_day(value: object, name: str) -> dt.date:
    """``value`` if it is a plain date, else an error that says what to pass (dato).

    A ``datetime`` is refused, naive or with a time zone: a disposition's days are calendar
    days as the case system records them, and a time or zone would only hide a day shift.

    Examples:
        >>> check_day(dt.date(2024, 3, 31), "day")
        datetime.date(2024, 3, 31)
        >>> check_day("2024-03-31", "day")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        styringskerne.core.errors.StyringskerneError: 'day' must be a datetime.date (got ...
    """
    if isinstance(value, dt.datetime):
        zone = " with a time zone" if value.tzinfo is not None else ""
        raise StyringskerneError(
            f"'{name}' must be a datetime.date, not a datetime{zone} ({value.isoformat()}); "
            "pass its .date() as the day the case system records"
        )
    if not isinstance(value, dt.date):
        hint = ""
        if isinstance(value, str):
            hint = f"; write datetime.date(2024, 3, 31) or parse_date({value!r})"
        raise StyringskerneError(
            f"'{name}' must be a datetime.date (got {value!r} that is a "
            f"{type(value).__name__}){hint}"
        )
    return value


def _check_date(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_day(value, attribute.name)


def _check_optional_date(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _check_date(instance, attribute, value)


@masked_repr
@attrs.frozen(kw_only=True)
class DateRange:
    """A period of whole days, ``start`` to ``end`` both inclusive (periode).

    ``end=None`` means open-ended. Inside, the range is the half-open day-number interval
    ``[start_number, stop_number)``.

    Examples:
        >>> DateRange(start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 29)).days
        29
    """

    start: dt.date = attrs.field(validator=_check_date)
    end: dt.date | None = attrs.field(default=None, validator=_check_optional_date)

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise StyringskerneError(
                f"'end' {self.end.isoformat()} is before 'start' {self.start.isoformat()}; "
                "the end date is inclusive and must be on or after the start"
            )

    @property
    def start_number(self) -> int:
        """Day number of the first day."""
        return day_number(self.start)

    @property
    def stop_number(self) -> int:
        """Day number after the last day (``OPEN_END`` when open-ended)."""
        return OPEN_END if self.end is None else day_number(self.end) + 1

    @property
    def days(self) -> int:
        """Number of days in the range.

        Raises:
            StyringskerneError: for an open-ended range.
        """
        if self.end is None:
            raise StyringskerneError("an open-ended range has no number of days")
        return self.stop_number - self.start_number

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, dt.date):
            return False
        return self.start <= day and (self.end is None or day <= self.end)

    def intersection(self, other: DateRange) -> DateRange | None:
        """The days in both ranges, or ``None`` when they do not meet."""
        start = max(self.start, other.start)
        ends = [end for end in (self.end, other.end) if end is not None]
        end = min(ends) if ends else None
        if end is not None and end < start:
            return None
        return DateRange(start=start, end=end)

    def __iter__(self) -> Iterator[dt.date]:
        if self.end is None:
            raise StyringskerneError("cannot list the days of an open-ended range")
        for number in range(self.start_number, self.stop_number):
            yield from_day_number(number)


@masked_repr
@attrs.frozen
class BudgetYear:
    """A municipal budget year, 1 January to 31 December (budgetår).

    Examples:
        >>> BudgetYear(2024).days
        366
        >>> BudgetYear(2024).month(2).days
        29
    """

    year: int = attrs.field()

    @year.validator
    def _check_year(self, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            raise StyringskerneError(f"'year' must be an int from 1900 to 2200 (got {value!r})")

    @property
    def range(self) -> DateRange:
        """The whole year as a date range."""
        return DateRange(start=dt.date(self.year, 1, 1), end=dt.date(self.year, 12, 31))

    @property
    def days(self) -> int:
        """365, or 366 in a leap year."""
        return 366 if _stdlib_calendar.isleap(self.year) else 365

    def month(self, month: int) -> DateRange:
        """Calendar month 1–12 of the year."""
        if not 1 <= month <= 12:
            raise StyringskerneError(f"'month' must be 1 to 12 (got {month!r})")
        last = _stdlib_calendar.monthrange(self.year, month)[1]
        return DateRange(start=dt.date(self.year, month, 1), end=dt.date(self.year, month, last))

    def months(self) -> tuple[DateRange, ...]:
        """The twelve calendar months."""
        return tuple(self.month(month) for month in range(1, 13))

    def month_boundaries(self) -> tuple[int, ...]:
        """Thirteen day numbers: the first day of each month and 1 January of the next year."""
        firsts = [dt.date(self.year, month, 1) for month in range(1, 13)]
        return tuple(day_number(day) for day in [*firsts, dt.date(self.year + 1, 1, 1)])

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and day.year == self.year


def as_of_in_year(day: object, year: int | None, name: str = "day") -> tuple[dt.date, BudgetYear]:
    """An as-of date and its budget year (``year``, by default the date's own), checked.

    Examples:
        >>> as_of_in_year(dt.date(2024, 6, 30), None)
        (datetime.date(2024, 6, 30), BudgetYear(year=2024))
        >>> as_of_in_year(dt.date(2024, 6, 30), 2025)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        styringskerne.core.errors.StyringskerneError: as-of date 2024-06-30 is not in budget ...

    Raises:
        StyringskerneError: if ``day`` is not a date or not in the year.
    """
    checked = check_day(day, name)
    budget_year = BudgetYear(checked.year if year is None else year)
    if checked not in budget_year:
        raise StyringskerneError(
            f"as-of date {checked.isoformat()} is not in budget year {budget_year.year}"
        )
    return checked, budget_year
