"""Excel workbooks out (regneark): every table a controller reports, one sheet each.

:func:`write_workbook` writes the disposition ledger by account and by citizen (the columns of
*Figur 6.1* in the Social- og Boligstyrelsen report on steering of the specialised social
area), the month-end forecast and its lines, the state refund, the change explanation per
sub-area and citizen (*Boks 6.1* and *6.2*), shadow budgets, the volume/price split and any
report per recipient (*Boks 7.2*) to one ``.xlsx`` file (optional extra ``excel``, openpyxl).

- Amounts are numbers in kroner, exact to the øre: each is the øre amount divided by 100 as the
  nearest binary number, which reads back to the same øre (Excel keeps 15 significant digits,
  so an amount of 10.000 billion kroner or more is refused rather than rounded).
- Number formats are Excel's own codes (``#,##0.00``): Danish Excel shows them as
  ``1.234,56``; shares are percentages, dates ``dd-mm-yyyy``.
- Row 1 of a sheet is its title, row 2 the column names; both stay frozen with the first
  column while scrolling. Column widths fit the widest value.
- CPR numbers are masked in every cell, title and note unless ``show_cpr=True``.
- Text is always text: a label that starts with ``=`` is written as it reads, never as a
  formula (a hostile id cannot run in the controller's Excel), and characters the file format
  cannot hold are shown as ``�``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import attrs

from styringskerne.budget.variance import Variance
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import Money
from styringskerne.dispositions import Disposition
from styringskerne.forecast.explanation import ChangeExplanation
from styringskerne.forecast.forecast import Forecast
from styringskerne.kpi.reports import Report, variance_report
from styringskerne.ledger.refund import StateRefund
from styringskerne.ledger.results import LEDGER_COLUMNS, LedgerStatus, printable_labels
from styringskerne.tariffs.prices import PriceSegment

__all__ = [
    "MAX_EXCEL_ORE",
    "Sheet",
    "change_sheet",
    "dispositions_sheet",
    "forecast_sheets",
    "ledger_sheets",
    "refund_sheets",
    "report_sheet",
    "workbook_sheets",
    "write_sheets",
    "write_workbook",
]

Cell = Money | int | str | Fraction | Decimal | dt.date | None
"""A cell: money (kroner), a count, text, a share (a fraction, shown as a percentage), a
decimal number, a date, or empty."""

MAX_EXCEL_ORE: Final = 10**15 - 1
"""The largest amount (øre) written: Excel keeps 15 significant digits."""
KRONER_FORMAT: Final = "#,##0.00"
COUNT_FORMAT: Final = "#,##0"
SHARE_FORMAT: Final = "0.0%"
DATE_FORMAT: Final = "dd-mm-yyyy"
_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
_LEDGER_HEADINGS: Final = {
    "booked_to_date": "Booked to date",
    "computed_to_date": "Computed to date",
    "disposed_rest_of_year": "Disposed rest of year",
    "expected": "Expected accounts",
    "booked_minus_computed": "Booked − computed",
}


def _cells(rows: Iterable[Sequence[Cell]]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(tuple(row) for row in rows)


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@masked_repr
@attrs.frozen(kw_only=True)
class Sheet:
    """One sheet of a workbook (regneark): a name, a title, column names, rows and notes.

    Money cells are :class:`~styringskerne.core.money.Money`; fractions are shares. Text is
    written as given: the functions that make sheets mask CPR numbers unless asked not to.
    """

    name: str
    title: str
    columns: tuple[str, ...] = attrs.field(converter=_texts)
    rows: tuple[tuple[Cell, ...], ...] = attrs.field(converter=_cells)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_texts)

    def __attrs_post_init__(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise StyringskerneError(
                    f"sheet {self.name!r}: row {number} has {len(row)} cells, "
                    f"not {len(self.columns)}"
                )

    def column(self, name: str) -> tuple[Cell, ...]:
        """The cells of one column."""
        index = self.columns.index(name)
        return tuple(row[index] for row in self.rows)


def _shown(text: str, show_cpr: bool) -> str:
    return text if show_cpr else mask_text(text)


def ledger_sheets(status: LedgerStatus, *, show_cpr: bool = False) -> tuple[Sheet, ...]:
    """The disposition ledger (dispositionsregnskab), one sheet per dimension it has (account,
    citizen, and disposition when postings name dispositions), each with a total row."""
    sheets = []
    for dimension, table in status.tables.items():
        labels, matrix = table.to_numpy()
        names = printable_labels(labels, dimension, show_cpr=show_cpr)
        rows: list[tuple[Cell, ...]] = [
            (name, *(Money(int(value)) for value in values))
            for name, values in zip(names, matrix.tolist(), strict=True)
        ]
        totals = matrix.sum(axis=0).tolist() if len(table) else [0] * len(LEDGER_COLUMNS)
        rows.append(("Total", *(Money(int(value)) for value in totals)))
        sheets.append(
            Sheet(
                name=f"Ledger by {dimension}",
                title=f"Disposition ledger {status.year} as of {status.as_of.isoformat()} "
                f"by {dimension} (kr.)",
                columns=(dimension.capitalize(), *(_LEDGER_HEADINGS[c] for c in LEDGER_COLUMNS)),
                rows=rows,
                notes=(
                    "Expected accounts = computed to date + disposed rest of year "
                    "(Figur 6.1); booked − computed shows what is not yet booked.",
                ),
            )
        )
    return tuple(sheets)


def _segment_on(disposition: Disposition, day: dt.date) -> PriceSegment:
    """The price segment in force on a day, else the next to start, else the last."""
    for segment in disposition.segments:
        if segment.start <= day and (segment.end is None or day <= segment.end):
            return segment
    later = [segment for segment in disposition.segments if segment.start > day]
    return later[0] if later else disposition.segments[-1]


def dispositions_sheet(
    dispositions: Sequence[Disposition], as_of: dt.date, *, show_cpr: bool = False
) -> Sheet:
    """The dispositions behind the ledger (bevillinger), one row each, with the rate (*takst*)
    in force on the as-of date, and the start and end dates that *Figur 6.1*'s note calls
    essential for a correct expected account per citizen."""
    rows: list[tuple[Cell, ...]] = []
    for disposition in sorted(dispositions, key=lambda d: (d.citizen_id, d.id)):
        segment = _segment_on(disposition, as_of)
        who = disposition.citizen_id
        rows.append(
            (
                _shown(disposition.id, show_cpr),
                who if show_cpr else mask_id(who),
                disposition.service,
                _shown(disposition.provider or "", show_cpr),
                disposition.start,
                disposition.end,
                segment.unit.value,
                segment.rate,
                Decimal(segment.quantity.numerator) / Decimal(segment.quantity.denominator),
                disposition.probability,
            )
        )
    return Sheet(
        name="Dispositions",
        title=f"Dispositions with the rate in force on {as_of.isoformat()} (kr.)",
        columns=(
            "Disposition",
            "Citizen",
            "Service",
            "Provider",
            "Start",
            "End",
            "Unit",
            "Rate",
            "Quantity",
            "Probability",
        ),
        rows=rows,
        notes=("The rate is the one in force on the as-of date, else the next to start.",),
    )


def _forecast_notes(forecast: Forecast) -> tuple[str, ...]:
    notes = []
    if forecast.budget_missing:
        notes.append(
            f"No budget for {', '.join(forecast.budget_missing)}: their deviation and the "
            "total deviation are left empty; the total budget counts only the sub-areas "
            "budgeted."
        )
    if forecast.state_refund is not None:
        notes.append(f"Refund: {forecast.state_refund.rule.describe()}")
    if forecast.paid_by_others:
        notes.append(
            f"Left out, paid by other municipalities: {forecast.paid_by_others.format_danish()}"
        )
    return tuple(notes)


def forecast_sheets(
    forecast: Forecast, *, overspend_negative: bool = False, name: str = "Forecast"
) -> tuple[Sheet, ...]:
    """The month-end forecast (prognose) per sub-area with a total, and its lines per sub-area.

    ``overspend_negative`` prints deviations the Danish report way (overspend negative).
    """
    sign = -1 if overspend_negative else 1
    has_refund = forecast.refund is not None and forecast.net is not None
    refund = forecast.refund or {}
    net = forecast.net or {}
    rows: list[tuple[Cell, ...]] = []
    for sub_area in forecast.sub_areas:
        budget = forecast.budget_for(sub_area)
        expected = forecast.expected[sub_area]
        row: tuple[Cell, ...] = (
            sub_area,
            budget,
            expected,
            None if budget is None else (expected - budget) * sign,
        )
        if has_refund:
            row += (refund.get(sub_area, Money(0)), net[sub_area])
        rows.append(row)
    total: tuple[Cell, ...] = (
        "Total",
        forecast.total_budget,
        forecast.total_expected,
        None if forecast.budget_missing else forecast.deviation() * sign,
    )
    if has_refund:
        total += (forecast.total_refund, forecast.total_net)
    rows.append(total)
    deviation = "Deviation (− = overspend)" if overspend_negative else "Deviation (+ = overspend)"
    columns: tuple[str, ...] = ("Sub-area", "Budget", "Expected", deviation)
    if has_refund:
        columns += ("Refund § 176", "Net")
    year = forecast.year
    main = Sheet(
        name=f"{name} {year}",
        title=f"{name} {year} as of {forecast.as_of.isoformat()} (kr.)",
        columns=columns,
        rows=rows,
        notes=tuple(mask_text(note) for note in _forecast_notes(forecast)),
    )
    sub_areas = list(forecast.sub_areas)
    line_rows: list[tuple[Cell, ...]] = [
        (
            mask_text(line.label),
            line.kind,
            *(line.amounts.get(sub_area, Money(0)) for sub_area in sub_areas),
            line.total,
        )
        for line in forecast.lines
    ]
    line_rows.append(
        ("Expected", "", *(forecast.expected[s] for s in sub_areas), forecast.total_expected)
    )
    lines = Sheet(
        name=f"{name} lines {year}",
        title=f"{name} {year} as of {forecast.as_of.isoformat()}: the lines per sub-area (kr.)",
        columns=("Line", "Kind", *sub_areas, "Total"),
        rows=line_rows,
        notes=tuple(
            mask_text(f"{line.label}: {line.assumptions}")
            for line in forecast.lines
            if line.assumptions
        ),
    )
    return (main, lines)


def refund_sheets(refund: StateRefund, *, show_cpr: bool = False) -> tuple[Sheet, ...]:
    """The state refund (refusion for særligt dyre enkeltsager, serviceloven § 176): per person
    or household with spend, and per sub-area."""
    labels = [
        unit if show_cpr or household else mask_id(unit)
        for unit, household in zip(refund.units, refund.households, strict=True)
    ]
    rows: list[tuple[Cell, ...]] = [
        (
            _shown(label, show_cpr),
            "household" if household else "person",
            Money(spend),
            Money(to_date),
            Money(year),
        )
        for label, household, spend, to_date, year in zip(
            labels,
            refund.households,
            refund.spend.tolist(),
            refund.to_date.tolist(),
            refund.for_year.tolist(),
            strict=True,
        )
        if spend or year
    ]
    rows.append(("Total", "", Money(int(refund.spend.sum())), refund.total_to_date, refund.total))
    to_date = "Refund to date" + (f" ({refund.as_of.isoformat()})" if refund.as_of else "")
    notes = [refund.rule.describe()]
    if refund.unknown_age:
        notes.append(
            f"{len(refund.unknown_age)} citizen(s) without a known age, counted as under 67"
        )
    by_person = Sheet(
        name=f"Refund {refund.year}",
        title=f"State refund § 176 {refund.year} per person or household (kr.)",
        columns=("Person or household", "Unit", "Counted spend", to_date, "Refund for the year"),
        rows=rows,
        notes=tuple(_shown(note, show_cpr) for note in notes),
    )
    area_rows: list[tuple[Cell, ...]] = [
        (name, amount) for name, amount in refund.by_sub_area.items()
    ]
    area_rows.append(("Total", refund.total))
    by_area = Sheet(
        name=f"Refund by sub-area {refund.year}",
        title=f"State refund § 176 {refund.year} per sub-area (kr.)",
        columns=("Sub-area", "Refund for the year"),
        rows=area_rows,
    )
    return (by_person, by_area)


def change_sheet(explanation: ChangeExplanation, *, show_cpr: bool = False) -> Sheet:
    """The change of the forecast explained per sub-area and citizen (*Boks 6.1*, *6.2*): each
    item with its reason, the unexplained residual and the sub-area's change, then the total."""
    rows: list[tuple[Cell, ...]] = []
    for name, change in explanation.sub_area_changes.items():
        items = explanation.items_in(name)
        if not change and not items:
            continue
        for item in items:
            who = item.citizen_id or ""
            rows.append(
                (
                    name,
                    item.reason,
                    who if show_cpr else mask_id(who) if who else "",
                    _shown(item.label or "", show_cpr),
                    item.amount,
                )
            )
        residual = explanation.residual_in(name)
        if residual:
            rows.append((name, "unexplained residual", "", "", residual))
        rows.append((name, "change of the sub-area", "", "", change))
    rows.append(("Total", "change of the forecast", "", "", explanation.total_change))
    notes = [
        f"Unexplained residual in total: {explanation.residual.format_danish()}",
        *(
            f"Case on the way without an amount: {case.sub_area}, "
            f"{case.citizen_id if show_cpr else mask_id(case.citizen_id)} {case.note}"
            for case in explanation.cases_on_the_way
        ),
    ]
    return Sheet(
        name="Change",
        title="Change of the forecast per sub-area and citizen (kr., + = more spend)",
        columns=("Sub-area", "Reason", "Citizen", "Detail", "Amount"),
        rows=rows,
        notes=tuple(_shown(note, show_cpr) for note in notes),
    )


