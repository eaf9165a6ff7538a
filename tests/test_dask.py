"""Ledgers on Dask: the same øre as the in-memory ledger, on a real distributed cluster with two
worker processes and on the default scheduler, from Parquet on disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from styringskerne import DispositionLedger, ImportFailedError, Money, StyringskerneError
from styringskerne.dask import DaskLedger
from styringskerne.examples import example_municipality
from styringskerne.io.csv import write_dispositions

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
# dask itself still calls a pandas API that pandas 3.1 deprecates; not this library's to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*The inplace keyword in DataFrame")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DispositionLedger]:
    """The example municipality as a dispositions file, written to Parquet in 4 parts."""
    folder = tmp_path_factory.mktemp("dask")
    town = example_municipality(2024)
    write_dispositions(town.dispositions, folder / "dispositions.csv")
    frame = pd.read_csv(folder / "dispositions.csv", dtype=str, keep_default_na=False)
    dd.from_pandas(frame, npartitions=4).to_parquet(folder / "parquet")
    return folder / "parquet", DispositionLedger(town.dispositions)


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


@pytest.mark.slow
def test_dask_ledger_on_a_local_cluster_equals_the_ledger(
    files: tuple[Path, DispositionLedger], cluster: object
) -> None:
    path, ledger = files
    assert len(cluster.scheduler_info()["workers"]) == 2  # type: ignore[attr-defined]
    on_dask = DaskLedger.from_dataframe(dd.read_parquet(path))
    monthly, expected = on_dask.monthly(2024, by="account"), ledger.monthly(2024, by="account")
    assert monthly.labels.tolist() == expected.labels.tolist()
    assert np.array_equal(monthly.values, expected.values)
    first, last = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    for by in (None, "citizen", "provider"):
        assert (
            on_dask.cost(first, last, by=by).to_dict() == ledger.cost(first, last, by=by).to_dict()
        )
    daily = on_dask.daily(dt.date(2024, 2, 1), dt.date(2024, 2, 29), by="service")
    assert np.array_equal(
        daily.values, ledger.daily(dt.date(2024, 2, 1), dt.date(2024, 2, 29), by="service").values
    )
    _assert_same_status(on_dask.as_of(dt.date(2024, 6, 30)), ledger.as_of(dt.date(2024, 6, 30)))


def _assert_same_status(got: object, expected: object) -> None:
    """The same Figur 6.1 rows to the øre: the total and every table, labels aligned."""
    assert got.total == expected.total  # type: ignore[attr-defined]
    assert got.tables.keys() == expected.tables.keys()  # type: ignore[attr-defined]
    for name, table in expected.tables.items():  # type: ignore[attr-defined]
        mine = got.tables[name]  # type: ignore[attr-defined]
        assert mine.labels.astype(str).tolist() == table.labels.astype(str).tolist()
        assert mine.values.tolist() == table.values.tolist()


def test_dask_ledger_on_the_default_scheduler_and_its_errors(
    files: tuple[Path, DispositionLedger],
) -> None:
    path, ledger = files
    frame = dd.read_parquet(path)
    on_dask = DaskLedger.from_dataframe(frame)
    total = on_dask.cost(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert total.total == ledger.cost(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).total
    status = on_dask.as_of(dt.date(2024, 9, 30))
    _assert_same_status(status, ledger.as_of(dt.date(2024, 9, 30)))
    assert status.total.booked_to_date == Money(0)
    assert status.total.expected.ore > 0
    with pytest.raises(StyringskerneError, match="is not in budget year 2025"):
        on_dask.as_of(dt.date(2024, 9, 30), year=2025)
    with pytest.raises(StyringskerneError, match="'disposition_id' column"):
        DaskLedger.from_dataframe(frame.drop(columns=["disposition_id"]))
    with pytest.raises(StyringskerneError, match="'by' must be one of"):
        on_dask.monthly(2024, by="colour")
    # A bad row stops the computation with the row named, as the CSV reader names it.
    bad = frame.compute().head(3).copy()
    bad.loc[bad.index[1], "rate"] = "lots"
    with pytest.raises(ImportFailedError, match="rate") as error:
        DaskLedger.from_dataframe(dd.from_pandas(bad, npartitions=1)).cost(
            dt.date(2024, 1, 1), dt.date(2024, 1, 31)
        )
    assert "line 2" in str(error.value) or "row 2" in str(error.value)


@pytest.mark.slow
def test_the_forecast_on_a_local_cluster_equals_the_forecast(cluster: object) -> None:
    """Refund with households, outflow at 65, a demand pool and another payer: the month-end
    forecast from Dask partitions is the in-memory forecast to the øre."""
    from styringskerne.forecast.forecast import DemandPool, Estimate, Snapshot, make_forecast
    from tests.test_forecast_parts import AS_OF, DRAWN, RULE, national_rows, same_refund

    frame = national_rows()
    assumptions = {
        "elderly_age": 65,
        "demand_pool": DemandPool(amount="2.000.000,00", drawn=DRAWN),
        "estimates": [
            Estimate(sub_area="5.38.50", net_citizens_per_year=2, average_yearly_price="400.000,00")
        ],
    }
    options = {"refund": RULE, "budget": {"5.38.50": "1.000.000,00"},
               "sub_areas": {"5.38.50": "housing", "5.38.52": "housing"}}  # fmt: skip
    want = make_forecast(
        Snapshot(as_of=AS_OF, ledger=DispositionLedger.from_pandas(frame), **assumptions),
        **options,
    )
    on_dask = DaskLedger.from_dataframe(dd.from_pandas(frame, npartitions=3))
    got = on_dask.make_forecast(AS_OF, **options, **assumptions)
    assert got.to_dict() == want.to_dict()
    assert got.state_refund is not None
    assert want.state_refund is not None
    same_refund(got.state_refund, want.state_refund)
    assert got.total_refund is not None
    assert got.total_refund.ore > 0


def test_a_forecast_refuses_a_citizen_in_two_spellings() -> None:
    """Two rows of one disposition, the citizen written 0101901234 and 010190-1234: the same
    citizen to the ledger, but two shuffle keys; the forecast refuses rather than split."""
    rows = pd.DataFrame(
        {
            "disposition_id": ["D1", "D1"] + [f"D{i}" for i in range(2, 40)],
            "citizen_id": ["0101901234", "010190-1234"] + [f"B-{i}" for i in range(2, 40)],
            "service": "SEL108",
            "start": ["2024-01-01", "2024-02-01"] + ["2024-01-01"] * 38,
            "end": ["2024-01-31", ""] + [""] * 38,
            "unit": "day",
            "rate": "1000.00",
            "quantity": "",
            "probability": "",
        }
    )
    on_dask = DaskLedger.from_dataframe(dd.from_pandas(rows, npartitions=4))
    in_memory = DispositionLedger.from_pandas(rows)
    assert (
        on_dask.cost(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).total
        == in_memory.cost(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).total
    )
    with pytest.raises(StyringskerneError, match="two spellings") as error:
        on_dask.make_forecast(dt.date(2024, 6, 30))
    assert "1234" not in str(error.value)
