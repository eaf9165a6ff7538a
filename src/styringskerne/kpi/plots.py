"""Plots for reports and notebooks (diagrammer), with the optional extra ``plot`` (matplotlib).

Every function returns a ``matplotlib.figure.Figure`` built without pyplot (so it renders on
any backend, also on a server) and :func:`save_png` writes one to a file. Install with
``pip install 'styringskerne[plot]'``; without matplotlib a clear ``ImportError`` says so.

The plots speak as a Danish controller reads: titles, axes and legends in Danish by default
(``language="en"`` for English), numbers in the Danish form (``1.234,5``), amount axes from 0
where the figure is a level, value labels on the bars that sum, a legend on every panel, and the
Okabe–Ito palette, which readers with a colour-vision deficiency can tell apart. Each plot
draws the figures of a table of the library and nothing else, so a plot and its table agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

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
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "danish_number",
    "plot_change_waterfall",
    "plot_forecast_through_year",
    "plot_inflow_outflow",
    "plot_ladder",
    "plot_volume_price",
    "save_png",
]

Language = Literal["da", "en"]
_MILLION = 100_000_000  # øre in a million kroner
_THOUSAND = 100_000  # øre in a thousand kroner

PALETTE: Final = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#999999",
    "black": "#000000",
}
"""The Okabe–Ito colours (Okabe and Ito, *Color Universal Design*, 2008)."""

_MONTHS: Final = {
    "da": ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_TEXTS: Final[Mapping[str, tuple[str, str]]] = {
    "forecast_title": ("Forventet regnskab mod budget {year}", "Forecast against budget {year}"),
    "expected": ("forventet regnskab", "expected accounts"),
    "budget": ("budget", "budget"),
    "million": ("mio. kr.", "million kr."),
    "thousand_change": ("1.000 kr. (+ = merforbrug)", "1.000 kr. (+ = more spend)"),
    "month": ("måned", "month"),
    "flows_title": (
        "{service} {year}: tilgang, afgang og borgere",
        "{service} {year}: inflow, outflow and citizens",
    ),
    "inflow": ("tilgang", "inflow"),
    "outflow": ("afgang", "outflow"),
    "per_month": ("borgere pr. måned", "citizens per month"),
    "citizens": ("borgere", "citizens"),
    "citizens_at_end": ("borgere ved månedens udgang", "citizens at month's end"),
    "ladder_title": ("Indsatstrappen", "The intervention ladder"),
    "citizens_in_period": ("borgere i perioden", "citizens in the period"),
    "spend": ("udgift, mio. kr.", "spend, million kr."),
    "movements": ("Bevægelser mellem trin", "Movements between steps"),
    "step_on": ("trin {date}", "step on {date}"),
    "off": ("uden", "off"),
    "waterfall_title": (
        "Ændring af prognosen siden sidste måned",
        "Change of the forecast since last month",
    ),
    "more_spend": ("merforbrug", "more spend"),
    "less_spend": ("mindreforbrug", "less spend"),
    "total_change": ("samlet ændring", "total change"),
    "total": ("i alt", "total"),
    "variance_title": (
        "Afvigelse fra styringsforudsætningerne",
        "Deviation from the steering assumptions",
    ),
    "volume": ("mængde (flere sager)", "volume (more cases)"),
    "price": ("pris (dyrere sager)", "price (dearer cases)"),
    "deviation": ("afvigelse", "deviation"),
}


def _text(key: str, language: Language, **values: object) -> str:
    if language not in ("da", "en"):
        raise StyringskerneError(f"language must be 'da' or 'en' (got {language!r})")
    danish, english = _TEXTS[key]
    return (danish if language == "da" else english).format(**values)


def danish_number(value: float, decimals: int = 1) -> str:
    """A number in the Danish form: ``.`` between thousands, ``,`` before the decimals.

    Examples:
        >>> danish_number(1234.56), danish_number(-1234567, 0)
        ('1.234,6', '-1.234.567')
    """
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'styringskerne[plot]'") from error
    return Figure(figsize=(width, height), layout="constrained")


def _danish_axis(axes: Axes, decimals: int = 1, *, axis: str = "y") -> None:
    """Tick labels of an axis in the Danish number form."""
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(lambda value, _: danish_number(value, decimals))
    (axes.yaxis if axis == "y" else axes.xaxis).set_major_formatter(formatter)


def _room_for_the_legend(*panels: Axes) -> None:
    """Axes from 0 with a third more room on top, so the legend covers no bar or point."""
    for panel in panels:
        top = panel.get_ylim()[1]
        panel.set_ylim(bottom=0, top=max(top, 1.0) * 1.35)


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


def plot_forecast_through_year(
    forecasts: Sequence[Forecast], *, language: Language = "da"
) -> Figure:
    """Expected accounts against the budget at each month's end (prognose mod budget).

    The points are each forecast's ``total_expected`` and ``total_budget`` (the Total row of
    its table), in million kroner, on an axis from 0.
    """
    if not forecasts:
        raise StyringskerneError("give at least one forecast")
    figure = _figure()
    axes = figure.add_subplot()
    places = np.arange(len(forecasts))
    expected = [f.total_expected.ore / _MILLION for f in forecasts]
    axes.plot(
        places,
        expected,
        marker="o",
        color=PALETTE["blue"],
        label=_text("expected", language),
    )
    axes.plot(
        places,
        [f.total_budget.ore / _MILLION for f in forecasts],
        linestyle="--",
        color=PALETTE["orange"],
        label=_text("budget", language),
    )
    axes.annotate(
        danish_number(expected[-1]),
        (places[-1], expected[-1]),
        textcoords="offset points",
        xytext=(0, 8),
        ha="center",
    )
    months = _MONTHS[language]
    axes.set_xticks(places, [f"{f.as_of.day}. {months[f.as_of.month - 1]}" for f in forecasts])
    axes.set_ylim(bottom=0, top=max([*expected, *axes.get_ylim()]) * 1.1)
    _danish_axis(axes)
    axes.set_title(_text("forecast_title", language, year=forecasts[0].year))
    axes.set_ylabel(_text("million", language))
    axes.legend(loc="lower right")
    return _masked(figure)


def plot_inflow_outflow(
    ledger: DispositionLedger, year: int, *, service: str, language: Language = "da"
) -> Figure:
    """Citizens coming in and leaving per month, and citizens at each month's end (*Boks 6.3*)."""
    flows = inflow_outflow(ledger, year).get(service, {"inflow": [0] * 12, "outflow": [0] * 12})
    month_ends = [month.end for month in BudgetYear(year).months()]
    citizens = [citizens_at(ledger, day).get(service, 0) for day in month_ends if day is not None]
    figure = _figure()
    axes = figure.add_subplot()
    months = np.arange(1, 13)
    axes.bar(months - 0.2, flows["inflow"], width=0.4, label=_text("inflow", language),
             color=PALETTE["green"])  # fmt: skip
    axes.bar(months + 0.2, flows["outflow"], width=0.4, label=_text("outflow", language),
             color=PALETTE["vermillion"])  # fmt: skip
    axes.set_xticks(months, _MONTHS[language])
    axes.set_xlabel(_text("month", language))
    axes.set_ylabel(_text("per_month", language))
    _danish_axis(axes, 0)
    twin = axes.twinx()
    twin.plot(months, citizens, color=PALETTE["black"], marker="o",
              label=_text("citizens_at_end", language))  # fmt: skip
    twin.set_ylabel(_text("citizens", language))
    _room_for_the_legend(axes, twin)
    _danish_axis(twin, 0)
    axes.set_title(_text("flows_title", language, service=service, year=year))
    handles = axes.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    axes.legend(handles=handles, loc="upper left")
    return _masked(figure)