def report_sheet(report: Report, *, name: str | None = None) -> Sheet:
    """A report per recipient (already masked) as a sheet, named from its title."""
    return Sheet(
        name=name or report.title,
        title=report.title,
        columns=report.columns,
        rows=report.rows,
        notes=report.notes,
    )


def workbook_sheets(
    *,
    ledger: LedgerStatus | None = None,
    forecast: Forecast | None = None,
    change: ChangeExplanation | None = None,
    shadow: Sequence[Forecast] = (),
    variance: Mapping[str, Variance] | None = None,
    reports: Sequence[Report] = (),
    dispositions: Sequence[Disposition] = (),
    show_cpr: bool = False,
    overspend_negative: bool = False,
) -> tuple[Sheet, ...]:
    """The sheets :func:`write_workbook` writes, in its order."""
    sheets: list[Sheet] = []
    if ledger is not None:
        sheets += ledger_sheets(ledger, show_cpr=show_cpr)
    if dispositions:
        day = ledger.as_of if ledger is not None else forecast.as_of if forecast else None
        if day is None:
            raise StyringskerneError(
                "dispositions need the as-of date of a ledger or forecast to show their rate"
            )
        sheets.append(dispositions_sheet(dispositions, day, show_cpr=show_cpr))
    if forecast is not None:
        sheets += forecast_sheets(forecast, overspend_negative=overspend_negative)
        if forecast.state_refund is not None:
            sheets += refund_sheets(forecast.state_refund, show_cpr=show_cpr)
    if variance is not None:
        sheets.append(
            report_sheet(
                variance_report(variance, overspend_negative=overspend_negative),
                name="Volume and price",
            )
        )
    if change is not None:
        sheets.append(change_sheet(change, show_cpr=show_cpr))
    for outer in shadow:
        sheets.append(
            forecast_sheets(outer, overspend_negative=overspend_negative, name="Shadow budget")[0]
        )
    sheets += (report_sheet(report) for report in reports)
    return tuple(sheets)


