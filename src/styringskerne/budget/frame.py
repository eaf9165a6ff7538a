"""The budget frame, steering assumptions and deviations (rammebudget og styringsforudsætninger).

- The area has a fixed yearly frame (rammebudget), split into sub-areas by steering assumptions
  (styringsforudsætninger): citizens per service × average price, from individual data
  (:func:`assumptions_from_ledger`) or set by hand. A strategy target can be wired in
  (:func:`move_share`: Holstebro moved 60 % of individual-support recipients to group courses).
- Overspend in one sub-area is financed by underspend in another (omplacering,
  :meth:`BudgetFrame.reallocate`); a supplementary appropriation (tillægsbevilling,
  :meth:`BudgetFrame.appropriate`) is the exception and is recorded as such.
- A forecast overspend beyond a tolerance requires a variance explanation (afvigelsesforklaring)
  and an action plan (handleplan): :func:`missing_explanations`.
- Over years (*Tabel 1.1*): budget deviation = (accounts − budget) ÷ budget; budget keeping
  (budgetoverholdelse) = not spending more than budget; budget precision (budgetpræcision) =
  hitting it, measured as the mean absolute deviation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs
import numpy as np

from styringskerne.core.calendar import BudgetYear, _check_date, _check_optional_date
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, to_money, to_money_mapping
from styringskerne.core.quantities import Exact, to_fraction
from styringskerne.forecast.forecast import Forecast
from styringskerne.kpi.figures import days_in_service
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.subareas import own_segments, sub_area_codes

__all__ = [
    "Action",
    "BudgetChange",
    "BudgetFrame",
    "SteeringAssumption",
    "VarianceExplanation",
    "YearResult",
    "assumptions_from_ledger",
    "budget_keeping",
    "budget_precision",
    "mean_deviation",
    "missing_explanations",
    "move_share",
]


def _to_count(value: Exact) -> Fraction:
    # Full-year persons from data are exact fractions of any denominator (days ÷ days in year).
    result = value if isinstance(value, Fraction) else to_fraction(value, field="citizens")
    if result < 0:
        raise StyringskerneError(f"'citizens' must be >= 0 (got {value!r})")
    return result


@masked_repr
@attrs.frozen(kw_only=True)
class SteeringAssumption:
    """A steering assumption (styringsforudsætning): citizens × average price.

    ``citizens`` counts full-year persons (helårspersoner) and may be fractional;
    ``average_price`` is the price per full-year person.

    Examples:
        >>> SteeringAssumption(sub_area="5.38.52", service="SEL107", citizens=50,
        ...                    average_price="620.000,00").amount
        Money.of('31000000.00')
    """

    sub_area: str
    service: str
    citizens: Fraction = attrs.field(converter=_to_count)
    average_price: Money = attrs.field(converter=to_money)

    @property
    def amount(self) -> Money:
        """Citizens × average price, rounded half-even to øre."""
        return self.average_price.multiply(self.citizens)


def assumptions_from_ledger(
    ledger: DispositionLedger, year: int, *, sub_areas: Mapping[str, str] | None = None
) -> tuple[SteeringAssumption, ...]:
    """Steering assumptions (styringsforudsætninger) from individual data.

    Per sub-area and service: full-year persons = days in service in the year ÷ days in the
    year, counted as :func:`styringskerne.kpi.figures.full_year_persons` does; average price = the
    year's cost ÷ full-year persons. Only this municipality's spend counts.
    """
    days_in_year = BudgetYear(year).days
    costs = ledger.segment_costs(dt.date(year, 1, 1), dt.date(year, 12, 31))
    area_codes, area_names = sub_area_codes(ledger, sub_areas)
    service_codes, services = ledger.groups("service")
    own = own_segments(ledger)
    size = max(services.size, 1)
    pair = area_codes * size + service_codes  # one group per (sub-area, service)
    days = days_in_service(ledger, BudgetYear(year).range, pair, only=own)
    spend_by_pair = np.zeros(int(pair.max(initial=0)) + 1, dtype=np.int64)
    np.add.at(spend_by_pair, pair[own], costs[own])
    persons = {divmod(key, size): total / days_in_year for key, total in days.items()}
    spend = {divmod(key, size): int(spend_by_pair[key]) for key in days}
    result = []
    for (area, service), count in sorted(persons.items()):
        if count == 0:
            continue
        result.append(
            SteeringAssumption(
                sub_area=area_names[area],
                service=str(services[service]),
                citizens=count,
                average_price=Money.from_fraction(Fraction(spend[(area, service)]) / count),
            )
        )
    return tuple(result)


def move_share(
    assumptions: Iterable[SteeringAssumption],
    *,
    from_service: str,
    to_service: str,
    share: Exact,
    average_price: Money | str,
    to_sub_area: str | None = None,
) -> tuple[SteeringAssumption, ...]:
    """Wire a strategy target into the assumptions: move a share of citizens to another service.

    Holstebro's target (VIVE 2018, ch. 2): 60 % of individual-support recipients moved to group
    courses at an assumed average price.

    Examples:
        >>> support = SteeringAssumption(sub_area="5.38.39", service="SEL85", citizens=100,
        ...                              average_price="80.000,00")
        >>> moved = move_share([support], from_service="SEL85", to_service="SEL82",
        ...                    share="0.6", average_price="20.000,00")
        >>> [(a.service, int(a.citizens), str(a.amount)) for a in moved]
        [('SEL85', 40, '3.200.000,00 kr.'), ('SEL82', 60, '1.200.000,00 kr.')]
    """
    fraction = to_fraction(share, field="share")
    if not 0 <= fraction <= 1:
        raise StyringskerneError(f"'share' must be from 0 to 1 (got {share!r})")
    result: list[SteeringAssumption] = []
    moved: dict[str, Fraction] = {}
    for assumption in assumptions:
        if assumption.service != from_service:
            result.append(assumption)
            continue
        leaving = assumption.citizens * fraction
        result.append(attrs.evolve(assumption, citizens=assumption.citizens - leaving))
        target = to_sub_area or assumption.sub_area
        moved[target] = moved.get(target, Fraction(0)) + leaving
    if not moved:
        raise StyringskerneError(f"no assumption for service {from_service!r} to move from")
    result.extend(
        SteeringAssumption(
            sub_area=area, service=to_service, citizens=count, average_price=average_price
        )
        for area, count in moved.items()
    )
    return tuple(result)


ChangeKind = Literal["reallocation", "supplementary"]


@masked_repr
@attrs.frozen(kw_only=True)
class BudgetChange:
    """A reallocation (omplacering) or a supplementary appropriation (tillægsbevilling)."""

    kind: ChangeKind
    date: dt.date = attrs.field(validator=_check_date)
    to_sub_area: str
    amount: Money = attrs.field(converter=to_money)
    from_sub_area: str | None = None
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.amount.ore <= 0:
            raise StyringskerneError(f"a budget change must be positive (got {self.amount})")
        if (self.kind == "reallocation") != (self.from_sub_area is not None):
            raise StyringskerneError(
                "a reallocation names the sub-area it takes from; a supplementary "
                "appropriation does not"
            )


@masked_repr
@attrs.frozen(kw_only=True)
class BudgetFrame:
    """The yearly budget frame of the area, per sub-area, with its changes (rammebudget).

    Examples:
        >>> frame = BudgetFrame(year=2024, original={"5.38.50": Money.of("10.000.000,00"),
        ...                                         "5.38.52": Money.of("5.000.000,00")})
        >>> frame = frame.reallocate(dt.date(2024, 6, 1), from_sub_area="5.38.50",
        ...                          to_sub_area="5.38.52", amount="500.000,00")
        >>> frame = frame.appropriate(dt.date(2024, 9, 1), sub_area="5.38.52", amount="250.000,00")
        >>> [str(v) for v in frame.corrected.values()], str(frame.total)
        (['9.500.000,00 kr.', '5.750.000,00 kr.'], '15.250.000,00 kr.')
    """

    year: int
    original: Mapping[str, Money] = attrs.field(converter=to_money_mapping)
    changes: tuple[BudgetChange, ...] = ()

    @classmethod
    def from_assumptions(
        cls, year: int, assumptions: Iterable[SteeringAssumption], *, total: Money | None = None
    ) -> BudgetFrame:
        """Sub-area budgets from assumptions; with ``total`` the frame is split in proportion.

        The split is exact (largest remainder), so the sub-areas add up to the frame.
        """
        amounts: dict[str, Money] = {}
        for assumption in assumptions:
            amounts[assumption.sub_area] = amounts.get(assumption.sub_area, Money(0)) + (
                assumption.amount
            )
        if total is not None:
            names = sorted(amounts)
            parts = total.allocate([amounts[name].ore for name in names])
            amounts = dict(zip(names, parts, strict=True))
        return cls(year=year, original=amounts)

    @property
    def corrected(self) -> Mapping[str, Money]:
        """The corrected budget (korrigeret budget): original plus every change."""
        result = dict(self.original)
        for change in self.changes:
            result[change.to_sub_area] = result.get(change.to_sub_area, Money(0)) + change.amount
            if change.from_sub_area is not None:
                result[change.from_sub_area] = (
                    result.get(change.from_sub_area, Money(0)) - change.amount
                )
        return to_money_mapping(result)

    @property
    def total(self) -> Money:
        """The corrected frame for the whole area."""
        return Money.total(self.corrected.values())

    @property
    def supplementary(self) -> Money:
        """All supplementary appropriations: how far the frame has moved."""
        return Money.total(c.amount for c in self.changes if c.kind == "supplementary")

    def reallocate(
        self,
        day: dt.date,
        *,
        from_sub_area: str,
        to_sub_area: str,
        amount: Money | str,
        note: str = "",
    ) -> BudgetFrame:
        """A new frame with ``amount`` moved between sub-areas (omplacering); the total holds."""
        change = BudgetChange(
            kind="reallocation",
            date=day,
            from_sub_area=from_sub_area,
            to_sub_area=to_sub_area,
            amount=amount,
            note=note,
        )
        return attrs.evolve(self, changes=(*self.changes, change))

    def appropriate(
        self, day: dt.date, *, sub_area: str, amount: Money | str, note: str = ""
    ) -> BudgetFrame:
        """A new frame with a supplementary appropriation (tillægsbevilling) to a sub-area."""
        change = BudgetChange(
            kind="supplementary", date=day, to_sub_area=sub_area, amount=amount, note=note
        )
        return attrs.evolve(self, changes=(*self.changes, change))


@masked_repr
@attrs.frozen(kw_only=True)
class Action:
    """One corrective measure of an action plan (handleplan) with its expected effect."""

    description: str = attrs.field(validator=attrs.validators.min_len(1))
    expected_effect: Money = attrs.field(converter=to_money)
    responsible: str = ""
    deadline: dt.date | None = attrs.field(default=None, validator=_check_optional_date)


def _actions(value: Iterable[Action]) -> tuple[Action, ...]:
    return tuple(value)


@masked_repr
@attrs.frozen(kw_only=True)
class VarianceExplanation:
    """A variance explanation (afvigelsesforklaring) with its action plan (handleplan)."""

    sub_area: str
    explanation: str = attrs.field(validator=attrs.validators.min_len(1))
    actions: tuple[Action, ...] = attrs.field(converter=_actions)

    def __attrs_post_init__(self) -> None:
        if not self.actions:
            raise StyringskerneError(
                f"the variance explanation for {self.sub_area!r} needs an action plan with at "
                "least one action"
            )

    @property
    def expected_effect(self) -> Money:
        """The action plan's expected effect in total."""
        return Money.total(action.expected_effect for action in self.actions)


