"""Transitions into and out of the adult area (overgange): youths at 18 or 23, citizens at 65.

- **Youths from the children's area** (VIVE 2018, *Boks 5.1*, Hillerød): a list of youths from
  16 with an expected transition date (the 18th birthday, or the 23rd with aftercare,
  efterværn), an expected adult service and yearly cost, and a probability of transition, given
  directly (½, ⅓) or by a colour code that a municipality's :class:`ColourRule` maps to one.
  Expected cost in a year = probability × yearly cost × days in service that year ÷ days in the
  year.
- **Outflow at 65** (Gladsaxe): citizens turning 65 move with their individual costs to the
  elderly area's budget; the service need not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Literal

import attrs
import numpy as np

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import (
    OPEN_END,
    BudgetYear,
    _check_date,
    _check_optional_date,
    day_number,
)
from styringskerne.core.cpr import birthday, cpr_birth_date, is_cpr_shaped, mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, to_money
from styringskerne.core.quantities import Exact, to_probability
from styringskerne.engine import costs_between
from styringskerne.ledger.ledger import DispositionLedger

__all__ = ["Colour", "ColourRule", "YouthTransition", "elderly_outflow", "youth_amounts"]

Colour = Literal["red", "yellow", "green"]


@masked_repr
@attrs.frozen(kw_only=True)
class ColourRule:
    """A municipality's mapping of colour codes to probabilities of transition (farvekoder).

    Hillerød's colours (*Boks 5.1*): red — support needed all adult life; yellow — unclear
    potential; green — no adult support expected. The default probabilities (1, ½, 0) are this
    library's assumption; the seed gives the colours and, separately, probabilities of ½ or ⅓.
    """

    red: Fraction = attrs.field(default=Fraction(1), converter=to_probability)
    yellow: Fraction = attrs.field(default=Fraction(1, 2), converter=to_probability)
    green: Fraction = attrs.field(default=Fraction(0), converter=to_probability)

    def probability(self, colour: Colour) -> Fraction:
        """The probability for a colour."""
        if colour not in ("red", "yellow", "green"):
            raise StyringskerneError(f"colour must be red|yellow|green (got {colour!r})")
        result: Fraction = getattr(self, colour)
        return result

    def __str__(self) -> str:
        return f"colours red {self.red}, yellow {self.yellow}, green {self.green}"


def _optional_money(value: Money | str | None) -> Money | None:
    return None if value is None else to_money(value)


def _optional_probability(value: Exact | None) -> Fraction | None:
    return None if value is None else to_probability(value)


@masked_repr
@attrs.frozen(kw_only=True)
class YouthTransition:
    """A youth expected to move from the children's to the adult area (overgangssag).

    Attributes:
        citizen_id: CPR number or pseudonymous id (masked in ``repr``).
        birth_date: the youth's birth date.
        service: expected adult service (catalogue code).
        yearly_cost: expected yearly cost of that service (anslået årlig udgift).
        probability: probability of transition; or give ``colour`` instead.
        colour: ``"red"``, ``"yellow"`` or ``"green"``, mapped by a :class:`ColourRule`.
        aftercare: with aftercare (efterværn) the transition is at 23, else at 18.
        transition_date: an expected date that overrides the birthday rule.
        account: account key; ``None`` takes the service's default.
        children_yearly_cost: the child's expected yearly cost in the children's area this year
            (forventet årlig udgift i børneområdet), for the handover list.
        last_discussed: the last meeting where the case was discussed (senest drøftet).
        caseworker: the child's caseworker.
    """

    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    birth_date: dt.date = attrs.field(validator=_check_date)
    service: str
    yearly_cost: Money = attrs.field(converter=to_money)
    probability: Fraction | None = attrs.field(default=None, converter=_optional_probability)
    colour: Colour | None = None
    aftercare: bool = False
    transition_date: dt.date | None = attrs.field(default=None, validator=_check_optional_date)
    account: str | None = None
    children_yearly_cost: Money | None = attrs.field(default=None, converter=_optional_money)
    last_discussed: dt.date | None = attrs.field(default=None, validator=_check_optional_date)
    caseworker: str = ""

    def __attrs_post_init__(self) -> None:
        if self.probability is None and self.colour is None:
            raise StyringskerneError(
                f"youth {mask_id(self.citizen_id)}: give a probability or a colour code"
            )

    @property
    def expected_transition(self) -> dt.date:
        """The expected transition date: given, or the 18th (23rd with aftercare) birthday."""
        if self.transition_date is not None:
            return self.transition_date
        return birthday(self.birth_date, 23 if self.aftercare else 18)

    def probability_under(self, rule: ColourRule) -> Fraction:
        """The probability of transition: given directly, or from the colour by ``rule``."""
        if self.probability is not None:
            return self.probability
        if self.colour is None:
            raise StyringskerneError(f"youth {mask_id(self.citizen_id)} has no probability")
        return rule.probability(self.colour)

    def expected_cost(self, year: int, *, rule: ColourRule | None = None) -> Money:
        """Probability × yearly cost × days in service in ``year`` ÷ days in the year.

        Examples:
            >>> youth = YouthTransition(citizen_id="B-9", birth_date=dt.date(2006, 7, 1),
            ...     service="ABL105", yearly_cost="366.000,00", probability="1/2")
            >>> youth.expected_cost(2024)  # ½ × 184 days (1 July – 31 December) × 1.000 kr.
            Money.of('92000.00')
        """
        budget_year = BudgetYear(year)
        first = max(self.expected_transition, dt.date(year, 1, 1))
        days = max(0, (dt.date(year, 12, 31) - first).days + 1)
        share = self.probability_under(rule or ColourRule()) * Fraction(days, budget_year.days)
        return self.yearly_cost.multiply(share)


def youth_amounts(
    youths: Iterable[YouthTransition],
    year: int,
    *,
    rule: ColourRule | None = None,
    catalogue: ServiceCatalogue | None = None,
) -> list[tuple[str, str, Money]]:
    """``(citizen_id, account, expected cost)`` for each youth in ``year``."""
    catalogue = catalogue if catalogue is not None else ServiceCatalogue.default()
    return [
        (
            youth.citizen_id,
            youth.account or catalogue.account_for(youth.service),
            youth.expected_cost(year, rule=rule),
        )
        for youth in youths
    ]


def elderly_outflow(
    ledger: DispositionLedger,
    year: int,
    *,
    age: int = 65,
    birth_dates: Mapping[str, dt.date] | None = None,
) -> list[tuple[str, str, Money]]:
    """``(citizen_id, account, cost)`` from each citizen's ``age`` birthday to 31 December.

    This is the individual cost that moves to the elderly area's budget (Gladsaxe). Birth dates
    come from ``birth_dates`` or, for CPR numbers, from the number itself; citizens with
    neither are left out. Only this municipality's spend counts.
    """
    birth_dates = birth_dates or {}
    citizen_codes, citizens = ledger.groups("citizen")
    first_of_year, stop_of_year = (
        day_number(dt.date(year, 1, 1)),
        day_number(dt.date(year + 1, 1, 1)),
    )
    threshold = np.full(citizens.size, OPEN_END, dtype=np.int64)
    for index, citizen in enumerate(citizens.tolist()):
        key = str(citizen)
        born = birth_dates.get(key)
        if born is None and is_cpr_shaped(key):
            born = cpr_birth_date(key)
        if born is not None:
            threshold[index] = max(day_number(birthday(born, age)), first_of_year)
    BudgetYear(year)  # validates the year
    payer_codes, payers = ledger.groups("payer")
    own = np.array([str(p) == "" for p in payers.tolist()], dtype=bool)[payer_codes]
    first = threshold[citizen_codes]
    moving = own & (first < stop_of_year)
    costs = costs_between(ledger.columns, first, np.full(first.size, stop_of_year))
    account_codes, accounts = ledger.groups("account")
    totals: dict[tuple[str, str], int] = {}
    for citizen_code, account_code, cost in zip(
        citizen_codes[moving].tolist(),
        account_codes[moving].tolist(),
        costs[moving].tolist(),
        strict=True,
    ):
        pair = (str(citizens[citizen_code]), str(accounts[account_code]))
        totals[pair] = totals.get(pair, 0) + cost
    return [(citizen, account, Money(ore)) for (citizen, account), ore in sorted(totals.items())]
