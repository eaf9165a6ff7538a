"""Reports per recipient (styringsinformation til hver modtager).

Different recipients need different cuts and cadences (VIVE 2018, chapter 7): the political
committee quarterly (*Boks 7.2*), management monthly, a caseworker their own caseload, a
provider its occupancy and hours. Each report is an immutable :class:`Report` — a title and a
table — that converts to ``to_dict()``, ``to_json()``, ``to_pandas()`` (when pandas is
installed; amounts as exact integer øre, never floats) and shows itself as an HTML table in a
notebook (``_repr_html_``). Citizen ids are masked in every output.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from styringskerne.budget.variance import Variance
from styringskerne.core.calendar import from_day_number
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.html import html_table
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import Money, MoneyLike
from styringskerne.core.quantities import rounded_decimal
from styringskerne.core.tabular import arrow_table, pandas_frame, snake_case
from styringskerne.forecast.explanation import ChangeExplanation
from styringskerne.forecast.forecast import Forecast
from styringskerne.kpi.figures import (
    citizens_at,
    citizens_on,
    granted_hours_per_week,
    inflow_outflow,
    occupancy,
)
from styringskerne.kpi.hours import HoursMonth
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.subareas import sub_area_codes
from styringskerne.tariffs.specialtariff import special_tariff_figures
from styringskerne.visitation.followup import FollowUpCase, FollowUpSchedule, follow_up_status

__all__ = [
    "Report",
    "caseload_report",
    "change_summary",
    "hours_report",
    "management_report",
    "provider_report",
    "quarterly_report",
    "variance_report",
]

Cell = Money | int | str | Fraction | Decimal | dt.date | None
"""A report cell: money, a count, text, a share (a fraction, shown as a percentage), a decimal
number such as full-year persons (shown as it is), a date, or empty."""


def _rows(value: Iterable[Sequence[Cell]]) -> tuple[tuple[Cell, ...], ...]:
    # Text cells are masked once here, so no output of a report can show a CPR number.
    return tuple(
        tuple(mask_text(cell) if isinstance(cell, str) else cell for cell in row) for row in value
    )


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(mask_text(text) for text in value)


def _decimal(value: Fraction, places: int) -> str:
    """An exact fraction rounded half-even to ``places`` decimals, with a decimal comma."""
    return str(rounded_decimal(value, places)).replace(".", ",")


def _text(cell: Cell) -> str:
    if isinstance(cell, Money):
        return cell.format_danish(unit="")
    if isinstance(cell, Fraction):
        return _decimal(cell * 100, 1) + "%"
    if isinstance(cell, Decimal):
        return str(cell).replace(".", ",")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return "" if cell is None else str(cell)


def _plain(cell: Cell) -> object:
    if isinstance(cell, Money):
        return cell.to_string()
    if isinstance(cell, Fraction | Decimal):
        return str(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return cell


def _cell_value(cell: Cell) -> tuple[int | None, float | int | None, str | None]:
    """A cell as (øre, number, text): exactly one is given for a non-empty cell."""
    if isinstance(cell, Money):
        return cell.ore, None, None
    if isinstance(cell, bool):
        return None, None, str(cell)
    if isinstance(cell, int):
        return None, cell, None
    if isinstance(cell, Fraction | Decimal):
        return None, float(cell), None
    if isinstance(cell, dt.date):
        return None, None, cell.isoformat()
    return None, None, cell


@masked_repr
@attrs.frozen(kw_only=True)
class Report:
    """A report: a title, column names and rows (rapport).

    Money cells are :class:`Money`; shares are fractions. Every CPR number in the title, the
    text cells and the notes is masked when the report is made.
    """

    title: str = attrs.field(converter=mask_text)
    columns: tuple[str, ...] = attrs.field(converter=_strings)
    rows: tuple[tuple[Cell, ...], ...] = attrs.field(converter=_rows)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def __attrs_post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise StyringskerneError(
                    f"report {self.title!r}: a row has {len(row)} cells, not {len(self.columns)}"
                )

    def column(self, name: str) -> tuple[Cell, ...]:
        """The cells of one column."""
        index = self.columns.index(name)
        return tuple(row[index] for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """``{"title", "columns", "rows", "notes"}`` with amounts as decimal strings."""
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [[_plain(cell) for cell in row] for row in self.rows],
            "notes": list(self.notes),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_columns(self, *, wide: bool = False) -> dict[str, list[Any]]:
        """The report by the tidy rule of :mod:`styringskerne.core.tabular`.

        Long (default): a row per report row and column, keyed by the first column (named in
        ``snake_case``), with ``measure`` (the column's name in ``snake_case``) and the cell in
        one of ``amount_ore`` (money, whole øre), ``number`` (counts, shares as fractions of
        1, decimals) or ``text`` (text and dates, ISO). ``wide``: the report's own layout with
        ``snake_case`` names, money columns as ``<name>_ore``.
        """
        names = [snake_case(name) for name in self.columns]
        key = names[0]
        if wide:
            result: dict[str, list[Any]] = {}
            for index, name in enumerate(names):
                cells = [row[index] for row in self.rows]
                money = any(isinstance(cell, Money) for cell in cells)
                result[f"{name}_ore" if money else name] = [
                    _cell_value(cell)[0 if money else 1] if index else cell for cell in cells
                ]
            return result
        long: dict[str, list[Any]] = {
            key: [],
            "measure": [],
            "amount_ore": [],
            "number": [],
            "text": [],
        }
        for row in self.rows:
            for name, cell in zip(names[1:], row[1:], strict=True):
                ore, number, text = _cell_value(cell)
                long[key].append(row[0])
                long["measure"].append(name)
                long["amount_ore"].append(ore)
                long["number"].append(number)
                long["text"].append(text)
        return long

    def to_pandas(self, *, wide: bool = False) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns` (money as ``Int64`` øre, never floats).

        Raises:
            ImportError: with how to install pandas, when it is missing.
        """
        return pandas_frame(self.to_columns(wide=wide))

    def to_arrow(self, *, wide: bool = False) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(wide=wide))

    def to_text(self) -> str:
        """A plain-text table."""
        table = [list(self.columns), *[[_text(c) for c in row] for row in self.rows]]
        widths = [max(len(r[i]) for r in table) for i in range(len(self.columns))]
        lines = [self.title]
        for number, row in enumerate(table):
            cells = [row[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
            ]
            lines.append("  ".join(cells).rstrip())
            if number == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.extend(self.notes)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return html_table(
            self.title, self.columns, [[_text(c) for c in row] for row in self.rows], self.notes
        )


def _citizens_by_sub_area(
    ledger: DispositionLedger, day: dt.date, sub_areas: Mapping[str, str] | None
) -> dict[str, int]:
    codes, names = sub_area_codes(ledger, sub_areas)
    counts = citizens_on(ledger, day, codes, len(names))
    return {name: int(count) for name, count in zip(names, counts.tolist(), strict=True)}


def _deviation(expected: Money, budget: Money | None, sign: int) -> Money | None:
    """Expected − budget (times ``sign`` for print), or no figure when there is no budget."""
    return None if budget is None else (expected - budget) * sign


def _missing_budget_notes(forecast: Forecast) -> tuple[str, ...]:
    if not forecast.budget_missing:
        return ()
    return (
        f"No budget for {', '.join(forecast.budget_missing)}: their deviation and the total "
        "deviation are left empty, not computed against 0.",
    )


def quarterly_report(
    forecast: Forecast,
    ledger: DispositionLedger,
    *,
    last_year: Mapping[str, Money] | None = None,
    overspend_negative: bool = False,
    refund_budget: MoneyLike | None = None,
    last_year_refund: MoneyLike | None = None,
    net_sub_areas: Iterable[str] = (),
) -> Report:
    """The political committee's quarterly table, in the shape of *Boks 7.2*.

    Per sub-area: citizens on the as-of date, corrected budget, expected accounts, deviation
    (expected − budget; ``overspend_negative`` flips it for print) and last year's accounts.
    Citizens are counted in the forecast's own sub-areas (``forecast.sub_area_of_account``).

    When the forecast carries the state refund (``make_forecast(..., refund=...)``), the table
    has the box's refund rows: the sub-areas in ``net_sub_areas`` are shown net, "…, incl.
    refund" (their budget in ``forecast.budget`` is then the net budget, as *Boks 7.2*'s "BPA,
    incl. refusion"), and the refund of every other sub-area is one row "Refund (§ 176)" after
    the last sub-area it comes from, printed as a negative expense like the box's "Refusion".
    ``refund_budget`` and ``last_year_refund`` are that row's budget and last year's figure,
    given as money back (positive). The total is then "Total, incl. refund": gross rows plus net
    rows minus the refund row, which is the forecast's net total.

    A demand pool (efterspørgselspulje, :class:`~styringskerne.forecast.forecast.DemandPool`)
    is the row after the total and outside it, as *Boks 7.2*'s "Efterspørgselspulje".

    Raises:
        StyringskerneError: if refund options are given for a forecast without a refund, or
            ``net_sub_areas`` names a sub-area the forecast does not have.
    """
    citizens = _citizens_by_sub_area(ledger, forecast.as_of, forecast.sub_area_of_account)
    last_year = last_year or {}
    sign = -1 if overspend_negative else 1
    refund = _report_refund(forecast, refund_budget, last_year_refund, net_sub_areas)
    rows: list[tuple[Cell, ...]] = []
    expected = forecast.expected
    pool = forecast.pool_sub_area
    for name in forecast.sub_areas:
        if name == pool:
            continue
        budget = forecast.budget_for(name)
        amount = expected[name]
        label = name
        if refund is not None and name in refund.net:
            amount, label = amount - refund.of(name), f"{name}, incl. refund"
        rows.append(
            (
                label,
                citizens.get(name, 0),
                budget,
                amount,
                _deviation(amount, budget, sign),
                last_year.get(name),
            )
        )
        if refund is not None and name == refund.after:
            rows.append(refund.row(sign))
    if refund is not None and refund.after is None:
        rows.append(refund.row(sign))
    rows.append(_quarterly_total(forecast, citizens, last_year, refund, sign))
    if pool is not None:
        budget = forecast.budget_for(pool)
        rows.append(
            (pool, 0, budget, expected[pool], _deviation(expected[pool], budget, sign),
             last_year.get(pool))
        )  # fmt: skip
    deviation = "Deviation (− = overspend)" if overspend_negative else "Deviation (+ = overspend)"
    notes = _missing_budget_notes(forecast)
    if refund is not None and refund.budget is None:
        notes += (
            "No budget for the refund: its deviation and the total deviation are left empty; "
            "give refund_budget.",
        )
    return Report(
        title=f"Key figures {forecast.as_of.isoformat()} (kr.)",
        columns=(
            "Sub-area",
            "Citizens",
            f"Corrected budget {forecast.year}",
            f"Expected accounts {forecast.year}",
            deviation,
            f"Accounts {forecast.year - 1}",
        ),
        rows=rows,
        notes=notes,
    )


@masked_repr
@attrs.frozen
class _ReportRefund:
    """The refund rows of a quarterly report: which sub-areas are net, the rest in one row."""

    refund: Mapping[str, Money]
    net: frozenset[str]
    budget: Money | None
    last_year: Money | None
    after: str | None

    def of(self, name: str) -> Money:
        return self.refund.get(name, Money(0))

    @property
    def gross_refund(self) -> Money:
        """The refund of the sub-areas shown gross: the refund row's amount."""
        return Money.total(amount for name, amount in self.refund.items() if name not in self.net)

    def row(self, sign: int) -> tuple[Cell, ...]:
        budget = None if self.budget is None else -self.budget
        expected = -self.gross_refund
        return (
            "Refund (§ 176)",
            None,
            budget,
            expected,
            _deviation(expected, budget, sign),
            None if self.last_year is None else -self.last_year,
        )


def _report_refund(
    forecast: Forecast,
    budget: MoneyLike | None,
    last_year: MoneyLike | None,
    net_sub_areas: Iterable[str],
) -> _ReportRefund | None:
    net = frozenset(_strings(net_sub_areas))
    refund = forecast.refund
    if refund is None:
        if net or budget is not None or last_year is not None:
            raise StyringskerneError(
                "refund rows need a forecast with the state refund: make it with "
                "make_forecast(..., refund=RefundRule.for_year(year))"
            )
        return None
    unknown = sorted(net - set(forecast.sub_areas))
    if unknown:
        raise StyringskerneError(
            f"net_sub_areas names {', '.join(map(repr, unknown))}, not a sub-area of the "
            f"forecast (it has {', '.join(forecast.sub_areas)})"
        )
    with_refund = [name for name in forecast.sub_areas if name not in net and refund.get(name)]
    return _ReportRefund(
        refund=refund,
        net=net,
        budget=None if budget is None else Money.of(budget, field="refund_budget"),
        last_year=None if last_year is None else Money.of(last_year, field="last_year_refund"),
        after=with_refund[-1] if with_refund else None,
    )


def _quarterly_total(
    forecast: Forecast,
    citizens: Mapping[str, int],
    last_year: Mapping[str, Money],
    refund: _ReportRefund | None,
    sign: int,
) -> tuple[Cell, ...]:
    # The demand pool is shown after the total and is not in it (Boks 7.2).
    pool = forecast.pool_sub_area
    outside = Money(0) if pool is None else forecast.expected[pool]
    outside_budget = Money(0) if pool is None else forecast.budget.get(pool, Money(0))
    budget: Money | None = forecast.total_budget - outside_budget
    expected = forecast.total_expected - outside
    shown = {name: value for name, value in last_year.items() if name != pool}
    previous = Money.total(shown.values()) if shown else None
    label = "Total"
    if refund is not None:
        label = "Total, incl. refund"
        expected = expected - Money.total(refund.refund.values())
        budget = None if refund.budget is None or budget is None else budget - refund.budget
        if previous is not None and refund.last_year is not None:
            previous = previous - refund.last_year
    missing = forecast.budget_missing or budget is None
    return (
        label,
        sum(citizens.values()),
        budget,
        expected,
        None if missing or budget is None else (expected - budget) * sign,
        previous,
    )


def _persons(count: Fraction) -> Decimal:
    """Full-year persons (or hours) to two decimals, rounded half-even from the exact count."""
    return rounded_decimal(count, 2)


def variance_report(
    variance: Mapping[str, Variance], *, overspend_negative: bool = False
) -> Report:
    """The deviation from the steering assumptions split into volume and price (mængde og pris).

    One row per sub-area of :func:`styringskerne.budget.variance.volume_price_variance` and a
    total: assumed and actual full-year persons (to two decimals, the total rounded from the
    exact sum), assumed amount, expected spend, the volume part
    (more or fewer cases than assumed), the price part (dearer or cheaper cases) and the
    deviation, which is volume + price to the øre. ``overspend_negative`` flips the three
    deviation columns for print.
    """
    sign = -1 if overspend_negative else 1
    rows: list[tuple[Cell, ...]] = [
        (
            name,
            _persons(split.assumed_count),
            _persons(split.persons),
            split.assumed,
            split.expected,
            split.volume * sign,
            split.price * sign,
            split.deviation * sign,
        )
        for name, split in variance.items()
    ]
    splits = list(variance.values())
    rows.append(
        (
            "Total",
            _persons(sum((split.assumed_count for split in splits), Fraction(0))),
            _persons(sum((split.persons for split in splits), Fraction(0))),
            Money.total(split.assumed for split in splits),
            Money.total(split.expected for split in splits),
            Money.total(split.volume for split in splits) * sign,
            Money.total(split.price for split in splits) * sign,
            Money.total(split.deviation for split in splits) * sign,
        )
    )
    marks = "(− = overspend)" if overspend_negative else "(+ = overspend)"
    return Report(
        title="Deviation from the steering assumptions: more cases (volume), dearer cases (price)",
        columns=(
            "Sub-area",
            "Assumed full-year persons",
            "Full-year persons",
            "Assumed amount",
            "Expected",
            f"Volume {marks}",
            f"Price {marks}",
            f"Deviation {marks}",
        ),
        rows=rows,
    )


def management_report(
    forecast: Forecast,
    change: ChangeExplanation,
    ledger: DispositionLedger,
) -> Report:
    """The monthly management report: budget, expected, deviation and last month's change.

    Per sub-area also the citizens coming in and leaving in the as-of date's month, grouped
    into the forecast's own sub-areas (``forecast.sub_area_of_account``).
    """
    sub_areas = forecast.sub_area_of_account
    month = forecast.as_of.month - 1
    flows = inflow_outflow(ledger, forecast.year, by="account")
    inflow: dict[str, int] = {}
    outflow: dict[str, int] = {}
    for account, counts in flows.items():
        name = sub_areas.get(account, account) if sub_areas else account
        inflow[name] = inflow.get(name, 0) + counts["inflow"][month]
        outflow[name] = outflow.get(name, 0) + counts["outflow"][month]
    rows: list[tuple[Cell, ...]] = []
    expected = forecast.expected
    for name in forecast.sub_areas:
        budget = forecast.budget_for(name)
        rows.append(
            (
                name,
                budget,
                expected[name],
                _deviation(expected[name], budget, 1),
                change.sub_area_changes.get(name, Money(0)),
                inflow.get(name, 0),
                outflow.get(name, 0),
            )
        )
    return Report(
        title=f"Month-end forecast {forecast.as_of.isoformat()} (kr.)",
        columns=(
            "Sub-area",
            "Budget",
            "Expected",
            "Deviation",
            "Change since last month",
            "Inflow this month",
            "Outflow this month",
        ),
        rows=rows,
        notes=(
            f"Unexplained residual of the change: {change.residual}",
            *_missing_budget_notes(forecast),
        ),
    )


def change_summary(
    change: ChangeExplanation,
    *,
    previous_total: MoneyLike | None = None,
    current_total: MoneyLike | None = None,
    lines: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    citizens_from: MoneyLike | None = None,
    overspend_negative: bool = False,
) -> Report:
    """The month's change of the forecast summed up per line, in the shape of *Boks 6.1*.

    Svendborg's box (*Sammenstilling af prognosens ændringer*): last and this forecast, the
    change, one line per sub-area, single citizens with a large change on lines of their own
    ("Borger 1" …, numbered, never named), the change of the state refund as the line "Særlig
    dyre enkeltsager", the sum of the lines and what they leave unexplained ("Manglende
    forklaring").

    Args:
        change: the explanation of the change (:func:`explain_change` or ``by_hand``).
        previous_total, current_total: the two forecasts, shown as given.
        lines: the sub-areas in the order to print them, zero lines included (default: the
            sub-areas of the change, sorted).
        labels: a display name per sub-area (e.g. ``"BPA, §96"``).
        citizens_from: a citizen item at or above this size (either sign) is its own line
            after its sub-area's; default: none.
        overspend_negative: print more spend negative, as Svendborg does. The unexplained rest
            is printed as the box prints it, the lines minus the change in the printed sign,
            which is the library's residual (change − explained) unchanged.
    """
    sign = -1 if overspend_negative else 1
    labels = labels or {}
    floor = None if citizens_from is None else abs(Money.of(citizens_from))
    items = change.items
    refunds = items.with_reason("refund")
    order = list(lines) if lines is not None else sorted(change.sub_area_changes)
    order += [name for name in items.take(~refunds).sub_area_names() if name not in order]
    rows: list[tuple[Cell, ...]] = []
    if previous_total is not None:
        rows.append(("Previous forecast", Money.of(previous_total)))
    if current_total is not None:
        rows.append(("This forecast", Money.of(current_total)))
    rows.append(("Change of the forecast", change.total_change * sign))
    number = 0
    for name in order:
        mine = items.take(np.flatnonzero(items.in_sub_area(name) & ~refunds))
        single = np.zeros(len(mine), dtype=bool)
        if floor is not None:
            single = (np.abs(mine.amount_ore) >= floor.ore) & (mine.citizen_id.codes >= 0)
        rows.append((labels.get(name, name), mine.take(~single).total() * sign))
        for item in mine.take(np.flatnonzero(single)):
            number += 1
            rows.append((f"Citizen {number}", item.amount * sign))
    if refunds.any():
        rows.append(("Very expensive single cases (§ 176)", items.take(refunds).total() * sign))
    rows.append(("Changes in all", change.explained * sign))
    rows.append(("Unexplained", change.residual))
    return Report(
        title="The forecast's change summed up (kr.)", columns=("Line", "Change"), rows=rows
    )


def hours_report(months: Sequence[HoursMonth], *, title: str = "Support hours (§ 85)") -> Report:
    """Granted, delivered and budgeted support hours per month, as a report (*Tabel 7.1*,
    *Boks 7.5*): hours to two decimals (rounded half-even from the exact figures), the share
    delivered, and a total row.
    """
    rows: list[tuple[Cell, ...]] = []
    for month in months:
        rows.append(
            (
                str(month.month),
                _persons(month.granted),
                _persons(month.delivered),
                month.delivery_share,
                None if month.budgeted is None else _persons(month.budgeted),
            )
        )
    granted = sum((m.granted for m in months), Fraction(0))
    delivered = sum((m.delivered for m in months), Fraction(0))
    budgets = [m.budgeted for m in months]
    budgeted = (
        None
        if any(b is None for b in budgets)
        else sum((b for b in budgets if b is not None), Fraction(0))
    )
    rows.append(
        (
            "Total",
            _persons(granted),
            _persons(delivered),
            delivered / granted if granted else None,
            None if budgeted is None else _persons(budgeted),
        )
    )
    return Report(
        title=title,
        columns=("Month", "Granted hours", "Delivered hours", "Delivered share", "Budgeted hours"),
        rows=rows,
    )


def caseload_report(
    ledger: DispositionLedger,
    cases: Iterable[FollowUpCase],
    *,
    caseworker: str,
    on: dt.date,
    schedule: FollowUpSchedule | None = None,
) -> Report:
    """A caseworker's caseload: each case's yearly cost, next follow-up and whether overdue."""
    own = [case for case in cases if case.caseworker == caseworker]
    status = follow_up_status(own, on, schedule=schedule)
    year_costs = ledger.full_year_cost(on.year, by="disposition").to_mapping()
    rows: list[tuple[Cell, ...]] = []
    for case, due in zip(own, status.next_due.tolist(), strict=True):
        next_due = from_day_number(int(due))
        rows.append(
            (
                mask_id(case.citizen_id),
                case.service,
                case.disposition_id,
                year_costs.get(case.disposition_id, Money(0)),
                next_due,
                "overdue" if next_due < on else "",
            )
        )
    return Report(
        title=f"Caseload of {caseworker} on {on.isoformat()}",
        columns=("Citizen", "Service", "Disposition", f"Cost {on.year}", "Next follow-up", ""),
        rows=rows,
        notes=(f"Timeliness: {status.timeliness:.0%}",),
    )


def provider_report(
    ledger: DispositionLedger,
    *,
    provider: str,
    start: dt.date,
    end: dt.date,
    places: int,
) -> Report:
    """A provider's occupancy, citizens, granted hours, spend and special tariffs."""
    share = occupancy(ledger, start, end, places={provider: places})[provider]
    citizens = citizens_at(ledger, end, by="provider").get(provider, 0)
    hours = granted_hours_per_week(ledger, end, by="provider").get(provider, Fraction(0))
    spend = ledger.cost(start, end, by="provider").to_mapping().get(provider, Money(0))
    special = special_tariff_figures(ledger, start, end).get(provider)
    rows: list[tuple[Cell, ...]] = [
        ("Places", places),
        ("Occupancy", share),
        (f"Citizens on {end.isoformat()}", citizens),
        ("Granted hours per week (§ 85)", _decimal(hours, 1)),
        ("Spend", spend),
        ("Special tariffs (count)", special["count"] if special else 0),
        ("Special tariffs (spend)", special["spend"] if special else Money(0)),
    ]
    return Report(
        title=f"{provider}: {start.isoformat()} to {end.isoformat()}",
        columns=("Figure", "Value"),
        rows=rows,
    )