def missing_explanations(
    forecast: Forecast,
    explanations: Iterable[VarianceExplanation] = (),
    *,
    tolerance: Exact = Fraction(0),
) -> tuple[str, ...]:
    """Sub-areas whose overspend exceeds ``tolerance`` × budget and that lack an explanation.

    Examples:
        >>> from styringskerne.forecast.forecast import ForecastLine
        >>> forecast = Forecast(as_of=dt.date(2024, 5, 31), year=2024,
        ...     lines=(ForecastLine(kind="dispositions", label="granted",
        ...                         amounts={"5.38.52": Money.of("1.050.000,00")}),),
        ...     budget={"5.38.52": Money.of("1.000.000,00")})
        >>> missing_explanations(forecast, tolerance="0.01")
        ('5.38.52',)
    """
    share = to_fraction(tolerance, field="tolerance")
    explained = {explanation.sub_area for explanation in explanations}
    result = []
    for name in forecast.sub_areas:
        budget = forecast.budget.get(name, Money(0))
        if forecast.deviation(name).ore > share * budget.ore and name not in explained:
            result.append(name)
    return tuple(result)


@masked_repr
@attrs.frozen(kw_only=True)
class YearResult:
    """A year's budget and accounts (budget og regnskab), for deviation and precision."""

    year: int
    budget: Money = attrs.field(converter=to_money)
    accounts: Money = attrs.field(converter=to_money)

    def __attrs_post_init__(self) -> None:
        if self.budget.ore <= 0:
            raise StyringskerneError(f"year {self.year}: the budget must be positive")

    @property
    def deviation(self) -> Money:
        """Accounts − budget: positive is overspend (merforbrug)."""
        return self.accounts - self.budget

    @property
    def deviation_share(self) -> Fraction:
        """(accounts − budget) ÷ budget, exactly (budgetafvigelse)."""
        return Fraction(self.deviation.ore, self.budget.ore)

    def deviation_percent(self, *, decimals: int = 0, overspend_negative: bool = False) -> str:
        """The deviation in percent of the budget as printed in reports, e.g. ``'3 %'``.

        ``overspend_negative`` prints overspend as negative, the way *Tabel 1.1* does.
        """
        value = self.deviation_share * 100 * (-1 if overspend_negative else 1)
        scaled = round(value * 10**decimals)  # half-even, like every rounding in the library
        return str(Decimal(scaled).scaleb(-decimals)).replace(".", ",") + " %"


