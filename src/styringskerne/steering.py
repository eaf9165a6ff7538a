"""Steering models between authority and provider (styringsmodeller: BUM og rammestyring).

VIVE 2018 (*Det specialiserede voksenområde*), chapter 3: a continuum of how a provider's
budget follows the activity the authority (bestiller) orders from it (udfører):

1. :class:`ActivityBased` (BUM): the authority pays the tariff for every citizen-day ordered
   (internal settlement, intern afregning); the provider's budget moves with activity.
2. :class:`ActivityBasedWithFixedFrame`: a fixed frame for fixed costs plus activity pay.
3. :class:`RegulatedFrame`: a fixed frame, adjusted after a recorded dialogue when the activity
   departs from what the frame funds by more than a threshold (Gladsaxe: ½–1 full-time
   equivalent), at most a number of times a year, and not 1:1: only the part beyond the
   threshold, and of that only ``regulated_share``, is regulated. Gladsaxe measures support in
   own home in granted hours (hours a week × days / 7), not citizen-days, and looks at the
   capacity utilisation beside it (VIVE 2018, section 3.2).
4. :class:`Frame`: a fixed frame, not adjusted with activity.

Every model runs on the same :class:`Activity` (citizen-days and tariff amounts per provider
and month, from the ledger) for every provider at once; :func:`compare` runs several.
:func:`occupancy_sensitivity` shows a small provider's result under BUM as occupancy varies, and
:func:`empty_bed_warnings` flags free capacity filled by citizens outside a provider's target
group — the "empty bed" risk under frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final, Protocol

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import BudgetYear, day_number
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike, to_money, to_money_mapping
from styringskerne.core.quantities import Exact, to_fraction, to_quantity
from styringskerne.engine import UNIT_ONCE, UNIT_WEEK, grouped_interval_costs
from styringskerne.engine.columns import readonly
from styringskerne.ledger.ledger import DispositionLedger

__all__ = [
    "Activity",
    "ActivityBased",
    "ActivityBasedWithFixedFrame",
    "EmptyBedWarning",
    "Frame",
    "RegulatedFrame",
    "RegulationEvent",
    "SteeringModel",
    "SteeringResult",
    "compare",
    "empty_bed_warnings",
    "occupancy_sensitivity",
]

MONTHS: Final = 12
Matrix = NDArray[np.int64]


def _frozen(values: NDArray[np.int64]) -> NDArray[np.int64]:
    return readonly(np.array(values, dtype=np.int64))


def _hour_rows(value: Iterable[Iterable[Exact]]) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(
        tuple(v if type(v) is Fraction else to_fraction(v, field="hours") for v in row)
        for row in value
    )


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class Activity:
    """Activity ordered from providers in a year (bestilt aktivitet), per month.

    ``days[p, m]`` is provider ``p``'s citizen-days in month ``m`` (granted dispositions, not
    one-off payments); ``amounts[p, m]`` what they cost at the tariffs, in øre.
    """

    year: int
    providers: tuple[str, ...]
    days: Matrix = attrs.field(converter=_frozen)
    amounts: Matrix = attrs.field(converter=_frozen)
    hours: tuple[tuple[Fraction, ...], ...] = attrs.field(default=(), converter=_hour_rows)
    """Granted hours per provider and month of the hour-based services (bevilgede timer: hours
    a week × days / 7), exact; empty when not measured."""

    @classmethod
    def from_ledger(
        cls, ledger: DispositionLedger, year: int, *, hour_services: Iterable[str] = ()
    ) -> Activity:
        """The granted activity of every provider in the ledger for a year.

        ``hour_services`` are granted in hours a week (the segment's quantity, priced per
        week): their granted hours are counted as well, for a frame measured in hours (e.g.
        ``["SEL85"]``, support in own home); by default none are (``hours`` stays empty).
        """
        boundaries = np.array(BudgetYear(year).month_boundaries(), dtype=np.int64)
        codes, providers = ledger.groups("provider")
        columns = ledger.columns
        granted = columns.probability_numerator == columns.probability_denominator
        grouped = np.where(granted, codes, providers.size)  # not granted: a dropped extra group
        amounts = grouped_interval_costs(columns, grouped, providers.size + 1, boundaries)
        days = np.zeros((providers.size + 1) * MONTHS, dtype=np.int64)
        counted = columns.unit != UNIT_ONCE
        service_codes, services = ledger.groups("service")
        wanted = np.isin(services.astype(str), sorted(set(hour_services)))
        hourly = (wanted[service_codes] if service_codes.size else counted) & (
            columns.unit == UNIT_WEEK
        )
        # Hours × days summed exactly per quantity denominator, divided once at the end.
        denominators = np.unique(columns.quantity_denominator[hourly]).tolist()
        weighted = {d: np.zeros(days.size, dtype=np.int64) for d in denominators}
        for month in range(MONTHS):
            first, stop = boundaries[month], boundaries[month + 1]
            overlap = np.clip(columns.stop, first, stop) - np.clip(columns.start, first, stop)
            np.add.at(days, grouped * MONTHS + month, np.where(counted, overlap, 0))
            for denominator, sums in weighted.items():
                chosen = hourly & (columns.quantity_denominator == denominator)
                np.add.at(
                    sums,
                    grouped[chosen] * MONTHS + month,
                    columns.quantity_numerator[chosen] * overlap[chosen],
                )
        hours = (
            [
                tuple(
                    sum(
                        (Fraction(int(sums[cell]), d * 7) for d, sums in weighted.items()),
                        Fraction(0),
                    )
                    for cell in range(row * MONTHS, (row + 1) * MONTHS)
                )
                for row in range(providers.size)
            ]
            if weighted
            else []
        )
        return cls(
            year=year,
            providers=tuple(str(p) for p in providers.tolist()),
            days=days.reshape(-1, MONTHS)[:-1],
            amounts=amounts[:-1],
            hours=hours,
        )

    def hours_of(self, provider: str) -> tuple[Fraction, ...]:
        """A provider's granted hours per month (zeros when the activity has no hours)."""
        index = self.index(provider)
        return self.hours[index] if self.hours else (Fraction(0),) * MONTHS

    def index(self, provider: str) -> int:
        """The row of a provider."""
        try:
            return self.providers.index(provider)
        except ValueError:
            raise StyringskerneError(f"no activity for provider {provider!r}") from None


