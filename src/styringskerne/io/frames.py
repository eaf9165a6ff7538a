"""Dataframes in (indlæsning fra dataframes): pandas and Apache Arrow, as optional extras.

``dispositions_from_pandas(df)`` and ``dispositions_from_arrow(table)`` take the columns of the
dispositions CSV (see :mod:`styringskerne.io.csv`) and run the very same row checks: every row
is loaded or reported with its row number (1-based), column and reason. Dates may be real date
columns or text; amounts are kroner as in the CSV (numbers or text in either form); floats for
``rate`` are refused, since binary floats are not exact amounts.
``DispositionLedger.from_pandas`` and ``DispositionLedger.from_arrow`` build a ledger directly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.errors import RowError
from styringskerne.dispositions import Disposition
from styringskerne.io.csv import (
    DISPOSITION_COLUMNS,
    OPTIONAL_DISPOSITION_COLUMNS,
    ImportResult,
    dispositions_from_rows,
)

__all__ = ["dispositions_from_arrow", "dispositions_from_pandas", "dispositions_from_records"]


def _text(column: str, value: Any) -> str | RowError:
    """A cell as the text the CSV checks expect, or why it cannot be one."""
    if value is None or type(value).__name__ in ("NaTType", "NAType"):  # pandas' missing values
        return ""
    if isinstance(value, float):
        if math.isnan(value):  # an empty cell in pandas
            return ""
        if column == "rate":
            return RowError(
                line=0,
                column=column,
                reason=f"{value!r} is a binary float; give the rate as text or Decimal kroner",
            )
        return repr(value)
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return str(value)
    return str(value)


def dispositions_from_records(
    records: Iterable[Mapping[str, Any]],
    columns: Iterable[str],
    *,
    catalogue: ServiceCatalogue | None = None,
) -> ImportResult[Disposition]:
    """Dispositions from records (dicts) with the CSV's column names; rows numbered from 1."""
    names = [str(name).strip().lower() for name in columns]
    missing = [name for name in DISPOSITION_COLUMNS if name not in names]
    unknown = [
        name for name in names if name not in DISPOSITION_COLUMNS + OPTIONAL_DISPOSITION_COLUMNS
    ]
    if missing or unknown:
        reason = "; ".join(
            part
            for part in (
                f"missing column(s) {', '.join(missing)}" if missing else "",
                f"unknown column(s) {', '.join(unknown)}" if unknown else "",
            )
            if part
        )
        return ImportResult((), (RowError(line=0, column="", reason=reason),))
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    rejected: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        fields = dict.fromkeys(OPTIONAL_DISPOSITION_COLUMNS, "")
        bad = False
        for name, value in record.items():
            text = _text(str(name).strip().lower(), value)
            if isinstance(text, RowError):
                errors.append(RowError(line=number, column=text.column, reason=text.reason))
                bad = True
            else:
                fields[str(name).strip().lower()] = text.strip()
        if bad:
            rejected.setdefault(fields.get("disposition_id", ""), number)
        else:
            rows.append((number, fields))
    return dispositions_from_rows(rows, errors, rejected=rejected, catalogue=catalogue)


def dispositions_from_pandas(
    frame: Any, *, catalogue: ServiceCatalogue | None = None
) -> ImportResult[Disposition]:
    """Dispositions from a ``pandas.DataFrame`` with the CSV's columns."""
    return dispositions_from_records(
        frame.to_dict(orient="records"), frame.columns, catalogue=catalogue
    )


def dispositions_from_arrow(
    table: Any, *, catalogue: ServiceCatalogue | None = None
) -> ImportResult[Disposition]:
    """Dispositions from a ``pyarrow.Table`` with the CSV's columns."""
    return dispositions_from_records(table.to_pylist(), table.column_names, catalogue=catalogue)
