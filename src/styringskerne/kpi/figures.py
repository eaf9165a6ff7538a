"""Key figures (styringsnøgletal) from the disposition ledger, each with its definition.

VIVE 2018, chapter 7 (styringsnøgletal). Every figure is computed on the ledger's arrays for all
groups at once and returned as plain dictionaries keyed by the group (service, provider,
account, …). Counts are of distinct citizens; dispositions with probability 0 and one-off
payments are not "in service". Full-year persons (helårspersoner) weigh each day by the
disposition's probability.

| figure | definition |
|---|---|
| citizens at a date | distinct citizens with a disposition on that day |
| full-year persons | days in service ÷ days in the period's year (expected ones × probability) |
| average price | spend in the period ÷ full-year persons (or ÷ citizens) |
| granted hours per week | hours a week of weekly-priced support on a day × probability |
| occupancy | citizen-days at a provider ÷ (places × days in the period) |
| purchase share | spend at others' providers ÷ all spend, residential services |
| sales | spend at own providers paid by other municipalities |
| inflow, outflow | citizens starting, ending a service per month |
| length of stay | days of the stays in a service that ended in the period |
| progression | the average change per theme from each citizen's first to last score |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Final

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import BudgetYear, DateRange, _check_date, day_number
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.core.quantities import Exact, to_fraction
from styringskerne.engine import (
    UNIT_ONCE,
    UNIT_WEEK,
    dense_codes,
    fraction_sums,
    group_sum,
    stable_order,
)
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.subareas import own_segments

__all__ = [
    "RESIDENTIAL_SERVICES",
    "Score",
    "average_price",
    "average_price_per_citizen",
    "citizens_at",
    "citizens_on",
    "days_in_service",
    "full_year_persons",
    "full_year_persons_exact",
    "granted_hours_per_week",
    "inflow_outflow",
    "length_of_stay",
    "occupancy",
    "progression",
    "purchases_and_sales",
]

RESIDENTIAL_SERVICES: Final = ("SEL107", "SEL108", "ABL105")
"""Residential places for the purchase share (VIVE 2018, *Bilagstabel 3*: temporary and
long-term residential offers and housing-like offers)."""

_PLACES: Final = Decimal("0.0001")


def _in_service(ledger: DispositionLedger) -> NDArray[np.bool_]:
    columns = ledger.columns
    result: NDArray[np.bool_] = (columns.probability_numerator > 0) & (columns.unit != UNIT_ONCE)
    return result


def _distinct_count(
    groups: NDArray[np.int64], citizens: NDArray[np.int64], chosen: NDArray[np.bool_], size: int
) -> NDArray[np.int64]:
    """Distinct citizens per group among the chosen segments."""
    if not chosen.any():
        return np.zeros(size, dtype=np.int64)
    # One integer per (group, citizen): a presence mask where the pairs are few enough to
    # list (groups × citizens), else a sort of the integers; never a sort of row pairs.
    width = int(citizens.max(initial=0)) + 1
    keys = groups[chosen].astype(np.int64) * width + citizens[chosen]
    if size * width <= max(1 << 24, 8 * keys.size):
        distinct = dense_codes(keys, size * width)[0]
    else:
        distinct = np.unique(keys)
    return np.bincount(distinct // width, minlength=size).astype(np.int64)


def _labels(labels: NDArray[np.generic]) -> list[str]:
    return [str(label) for label in labels.tolist()]


def citizens_at(ledger: DispositionLedger, day: dt.date, *, by: str = "service") -> dict[str, int]:
    """Distinct citizens in service on a day, per group (antal borgere pr. dato).

    Examples:
        >>> from styringskerne import Disposition
        >>> ledger = DispositionLedger([Disposition.at_rate(id="D1", citizen_id="B-1",
        ...     service="SEL108", rate="1.000,00", unit="day", start=dt.date(2024, 1, 1))])
        >>> citizens_at(ledger, dt.date(2024, 6, 30))
        {'SEL108': 1}
    """
    codes, labels = ledger.groups(by)
    counts = citizens_on(ledger, day, codes, labels.size)
    return {name: int(c) for name, c in zip(_labels(labels), counts.tolist(), strict=True) if c}


def citizens_on(
    ledger: DispositionLedger, day: dt.date, codes: NDArray[np.int64], size: int
) -> NDArray[np.int64]:
    """Distinct citizens in service on a day per group code (for any grouping of segments)."""
    citizen_codes, _ = ledger.groups("citizen")
    columns = ledger.columns
    number = day_number(day)
    active = _in_service(ledger) & (columns.start <= number) & (columns.stop > number)
    return _distinct_count(codes, citizen_codes, active, size)


def _period_in_a_year(start: dt.date, end: dt.date) -> tuple[DateRange, int]:
    period = DateRange(start=start, end=end)
    if start.year != end.year:
        raise StyringskerneError(
            f"full-year persons are per budget year; {start.isoformat()}–{end.isoformat()} "
            "spans two years: ask for each year"
        )
    return period, BudgetYear(start.year).days


def days_in_service(
    ledger: DispositionLedger,
    period: DateRange,
    codes: NDArray[np.int64],
    *,
    only: NDArray[np.bool_] | None = None,
) -> dict[int, Fraction]:
    """Days in service per group code over a period, exactly (dage i tilbud).

    ``codes`` gives each segment's group; ``only`` limits the segments counted. A citizen's
    overlapping granted dispositions in a group count each day once; expected dispositions
    (probability below 1) add days × probability.
    """
    columns = ledger.columns
    first, stop = period.start_number, period.stop_number
    counted = _in_service(ledger) if only is None else _in_service(ledger) & only
    granted = counted & (columns.probability_numerator == columns.probability_denominator)
    # Only segments that meet the period can add days in it (the union of days within the
    # period is the union of each segment's days within it), so the rest are not merged.
    spells = _spells(ledger, codes, granted & (columns.start < stop) & (columns.stop > first))
    spell_days = np.clip(spells.stop, first, stop) - np.clip(spells.start, first, stop)
    totals = group_sum(spells.group, spell_days, int(codes.max(initial=-1)) + 1)
    result: dict[int, Fraction] = {
        group: Fraction(int(totals[group])) for group in np.flatnonzero(totals).tolist()
    }
    days = np.clip(columns.stop, first, stop) - np.clip(columns.start, first, stop)
    chosen = counted & ~granted & (days > 0)
    weighted = (days * columns.probability_numerator)[chosen]
    for group, total in fraction_sums(
        codes[chosen], weighted, columns.probability_denominator[chosen]
    ).items():
        result[group] = result.get(group, Fraction(0)) + total
    return result


def _weighted_days(
    ledger: DispositionLedger, period: DateRange, by: str
) -> tuple[NDArray[np.generic], dict[int, Fraction]]:
    codes, labels = ledger.groups(by)
    return labels, days_in_service(ledger, period, codes)


def full_year_persons_exact(
    ledger: DispositionLedger, start: dt.date, end: dt.date, *, by: str = "service"
) -> dict[str, Fraction]:
    """Full-year persons (helårspersoner) per group as exact fractions."""
    period, days_in_year = _period_in_a_year(start, end)
    labels, days = _weighted_days(ledger, period, by)
    names = _labels(labels)
    return {names[group]: total / days_in_year for group, total in sorted(days.items())}


def full_year_persons(
    ledger: DispositionLedger, start: dt.date, end: dt.date, *, by: str = "service"
) -> dict[str, Decimal]:
    """Full-year persons (helårspersoner) per group, as ``Decimal`` with four decimals.

    Days in service over the period, weighted by probability, ÷ days in the period's year
    (rounded half-even to 0,0001; :func:`full_year_persons_exact` gives the fractions).

    Examples:
        >>> from styringskerne import Disposition
        >>> ledger = DispositionLedger([Disposition.at_rate(id="D1", citizen_id="B-1",
        ...     service="SEL107", rate="1.000,00", unit="day", start=dt.date(2024, 1, 1),
        ...     end=dt.date(2024, 6, 30))])
        >>> full_year_persons(ledger, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        {'SEL107': Decimal('0.4973')}
    """
    return {
        name: (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            _PLACES, rounding=ROUND_HALF_EVEN
        )
        for name, value in full_year_persons_exact(ledger, start, end, by=by).items()
    }


def average_price(
    ledger: DispositionLedger, start: dt.date, end: dt.date, *, by: str = "service"
) -> dict[str, Money]:
    """Average price per full-year person per group (gennemsnitspris pr. helårsperson).

    Spend in the period ÷ exact full-year persons, rounded half-even to øre; so average price
    × full-year persons equals the spend within half an øre per full-year person.
    """
    persons = full_year_persons_exact(ledger, start, end, by=by)
    spend = ledger.cost(start, end, by=by).to_mapping()
    return {
        name: Money.from_fraction(Fraction(spend[name].ore) / count)
        for name, count in persons.items()
        if count
    }


def average_price_per_citizen(
    ledger: DispositionLedger, start: dt.date, end: dt.date, *, by: str = "service"
) -> dict[str, Money]:
    """Average price per citizen per group (gennemsnitspris pr. borger).

    Spend in the period ÷ the distinct citizens with a day in service in it, rounded half-even.
    Unlike the price per full-year person it counts a citizen who came in December as one.
    """
    period = DateRange(start=start, end=end)
    codes, labels = ledger.groups(by)
    citizen_codes, _ = ledger.groups("citizen")
    columns = ledger.columns
    chosen = (
        _in_service(ledger)
        & (columns.start < period.stop_number)
        & (columns.stop > period.start_number)
    )
    counts = _distinct_count(codes, citizen_codes, chosen, labels.size)
    spend = ledger.cost(start, end, by=by).to_mapping()
    return {
        name: Money.from_fraction(Fraction(spend[name].ore, int(count)))
        for name, count in zip(_labels(labels), counts.tolist(), strict=True)
        if count
    }


def granted_hours_per_week(
    ledger: DispositionLedger,
    day: dt.date,
    *,
    services: Iterable[str] = ("SEL85",),
    by: str = "service",
) -> dict[str, Fraction]:
    """Hours per week granted on a day: the quantity of weekly-priced support × probability.

    Compare with the budgeted hours per week of the steering assumptions.
    """
    codes, labels = ledger.groups(by)
    service_codes, service_labels = ledger.groups("service")
    columns = ledger.columns
    number = day_number(day)
    chosen = (
        np.isin(service_labels.astype(str), sorted(set(services)))[service_codes]
        & (columns.unit == UNIT_WEEK)
        & (columns.start <= number)
        & (columns.stop > number)
    )
    denominators = columns.quantity_denominator * columns.probability_denominator
    numerators = columns.quantity_numerator * columns.probability_numerator
    sums = fraction_sums(codes[chosen], numerators[chosen], denominators[chosen])
    names = _labels(labels)
    result = {names[group]: total for group, total in sums.items()}
    return dict(sorted(result.items()))


def occupancy(
    ledger: DispositionLedger, start: dt.date, end: dt.date, *, places: Mapping[str, Exact]
) -> dict[str, Fraction]:
    """Occupancy of providers (belægning): citizen-days ÷ (places × days in the period)."""
    period = DateRange(start=start, end=end)
    labels, days = _weighted_days(ledger, period, "provider")
    names = _labels(labels)
    by_name = {names[group]: total for group, total in days.items()}
    result = {}
    for provider, count in places.items():
        capacity = to_fraction(count, field="places") * period.days
        if capacity <= 0:
            raise StyringskerneError(f"provider {provider!r} must have places above 0")
        result[provider] = by_name.get(provider, Fraction(0)) / capacity
    return result


def purchases_and_sales(
    ledger: DispositionLedger,
    start: dt.date,
    end: dt.date,
    *,
    own_providers: Iterable[str],
    services: Iterable[str] = RESIDENTIAL_SERVICES,
) -> dict[str, Money | Fraction]:
    """Purchases from and sales to others on residential places (køb og salg), *Bilagstabel 3*.

    ``purchases``: this municipality's spend at providers that are not its own;
    ``purchase_share``: purchases ÷ this municipality's spend on the services; ``sales``: spend
    at its own providers paid by other municipalities (the ``payer`` of a disposition).
    """
    costs = ledger.segment_costs(start, end)
    provider_codes, providers = ledger.groups("provider")
    service_codes, service_labels = ledger.groups("service")
    in_scope = np.isin(service_labels.astype(str), sorted(set(services)))[service_codes]
    own_place = np.isin(providers.astype(str), sorted(set(own_providers)))[provider_codes]
    ours = own_segments(ledger)
    spend = int(costs[in_scope & ours].sum())
    purchases = int(costs[in_scope & ours & ~own_place].sum())
    sales = int(costs[in_scope & ~ours & own_place].sum())
    return {
        "spend": Money(spend),
        "purchases": Money(purchases),
        "purchase_share": Fraction(purchases, spend) if spend else Fraction(0),
        "sales": Money(sales),
    }


@masked_repr
@attrs.frozen(eq=False)
class _Spells:
    """Each (group, citizen)'s dispositions merged into unbroken spells of days."""

    group: NDArray[np.int64]
    citizen: NDArray[np.int64]
    start: NDArray[np.int64]
    stop: NDArray[np.int64]


def _spells(
    ledger: DispositionLedger, codes: NDArray[np.int64], chosen: NDArray[np.bool_]
) -> _Spells:
    """Merge the chosen segments per group and citizen into spells (overlaps counted once)."""
    citizen_codes, citizens = ledger.groups("citizen")
    columns = ledger.columns
    key = codes[chosen] * citizens.size + citizen_codes[chosen]
    starts, stops = columns.start[chosen], columns.stop[chosen]
    # Sorted by key and start, a row starts a spell when it begins after every earlier stop of
    # its key. Offsetting each key by a large multiple lets one running maximum serve all keys.
    if key.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Spells(group=empty, citizen=empty, start=empty, stop=empty)
    # Sorted by start, then stably by key: two radix sorts where the codes allow (linear
    # time), else one integer sort key (key, start) where it fits in int64, else two keys.
    low = int(starts.min())
    span = int(starts.max()) - low + 1
    key_count = int(key.max()) + 1
    if span <= 1 << 32 and key_count <= 1 << 32:
        by_start = stable_order(starts - low, span)
        order = by_start[stable_order(key[by_start], key_count)]
    elif key_count - 1 < (1 << 62) // span:
        order = np.argsort(key * span + (starts - low), kind="stable")
    else:
        order = np.lexsort((starts, key))
    key, starts, stops = key[order], starts[order], stops[order]
    offset = key * (int(stops.max(initial=0)) + 1)
    running = np.maximum.accumulate(stops + offset) - offset
    earlier = np.r_[np.iinfo(np.int64).min, running[:-1]]
    first = np.r_[True, key[1:] != key[:-1]] | (starts > earlier)
    last = np.r_[first[1:], True]
    size = max(citizens.size, 1)
    return _Spells(
        group=key[first] // size,
        citizen=key[first] % size,
        start=starts[first],
        stop=running[last],
    )


def inflow_outflow(
    ledger: DispositionLedger, year: int, *, by: str = "service"
) -> dict[str, dict[str, list[int]]]:
    """Citizens coming into and leaving each group per month of a year (tilgang og afgang).

    A citizen comes in on a day in the group when they had no disposition in it the day
    before, and leaves after a last day with no disposition in it the day after. Returns
    ``{group: {"inflow": [12 counts], "outflow": [12 counts]}}``.
    """
    codes, labels = ledger.groups(by)
    spells = _spells(ledger, codes, _in_service(ledger))
    boundaries = np.array(BudgetYear(year).month_boundaries(), dtype=np.int64)
    counts = {}
    for kind, days in (("inflow", spells.start), ("outflow", spells.stop - 1)):
        month = np.searchsorted(boundaries, days, side="right") - 1
        inside = (month >= 0) & (month < 12)
        table = np.zeros((labels.size, 12), dtype=np.int64)
        np.add.at(table, (spells.group[inside], month[inside]), 1)
        counts[kind] = table
    names = _labels(labels)
    return {
        names[index]: {
            "inflow": counts["inflow"][index].tolist(),
            "outflow": counts["outflow"][index].tolist(),
        }
        for index in range(labels.size)
        if counts["inflow"][index].any() or counts["outflow"][index].any()
    }


def length_of_stay(
    ledger: DispositionLedger,
    start: dt.date,
    end: dt.date,
    *,
    services: Iterable[str] = ("SEL107",),
) -> dict[str, Fraction | int]:
    """Length of the stays in a service that ended in a period (opholdslængde).

    A stay is a disposition (its first to last day). Returns the number of ended stays and their
    average and longest length in days; a key figure for temporary placements (§ 107).
    """
    period = DateRange(start=start, end=end)
    disposition_codes, dispositions = ledger.groups("disposition")
    service_codes, service_labels = ledger.groups("service")
    columns = ledger.columns
    chosen = np.isin(service_labels.astype(str), sorted(set(services)))[
        service_codes
    ] & _in_service(ledger)
    begins = np.full(dispositions.size, np.iinfo(np.int64).max, dtype=np.int64)
    finishes = np.full(dispositions.size, -1, dtype=np.int64)
    np.minimum.at(begins, disposition_codes[chosen], columns.start[chosen])
    np.maximum.at(finishes, disposition_codes[chosen], columns.stop[chosen])
    ended = (finishes > period.start_number) & (finishes <= period.stop_number)
    lengths = (finishes - begins)[ended]
    if not lengths.size:
        return {"stays": 0, "average_days": Fraction(0), "longest_days": 0}
    return {
        "stays": int(lengths.size),
        "average_days": Fraction(int(lengths.sum()), int(lengths.size)),
        "longest_days": int(lengths.max()),
    }


def _score_value(value: Exact) -> Fraction:
    return to_fraction(value, field="value")


@masked_repr
@attrs.frozen(kw_only=True)
class Score:
    """A citizen's score on a theme at a date (progressionsmåling), e.g. a VUM theme 0–4."""

    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    theme: str
    day: dt.date = attrs.field(validator=_check_date)
    value: Fraction = attrs.field(converter=_score_value)


def progression(scores: Iterable[Score]) -> dict[str, Fraction]:
    """The average change per theme from each citizen's first to last score (progression).

    Citizens with one score on a theme do not count for it. A positive change is a rise in the
    score; whether that is progress depends on the scale.

    Examples:
        >>> progression([
        ...     Score(citizen_id="B-1", theme="daily living", day=dt.date(2024, 1, 1), value=1),
        ...     Score(citizen_id="B-1", theme="daily living", day=dt.date(2024, 7, 1), value=3),
        ...     Score(citizen_id="B-2", theme="daily living", day=dt.date(2024, 1, 1), value=2),
        ...     Score(citizen_id="B-2", theme="daily living", day=dt.date(2024, 7, 1), value=3)])
        {'daily living': Fraction(3, 2)}
    """
    first: dict[tuple[str, str], Score] = {}
    last: dict[tuple[str, str], Score] = {}
    for score in scores:
        key = (score.theme, score.citizen_id)
        if key not in first or score.day < first[key].day:
            first[key] = score
        if key not in last or score.day >= last[key].day:
            last[key] = score
    changes: dict[str, list[Fraction]] = {}
    for key, earliest in first.items():
        latest = last[key]
        if latest.day > earliest.day:
            changes.setdefault(key[0], []).append(latest.value - earliest.value)
    return {
        theme: sum(values, Fraction(0)) / len(values) for theme, values in sorted(changes.items())
    }
