"""Reports per recipient, plots and dataframes (DOMAIN § 12; *Boks 7.2*, *Boks 6.3*)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given

from styringskerne import DispositionLedger, ImportFailedError, Money
from styringskerne.examples import example_month
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.io.frames import dispositions_from_pandas
from styringskerne.kpi.plots import (
    plot_change_waterfall,
    plot_forecast_through_year,
    plot_inflow_outflow,
    plot_ladder,
    save_png,
)
from styringskerne.kpi.reports import (
    caseload_report,
    management_report,
    provider_report,
    quarterly_report,
)
from styringskerne.visitation.followup import FollowUpCase
from styringskerne.visitation.ladder import ladder_distribution, movements
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
    frame = report.to_pandas()
    assert str(frame["Expected accounts 2024 (øre)"].dtype) == "Int64"
    total = frame.iloc[-1]
    assert int(total["Expected accounts 2024 (øre)"]) == forecast.total_expected.ore
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
    assert list(monthly.columns) == ["010190-**** (øre)", "B-2 (øre)"]
    assert all(str(dtype) == "int64" for dtype in monthly.dtypes)
    assert int(monthly.to_numpy().sum()) == ledger.full_year_cost(2024).total.ore
    table = ledger.as_of(D(2024, 6, 30)).by("citizen").to_pandas(show_cpr=True)
    assert list(table.index) == ["010190-1234", "B-2"]  # one spelling per CPR, on request
    cost = ledger.cost(D(2024, 1, 1), D(2024, 1, 31), by="service").to_pandas()
    assert int(cost.loc["SEL108", "amount (øre)"]) == Money.of("1149").ore * 31
