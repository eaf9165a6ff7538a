"""Volume and price: a deviation from the steering assumptions split in two (mængde og pris).

A sub-area's steering assumption is a count of full-year persons × an average price (VIVE 2018,
chapter 2). When the forecast departs from it, the controller asks whether there are more cases
than assumed or dearer cases than assumed (VIVE 2019, "flere indsatser end forventet, eller …
dyrere end forudsat"). Per sub-area, with *C* the assumed count, *A* the assumed amount, *P* the
assumed price per person (*A* ÷ *C*), *N* the forecast's full-year persons and *E* its expected
spend:

- **volume** (mængdeafvigelse) = (*N* − *C*) × *P*, rounded half-even to the øre;
- **price** (prisafvigelse) = *E* − *A* − volume, the rest, so that volume + price = *E* − *A*
  to the øre.

Full-year persons are the forecast year's days in service of the sub-area's granted
dispositions, plus days × probability of its expected ones, ÷ the days of the year (counted as
:func:`styringskerne.kpi.figures.full_year_persons` does, this municipality's spend only). Lines of
the forecast without persons (youths from the children's area, estimates, buffers, the outflow at
65) fall into price: they are spend the assumption's count does not explain. A sub-area without an
assumption has no split; one assumed at 0 persons has no price per person, so all of its
deviation is price.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import attrs

from styringskerne.budget.frame import SteeringAssumption
from styringskerne.core.calendar import BudgetYear
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, round_half_even
from styringskerne.forecast.forecast import Forecast
from styringskerne.kpi.figures import days_in_service
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.subareas import own_segments, sub_area_codes

__all__ = ["Variance", "full_year_persons_by_sub_area", "volume_price_variance"]


@masked_repr
@attrs.frozen(kw_only=True)
class Variance:
    """One sub-area's deviation from its steering assumption, split (mængde- og prisafvigelse).

    Attributes:
        sub_area: the sub-area (delområde).
        assumed_count: full-year persons assumed.
        assumed: the assumed amount (count × average price).
        persons: the forecast's full-year persons.
        expected: the forecast's expected spend.
        volume: (persons − assumed count) × assumed price per person.
        price: expected − assumed − volume.
    """

    sub_area: str
    assumed_count: Fraction
    assumed: Money
    persons: Fraction
    expected: Money
    volume: Money
    price: Money

    @property
    def deviation(self) -> Money:
        """Expected − assumed: volume + price, exactly."""
        return self.expected - self.assumed

    def to_dict(self) -> dict[str, Any]:
        """``{"assumed", "volume", "price"}`` as decimal strings, with counts as fractions."""
        return {
            "assumed": self.assumed.to_string(),
            "volume": self.volume.to_string(),
            "price": self.price.to_string(),
            "assumed_count": str(self.assumed_count),
            "persons": str(self.persons),
        }


def full_year_persons_by_sub_area(
    ledger: DispositionLedger, year: int, *, sub_areas: Mapping[str, str] | None = None
) -> dict[str, Fraction]:
    """Full-year persons (helårspersoner) per sub-area in a year, this municipality's only."""
    budget_year = BudgetYear(year)
    codes, names = sub_area_codes(ledger, sub_areas)
    days = days_in_service(ledger, budget_year.range, codes, only=own_segments(ledger))
    return {names[code]: total / budget_year.days for code, total in days.items()}


def volume_price_variance(
    forecast: Forecast,
    ledger: DispositionLedger,
    assumptions: Iterable[SteeringAssumption],
) -> Mapping[str, Variance]:
    """Each assumed sub-area's deviation split into volume and price.

    Args:
        forecast: the forecast to explain; its sub-area grouping is used for the ledger too.
        ledger: the ledger the forecast was made from (for the full-year persons).
        assumptions: steering assumptions; several for one sub-area are added up.

    Examples:
        >>> import datetime as dt
        >>> from styringskerne import Disposition
        >>> from styringskerne.forecast.forecast import Snapshot, make_forecast
        >>> ledger = DispositionLedger([Disposition.at_rate(id=f"D{n}", citizen_id=f"B-{n}",
        ...     service="SEL108", rate="1.000,00", unit="day", start=dt.date(2024, 1, 1))
        ...     for n in range(3)])
        >>> forecast = make_forecast(Snapshot(as_of=dt.date(2024, 3, 31), ledger=ledger))
        >>> assumed = SteeringAssumption(sub_area="5.38.50", service="SEL108", citizens=2,
        ...                              average_price="400.000,00")
        >>> split = volume_price_variance(forecast, ledger, [assumed])["5.38.50"]
        >>> str(split.volume), str(split.price)  # one more person; each 34.000 kr. cheaper
        ('400.000,00 kr.', '-102.000,00 kr.')
    """
    counts: dict[str, Fraction] = {}
    amounts: dict[str, Money] = {}
    for assumption in assumptions:
        counts[assumption.sub_area] = counts.get(assumption.sub_area, Fraction(0)) + (
            assumption.citizens
        )
        amounts[assumption.sub_area] = amounts.get(assumption.sub_area, Money(0)) + (
            assumption.amount
        )
    persons = full_year_persons_by_sub_area(
        ledger, forecast.year, sub_areas=forecast.sub_area_of_account or None
    )
    expected = forecast.expected
    result: dict[str, Variance] = {}
    for name in sorted(counts):
        count, assumed = counts[name], amounts[name]
        people = persons.get(name, Fraction(0))
        spend = expected.get(name, Money(0))
        volume = (
            Money(0)
            if count == 0
            else Money(round_half_even((people - count) * Fraction(assumed.ore) / count))
        )
        result[name] = Variance(
            sub_area=name,
            assumed_count=count,
            assumed=assumed,
            persons=people,
            expected=spend,
            volume=volume,
            price=spend - assumed - volume,
        )
    return MappingProxyType(result)
