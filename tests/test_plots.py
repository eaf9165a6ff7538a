"""Plots a controller reads at a glance (issue "What controllers and notebook users see" § 2).

The demo's plots must show the figures its tables print: the test runs the demo, reads the
printed tables and compares them with the data drawn, to the øre.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from styringskerne import Money, StyringskerneError, cli
from styringskerne.cli import main
from styringskerne.examples import example_month
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import make_forecast
from styringskerne.kpi.plots import (
    PALETTE,
    danish_number,
    plot_change_waterfall,
    plot_forecast_through_year,
    plot_inflow_outflow,
    plot_ladder,
    plot_volume_price,
)
from styringskerne.visitation.ladder import ladder_distribution, movements

MONTH = example_month(dt.date(2024, 6, 30))


def _ore(danish: str) -> int:
    """A printed Danish amount ("1.234,56") in øre, read by hand."""
    sign = -1 if danish.startswith("-") else 1
    kroner, ore = danish.lstrip("-").split(",")
    return sign * (int(kroner.replace(".", "")) * 100 + int(ore))


def _texts(figure: Any) -> list[str]:
    from matplotlib.text import Text

    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


@pytest.mark.slow
def test_the_demo_plots_show_the_figures_of_its_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: dict[str, Any] = {}
    original = cli.demo_figures

    def spy(*inputs: Any) -> dict[str, Any]:
        drawn.update(original(*inputs))
        return drawn

    monkeypatch.setattr(cli, "demo_figures", spy)
    assert main(["demo", "--as-of", "2024-06-30", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    forecast_part = out.split("Month-end forecast")[1]
    total = next(line for line in forecast_part.splitlines() if line.startswith("Total"))
    budget, expected = (_ore(cell) for cell in total.split()[1:3])
    lines = drawn["forecast.png"].axes[0].get_lines()
    assert round(lines[0].get_ydata()[-1] * 100_000_000) == expected
    assert round(lines[1].get_ydata()[-1] * 100_000_000) == budget

    change_part = out.split("Since the forecast of")[1]
    printed = {
        match[1]: _ore(match[2])
        for match in re.finditer(r"^  (\S+): (-?[\d.]+,\d\d)$", change_part, flags=re.M)
    }
    total_change = _ore(re.search(r"Change of the forecast: (-?[\d.]+,\d\d)", out)[1])  # type: ignore[index]
    axes = drawn["change.png"].axes[0]
    heights = [round(bar.get_height() * 100_000) for bar in axes.patches]
    assert heights == [*(amount for amount in printed.values() if amount), total_change]
    assert [tick.get_text() for tick in axes.get_xticklabels()] == [
        *(name for name, amount in printed.items() if amount),
        "i alt",
    ]


def test_danish_by_default_english_on_request() -> None:
    series = [make_forecast(MONTH.previous, budget=MONTH.budget),
              make_forecast(MONTH.current, budget=MONTH.budget)]  # fmt: skip
    danish = plot_forecast_through_year(series)
    axes = danish.axes[0]
    assert axes.get_title() == "Forventet regnskab mod budget 2024"
    assert axes.get_ylabel() == "mio. kr."
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["forventet regnskab",
                                                                       "budget"]  # fmt: skip
    assert [t.get_text() for t in axes.get_xticklabels()] == ["31. maj", "30. jun"]
    assert axes.get_ylim()[0] == 0  # a level is drawn from 0
    formatter = axes.yaxis.get_major_formatter()
    assert formatter(1234.5, 0) == "1.234,5"
    english = plot_forecast_through_year(series, language="en").axes[0]
    assert english.get_title() == "Forecast against budget 2024"
    assert [t.get_text() for t in english.get_xticklabels()] == ["31. May", "30. Jun"]
    with pytest.raises(StyringskerneError, match="language must be 'da' or 'en'"):
        plot_forecast_through_year(series, language="de")  # type: ignore[arg-type]


def test_every_panel_has_a_legend_and_the_safe_palette() -> None:
    ledger = MONTH.current.ledger
    first, last = dt.date(2024, 1, 1), dt.date(2024, 6, 30)
    figures = [
        plot_forecast_through_year([make_forecast(MONTH.current, budget=MONTH.budget)]),
        plot_inflow_outflow(ledger, 2024, service="SEL107"),
        plot_ladder(ladder_distribution(ledger, first, last), movements(ledger, first, last)),
        plot_change_waterfall(explain_change(MONTH.previous, MONTH.current)),
    ]
    from matplotlib.colors import to_hex

    safe = {colour.lower() for colour in PALETTE.values()}
    for figure in figures:
        panels = [a for a in figure.axes if a.get_label() != "<colorbar>" and a.get_title()]
        for panel in panels:
            heatmap = bool(panel.images)
            assert heatmap or panel.get_legend() is not None, panel.get_title()
        for panel in figure.axes:
            for bar in panel.patches:
                assert to_hex(bar.get_facecolor()) in safe


def test_the_waterfall_labels_each_bar_with_its_value() -> None:
    change = explain_change(MONTH.previous, MONTH.current)
    figure = plot_change_waterfall(change)
    shown = set(_texts(figure))
    for amount in [*change.sub_area_changes.values(), change.total_change]:
        if amount:
            assert danish_number(amount.ore / 100_000) in shown
    assert danish_number(Money.of("-1234.5").ore / 100, 2) == "-1.234,50"


def test_volume_price_in_danish() -> None:
    from styringskerne.budget.variance import Variance

    split = Variance(sub_area="5.38.50", assumed_count=Fraction(1), assumed=Money(10_000_000),
                     persons=Fraction(2), expected=Money(25_000_000), volume=Money(10_000_000),
                     price=Money(5_000_000))  # fmt: skip
    axes = plot_volume_price({"5.38.50": split}).axes[0]
    assert {t.get_text() for t in axes.get_legend().get_texts()} == {
        "mængde (flere sager)",
        "pris (dyrere sager)",
        "afvigelse",
    }
    assert axes.get_ylabel() == "1.000 kr. (+ = merforbrug)"
