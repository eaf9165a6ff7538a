"""Plain-text tables for terminals and reports (teksttabeller), amounts in Danish format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from styringskerne.budget.variance import Variance
from styringskerne.core.cpr import mask_id
from styringskerne.core.masking import mask_text
from styringskerne.core.money import Money
from styringskerne.forecast.explanation import ChangeExplanation
from styringskerne.forecast.forecast import Forecast
from styringskerne.ledger.reconciliation import Reconciliation
from styringskerne.ledger.refund import StateRefund
from styringskerne.ledger.results import LEDGER_COLUMNS, LedgerStatus, printable_labels

__all__ = [
    "change_table",
    "forecast_table",
    "ledger_table",
    "reconciliation_text",
    "refund_lines",
    "variance_table",
]

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
    text = f"{title}\n{_render(header, rows)}"
    return text if show_cpr else mask_text(text)


def refund_lines(refund: StateRefund) -> str:
    """The state refund (serviceloven § 176) as of a date: to date, rest of year, year."""
    lines = [
        f"State refund for very expensive single cases (§ 176), {refund.year} (kr.):",
        f"  to date {_kroner(refund.total_to_date)}, rest of year "
        f"{_kroner(refund.rest_of_year)}, expected for the year {_kroner(refund.total)}",
        f"  {refund.rule.describe()}",
    ]
    if refund.unknown_age:
        lines.append(
            f"  {len(refund.unknown_age)} citizen(s) without a known age counted as under 67"
        )
    if refund.services_not_in_catalogue:
        lines.append(
            "  not counted, services not in the catalogue: "
            + ", ".join(refund.services_not_in_catalogue)
        )
    return mask_text("\n".join(lines))


def _persons(count: Fraction) -> str:
    """Full-year persons to two decimals, rounded half-even exactly, with a decimal comma."""
    exact = Decimal(count.numerator) / Decimal(count.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)).replace(".", ",")


def variance_table(variance: Mapping[str, Variance]) -> str:
    """Each sub-area's deviation from its steering assumption: volume and price (kr.)."""
    rows = [
        [
            name,
            _persons(split.assumed_count),
            _persons(split.persons),
            _kroner(split.assumed),
            _kroner(split.expected),
            _kroner(split.volume),
            _kroner(split.price),
        ]
        for name, split in variance.items()
    ]
    header = ["Sub-area", "Assumed persons", "Persons", "Assumed", "Expected", "Volume", "Price"]
    title = "Deviation from the steering assumptions: more cases (volume), dearer cases (price)"
    return f"{title}\n{_render(header, rows)}"


def _kroner(amount: Money) -> str:
    return amount.format_danish(unit="")


def forecast_table(forecast: Forecast, *, overspend_negative: bool = False) -> str:
    """The forecast per sub-area (budget, expected, deviation) and its lines, as text.

    ``overspend_negative`` prints deviations the Danish report way (overspend negative).
    """
    sign = -1 if overspend_negative else 1
    expected = forecast.expected
    missing = forecast.budget_missing
    refund, net = forecast.refund, forecast.net
    rows = []
    for name in forecast.sub_areas:
        budget = forecast.budget_for(name)
        row = [
            name,
            "no budget" if budget is None else _kroner(budget),
            _kroner(expected[name]),
            "-" if budget is None else _kroner((expected[name] - budget) * sign),
        ]
        if refund is not None and net is not None:
            row += [_kroner(refund.get(name, Money(0))), _kroner(net[name])]
        rows.append(row)
    total = [
        "Total",
        _kroner(forecast.total_budget) + (" *" if missing else ""),
        _kroner(forecast.total_expected),
        "-" if missing else _kroner(forecast.deviation() * sign),
    ]
    total_refund, total_net = forecast.total_refund, forecast.total_net
    if total_refund is not None and total_net is not None:
        total += [_kroner(total_refund), _kroner(total_net)]
    rows.append(total)
    heading = "Deviation (− = overspend)" if overspend_negative else "Deviation (+ = overspend)"
    header = ["Sub-area", "Budget", "Expected", heading]
    if refund is not None:
        header += ["Refund § 176", "Net"]
    table = _render(header, rows)
    lines = "\n".join(
        f"  {line.label}: {_kroner(line.total)}"
        + (f" ({line.assumptions})" if line.kind == "demand_pool" else "")
        for line in forecast.lines
        if line.total or line.kind == "demand_pool"
    )
    title = f"Month-end forecast {forecast.year} as of {forecast.as_of.isoformat()} (kr.)"
    others = ""
    if missing:
        others += (
            f"\n  Warning: no budget for {', '.join(missing)}; their deviation and the total "
            "deviation are not shown (* the total budget counts only the sub-areas budgeted)"
        )
    if forecast.state_refund is not None:
        others += f"\n  Refund: {forecast.state_refund.rule.describe()}"
    if forecast.paid_by_others:
        others += (
            f"\n  (left out, paid by other municipalities: {_kroner(forecast.paid_by_others)})"
        )
    # Line labels are free text a user may have put a CPR number in.
    return mask_text(f"{title}\n{table}\n\nForecast lines:\n{lines}{others}")