@masked_repr
@attrs.frozen(kw_only=True)
class RegulationEvent:
    """A regulation of a frame after a dialogue (regulering af rammen)."""

    provider: str
    month: int
    deviation_hours: Fraction
    amount: Money
    dialogue: dt.date
    regulated_hours: Fraction = Fraction(0)
    """The hours regulated: the share of the deviation beyond the threshold."""
    utilisation: Fraction = Fraction(0)
    """Capacity utilisation at the review: activity so far ÷ what the frame funds so far."""


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class SteeringResult:
    """A steering model's outcome for every provider (resultat af styringsmodellen).

    ``provider_budget[p, m]`` and ``authority_spend[p, m]`` are øre per provider and month;
    ``settlement[p, m]`` the internal settlement (intern afregning) the authority pays on top of
    any frame that month.
    """

    model: str
    activity: Activity
    provider_budget: Matrix = attrs.field(converter=_frozen)
    authority_spend: Matrix = attrs.field(converter=_frozen)
    settlement: Matrix = attrs.field(converter=_frozen)
    regulations: tuple[RegulationEvent, ...] = ()

    def budget_of(self, provider: str) -> tuple[Money, ...]:
        """A provider's budget per month."""
        return tuple(Money(int(v)) for v in self.provider_budget[self.activity.index(provider)])

    def spend_of(self, provider: str) -> tuple[Money, ...]:
        """The authority's spend on a provider per month."""
        return tuple(Money(int(v)) for v in self.authority_spend[self.activity.index(provider)])

    def settlement_entries(self, provider: str) -> tuple[tuple[int, Money], ...]:
        """A provider's internal settlement entries: ``(month, amount)``, months 1–12."""
        row = self.settlement[self.activity.index(provider)]
        return tuple((m + 1, Money(int(v))) for m, v in enumerate(row.tolist()) if v)

    def to_dict(self, provider: str) -> dict[str, Any]:
        """One provider's outcome as plain data with decimal strings."""
        return {
            "model": self.model,
            "provider": provider,
            "budget": [m.to_string() for m in self.budget_of(provider)],
            "authority_spend": [m.to_string() for m in self.spend_of(provider)],
            "settlement": [
                [month, m.to_string()] for month, m in self.settlement_entries(provider)
            ],
            "regulations": [
                {
                    "month": e.month,
                    "amount": e.amount.to_string(),
                    "dialogue": e.dialogue.isoformat(),
                }
                for e in self.regulations
                if e.provider == provider
            ],
        }


class SteeringModel(Protocol):
    """A steering model (styringsmodel): activity in, budgets and spend out."""

    @property
    def name(self) -> str: ...

    def run(self, activity: Activity) -> SteeringResult: ...