def write_workbook(
    path: str | os.PathLike[str],
    *,
    ledger: LedgerStatus | None = None,
    forecast: Forecast | None = None,
    change: ChangeExplanation | None = None,
    shadow: Sequence[Forecast] = (),
    variance: Mapping[str, Variance] | None = None,
    reports: Sequence[Report] = (),
    dispositions: Sequence[Disposition] = (),
    show_cpr: bool = False,
    overspend_negative: bool = False,
) -> Path:
    """Write the results given to one ``.xlsx`` workbook, a sheet per table; returns the path.

    ``dispositions`` adds a sheet of the dispositions with the rate in force on the as-of date
    (*Figur 6.1*'s *takst*). The forecast's state refund, when it has one, gets its own sheets;
    ``shadow`` takes the
    shadow budgets of :func:`~styringskerne.forecast.shadow.shadow_budgets`; ``reports`` any
    :class:`~styringskerne.kpi.reports.Report` (the quarterly *Boks 7.2* table, …).

    Raises:
        StyringskerneError: when nothing is given, an amount is too large for Excel, or the
            file cannot be written.
        ImportError: with how to install the extra, when openpyxl is missing.
    """
    sheets = workbook_sheets(
        ledger=ledger,
        forecast=forecast,
        change=change,
        shadow=shadow,
        variance=variance,
        reports=reports,
        dispositions=dispositions,
        show_cpr=show_cpr,
        overspend_negative=overspend_negative,
    )
    return write_sheets(path, sheets)


