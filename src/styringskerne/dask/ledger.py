"""The disposition ledger on Dask (dispositionsregnskab på Dask): ``monthly``, ``daily``, ``cost``
and ``as_of`` over a ``dask.dataframe``.

A :class:`DaskLedger` holds a ``dask.dataframe`` with the columns of a dispositions file (as
:meth:`~styringskerne.ledger.ledger.DispositionLedger.from_pandas` reads them, Parquet or CSV on
disk). It shuffles the rows so that each disposition lies in one partition (a price run must not
be cut, or its rounding would change), builds one in-memory ledger per partition on the workers,
evaluates it there, and adds the partitions' results up with their labels aligned: every figure
is exact, the same øre as one ledger of all the rows, and comes back as the in-memory result
types. With a ``distributed`` client active the work runs on its workers; without one, on Dask's
default scheduler.

Every row is checked as in the CSV reader; a partition with bad rows stops the computation with
the rows named (row numbers within the partition, the id of the disposition).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import BudgetYear, DateRange, as_of_in_year
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.dask.persons import gathered_by_disposition
from styringskerne.engine import exact_sum
from styringskerne.ledger.ledger import DIMENSIONS, DispositionLedger
from styringskerne.ledger.results import (
    AmountSeries,
    AmountTable,
    LedgerRow,
    LedgerStatus,
    LedgerTable,
)

__all__ = ["DaskLedger", "dask_module"]

_LEDGER_TABLES = ("account", "citizen", "disposition")

_MISSING = (
    "styringskerne.dask needs the optional extra 'dask': pip install 'styringskerne[dask]' "
    "(dask[dataframe] and distributed)"
)


def dask_module() -> Any:
    """The ``dask`` package, or an ImportError saying how to install the extra."""
    try:
        import dask
        import dask.dataframe
    except ImportError as error:  # pragma: no cover - the extra is installed by .[dev]
        raise ImportError(_MISSING) from error
    return dask


Partial = tuple[NDArray[Any], NDArray[np.int64]]
"""One partition's result for one table: its labels and a matrix of amounts, a row per label."""
Partials = dict[str, Partial]
"""One partition's results, one per table (a single query has one table, named "")."""
_EMPTY: Partial = (np.array([], dtype=str), np.zeros((0, 0), dtype=np.int64))


def _evaluate(frame: Any, query: Callable[[DispositionLedger], Partials]) -> Partials:
    """One partition: an in-memory ledger of its rows, and the query's labels and amounts."""
    if len(frame) == 0:
        return {}
    return query(DispositionLedger.from_pandas(frame.reset_index(drop=True)))


def _combine(parts: Sequence[Partials]) -> Partials:
    """The partitions' tables added up, each with its labels aligned (exact integers)."""
    names = sorted({name for part in parts for name in part})
    return {name: _combine_table([part[name] for part in parts if name in part]) for name in names}


def _combine_table(parts: Sequence[Partial]) -> Partial:
    filled = [(labels, values) for labels, values in parts if labels.size]
    if not filled:
        return _EMPTY
    every = np.concatenate([labels.astype(str) for labels, _ in filled])
    labels, codes = np.unique(every, return_inverse=True)
    width = filled[0][1].shape[1]
    result = np.zeros((labels.size, width), dtype=np.int64)
    offset = 0
    for part_labels, values in filled:
        np.add.at(result, codes.ravel()[offset : offset + part_labels.size], values)
        offset += part_labels.size
    return labels, result