def _monthly_frames(activity: Activity, frames: Mapping[str, Money]) -> Matrix:
    """Each provider's yearly frame split exactly into twelve months (unknown providers: 0)."""
    result = np.zeros((len(activity.providers), MONTHS), dtype=np.int64)
    for index, provider in enumerate(activity.providers):
        frame = frames.get(provider)
        if frame is not None:
            result[index] = [m.ore for m in frame.allocate([1] * MONTHS)]
    return result


@masked_repr
@attrs.frozen
class ActivityBased:
    """Activity-based steering (BUM): the tariff for every citizen-day ordered."""

    name: str = "activity-based (BUM)"

    def run(self, activity: Activity) -> SteeringResult:
        """Budget = spend = settlement = the activity at the tariffs."""
        return SteeringResult(
            model=self.name,
            activity=activity,
            provider_budget=activity.amounts,
            authority_spend=activity.amounts,
            settlement=activity.amounts,
        )


def _share(value: Exact) -> Fraction:
    result = to_fraction(value, field="variable_share")
    if not 0 <= result <= 1:
        raise StyringskerneError(f"'variable_share' must be from 0 to 1 (got {value!r})")
    return result


@masked_repr
@attrs.frozen(kw_only=True)
class ActivityBasedWithFixedFrame:
    """A fixed frame for fixed costs plus activity pay (BUM med fast ramme).

    Attributes:
        frames: each provider's yearly frame for its fixed costs.
        variable_share: the share of the tariff paid per citizen-day ordered (the variable
            costs, e.g. the package price's share).
    """

    frames: Mapping[str, Money] = attrs.field(converter=to_money_mapping)
    variable_share: Fraction = attrs.field(converter=_share)
    name: str = "activity-based with a fixed frame"

    def run(self, activity: Activity) -> SteeringResult:
        """Budget = spend = the frame in twelfths + the variable share of the activity."""
        numerator, denominator = self.variable_share.numerator, self.variable_share.denominator
        pay = (2 * activity.amounts * numerator + denominator) // (2 * denominator)  # half up
        frame = _monthly_frames(activity, self.frames)
        return SteeringResult(
            model=self.name,
            activity=activity,
            provider_budget=frame + pay,
            authority_spend=frame + pay,
            settlement=pay,
        )


@masked_repr
@attrs.frozen(kw_only=True)
class Frame:
    """Pure frame steering (rammestyring): a fixed frame, not adjusted with activity."""

    frames: Mapping[str, Money] = attrs.field(converter=to_money_mapping)
    name: str = "frame"

    def run(self, activity: Activity) -> SteeringResult:
        """Budget = spend = the frame in twelfths, whatever the activity."""
        frame = _monthly_frames(activity, self.frames)
        return SteeringResult(
            model=self.name,
            activity=activity,
            provider_budget=frame,
            authority_spend=frame,
            settlement=np.zeros_like(frame),
        )


def _dialogues(value: Mapping[str, Iterable[dt.date]]) -> Mapping[str, tuple[dt.date, ...]]:
    return MappingProxyType({key: tuple(sorted(days)) for key, days in value.items()})


def _months(value: Iterable[int]) -> tuple[int, ...]:
    months = tuple(sorted(value))
    if not months or any(not 1 <= m <= MONTHS for m in months):
        raise StyringskerneError(f"'review_months' must be months 1–12 (got {months!r})")
    return months


def _share_of_change(value: Exact) -> Fraction:
    share = to_fraction(value, field="regulated_share")
    if not 0 <= share <= 1:
        raise StyringskerneError(f"'regulated_share' must be from 0 to 1 (got {share})")
    return share


def _funded(value: Mapping[str, Exact]) -> Mapping[str, Fraction]:
    return MappingProxyType({key: to_fraction(v, field="funded") for key, v in value.items()})


