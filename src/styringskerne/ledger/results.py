"""Immutable result objects of the ledger (resultater): rows, tables and series of amounts.

Results keep their numbers as read-only int64 øre arrays and their labels as arrays, so that a
national ledger's result costs nothing until it is read. They convert without loss to plain
Python (``to_dict``), JSON (``to_json``, amounts as decimal strings ``"1234.50"``) and numpy
(``to_numpy``, int64 øre). Citizen labels are masked in every ``repr`` and, unless
``show_cpr=True``, in ``to_dict`` and ``to_json``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import DateRange
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.html import html_table
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import Money
from styringskerne.core.tabular import GROUP_COLUMNS, arrow_table, pandas_frame
from styringskerne.engine.columns import readonly

__all__ = [
    "AmountSeries",
    "AmountTable",
    "LedgerRow",
    "LedgerStatus",
    "LedgerTable",
    "printable_labels",
]

CITIZEN: Final = "citizen"
LEDGER_COLUMNS: Final = (
    "booked_to_date",
    "computed_to_date",
    "disposed_rest_of_year",
    "expected",
    "booked_minus_computed",
)


def printable_labels(labels: NDArray[Any], dimension: str, *, show_cpr: bool) -> list[str]:
    """Labels as strings, CPR numbers masked unless ``show_cpr``.

    Citizen ids are masked as ids; other labels (disposition ids, providers, payers) wherever a
    CPR number stands in them. Two labels can mask alike (two citizens born the same day); the
    later ones get ``#2``, ``#3``… in label order, so masked keys stay unique and two citizens
    never collapse into one row.
    """
    texts = [str(label) for label in labels.tolist()]
    if show_cpr:
        return texts
    mask = mask_id if dimension == CITIZEN else mask_text
    seen: dict[str, int] = {}
    result = []
    for text in texts:
        masked = mask(text)
        count = seen.get(masked, 0) + 1
        seen[masked] = count
        result.append(masked if count == 1 else f"{masked}#{count}")
    return result


_HTML_ROWS: Final = 50
"""Rows a notebook shows of a table; the rest are in ``to_pandas()``."""
_HTML_COLUMNS: Final = 12


def _more_rows(count: int) -> list[str]:
    hidden = count - _HTML_ROWS
    return [f"… and {hidden} more rows: .to_pandas() has them all"] if hidden > 0 else []


def _frozen_array(values: NDArray[Any]) -> NDArray[Any]:
    # A caller's writable array is copied, so changing it later cannot change the result.
    array = np.asarray(values)
    return readonly(array.copy() if array.flags.writeable else array)


def _read_only_mapping(tables: Mapping[str, LedgerTable]) -> Mapping[str, LedgerTable]:
    return MappingProxyType(dict(tables))


@masked_repr
@attrs.frozen(kw_only=True)
class LedgerRow:
    """One row of the disposition ledger, *Figur 6.1* (række i dispositionsregnskabet).

    Attributes:
        booked_to_date: actual postings in the year up to and including the as-of date.
        computed_to_date: tariff × days in the year up to and including the as-of date.
        disposed_rest_of_year: tariff × days from the day after the as-of date to 31 December.
    """

    booked_to_date: Money
    computed_to_date: Money
    disposed_rest_of_year: Money

    @property
    def expected(self) -> Money:
        """Expected accounts (forventet regnskab): computed to date + disposed rest of year."""
        return self.computed_to_date + self.disposed_rest_of_year

    @property
    def booked_minus_computed(self) -> Money:
        """Reconciliation figure (afstemning): booked − computed, timing or data errors."""
        return self.booked_to_date - self.computed_to_date

    def to_dict(self) -> dict[str, str]:
        """The five columns as decimal strings."""
        return {name: getattr(self, name).to_string() for name in LEDGER_COLUMNS}


@masked_repr
@attrs.frozen(kw_only=True, eq=False, repr=False)
class LedgerTable:
    """Ledger rows for every member of one dimension (dispositionsregnskab pr. konto/borger).

    ``values`` has one row per label and three int64 øre columns: booked to date, computed to
    date, disposed rest of year.
    """

    dimension: str
    labels: NDArray[Any] = attrs.field(converter=_frozen_array)
    values: NDArray[np.int64] = attrs.field(converter=_frozen_array)

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def __repr__(self) -> str:
        return f"LedgerTable(dimension={self.dimension!r}, rows={len(self)})"

    def row(self, label: str) -> LedgerRow:
        """The row of one label (a citizen id, an account, …)."""
        matches = np.flatnonzero(self.labels.astype(str) == str(label))
        if matches.size == 0:
            shown = mask_id(str(label)) if self.dimension == CITIZEN else label
            raise StyringskerneError(f"no {self.dimension} {shown!r} in the ledger")
        booked, computed, disposed = (int(v) for v in self.values[matches[0]])
        return LedgerRow(
            booked_to_date=Money(booked),
            computed_to_date=Money(computed),
            disposed_rest_of_year=Money(disposed),
        )

    def to_mapping(self) -> dict[str, LedgerRow]:
        """Every row as ``{label: LedgerRow}`` with the labels unmasked (for programs)."""
        return {
            str(label): LedgerRow(
                booked_to_date=Money(booked),
                computed_to_date=Money(computed),
                disposed_rest_of_year=Money(disposed),
            )
            for label, (booked, computed, disposed) in zip(
                self.labels.tolist(), self.values.tolist(), strict=True
            )
        }

    def to_numpy(self) -> tuple[NDArray[Any], NDArray[np.int64]]:
        """Labels and an int64 øre matrix with the five columns of :data:`LEDGER_COLUMNS`."""
        booked, computed, disposed = self.values.T
        matrix = np.stack([booked, computed, disposed, computed + disposed, booked - computed], 1)
        return self.labels, matrix

    def to_json(self, *, show_cpr: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(show_cpr=show_cpr), indent=indent, ensure_ascii=False)

    def _repr_html_(self) -> str:
        labels, matrix = self.to_numpy()
        names = printable_labels(labels[:_HTML_ROWS], self.dimension, show_cpr=False)
        rows = [
            [name, *(Money(int(v)).format_danish(unit="") for v in values)]
            for name, values in zip(names, matrix[:_HTML_ROWS].tolist(), strict=True)
        ]
        return html_table(
            f"Disposition ledger by {self.dimension} (kr.)",
            [
                self.dimension.capitalize(),
                *(c.replace("_", " ").capitalize() for c in LEDGER_COLUMNS),
            ],
            rows,
            _more_rows(len(self)),
        )

    def to_columns(self, *, show_cpr: bool = False, wide: bool = False) -> dict[str, list[Any]]:
        """The table by the tidy rule (:mod:`styringskerne.core.tabular`): a row per label and
        measure with ``amount_ore``, or with ``wide`` a row per label and a ``<measure>_ore``
        column per measure."""
        labels, matrix = self.to_numpy()
        names = printable_labels(labels, self.dimension, show_cpr=show_cpr)
        key = GROUP_COLUMNS.get(self.dimension, self.dimension)
        if wide:
            return {
                key: names,
                **{f"{name}_ore": matrix[:, i].tolist() for i, name in enumerate(LEDGER_COLUMNS)},
            }
        return {
            key: [name for name in names for _ in LEDGER_COLUMNS],
            "measure": list(LEDGER_COLUMNS) * len(names),
            "amount_ore": matrix.ravel().tolist(),
        }

    def to_pandas(self, *, show_cpr: bool = False, wide: bool = False) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns` (amounts as ``Int64`` øre)."""
        return pandas_frame(self.to_columns(show_cpr=show_cpr, wide=wide))

    def to_arrow(self, *, show_cpr: bool = False, wide: bool = False) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns` (amounts as ``int64`` øre)."""
        return arrow_table(self.to_columns(show_cpr=show_cpr, wide=wide))

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, dict[str, str]]:
        """``{label: {column: "1234.50"}}``, citizen labels masked unless ``show_cpr``."""
        _, matrix = self.to_numpy()
        keys = printable_labels(self.labels, self.dimension, show_cpr=show_cpr)
        return {
            key: {
                name: Money(int(value)).to_string()
                for name, value in zip(LEDGER_COLUMNS, row, strict=True)
            }
            for key, row in zip(keys, matrix.tolist(), strict=True)
        }


@masked_repr
@attrs.frozen(kw_only=True, eq=False, repr=False)
class LedgerStatus:
    """The disposition ledger for a budget year as of a date (dispositionsregnskab pr. dato).

    ``as_of`` D means status through D inclusive: *to date* covers the days of the year up to
    and including D, the *rest of the year* D+1 to 31 December.
    """

    year: int
    as_of: dt.date
    total: LedgerRow
    tables: Mapping[str, LedgerTable] = attrs.field(repr=False, converter=_read_only_mapping)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}s={len(table)}" for name, table in self.tables.items())
        return (
            f"LedgerStatus(year={self.year}, as_of={self.as_of.isoformat()}, "
            f"expected={self.total.expected.format_danish()}, {sizes})"
        )

    def _repr_html_(self) -> str:
        labels, matrix = self.by("account").to_numpy()
        rows = [
            [str(label), *(Money(int(value)).format_danish(unit="") for value in values)]
            for label, values in zip(labels.tolist(), matrix.tolist(), strict=True)
        ]
        total = self.total
        rows.append(
            ["Total"]
            + [
                amount.format_danish(unit="")
                for amount in (
                    total.booked_to_date,
                    total.computed_to_date,
                    total.disposed_rest_of_year,
                    total.expected,
                    total.booked_minus_computed,
                )
            ]
        )
        return html_table(
            f"Disposition ledger {self.year} as of {self.as_of.isoformat()} (kr.)",
            ["Account", *(name.replace("_", " ").capitalize() for name in LEDGER_COLUMNS)],
            rows,
            [f"By citizen: .by('citizen') ({len(self.by(CITIZEN))} citizens)"],
        )

    def by(self, dimension: str) -> LedgerTable:
        """The table of a dimension: ``"account"``, ``"citizen"`` or ``"disposition"``."""
        try:
            return self.tables[dimension]
        except KeyError:
            valid = "|".join(self.tables)
            raise StyringskerneError(f"'by' must be one of {valid} (got {dimension!r})") from None

    @property
    def by_account(self) -> dict[str, LedgerRow]:
        """Rows per account (konto / delområde)."""
        return self.by("account").to_mapping()

    @property
    def by_citizen(self) -> dict[str, LedgerRow]:
        """Rows per citizen (keys are the ids as given: handle CPR numbers with care)."""
        return self.by(CITIZEN).to_mapping()

    @property
    def by_disposition(self) -> dict[str, LedgerRow]:
        """Rows per disposition (bevilling): booked are the postings that name it."""
        return self.by("disposition").to_mapping()

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, Any]:
        """``{"year", "as_of", "totals", "by_account", "by_citizen", "by_disposition"}``.

        Amounts are decimal strings; citizen ids (and CPR numbers in disposition ids) masked
        unless ``show_cpr``.
        """
        tables = {
            "by_account": self.by("account").to_dict(),
            "by_citizen": self.by(CITIZEN).to_dict(show_cpr=show_cpr),
        }
        if "disposition" in self.tables:
            tables["by_disposition"] = self.by("disposition").to_dict(show_cpr=show_cpr)
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "totals": self.total.to_dict(),
            **tables,
        }

    def to_json(self, *, show_cpr: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(show_cpr=show_cpr), indent=indent, ensure_ascii=False)

    def to_pandas(self, *, by: str = "account", show_cpr: bool = False, wide: bool = False) -> Any:
        """The table of one dimension as a ``pandas.DataFrame`` (:meth:`LedgerTable.to_columns`)."""
        return self.by(by).to_pandas(show_cpr=show_cpr, wide=wide)

    def to_arrow(self, *, by: str = "account", show_cpr: bool = False, wide: bool = False) -> Any:
        """The table of one dimension as a ``pyarrow.Table``."""
        return self.by(by).to_arrow(show_cpr=show_cpr, wide=wide)


@masked_repr
@attrs.frozen(kw_only=True, eq=False, repr=False)
class AmountTable:
    """One amount per member of a dimension (beløb pr. gruppe), e.g. cost over a period."""

    dimension: str
    period: DateRange
    labels: NDArray[Any] = attrs.field(converter=_frozen_array)
    amounts: NDArray[np.int64] = attrs.field(converter=_frozen_array)

    def __repr__(self) -> str:
        return (
            f"AmountTable(dimension={self.dimension!r}, "
            f"period={self.period.start}..{self.period.end}, "
            f"rows={self.labels.shape[0]}, total={self.total!r})"
        )

    @property
    def total(self) -> Money:
        """The sum over all members."""
        return Money(int(self.amounts.sum()))

    def __getitem__(self, label: str) -> Money:
        matches = np.flatnonzero(self.labels.astype(str) == str(label))
        if matches.size == 0:
            shown = mask_id(str(label)) if self.dimension == CITIZEN else label
            raise StyringskerneError(f"no {self.dimension} {shown!r} in the result")
        return Money(int(self.amounts[matches[0]]))

    def to_mapping(self) -> dict[str, Money]:
        """``{label: Money}`` with labels unmasked (for programs)."""
        return {
            str(label): Money(int(amount))
            for label, amount in zip(self.labels.tolist(), self.amounts.tolist(), strict=True)
        }

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, str]:
        """``{label: "1234.50"}``, citizen labels masked unless ``show_cpr``."""
        keys = printable_labels(self.labels, self.dimension, show_cpr=show_cpr)
        return {
            key: Money(int(amount)).to_string()
            for key, amount in zip(keys, self.amounts.tolist(), strict=True)
        }

    def to_numpy(self) -> tuple[NDArray[Any], NDArray[np.int64]]:
        """Labels and int64 øre amounts."""
        return self.labels, self.amounts

    def _repr_html_(self) -> str:
        names = printable_labels(self.labels[:_HTML_ROWS], self.dimension, show_cpr=False)
        rows = [
            [name, Money(int(amount)).format_danish(unit="")]
            for name, amount in zip(names, self.amounts[:_HTML_ROWS].tolist(), strict=True)
        ]
        rows.append(["Total", self.total.format_danish(unit="")])
        return html_table(
            f"Cost {self.period.start.isoformat()} – "
            f"{'' if self.period.end is None else self.period.end.isoformat()} by "
            f"{self.dimension} (kr.)",
            [self.dimension.capitalize(), "Amount"],
            rows,
            _more_rows(int(self.labels.shape[0])),
        )

    def to_columns(self, *, show_cpr: bool = False) -> dict[str, list[Any]]:
        """A row per label: the label, the period (``start``, ``end`` inclusive) and
        ``amount_ore``, by the tidy rule of :mod:`styringskerne.core.tabular`."""
        names = printable_labels(self.labels, self.dimension, show_cpr=show_cpr)
        return {
            GROUP_COLUMNS.get(self.dimension, self.dimension): names,
            "start": [self.period.start] * len(names),
            "end": [self.period.end] * len(names),
            "amount_ore": self.amounts.tolist(),
        }

    def to_pandas(self, *, show_cpr: bool = False) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns`."""
        return pandas_frame(self.to_columns(show_cpr=show_cpr))

    def to_arrow(self, *, show_cpr: bool = False) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(show_cpr=show_cpr))

    def to_json(self, *, show_cpr: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(show_cpr=show_cpr), indent=indent, ensure_ascii=False)


@masked_repr
@attrs.frozen(kw_only=True, eq=False, repr=False)
class AmountSeries:
    """Amounts per member and period: daily or monthly cost (udgift pr. dag eller måned).

    ``values[g, p]`` is member ``g``'s cost in period ``p`` in øre; ``starts`` holds each
    period's first day as ``datetime64[D]`` and ``stops`` the day after its last.
    """

    dimension: str
    labels: NDArray[Any] = attrs.field(converter=_frozen_array)
    starts: NDArray[np.datetime64] = attrs.field(converter=_frozen_array)
    stops: NDArray[np.datetime64] = attrs.field(converter=_frozen_array)
    values: NDArray[np.int64] = attrs.field(converter=_frozen_array)

    def __repr__(self) -> str:
        return (
            f"AmountSeries(dimension={self.dimension!r}, rows={self.values.shape[0]}, "
            f"periods={self.values.shape[1]})"
        )

    @property
    def totals(self) -> NDArray[np.int64]:
        """Sum over members per period, int64 øre."""
        result: NDArray[np.int64] = self.values.sum(axis=0)
        return result

    def to_numpy(self) -> tuple[NDArray[Any], NDArray[np.datetime64], NDArray[np.int64]]:
        """Labels, period starts and the int64 øre matrix."""
        return self.labels, self.starts, self.values

    def _repr_html_(self) -> str:
        names = printable_labels(self.labels[:_HTML_ROWS], self.dimension, show_cpr=False)
        starts = [str(start) for start in self.starts.astype("datetime64[D]").tolist()]
        shown = starts[:_HTML_COLUMNS]
        rows = [
            [name, *(Money(int(v)).format_danish(unit="") for v in values[: len(shown)])]
            for name, values in zip(names, self.values[:_HTML_ROWS].tolist(), strict=True)
        ]
        notes = _more_rows(int(self.values.shape[0]))
        if len(starts) > len(shown):
            notes += [f"… and {len(starts) - len(shown)} more periods: .to_pandas() has them all"]
        return html_table(
            f"Cost per period by {self.dimension} (kr.)",
            [self.dimension.capitalize(), *shown],
            rows,
            notes,
        )

    def to_columns(self, *, show_cpr: bool = False) -> dict[str, list[Any]]:
        """A row per label and period: the label, ``start``, ``end`` (inclusive) and
        ``amount_ore``, by the tidy rule of :mod:`styringskerne.core.tabular`."""
        names = printable_labels(self.labels, self.dimension, show_cpr=show_cpr)
        starts = self.starts.astype("datetime64[D]").tolist()
        ends = (self.stops.astype("datetime64[D]") - np.timedelta64(1, "D")).tolist()
        return {
            GROUP_COLUMNS.get(self.dimension, self.dimension): [
                name for name in names for _ in starts
            ],
            "start": starts * len(names),
            "end": ends * len(names),
            "amount_ore": self.values.ravel().tolist(),
        }

    def to_pandas(self, *, show_cpr: bool = False) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns`: long, one row per label and period."""
        return pandas_frame(self.to_columns(show_cpr=show_cpr))

    def to_arrow(self, *, show_cpr: bool = False) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(show_cpr=show_cpr))

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, Any]:
        """``{"periods": [start, …], "rows": {label: ["1234.50", …]}}``."""
        keys = printable_labels(self.labels, self.dimension, show_cpr=show_cpr)
        return {
            "periods": [str(start) for start in self.starts.tolist()],
            "rows": {
                key: [Money(int(value)).to_string() for value in row]
                for key, row in zip(keys, self.values.tolist(), strict=True)
            },
        }

    def to_json(self, *, show_cpr: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(show_cpr=show_cpr), indent=indent, ensure_ascii=False)
