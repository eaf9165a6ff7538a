"""The intervention ladder (indsatstrappe): where citizens stand, what it costs, how they move.

The steps are data: each service type of the catalogue may have a ladder step, 1 the least
intrusive. The default adult ladder follows VIVE 2018, section 2.2.1: 1 unvisited activity and
contact offers (§ 104), 2 group-based help (§ 82 a-c), 3 support in own home (§ 85), 4 housing-like
offers (ABL § 105, placed by assumption), 5 temporary residential (§ 107), 6 long-term residential
(§ 108). The children's area (barnets lov) has a ladder of its own: preventive measures before
placements. A citizen can stand on several steps at once. Following Kolding (the article on its
ladder) the library measures citizens, spend, average cost and average duration per step, the
movements between steps between two dates, and targets such as "60 % of individual-support
recipients in group courses".

A citizen's *position* on the ladder at a date is their highest step then (0 when on none);
movements are counted between positions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import DateRange, day_number
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.core.quantities import Exact, rounded_decimal, to_fraction
from styringskerne.engine import UNIT_ONCE
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.subareas import own_segments

__all__ = [
    "LadderDistribution",
    "LadderRow",
    "Target",
    "TargetResult",
    "TransitionMatrix",
    "citizen_steps",
    "ladder_distribution",
    "measure_target",
    "movements",
]

OFF: Final = 0
"""The position of a citizen on no step of the ladder."""


def _area_catalogue(catalogue: ServiceCatalogue | None, area: str) -> ServiceCatalogue:
    """The services of one area's ladder (the default catalogue when none is given)."""
    chosen = catalogue if catalogue is not None else ServiceCatalogue.default()
    return chosen.for_area(area)


def _segment_steps(ledger: DispositionLedger, catalogue: ServiceCatalogue) -> NDArray[np.int64]:
    """Each segment's ladder step (0 for services off the ladder or not in the catalogue)."""
    codes, services = ledger.groups("service")
    steps = np.array(
        [
            (catalogue[str(s)].ladder_step or OFF) if str(s) in catalogue else OFF
            for s in services.tolist()
        ],
        dtype=np.int64,
    )
    result: NDArray[np.int64] = steps[codes] if codes.size else np.zeros(0, dtype=np.int64)
    return result


def _active(ledger: DispositionLedger, first: int, stop: int) -> NDArray[np.bool_]:
    """Segments with a day in ``[first, stop)`` and a probability above zero (not one-offs)."""
    columns = ledger.columns
    result: NDArray[np.bool_] = (
        (columns.start < stop)
        & (columns.stop > first)
        & (columns.probability_numerator > 0)
        & (columns.unit != UNIT_ONCE)
    )
    return result


def _positions(
    ledger: DispositionLedger, day: dt.date, catalogue: ServiceCatalogue
) -> NDArray[np.int64]:
    """Each citizen's position (highest step) on a day, indexed like the citizen labels."""
    citizen_codes, citizens = ledger.groups("citizen")
    steps = _segment_steps(ledger, catalogue)
    number = day_number(day)
    active = _active(ledger, number, number + 1)
    result = np.zeros(citizens.size, dtype=np.int64)
    np.maximum.at(result, citizen_codes[active], steps[active])
    return result


def citizen_steps(
    ledger: DispositionLedger,
    day: dt.date,
    *,
    catalogue: ServiceCatalogue | None = None,
    area: str = "adults",
) -> dict[str, tuple[int, ...]]:
    """The ladder steps each citizen stands on at a day (several at once allowed).

    ``area`` picks the ladder: ``"adults"`` or ``"children"`` (barnets lov); services of the
    other area count as off this ladder.
    """
    catalogue = _area_catalogue(catalogue, area)
    citizen_codes, citizens = ledger.groups("citizen")
    steps = _segment_steps(ledger, catalogue)
    number = day_number(day)
    chosen = _active(ledger, number, number + 1) & (steps > OFF)
    pairs = np.unique(np.stack([citizen_codes[chosen], steps[chosen]], axis=1), axis=0)
    result: dict[str, list[int]] = {}
    for citizen, step in pairs.tolist():
        result.setdefault(str(citizens[citizen]), []).append(int(step))
    return {citizen: tuple(steps_) for citizen, steps_ in result.items()}