@masked_repr
@attrs.frozen(eq=False)
class DaskLedger:
    """A disposition ledger over a ``dask.dataframe`` (dispositionsregnskab på Dask).

    Build it with :meth:`from_dataframe`; ask it what you would ask a
    :class:`~styringskerne.ledger.ledger.DispositionLedger`: :meth:`monthly`, :meth:`daily`,
    :meth:`cost`, :meth:`as_of`.
    """

    frame: Any
    """The dispositions as given."""
    _gathered: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)

    @classmethod
    def from_dataframe(cls, frame: Any) -> DaskLedger:
        """A ledger over a dask dataframe with the dispositions file's columns.

        Rows of one disposition (``disposition_id``) are brought into one partition on the
        first query: the frame is used as it is when no disposition lies in two partitions
        (checked on the ids alone), else shuffled on the id.

        Raises:
            StyringskerneError: without a ``disposition_id`` column.
        """
        dask_module()
        if "disposition_id" not in frame.columns:
            raise StyringskerneError(
                "the dataframe needs a 'disposition_id' column: the rows of one disposition "
                "must stay together"
            )
        return cls(frame)

    def _by_disposition(self) -> Any:
        """The frame with each disposition in one partition (shuffled only if need be),
        found on the first query."""
        if "by_disposition" not in self._gathered:
            self._gathered["by_disposition"] = gathered_by_disposition(self.frame)
        return self._gathered["by_disposition"]

    def _run(self, query: Callable[[DispositionLedger], Partials]) -> Partials:
        dask = dask_module()
        frame = self._by_disposition()
        parts = [dask.delayed(_evaluate)(part, query) for part in frame.to_delayed()]
        combined: Partials = dask.delayed(_combine)(parts).compute()
        return combined

    def cost(self, start: dt.date, end: dt.date, *, by: str | None = None) -> AmountTable:
        """The cost of the days ``start`` to ``end`` (both inclusive), in total or by a
        dimension, as :meth:`DispositionLedger.cost`."""
        _check_by(by)
        period = DateRange(start=start, end=end)
        labels, values = self._run(_CostQuery(start, end, by)).get("", _EMPTY)
        if by is None and not labels.size:
            labels, values = np.array(["total"]), np.zeros((1, 1), dtype=np.int64)
        return AmountTable(
            dimension=by or "total",
            period=period,
            labels=labels,
            amounts=values[:, 0] if values.size else np.zeros(0, dtype=np.int64),
        )

    def monthly(self, year: int, *, by: str | None = None) -> AmountSeries:
        """Cost per calendar month of a budget year, as :meth:`DispositionLedger.monthly`."""
        _check_by(by)
        labels, values = self._run(_MonthlyQuery(year, by)).get("", _EMPTY)
        days = np.array(BudgetYear(year).month_boundaries(), dtype=np.int64).astype("datetime64[D]")
        return AmountSeries(
            dimension=by or "total",
            labels=labels,
            starts=days[:-1],
            stops=days[1:],
            values=values if values.size else np.zeros((0, 12), dtype=np.int64),
        )

    def daily(self, start: dt.date, end: dt.date, *, by: str | None = None) -> AmountSeries:
        """Cost per day from ``start`` to ``end`` inclusive, as :meth:`DispositionLedger.daily`."""
        _check_by(by)
        period = DateRange(start=start, end=end)
        width = period.stop_number - period.start_number
        labels, values = self._run(_DailyQuery(start, end, by)).get("", _EMPTY)
        days = np.arange(period.start_number, period.stop_number + 1).astype("datetime64[D]")
        return AmountSeries(
            dimension=by or "total",
            labels=labels,
            starts=days[:-1],
            stops=days[1:],
            values=values if values.size else np.zeros((0, width), dtype=np.int64),
        )

    def as_of(self, day: dt.date, *, year: int | None = None) -> LedgerStatus:
        """The *Figur 6.1* columns for budget year ``year`` as of ``day`` (inclusive), by
        account, citizen and disposition, as :meth:`DispositionLedger.as_of`.

        The dataframe holds dispositions only: *booked to date* is 0 in every row (as for an
        in-memory ledger built without postings).

        Raises:
            StyringskerneError: if ``day`` is not in ``year``.
        """
        day, budget_year = as_of_in_year(day, year)
        tables = self._run(_AsOfQuery(day, budget_year.year))
        result = {}
        for name in _LEDGER_TABLES:
            labels, values = tables.get(name, _EMPTY)
            values = values if values.size else np.zeros((0, 3), dtype=np.int64)
            result[name] = LedgerTable(dimension=name, labels=labels, values=values)
        sums = exact_sum(result["account"].values, axis=0)
        total = LedgerRow(
            booked_to_date=Money(int(sums[0])),
            computed_to_date=Money(int(sums[1])),
            disposed_rest_of_year=Money(int(sums[2])),
        )
        return LedgerStatus(year=budget_year.year, as_of=day, total=total, tables=result)


def _check_by(by: str | None) -> None:
    if by is not None and by not in DIMENSIONS:
        raise StyringskerneError(f"'by' must be one of {'|'.join(DIMENSIONS)} or None (got {by!r})")


@masked_repr
@attrs.frozen
class _CostQuery:
    start: dt.date
    end: dt.date
    by: str | None

    def __call__(self, ledger: DispositionLedger) -> Partials:
        table = ledger.cost(self.start, self.end, by=self.by)
        return {"": (table.labels, table.amounts[:, None])}


@masked_repr
@attrs.frozen
class _MonthlyQuery:
    year: int
    by: str | None

    def __call__(self, ledger: DispositionLedger) -> Partials:
        series = ledger.monthly(self.year, by=self.by)
        return {"": (series.labels, series.values)}


@masked_repr
@attrs.frozen
class _DailyQuery:
    start: dt.date
    end: dt.date
    by: str | None

    def __call__(self, ledger: DispositionLedger) -> Partials:
        series = ledger.daily(self.start, self.end, by=self.by)
        return {"": (series.labels, series.values)}


@masked_repr
@attrs.frozen
class _AsOfQuery:
    day: dt.date
    year: int

    def __call__(self, ledger: DispositionLedger) -> Partials:
        status = ledger.as_of(self.day, year=self.year)
        return {name: (table.labels, table.values) for name, table in status.tables.items()}