def _sheet_names(sheets: Sequence[Sheet]) -> list[str]:
    """Names Excel accepts: at most 31 characters, none of ``[]:*?/\\``, unique."""
    names: list[str] = []
    for sheet in sheets:
        base = _FORBIDDEN.sub("-", sheet.name).strip("' ")[:31] or "Sheet"
        name, count = base, 1
        while name.lower() in (n.lower() for n in names):
            count += 1
            suffix = f" ({count})"
            name = base[: 31 - len(suffix)] + suffix
        names.append(name)
    return names


def _value(cell: Cell, where: str) -> tuple[Any, str | None]:
    """A cell's value for Excel and its number format."""
    if isinstance(cell, Money):
        if abs(cell.ore) > MAX_EXCEL_ORE:
            raise StyringskerneError(
                f"{where}: {cell.format_danish()} has more than 15 digits, which Excel cannot "
                "keep exactly; write such amounts as CSV or JSON"
            )
        return cell.ore / 100, KRONER_FORMAT
    if isinstance(cell, bool):
        return str(cell), None
    if isinstance(cell, int):
        return cell, COUNT_FORMAT
    if isinstance(cell, Fraction):
        return float(cell), SHARE_FORMAT
    if isinstance(cell, Decimal):
        return float(cell), KRONER_FORMAT
    if isinstance(cell, dt.date):
        return cell, DATE_FORMAT
    return cell, None


