"""Plain-text tables for terminals and reports (teksttabeller), amounts in Danish format."""

from __future__ import annotations

from collections.abc import Sequence

from styringskerne.money import Money
from styringskerne.results import LEDGER_COLUMNS, LedgerStatus, printable_labels

__all__ = ["ledger_table"]

_HEADINGS = {
    "booked_to_date": "Booked to date",
    "computed_to_date": "Computed to date",
    "disposed_rest_of_year": "Disposed rest of year",
    "expected": "Expected",
    "booked_minus_computed": "Booked − computed",
}


def _render(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for index, row in enumerate([header, *rows]):
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def ledger_table(status: LedgerStatus, *, by: str = "account", show_cpr: bool = False) -> str:
    """The ledger as a text table with one row per member of ``by`` and a total row.

    Examples:
        >>> import datetime as dt
        >>> from styringskerne import Disposition, DispositionLedger
        >>> ledger = DispositionLedger([Disposition.at_rate(id="D1", citizen_id="B-1",
        ...     service="SEL108", rate="1000", unit="day", start=dt.date(2024, 1, 1))])
        >>> print(ledger_table(ledger.as_of(dt.date(2024, 6, 30))).splitlines()[3])
        ... # doctest: +NORMALIZE_WHITESPACE
        5.38.50  0,00  182.000,00  184.000,00  366.000,00  -182.000,00
    """
    table = status.by(by)
    labels, matrix = table.to_numpy()
    names = printable_labels(labels, by, show_cpr=show_cpr)
    rows = [
        [name, *(Money(int(value)).format_danish(unit="") for value in values)]
        for name, values in zip(names, matrix.tolist(), strict=True)
    ]
    totals = matrix.sum(axis=0).tolist() if rows else [0] * len(LEDGER_COLUMNS)
    rows.append(["Total", *(Money(int(value)).format_danish(unit="") for value in totals)])
    header = [by.capitalize(), *(_HEADINGS[column] for column in LEDGER_COLUMNS)]
    title = f"Disposition ledger {status.year} as of {status.as_of.isoformat()} (kr.)"
    return f"{title}\n{_render(header, rows)}"
