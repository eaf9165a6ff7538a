"""Tariffs (takster): effective-dated price schedules and price segments.

A :class:`Tariff` is a schedule of prices, each valid from a date until the next one (typically
new prices every 1 January). A :class:`PriceSegment` is one price in force for one disposition
over one period. A tariff cut to a disposition's period gives its price segments.

Units of price (prisenhed): per day (døgntakst), per week (e.g. an hourly price × hours per
week), per calendar month (prorated by the days of each month), and once (enkeltydelse, booked
on its start date). A ``quantity`` multiplies the price.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from fractions import Fraction
from typing import Final

import attrs

from styringskerne.core.calendar import BudgetYear, DateRange, _check_date, _check_optional_date
from styringskerne.core.errors import TariffError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike, to_money
from styringskerne.core.quantities import Exact, to_quantity

__all__ = [
    "PriceSegment",
    "Tariff",
    "TariffPrice",
    "Unit",
    "cost_based_day_price",
]


class Unit(enum.StrEnum):
    """The unit a price is given per (prisenhed)."""

    DAY = "day"
    """Per day (døgntakst): every day in the period costs the price."""
    WEEK = "week"
    """Per week (ugentlig): every day costs a seventh of the price."""
    MONTH = "month"
    """Per calendar month (månedlig): a day costs the price ÷ days in its month."""
    ONCE = "once"
    """Once (enkeltydelse): the whole price falls on the start date."""

    @classmethod
    def parse(cls, value: str | Unit) -> Unit:
        """The unit named by ``value`` in English or Danish, in any case.

        Examples:
            >>> Unit.parse("Døgn"), Unit.parse("uge"), Unit.parse("MONTH")
            (<Unit.DAY: 'day'>, <Unit.WEEK: 'week'>, <Unit.MONTH: 'month'>)

        Raises:
            TariffError: listing the valid names.
        """
        if isinstance(value, Unit):
            return value
        name = value.strip().lower() if isinstance(value, str) else value
        try:
            return cls(_DANISH_UNITS.get(name, name))
        except ValueError:
            valid = "|".join(unit.value for unit in cls)
            raise TariffError(
                f"'unit' must be one of {valid} (Danish: døgn|uge|måned|engang; got {value!r})"
            ) from None


_DANISH_UNITS: Final = {
    "døgn": "day",
    "dag": "day",
    "uge": "week",
    "måned": "month",
    "md": "month",
    "md.": "month",
    "engang": "once",
    "enkeltydelse": "once",
}
"""Danish unit names as case systems write them."""


def _to_unit(value: str | Unit) -> Unit:
    return Unit.parse(value)


@masked_repr
@attrs.frozen(kw_only=True)
class PriceSegment:
    """One price in force over one period of a disposition (prisperiode).

    ``end`` is inclusive; ``None`` means open-ended. The cost of a day is
    ``rate × quantity`` per unit; the cumulative cost since ``start`` is rounded to whole øre
    (half-even), so that any split of the period adds up to the whole.

    Examples:
        >>> PriceSegment(start=dt.date(2024, 1, 1), rate="1.149,00", unit="day").rate
        Money.of('1149.00')
    """

    start: dt.date = attrs.field(validator=_check_date)
    end: dt.date | None = attrs.field(default=None, validator=_check_optional_date)
    rate: Money = attrs.field(converter=to_money)
    unit: Unit = attrs.field(default=Unit.DAY, converter=_to_unit)
    quantity: Fraction = attrs.field(default=Fraction(1), converter=to_quantity)
    provider: str | None = None
    """The provider of this period when it is not the disposition's own: a citizen who moved
    to another provider (nyt tilbud) within one disposition."""

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise TariffError(
                f"price segment 'end' {self.end.isoformat()} is before 'start' "
                f"{self.start.isoformat()}; the end date is inclusive"
            )

    @property
    def period(self) -> DateRange:
        """The segment's days as a :class:`DateRange`."""
        return DateRange(start=self.start, end=self.end)


@masked_repr
@attrs.frozen(kw_only=True)
class TariffPrice:
    """A price valid from a date until the next price of the schedule (takst pr. dato)."""

    valid_from: dt.date = attrs.field(validator=_check_date)
    rate: Money = attrs.field(converter=to_money)


def _sorted_prices(prices: object) -> tuple[TariffPrice, ...]:
    if not isinstance(prices, tuple | list):
        raise TariffError(f"'prices' must be a sequence of TariffPrice (got {prices!r})")
    return tuple(sorted(prices, key=lambda price: price.valid_from))


