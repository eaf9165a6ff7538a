"""Cost-based tariffs (takstberegning): cost budget, occupancy, day price and regulation.

Legal basis: serviceloven § 174 — the council sets a tariff per own offer from the average
long-run costs; the cost and income types are listed in the finance executive order
(BEK nr. 1674 of 16/12/2016, § 2). A tariff covers own operating costs, a share of central
administration (overhead; the Hovedstaden framework agreement reports about 6 % in 2022),
depreciation and interest. Price per day = cost ÷ (places × days × occupancy).

After the accounts year the surplus or deficit (occupied days × tariff − cost) is regulated
(efterregulering). The framework-agreement model, with its numbers as parameters: up to ±5 % of
the cost-based budget moves to next year's operating budget; the rest goes into the tariff two
years after the accounts year.

A differentiated tariff splits into a basistakst from the fixed costs and package prices from
an hourly price × the package's hours (:func:`differentiated_prices`).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs

from styringskerne.core.errors import TariffError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike, to_money
from styringskerne.core.quantities import Exact, to_fraction, to_quantity
from styringskerne.tariffs.prices import cost_based_day_price

__all__ = [
    "CarryForwardRule",
    "CostBudget",
    "YearSettlement",
    "differentiated_prices",
    "regulated_day_price",
    "settle_year",
]


def _share(value: Exact) -> Fraction:
    result = to_fraction(value, field="share")
    if not 0 <= result <= 1:
        raise TariffError(f"a share must be from 0 to 1 (got {value!r})")
    return result


@masked_repr
@attrs.frozen(kw_only=True)
class CostBudget:
    """A provider's yearly cost budget behind its tariff (omkostningsbudget).

    The overhead is a share of the direct and indirect costs (central administration).

    Examples:
        >>> budget = CostBudget(direct="8.000.000,00", indirect="1.000.000,00",
        ...                     overhead_share="0.06", depreciation="300.000,00",
        ...                     interest="100.000,00")
        >>> budget.overhead, budget.total
        (Money.of('540000.00'), Money.of('9940000.00'))
    """

    direct: Money = attrs.field(converter=to_money)
    indirect: Money = attrs.field(converter=to_money)
    overhead_share: Fraction = attrs.field(default=Fraction(0), converter=_share)
    depreciation: Money = attrs.field(default=Money(0), converter=to_money)
    interest: Money = attrs.field(default=Money(0), converter=to_money)

    @property
    def overhead(self) -> Money:
        """The central administration's share (overhead), rounded half-even."""
        return (self.direct + self.indirect).multiply(self.overhead_share)

    @property
    def total(self) -> Money:
        """Everything the tariff must cover."""
        return self.direct + self.indirect + self.overhead + self.depreciation + self.interest


@masked_repr
@attrs.frozen(kw_only=True)
class CarryForwardRule:
    """How a year's surplus or deficit is regulated (efterreguleringsregel).

    Attributes:
        operating_limit: the share of the cost-based budget, up or down, that moves to the next
            year's operating budget (framework agreement: 5 %).
        tariff_lag_years: the rest goes into the tariff this many years after the accounts year
            (framework agreement: 2).
    """

    operating_limit: Fraction = attrs.field(default=Fraction(5, 100), converter=_share)
    tariff_lag_years: int = 2


@masked_repr
@attrs.frozen(kw_only=True)
class YearSettlement:
    """The regulation of one accounts year (efterregulering).

    ``result`` is income − cost: positive is a surplus (overskud). ``to_operating`` moves to
    the next year's operating budget; ``to_tariff`` goes into the tariff of ``tariff_year``
    (a surplus lowers it, a deficit raises it).
    """

    year: int
    result: Money
    to_operating: Money
    to_tariff: Money
    tariff_year: int


def settle_year(
    *,
    year: int,
    occupied_days: Exact,
    day_price: MoneyLike,
    cost: MoneyLike,
    budget: MoneyLike,
    rule: CarryForwardRule | None = None,
) -> YearSettlement:
    """Regulate a year (efterregulering): occupied days × tariff − cost, split by the rule.

    Examples:
        >>> s = settle_year(year=2024, occupied_days=7000, day_price="1.400,00",
        ...                 cost="10.600.000,00", budget="10.000.000,00")
        >>> s.result, s.to_operating, s.to_tariff, s.tariff_year
        (Money.of('-800000.00'), Money.of('-500000.00'), Money.of('-300000.00'), 2026)
    """
    rule = rule or CarryForwardRule()
    income = Money.of(day_price).multiply(to_quantity(occupied_days))
    result = income - Money.of(cost)
    limit = Money.of(budget).multiply(rule.operating_limit)
    to_operating = Money(max(-limit.ore, min(limit.ore, result.ore)))
    return YearSettlement(
        year=year,
        result=result,
        to_operating=to_operating,
        to_tariff=result - to_operating,
        tariff_year=year + rule.tariff_lag_years,
    )


def regulated_day_price(
    *,
    budget: CostBudget | MoneyLike,
    places: Exact,
    occupancy: Exact,
    year: int,
    settlements: tuple[YearSettlement, ...] = (),
) -> Money:
    """The day price of ``year`` with earlier years' regulation put into the tariff base.

    A surplus of an earlier year that the rule sends to this year's tariff lowers the base; a
    deficit raises it.
    """
    total = budget.total if isinstance(budget, CostBudget) else Money.of(budget)
    carried = Money.total(s.to_tariff for s in settlements if s.tariff_year == year)
    return cost_based_day_price(
        total_cost=total - carried, places=places, occupancy=occupancy, year=year
    )


def differentiated_prices(
    *,
    fixed_costs: MoneyLike,
    places: Exact,
    occupancy: Exact,
    year: int,
    hourly_price: MoneyLike,
    package_hours_per_week: Mapping[str, Exact],
) -> tuple[Money, dict[str, Money]]:
    """Split a differentiated tariff: a basistakst and a price per day for each package.

    The basistakst is the fixed costs' day price; a package's price per day is the hourly
    price × its hours per week ÷ 7, rounded half-even.

    Examples:
        >>> base, packages = differentiated_prices(
        ...     fixed_costs="3.000.000,00", places=12, occupancy="0.97", year=2025,
        ...     hourly_price="450,00", package_hours_per_week={"1": 17, "2": 24})
        >>> base, packages
        (Money.of('706.11'), {'1': Money.of('1092.86'), '2': Money.of('1542.86')})
    """
    base = cost_based_day_price(
        total_cost=fixed_costs, places=places, occupancy=occupancy, year=year
    )
    price = Money.of(hourly_price)
    packages = {
        code: price.multiply(to_quantity(hours) / 7)
        for code, hours in package_hours_per_week.items()
    }
    return base, packages
