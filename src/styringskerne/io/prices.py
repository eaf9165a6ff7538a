"""Reading a central price list from CSV (indlæsning af central prisliste).

Columns ``provider,service,valid_from,unit,rate`` (Danish ``leverandør,ydelse,gyldig_fra,
enhed,takst``); ``provider`` may be empty for a price that holds at every provider. Every row is
loaded or reported, like every other import.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from styringskerne.core.errors import ImportFailedError, RowError, StyringskerneError
from styringskerne.core.masking import mask_text
from styringskerne.core.money import Money
from styringskerne.io.csv import ImportResult, Source, _parse_amount, _parse_day, _parse_unit
from styringskerne.io.source import ColumnMapping, empty_fields, read_table
from styringskerne.tariffs.pricelist import PriceList
from styringskerne.tariffs.prices import Unit

__all__ = ["PRICE_LIST_REQUIRED", "load_price_list", "read_price_list"]

PRICE_LIST_REQUIRED: Final = ("service", "valid_from", "unit", "rate")

PriceRow = tuple[str, str, dt.date, Unit, Money]


def read_price_list(
    source: Source, *, columns: ColumnMapping | None = None, encoding: str | None = None
) -> ImportResult[PriceRow]:
    """The rows of a price list file that parse, and every row that does not.

    Raises:
        SourceError: when the file cannot be read at all.
    """
    table = read_table(
        source, PRICE_LIST_REQUIRED, ("provider",), columns=columns, encoding=encoding
    )
    errors = list(table.errors)
    rows: list[PriceRow] = []
    loaded: list[int] = []
    for line, fields in table.rows:
        row_errors = empty_fields(line, fields, PRICE_LIST_REQUIRED)
        parsed = []
        for name, parse in (("valid_from", _parse_day), ("unit", _parse_unit),
                            ("rate", _parse_amount)):  # fmt: skip
            if fields[name]:
                try:
                    parsed.append(parse(fields[name]))
                except StyringskerneError as error:
                    row_errors.append(RowError(line=line, column=name, reason=str(error)))
        if row_errors:
            errors.extend(row_errors)
            continue
        valid_from, unit, rate = parsed
        rows.append((fields["provider"], fields["service"], valid_from, unit, rate))  # type: ignore[arg-type]
        loaded.append(line)
    return ImportResult(tuple(rows), tuple(sorted(errors, key=lambda e: e.line)), tuple(loaded))


def load_price_list(
    source: Source, *, columns: ColumnMapping | None = None, encoding: str | None = None
) -> PriceList:
    """A :class:`~styringskerne.tariffs.pricelist.PriceList` from a CSV file.

    Raises:
        ImportFailedError: with every bad row, or when the rows contradict each other (two
            units or two prices from one date for one provider and service).
        SourceError: when the file cannot be read at all.
    """
    result = read_price_list(source, columns=columns, encoding=encoding)
    shown = mask_text(str(source))
    if result.errors:
        raise ImportFailedError(shown, result.errors)
    try:
        return PriceList.from_rows(result.items)
    except StyringskerneError as error:
        raise ImportFailedError(shown, (RowError(line=0, column="", reason=str(error)),)) from None
