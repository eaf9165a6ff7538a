"""Plots for reports and notebooks (diagrammer), with the optional extra ``plot`` (matplotlib).

Every function returns a ``matplotlib.figure.Figure`` built without pyplot (so it renders on
any backend, also on a server) and :func:`save_png` writes one to a file. Install with
``pip install 'styringskerne[plot]'``; without matplotlib a clear ``ImportError`` says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from styringskerne.budget.variance import Variance
from styringskerne.core.calendar import BudgetYear
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import mask_text
from styringskerne.forecast.explanation import ChangeExplanation
from styringskerne.forecast.forecast import Forecast
from styringskerne.kpi.figures import citizens_at, inflow_outflow
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.visitation.ladder import LadderDistribution, TransitionMatrix

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "plot_change_waterfall",
    "plot_forecast_through_year",
    "plot_inflow_outflow",
    "plot_ladder",
    "plot_volume_price",
    "save_png",
]

_MILLION = 100_000_000  # øre in a million kroner


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'styringskerne[plot]'") from error
    return Figure(figsize=(width, height), layout="constrained")


def _masked(figure: Figure) -> Figure:
    """The figure with every CPR number in its texts (titles, ticks, legends) masked."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        shown = text.get_text()
        masked = mask_text(shown)
        if masked != shown:
            text.set_text(masked)
    return figure


def save_png(figure: Figure, path: str | Path) -> Path:
    """Write a figure as a PNG file and return its path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, dpi=110)
    return target


def plot_forecast_through_year(forecasts: Sequence[Forecast]) -> Figure:
    """Expected accounts against the budget at each month's end (prognose mod budget)."""
    if not forecasts:
        raise StyringskerneError("give at least one forecast")
    figure = _figure()
    axes = figure.add_subplot()
    days = np.array([f.as_of for f in forecasts], dtype="datetime64[D]")
    axes.plot(
        days,
        [f.total_expected.ore / _MILLION for f in forecasts],
        marker="o",
        label="expected accounts",
    )
    axes.plot(
        days, [f.total_budget.ore / _MILLION for f in forecasts], linestyle="--", label="budget"
    )
    axes.set_title(f"Forecast against budget {forecasts[0].year}")
    axes.set_ylabel("mio. kr.")
    axes.legend()
    figure.autofmt_xdate()
    return _masked(figure)


def plot_inflow_outflow(ledger: DispositionLedger, year: int, *, service: str) -> Figure:
    """Citizens coming in and leaving per month, and citizens at each month's end (*Boks 6.3*)."""
    flows = inflow_outflow(ledger, year).get(service, {"inflow": [0] * 12, "outflow": [0] * 12})
    month_ends = [month.end for month in BudgetYear(year).months()]
    citizens = [citizens_at(ledger, day).get(service, 0) for day in month_ends if day is not None]
    figure = _figure()
    axes = figure.add_subplot()
    months = np.arange(1, 13)
    axes.bar(months - 0.2, flows["inflow"], width=0.4, label="inflow", color="tab:green")
    axes.bar(months + 0.2, flows["outflow"], width=0.4, label="outflow", color="tab:red")
    axes.set_xticks(months)
    axes.set_xlabel("month")
    axes.set_ylabel("citizens per month")
    twin = axes.twinx()
    twin.plot(months, citizens, color="black", marker="o", label="citizens at month's end")
    twin.set_ylabel("citizens")
    axes.set_title(f"{service} {year}: inflow, outflow and citizens")
    handles = axes.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    axes.legend(handles=handles, loc="upper left")
    return _masked(figure)


def plot_ladder(
    distribution: LadderDistribution, movements: TransitionMatrix | None = None
) -> Figure:
    """Citizens and spend per ladder step, and the movements between steps when given."""
    figure = _figure(10.0 if movements is not None else 6.0, 4.5)
    axes = figure.add_subplot(1, 2 if movements is not None else 1, 1)
    steps = [row.step for row in distribution.rows]
    axes.bar(steps, [row.citizens for row in distribution.rows], color="tab:blue", label="citizens")
    axes.set_xticks(steps, [f"{row.step}\n{'/'.join(row.services)}" for row in distribution.rows])
    axes.set_ylabel("citizens in the period")
    twin = axes.twinx()
    twin.plot(
        steps, [row.spend.ore / _MILLION for row in distribution.rows], color="black", marker="o"
    )
    twin.set_ylabel("spend, mio. kr.")
    axes.set_title("The intervention ladder")
    if movements is not None:
        grid = figure.add_subplot(1, 2, 2)
        image = grid.imshow(movements.counts, cmap="Blues")
        size = movements.counts.shape[0]
        labels = ["off", *[str(step) for step in range(1, size)]]
        grid.set_xticks(range(size), labels)
        grid.set_yticks(range(size), labels)
        grid.set_xlabel(f"step on {movements.second.isoformat()}")
        grid.set_ylabel(f"step on {movements.first.isoformat()}")
        for (i, j), count in np.ndenumerate(movements.counts):
            if count:
                grid.text(j, i, str(count), ha="center", va="center")
        figure.colorbar(image, ax=grid)
        grid.set_title("Movements")
    return _masked(figure)


def plot_change_waterfall(change: ChangeExplanation) -> Figure:
    """The month's change of the forecast per sub-area as a waterfall, residual last."""
    names = [name for name, amount in change.sub_area_changes.items() if amount]
    values = [change.sub_area_changes[name].ore / 100_000 for name in names]
    residual = change.residual.ore / 100_000
    if residual:
        names.append("unexplained")
        values.append(residual)
    figure = _figure()
    axes = figure.add_subplot()
    bottoms = np.concatenate([[0.0], np.cumsum(values)[:-1]]) if values else np.zeros(0)
    colours = ["tab:red" if v > 0 else "tab:green" for v in values]
    axes.bar(range(len(values)), values, bottom=bottoms, color=colours)
    total = sum(values)
    axes.bar([len(values)], [total], color="tab:gray")
    axes.set_xticks(range(len(values) + 1), [*names, "total"], rotation=30, ha="right")
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_ylabel("1.000 kr. (+ = more spend)")
    axes.set_title("Change of the forecast since last month")
    return _masked(figure)


def plot_volume_price(variance: Mapping[str, Variance]) -> Figure:
    """Each sub-area's deviation from its steering assumption as volume and price bars.

    Per sub-area one bar for more or fewer cases than assumed (volume) and one for dearer or
    cheaper cases (price), in 1.000 kr. (+ = more spend); a dot marks their sum, the deviation.
    The bars are the figures of :func:`styringskerne.kpi.reports.variance_report`.
    """
    if not variance:
        raise StyringskerneError("give the variance of at least one sub-area")
    names = list(variance)
    volume = [variance[name].volume.ore / 100_000 for name in names]
    price = [variance[name].price.ore / 100_000 for name in names]
    figure = _figure()
    axes = figure.add_subplot()
    places = np.arange(len(names))
    axes.bar(places - 0.2, volume, width=0.4, label="volume (more cases)", color="tab:blue")
    axes.bar(places + 0.2, price, width=0.4, label="price (dearer cases)", color="tab:orange")
    axes.scatter(
        places,
        [variance[name].deviation.ore / 100_000 for name in names],
        color="black",
        zorder=3,
        label="deviation",
    )
    axes.set_xticks(places, names, rotation=30, ha="right")
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_ylabel("1.000 kr. (+ = more spend)")
    axes.set_title("Deviation from the steering assumptions")
    axes.legend()
    return _masked(figure)
