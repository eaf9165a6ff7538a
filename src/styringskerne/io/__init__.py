"""Import and export at the edges (ind- og udlæsning): CSV files with row-level error reports."""

from styringskerne.io.columnar import ColumnarRead, read_columns
from styringskerne.io.csv import (
    ACTUAL_COLUMNS,
    BUDGET_COLUMNS,
    DISPOSITION_COLUMNS,
    OPTIONAL_ACTUAL_COLUMNS,
    ImportResult,
    load_actuals,
    load_dispositions,
    read_actuals,
    read_budget,
    read_dispositions,
    write_actuals,
    write_budget,
    write_dispositions,
)

__all__ = [
    "ACTUAL_COLUMNS",
    "BUDGET_COLUMNS",
    "DISPOSITION_COLUMNS",
    "OPTIONAL_ACTUAL_COLUMNS",
    "ColumnarRead",
    "ImportResult",
    "load_actuals",
    "load_dispositions",
    "read_actuals",
    "read_budget",
    "read_columns",
    "read_dispositions",
    "write_actuals",
    "write_budget",
    "write_dispositions",
]
