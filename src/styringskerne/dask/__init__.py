"""Ledgers and forecasts beyond one machine on Dask (på Dask): the optional extra ``dask``.

- :class:`DaskLedger` (:mod:`styringskerne.dask.ledger`): ``monthly``, ``daily``, ``cost`` and
  ``as_of`` over a ``dask.dataframe`` of dispositions (Parquet or CSV on disk);
- :func:`make_forecast` and :func:`explain_change` (:mod:`styringskerne.dask.forecast`) of
  :class:`DaskSnapshot` s: the month-end forecast and its change explained, as for one ledger
  of all the rows.

Every figure is exact — the same øre as the in-memory ledger — and comes back as the
in-memory result types. With a ``distributed`` client active the work runs on its workers;
without one, on Dask's default scheduler.
"""

from styringskerne.dask.forecast import DaskSnapshot, explain_change, make_forecast
from styringskerne.dask.ledger import DaskLedger

__all__ = ["DaskLedger", "DaskSnapshot", "explain_change", "make_forecast"]
