"""Dataframes in (indlæsning fra dataframes): pandas and Apache Arrow, as optional extras.

``dispositions_from_pandas(df)`` and ``dispositions_from_arrow(table)`` take the columns of the
dispositions CSV (see :mod:`styringskerne.io.csv`), Danish names and a caller's ``columns=``
mapping included, and run the very same row checks: every row is loaded or reported with its
row number (1-based), column and reason. A column named twice is an error naming it.

Cell rules, the same for pandas and Arrow:

- ``rate`` is kroner: text in either number form, ``Decimal``, an integer of kroner, or a float
  (what ``pd.read_csv(sep=";", decimal=",")`` gives) when its shortest decimal form has at most
  two decimals, i.e. it is a whole number of øre within float precision; ``rate_ore`` instead
  gives whole øre as integers.
- ``quantity`` and ``probability`` take a float only when it is exactly a short decimal (at most
  four decimals, as ``0.5`` or ``4.5``); a fraction such as 1/3 is given as the text ``"1/3"``.
- Dates are date columns or text; a timestamp must be naive and at midnight.
- An empty cell (``None``, ``NaN``, ``NaT``, ``NA``) is an empty field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.errors import RowError
from styringskerne.dispositions import Disposition
from styringskerne.io.cells import ORE_ALTERNATIVES, RefusedCellError, cell_text, ore_text
from styringskerne.io.csv import (
    HEADER_OPTIONAL_COLUMNS,
    HEADER_REQUIRED_COLUMNS,
    OPTIONAL_DISPOSITION_COLUMNS,
    ImportResult,
    dispositions_from_rows,
)
from styringskerne.io.source import ColumnMapping, header_names, missing_or_unknown, not_read

__all__ = [
    "columns_of_a_clean_frame",
    "dispositions_from_arrow",
    "dispositions_from_pandas",
    "dispositions_from_records",
    "dispositions_from_rows_of_cells",
]


def _fields(names: Sequence[str], record: Sequence[Any]) -> tuple[dict[str, str], list[RowError]]:
    fields = dict.fromkeys((*HEADER_OPTIONAL_COLUMNS, *OPTIONAL_DISPOSITION_COLUMNS), "")
    errors: list[RowError] = []
    for name, value in zip(names, record, strict=True):
        try:
            text = cell_text(name, value).strip()
            if name in ORE_ALTERNATIVES and text:
                text = ore_text(text)
        except RefusedCellError as refused:
            errors.append(RowError(line=0, column=name, reason=str(refused)))
            continue
        fields[ORE_ALTERNATIVES.get(name, name)] = text
    return fields, errors


def dispositions_from_rows_of_cells(
    names_given: Sequence[Any],
    records: Iterable[Sequence[Any]],
    *,
    catalogue: ServiceCatalogue | None = None,
    columns: ColumnMapping | None = None,
) -> ImportResult[Disposition]:
    """Dispositions from records as sequences of cells in the order of ``names_given``."""
    names, header_problems = header_names([str(name) for name in names_given], columns or {})
    present = [ORE_ALTERNATIVES.get(name, name) for name in names]
    duplicate_rate = "rate" in names and "rate_ore" in names
    header_problems += missing_or_unknown(
        present,
        HEADER_REQUIRED_COLUMNS,
        (*HEADER_OPTIONAL_COLUMNS, *OPTIONAL_DISPOSITION_COLUMNS, *ORE_ALTERNATIVES),
    )
    if duplicate_rate:
        header_problems.append(
            RowError(line=0, column="rate", reason="give either 'rate' (kroner) or 'rate_ore'")
        )
    if header_problems:
        problems = [RowError(line=0, column=e.column, reason=e.reason) for e in header_problems]
        size = sum(1 for _ in records)
        if size:
            problems.append(not_read(1, size, "row"))
        return ImportResult((), tuple(problems))
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    rejected: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        fields, problems = _fields(names, record)
        if problems:
            errors.extend(RowError(line=number, column=p.column, reason=p.reason) for p in problems)
            rejected.setdefault(fields.get("disposition_id", ""), number)
        else:
            rows.append((number, fields))
    return dispositions_from_rows(rows, errors, rejected=rejected, catalogue=catalogue)


def dispositions_from_records(
    records: Iterable[Mapping[str, Any]],
    columns: Iterable[str],
    *,
    catalogue: ServiceCatalogue | None = None,
    mapping: ColumnMapping | None = None,
) -> ImportResult[Disposition]:
    """Dispositions from records (dicts) with the CSV's column names; rows numbered from 1."""
    names = list(columns)
    return dispositions_from_rows_of_cells(
        names,
        ([record.get(name) for name in names] for record in records),
        catalogue=catalogue,
        columns=mapping,
    )