@masked_repr
@attrs.frozen(kw_only=True)
class RegulatedFrame:
    """A frame regulated after dialogue when activity departs from it (reguleret ramme).

    At each review month the activity so far is compared with what the frame funds for those
    months, less what earlier regulations covered. The activity is measured in citizen-days
    (``measure="days"``; the deviation in staff hours is days × ``hours_per_day``) or, as
    Gladsaxe does for support in own home, in granted hours (``measure="hours"``: hours a week
    × days / 7, from :attr:`Activity.hours`; the deviation is in those hours). The part of the
    deviation beyond ``threshold_hours``, and of that the ``regulated_share`` (the frame is "ikke
    1:1" with the hours), is priced at ``hourly_price`` and added to (or taken from) the rest of
    the year's budget, if a dialogue with the provider is recorded since the last review and
    fewer than ``max_regulations`` were made this year. Each regulation carries the capacity
    utilisation at its review; :meth:`capacity_utilisation` gives it at every review.

    Attributes:
        frames: each provider's yearly frame.
        funded_days: the citizen-days a year each frame funds (``measure="days"``).
        hours_per_day: staff hours per citizen-day (``measure="days"``).
        hourly_price: the price of a staff hour.
        threshold_hours: the deviation tolerated; Gladsaxe: ½–1 full-time equivalent a year
            (``staffing.fte_hours("0.5")`` ≈ 965 paid hours).
        review_months: the months after whose end the activity is reviewed (default June, Dec.).
        max_regulations: at most this many regulations a year (default 2).
        dialogues: the dates of recorded dialogues with each provider.
        measure: ``"days"`` (default) or ``"hours"`` (granted hours).
        funded_hours: the granted hours a year each frame funds (``measure="hours"``).
        regulated_share: the share of the deviation beyond the threshold that is regulated;
            the report says only "ikke 1:1", so the default 1 (all of the part beyond the
            threshold) is an ASSUMPTION.
    """

    frames: Mapping[str, Money] = attrs.field(converter=to_money_mapping)
    funded_days: Mapping[str, int] = attrs.field(factory=dict)
    hours_per_day: Fraction = attrs.field(default=Fraction(1), converter=to_quantity)
    hourly_price: Money = attrs.field(converter=to_money)
    threshold_hours: Fraction = attrs.field(converter=to_quantity)
    review_months: tuple[int, ...] = attrs.field(default=(6, 12), converter=_months)
    max_regulations: int = 2
    dialogues: Mapping[str, tuple[dt.date, ...]] = attrs.field(factory=dict, converter=_dialogues)
    name: str = "regulated frame"
    measure: str = "days"
    funded_hours: Mapping[str, Fraction] = attrs.field(factory=dict, converter=_funded)
    regulated_share: Fraction = attrs.field(default=Fraction(1), converter=_share_of_change)

    def __attrs_post_init__(self) -> None:
        if self.measure not in ("days", "hours"):
            raise StyringskerneError(f"'measure' must be days|hours (got {self.measure!r})")

    def _measured(self, activity: Activity, index: int, months: int) -> Fraction:
        """A provider's activity in hours over the first ``months`` months: granted hours, or
        citizen-days × hours a day."""
        if self.measure == "hours":
            if not activity.hours:
                raise StyringskerneError(
                    "the regulated frame measures granted hours, but the activity has none; "
                    "build it with Activity.from_ledger(ledger, year, hour_services=[...])"
                )
            return sum(activity.hours[index][:months], Fraction(0))
        return int(activity.days[index, :months].sum()) * self.hours_per_day

    def _funded_hours(self, provider: str) -> Fraction | None:
        if self.measure == "hours":
            return self.funded_hours.get(provider)
        days = self.funded_days.get(provider)
        return None if days is None else days * self.hours_per_day

    def capacity_utilisation(self, activity: Activity) -> dict[str, dict[int, Fraction]]:
        """Each funded provider's capacity utilisation (kapacitetsudnyttelse) at each review
        month: activity so far ÷ what the frame funds so far, exactly."""
        result: dict[str, dict[int, Fraction]] = {}
        for index, provider in enumerate(activity.providers):
            funded = self._funded_hours(provider)
            if not funded or provider not in self.frames:
                continue
            result[provider] = {
                month: self._measured(activity, index, month) / (funded * month / MONTHS)
                for month in self.review_months
            }
        return result

    def run(self, activity: Activity) -> SteeringResult:
        """Frame in twelfths, plus regulations from review months on."""
        budget = _monthly_frames(activity, self.frames)
        events: list[RegulationEvent] = []
        for index, provider in enumerate(activity.providers):
            funded = self._funded_hours(provider)
            if funded is None or provider not in self.frames:
                continue
            done, since, regulated = 0, dt.date(activity.year, 1, 1), Fraction(0)
            for month in self.review_months:
                review = (
                    dt.date(activity.year, month + 1, 1)
                    if month < MONTHS
                    else dt.date(activity.year + 1, 1, 1)
                ) - dt.timedelta(days=1)
                actual = self._measured(activity, index, month)
                # Hours already regulated earlier in the year are not regulated again.
                deviation = actual - funded * month / MONTHS - regulated
                dialogue = next(
                    (d for d in self.dialogues.get(provider, ()) if since <= d <= review), None
                )
                since = review + dt.timedelta(days=1)
                beyond = abs(deviation) - self.threshold_hours
                if beyond <= 0 or dialogue is None or done >= self.max_regulations:
                    continue
                sign = 1 if deviation > 0 else -1
                hours = beyond * self.regulated_share * sign
                regulated += hours
                amount = self.hourly_price.multiply(hours)
                rest = list(range(month, MONTHS)) or [MONTHS - 1]
                for column, part in zip(rest, amount.allocate([1] * len(rest)), strict=True):
                    budget[index, column] += part.ore
                events.append(
                    RegulationEvent(
                        provider=provider,
                        month=month,
                        deviation_hours=deviation,
                        amount=amount,
                        dialogue=dialogue,
                        regulated_hours=hours,
                        utilisation=actual / (funded * month / MONTHS) if funded else Fraction(0),
                    )
                )
                done += 1
        return SteeringResult(
            model=self.name,
            activity=activity,
            provider_budget=budget,
            authority_spend=budget,
            settlement=np.zeros_like(budget),
            regulations=tuple(events),
        )


