"""Central price lists (central prisliste): dated prices per provider and service.

Instead of carrying its own price, a disposition may refer to the municipality's central price
list: its price is the list's price for its provider and service on each day. When the list
gets a new price from a date, :meth:`PriceList.reprice` gives every disposition that refers to
it the new price from that date (an ended disposition is unchanged, as its days lie before), and
a month-end change explanation shows the difference as ``price`` for each citizen.

A list entry without a provider (``provider = ""``) is the service's price at every provider
that has no entry of its own, e.g. the municipality's hourly price for § 85 support.

The price list file (CSV, any of the reader's encodings and delimiters) has the columns
``provider,service,valid_from,unit,rate`` (Danish ``leverandør,ydelse,gyldig_fra,enhed,takst``)::

    provider,service,valid_from,unit,rate
    Bostedet,SEL108,2026-01-01,day,"1.149,00"
    Bostedet,SEL108,2026-07-01,day,"1.182,00"
    ,SEL85,2026-01-01,week,520
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import attrs

from styringskerne.core.errors import StyringskerneError, TariffError
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import MoneyLike, to_money
from styringskerne.tariffs.prices import PriceSegment, Tariff, TariffPrice, Unit

if TYPE_CHECKING:
    from styringskerne.dispositions import Disposition

__all__ = ["PRICE_LIST_COLUMNS", "PriceList"]

PRICE_LIST_COLUMNS: Final = ("provider", "service", "valid_from", "unit", "rate")


def _frozen_tariffs(value: Mapping[tuple[str, str], Tariff]) -> Mapping[tuple[str, str], Tariff]:
    result: dict[tuple[str, str], Tariff] = {}
    for key, tariff in dict(value).items():
        if (
            not isinstance(key, tuple)
            or len(key) != 2
            or not all(isinstance(part, str) for part in key)
        ):
            raise TariffError(
                f"price list keys must be (provider, service) text pairs (got {key!r})"
            )
        if not key[1].strip():
            raise TariffError(f"price list entry {key!r} has no service")
        if not isinstance(tariff, Tariff):
            raise TariffError(f"price list entry {key!r} must be a Tariff (got {tariff!r})")
        if not tariff.bill_departure_day:
            raise TariffError(
                f"price list entry {key!r}: prices in a central list bill every day of a "
                "disposition; cut the end date on the disposition instead"
            )
        result[key] = tariff
    return MappingProxyType(result)


@masked_repr
@attrs.frozen
class PriceList:
    """Dated prices per provider and service (central prisliste).

    Attributes:
        tariffs: ``{(provider, service): Tariff}``; provider ``""`` is the service's price at
            any provider without an entry of its own.

    Examples:
        >>> prices = PriceList.from_rows([
        ...     ("Bostedet", "SEL108", dt.date(2026, 1, 1), "day", "1.149,00"),
        ...     ("Bostedet", "SEL108", dt.date(2026, 7, 1), "day", "1.182,00")])
        >>> str(prices.tariff("Bostedet", "SEL108").rate_on(dt.date(2026, 8, 1)))
        '1.182,00 kr.'
    """

    tariffs: Mapping[tuple[str, str], Tariff] = attrs.field(converter=_frozen_tariffs)

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, str, dt.date, str | Unit, MoneyLike]]
    ) -> PriceList:
        """A list from ``(provider, service, valid_from, unit, rate)`` rows.

        Raises:
            TariffError: when one provider and service has two units or two prices from one
                date.
        """
        grouped: dict[tuple[str, str], list[tuple[dt.date, Unit, TariffPrice]]] = {}
        for provider, service, valid_from, unit, rate in rows:
            price = TariffPrice(valid_from=valid_from, rate=to_money(rate))
            grouped.setdefault((provider or "", service), []).append(
                (valid_from, Unit.parse(unit), price)
            )
        tariffs = {}
        for key, entries in grouped.items():
            units = sorted({unit.value for _, unit, _ in entries})
            if len(units) > 1:
                raise TariffError(
                    f"price list: provider {key[0]!r}, service {key[1]!r} has prices in "
                    f"{' and '.join(units)}; one provider and service has one unit"
                )
            tariffs[key] = Tariff(
                code=f"{key[0] or '*'}/{key[1]}",
                unit=entries[0][1],
                prices=tuple(price for _, _, price in entries),
            )
        return cls(tariffs)

    def find(self, provider: str | None, service: str) -> Tariff | None:
        """The tariff for a provider and service (the service's own entry if the provider has
        none), or ``None``."""
        return self.tariffs.get((provider or "", service)) or self.tariffs.get(("", service))

    def tariff(self, provider: str | None, service: str) -> Tariff:
        """The tariff for a provider and service.

        Raises:
            TariffError: naming the provider and service, and the services the list has.
        """
        found = self.find(provider, service)
        if found is None:
            listed = sorted({f"{p or '*'}/{s}" for p, s in self.tariffs})
            raise TariffError(
                f"the price list has no price for provider {provider or ''!r} and service "
                f"{service!r} (it has {', '.join(listed[:10]) or 'nothing'})"
            )
        return found

    def with_price(
        self, provider: str, service: str, valid_from: dt.date, rate: MoneyLike
    ) -> PriceList:
        """A new list where ``provider`` and ``service`` cost ``rate`` from ``valid_from``
        (replacing a price from the same date).

        Raises:
            TariffError: if the list has no entry for the provider and service yet.
        """
        key = (provider or "", service)
        if key not in self.tariffs:
            raise TariffError(
                f"the price list has no entry for provider {provider!r} and service "
                f"{service!r}; add it with its unit first (PriceList.from_rows)"
            )
        tariff = self.tariffs[key]
        prices = [p for p in tariff.prices if p.valid_from != valid_from]
        prices.append(TariffPrice(valid_from=valid_from, rate=to_money(rate)))
        return PriceList({**self.tariffs, key: attrs.evolve(tariff, prices=tuple(prices))})

    def segments(
        self,
        provider: str | None,
        service: str,
        *,
        start: dt.date,
        end: dt.date | None = None,
        quantity: object = 1,
    ) -> tuple[PriceSegment, ...]:
        """The list's prices for a provider and service cut to a period."""
        return self.tariff(provider, service).segments(
            start=start,
            end=end,
            quantity=quantity,  # type: ignore[arg-type]
        )

    def disposition(
        self,
        *,
        id: str,
        citizen_id: str,
        service: str,
        start: dt.date,
        end: dt.date | None = None,
        provider: str | None = None,
        quantity: object = 1,
        **other: object,
    ) -> Disposition:
        """A disposition priced by the list (``list_priced``): the list's prices for its
        provider and service over its days. ``other`` takes the further fields of
        :class:`~styringskerne.dispositions.Disposition` (``probability``, ``account``, …).

        Raises:
            TariffError: when the list has no price for the provider and service on the days.
        """
        from styringskerne.dispositions import Disposition

        if end is not None and end < start:
            raise TariffError(
                f"disposition {mask_text(id)}: 'end' {end.isoformat()} is before 'start' "
                f"{start.isoformat()}; the end date is inclusive"
            )
        segments = self.segments(provider, service, start=start, end=end, quantity=quantity)
        return Disposition(
            id=id,
            citizen_id=citizen_id,
            service=service,
            provider=provider,
            segments=segments,
            list_priced=True,
            **other,  # type: ignore[arg-type]
        )

    def reprice(self, dispositions: Iterable[Disposition]) -> tuple[Disposition, ...]:
        """Every disposition that refers to the list (``list_priced``) with the list's prices;
        the others as they are.

        Each run of consecutive segments with one quantity is priced again over its days, so
        the days, quantities and gaps stay and only prices follow the list.

        Raises:
            TariffError: when the list has no price for a disposition's provider and service
                on its days (ids masked).
        """
        result = []
        for disposition in dispositions:
            if not disposition.list_priced:
                result.append(disposition)
                continue
            try:
                segments = tuple(
                    itertools.chain.from_iterable(
                        self.segments(
                            disposition.provider,
                            disposition.service,
                            start=run[0].start,
                            end=run[-1].end,
                            quantity=run[0].quantity,
                        )
                        for run in runs_of_one_quantity(disposition.segments)
                    )
                )
            except StyringskerneError as error:
                raise TariffError(f"disposition {mask_text(disposition.id)}: {error}") from None
            result.append(attrs.evolve(disposition, segments=segments))
        return tuple(result)


def runs_of_one_quantity(
    segments: Sequence[PriceSegment],
) -> list[list[PriceSegment]]:
    """Consecutive segments (no day between them) with the same quantity, grouped."""
    runs: list[list[PriceSegment]] = []
    for segment in segments:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and last.end is not None
            and last.end + dt.timedelta(days=1) == segment.start
            and last.quantity == segment.quantity
        ):
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return runs
