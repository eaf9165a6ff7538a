"""Recommendations to the visitation committee (indstilling til visitationsudvalget).

A recommendation carries the citizen, the assessed functional level (VUM A–E), concrete
measurable goals, a follow-up date and two or three priced alternatives (VIVE 2018, ch. 4). The
library prices each alternative for a year from its tariff, marks the least intrusive one by the
intervention ladder, and says which level of authority each would need under a rule set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Literal

import attrs

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import _check_date, add_months
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.core.quantities import Exact, to_quantity
from styringskerne.dispositions import Disposition
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.tariffs.prices import Tariff
from styringskerne.visitation.competence import Decision, RuleSet

__all__ = ["Alternative", "Goal", "Recommendation", "RecommendationPolicy", "VumLevel"]

VumLevel = Literal["A", "B", "C", "D", "E"]
_VUM: tuple[VumLevel, ...] = ("A", "B", "C", "D", "E")


@masked_repr
@attrs.frozen(kw_only=True)
class Goal:
    """A concrete, measurable goal (mål): what, how it is measured, and the target."""

    text: str = attrs.field(validator=attrs.validators.min_len(1))
    indicator: str = attrs.field(validator=attrs.validators.min_len(1))
    target: str = attrs.field(validator=attrs.validators.min_len(1))


def _optional_fraction(value: Exact | None) -> Fraction | None:
    return None if value is None else to_quantity(value)


@masked_repr
@attrs.frozen(kw_only=True)
class Alternative:
    """A priced alternative of a recommendation (alternativ med pris).

    ``tariff`` may be ``None`` for an unpriced alternative; a municipality's policy can demand
    a price for external purchases. The measures (hours, day share, package) feed the
    competence rules.
    """

    service: str
    tariff: Tariff | None = None
    quantity: Fraction = attrs.field(default=Fraction(1), converter=to_quantity)
    provider: str | None = None
    internal: bool = True
    hours_per_week: Fraction | None = attrs.field(default=None, converter=_optional_fraction)
    hours_per_month: Fraction | None = attrs.field(default=None, converter=_optional_fraction)
    day_share: Fraction | None = attrs.field(default=None, converter=_optional_fraction)
    package: Fraction | None = attrs.field(default=None, converter=_optional_fraction)

    def yearly_price(self, start: dt.date) -> Money | None:
        """The cost of a year from ``start`` under the tariff (``None`` when unpriced)."""
        if self.tariff is None:
            return None
        end = add_months(start, 12) - dt.timedelta(days=1)
        disposition = Disposition.from_tariff(
            id="alternative",
            citizen_id="alternative",
            service=self.service,
            tariff=self.tariff,
            start=start,
            end=end,
            quantity=self.quantity,
            account="alternative",
        )
        return DispositionLedger([disposition]).cost(start, end).total


@masked_repr
@attrs.frozen(kw_only=True)
class RecommendationPolicy:
    """A municipality's requirements for a recommendation (krav til indstillinger).

    VIVE 2018, section 4.3: Svendborg asks for two and Ikast-Brande for three priced
    alternatives in a recommendation to the committee, hence ``min_alternatives=2``. No
    municipality in the report caps their number: ``max_alternatives=3`` is an ASSUMPTION of
    this library; raise it freely.
    """

    min_alternatives: int = 2
    max_alternatives: int = 3
    price_required_for_external: bool = True
    goals_required: bool = True


def _goals(value: Iterable[Goal]) -> tuple[Goal, ...]:
    return tuple(value)


def _alternatives(value: Iterable[Alternative]) -> tuple[Alternative, ...]:
    return tuple(value)


def _check_vum(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in _VUM:
        raise StyringskerneError(f"'vum_level' must be one of A|B|C|D|E (got {value!r})")


@masked_repr
@attrs.frozen(kw_only=True)
class Recommendation:
    """A recommendation to the visitation committee (indstilling).

    Examples:
        >>> from styringskerne import Tariff, TariffPrice
        >>> day = lambda price: Tariff(code=price, unit="day", prices=(
        ...     TariffPrice(valid_from=dt.date(2024, 1, 1), rate=price),))
        >>> recommendation = Recommendation(
        ...     citizen_id="B-7", vum_level="D", start=dt.date(2024, 3, 1),
        ...     follow_up=dt.date(2024, 9, 1),
        ...     goals=[Goal(text="cook own dinner", indicator="days a week", target="3")],
        ...     alternatives=[Alternative(service="SEL108", tariff=day("2.249,00")),
        ...                   Alternative(service="ABL105", tariff=day("1.449,00"))])
        >>> [str(price) for price in recommendation.yearly_prices()]
        ['820.885,00 kr.', '528.885,00 kr.']
        >>> recommendation.least_intrusive().service
        'ABL105'
    """

    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    vum_level: VumLevel = attrs.field(validator=_check_vum)
    goals: tuple[Goal, ...] = attrs.field(converter=_goals)
    follow_up: dt.date = attrs.field(validator=_check_date)
    alternatives: tuple[Alternative, ...] = attrs.field(converter=_alternatives)
    start: dt.date = attrs.field(validator=_check_date)

    def __attrs_post_init__(self) -> None:
        if self.follow_up <= self.start:
            raise StyringskerneError(
                f"recommendation for {mask_id(self.citizen_id)}: the follow-up date "
                f"{self.follow_up.isoformat()} must be after the start {self.start.isoformat()}"
            )

    def problems(self, policy: RecommendationPolicy | None = None) -> tuple[str, ...]:
        """What the recommendation lacks under a municipality's policy (empty when valid)."""
        policy = policy or RecommendationPolicy()
        found = []
        count = len(self.alternatives)
        if not policy.min_alternatives <= count <= policy.max_alternatives:
            found.append(
                f"{count} alternative(s); the policy asks for {policy.min_alternatives} to "
                f"{policy.max_alternatives}"
            )
        if policy.goals_required and not self.goals:
            found.append("no concrete, measurable goals")
        if policy.price_required_for_external:
            for index, alternative in enumerate(self.alternatives, start=1):
                if not alternative.internal and alternative.tariff is None:
                    found.append(
                        f"alternative {index} ({alternative.service}) is external and unpriced"
                    )
        return tuple(found)

    def check(self, policy: RecommendationPolicy | None = None) -> None:
        """Raise with every problem when the recommendation does not meet the policy."""
        found = self.problems(policy)
        if found:
            raise StyringskerneError(
                f"recommendation for {mask_id(self.citizen_id)}: " + "; ".join(found)
            )

    def yearly_prices(self) -> tuple[Money | None, ...]:
        """Each alternative's price for a year from the start."""
        return tuple(alternative.yearly_price(self.start) for alternative in self.alternatives)

    def least_intrusive(self, catalogue: ServiceCatalogue | None = None) -> Alternative:
        """The alternative lowest on the intervention ladder (mindst indgribende indsats).

        Services off the ladder (day services and others) count after every ladder step; ties
        go to the cheaper alternative, then to the earlier one.
        """
        catalogue = catalogue if catalogue is not None else ServiceCatalogue.default()
        prices = self.yearly_prices()

        def key(index: int) -> tuple[int, int, int]:
            step = catalogue[self.alternatives[index].service].ladder_step
            price = prices[index]
            return (
                step if step is not None else 10**6,
                price.ore if price is not None else 2**62,
                index,
            )

        return self.alternatives[min(range(len(self.alternatives)), key=key)]

    def competence(self, rules: RuleSet) -> tuple[Decision, ...]:
        """The level of authority each alternative would need under ``rules``."""
        decisions = []
        for alternative, price in zip(self.alternatives, self.yearly_prices(), strict=True):
            decisions.append(
                rules.decide(
                    service=alternative.service,
                    yearly_amount=price if price is not None else Money(0),
                    internal=alternative.internal,
                    hours_per_week=alternative.hours_per_week,
                    hours_per_month=alternative.hours_per_month,
                    day_share=alternative.day_share,
                    package=alternative.package,
                    on=self.start,
                )
            )
        return tuple(decisions)
