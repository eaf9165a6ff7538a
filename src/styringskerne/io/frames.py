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

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.errors import RowError
from styringskerne.core.masking import masked_repr
from styringskerne.dispositions import Disposition
from styringskerne.engine import CodedLabels, stable_order
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
    # Each text column leaves pandas once, as its distinct texts and each row's position
    # among them: an Arrow-backed column converts slowly, and the ledger then sorts only the
    # distinct texts. Rows are compared by position (equal exactly where the texts are).
    id_texts, citizen_texts, service_texts, account_texts = (
        _coded_texts(column) for column in (ids, citizens, services, accounts)
    )
    shared = [citizen_texts.codes, service_texts.codes, account_texts.codes]
    if probability is not None:
        shared.append(probability)
    runs = _Runs.of(id_texts)
    if not _one_disposition_per_run(runs, shared, start, end):
        return None
    provider = (
        _as_moved(runs, _coded_texts(data["provider"].fillna("").astype(str)))
        if "provider" in names
        else None
    )
    return {
        "disposition_id": id_texts,
        "citizen_id": citizen_texts,
        "account": account_texts,
        "service": service_texts,
        "provider": provider,
        "start": start,
        "end": end,
        "unit": _numpy_texts(units.astype(str)),
        "rate_ore": rate_ore,
        "quantity": quantity,
        "probability": probability,
    }


def _numpy_texts(column: Any) -> Any:
    """A text column as a numpy ``str`` array: each distinct text converted once when texts
    repeat (services, accounts, providers), which is most of the cost from pandas."""
    import pandas as pd

    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    if 2 * len(distinct) > len(column):
        return np.asarray(column.to_numpy(dtype=object), dtype=str)
    return np.asarray(distinct.to_numpy(dtype=object), dtype=str)[codes]


def _coded_texts(column: Any) -> CodedLabels:
    """A text column as its distinct texts (numpy ``str``, each converted once) and each
    row's position among them."""
    import pandas as pd

    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    texts = np.asarray(distinct.to_numpy(dtype=object), dtype=str)
    return CodedLabels(texts if texts.size else np.array([""]), codes.astype(np.int64))


def _as_moved(runs: _Runs, providers: CodedLabels) -> CodedLabels:
    """Each row's provider as the row reader gives it: a row with an empty provider is at the
    provider of its disposition's first row (the disposition's own)."""
    blank = np.flatnonzero(providers.texts == "")  # at most one: the texts are distinct
    codes = providers.codes
    if not blank.size:
        return providers
    return CodedLabels(providers.texts, np.where(codes == blank[0], codes[runs.first], codes))


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

    dated = pd.api.types.is_datetime64_any_dtype(column)
    # A date column has no empty texts: its days are not written out just to look for one.
    missing = column.isna() if dated else column.isna() | (column.astype(str) == "")
    if missing.any() and not empty:
        return None
    if dated:
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
    if column.isna().any():
        return None
    # A national file has few distinct rates: each distinct text is read once.
    codes, distinct = pd.factorize(column.astype(str))
    ore = [_simple_kroner_ore(str(text)) for text in distinct]
    if any(value is None for value in ore):
        return None
    return np.asarray(ore, dtype=np.int64)[codes]


def _simple_kroner_ore(text: str) -> int | None:
    """Øre of kroner written ``-1149.5`` / ``1149.50`` / ``1149``, or ``None`` for any other
    form (which the row reader then reads or reports)."""
    if not re.fullmatch(_SIMPLE_KRONER, text):
        return None
    negative = text.startswith("-")
    kroner, _, decimals = text.lstrip("-").partition(".")
    ore = int(kroner) * 100 + int(decimals.ljust(2, "0"))
    return -ore if negative else ore


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


@masked_repr
@attrs.frozen(eq=False)
class _Runs:
    """Each row's disposition's first row, and the row before it in its disposition (−1 for
    a disposition's first row), from the ids in row order."""

    first: Any
    previous: Any

    @classmethod
    def of(cls, ids: CodedLabels) -> _Runs:
        codes = ids.codes  # distinct texts: equal positions are equal ids
        order = stable_order(codes, ids.texts.size)
        ordered = codes[order]
        starts = np.r_[True, ordered[1:] != ordered[:-1]]
        first_of_code = np.empty(ids.texts.size, dtype=np.int64)
        first_of_code[ordered[starts]] = order[starts]
        previous = np.full(codes.size, -1, dtype=np.int64)
        previous[order[~starts]] = order[np.flatnonzero(~starts) - 1]
        return cls(first=first_of_code[codes], previous=previous)


def _one_disposition_per_run(runs: _Runs, shared: list[Any], start: Any, end: Any) -> bool:
    """Whether each disposition's rows agree on ``shared``, follow each other in order of
    start without overlapping, and only the last is open-ended."""
    if any((values != values[runs.first]).any() for values in shared):
        return False
    stop = np.where(np.isnat(end), np.datetime64("9999-12-31"), end)
    if (stop < start).any():
        return False
    rows = np.flatnonzero(runs.previous >= 0)
    before = runs.previous[rows]
    return not ((start[rows] <= stop[before]).any() or np.isnat(end[before]).any())
