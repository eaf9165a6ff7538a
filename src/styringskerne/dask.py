"""Ledgers beyond one machine on Dask (dispositionsregnskab på Dask): the optional extra ``dask``.

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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import BudgetYear, DateRange, as_of_in_year
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike
from styringskerne.engine import exact_sum
from styringskerne.forecast.forecast import Forecast, Snapshot, forecast_from_parts
from styringskerne.forecast.ledger_parts import LedgerForecastParts
from styringskerne.forecast.transitions import ColourRule
from styringskerne.ledger.ledger import DIMENSIONS, DispositionLedger
from styringskerne.ledger.refund import RefundRule
from styringskerne.ledger.results import (
    AmountSeries,
    AmountTable,
    LedgerRow,
    LedgerStatus,
    LedgerTable,
)

__all__ = ["DaskLedger"]

_LEDGER_TABLES = ("account", "citizen", "disposition")

_MISSING = (
    "styringskerne.dask needs the optional extra 'dask': pip install 'styringskerne[dask]' "
    "(dask[dataframe] and distributed)"
)


def _dask() -> Any:
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

    @classmethod
    def from_dataframe(cls, frame: Any) -> DaskLedger:
        """A ledger over a dask dataframe with the dispositions file's columns.

        Rows of one disposition (``disposition_id``) are brought into one partition first.

        Raises:
            StyringskerneError: without a ``disposition_id`` column.
        """
        _dask()
        if "disposition_id" not in frame.columns:
            raise StyringskerneError(
                "the dataframe needs a 'disposition_id' column: the rows of one disposition "
                "must stay together"
            )
        return cls(frame.shuffle(on="disposition_id"))

    def _run(self, query: Callable[[DispositionLedger], Partials]) -> Partials:
        dask = _dask()
        parts = [dask.delayed(_evaluate)(part, query) for part in self.frame.to_delayed()]
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

    def make_forecast(
        self,
        as_of: dt.date,
        *,
        year: int | None = None,
        budget: Mapping[str, MoneyLike] | None = None,
        sub_areas: Mapping[str, str] | None = None,
        colour_rule: ColourRule | None = None,
        catalogue: ServiceCatalogue | None = None,
        refund: RefundRule | None = None,
        **assumptions: Any,
    ) -> Forecast:
        """The month-end forecast of these dispositions as of ``as_of``, as
        :func:`~styringskerne.forecast.forecast.make_forecast` of a snapshot of all of them.

        ``assumptions`` are the other fields of a
        :class:`~styringskerne.forecast.forecast.Snapshot` (``youths``, ``estimates``,
        ``buffers``, ``cases_on_the_way``, ``elderly_age``, ``birth_dates``,
        ``demand_pool``). The rows are shuffled so that each household (else each citizen)
        lies in one partition — the refund and the outflow to the elderly area are reckoned
        per person — and each partition's lines are reckoned on its worker
        (:class:`~styringskerne.forecast.ledger_parts.LedgerForecastParts`) and added up
        exactly.

        Raises:
            StyringskerneError: when a disposition, citizen or household would be split over
                two partitions (rows of one disposition that disagree on citizen or household,
                or a citizen written in two spellings), and as ``make_forecast``.
            ImportFailedError: with the rows of a partition that do not load.
        """
        snapshot = Snapshot(as_of=as_of, ledger=DispositionLedger([]), **assumptions)
        year = as_of.year if year is None else year
        pool = snapshot.demand_pool
        options: dict[str, Any] = {
            "year": year,
            "as_of": as_of,
            "sub_areas": sub_areas,
            "elderly_age": snapshot.elderly_age,
            "birth_dates": dict(snapshot.birth_dates),
            "pool_drawn": () if pool is None else pool.drawn,
            "refund": refund,
        }
        empty = LedgerForecastParts.of(snapshot.ledger, **options)
        dask = _dask()
        by_person = _with_person(self.frame).shuffle(on=_PERSON)
        results = [dask.delayed(_forecast_parts)(part, options) for part in by_person.to_delayed()]
        parts: LedgerForecastParts = dask.delayed(_merged_parts)(results, empty).compute()
        return forecast_from_parts(
            snapshot,
            parts,
            budget=budget,
            sub_areas=sub_areas,
            colour_rule=colour_rule,
            catalogue=catalogue,
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


_PERSON = "__styringskerne_person"
"""The column the rows are shuffled on for per-person figures: household, else citizen."""
_HASH_KEYS = ("styringskerne-01", "styringskerne-02")
"""Two keys of pandas' 64-bit hash: labels are told apart by 128 bits."""


def _with_person(frame: Any) -> Any:
    """The rows with their refund unit as a column: the household where one is given (the
    children of one household are summed for the refund), else the citizen."""
    citizen = frame["citizen_id"].astype(str).str.strip()
    if "household" not in frame.columns:
        return frame.assign(**{_PERSON: "c " + citizen})
    household = frame["household"].fillna("").astype(str).str.strip()
    return frame.assign(**{_PERSON: ("h " + household).where(household != "", "c " + citizen)})


def _identities(ledger: DispositionLedger) -> NDArray[np.uint64]:
    """A 128-bit hash (two columns) of each disposition, citizen and household of a part."""
    import pandas as pd

    labels = [
        f"{name[0]} {label}"
        for name in ("disposition", "citizen", "household")
        for label in ledger.groups(name)[1].astype(str).tolist()
        if label != "" or name != "household"
    ]
    values = np.array(labels, dtype=object)
    return np.stack(
        [pd.util.hash_array(values, hash_key=key, categorize=False) for key in _HASH_KEYS], axis=1
    ).astype(np.uint64)


def _check_disjoint(identities: Sequence[NDArray[np.uint64]]) -> None:
    """Refuse parts that share a disposition, citizen or household: their per-person figures
    (the refund, the outflow) would be reckoned on split spend."""
    every = np.concatenate(
        [part for part in identities if part.size] or [np.zeros((0, 2), dtype=np.uint64)]
    )
    if every.shape[0] and np.unique(every, axis=0).shape[0] != every.shape[0]:
        raise StyringskerneError(
            "a disposition, citizen or household lies in two partitions after the shuffle by "
            "household and citizen: its rows disagree on citizen or household, or a citizen is "
            "written in two spellings (0101901234 and 010190-1234); write each citizen in one "
            "spelling and give every row of a disposition the same citizen and household"
        )


def _forecast_parts(frame: Any, options: dict[str, Any]) -> Any:
    """One partition's forecast parts and the identities of its dispositions and persons."""
    if len(frame) == 0:
        return None
    ledger = DispositionLedger.from_pandas(frame.drop(columns=[_PERSON]).reset_index(drop=True))
    return LedgerForecastParts.of(ledger, **options), _identities(ledger)


def _merged_parts(results: Sequence[Any], empty: LedgerForecastParts) -> LedgerForecastParts:
    filled = [result for result in results if result is not None]
    _check_disjoint([identities for _, identities in filled])
    return LedgerForecastParts.merge([parts for parts, _ in filled] or [empty])


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
