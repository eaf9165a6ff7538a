"""Cells as text (celler som tekst): the rules every importer of typed cells shares.

Dataframes (pandas, Arrow) and workbooks (``.xlsx``) hold typed cells — floats, dates,
integers — where a CSV file holds text. Each cell becomes the text the CSV row checks read, or
is refused with a reason, so every importer gives the same errors:

- kroner columns (``rate``, ``amount``, ``budget``, ``price``) take a float only when its
  shortest decimal form has at most two decimals (a whole number of øre within float
  precision);
- exact columns (``quantity``, ``probability``, ``count``) take a float only when it is a short
  decimal (at most four decimals); a fraction such as 1/3 is given as text;
- a timestamp must be naive and at midnight; a truth value is refused;
- an empty cell (``None``, ``NaN``, ``NaT``, ``NA``) is an empty field.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any, Final

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.money import Money

__all__ = [
    "EXACT_COLUMNS",
    "KRONER_COLUMNS",
    "ORE_ALTERNATIVES",
    "RefusedCellError",
    "cell_text",
    "ore_text",
]

KRONER_COLUMNS: Final = frozenset({"rate", "amount", "budget", "price"})
EXACT_COLUMNS: Final = frozenset({"quantity", "probability", "count"})
ORE_ALTERNATIVES: Final = {"rate_ore": "rate"}
"""Columns of whole øre that stand in for a kroner column."""


class RefusedCellError(Exception):
    """A cell that cannot be a field; its text is the reason."""


def _shortest_decimal(value: float) -> Decimal:
    # repr gives the shortest decimal that reads back as the same float.
    return Decimal(repr(value))


def _float_text(column: str, value: float) -> str:
    if math.isnan(value):
        return ""
    if math.isinf(value):
        raise RefusedCellError(f"{value!r} is not a number")
    exact = _shortest_decimal(value)
    exponent = exact.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if column in KRONER_COLUMNS:
        if places > 2:
            raise RefusedCellError(
                f"{value!r} is not a whole number of øre; a float amount must have at most two "
                "decimals (give exact amounts as text or Decimal)"
            )
        return f"{exact:f}"
    if column in EXACT_COLUMNS:
        if places > 4:
            raise RefusedCellError(
                f"{value!r} is not a short decimal; give at most four decimals, or a fraction "
                "as text such as '1/3'"
            )
        return f"{exact:f}"
    if column in ORE_ALTERNATIVES:
        if not value.is_integer():
            raise RefusedCellError(f"{value!r} is not a whole number of øre")
        return f"{int(value)}"
    return repr(value)


def _date_text(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        raise RefusedCellError(
            f"{value.isoformat()} has a time zone; give naive dates (the day as the case "
            "system records it)"
        )
    if value.time() != dt.time(0):
        raise RefusedCellError(f"{value.isoformat()} has a time of day; give dates only")
    return value.date().isoformat()


def cell_text(column: str, value: Any) -> str:
    """A cell as the text the CSV checks expect.

    Raises:
        RefusedCellError: with the reason when the cell cannot be one.
    """
    if value is None or type(value).__name__ in ("NaTType", "NAType"):  # pandas' missing values
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        raise RefusedCellError(f"{value!r} is a truth value, not a {column}")
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
        value = value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return _float_text(column, value)
    if isinstance(value, dt.datetime):
        return _date_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def ore_text(text: str) -> str:
    """Whole øre as the kroner text the row checks read."""
    if not text.lstrip("-").isascii() or not text.lstrip("-").isdigit():
        raise RefusedCellError(f"{text!r} is not a whole number of øre")
    try:
        return Money(int(text)).to_string()
    except StyringskerneError as error:
        raise RefusedCellError(str(error)) from None
