"""Tidy frames (issue "What controllers and notebook users see" § 3): one rule for every
result — long, snake_case names, amounts as whole øre in ``*_ore`` columns, CPR masked."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pandas as pd
import pytest

from styringskerne import Disposition, DispositionLedger, Money
from styringskerne.examples import example_month
from styringskerne.forecast.explanation import ChangeExplanation, ChangeItem, explain_change
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.kpi.reports import quarterly_report
from styringskerne.ledger.refund import RefundRule, RefundThresholds

AS_OF = dt.date(2026, 11, 30)
RULE = RefundRule(
    thresholds=RefundThresholds(
        year=2026, thresholds=("860000", "1680000", "2120000"), source="2022 level, for tests"
    )
)
MONTH = example_month(AS_OF)


def _follows_the_rule(frame: Any) -> None:
    for name in frame.columns:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        if name.endswith("_ore"):
            assert str(frame[name].dtype) == "Int64", name
    if "measure" in frame.columns:
        assert "amount_ore" in frame.columns


def _same_as_arrow(frame: Any, table: Any) -> None:
    import pyarrow as pa

    assert table.column_names == list(frame.columns)
    for name in table.column_names:
        if name.endswith("_ore"):
            assert table.schema.field(name).type == pa.int64()
            assert table.column(name).to_pylist() == [
                None if pd.isna(value) else int(value) for value in frame[name]
            ]


def test_the_ledger_long_and_wide() -> None:
    status = MONTH.current.ledger.as_of(AS_OF)
    long = status.to_pandas(by="citizen")
    _follows_the_rule(long)
    assert list(long.columns) == ["citizen_id", "measure", "amount_ore"]
    expected = long[long.measure == "expected"]
    assert int(expected.amount_ore.sum()) == status.total.expected.ore
    wide = status.to_pandas(by="account", wide=True)
    _follows_the_rule(wide)
    assert list(wide.columns) == ["account", "booked_to_date_ore", "computed_to_date_ore",
                                  "disposed_rest_of_year_ore", "expected_ore",
                                  "booked_minus_computed_ore"]  # fmt: skip
    _same_as_arrow(long, status.to_arrow(by="citizen"))


def test_the_forecast_with_refund_and_a_missing_budget() -> None:
    budget = {name: amount for name, amount in MONTH.budget.items() if name != "5.38.59"}
    forecast = make_forecast(MONTH.current, budget=budget, refund=RULE)
    frame = forecast.to_pandas()
    _follows_the_rule(frame)
    by_measure = frame.groupby("measure").amount_ore.sum()
    assert int(by_measure["expected"]) == forecast.total_expected.ore
    assert int(by_measure["refund"]) == forecast.total_refund.ore
    assert int(by_measure["net"]) == forecast.total_net.ore
    missing = frame[(frame.sub_area == "5.38.59") & frame.measure.isin(["budget", "deviation"])]
    assert missing.amount_ore.isna().all()  # missing, never 0
    lines = forecast.to_pandas(table="lines")
    _follows_the_rule(lines)
    per_area = lines.groupby("sub_area").amount_ore.sum()
    assert {name: int(value) for name, value in per_area.items()} == {
        name: amount.ore for name, amount in forecast.expected.items()
    }
    _same_as_arrow(frame, forecast.to_arrow())
    with pytest.raises(Exception, match="sub_areas|lines"):
        forecast.to_pandas(table="total")  # type: ignore[arg-type]


def test_the_change_adds_up_with_its_residual() -> None:
    # A hand-made box: 114.000 kr. in total, two items, 255.000 kr. unexplained.
    box = ChangeExplanation.by_hand(
        total_change=Money.of("114.000,00"),
        sub_area="5.38.52",
        items=[
            ChangeItem(sub_area="5.38.52", reason="payer", amount=Money.of("-352.000,00"),
                       citizen_id="0101901234"),
            ChangeItem(sub_area="5.38.52", reason="new", amount=Money.of("721.000,00")),
        ],
    )  # fmt: skip
    frame = box.to_pandas()
    _follows_the_rule(frame)
    assert list(frame.reason) == ["new", "payer", "residual"]
    assert list(frame.amount_ore) == [72_100_000, -35_200_000, -25_500_000]
    assert int(frame.amount_ore.sum()) == 11_400_000
    assert "010190-****" in set(frame.citizen_id)
    assert "1234" not in frame.to_string()
    month = explain_change(MONTH.previous, MONTH.current)
    assert int(month.to_pandas().amount_ore.sum()) == month.total_change.ore


def test_the_refund_and_reports() -> None:
    forecast = make_forecast(MONTH.current, budget=MONTH.budget, refund=RULE)
    refund = forecast.state_refund.to_pandas()  # type: ignore[union-attr]
    _follows_the_rule(refund)
    yearly = refund[refund.measure == "refund_for_year"]
    assert int(yearly.amount_ore.sum()) == forecast.total_refund.ore
    report = quarterly_report(forecast, MONTH.current.ledger).to_pandas()
    _follows_the_rule(report)
    total = report[report.sub_area.str.startswith("Total")]
    citizens = total[total.measure == "citizens"]
    assert citizens.number.iloc[0] > 0
    assert "deviation_plus_overspend" in set(report.measure)


def test_cpr_in_any_frame_is_masked() -> None:
    ledger = DispositionLedger([
        Disposition.at_rate(id="D-0101901234", citizen_id="0101901234", service="SEL108",
                            rate="3000", unit="day", start=dt.date(2026, 1, 1)),
    ])  # fmt: skip
    forecast = make_forecast(Snapshot(as_of=AS_OF, ledger=ledger), refund=RULE)
    frames = [
        ledger.as_of(AS_OF).to_pandas(by="citizen"),
        ledger.as_of(AS_OF).to_pandas(by="disposition"),
        ledger.monthly(2026, by="citizen").to_pandas(),
        forecast.state_refund.to_pandas(),  # type: ignore[union-attr]
    ]
    for frame in frames:
        assert "1234" not in frame.to_string()
    shown = ledger.as_of(AS_OF).to_pandas(by="citizen", show_cpr=True)
    assert "010190-1234" in set(shown.citizen_id)


def test_results_show_themselves_briefly_and_as_html() -> None:
    ledger = DispositionLedger([
        Disposition.at_rate(id="D-0101901234", citizen_id="0101901234", service="SEL108",
                            rate="3000", unit="day", start=dt.date(2026, 1, 1)),
    ])  # fmt: skip
    snapshot = Snapshot(as_of=AS_OF, ledger=ledger)
    forecast = make_forecast(snapshot, budget={"5.38.50": "1.000.000,00"}, refund=RULE)
    later = Snapshot(as_of=dt.date(2026, 12, 31), ledger=ledger)
    results = [
        ledger.as_of(AS_OF),
        forecast,
        forecast.state_refund,
        explain_change(snapshot, later),
    ]
    for result in results:
        text = repr(result)
        assert len(text) < 200, text
        assert "\n" not in text
        assert "1234" not in text
        page = result._repr_html_()  # type: ignore[union-attr]
        assert page.startswith("<div><strong>")
        assert "<table>" in page
        assert "1234" not in page
    assert repr(forecast) == (
        "Forecast(as_of=2026-11-30, sub_areas=1, expected=1.095.000,00 kr., "
        "budget=1.000.000,00 kr., refund=58.749,96 kr., lines=2)"
    )


def test_payments_and_the_reconciliation_as_frames() -> None:
    from styringskerne import Actual, reconcile
    from styringskerne.payments.bankdays import BankCalendar
    from styringskerne.payments.payments import make_payments

    ledger = DispositionLedger(
        [
            Disposition.at_rate(id="D1", citizen_id="0101901234", service="SEL108",
                                rate="1000", unit="day", start=dt.date(2026, 1, 1)),
        ],
        [
            Actual(citizen_id="0101901234", account="5.38.50", date=dt.date(2026, 1, 31),
                   amount="30000", disposition_id="D1"),
            Actual(citizen_id="B-9", account="5.38.50", date=dt.date(2026, 1, 31),
                   amount="500", disposition_id="D-GONE"),
        ],
    )  # fmt: skip
    paid = make_payments(ledger, dt.date(2026, 1, 1), dt.date(2026, 3, 31),
                         calendar=BankCalendar.weekends_only())  # fmt: skip
    frame = paid.to_pandas()
    _follows_the_rule(frame)
    assert int(frame.amount_ore.sum()) == paid.total.ore == (31 + 28 + 31) * 100_000
    assert "1234" not in frame.to_string()
    _same_as_arrow(frame, paid.to_arrow())
    assert json.loads(paid.to_json())["total"] == "90000.00"
    result = reconcile(ledger, dt.date(2026, 1, 31))
    differences = result.to_pandas()
    _follows_the_rule(differences)
    # 31 days × 1.000 kr. computed, 30.000 kr. booked on D1.
    assert list(differences.difference_ore) == [-100_000]
    unmatched = result.to_pandas(table="unmatched")
    assert list(unmatched.amount_ore) == [50_000]
    assert unmatched.date.iloc[0] == pd.Timestamp("2026-01-31")
    assert list(result.to_pandas(table="mismatched").columns)[:2] == ["reason", "citizen_id"]


def test_every_result_shows_itself_as_a_table_in_a_notebook() -> None:
    from styringskerne import reconcile
    from styringskerne.payments.bankdays import BankCalendar
    from styringskerne.payments.payments import make_payments

    ledger = MONTH.current.ledger
    results = [
        ledger.as_of(AS_OF).by("citizen"),
        ledger.cost(dt.date(2026, 1, 1), dt.date(2026, 1, 31), by="citizen"),
        ledger.monthly(2026, by="account"),
        make_payments(ledger, dt.date(2026, 12, 1), dt.date(2026, 12, 31),
                      calendar=BankCalendar.weekends_only()),
        reconcile(ledger, AS_OF),
    ]  # fmt: skip
    for result in results:
        page = result._repr_html_()  # type: ignore[attr-defined]
        assert page.startswith("<div><strong>")
        assert page.count("<tr>") <= 52  # a notebook shows the top, not a national ledger
    assert json.loads(ledger.as_of(AS_OF).by("account").to_json())
    table = reconcile(ledger, AS_OF).to_arrow(table="without_postings")
    assert "computed_to_date_ore" in table.column_names