def compare(activity: Activity, models: Sequence[SteeringModel]) -> tuple[SteeringResult, ...]:
    """Run several steering models on the same activity."""
    return tuple(model.run(activity) for model in models)


def occupancy_sensitivity(
    *,
    places: Exact,
    day_price: MoneyLike,
    fixed_costs: MoneyLike,
    variable_cost_per_day: MoneyLike,
    year: int,
    occupancies: Iterable[Exact],
) -> tuple[tuple[Fraction, Money], ...]:
    """A provider's yearly result under BUM at each occupancy: income − costs.

    Income = occupied days × day price; costs = fixed costs + occupied days × variable cost.
    A small provider's fixed costs make its result swing with each empty bed.

    Examples:
        >>> rows = occupancy_sensitivity(places=6, day_price="2.000,00",
        ...     fixed_costs="2.500.000,00", variable_cost_per_day="800,00", year=2025,
        ...     occupancies=["0.83", "1"])
        >>> [(float(share), str(result)) for share, result in rows]
        [(0.83, '-318.760,00 kr.'), (1.0, '128.000,00 kr.')]
    """
    days_in_year = BudgetYear(year).days
    margin = Money.of(day_price) - Money.of(variable_cost_per_day)
    result = []
    for occupancy in occupancies:
        share = to_fraction(occupancy, field="occupancy")
        days = to_quantity(places) * days_in_year * share
        result.append((share, margin.multiply(days) - Money.of(fixed_costs)))
    return tuple(result)


@masked_repr
@attrs.frozen(kw_only=True)
class EmptyBedWarning:
    """Free capacity filled by a citizen outside the provider's target group (tomme senge)."""

    provider: str
    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    service: str
    disposition_id: str


def empty_bed_warnings(
    ledger: DispositionLedger,
    *,
    provider: str,
    target_services: Iterable[str],
    capacity: int,
    on: dt.date,
) -> tuple[EmptyBedWarning, ...]:
    """Warn when a frame provider's free places are filled by citizens outside its target group.

    Under a frame an empty bed costs nothing extra, which tempts visiting citizens to free
    capacity that does not match their need. A warning is raised for each citizen at the
    provider on ``on`` whose service is outside ``target_services`` while the target group alone
    leaves places free.
    """
    targets = set(target_services)
    number = day_number(on)
    columns = ledger.columns
    provider_codes, providers = ledger.groups("provider")
    service_codes, services = ledger.groups("service")
    citizen_codes, citizens = ledger.groups("citizen")
    disposition_codes, dispositions = ledger.groups("disposition")
    here = (providers.astype(str) == provider)[provider_codes]
    active = (
        here & (columns.start <= number) & (columns.stop > number) & (columns.unit != UNIT_ONCE)
    )
    in_group = np.isin(services.astype(str), sorted(targets))[service_codes]
    target_citizens = np.unique(citizen_codes[active & in_group]).size
    if target_citizens >= capacity:
        return ()
    outside = np.flatnonzero(active & ~in_group)
    seen: set[tuple[int, int]] = set()
    warnings = []
    for row in outside.tolist():
        key = (int(citizen_codes[row]), int(disposition_codes[row]))
        if key in seen:
            continue
        seen.add(key)
        warnings.append(
            EmptyBedWarning(
                provider=provider,
                citizen_id=str(citizens[citizen_codes[row]]),
                service=str(services[service_codes[row]]),
                disposition_id=str(dispositions[disposition_codes[row]]),
            )
        )
    return tuple(warnings)
