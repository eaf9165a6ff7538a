"""Danish bank days (bankdage): when a payment can be made.

A payment date on a Saturday, a Sunday or a bank closing day moves to the bank day before it.
Danmarks Nationalbank lists the closing days ("Banklukkedage", nationalbanken.dk): the public
holidays, the Friday after Ascension Day, Constitution Day (5 June), Christmas Eve and New
Year's Eve. The public holidays come from the well-kept ``holidays`` library (optional extra
``holidays``); the four further days are added here from that list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

import attrs
import numpy as np
from dateutil.easter import easter
from numpy.typing import NDArray

from styringskerne.core.calendar import check_day, day_number
from styringskerne.core.masking import masked_repr

__all__ = ["BankCalendar"]

_FIXED_CLOSING_DAYS: Final = ((6, 5), (12, 24), (12, 31))
"""Constitution Day, Christmas Eve, New Year's Eve: bank closing days (Nationalbanken)."""
_EPOCH_WEEKDAY: Final = 3  # 1970-01-01 was a Thursday (Monday = 0)


def _danish_public_holidays(years: Iterable[int]) -> Any:
    try:
        import holidays
    except ImportError as error:
        raise ImportError(
            "Danish bank holidays need the 'holidays' package: pip install "
            "'styringskerne[holidays]', or pass BankCalendar.weekends_only() to move payments "
            "off weekends only"
        ) from error
    return holidays.country_holidays("DK", years=list(years))


def _closing_days(days: Iterable[dt.date]) -> tuple[dt.date, ...]:
    return tuple(sorted({check_day(day, "closing day") for day in days}))


@masked_repr
@attrs.frozen(kw_only=True)
class BankCalendar:
    """The days on which no payment is made (bankkalender).

    Attributes:
        closed: the closing days besides weekends (sorted, unique).
        description: where the days come from.
    """

    closed: tuple[dt.date, ...] = attrs.field(converter=_closing_days)
    description: str = "given by the caller"

    @classmethod
    def danish(cls, years: Iterable[int]) -> BankCalendar:
        """Danish bank closing days of ``years``: public holidays (library ``holidays``), the
        Friday after Ascension Day, 5 June, 24 and 31 December.

        Raises:
            ImportError: if the optional ``holidays`` package is not installed.
        """
        wanted = sorted(set(years))
        public = _danish_public_holidays(wanted)
        days = set(public.keys())
        # The Friday after Ascension Day (Easter Sunday + 39 days).
        days |= {easter(year) + dt.timedelta(days=40) for year in wanted}
        days |= {
            dt.date(year, month, mday) for year in wanted for month, mday in _FIXED_CLOSING_DAYS
        }
        return cls(
            closed=days,
            description="Danish bank closing days (public holidays from the 'holidays' library, "
            "the Friday after Ascension Day, 5 June, 24 and 31 December)",
        )

    @classmethod
    def weekends_only(cls) -> BankCalendar:
        """Only Saturdays and Sundays are closed (no holiday data)."""
        return cls(closed=(), description="weekends only (no holidays)")

    def previous_bank_day(self, days: NDArray[np.int64]) -> NDArray[np.int64]:
        """Each day number moved back to the nearest bank day on or before it.

        Examples:
            >>> calendar = BankCalendar(closed=[dt.date(2024, 12, 24), dt.date(2024, 12, 25)])
            >>> day = np.array([day_number(dt.date(2024, 12, 25))])
            >>> calendar.previous_bank_day(day).astype("datetime64[D]").tolist()
            [datetime.date(2024, 12, 23)]
        """
        result = np.asarray(days, dtype=np.int64).copy()
        closed = np.array([day_number(day) for day in self.closed], dtype=np.int64)
        # A run of closed days is at most a few days long (Easter: 4): step back until none is.
        while True:
            weekday = (result + _EPOCH_WEEKDAY) % 7
            shut = (weekday >= 5) | np.isin(result, closed)
            if not shut.any():
                return result
            result[shut] -= 1