def plot_ladder(
    distribution: LadderDistribution,
    movements: TransitionMatrix | None = None,
    *,
    language: Language = "da",
) -> Figure:
    """Citizens and spend per ladder step, and the movements between steps when given."""
    figure = _figure(10.0 if movements is not None else 6.0, 4.5)
    axes = figure.add_subplot(1, 2 if movements is not None else 1, 1)
    steps = [row.step for row in distribution.rows]
    axes.bar(steps, [row.citizens for row in distribution.rows], color=PALETTE["sky"],
             label=_text("citizens_in_period", language))  # fmt: skip
    axes.set_xticks(steps, [f"{row.step}\n{'/'.join(row.services)}" for row in distribution.rows])
    axes.set_ylabel(_text("citizens_in_period", language))
    _danish_axis(axes, 0)
    twin = axes.twinx()
    twin.plot(steps, [row.spend.ore / _MILLION for row in distribution.rows],
              color=PALETTE["black"], marker="o", label=_text("spend", language))  # fmt: skip
    twin.set_ylabel(_text("spend", language))
    _room_for_the_legend(axes, twin)
    _danish_axis(twin)
    handles = axes.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    axes.legend(handles=handles, loc="upper right")
    axes.set_title(_text("ladder_title", language))
    if movements is not None:
        grid = figure.add_subplot(1, 2, 2)
        image = grid.imshow(movements.counts, cmap="Blues")
        size = movements.counts.shape[0]
        labels = [_text("off", language), *[str(step) for step in range(1, size)]]
        grid.set_xticks(range(size), labels)
        grid.set_yticks(range(size), labels)
        grid.set_xlabel(_text("step_on", language, date=movements.second.strftime("%d-%m-%Y")))
        grid.set_ylabel(_text("step_on", language, date=movements.first.strftime("%d-%m-%Y")))
        for (i, j), count in np.ndenumerate(movements.counts):
            if count:
                grid.text(j, i, danish_number(int(count), 0), ha="center", va="center")
        figure.colorbar(image, ax=grid, label=_text("citizens", language))
        grid.set_title(_text("movements", language))
    return _masked(figure)