def dispositions_from_pandas(
    frame: Any,
    *,
    catalogue: ServiceCatalogue | None = None,
    columns: ColumnMapping | None = None,
) -> ImportResult[Disposition]:
    """Dispositions from a ``pandas.DataFrame`` with the CSV's columns (or Danish names)."""
    return dispositions_from_rows_of_cells(
        list(frame.columns),
        frame.itertuples(index=False, name=None),
        catalogue=catalogue,
        columns=columns,
    )


def dispositions_from_arrow(
    table: Any,
    *,
    catalogue: ServiceCatalogue | None = None,
    columns: ColumnMapping | None = None,
) -> ImportResult[Disposition]:
    """Dispositions from a ``pyarrow.Table`` with the CSV's columns (or Danish names)."""
    data = [table.column(index).to_pylist() for index in range(table.num_columns)]
    return dispositions_from_rows_of_cells(
        list(table.column_names),
        zip(*data, strict=True) if data else iter(()),
        catalogue=catalogue,
        columns=columns,
    )


_SIMPLE_KRONER = r"^-?\d{1,13}(\.\d{1,2})?$"
_UNITS = ("day", "week", "month", "once")


def columns_of_a_clean_frame(
    frame: Any, *, catalogue: ServiceCatalogue | None = None
) -> dict[str, Any] | None:
    """The columns for ``DispositionLedger.from_arrays`` of a frame whose every row passes the
    checks in their simplest form, found with whole-column operations; ``None`` when any row
    might not (then the row-by-row reader runs and reports every row as it always does).

    Simplest form: the library's column names; ids and service as non-empty text without
    surrounding blanks, the service in the catalogue and the account empty or given; ISO dates
    (``2024-01-31``) or date columns at midnight; units as ``day|week|month|once``; rates as
    kroner with a point and at most two decimals (or whole øre in ``rate_ore``); quantity and
    probability empty or whole numbers; the optional columns empty; the rows of one
    disposition agreeing on citizen, service, account and probability, in order of start, not
    overlapping, only the last open-ended.
    """
    catalogue = catalogue if catalogue is not None else ServiceCatalogue.default()
    names, problems = header_names([str(name) for name in frame.columns], {})
    if problems or len(frame) == 0:
        return None
    data = frame.set_axis(names, axis=1)
    rate_name = "rate_ore" if "rate_ore" in names else "rate"
    required = ("disposition_id", "citizen_id", "service", "start", "end", "unit", rate_name,
                "quantity", "probability")  # fmt: skip
    known = {*required, "account", "provider", *OPTIONAL_DISPOSITION_COLUMNS}
    if any(name not in names for name in required) or any(n not in known for n in names):
        return None
    if any(_filled(data[name]) for name in OPTIONAL_DISPOSITION_COLUMNS if name in names):
        return None
    texts = [_plain_text(data[name]) for name in ("disposition_id", "citizen_id", "service")]
    ids, citizens, services = texts
    if ids is None or citizens is None or services is None:
        return None
    derived = services.map({service.code: service.account for service in catalogue})
    if derived.isna().any():
        return None
    given = (
        data["account"].fillna("").astype(str) if "account" in names else derived.str.slice(0, 0)
    )
    accounts = given.where(given != "", derived)
    units = data["unit"]
    if units.isna().any() or not units.astype(str).isin(_UNITS).all():
        return None
    start, end = _dates(data["start"], empty=False), _dates(data["end"], empty=True)
    rate_ore = _rates_ore(data[rate_name], whole_ore=rate_name == "rate_ore")
    quantity, probability = _whole(data["quantity"]), _whole(data["probability"])
    refused = any(value is False for value in (quantity, probability))
    if start is None or end is None or rate_ore is None or refused:
        return None
    if probability is not None and not ((probability >= 0) & (probability <= 1)).all():
        return None
    shared = [citizens.to_numpy(), services.to_numpy(), accounts.to_numpy()]
    if probability is not None:
        shared.append(probability)
    if not _one_disposition_per_run(ids.to_numpy(), shared, start, end):
        return None
    provider = (
        _as_moved(ids.to_numpy(), data["provider"].fillna("").astype(str).to_numpy())
        if "provider" in names
        else None
    )
    return {
        "disposition_id": ids.to_numpy().astype(str),
        "citizen_id": citizens.to_numpy().astype(str),
        "account": accounts.to_numpy().astype(str),
        "service": services.to_numpy().astype(str),
        "provider": None if provider is None else provider.astype(str),
        "start": start,
        "end": end,
        "unit": units.astype(str).to_numpy().astype(str),
        "rate_ore": rate_ore,
        "quantity": quantity,
        "probability": probability,
    }


