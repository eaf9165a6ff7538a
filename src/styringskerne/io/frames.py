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
