"""Forecasts and their change explained on Dask (prognose og prognoseændring på Dask).

:func:`make_forecast` and :func:`explain_change` take a :class:`DaskSnapshot` — a
:class:`~styringskerne.dask.ledger.DaskLedger` with the date and assumptions of a
:class:`~styringskerne.forecast.forecast.Snapshot` — and give the very
:class:`~styringskerne.forecast.forecast.Forecast` and
:class:`~styringskerne.forecast.explanation.ChangeExplanation` the in-memory functions give
for one ledger of all the rows, to the øre and item for item. The rows are gathered by person
(:mod:`styringskerne.dask.persons`); each partition reckons its lines
(:class:`~styringskerne.forecast.ledger_parts.LedgerForecastParts`) and, for an explanation,
its dispositions' items against the same persons' partition of the other snapshot; the
results are added up and put in order by one task, while the check that no disposition or
person lies in two partitions runs bucket by bucket in tasks of its own
(:func:`~styringskerne.dask.persons.bucketed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import MoneyLike
from styringskerne.dask.ledger import DaskLedger, dask_module
from styringskerne.dask.persons import (
    bucket_count,
    bucketed,
    check_aligned,
    check_disjoint,
    gathered_by_person,
    identities,
    ledger_of,
)
from styringskerne.forecast.change_items import ChangeItems
from styringskerne.forecast.disposition_changes import PlacedItems, disposition_items
from styringskerne.forecast.explanation import ChangeExplanation, explanation_from_parts
from styringskerne.forecast.forecast import (
    Forecast,
    Snapshot,
    forecast_from_parts,
    parts_options,
)
from styringskerne.forecast.ledger_parts import LedgerForecastParts
from styringskerne.forecast.transitions import ColourRule
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.refund import RefundRule

__all__ = ["DaskSnapshot", "explain_change", "make_forecast"]


def _check_assumptions(instance: object, attribute: attrs.Attribute[Any], value: Snapshot) -> None:
    if len(value.ledger):
        raise StyringskerneError(
            "a DaskSnapshot's dispositions are its DaskLedger: give the assumptions with an "
            "empty ledger (DaskSnapshot.of(ledger, as_of, ...) does)"
        )


@masked_repr
@attrs.frozen(eq=False)
class DaskSnapshot:
    """What was known on a date, the dispositions on Dask (øjebliksbillede på Dask).

    Attributes:
        ledger: the dispositions.
        assumptions: the date and the assumptions (youths, estimates, buffers, cases on the
            way, the age of the move to the elderly area, birth dates, a demand pool) as a
            :class:`~styringskerne.forecast.forecast.Snapshot` with an empty ledger.
    """

    ledger: DaskLedger
    assumptions: Snapshot = attrs.field(validator=_check_assumptions)

    @classmethod
    def of(cls, ledger: DaskLedger, as_of: dt.date, **assumptions: Any) -> DaskSnapshot:
        """A snapshot of ``ledger`` on ``as_of``; ``assumptions`` are the other fields of a
        :class:`~styringskerne.forecast.forecast.Snapshot` (``youths``, ``estimates``,
        ``buffers``, ``cases_on_the_way``, ``elderly_age``, ``birth_dates``,
        ``demand_pool``)."""
        return cls(ledger, Snapshot(as_of=as_of, ledger=DispositionLedger([]), **assumptions))

    @property
    def as_of(self) -> dt.date:
        """The date the snapshot describes."""
        return self.assumptions.as_of

    def options(
        self, year: int, sub_areas: Mapping[str, str] | None, refund: RefundRule | None
    ) -> dict[str, Any]:
        """The keywords of :meth:`LedgerForecastParts.of` for this snapshot."""
        return parts_options(self.assumptions, year, sub_areas=sub_areas, refund=refund)


def make_forecast(
    snapshot: DaskSnapshot,
    *,
    year: int | None = None,
    budget: Mapping[str, MoneyLike] | None = None,
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    catalogue: ServiceCatalogue | None = None,
    refund: RefundRule | None = None,
) -> Forecast:
    """The month-end forecast (regnskabsprognose) of a snapshot on Dask: the forecast
    :func:`~styringskerne.forecast.forecast.make_forecast` gives for one ledger of all its
    dispositions.

    Raises:
        StyringskerneError: when a disposition, citizen or household would lie in two
            partitions (see :mod:`styringskerne.dask.persons`), and as ``make_forecast``.
        ImportFailedError: with the rows of a partition that do not load.
    """
    year = snapshot.as_of.year if year is None else year
    options = snapshot.options(year, sub_areas, refund)
    dask = dask_module()
    (frame,) = gathered_by_person([snapshot.ledger.frame])
    pieces = frame.to_delayed()
    buckets = bucket_count(len(pieces))
    results = [
        dask.delayed(_forecast_part, nout=1 + buckets)(piece, options, buckets) for piece in pieces
    ]
    checks = [
        dask.delayed(check_disjoint)([result[1 + bucket] for result in results])
        for bucket in range(buckets)
    ]
    merged = dask.delayed(_merged_forecast)([result[0] for result in results], options)
    parts, *_ = dask.compute(merged, *checks)
    return forecast_from_parts(
        snapshot.assumptions,
        parts,
        budget=budget,
        sub_areas=sub_areas,
        colour_rule=colour_rule,
        catalogue=catalogue,
    )


def explain_change(
    previous: DaskSnapshot,
    current: DaskSnapshot,
    *,
    year: int | None = None,
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    catalogue: ServiceCatalogue | None = None,
    refund: RefundRule | None = None,
) -> ChangeExplanation:
    """The change of the forecast (prognoseændring) from ``previous`` to ``current`` on Dask:
    the explanation :func:`~styringskerne.forecast.explanation.explain_change` gives for two
    snapshots of all the dispositions, item for item.

    Both snapshots are gathered by person into the same partitions, so each partition
    explains its persons' dispositions against their own earlier state; only the lines and the
    items travel to the task that merges them, and the 128-bit hashes of the dispositions
    and persons, in buckets, to the tasks that check them.

    Raises:
        StyringskerneError: when a disposition, citizen or household would lie in two
            partitions of one snapshot, or in different partitions of the two (its citizen
            or household changed between them); and as ``explain_change``.
        ImportFailedError: with the rows of a partition that do not load.
    """
    year = current.as_of.year if year is None else year
    options = [snapshot.options(year, sub_areas, refund) for snapshot in (previous, current)]
    dask = dask_module()
    before, after = gathered_by_person([previous.ledger.frame, current.ledger.frame])
    pairs = list(zip(before.to_delayed(), after.to_delayed(), strict=True))
    buckets = bucket_count(len(pairs))
    results = [
        dask.delayed(_change_part, nout=2 + 2 * buckets)(
            left, right, options=options, year=year, sub_areas=sub_areas, buckets=buckets
        )
        for left, right in pairs
    ]
    # Bucket b of a snapshot's hashes is entry 2 + b (before) and 2 + buckets + b (after).
    checks = [
        dask.delayed(_check_change_bucket)(
            [result[2 + bucket] for result in results],
            [result[2 + buckets + bucket] for result in results],
        )
        for bucket in range(buckets)
    ]
    merged = dask.delayed(_merged_change)(
        [result[0] for result in results], [result[1] for result in results], options
    )
    (parts, items), *_ = dask.compute(merged, *checks)
    return explanation_from_parts(
        previous.assumptions,
        current.assumptions,
        parts=parts,
        items=items,
        sub_areas=sub_areas,
        colour_rule=colour_rule,
        catalogue=catalogue,
    )


def _forecast_part(frame: Any, options: dict[str, Any], buckets: int) -> tuple[Any, ...]:
    """One partition's forecast lines, then the hashes of its dispositions and persons in
    ``buckets`` buckets."""
    ledger = ledger_of(frame)
    return (LedgerForecastParts.of(ledger, **options), *bucketed(identities(ledger), buckets))


def _merged_forecast(
    results: Sequence[LedgerForecastParts], options: dict[str, Any]
) -> LedgerForecastParts:
    empty = LedgerForecastParts.of(DispositionLedger([]), **options)
    return LedgerForecastParts.merge([empty, *results])


def _change_part(
    before: Any,
    after: Any,
    *,
    options: Sequence[dict[str, Any]],
    year: int,
    sub_areas: Mapping[str, str] | None,
    buckets: int,
) -> tuple[Any, ...]:
    """One partition pair's forecast lines, its dispositions' items in place, then the
    hashes of each snapshot's dispositions and persons in ``buckets`` buckets."""
    ledgers = (ledger_of(before), ledger_of(after))
    parts = tuple(
        LedgerForecastParts.of(ledger, **option)
        for ledger, option in zip(ledgers, options, strict=True)
    )
    items = disposition_items(
        previous=ledgers[0], current=ledgers[1], year=year, sub_areas=sub_areas
    )
    hashes = [bucketed(identities(ledger), buckets) for ledger in ledgers]
    return (parts, items, *hashes[0], *hashes[1])


def _check_change_bucket(before: Sequence[Any], after: Sequence[Any]) -> None:
    """One bucket of both snapshots' hashes: no key in two partitions of a snapshot, and a
    key of both in the same partition of each."""
    check_disjoint(before)
    check_disjoint(after)
    check_aligned(before, after)


def _merged_change(
    parts: Sequence[tuple[LedgerForecastParts, ...]],
    items: Sequence[PlacedItems],
    options: Sequence[dict[str, Any]],
) -> tuple[tuple[LedgerForecastParts, LedgerForecastParts], ChangeItems]:
    merged = tuple(
        LedgerForecastParts.merge(
            [
                LedgerForecastParts.of(DispositionLedger([]), **options[side]),
                *(part[side] for part in parts),
            ]
        )
        for side in (0, 1)
    )
    return (merged[0], merged[1]), PlacedItems.in_order(items)
