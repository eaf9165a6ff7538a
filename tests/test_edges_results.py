"""Results a controller can sign: price runs, missing budgets, one grouping for forecast and
reports, dates checked at the door, read-only and thread-safe results."""

from __future__ import annotations

import datetime as dt
import threading
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from styringskerne import (
    Disposition,
    DispositionLedger,
    Money,
    PriceSegment,
    StyringskerneError,
    Unit,
)
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.kpi.reports import management_report, quarterly_report
from tests import reference
from tests.builders import day_stay
from tests.strategies import DATES

D = dt.date


@given(
    start=DATES,
    length=st.integers(min_value=1, max_value=800),
    cut=st.integers(min_value=1, max_value=799),
    rate=st.integers(min_value=1, max_value=10**7),
    unit=st.sampled_from([Unit.DAY, Unit.WEEK, Unit.MONTH]),
    quantity=st.sampled_from([Fraction(1), Fraction(7, 2), Fraction(1, 3)]),
)
@example(
    start=D(2024, 1, 1), length=366, cut=45, rate=350_001, unit=Unit.WEEK, quantity=Fraction(1)
)  # ±1 øre before price runs
def test_a_split_at_an_unchanged_price_changes_no_total(
    *, start: dt.date, length: int, cut: int, rate: int, unit: Unit, quantity: Fraction
) -> None:
    cut = min(cut, length - 1) if length > 1 else 0
    end = start + dt.timedelta(days=length - 1)

    def disposition(segments: tuple[PriceSegment, ...]) -> Disposition:
        return Disposition(id="D1", citizen_id="B-1", service="SEL85", segments=segments)

    whole = disposition(
        (PriceSegment(start=start, end=end, rate=Money(rate), unit=unit, quantity=quantity),)
    )
    parts = [(start, start + dt.timedelta(days=cut - 1)), (start + dt.timedelta(days=cut), end)]
    split = disposition(
        tuple(
            PriceSegment(start=a, end=b, rate=Money(rate), unit=unit, quantity=quantity)
            for a, b in parts
            if a <= b
        )
    )
    assert split == whole  # one price run
    # The independent Fraction reference of the whole period is what the ledger reports.
    year = start.year
    first, last = D(year, 1, 1), D(year, 12, 31)
    expected = reference.segment_cost(whole.segments[0], Fraction(1), first, last)
    assert DispositionLedger([split]).cost(first, last).total.ore == expected
    before = Snapshot(as_of=D(year, 1, 31), ledger=DispositionLedger([whole]))
    after = Snapshot(as_of=D(year, 2, 28), ledger=DispositionLedger([split]))
    assert explain_change(before, after, year=year).items == ()


def test_from_arrays_joins_rows_of_one_price_in_input_order() -> None:
    def ledger(ends: list[str], starts: list[str]) -> DispositionLedger:
        size = len(starts)
        return DispositionLedger.from_arrays(
            disposition_id=np.array(["D1"] * size),
            citizen_id=np.array(["B-1"] * size),
            account=np.array(["5.38.39"] * size),
            start=np.array(starts, dtype="datetime64[D]"),
            end=np.array(ends, dtype="datetime64[D]"),
            unit=np.array(["week"] * size),
            rate_ore=np.array([350_001] * size),
        )

    whole = ledger(["2024-12-31"], ["2024-01-01"])
    split = ledger(["2024-02-14", "2024-12-31"], ["2024-01-01", "2024-02-15"])
    assert len(split) == 1
    assert split.full_year_cost(2024).total == whole.full_year_cost(2024).total


def test_a_missing_budget_is_flagged_not_zero() -> None:
    ledger = DispositionLedger(
        [
            day_stay(f"D{i}", f"B-{i}", service, D(2024, 1, 1), D(2024, 12, 31), rate="1000")
            for i, service in enumerate(["SEL108", "SEL107"])
        ]
    )
    forecast = make_forecast(
        Snapshot(as_of=D(2024, 3, 31), ledger=ledger), budget={"5.38.50": Money.of("366000")}
    )
    assert forecast.budget_missing == ("5.38.52",)
    data = forecast.to_dict()
    assert data["budget_missing"] == ["5.38.52"]
    assert data["sub_areas"]["5.38.52"] == {
        "budget": None,
        "expected": "366000.00",
        "deviation": None,
        "refund": None,
        "net": None,
    }
    assert data["sub_areas"]["5.38.50"]["deviation"] == "0.00"
    assert data["total"]["deviation"] is None
    # The reports built on the forecast leave the cells empty too (Boks 7.2 shape).
    report = quarterly_report(forecast, ledger)
    by_name = {row[0]: row for row in report.rows}
    assert by_name["5.38.52"][2:5] == (None, Money.of("366000"), None)
    assert by_name["5.38.50"][4] == Money(0)
    assert by_name["Total"][4] is None
    assert report.notes == (
        "No budget for 5.38.52: their deviation and the total deviation are left empty, "
        "not computed against 0.",
    )