@masked_repr
@attrs.frozen(kw_only=True)
class LadderRow:
    """One step of the ladder over a period (trin på indsatstrappen).

    Attributes:
        step: the step, 1 the least intrusive.
        services: the catalogue's services on it.
        citizens_at_end: citizens on the step on the period's last day.
        citizens: distinct citizens on the step on any day of the period.
        spend: the cost of the step's services in the period (this municipality's).
        average_cost: spend ÷ citizens (zero without citizens).
        average_days: the mean time on the step so far, in days, of the stays in the period:
            from each disposition's start to its end or the period's end.
    """

    step: int
    services: tuple[str, ...]
    citizens_at_end: int
    citizens: int
    spend: Money
    average_cost: Money
    average_days: Fraction


@masked_repr
@attrs.frozen(kw_only=True)
class LadderDistribution:
    """Citizens, spend, average cost and duration per step over a period (Kolding's model)."""

    period: DateRange
    rows: tuple[LadderRow, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data with decimal strings for amounts and days rounded to one decimal."""
        return {
            "start": self.period.start.isoformat(),
            "end": None if self.period.end is None else self.period.end.isoformat(),
            "steps": {
                str(row.step): {
                    "services": list(row.services),
                    "citizens_at_end": row.citizens_at_end,
                    "citizens": row.citizens,
                    "spend": row.spend.to_string(),
                    "average_cost": row.average_cost.to_string(),
                    "average_days": str(rounded_decimal(row.average_days, 1)),
                }
                for row in self.rows
            },
        }


def ladder_distribution(
    ledger: DispositionLedger,
    start: dt.date,
    end: dt.date,
    *,
    catalogue: ServiceCatalogue | None = None,
    area: str = "adults",
) -> LadderDistribution:
    """Citizens, spend, average cost and duration per step (fordeling på indsatstrappen).

    ``area`` picks the ladder: ``"adults"`` (default) or ``"children"`` (barnets lov).
    """
    catalogue = _area_catalogue(catalogue, area)
    period = DateRange(start=start, end=end)
    first, stop = period.start_number, period.stop_number
    columns = ledger.columns
    steps = _segment_steps(ledger, catalogue)
    citizen_codes, _ = ledger.groups("citizen")
    disposition_codes, dispositions = ledger.groups("disposition")
    active = _active(ledger, first, stop)
    at_end = _active(ledger, stop - 1, stop)
    costs = ledger.segment_costs(start, end) * own_segments(ledger)
    # A stay runs from its disposition's first day to its last (or the period's end).
    begins = np.full(dispositions.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(begins, disposition_codes, columns.start)
    finishes = np.zeros(dispositions.size, dtype=np.int64)
    np.maximum.at(finishes, disposition_codes, columns.stop)
    rows = []
    top = max((s.ladder_step or 0) for s in catalogue)
    for step in range(1, top + 1):
        on_step = steps == step
        chosen = on_step & active
        citizens = int(np.unique(citizen_codes[chosen]).size)
        spend = Money(int(costs[on_step].sum()))
        stays = np.unique(disposition_codes[chosen])
        days = np.minimum(finishes[stays], stop) - begins[stays]
        rows.append(
            LadderRow(
                step=step,
                services=tuple(s.code for s in catalogue if s.ladder_step == step),
                citizens_at_end=int(np.unique(citizen_codes[on_step & at_end]).size),
                citizens=citizens,
                spend=spend,
                average_cost=Money.from_fraction(Fraction(spend.ore, citizens))
                if citizens
                else Money(0),
                average_days=Fraction(int(days.sum()), stays.size) if stays.size else Fraction(0),
            )
        )
    return LadderDistribution(period=period, rows=tuple(rows))


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class TransitionMatrix:
    """Movements between ladder positions from one date to another (bevægelser på trappen).

    ``counts[i, j]`` is the number of citizens at position ``i`` on the first date and ``j`` on
    the second; position 0 is off the ladder. Rows add up to the citizens per position on the
    first date, columns to those on the second.
    """

    first: dt.date
    second: dt.date
    counts: NDArray[np.int64]

    def at_first(self) -> tuple[int, ...]:
        """Citizens per position on the first date (row sums)."""
        return tuple(int(v) for v in self.counts.sum(axis=1))

    def at_second(self) -> tuple[int, ...]:
        """Citizens per position on the second date (column sums)."""
        return tuple(int(v) for v in self.counts.sum(axis=0))

    def summary(self) -> dict[str, int]:
        """Citizens who moved up, down, came in, went out, or stayed on their step."""
        i, j = np.indices(self.counts.shape)
        on_both = (i > OFF) & (j > OFF)
        return {
            "up": int(self.counts[on_both & (j > i)].sum()),
            "down": int(self.counts[on_both & (j < i)].sum()),
            "in": int(self.counts[(i == OFF) & (j > OFF)].sum()),
            "out": int(self.counts[(i > OFF) & (j == OFF)].sum()),
            "stayed": int(self.counts[on_both & (i == j)].sum()),
        }


def movements(
    ledger: DispositionLedger,
    first: dt.date,
    second: dt.date,
    *,
    catalogue: ServiceCatalogue | None = None,
    area: str = "adults",
) -> TransitionMatrix:
    """The transition matrix (bevægelser på trappen) of ladder positions between two dates.

    Citizens off the ladder on both dates are left out (they did not move on the ladder).
    ``area`` picks the ladder: ``"adults"`` (default) or ``"children"`` (barnets lov).
    """
    catalogue = _area_catalogue(catalogue, area)
    before = _positions(ledger, first, catalogue)
    after = _positions(ledger, second, catalogue)
    top = max((s.ladder_step or 0) for s in catalogue)
    size = top + 1
    moved = (before > OFF) | (after > OFF)
    counts = np.bincount(before[moved] * size + after[moved], minlength=size * size)
    return TransitionMatrix(
        first=first, second=second, counts=counts.reshape(size, size).astype(np.int64)
    )


def _service_set(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise StyringskerneError(f"give services as a list (got {value!r})")
    return frozenset(value)


def _share(value: Exact) -> Fraction:
    result = to_fraction(value, field="share")
    if not 0 <= result <= 1:
        raise StyringskerneError(f"'share' must be from 0 to 1 (got {value!r})")
    return result


@masked_repr
@attrs.frozen(kw_only=True)
class Target:
    """A strategy target measured against actuals (måltal for strategien).

    The measured share is numerator ÷ denominator, counted in citizens on a day or in spend over
    a period. The numerator is the denominator's rows that are in ``numerator_services`` and,
    when given, delivered by ``numerator_providers`` (own providers, for a self-supply target).

    Examples:
        Holstebro: 60 % of individual-support recipients in group courses::

            Target(name="group courses", numerator_services=["SEL82"],
                   denominator_services=["SEL82", "SEL85"], share="0.6")
    """

    name: str
    numerator_services: frozenset[str] = attrs.field(converter=_service_set)
    denominator_services: frozenset[str] = attrs.field(converter=_service_set)
    share: Fraction = attrs.field(converter=_share)
    measure: Literal["citizens", "spend"] = "citizens"
    numerator_providers: frozenset[str] | None = attrs.field(
        default=None, converter=attrs.converters.optional(_service_set)
    )


@masked_repr
@attrs.frozen(kw_only=True)
class TargetResult:
    """A target against the actual share (målopfyldelse)."""

    target: Target
    numerator: int
    denominator: int

    @property
    def actual(self) -> Fraction:
        """The measured share (0 when the denominator is empty)."""
        return Fraction(self.numerator, self.denominator) if self.denominator else Fraction(0)

    @property
    def met(self) -> bool:
        """Whether the measured share reaches the target."""
        return self.actual >= self.target.share


def measure_target(
    ledger: DispositionLedger, target: Target, start: dt.date, end: dt.date | None = None
) -> TargetResult:
    """Measure a target: citizens on ``start`` (``end`` ignored), or spend ``start``–``end``."""
    service_codes, services = ledger.groups("service")
    provider_codes, providers = ledger.groups("provider")
    names = services.astype(str)
    in_denominator = np.isin(names, sorted(target.denominator_services))[service_codes]
    in_numerator = in_denominator & np.isin(names, sorted(target.numerator_services))[service_codes]
    if target.numerator_providers is not None:
        own = np.isin(providers.astype(str), sorted(target.numerator_providers))
        in_numerator &= own[provider_codes]
    if target.measure == "spend":
        costs = ledger.segment_costs(start, end or start) * own_segments(ledger)
        return TargetResult(
            target=target,
            numerator=int(costs[in_numerator].sum()),
            denominator=int(costs[in_denominator].sum()),
        )
    citizen_codes, _ = ledger.groups("citizen")
    number = day_number(start)
    active = _active(ledger, number, number + 1)
    return TargetResult(
        target=target,
        numerator=int(np.unique(citizen_codes[active & in_numerator]).size),
        denominator=int(np.unique(citizen_codes[active & in_denominator]).size),
    )