def change_table(
    explanation: ChangeExplanation,
    *,
    show_cpr: bool = False,
    most: int | None = None,
    overspend_negative: bool = False,
) -> str:
    """The change explained per sub-area and citizen, as text (*Boks 6.1*, *6.2*).

    ``most`` limits the items shown per sub-area (the rest are summed in one line).
    ``overspend_negative`` prints more spend negative, Svendborg's way (*Boks 6.1*); the
    unexplained residual is then printed as the box prints it, the items minus the change in
    the printed sign, which is the same number as in the library's own sign.
    """
    sign = -1 if overspend_negative else 1
    convention = "- = more spend" if overspend_negative else "+ = more spend"
    out = [f"Change of the forecast: {_kroner(explanation.total_change * sign)} kr. ({convention})"]
    for name, change in explanation.sub_area_changes.items():
        items = explanation.items_in(name)
        if not change and not items:
            continue
        out.append(f"  {name}: {_kroner(change * sign)}")
        shown = items if most is None else items[:most]
        for item in shown:
            who = item.citizen_id or ""
            if who and not show_cpr:
                who = mask_id(who)
            detail = f" ({item.label})" if item.label else ""
            out.append(f"    {_kroner(item.amount * sign):>15}  {item.reason:<11} {who}{detail}")
        if len(shown) < len(items):
            rest = Money.total(item.amount for item in items[len(shown) :]) * sign
            more = len(items) - len(shown)
            out.append(f"    {_kroner(rest):>15}  {more} more item{'s' if more > 1 else ''}")
        residual = explanation.residual_in(name)
        if residual:
            out.append(f"    {_kroner(residual):>15}  unexplained residual")
    out.append(f"  Unexplained residual in total: {_kroner(explanation.residual)}")
    if explanation.cases_on_the_way:
        out.append("Cases on the way without an amount:")
        for case in explanation.cases_on_the_way:
            who = case.citizen_id if show_cpr else mask_id(case.citizen_id)
            out.append(f"  {case.sub_area}: {who} {case.note}")
    text = "\n".join(out)
    return text if show_cpr else mask_text(text)


def reconciliation_text(result: Reconciliation, *, show_cpr: bool = False) -> str:
    """The reconciliation (afstemning) as text: its three lists, each a table, and the totals.

    Examples:
        >>> import datetime as dt
        >>> from styringskerne import Actual, Disposition, DispositionLedger, reconcile
        >>> ledger = DispositionLedger(
        ...     [Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108", rate="1000",
        ...                          unit="day", start=dt.date(2024, 1, 1))],
        ...     [Actual(citizen_id="B-1", account="5.38.50", date=dt.date(2024, 1, 31),
        ...             amount="30000", disposition_id="D1")])
        >>> print(reconciliation_text(reconcile(ledger, dt.date(2024, 1, 31))).splitlines()[-1])
        ... # doctest: +NORMALIZE_WHITESPACE
        D1  B-1  5.38.50  30.000,00  31.000,00  -1.000,00
    """

    def kroner(amount: Money) -> str:
        return amount.format_danish(unit="")

    def shown(value: str | None, *, citizen: bool = False) -> str:
        if value is None:
            return ""
        if show_cpr:
            return value
        return mask_id(value) if citizen else mask_text(value)

    lines = [
        f"Reconciliation {result.year} as of {result.as_of.isoformat()} (kr.): booked "
        f"{kroner(result.booked_to_date)}, computed {kroner(result.computed_to_date)} "
        "(granted dispositions)"
    ]
    sections = [
        (
            f"Postings that match no disposition ({len(result.unmatched)}, "
            f"{kroner(result.unmatched_amount)})",
            ["Reason", "Date", "Citizen", "Account", "Disposition", "Amount"],
            [
                [p.reason, p.date.isoformat(), shown(p.citizen_id, citizen=True), p.account,
                 shown(p.disposition_id), kroner(p.amount)]
                for p in result.unmatched
            ],
        ),
        (
            f"Postings that disagree with their disposition ({len(result.mismatched)})",
            ["Reason", "Date", "Disposition", "Amount", "Detail"],
            [
                [p.reason, p.date.isoformat(), shown(p.disposition_id), kroner(p.amount),
                 p.detail]
                for p in result.mismatched
            ],
        ),
        (
            f"Dispositions without postings after {result.days_without_postings} days "
            f"({len(result.without_postings)})",
            ["Disposition", "Citizen", "Account", "First day", "Days", "Computed"],
            [
                [shown(d.disposition_id), shown(d.citizen_id, citizen=True), d.account,
                 d.first_day.isoformat(), str(d.days), kroner(d.computed_to_date)]
                for d in result.without_postings
            ],
        ),
        (
            f"Booked against computed, differences above {kroner(result.tolerance)} "
            f"({len(result.differences)} of {result.row_count})",
            ["Disposition", "Citizen", "Account", "Booked", "Computed", "Difference"],
            [
                [shown(r.disposition_id) or "(citizen and account)",
                 shown(r.citizen_id, citizen=True), r.account, kroner(r.booked_to_date),
                 kroner(r.computed_to_date), kroner(r.difference)]
                for r in result.differences
            ],
        ),
    ]  # fmt: skip
    for title, header, rows in sections:
        lines += ["", title]
        if rows:
            lines.append(_render(header, rows))
    text = "\n".join(lines)
    return text if show_cpr else mask_text(text)
