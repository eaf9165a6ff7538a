"""Month-end forecasts of the year-end accounts (regnskabsprognose).

A forecast for budget year Y as of a date is built from a :class:`Snapshot` (the dispositions
and assumptions known on that date) as separate, visible lines per sub-area (delområde):

- ``dispositions``: granted dispositions (the disposition ledger's expected accounts),
- ``expected``: expected but not yet granted dispositions, weighted by their probability,
- ``transitions``: youths expected from the children's area
  (:mod:`styringskerne.forecast.transitions`),
- ``outflow``: citizens moving to the elderly area at 65, where a municipality does so,
- ``estimate``: estimates for unknown inflow and outflow at standard average prices,
- ``buffer``: a budget buffer for unforeseen inflow,
- ``demand_pool``: what is left in a central demand pool (efterspørgselspulje) after the cases
  visited with its money drew their cost into their own sub-areas' budgets.

Only this municipality's spend counts: dispositions paid by another municipality (``payer``)
are left out. Sub-areas are account keys unless a mapping ``account → sub-area`` is given.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final, Literal, cast

import attrs

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import BudgetYear, _check_date
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.html import html_table
from styringskerne.core.masking import mask_data, mask_text, masked_repr
from styringskerne.core.money import Money, MoneyLike, to_money, to_money_mapping
from styringskerne.core.quantities import Exact, to_fraction
from styringskerne.core.tabular import arrow_table, pandas_frame
from styringskerne.forecast.ledger_parts import LedgerForecastParts
from styringskerne.forecast.transitions import (
    ColourRule,
    YouthTransition,
    youth_amounts,
)
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.refund import RefundRule, StateRefund
from styringskerne.ledger.subareas import sub_area_of

__all__ = [
    "LINE_KINDS",
    "Buffer",
    "CaseOnTheWay",
    "DemandPool",
    "Estimate",
    "Forecast",
    "ForecastLine",
    "Snapshot",
    "forecast_from_parts",
    "forecast_series",
    "make_forecast",
    "parts_options",
]

LineKind = Literal[
    "dispositions", "expected", "transitions", "outflow", "estimate", "buffer", "demand_pool"
]
LINE_KINDS: Final[tuple[LineKind, ...]] = (
    "dispositions",
    "expected",
    "transitions",
    "outflow",
    "estimate",
    "buffer",
    "demand_pool",
)


def _read_only_names(names: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted(names.items())))


def _to_exact(value: Exact) -> Fraction:
    return to_fraction(value, field="net_citizens_per_year")


@masked_repr
@attrs.frozen(kw_only=True)
class Estimate:
    """An estimate for unknown net inflow of citizens (skøn over ukendt tilgang og afgang).

    ``net_citizens_per_year`` citizens (negative for net outflow) arrive evenly over the year,
    each costing ``average_yearly_price`` a year from arrival. For the days after the as-of
    date that is ``N × P × T² ÷ (2 × Y²)``, with ``T`` the days left and ``Y`` the days of the
    year (arrivals on average stay half the remaining time), rounded half-even.

    Examples:
        >>> Estimate(sub_area="5.38.52", net_citizens_per_year=2,
        ...          average_yearly_price="500.000,00").amount(dt.date(2024, 12, 31))
        Money.of('0.00')
        >>> Estimate(sub_area="5.38.52", net_citizens_per_year=2,
        ...          average_yearly_price="500.000,00").amount(dt.date(2023, 12, 31), year=2024)
        Money.of('500000.00')
    """

    sub_area: str
    net_citizens_per_year: Fraction = attrs.field(converter=_to_exact)
    average_yearly_price: Money = attrs.field(converter=to_money)
    label: str = "unknown net inflow"

    def amount(self, as_of: dt.date, *, year: int | None = None) -> Money:
        """The estimate for the days of ``year`` after ``as_of``."""
        budget_year = BudgetYear(as_of.year if year is None else year)
        first = max(as_of + dt.timedelta(days=1), dt.date(budget_year.year, 1, 1))
        left = max(0, (dt.date(budget_year.year, 12, 31) - first).days + 1)
        share = Fraction(left * left, 2 * budget_year.days * budget_year.days)
        return self.average_yearly_price.multiply(self.net_citizens_per_year * share)

    @classmethod
    def from_history(
        cls,
        *,
        sub_area: str,
        net_citizens_by_year: Mapping[int, Exact],
        average_yearly_price: Money | str,
        years: int = 3,
        label: str = "unknown net inflow (average of history)",
    ) -> Estimate:
        """The average net inflow of the last ``years`` years of history (Hillerød's practice)."""
        if len(net_citizens_by_year) < years:
            raise StyringskerneError(
                f"estimate for {sub_area!r} needs {years} years of history "
                f"(got {len(net_citizens_by_year)})"
            )
        latest = sorted(net_citizens_by_year)[-years:]
        total = sum(
            (to_fraction(net_citizens_by_year[y], field="history") for y in latest), Fraction(0)
        )
        return cls(
            sub_area=sub_area,
            net_citizens_per_year=total / years,
            average_yearly_price=average_yearly_price,
            label=label,
        )


@masked_repr
@attrs.frozen(kw_only=True)
class Buffer:
    """A budget buffer for unforeseen inflow (buffer til uforudset tilgang), e.g. Svendborg's."""

    sub_area: str
    amount: Money = attrs.field(converter=to_money)
    label: str = "budget buffer"


def _drawn(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise StyringskerneError("'drawn' must be a list of disposition ids, not one text")
    return tuple(sorted(set(value)))


@masked_repr
@attrs.frozen(kw_only=True)
class DemandPool:
    """A central pool for inflow at 18 or 23 (efterspørgselspulje), as Ikast-Brande's.

    VIVE 2018, section 5.2: money for youths who come from the children's area at 18 (or at 23
    after aftercare) is held in a central pool. It is released only when a citizen is visited
    to a concrete service, by the amount that service costs, and what is left goes back to the
    central pool at the budget follow-up or the year's end. In a forecast each drawn
    disposition's cost in the year moves from the pool's budget to its own sub-area's budget
    (``Forecast.pool_transfers``); the pool keeps a sub-area of its own with what is left.

    What is left is expected as budgeted by default, for the inflow still to come (*Boks 7.2*:
    "Efterspørgselspulje 5.018 5.018 0"). A municipality that also forecasts its expected
    youths case by case (probability-weighted dispositions or ``Snapshot.youths``) would count
    that inflow twice: it sets ``expect_rest=False``, and the rest is then expected returned
    (expected 0, an underspend of what is left).

    Attributes:
        amount: the pool's budget for the year.
        drawn: ids of the dispositions visited with money from the pool.
        expect_rest: whether what is left is expected spent (default) or returned.
        sub_area: the pool's own sub-area in the forecast and the budget.
        label: the pool's line label.
    """

    amount: Money = attrs.field(converter=to_money)
    drawn: tuple[str, ...] = attrs.field(default=(), converter=_drawn)
    expect_rest: bool = True
    sub_area: str = "efterspørgselspulje"
    label: str = "demand pool (efterspørgselspulje)"


@masked_repr
@attrs.frozen(kw_only=True)
class CaseOnTheWay:
    """A case on the way without an amount yet (sag på vej), listed apart, never costed."""

    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    sub_area: str
    note: str


def _youths(values: Iterable[YouthTransition]) -> tuple[YouthTransition, ...]:
    return tuple(values)


def _estimates(values: Iterable[Estimate]) -> tuple[Estimate, ...]:
    return tuple(values)


def _buffers(values: Iterable[Buffer]) -> tuple[Buffer, ...]:
    return tuple(values)


def _cases(values: Iterable[CaseOnTheWay]) -> tuple[CaseOnTheWay, ...]:
    return tuple(values)


def _birth_dates(values: Mapping[str, dt.date]) -> Mapping[str, dt.date]:
    return MappingProxyType(dict(values))


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class Snapshot:
    """What was known on a date (øjebliksbillede): dispositions and forecast assumptions.

    Attributes:
        as_of: the date the snapshot describes (status through that day).
        ledger: the dispositions (and actual postings) known then.
        youths: youths expected from the children's area.
        estimates: estimates for unknown net inflow.
        buffers: budget buffers.
        cases_on_the_way: cases without an amount yet.
        elderly_age: move citizens' costs to the elderly area from this birthday (Gladsaxe: 65);
            ``None`` when the municipality does not.
        birth_dates: birth dates of citizens whose ids are not CPR numbers.
        demand_pool: the central pool for inflow at 18 or 23, if the municipality has one.
    """

    as_of: dt.date = attrs.field(validator=_check_date)
    ledger: DispositionLedger
    youths: tuple[YouthTransition, ...] = attrs.field(default=(), converter=_youths)
    estimates: tuple[Estimate, ...] = attrs.field(default=(), converter=_estimates)
    buffers: tuple[Buffer, ...] = attrs.field(default=(), converter=_buffers)
    cases_on_the_way: tuple[CaseOnTheWay, ...] = attrs.field(default=(), converter=_cases)
    elderly_age: int | None = None
    birth_dates: Mapping[str, dt.date] = attrs.field(factory=dict, converter=_birth_dates)
    demand_pool: DemandPool | None = None


@masked_repr
@attrs.frozen(kw_only=True)
class ForecastLine:
    """One visible line of a forecast with its amount per sub-area (prognoselinje)."""

    kind: LineKind
    label: str
    amounts: Mapping[str, Money] = attrs.field(converter=to_money_mapping)
    assumptions: str = ""

    @property
    def total(self) -> Money:
        """The line's amount over all sub-areas."""
        return Money.total(self.amounts.values())


def disposition_lines(parts: LedgerForecastParts) -> tuple[ForecastLine, ForecastLine]:
    """The ``dispositions`` and ``expected`` lines of a forecast's ledger parts."""
    return (
        ForecastLine(
            kind="dispositions",
            label="granted dispositions",
            amounts=parts.granted,
            assumptions="the disposition ledger: tariff × days, known future events included",
        ),
        ForecastLine(
            kind="expected",
            label="expected dispositions",
            amounts=parts.expected,
            assumptions="dispositions not yet granted, weighted by their probability",
        ),
    )


def _by_sub_area(pairs: Iterable[tuple[str, Money]]) -> dict[str, Money]:
    result: dict[str, Money] = {}
    for sub_area, amount in pairs:
        result[sub_area] = result.get(sub_area, Money(0)) + amount
    return result


@masked_repr
@attrs.frozen(kw_only=True, repr=False)
class Forecast:
    """A month-end forecast of the year-end accounts (regnskabsprognose / forventet regnskab).

    ``budget`` holds the (corrected) budget per sub-area. Deviation is expected − budget:
    positive means overspend (merforbrug). A sub-area with expected spend but no budget is
    listed in :attr:`budget_missing`; the outputs show its budget and deviation as missing
    rather than as a budget of 0.

    The lines are gross spend. With a refund rule, :attr:`refund` holds the expected state
    refund for very expensive single cases (serviceloven § 176) of the disposition lines, and
    :attr:`net` = expected − refund per sub-area; without one both are ``None`` (not 0).
    """

    as_of: dt.date
    year: int
    lines: tuple[ForecastLine, ...]
    budget: Mapping[str, Money] = attrs.field(factory=dict, converter=to_money_mapping)
    cases_on_the_way: tuple[CaseOnTheWay, ...] = ()
    paid_by_others: Money = attrs.field(factory=Money.zero)
    """Dispositions in the ledger that another municipality pays: left out, shown for
    reconciliation with the disposition ledger."""
    sub_area_of_account: Mapping[str, str] = attrs.field(factory=dict, converter=_read_only_names)
    """The grouping of accounts into sub-areas the forecast was made with (empty: each account
    is its own sub-area). Reports built on the forecast group the ledger the same way."""
    state_refund: StateRefund | None = attrs.field(default=None, eq=False)
    """The state refund reckoned with the forecast (``None``: no refund rule was given)."""
    refund_factor: Fraction = Fraction(1)
    """A price index applied to the refund (shadow budgets lift it with the tariffs)."""
    pool_transfers: Mapping[str, Money] = attrs.field(factory=dict, converter=to_money_mapping)
    """Budget moved from the demand pool to each sub-area for the cases drawn on it (already
    in ``budget``; empty without a pool or a budget)."""
    pool_sub_area: str | None = None
    """The demand pool's own sub-area, or ``None`` without a pool."""

    @property
    def refund(self) -> Mapping[str, Money] | None:
        """Expected state refund per sub-area (positive = money back), or ``None``."""
        if self.state_refund is None:
            return None
        return to_money_mapping(
            {
                name: amount.multiply(self.refund_factor)
                for name, amount in self.state_refund.by_sub_area.items()
            }
        )

    @property
    def total_refund(self) -> Money | None:
        """The expected state refund for the whole area, or ``None`` without a rule."""
        refund = self.refund
        return None if refund is None else Money.total(refund.values())

    @property
    def net(self) -> Mapping[str, Money] | None:
        """Expected − refund per sub-area (netto), or ``None`` without a refund rule."""
        refund = self.refund
        if refund is None:
            return None
        expected = self.expected
        return to_money_mapping(
            {name: expected[name] - refund.get(name, Money(0)) for name in self.sub_areas}
        )

    @property
    def total_net(self) -> Money | None:
        """Expected − refund for the whole area, or ``None`` without a refund rule."""
        refund = self.total_refund
        return None if refund is None else self.total_expected - refund

    @property
    def sub_areas(self) -> tuple[str, ...]:
        """Every sub-area with a line amount or a budget, sorted."""
        names = set(self.budget)
        for line in self.lines:
            names.update(line.amounts)
        if self.state_refund is not None:
            names.update(self.state_refund.by_sub_area)
        return tuple(sorted(names))

    @property
    def expected(self) -> Mapping[str, Money]:
        """Expected accounts per sub-area: the sum of the lines."""
        return to_money_mapping(
            {
                name: Money.total(line.amounts.get(name, Money(0)) for line in self.lines)
                for name in self.sub_areas
            }
        )

    @property
    def total_expected(self) -> Money:
        """Expected accounts for the whole area."""
        return Money.total(line.total for line in self.lines)

    @property
    def total_budget(self) -> Money:
        """The budget for the whole area."""
        return Money.total(self.budget.values())

    @property
    def budget_missing(self) -> tuple[str, ...]:
        """Sub-areas with expected spend but no budget (manglende budget), sorted.

        Examples:
            >>> Forecast(as_of=dt.date(2024, 3, 31), year=2024, lines=(ForecastLine(
            ...     kind="dispositions", label="granted", amounts={"5.38.50": Money(100)}),),
            ...     budget={"5.38.52": Money(100)}).budget_missing
            ('5.38.50',)
        """
        expected = self.expected
        return tuple(name for name in self.sub_areas if name not in self.budget and expected[name])

    def budget_for(self, sub_area: str) -> Money | None:
        """The budget of a sub-area, or ``None`` when it is in :attr:`budget_missing`.

        Every output of a forecast (JSON, tables, reports) shows a budget through this, so a
        missing budget is never printed as 0.
        """
        return None if sub_area in self.budget_missing else self.budget.get(sub_area, Money(0))

    def deviation(self, sub_area: str | None = None) -> Money:
        """Expected − budget for a sub-area, or for the whole area (positive = overspend)."""
        if sub_area is None:
            return self.total_expected - self.total_budget
        return self.expected.get(sub_area, Money(0)) - self.budget.get(sub_area, Money(0))

    def __repr__(self) -> str:
        refund = self.total_refund
        return (
            f"Forecast(as_of={self.as_of.isoformat()}, sub_areas={len(self.sub_areas)}, "
            f"expected={self.total_expected.format_danish()}, "
            f"budget={self.total_budget.format_danish()}"
            + ("" if refund is None else f", refund={refund.format_danish()}")
            + f", lines={len(self.lines)})"
        )

    def _repr_html_(self) -> str:
        refund, net = self.refund, self.net
        rows = []
        for name in self.sub_areas:
            budget = self.budget_for(name)
            row = [
                name,
                "–" if budget is None else budget.format_danish(unit=""),
                self.expected[name].format_danish(unit=""),
                "–" if budget is None else (self.expected[name] - budget).format_danish(unit=""),
            ]
            if refund is not None and net is not None:
                row += [
                    refund.get(name, Money(0)).format_danish(unit=""),
                    net[name].format_danish(unit=""),
                ]
            rows.append(row)
        columns = ["Sub-area", "Budget", "Expected", "Deviation (+ = overspend)"]
        if refund is not None:
            columns += ["Refund § 176", "Net"]
        notes = [f"No budget for {', '.join(self.budget_missing)}"] if self.budget_missing else []
        return html_table(
            f"Month-end forecast {self.year} as of {self.as_of.isoformat()} (kr.)",
            columns,
            rows,
            notes,
        )

    def line(self, kind: LineKind) -> ForecastLine:
        """The first line of a kind (raises when there is none)."""
        for line in self.lines:
            if line.kind == kind:
                return line
        raise StyringskerneError(f"the forecast has no {kind!r} line")

    def to_dict(self, *, overspend_negative: bool = False) -> dict[str, Any]:
        """``{"as_of", "year", "total", "budget_missing", "sub_areas", "lines", "refund_rule"}``.

        Amounts are decimal strings. A sub-area in ``budget_missing`` has ``budget`` and
        ``deviation`` ``None`` (JSON ``null``), and so does the total while any is missing.
        ``total`` and each sub-area also carry ``refund`` (the state refund, positive = money
        back) and ``net`` (expected − refund): ``None`` when no refund rule was given.

        Args:
            overspend_negative: print deviations the Danish report way, overspend negative.
        """
        sign = -1 if overspend_negative else 1
        missing = self.budget_missing

        def row(
            budget: Money | None, expected: Money, refund: Money | None
        ) -> dict[str, str | None]:
            return {
                "budget": None if budget is None else budget.to_string(),
                "expected": expected.to_string(),
                "deviation": None if budget is None else ((expected - budget) * sign).to_string(),
                "refund": None if refund is None else refund.to_string(),
                "net": None if refund is None else (expected - refund).to_string(),
            }

        expected = self.expected
        refund = self.refund

        def refund_of(name: str) -> Money | None:
            return None if refund is None else refund.get(name, Money(0))

        data = {
            "as_of": self.as_of.isoformat(),
            "year": self.year,
            "total": row(
                None if missing else self.total_budget, self.total_expected, self.total_refund
            ),
            "budget_missing": list(missing),
            "sub_areas": {
                name: row(self.budget_for(name), expected[name], refund_of(name))
                for name in self.sub_areas
            },
            "refund_rule": (
                None
                if self.state_refund is None
                else self.state_refund.rule.describe()
                + ("" if self.refund_factor == 1 else f"; index {self.refund_factor}")
            ),
            "paid_by_others": self.paid_by_others.to_string(),
            "lines": [
                {
                    "kind": line.kind,
                    "label": line.label,
                    "total": line.total.to_string(),
                    "amounts": {name: amount.to_string() for name, amount in line.amounts.items()},
                    "assumptions": line.assumptions,
                }
                for line in self.lines
            ],
        }
        # Labels and assumptions are free text a user may have put a CPR number in.
        return cast(dict[str, Any], mask_data(data))

    def to_json(self, *, overspend_negative: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(
            self.to_dict(overspend_negative=overspend_negative), indent=indent, ensure_ascii=False
        )

    def to_columns(
        self,
        *,
        table: Literal["sub_areas", "lines"] = "sub_areas",
        overspend_negative: bool = False,
    ) -> dict[str, list[Any]]:
        """The forecast by the tidy rule of :mod:`styringskerne.core.tabular`.

        ``table="sub_areas"``: a row per sub-area and measure (``budget``, ``expected``,
        ``deviation``, and with a refund rule ``refund`` and ``net``); a missing budget and its
        deviation are ``<NA>``. ``table="lines"``: a row per line and sub-area with the line's
        ``kind`` and ``label``. No total rows: the amounts add up to the totals.
        """
        if table == "lines":
            names = list(self.sub_areas)
            rows = [(line, name) for line in self.lines for name in names]
            return {
                "kind": [line.kind for line, _ in rows],
                "label": [mask_text(line.label) for line, _ in rows],
                "sub_area": [name for _, name in rows],
                "amount_ore": [line.amounts.get(name, Money(0)).ore for line, name in rows],
            }
        if table != "sub_areas":
            raise StyringskerneError(f"'table' must be sub_areas|lines (got {table!r})")
        sign = -1 if overspend_negative else 1
        refund = self.refund
        measures = ["budget", "expected", "deviation"] + (["refund", "net"] if refund else [])
        result: dict[str, list[Any]] = {"sub_area": [], "measure": [], "amount_ore": []}
        for name in self.sub_areas:
            budget, expected = self.budget_for(name), self.expected[name]
            given = refund.get(name, Money(0)) if refund is not None else None
            values = {
                "budget": None if budget is None else budget.ore,
                "expected": expected.ore,
                "deviation": None if budget is None else ((expected - budget) * sign).ore,
                "refund": None if given is None else given.ore,
                "net": None if given is None else (expected - given).ore,
            }
            for measure in measures:
                result["sub_area"].append(name)
                result["measure"].append(measure)
                result["amount_ore"].append(values[measure])
        return result

    def to_pandas(
        self,
        *,
        table: Literal["sub_areas", "lines"] = "sub_areas",
        overspend_negative: bool = False,
    ) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns` (amounts as ``Int64`` øre)."""
        return pandas_frame(self.to_columns(table=table, overspend_negative=overspend_negative))

    def to_arrow(
        self,
        *,
        table: Literal["sub_areas", "lines"] = "sub_areas",
        overspend_negative: bool = False,
    ) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(table=table, overspend_negative=overspend_negative))


def make_forecast(
    snapshot: Snapshot,
    *,
    year: int | None = None,
    budget: Mapping[str, MoneyLike] | None = None,
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    catalogue: ServiceCatalogue | None = None,
    refund: RefundRule | None = None,
) -> Forecast:
    """The month-end forecast of ``year`` (default: the snapshot's year) from a snapshot.

    With ``refund`` (e.g. ``RefundRule.for_year(year)``) the forecast also carries the expected
    state refund of its disposition lines (granted and expected dispositions) and the net
    figures. Youths from the children's area, estimates and buffers carry no refund: they are
    not individual cases yet.

    Examples:
        >>> from styringskerne import Disposition
        >>> ledger = DispositionLedger([Disposition.at_rate(id="D1", citizen_id="B-1",
        ...     service="SEL107", rate="1.000,00", unit="day", start=dt.date(2024, 1, 1),
        ...     end=dt.date(2024, 6, 30))])
        >>> snapshot = Snapshot(as_of=dt.date(2024, 3, 31), ledger=ledger,
        ...     estimates=[Estimate(sub_area="5.38.52", net_citizens_per_year=1,
        ...                         average_yearly_price="365.000,00")])
        >>> forecast = make_forecast(snapshot, budget={"5.38.52": Money.of("300.000,00")})
        >>> forecast.total_expected, forecast.deviation()
        (Money.of('285030.57'), Money.of('-14969.43'))
    """
    year = snapshot.as_of.year if year is None else year
    parts = LedgerForecastParts.of(
        snapshot.ledger, **parts_options(snapshot, year, sub_areas=sub_areas, refund=refund)
    )
    return forecast_from_parts(
        snapshot,
        parts,
        budget=budget,
        sub_areas=sub_areas,
        colour_rule=colour_rule,
        catalogue=catalogue,
    )


def parts_options(
    snapshot: Snapshot,
    year: int,
    *,
    sub_areas: Mapping[str, str] | None = None,
    refund: RefundRule | None = None,
) -> dict[str, Any]:
    """The keywords of :meth:`LedgerForecastParts.of
    <styringskerne.forecast.ledger_parts.LedgerForecastParts.of>` for a snapshot's forecast
    of ``year``: its date, age of the move to the elderly area, birth dates and the
    dispositions drawn on its demand pool (plain values, to send to a worker)."""
    pool = snapshot.demand_pool
    return {
        "year": year,
        "as_of": snapshot.as_of,
        "sub_areas": None if sub_areas is None else dict(sub_areas),
        "elderly_age": snapshot.elderly_age,
        "birth_dates": dict(snapshot.birth_dates),
        "pool_drawn": () if pool is None else pool.drawn,
        "refund": refund,
    }


def forecast_from_parts(
    snapshot: Snapshot,
    parts: LedgerForecastParts,
    *,
    budget: Mapping[str, MoneyLike] | None = None,
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    catalogue: ServiceCatalogue | None = None,
) -> Forecast:
    """The forecast of the snapshot's assumptions (youths, estimates, buffers, the demand
    pool, cases on the way) with the lines reckoned from the dispositions given as ``parts``
    (their year and date are the forecast's): what :func:`make_forecast` does after reckoning
    the parts of the snapshot's own ledger, which is not used here. A ledger evaluated in
    pieces (:class:`~styringskerne.dask.DaskLedger`) merges its pieces' parts and comes here.

    Raises:
        StyringskerneError: when the parts' date is not the snapshot's, or a disposition
            drawn on the demand pool is not among the parts' dispositions.
    """
    if parts.as_of != snapshot.as_of:
        raise StyringskerneError(
            f"the forecast parts are as of {parts.as_of}, the snapshot as of {snapshot.as_of}"
        )
    if (snapshot.elderly_age is None) != (parts.outflow is None):
        raise StyringskerneError(
            "the forecast parts and the snapshot disagree on moving citizens to the elderly "
            "area: reckon the parts with the snapshot's elderly_age"
        )
    year = parts.year
    rule = colour_rule if colour_rule is not None else ColourRule()
    catalogue = catalogue if catalogue is not None else ServiceCatalogue.default()
    lines = list(disposition_lines(parts))
    if snapshot.youths:
        amounts = youth_amounts(snapshot.youths, year, rule=rule, catalogue=catalogue)
        lines.append(
            ForecastLine(
                kind="transitions",
                label="youths from the children's area",
                amounts=_by_sub_area(
                    (sub_area_of(account, sub_areas), amount) for _, account, amount in amounts
                ),
                assumptions=f"probability × yearly cost × days after the transition; {rule}",
            )
        )
    if snapshot.elderly_age is not None:
        outflow = parts.outflow or ()
        lines.append(
            ForecastLine(
                kind="outflow",
                label=f"to the elderly area at {snapshot.elderly_age}",
                amounts=_by_sub_area(
                    (sub_area_of(account, sub_areas), -amount) for _, account, amount in outflow
                ),
                assumptions="individual costs from the birthday move to the elderly area",
            )
        )
    for estimate in snapshot.estimates:
        lines.append(
            ForecastLine(
                kind="estimate",
                label=estimate.label,
                amounts={estimate.sub_area: estimate.amount(snapshot.as_of, year=year)},
                assumptions=(
                    f"{estimate.net_citizens_per_year} citizens a year at "
                    f"{estimate.average_yearly_price} a year, arriving evenly"
                ),
            )
        )
    for buffer in snapshot.buffers:
        lines.append(
            ForecastLine(
                kind="buffer", label=buffer.label, amounts={buffer.sub_area: buffer.amount}
            )
        )
    budget_after, transfers = dict(budget or {}), {}
    pool = snapshot.demand_pool
    if pool is not None:
        parts.check_pool(pool.drawn)
        transfers = dict(parts.pool_transfers)
        left = pool.amount - Money.total(transfers.values())
        lines.append(
            ForecastLine(
                kind="demand_pool",
                label=pool.label,
                amounts={pool.sub_area: left if pool.expect_rest else Money(0)},
                assumptions=(
                    f"{pool.amount.format_danish()} in the pool; "
                    f"{len(pool.drawn)} visited cases drew "
                    f"{Money.total(transfers.values()).format_danish()} into their sub-areas' "
                    f"budgets; the rest, {left.format_danish()}, is expected "
                    + ("spent on inflow still to come" if pool.expect_rest else "returned")
                ),
            )
        )
        if budget is not None:
            if pool.sub_area in budget_after:
                raise StyringskerneError(
                    f"the budget has a line for the demand pool's sub-area {pool.sub_area!r}; "
                    "give the pool's amount in DemandPool(amount=...) only"
                )
            budget_after[pool.sub_area] = left
            for name, amount in transfers.items():
                budget_after[name] = budget_after.get(name, Money(0)) + amount
        else:
            transfers = {}
    return Forecast(
        as_of=snapshot.as_of,
        year=year,
        lines=tuple(lines),
        budget=budget_after,
        cases_on_the_way=snapshot.cases_on_the_way,
        paid_by_others=parts.paid_by_others,
        sub_area_of_account=dict(sub_areas or {}),
        state_refund=parts.state_refund,
        pool_transfers=transfers,
        pool_sub_area=None if pool is None else pool.sub_area,
    )


def forecast_series(
    snapshots: Iterable[Snapshot],
    *,
    year: int,
    budget: Mapping[str, MoneyLike] | None = None,
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    refund: RefundRule | None = None,
) -> tuple[Forecast, ...]:
    """One forecast per dated snapshot (typically each month's end), in date order."""
    ordered = sorted(snapshots, key=lambda snapshot: snapshot.as_of)
    return tuple(
        make_forecast(
            snapshot,
            year=year,
            budget=budget,
            sub_areas=sub_areas,
            colour_rule=colour_rule,
            refund=refund,
        )
        for snapshot in ordered
    )