@masked_repr
@attrs.frozen(kw_only=True)
class Tariff:
    """An effective-dated price schedule of one unit (takst med ikrafttrædelsesdatoer).

    Attributes:
        code: the tariff's key, e.g. a provider's offer and paragraph.
        unit: what the prices are per.
        prices: one or more :class:`TariffPrice`; at most one per date.
        bill_departure_day: ``False`` to leave the last day of a closed stay unbilled, for a
            municipality that bills the arrival day but not the departure day. The library's
            default is both days inclusive, as case systems record them.

    Examples:
        >>> tariff = Tariff(code="Bo 108", unit="day", prices=(
        ...     TariffPrice(valid_from=dt.date(2024, 1, 1), rate="1.149,00"),
        ...     TariffPrice(valid_from=dt.date(2025, 1, 1), rate="1.182,00")))
        >>> [(s.start.isoformat(), str(s.rate)) for s in tariff.segments(
        ...     start=dt.date(2024, 12, 30), end=dt.date(2025, 1, 2))]
        [('2024-12-30', '1.149,00 kr.'), ('2025-01-01', '1.182,00 kr.')]
    """

    code: str = attrs.field()
    unit: Unit = attrs.field(converter=_to_unit)
    prices: tuple[TariffPrice, ...] = attrs.field(converter=_sorted_prices)
    bill_departure_day: bool = True

    @prices.validator
    def _check_prices(
        self, attribute: attrs.Attribute[tuple[TariffPrice, ...]], value: tuple[TariffPrice, ...]
    ) -> None:
        if not value:
            raise TariffError(f"tariff {self.code!r} needs at least one price")
        for price in value:
            if not isinstance(price, TariffPrice):
                raise TariffError(
                    f"tariff {self.code!r}: prices must be TariffPrice (got {price!r})"
                )
        for earlier, later in itertools.pairwise(value):
            if earlier.valid_from == later.valid_from:
                raise TariffError(
                    f"tariff {self.code!r} has two prices from {later.valid_from.isoformat()}"
                )

    def rate_on(self, day: dt.date) -> Money:
        """The price in force on a day.

        Raises:
            TariffError: if the day is before the first price.
        """
        current = None
        for price in self.prices:
            if price.valid_from > day:
                break
            current = price.rate
        if current is None:
            raise TariffError(
                f"tariff {self.code!r} has no price on {day.isoformat()}; its first price is "
                f"from {self.prices[0].valid_from.isoformat()}"
            )
        return current

    def segments(
        self,
        *,
        start: dt.date,
        end: dt.date | None = None,
        quantity: Exact = 1,
    ) -> tuple[PriceSegment, ...]:
        """The tariff cut to a period: one price segment per price in force in it."""
        quantity = to_quantity(quantity)
        if end is not None and not self.bill_departure_day and end > start:
            end = end - dt.timedelta(days=1)
        first_rate = self.rate_on(start)  # raises when the period starts before the first price
        if self.unit is Unit.ONCE:
            return (
                PriceSegment(
                    start=start, end=start, rate=first_rate, unit=self.unit, quantity=quantity
                ),
            )
        result: list[PriceSegment] = []
        for index, price in enumerate(self.prices):
            following = self.prices[index + 1].valid_from if index + 1 < len(self.prices) else None
            seg_start = max(start, price.valid_from)
            seg_end = end
            if following is not None:
                last = following - dt.timedelta(days=1)
                seg_end = last if seg_end is None else min(seg_end, last)
            if seg_end is not None and seg_end < seg_start:
                continue
            result.append(
                PriceSegment(
                    start=seg_start, end=seg_end, rate=price.rate, unit=self.unit, quantity=quantity
                )
            )
        return tuple(result)


def cost_based_day_price(
    *, total_cost: MoneyLike, places: Exact, occupancy: Exact, year: int
) -> Money:
    """The cost-based price per day (omkostningsbaseret døgntakst), serviceloven § 174.

    Price per day = total cost ÷ (places × days in the year × occupancy), rounded half-even to
    øre. The assumed occupancy (belægningsprocent) must be stated with the tariff; framework
    agreements use 95–100 % for day and residential offers (≤ 98 % recommended) and ≥ 90 % for
    short and acute stays.

    Examples:
        >>> cost_based_day_price(total_cost="10.000.000,00", places=20, occupancy="0.95", year=2024)
        Money.of('1438.02')
    """
    place_count = to_quantity(places)
    share = to_quantity(occupancy)
    if place_count <= 0:
        raise TariffError(f"'places' must be above 0 (got {places!r})")
    if not 0 < share <= 1:
        raise TariffError(f"'occupancy' must be above 0 and at most 1 (got {occupancy!r})")
    days = BudgetYear(year).days
    return Money.from_fraction(Fraction(Money.of(total_cost).ore) / (place_count * days * share))