def _text_width(cell: Cell) -> int:
    if isinstance(cell, Money):
        return len(cell.format_danish(unit=""))
    if isinstance(cell, dt.date):
        return 10
    return len(str(cell)) if cell is not None else 0


def write_sheets(path: str | os.PathLike[str], sheets: Sequence[Sheet]) -> Path:
    """Write sheets to an ``.xlsx`` workbook; returns the path.

    Raises:
        StyringskerneError: when there is no sheet, an amount is too large for Excel, or the
            file cannot be written (the path masked).
        ImportError: with how to install the extra, when openpyxl is missing.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError as error:
        raise ImportError(
            "writing an Excel workbook needs the optional extra 'excel': "
            "pip install 'styringskerne[excel]'"
        ) from error
    if not sheets:
        raise StyringskerneError("nothing to write: give at least one result for the workbook")
    names = _sheet_names(sheets)
    # Every cell is checked before the file is begun, so a refused amount leaves no file.
    values = [
        [
            [
                _value(cell, f"sheet {name!r}, row {number}, {column}")
                for column, cell in zip(sheet.columns, row, strict=True)
            ]
            for number, row in enumerate(sheet.rows, start=3)
        ]
        for sheet, name in zip(sheets, names, strict=True)
    ]
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell_of(page: Any, content: Any, number_format: str | None = None) -> Any:
        if isinstance(content, str):
            # Control characters are not allowed in the file format: shown as U+FFFD.
            content = ILLEGAL_CHARACTERS_RE.sub("\ufffd", content)
        cell = WriteOnlyCell(page, content)
        if isinstance(content, str):
            cell.data_type = "s"  # text, never a formula, whatever it starts with
        if number_format is not None:
            cell.number_format = number_format
        return cell

    for sheet, name, sheet_values in zip(sheets, names, values, strict=True):
        page = book.create_sheet(name)
        for index, heading in enumerate(sheet.columns, start=1):
            widest = max([len(heading), *(_text_width(row[index - 1]) for row in sheet.rows)])
            page.column_dimensions[get_column_letter(index)].width = min(60, widest + 2)
        page.freeze_panes = "B3"
        title = cell_of(page, sheet.title)
        title.font = bold
        page.append([title])
        header = []
        for heading in sheet.columns:
            cell = cell_of(page, heading)
            cell.font = bold
            header.append(cell)
        page.append(header)
        for row, row_values in zip(sheet.rows, sheet_values, strict=True):
            cells = []
            for content, number_format in row_values:
                cell = cell_of(page, content, number_format)
                if row[0] == "Total":
                    cell.font = bold
                cells.append(cell)
            page.append(cells)
        if sheet.notes:
            page.append([])
            for note in sheet.notes:
                page.append([cell_of(page, note)])
    target = Path(path)
    try:
        book.save(target)
    except OSError as error:
        raise StyringskerneError(
            f"{mask_text(str(target))}: cannot write the workbook ({error.strerror or error})"
        ) from None
    return target