def _as_moved(ids: Any, providers: Any) -> Any:
    """Each row's provider as the row reader gives it: a row with an empty provider is at the
    provider of its disposition's first row (the disposition's own)."""
    import pandas as pd

    first = pd.Series(providers).groupby(ids, sort=False).transform("first").to_numpy()
    return np.where(providers == "", first, providers)


def _filled(column: Any) -> bool:
    """Whether any cell of a column holds something."""
    return bool((column.notna() & (column.astype(str) != "")).any())


def _plain_text(column: Any) -> Any:
    """The column as text when every cell is non-empty text without surrounding blanks."""
    if column.isna().any():
        return None
    values = column.astype(str)
    if (values == "").any() or (values.str.strip() != values).any():
        return None
    return values


def _dates(column: Any, *, empty: bool) -> Any:
    """Day numbers of ISO dates or a date column at midnight (``NaT`` where empty)."""
    import pandas as pd  # the caller has a pandas frame, so pandas is there

    missing = column.isna() | (column.astype(str) == "")
    if missing.any() and not empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = column
    else:
        parsed = pd.to_datetime(column.where(~missing, None), format="%Y-%m-%d", errors="coerce")
    if (parsed.isna() & ~missing).any() or getattr(parsed.dt, "tz", None) is not None:
        return None
    if ((parsed.dt.normalize() != parsed) & parsed.notna()).any():
        return None
    return parsed.to_numpy(dtype="datetime64[D]")


def _rates_ore(column: Any, *, whole_ore: bool) -> Any:
    """Whole øre of an integer ``rate_ore`` column or of kroner written ``1149.50``."""
    import pandas as pd

    if whole_ore:
        return column.to_numpy(dtype="int64") if pd.api.types.is_integer_dtype(column) else None
    text = column.astype(str)
    if column.isna().any() or not text.str.fullmatch(_SIMPLE_KRONER).all():
        return None
    negative = text.str.startswith("-")
    digits = text.str.lstrip("-")
    kroner = digits.str.split(".", n=1).str[0].astype("int64")
    decimals = digits.str.split(".", n=1).str[1].fillna("").str.ljust(2, "0").astype("int64")
    ore = (kroner * 100 + decimals).to_numpy(dtype="int64")
    return np.where(negative.to_numpy(), -ore, ore)


def _whole(column: Any) -> Any:
    """Whole numbers of a column, ``None`` when every cell is empty, ``False`` otherwise."""
    import pandas as pd

    text = column.astype(str)
    if column.isna().all() or (text == "").all():
        return None
    if pd.api.types.is_integer_dtype(column):
        return column.to_numpy(dtype="int64")
    if column.notna().all() and text.str.fullmatch(r"\d{1,9}").all():
        return text.astype("int64").to_numpy()
    return False


def _one_disposition_per_run(ids: Any, shared: list[Any], start: Any, end: Any) -> bool:
    """Whether each disposition's rows agree on ``shared``, follow each other in order of
    start without overlapping, and only the last is open-ended."""
    import pandas as pd

    grouped = pd.Series(np.arange(ids.size)).groupby(ids, sort=False)
    first_row = grouped.transform("first").to_numpy()
    if any((values != values[first_row]).any() for values in shared):
        return False
    stop = np.where(np.isnat(end), np.datetime64("9999-12-31"), end)
    if (stop < start).any():
        return False
    previous = grouped.shift(1).to_numpy()
    following = ~np.isnan(previous.astype(float))
    before = previous[following].astype(np.int64)
    rows = np.flatnonzero(following)
    return not ((start[rows] <= stop[before]).any() or np.isnat(end[before]).any())