def plot_change_waterfall(change: ChangeExplanation, *, language: Language = "da") -> Figure:
    """The month's change of the forecast per sub-area as a waterfall.

    The bars are the sub-areas' changes of the change table (1.000 kr., + = more spend; any
    unexplained residual is inside its sub-area's change, as in the table), each labelled with
    its value; the last bar is the total change.
    """
    from matplotlib.patches import Patch

    names = [name for name, amount in change.sub_area_changes.items() if amount]
    values = [change.sub_area_changes[name].ore / _THOUSAND for name in names]
    figure = _figure()
    axes = figure.add_subplot()
    bottoms = np.concatenate([[0.0], np.cumsum(values)[:-1]]) if values else np.zeros(0)
    colours = [PALETTE["vermillion"] if v > 0 else PALETTE["blue"] for v in values]
    steps = axes.bar(range(len(values)), values, bottom=bottoms, color=colours)
    total = change.total_change.ore / _THOUSAND
    whole = axes.bar([len(values)], [total], color=PALETTE["grey"])
    for bars, shown in ((steps, values), (whole, [total])):
        axes.bar_label(bars, labels=[danish_number(v) for v in shown], label_type="center",
                       fontsize=8)  # fmt: skip
    # Bars stick the axis to their ends; the labels need room above and below them.
    axes.use_sticky_edges = False
    axes.margins(y=0.15)
    axes.set_xticks(range(len(values) + 1), [*names, _text("total", language)], rotation=30,
                    ha="right")  # fmt: skip
    axes.axhline(0, color=PALETTE["black"], linewidth=0.8)
    _danish_axis(axes)
    axes.set_ylabel(_text("thousand_change", language))
    axes.set_title(_text("waterfall_title", language))
    axes.legend(
        handles=[
            Patch(color=PALETTE["vermillion"], label=_text("more_spend", language)),
            Patch(color=PALETTE["blue"], label=_text("less_spend", language)),
            Patch(color=PALETTE["grey"], label=_text("total_change", language)),
        ],
        loc="best",
    )
    return _masked(figure)


def plot_volume_price(variance: Mapping[str, Variance], *, language: Language = "da") -> Figure:
    """Each sub-area's deviation from its steering assumption as volume and price bars.

    Per sub-area one bar for more or fewer cases than assumed (volume) and one for dearer or
    cheaper cases (price), in 1.000 kr. (+ = more spend); a dot marks their sum, the deviation.
    The bars are the figures of :func:`styringskerne.kpi.reports.variance_report`.
    """
    if not variance:
        raise StyringskerneError("give the variance of at least one sub-area")
    names = list(variance)
    volume = [variance[name].volume.ore / _THOUSAND for name in names]
    price = [variance[name].price.ore / _THOUSAND for name in names]
    figure = _figure()
    axes = figure.add_subplot()
    places = np.arange(len(names))
    axes.bar(places - 0.2, volume, width=0.4, label=_text("volume", language),
             color=PALETTE["blue"])  # fmt: skip
    axes.bar(places + 0.2, price, width=0.4, label=_text("price", language),
             color=PALETTE["orange"])  # fmt: skip
    axes.scatter(
        places,
        [variance[name].deviation.ore / _THOUSAND for name in names],
        color=PALETTE["black"],
        zorder=3,
        label=_text("deviation", language),
    )
    axes.set_xticks(places, names, rotation=30, ha="right")
    axes.axhline(0, color=PALETTE["black"], linewidth=0.8)
    _danish_axis(axes)
    axes.set_ylabel(_text("thousand_change", language))
    axes.set_title(_text("variance_title", language))
    axes.legend()
    return _masked(figure)
