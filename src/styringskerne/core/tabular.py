"""Tidy tables for pandas and Arrow (lange tabeller): one rule for every result.

Every result's ``to_pandas()`` and ``to_arrow()`` follow the same rule, so frames from the
ledger, the forecast, the change explanation, the refund and the reports join and stack:

- **long (tidy)** by default: one row per group × period × measure;
- **plain column names** in ``snake_case`` ASCII; the group column is named by what it holds
  (``account``, ``citizen_id``, ``disposition_id``, ``sub_area``); dates are ``start`` and
  ``end`` (inclusive); the kind of amount is in ``measure``;
- **amounts in whole øre** as 64-bit integers in columns whose names end in ``_ore``
  (``amount_ore``); a missing amount is ``<NA>``, never 0 and never a float;
- citizen ids and CPR numbers in labels masked unless ``show_cpr=True``.

pandas and pyarrow are optional extras, imported only here and only when asked for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["DATE_COLUMNS", "GROUP_COLUMNS", "arrow_table", "pandas_frame", "snake_case"]

DATE_COLUMNS = frozenset({"start", "end", "as_of", "date"})
"""Columns of days: ``datetime64`` in pandas, ``date32`` in Arrow."""
GROUP_COLUMNS = {"citizen": "citizen_id", "disposition": "disposition_id"}
"""A dimension's column name where it differs from the dimension's name."""

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def snake_case(name: str) -> str:
    """A column name as plain ``snake_case`` ASCII (Danish letters spelt out).

    Examples:
        >>> snake_case("Expected accounts 2026"), snake_case("Beløb (+ = merforbrug)")
        ('expected_accounts_2026', 'beloeb_plus_merforbrug')
        >>> snake_case("Deviation (\u2212 = overspend)"), snake_case("Sub-area")
        ('deviation_minus_overspend', 'sub_area')
    """
    # A sign is meaning ("+ = overspend" against "− = overspend"); a hyphen is not.
    signed = name.replace("+", " plus ").replace("\u2212", " minus ")
    ascii_name = unicodedata.normalize("NFKD", signed.translate(_DANISH))
    ascii_name = ascii_name.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", "_", ascii_name.lower()).strip("_") or "column"


def _is_ore(name: str) -> bool:
    return name.endswith("_ore")


def pandas_frame(columns: Mapping[str, Sequence[Any]]) -> Any:
    """A ``pandas.DataFrame`` of the columns; ``*_ore`` columns as nullable ``Int64``.

    Raises:
        ImportError: with how to install pandas, when it is missing.
    """
    try:
        import pandas as pd
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas needs pandas: pip install 'styringskerne[pandas]'") from error
    data: dict[str, Any] = {}
    for name, values in columns.items():
        if _is_ore(name):
            data[name] = pd.array(list(values), dtype="Int64")
        elif name in DATE_COLUMNS:
            data[name] = pd.to_datetime(list(values))
        else:
            data[name] = list(values)
    return pd.DataFrame(data)


def arrow_table(columns: Mapping[str, Sequence[Any]]) -> Any:
    """A ``pyarrow.Table`` of the columns; ``*_ore`` columns as ``int64`` with nulls.

    Raises:
        ImportError: with how to install pyarrow, when it is missing.
    """
    try:
        import pyarrow as pa
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("to_arrow needs pyarrow: pip install 'styringskerne[arrow]'") from error
    arrays = {
        name: pa.array(list(values), type=pa.int64()) if _is_ore(name) else pa.array(list(values))
        for name, values in columns.items()
    }
    return pa.table(arrays)