def budget_keeping(results: Sequence[YearResult]) -> Fraction:
    """Share of years with accounts at or below budget (andel år med budgetoverholdelse).

    A count of years; VIVE 2018 measures budget keeping in the introduction as the mean
    signed deviation instead: see :func:`mean_deviation`.
    """
    if not results:
        raise StyringskerneError("budget keeping needs at least one year")
    return Fraction(sum(1 for r in results if r.deviation.ore <= 0), len(results))


def mean_deviation(results: Sequence[YearResult]) -> Fraction:
    """Mean signed deviation as a share of budget (gennemsnitlig budgetafvigelse).

    The report's measure of budget keeping (budgetoverholdelse): "2,8 procent højere udgifter
    end budgetteret" on the adult area in 2011-2017 (VIVE 2018, chapter 1) is this mean,
    positive when the years together spent more than budgeted. Years of underspend and
    overspend cancel out here; :func:`budget_precision` (the mean of the absolute deviations,
    "6,4 procent" in the same passage) does not let them.

    Examples:
        >>> years = [YearResult(year=2016, budget="1.000,00", accounts="1.060,00"),
        ...          YearResult(year=2017, budget="1.000,00", accounts="996,00")]
        >>> mean_deviation(years) * 100
        Fraction(14, 5)
    """
    if not results:
        raise StyringskerneError("the mean deviation needs at least one year")
    return sum((r.deviation_share for r in results), Fraction(0)) / len(results)


def budget_precision(results: Sequence[YearResult]) -> Fraction:
    """Mean absolute deviation as a share of budget (budgetpræcision: lower is more precise)."""
    if not results:
        raise StyringskerneError("budget precision needs at least one year")
    return sum((abs(r.deviation_share) for r in results), Fraction(0)) / len(results)
