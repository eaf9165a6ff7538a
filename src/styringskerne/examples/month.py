"""A month of the example municipality (eksempelmåned): last month's and this month's snapshot.

Built from :func:`~styringskerne.examples.municipality.example_municipality` so that a month-end
follow-up has something to explain, deterministically for a seed:

- dispositions starting after last month's end are new this month (new visitations);
- a few stays were extended, a few got an end date, two prices rose, one citizen moved to another
  provider at its price, one got a new paying municipality, and two youths were granted;
- the estimate for unknown inflow to temporary residential offers was corrected, a budget buffer
  is kept, and one case is on the way without an amount;
- a demand pool (efterspørgselspulje) of 2.500.000 kr. for inflow at 18 or 23 pays for the two
  youths granted this month; as the example forecasts its other youths case by case, what is
  left of the pool is expected returned.

The budget per sub-area is close to the year's outcome: the current forecast times a factor
from 0,96 to 1,04 drawn per sub-area, rounded to whole 100.000 kroner, so that some sub-areas
show an overspend and some an underspend; the buffer is budgeted in full (assumptions of this
example).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Final

import attrs
import numpy as np

from styringskerne.core.calendar import add_months
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.dispositions import Disposition
from styringskerne.examples.municipality import ExampleMunicipality, example_municipality
from styringskerne.forecast.forecast import (
    Buffer,
    CaseOnTheWay,
    DemandPool,
    Estimate,
    Snapshot,
    make_forecast,
)
from styringskerne.ledger.ledger import DispositionLedger

__all__ = ["ExampleMonth", "example_month"]


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class ExampleMonth:
    """Last month's and this month's snapshot of the example municipality, and its budget."""

    town: ExampleMunicipality
    previous: Snapshot
    current: Snapshot
    previous_dispositions: tuple[Disposition, ...]
    current_dispositions: tuple[Disposition, ...]
    budget: Mapping[str, Money]


def _month_end_before(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1) - dt.timedelta(days=1)


POOL_AMOUNT: Final = Money.of("2.500.000,00")
"""The example's demand pool for the year (an assumption of the example)."""


def _budget(snapshot: Snapshot, rng: np.random.Generator) -> dict[str, Money]:
    budget = {}
    without_pool = attrs.evolve(snapshot, demand_pool=None)
    for name, amount in make_forecast(without_pool).expected.items():
        factor = Fraction(100 if name == "buffer" else int(rng.integers(96, 105)), 100)
        budget[name] = Money(round(amount.multiply(factor).ore, -7))
    return budget


def example_month(as_of: dt.date, *, seed: int = 2018) -> ExampleMonth:
    """The example municipality's previous month-end and current snapshot as of ``as_of``.

    Examples:
        >>> month = example_month(dt.date(2024, 6, 30))
        >>> month.previous.as_of, len(month.current_dispositions) > len(month.previous_dispositions)
        (datetime.date(2024, 5, 31), True)
    """
    previous_as_of = _month_end_before(as_of)
    town = example_municipality(as_of.year, seed=seed, actuals_through=as_of)
    rng = np.random.default_rng([seed, as_of.toordinal()])
    current: list[Disposition] = []
    previous: list[Disposition] = []
    candidates = [
        index
        for index, d in enumerate(town.dispositions)
        if d.start <= previous_as_of and (d.end is None or d.end > as_of) and d.probability == 1
    ]
    chosen = rng.choice(len(candidates), size=min(12, len(candidates)), replace=False).tolist()
    edits = {candidates[position]: kind for position, kind in zip(chosen, _EDITS, strict=False)}
    youths = [i for i, d in enumerate(town.dispositions) if d.probability < 1][:2]
    for index, disposition in enumerate(town.dispositions):
        kind = edits.get(index)
        if disposition.start > previous_as_of:
            current.append(disposition)  # a new visitation this month
            continue
        if index in youths:
            previous.append(disposition)
            current.append(attrs.evolve(disposition, probability=1))
            continue
        before, after = _edit(disposition, kind, as_of, rng)
        previous.append(before)
        current.append(after)
    estimate = Estimate(
        sub_area="5.38.52",
        net_citizens_per_year=2,
        average_yearly_price="650.000,00",
        label="unknown net inflow, temporary residential",
    )
    buffer = Buffer(sub_area="buffer", amount="1.500.000,00", label="buffer for unforeseen inflow")
    case = CaseOnTheWay(citizen_id="B-99999", sub_area="5.38.50", note="under investigation")
    current_tuple, previous_tuple = tuple(current), tuple(previous)
    pool = DemandPool(
        amount=POOL_AMOUNT, drawn=[town.dispositions[i].id for i in youths], expect_rest=False
    )
    current_snapshot = Snapshot(
        as_of=as_of,
        ledger=DispositionLedger(current_tuple, town.actuals),
        estimates=[attrs.evolve(estimate, net_citizens_per_year=Fraction(3, 2))],
        buffers=[buffer],
        cases_on_the_way=[case],
        demand_pool=pool,
    )
    return ExampleMonth(
        town=town,
        previous=Snapshot(
            as_of=previous_as_of,
            ledger=DispositionLedger(previous_tuple),
            estimates=[estimate],
            buffers=[buffer],
            demand_pool=attrs.evolve(pool, drawn=()),
        ),
        current=current_snapshot,
        previous_dispositions=previous_tuple,
        current_dispositions=current_tuple,
        budget=_budget(current_snapshot, rng),
    )


_EDITS = (
    "extended", "extended", "extended", "ended", "ended", "ended",
    "price", "price", "provider", "payer",
)  # fmt: skip


def _edit(
    disposition: Disposition, kind: str | None, as_of: dt.date, rng: np.random.Generator
) -> tuple[Disposition, Disposition]:
    """(last month's version, this month's version) of a disposition for one kind of edit."""
    after_as_of = as_of + dt.timedelta(days=1)
    if kind == "extended":
        planned = add_months(after_as_of, int(rng.integers(1, 4)))
        longer = None if disposition.end is None else add_months(disposition.end, 3)
        return disposition.with_end(planned), disposition.with_end(longer)
    if kind == "ended":
        return disposition, disposition.with_end(add_months(as_of, int(rng.integers(1, 4))))
    if kind in ("price", "provider"):
        rate = disposition.segments[-1].rate.multiply(Fraction(int(rng.integers(105, 125)), 100))
        # A move (nyt tilbud) is a new segment at the other provider; the past stays where it was.
        moved_to = "Privat botilbud Skovly" if kind == "provider" else None
        return disposition, disposition.with_price_from(after_as_of, rate, provider=moved_to)
    if kind == "payer":
        return disposition, attrs.evolve(disposition, payer="Nabokommunen")
    return disposition, disposition