def test_reports_group_citizens_as_the_forecast_does() -> None:
    ledger = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL108", D(2024, 3, 1), rate="1000"),
            day_stay("D2", "B-2", "SEL107", D(2024, 3, 1), rate="1000"),
        ]
    )
    snapshot = Snapshot(as_of=D(2024, 3, 31), ledger=ledger)
    residential = {"5.38.50": "Botilbud", "5.38.52": "Botilbud"}
    forecast = make_forecast(snapshot, sub_areas=residential)
    report = quarterly_report(forecast, ledger)
    assert report.rows[0][:2] == ("Botilbud", 2)
    previous = Snapshot(as_of=D(2024, 2, 29), ledger=DispositionLedger([]))
    change = explain_change(previous, snapshot, sub_areas=residential)
    management = management_report(forecast, change, ledger)
    assert management.column("Inflow this month") == (2,)


@pytest.mark.parametrize(
    "day",
    ["2024-03-31", dt.datetime(2024, 3, 31), dt.datetime(2024, 3, 31, tzinfo=dt.UTC), 20240331],
    ids=["str", "datetime", "aware datetime", "int"],
)
def test_dates_are_checked_at_the_door(day: object) -> None:
    ledger = DispositionLedger([day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), rate="1000")])
    for call in (
        lambda: ledger.as_of(day),  # type: ignore[arg-type]
        lambda: ledger.cost(day, D(2024, 12, 31)),  # type: ignore[arg-type]
        lambda: ledger.daily(D(2024, 1, 1), day),  # type: ignore[arg-type]
    ):
        with pytest.raises(StyringskerneError, match="must be a datetime.date"):
            call()


def test_api_misuse_says_what_is_expected() -> None:
    def arrays(**changes: object) -> DispositionLedger:
        data: dict[str, object] = {
            "citizen_id": np.array(["B-1", "B-2"]),
            "account": np.array(["5.38.50"] * 2),
            "start": np.array(["2024-01-01"] * 2, dtype="datetime64[D]"),
            "end": np.array(["NaT"] * 2, dtype="datetime64[D]"),
            "unit": np.array(["day"] * 2),
            "rate_ore": np.array([100, 100]),
        }
        data.update(changes)
        return DispositionLedger.from_arrays(**data)  # type: ignore[arg-type]

    with pytest.raises(StyringskerneError, match="'rate_ore' must hold integers"):
        arrays(rate_ore=np.array([1.5, 2.5]))
    with pytest.raises(StyringskerneError, match="'citizen_id' row 1: ids in an object column"):
        arrays(citizen_id=np.array(["B-1", 17], dtype=object))
    with pytest.raises(StyringskerneError, match="row 0: 'quantity' 0.3333333333333333"):
        arrays(quantity=np.array([1 / 3, 1.0]))
    assert len(arrays(quantity=np.array(["1/3", "0,5"]))) == 2


def test_results_cannot_be_made_writable() -> None:
    ledger = DispositionLedger([day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), rate="1000")])
    arrays = [
        ledger.segment_costs(D(2024, 1, 1), D(2024, 1, 31)),
        ledger.columns.rate,
        ledger.groups("citizen")[0],
        ledger.cost(D(2024, 1, 1), D(2024, 1, 31), by="account").amounts,
        ledger.monthly(2024).values,
    ]
    for array in arrays:
        with pytest.raises(ValueError, match="WRITEABLE"):
            array.flags.writeable = True
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0
    again = ledger.segment_costs(D(2024, 1, 1), D(2024, 1, 31))
    assert int(again[0]) == 31 * 100_000


def test_the_cost_cache_is_safe_under_threads() -> None:
    ledger = DispositionLedger(
        [day_stay(f"D{i}", f"B-{i}", "SEL108", D(2024, 1, 1), rate="1000") for i in range(50)]
    )
    periods = [(D(2024, 1, 1), D(2024, month, 28)) for month in range(1, 13)]
    expected = {p: int(ledger.segment_costs(*p).sum()) for p in periods}
    failures: list[BaseException] = []
    results: dict[tuple[dt.date, dt.date], int] = {}
    barrier = threading.Barrier(8)

    def work(offset: int) -> None:
        try:
            barrier.wait()
            for step in range(60):
                period = periods[(offset + step) % len(periods)]
                results[period] = int(ledger.segment_costs(*period).sum())
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert results == expected
