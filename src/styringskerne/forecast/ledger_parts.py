"""What a month-end forecast takes from the disposition ledger (prognosens dispositionsdel).

A forecast (:func:`~styringskerne.forecast.forecast.make_forecast`) has two kinds of lines:
those reckoned from the dispositions — granted and expected dispositions, the outflow to the
elderly area, the dispositions drawn on a demand pool, the state refund — and those given as
assumptions (youths, estimates, buffers, the pool's amount). :class:`LedgerForecastParts`
holds the first kind. Parts of ledgers with no citizen, household or disposition in common
add up exactly (:meth:`LedgerForecastParts.merge`): that is how a ledger too large for one
machine is forecast partition by partition (:mod:`styringskerne.dask`), with the very same
figures as one ledger of all the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import Money
from styringskerne.engine import group_sum
from styringskerne.forecast.transitions import elderly_outflow
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.refund import RefundRule, StateRefund, state_refund
from styringskerne.ledger.subareas import own_segments, sub_area_codes

__all__ = ["LedgerForecastParts"]

Outflow = tuple[tuple[str, str, Money], ...]
"""``(citizen_id, account, cost)`` moving to the elderly area, sorted."""


def _amounts(values: Iterable[int], labels: Sequence[str]) -> Mapping[str, Money]:
    return MappingProxyType(
        {label: Money(int(value)) for label, value in zip(labels, values, strict=True)}
    )


def _added(mappings: Iterable[Mapping[str, Money]]) -> Mapping[str, Money]:
    """Amounts per name added up over the mappings, names in sorted order."""
    totals: dict[str, int] = {}
    for mapping in mappings:
        for name, amount in mapping.items():
            totals[name] = totals.get(name, 0) + amount.ore
    return MappingProxyType({name: Money(totals[name]) for name in sorted(totals)})


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class LedgerForecastParts:
    """The lines of a forecast reckoned from the dispositions (prognosens dispositionsdel).

    Attributes:
        year: the budget year.
        as_of: the forecast's date.
        granted: the year's cost of granted dispositions per sub-area (every sub-area of the
            ledger, 0 included; sorted).
        expected: the same for dispositions not yet granted, weighted by their probability.
        paid_by_others: the year's cost of dispositions another municipality pays.
        outflow: ``(citizen_id, account, cost)`` moving to the elderly area, or ``None`` when
            the municipality moves no one.
        pool_transfers: the year's own cost per sub-area of the dispositions drawn on a
            demand pool (non-zero amounts only).
        pool_found: the drawn disposition ids the ledger holds.
        state_refund: the state refund (serviceloven § 176), or ``None`` without a rule.
    """

    year: int
    as_of: dt.date
    granted: Mapping[str, Money]
    expected: Mapping[str, Money]
    paid_by_others: Money
    outflow: Outflow | None
    pool_transfers: Mapping[str, Money]
    pool_found: frozenset[str] = attrs.field(repr=False)
    state_refund: StateRefund | None

    @classmethod
    def of(
        cls,
        ledger: DispositionLedger,
        *,
        year: int,
        as_of: dt.date,
        sub_areas: Mapping[str, str] | None = None,
        elderly_age: int | None = None,
        birth_dates: Mapping[str, dt.date] | None = None,
        pool_drawn: Iterable[str] = (),
        refund: RefundRule | None = None,
    ) -> LedgerForecastParts:
        """The parts of one ledger's forecast of ``year`` as of ``as_of``."""
        costs = ledger.segment_costs(dt.date(year, 1, 1), dt.date(year, 12, 31))
        codes, labels = sub_area_codes(ledger, sub_areas)
        own = own_segments(ledger)
        columns = ledger.columns
        granted = columns.probability_numerator == columns.probability_denominator
        known = group_sum(codes[own & granted], costs[own & granted], len(labels))
        expected = group_sum(codes[own & ~granted], costs[own & ~granted], len(labels))
        outflow = None
        if elderly_age is not None:
            outflow = tuple(elderly_outflow(ledger, year, age=elderly_age, birth_dates=birth_dates))
        transfers, found = _pool_draws(ledger, frozenset(pool_drawn), costs, codes, labels)
        reckoned = None
        if refund is not None:
            reckoned = state_refund(
                ledger,
                year,
                rule=refund,
                as_of=as_of if as_of.year == year else None,
                sub_areas=sub_areas,
            )
        return cls(
            year=year,
            as_of=as_of,
            granted=_amounts(known.tolist(), labels),
            expected=_amounts(expected.tolist(), labels),
            paid_by_others=Money(int(costs[~own].sum())),
            outflow=outflow,
            pool_transfers=transfers,
            pool_found=found,
            state_refund=reckoned,
        )

    @classmethod
    def merge(cls, parts: Iterable[LedgerForecastParts]) -> LedgerForecastParts:
        """The parts of ledgers with no citizen, household or disposition in common, as the
        parts of one ledger of all their dispositions.

        Raises:
            StyringskerneError: without parts, or when they are for different years, dates
                or rules.
        """
        given = tuple(parts)
        if not given:
            raise StyringskerneError("merge needs at least one part")
        first = given[0]
        if any((p.year, p.as_of) != (first.year, first.as_of) for p in given):
            raise StyringskerneError("forecast parts to merge must be for one year and date")
        if len({p.outflow is None for p in given}) > 1:
            raise StyringskerneError("forecast parts to merge must all move citizens at an age")
        refunds = [p.state_refund for p in given]
        if any(refund is None for refund in refunds) and any(r is not None for r in refunds):
            raise StyringskerneError("forecast parts to merge must all have a refund, or none")
        outflow = None
        if first.outflow is not None:
            outflow = tuple(sorted(item for p in given for item in p.outflow or ()))
        return cls(
            year=first.year,
            as_of=first.as_of,
            granted=_added(p.granted for p in given),
            expected=_added(p.expected for p in given),
            paid_by_others=Money.total(p.paid_by_others for p in given),
            outflow=outflow,
            pool_transfers=_added(p.pool_transfers for p in given),
            pool_found=frozenset().union(*(p.pool_found for p in given)),
            state_refund=(
                None
                if first.state_refund is None
                else StateRefund.merge(r for r in refunds if r is not None)
            ),
        )

    def check_pool(self, drawn: Iterable[str]) -> None:
        """Raise when a disposition drawn on the demand pool is not in the ledger."""
        unknown = [mask_text(name) for name in sorted(drawn) if name not in self.pool_found]
        if unknown:
            raise StyringskerneError(
                f"demand pool: drawn dispositions not in the ledger: {', '.join(unknown[:5])}"
                + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            )


def _pool_draws(
    ledger: DispositionLedger,
    drawn: frozenset[str],
    costs: NDArray[np.int64],
    area_codes: NDArray[np.int64],
    labels: Sequence[str],
) -> tuple[Mapping[str, Money], frozenset[str]]:
    """Each sub-area's own spend in the year on the dispositions drawn on the pool, and the
    drawn ids the ledger holds."""
    if not drawn:
        return MappingProxyType({}), frozenset()
    codes, ids = ledger.groups("disposition")
    texts = ids.astype(str)
    found = frozenset(texts.tolist()) & drawn
    chosen = np.isin(texts, list(drawn))[codes] if codes.size else codes > 0
    chosen &= own_segments(ledger)
    sums = group_sum(area_codes[chosen], costs[chosen], len(labels))
    transfers = {label: Money(int(v)) for label, v in zip(labels, sums.tolist(), strict=True) if v}
    return MappingProxyType(transfers), found
