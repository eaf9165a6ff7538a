"""Reports per recipient, plots and dataframes (DOMAIN § 12; *Boks 7.2*, *Boks 6.3*)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given

from styringskerne import DispositionLedger, ImportFailedError, Money, StyringskerneError
from styringskerne.budget.variance import Variance
from styringskerne.examples import example_month
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Forecast, ForecastLine, Snapshot, make_forecast
from styringskerne.io.frames import dispositions_from_pandas
from styringskerne.kpi.plots import (
    plot_change_waterfall,
    plot_forecast_through_year,
    plot_inflow_outflow,
    plot_ladder,
    plot_volume_price,
    save_png,
)
from styringskerne.kpi.reports import (
    caseload_report,
    management_report,
    provider_report,
    quarterly_report,
    variance_report,
)
from styringskerne.ledger.refund import RefundParts, RefundRule, RefundThresholds, StateRefund
from styringskerne.visitation.followup import FollowUpCase
from styringskerne.visitation.ladder import ladder_distribution, movements
from tests.builders import day_stay
from tests.strategies import disposition_lists

D = dt.date
MONTH = example_month(D(2024, 6, 30))


@given(dispositions=disposition_lists())
def test_the_quarterly_report_agrees_with_the_ledger_to_the_ore(dispositions) -> None:
    snapshot = Snapshot(as_of=D(2024, 6, 30), ledger=DispositionLedger(dispositions))
    forecast = make_forecast(snapshot)
    report = quarterly_report(forecast, snapshot.ledger)
    *rows, total = report.rows
    expected = report.columns.index("Expected accounts 2024")
    assert sum((row[expected] for row in rows), Money(0)) == total[expected]
    own = [d for d in dispositions if d.payer is None]
    assert total[expected] == DispositionLedger(own).full_year_cost(2024).total


def test_reports_convert_without_loss() -> None:
    forecast = make_forecast(MONTH.current, budget=MONTH.budget)
    report = quarterly_report(forecast, MONTH.current.ledger, overspend_negative=True)
    data = json.loads(report.to_json())
    assert data["columns"][4] == "Deviation (− = overspend)"
    frame = report.to_pandas(wide=True)
    assert str(frame["expected_accounts_2024_ore"].dtype) == "Int64"
    total = frame[frame["sub_area"] == "Total"].iloc[0]
    assert int(total["expected_accounts_2024_ore"]) == forecast.total_expected.ore
    # The demand pool is the row after the total (Boks 7.2), expected 0: its rest is returned.
    assert frame.iloc[-1]["sub_area"] == "efterspørgselspulje"
    long = report.to_pandas()
    assert list(long.columns) == ["sub_area", "measure", "amount_ore", "number", "text"]
    expected = long[(long.sub_area == "Total") & (long.measure == "expected_accounts_2024")]
    assert int(expected.amount_ore.iloc[0]) == forecast.total_expected.ore
    html = report._repr_html_()
    assert html.startswith("<div><strong>Key figures 2024-06-30")
    assert "<table>" in html


def test_management_caseload_and_provider_reports() -> None:
    forecast = make_forecast(MONTH.current, budget=MONTH.budget)
    change = explain_change(MONTH.previous, MONTH.current)
    management = management_report(forecast, change, MONTH.current.ledger)
    changes = management.column("Change since last month")
    assert sum(changes, Money(0)) == change.total_change
    cases = [
        FollowUpCase(
            disposition_id="D-SEL107-0001",
            citizen_id="0101901234",
            service="SEL107",
            caseworker="Anne",
            granted=D(2024, 1, 10),
        ),
        FollowUpCase(
            disposition_id="D-SEL85-0001",
            citizen_id="B-00200",
            service="SEL85",
            caseworker="Bo",
            granted=D(2024, 1, 10),
        ),
    ]
    caseload = caseload_report(MONTH.current.ledger, cases, caseworker="Anne", on=D(2024, 6, 30))
    assert len(caseload.rows) == 1
    assert caseload.rows[0][0] == "010190-****"
    assert caseload.rows[0][5] == "overdue"
    provider = provider_report(
        MONTH.current.ledger,
        provider="Botilbuddet Engvang",
        start=D(2024, 1, 1),
        end=D(2024, 6, 30),
        places=60,
    )
    assert provider.rows[0] == ("Places", 60)
    assert "Occupancy" in provider.to_text()


def test_plots_render_to_non_empty_png_files(tmp_path: Path) -> None:
    ledger = MONTH.current.ledger
    series = [
        make_forecast(MONTH.previous, budget=MONTH.budget),
        make_forecast(MONTH.current, budget=MONTH.budget),
    ]
    figures = {
        "forecast": plot_forecast_through_year(series),
        "flows": plot_inflow_outflow(ledger, 2024, service="SEL107"),
        "ladder": plot_ladder(
            ladder_distribution(ledger, D(2024, 1, 1), D(2024, 6, 30)),
            movements(ledger, D(2024, 1, 1), D(2024, 6, 30)),
        ),
        "waterfall": plot_change_waterfall(explain_change(MONTH.previous, MONTH.current)),
    }
    for name, figure in figures.items():
        path = save_png(figure, tmp_path / f"{name}.png")
        assert path.stat().st_size > 5_000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def frame(**changes: object) -> pd.DataFrame:
    data: dict[str, object] = {
        "disposition_id": ["D1", "D1", "D2"],
        "citizen_id": ["0101901234", "0101901234", "B-2"],
        "service": ["SEL108", "SEL108", "SEL85"],
        "account": [None, None, None],
        "provider": ["Engvang", "Engvang", None],
        "start": pd.to_datetime(["2024-01-01", "2024-07-01", "2024-02-01"]),
        "end": [pd.Timestamp("2024-06-30"), pd.NaT, pd.NaT],
        "unit": ["day", "day", "week"],
        "rate": ["1.149,00", Decimal("1349.00"), "520.00"],
        "quantity": [None, None, 6],
        "probability": [None, None, "1/2"],
    }
    data.update(changes)
    return pd.DataFrame(data)


def test_from_pandas_and_from_arrow_equal_the_csv_reader() -> None:
    from_frame = DispositionLedger.from_pandas(frame())
    arrow = pa.Table.from_pandas(frame(rate=["1.149,00", "1349.00", "520.00"]))
    from_arrow = DispositionLedger.from_arrow(arrow)
    assert from_frame.full_year_cost(2024).total == from_arrow.full_year_cost(2024).total
    assert from_frame.full_year_cost(2024).total == Money.of("1149") * 182 + Money.of(
        "1349"
    ) * 184 + (Money.of("520").multiply(Decimal(6) * 335 / 7 / 2))


def test_dataframe_rows_are_loaded_or_reported() -> None:
    result = dispositions_from_pandas(
        frame(unit=["day", "day", "hour"], rate=["1.149,00", 1349.505, "520"])
    )
    assert [d.id for d in result.items] == []
    text = "\n".join(str(e) for e in result.errors)
    assert "line 2, column 'rate'" in text
    assert "not a whole number of øre" in text
    assert "line 3, column 'unit'" in text
    assert "line 1, column 'disposition_id': not loaded" in text
    assert "0101901234" not in text
    with pytest.raises(ImportFailedError, match="missing column"):
        DispositionLedger.from_pandas(frame().drop(columns=["rate"]))


def test_ledger_results_to_pandas_are_exact_and_masked() -> None:
    ledger = DispositionLedger.from_pandas(frame())
    monthly = ledger.monthly(2024, by="citizen").to_pandas()
    assert list(monthly.columns) == ["citizen_id", "start", "end", "amount_ore"]
    assert sorted(set(monthly.citizen_id)) == ["010190-****", "B-2"]
    assert len(monthly) == 2 * 12
    assert str(monthly.amount_ore.dtype) == "Int64"
    assert int(monthly.amount_ore.sum()) == ledger.full_year_cost(2024).total.ore
    assert monthly.end.iloc[1] == pd.Timestamp("2024-02-29")  # inclusive, leap year
    table = ledger.as_of(D(2024, 6, 30)).by("citizen").to_pandas(show_cpr=True, wide=True)
    assert list(table.citizen_id) == ["010190-1234", "B-2"]  # one spelling per CPR, on request
    cost = ledger.cost(D(2024, 1, 1), D(2024, 1, 31), by="service").to_pandas()
    sel108 = cost[cost.service == "SEL108"]
    assert int(sel108.amount_ore.iloc[0]) == Money.of("1149").ore * 31


def _forecast_with_refund(
    gross: dict[str, int], budget: dict[str, int], refund: dict[str, int]
) -> Forecast:
    """A forecast of 2018 with the given gross, budget and refund per sub-area (øre)."""
    names = tuple(sorted(refund))
    state = StateRefund(
        year=2018,
        as_of=D(2018, 6, 30),
        rule=RefundRule(thresholds=RefundThresholds(year=2018, thresholds=("1", "2", "3"))),
        units=("B-1",),
        households=(False,),
        spend=np.array([sum(gross.values())]),
        to_date=np.zeros(1, dtype=np.int64),
        for_year=np.array([sum(refund.values())]),
        by_sub_area={name: Money(amount) for name, amount in refund.items()},
        by_unit_and_sub_area=RefundParts(
            unit_codes=np.zeros(len(names), dtype=np.int64),
            sub_area_codes=np.arange(len(names)),
            amounts=np.array([refund[name] for name in names]),
            unit_labels=("B-1",),
            sub_area_names=names,
        ),
    )
    return Forecast(
        as_of=D(2018, 6, 30),
        year=2018,
        lines=(
            ForecastLine(
                kind="dispositions",
                label="granted",
                amounts={name: Money(amount) for name, amount in gross.items()},
            ),
        ),
        budget={name: Money(amount) for name, amount in budget.items()},
        state_refund=state,
    )


def test_boks_7_2_all_rows_and_both_totals() -> None:
    """*Boks 7.2* (VIVE 2018, Ikast-Brande, 30.06.2018, 1.000 kr.): all nine rows, the total
    ("I alt": 787 citizens and 165.880 / 162.498 / −3.382) and the demand pool after it and
    outside it ("Efterspørgselspulje 5.018 5.018 0 0"). The box's OCR digit errors corrected:
    the row "Refusion" reads −3.853 / −4.240 / −387 (printed "-1.240") and "Merudgift, incl.
    refusion" 685 / 784 / 99 (printed 665 / 794). With those, every row's deviation is
    expected − budget and the total is the sum of the rows, as printed. The citizens add up to
    the printed 787. The column "Regnskab 2017" does not add up in print (its rows sum to
    169.144, the printed total is 169.349, 205 apart): the report prints the sum of its rows.
    The box does not show how its 4.240 of refund is spread over the gross rows, nor the gross
    and refund behind the net rows: those splits below are made up; the printed figures are
    what the test holds the report to."""
    k = 100_000  # 1.000 kr. in øre
    printed = {  # row: (corrected budget 2018, expected accounts 2018, deviation)
        "Botilbud inden for kommunen": (53_216, 48_742, -4_474),
        "Botilbud uden for kommunen": (70_474, 68_633, -1_841),
        "Dagtilbud inden for kommunen": (14_820, 13_972, -848),
        "Dagtilbud uden for kommunen": (9_793, 9_125, -668),
        "Refund (§ 176)": (-3_853, -4_240, -387),
        "Bostøtte og akutordning": (9_471, 10_545, 1_074),
        "BPA, incl. refund": (6_143, 8_669, 2_526),
        "Merudgift, incl. refund": (685, 784, 99),
        "Øvrige ydelser": (5_131, 6_268, 1_137),
        "Total, incl. refund": (165_880, 162_498, -3_382),
    }
    gross_rows = [name for name in printed if "refund" not in name.lower()]
    # The refund of the gross rows (4.240 in all) falls on the residential and day offers.
    refund = {
        "Botilbud inden for kommunen": 1_500 * k,
        "Botilbud uden for kommunen": 2_400 * k,
        "Dagtilbud uden for kommunen": 340 * k,
        "BPA": 1_200 * k,  # behind the net row: gross 9.869 − refund 1.200 = 8.669
        "Merudgift": 16 * k,  # gross 800 − refund 16 = 784
    }
    gross = {name: printed[name][1] * k for name in gross_rows}
    gross |= {"BPA": 9_869 * k, "Merudgift": 800 * k}
    budget = {name: printed[name][0] * k for name in gross_rows}
    budget |= {"BPA": 6_143 * k, "Merudgift": 685 * k}
    pool = "Efterspørgselspulje"
    forecast = _forecast_with_refund(gross, budget, refund)
    forecast = attrs.evolve(
        forecast,
        lines=(
            *forecast.lines,
            ForecastLine(kind="demand_pool", label="pool", amounts={pool: Money(5_018 * k)}),
        ),
        budget={**forecast.budget, pool: Money(5_018 * k)},
        pool_sub_area=pool,
    )
    order = ["Botilbud inden for kommunen", "Botilbud uden for kommunen",
             "Dagtilbud inden for kommunen", "Dagtilbud uden for kommunen"]  # fmt: skip
    assert [name for name in forecast.sub_areas if name in order] == order
    citizens = {  # Antal borgere, as printed
        "Botilbud inden for kommunen": 103, "Botilbud uden for kommunen": 123,
        "Dagtilbud inden for kommunen": 103, "Dagtilbud uden for kommunen": 61,
        "Bostøtte og akutordning": 242, "BPA": 11, "Merudgift": 60, "Øvrige ydelser": 84,
    }  # fmt: skip
    ledger = DispositionLedger(
        day_stay(f"{account}-{n}", f"B-{account}-{n}", "SEL85", D(2018, 1, 1), account=account)
        for account, count in citizens.items()
        for n in range(count)
    )
    last_year = {  # Regnskab 2017, as printed
        "Botilbud inden for kommunen": 53_418, "Botilbud uden for kommunen": 73_119,
        "Dagtilbud inden for kommunen": 15_011, "Dagtilbud uden for kommunen": 9_676,
        "Bostøtte og akutordning": 9_740, "BPA": 6_545, "Merudgift": 676,
        "Øvrige ydelser": 6_172, pool: 0,
    }  # fmt: skip
    report = quarterly_report(
        forecast,
        ledger,
        refund_budget=Money(3_853 * k),
        net_sub_areas=["BPA", "Merudgift"],
        last_year={name: Money(value * k) for name, value in last_year.items()},
        last_year_refund=Money(5_213 * k),
    )
    got = {row[0]: (row[2], row[3], row[4]) for row in report.rows}
    assert got == {
        name: tuple(Money(value * k) for value in values) for name, values in printed.items()
    } | {pool: (Money(5_018 * k), Money(5_018 * k), Money(0))}
    labels = [row[0] for row in report.rows]
    # The refund row follows the last gross row whose refund it carries, as in the box.
    assert labels.index("Refund (§ 176)") == labels.index("Dagtilbud uden for kommunen") + 1
    assert labels[-2:] == ["Total, incl. refund", pool]
    counted = {row[0].split(",")[0]: row[1] for row in report.rows}
    assert counted["Total"] == 787
    assert all(counted[name] == count for name, count in citizens.items())
    assert report.rows[-1][5] == Money(0)
    assert report.rows[-2][5] == Money(169_144 * k)  # the rows' sum, not the printed 169.349
    assert forecast.total_net == Money((162_498 + 5_018) * k)


def test_refund_rows_need_a_refund_and_a_budget() -> None:
    forecast = make_forecast(MONTH.current, budget=MONTH.budget)
    with pytest.raises(StyringskerneError, match="refund=RefundRule"):
        quarterly_report(forecast, MONTH.current.ledger, refund_budget=Money(100))
    k = 100_000
    with_refund = _forecast_with_refund({"A": 900 * k}, {"A": 800 * k}, {"A": 50 * k})
    with pytest.raises(StyringskerneError, match="'B', not a sub-area"):
        quarterly_report(with_refund, DispositionLedger([]), net_sub_areas=["B"])
    report = quarterly_report(with_refund, DispositionLedger([]))
    refund_row, total = report.rows[-2], report.rows[-1]
    assert refund_row[2:5] == (None, Money(-50 * k), None)
    assert total[2:5] == (None, Money(850 * k), None)
    assert any("No budget for the refund" in note for note in report.notes)


def _variances() -> dict[str, Variance]:
    # 4 persons assumed at 365.000 kr., 1 person all year at 4 times the price (as in the
    # guide's worked quarter): volume −3 × 365.000, price +3 × 365.000.
    return {
        "5.38.50": Variance(
            sub_area="5.38.50",
            assumed_count=Fraction(4),
            assumed=Money(4 * 36_500_000),
            persons=Fraction(1),
            expected=Money(146_000_000),
            volume=Money(-3 * 36_500_000),
            price=Money(3 * 36_500_000),
        ),
        "5.38.52": Variance(
            sub_area="5.38.52",
            assumed_count=Fraction(1, 2),
            assumed=Money(10_000_000),
            persons=Fraction(1),
            expected=Money(25_000_000),
            volume=Money(10_000_000),
            price=Money(5_000_000),
        ),
    }


def test_the_variance_report_adds_up_and_flips_for_print() -> None:
    report = variance_report(_variances())
    total = report.rows[-1]
    assert total[0] == "Total"
    assert total[1:] == (
        Decimal("4.50"),
        Decimal("2.00"),
        Money(156_000_000),
        Money(171_000_000),
        Money(-99_500_000),
        Money(114_500_000),
        Money(15_000_000),
    )
    # Persons are counts, not shares: printed "4,50", never "450,0%".
    assert report.to_text().splitlines()[-1].split()[1:3] == ["4,50", "2,00"]
    flipped = variance_report(_variances(), overspend_negative=True)
    assert flipped.rows[1][5:] == (Money(-10_000_000), Money(-5_000_000), Money(-15_000_000))
    assert flipped.columns[-1] == "Deviation (− = overspend)"


def test_the_volume_price_plot_shows_the_report_figures(tmp_path: Path) -> None:
    figure = plot_volume_price(_variances())
    axes = figure.axes[0]
    heights = sorted(round(patch.get_height(), 2) for patch in axes.patches)
    # 1.000 kr.: volume −1.095 and +100, price +1.095 and +50.
    assert heights == [-1095.0, 50.0, 100.0, 1095.0]
    assert save_png(figure, tmp_path / "variance.png").stat().st_size > 0
    with pytest.raises(StyringskerneError, match="at least one sub-area"):
        plot_volume_price({})
