"""Looking up what is not in a result, and a notebook table wider than it shows."""

from __future__ import annotations

import datetime as dt

import pytest

from styringskerne import DispositionLedger
from styringskerne.core.errors import StyringskerneError
from tests.builders import day_stay

LEDGER = DispositionLedger(
    [day_stay("D1", "010190-1234", "SEL108", dt.date(2024, 1, 1), dt.date(2024, 12, 31))]
)


def test_a_label_not_in_a_result_is_named_and_a_cpr_number_masked() -> None:
    status = LEDGER.as_of(dt.date(2024, 6, 30))
    assert status.by("citizen").row("010190-1234").computed_to_date.ore == 182 * 100_000
    with pytest.raises(StyringskerneError) as error:
        status.by("citizen").row("020290-1234")
    assert str(error.value) == "no citizen '020290-****' in the ledger"
    with pytest.raises(StyringskerneError) as error:
        status.by("account").row("5.38.99")
    assert str(error.value) == "no account '5.38.99' in the ledger"
    table = LEDGER.cost(dt.date(2024, 1, 1), dt.date(2024, 1, 31), by="citizen")
    assert table["010190-1234"].ore == 31 * 100_000
    with pytest.raises(StyringskerneError) as error:
        table["020290-1234"]
    assert str(error.value) == "no citizen '020290-****' in the result"
    by_account = LEDGER.cost(dt.date(2024, 1, 1), dt.date(2024, 1, 31), by="account")
    with pytest.raises(StyringskerneError) as error:
        by_account["5.38.99"]
    assert str(error.value) == "no account '5.38.99' in the result"


def test_a_notebook_table_of_many_days_says_how_many_it_leaves_out() -> None:
    series = LEDGER.daily(dt.date(2024, 1, 1), dt.date(2024, 1, 20), by="account")
    html = series._repr_html_()
    assert "… and 8 more periods: .to_pandas() has them all" in html  # 20 days, 12 shown
    short = LEDGER.daily(dt.date(2024, 1, 1), dt.date(2024, 1, 12), by="account")
    assert "more periods" not in short._repr_html_()


def test_a_forecast_table_with_refund_and_a_line_it_does_not_have() -> None:
    from styringskerne.forecast.forecast import Snapshot, make_forecast
    from styringskerne.ledger.refund import RefundRule

    dear = day_stay("D2", "B-2", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")
    snapshot = Snapshot(as_of=dt.date(2022, 6, 30), ledger=DispositionLedger([dear]))
    rule = RefundRule.for_year(2022)
    forecast = make_forecast(snapshot, budget={"5.38.50": "4.000.000,00"}, refund=rule)
    html = forecast._repr_html_()
    assert "<th>Refund § 176</th><th>Net</th>" in html
    plain = make_forecast(snapshot, budget={"5.38.50": "4.000.000,00"})._repr_html_()
    assert "Refund" not in plain
    with pytest.raises(StyringskerneError) as error:
        forecast.line("demand_pool")
    assert str(error.value) == "the forecast has no 'demand_pool' line"
