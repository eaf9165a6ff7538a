"""The demand pool (efterspørgselspulje) for inflow at 18 or 23: VIVE 2018 (seed 003) section
5.2.1 (Ikast-Brande and Svendborg: money released when a case is visited, by its actual cost;
the rest returned to the central pool) and *Boks 7.2* ("Efterspørgselspulje 5.018 5.018 0")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money, StyringskerneError
from styringskerne.cli import json_schema, main
from styringskerne.forecast.explanation import REASONS, explain_change
from styringskerne.forecast.forecast import LINE_KINDS, DemandPool, Snapshot, make_forecast
from styringskerne.io.csv import write_dispositions
from tests.builders import day_stay
from tests.strategies import disposition_lists

D = dt.date
POOL = "efterspørgselspulje"
RESIDENT = day_stay("D-1", "B-1", "SEL108", D(2023, 1, 1))
YOUTH = day_stay("D-U1", "B-2", "SEL107", D(2024, 7, 1))  # visited at 18 on 1 July


def test_demand_pool_a_visited_case_draws_its_cost() -> None:
    """The youth's 184 days of 2024 (1 July - 31 December) at 1.000 kr. move 184.000 kr. of
    budget from the pool to 5.38.52; the pool keeps 816.000 kr., expected as budgeted."""
    snapshot = Snapshot(
        as_of=D(2024, 7, 31),
        ledger=DispositionLedger([RESIDENT, YOUTH]),
        demand_pool=DemandPool(amount="1.000.000,00", drawn=["D-U1"]),
    )
    budget = {"5.38.50": Money.of("366.000,00")}
    forecast = make_forecast(snapshot, budget=budget)
    assert forecast.pool_transfers == {"5.38.52": Money.of("184.000,00")}
    assert forecast.budget == {
        "5.38.50": Money.of("366.000,00"),
        "5.38.52": Money.of("184.000,00"),
        POOL: Money.of("816.000,00"),
    }
    assert forecast.expected[POOL] == Money.of("816.000,00")
    assert forecast.deviation(POOL) == Money(0)
    assert forecast.deviation("5.38.52") == Money(0)
    # Money only moved: the total budget is the budget plus the pool.
    assert forecast.total_budget == Money.of("1.366.000,00")
    assert forecast.line("demand_pool").label == "demand pool (efterspørgselspulje)"


def test_demand_pool_draw_is_explained_as_its_own_reason() -> None:
    """Month on month the new youth is a "new" item and the pool's draw a "demand_pool" item
    of the same size: the total forecast is unchanged."""
    before = Snapshot(
        as_of=D(2024, 6, 30),
        ledger=DispositionLedger([RESIDENT]),
        demand_pool=DemandPool(amount="1.000.000,00"),
    )
    after = Snapshot(
        as_of=D(2024, 7, 31),
        ledger=DispositionLedger([RESIDENT, YOUTH]),
        demand_pool=DemandPool(amount="1.000.000,00", drawn=["D-U1"]),
    )
    change = explain_change(before, after)
    got = {(item.sub_area, item.reason): item.amount for item in change.items}
    assert got == {
        ("5.38.52", "new"): Money.of("184.000,00"),
        (POOL, "demand_pool"): Money.of("-184.000,00"),
    }
    assert change.total_change == Money(0)
    assert change.residual == Money(0)


def test_demand_pool_rest_returned_when_youths_are_forecast_case_by_case() -> None:
    """With ``expect_rest=False`` what is left is not expected spent: the pool's sub-area shows
    it as an underspend to return (budget 816.000, expected 0)."""
    snapshot = Snapshot(
        as_of=D(2024, 7, 31),
        ledger=DispositionLedger([RESIDENT, YOUTH]),
        demand_pool=DemandPool(amount="1.000.000,00", drawn=["D-U1"], expect_rest=False),
    )
    forecast = make_forecast(snapshot, budget={"5.38.50": Money.of("366.000,00")})
    assert forecast.budget[POOL] == Money.of("816.000,00")
    assert forecast.expected[POOL] == Money(0)
    assert forecast.deviation(POOL) == Money.of("-816.000,00")
    assert forecast.deviation() == Money.of("-816.000,00")


def test_demand_pool_refuses_unknown_draws_and_a_double_budget() -> None:
    ledger = DispositionLedger([RESIDENT])
    unknown = Snapshot(
        as_of=D(2024, 7, 31),
        ledger=ledger,
        demand_pool=DemandPool(amount="10,00", drawn=["D-9", "010190-1234"]),
    )
    with pytest.raises(StyringskerneError, match="not in the ledger") as error:
        make_forecast(unknown)
    assert "010190-1234" not in str(error.value)
    assert "D-9" in str(error.value)
    pooled = Snapshot(as_of=D(2024, 7, 31), ledger=ledger, demand_pool=DemandPool(amount="10,00"))
    with pytest.raises(StyringskerneError, match="demand pool's sub-area"):
        make_forecast(pooled, budget={POOL: Money(1000)})
    with pytest.raises(StyringskerneError, match="list of disposition ids"):
        DemandPool(amount="10,00", drawn="D-1")


@given(disposition_lists(), st.integers(0, 10**11), st.data())
def test_demand_pool_only_moves_money(
    dispositions: list[Disposition], amount: int, data: st.DataObject
) -> None:
    """Whatever is drawn: pool line + transfers = the pool's amount, the total budget grows by
    the pool's amount exactly, and every sub-area's expected spend is unchanged by the pool."""
    ids = sorted({d.id for d in dispositions})
    drawn = data.draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    ledger = DispositionLedger(dispositions)
    budget = {"5.38.50": Money(10**9)}
    plain = make_forecast(Snapshot(as_of=D(2024, 6, 30), ledger=ledger), budget=budget)
    pooled = make_forecast(
        Snapshot(
            as_of=D(2024, 6, 30),
            ledger=ledger,
            demand_pool=DemandPool(amount=Money(amount), drawn=drawn),
        ),
        budget=budget,
        year=2024,
    )
    assert pooled.line("demand_pool").total + Money.total(pooled.pool_transfers.values()) == Money(
        amount
    )
    assert pooled.total_budget == plain.total_budget + Money(amount)
    for name, value in plain.expected.items():
        assert pooled.expected[name] == value


def test_demand_pool_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--demand-pool`` and ``--pool-drawn``: the draw moves budget; bad use exits with 2."""
    dispositions = tmp_path / "d.csv"
    write_dispositions([RESIDENT, YOUTH], dispositions)
    base = ["prognose", "--dispositions", str(dispositions), "--as-of", "2024-07-31"]
    base += ["--no-refund", "--format", "json"]
    assert main([*base, "--demand-pool", "1.000.000,00", "--pool-drawn", "D-U1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sub_areas"][POOL]["expected"] == "0.00"
    assert data["sub_areas"][POOL]["budget"] == "816000.00"
    assert data["sub_areas"][POOL]["deviation"] == "-816000.00"
    assert main([*base, "--pool-drawn", "D-U1"]) == 2
    assert "--pool-drawn needs --demand-pool" in capsys.readouterr().err
    assert main([*base, "--demand-pool", "1.000.000,00", "--pool-drawn", "010190-1234"]) == 2
    error = capsys.readouterr().err
    assert "not in the ledger" in error
    assert "010190-1234" not in error
    assert main([*base, "--demand-pool", "lots"]) == 2
    assert "--demand-pool" in capsys.readouterr().err


def test_schemas_name_every_reason_and_line_kind() -> None:
    """The shipped JSON Schema of ``prognose`` lists exactly the reasons and line kinds."""
    text = json.dumps(json_schema("prognose"))
    for name in (*REASONS, *LINE_KINDS):
        assert f'"{name}"' in text
    schema = json_schema("prognose")

    def enums(node: object) -> list[list[str]]:
        if isinstance(node, dict):
            found = [node["enum"]] if "enum" in node else []
            return found + [e for value in node.values() for e in enums(value)]
        if isinstance(node, list):
            return [e for value in node for e in enums(value)]
        return []

    assert list(REASONS) in enums(schema)
    assert list(LINE_KINDS) in enums(schema)
