"""Ledgers on Dask: the same øre as the in-memory ledger, on a real distributed cluster with two
worker processes and on the default scheduler, from Parquet on disk."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray

from styringskerne import DispositionLedger, ImportFailedError, Money, StyringskerneError
from styringskerne.dask import DaskLedger, DaskSnapshot
from styringskerne.dask import explain_change as dask_explain
from styringskerne.dask import make_forecast as dask_forecast
from styringskerne.examples import example_municipality
from styringskerne.forecast.explanation import ChangeExplanation, explain_change
from styringskerne.forecast.forecast import DemandPool, Estimate, Snapshot, make_forecast
from styringskerne.io.csv import write_dispositions
from tests.test_forecast_parts import AS_OF, DRAWN, RULE, national_rows, same_refund

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
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": ":0"},  # no fixed port: runs side by side
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


ASSUMPTIONS = {
    "elderly_age": 65,
    "estimates": [
        Estimate(sub_area="5.38.50", net_citizens_per_year=2, average_yearly_price="400.000,00")
    ],
}
OPTIONS = {"refund": RULE, "sub_areas": {"5.38.50": "housing", "5.38.52": "housing"}}


@pytest.mark.slow
def test_the_forecast_on_a_local_cluster_equals_the_forecast(cluster: object) -> None:
    """Refund with households, outflow at 65, a demand pool and another payer: the month-end
    forecast from Dask partitions is the in-memory forecast to the øre."""
    frame = national_rows()
    pool = {"demand_pool": DemandPool(amount="2.000.000,00", drawn=DRAWN)}
    want = make_forecast(
        Snapshot(as_of=AS_OF, ledger=DispositionLedger.from_pandas(frame), **ASSUMPTIONS, **pool),
        budget={"5.38.50": "1.000.000,00"},
        **OPTIONS,
    )
    ledger = DaskLedger.from_dataframe(dd.from_pandas(frame, npartitions=3))
    got = dask_forecast(
        DaskSnapshot.of(ledger, AS_OF, **ASSUMPTIONS, **pool),
        budget={"5.38.50": "1.000.000,00"},
        **OPTIONS,
    )
    assert got.to_dict() == want.to_dict()
    assert got.state_refund is not None
    assert want.state_refund is not None
    same_refund(got.state_refund, want.state_refund)
    assert got.total_refund is not None
    assert got.total_refund.ore > 0


def month_later(frame: pd.DataFrame) -> pd.DataFrame:
    """A month later: one disposition gone, one new, one extended, one dearer, the expected
    ones granted, one at another provider and price, one paid by another municipality."""
    later = frame.copy()
    counts = later["disposition_id"].value_counts()
    single = sorted(counts[counts == 1].index)
    gone, extended, dearer, moved, paid = single[:5]
    later = later[later["disposition_id"] != gone]
    at = {
        name: later.index[later["disposition_id"] == name][0]
        for name in (extended, dearer, moved, paid)
    }
    later.loc[at[extended], "end"] = "2024-12-31"
    later.loc[at[dearer], "rate"] = "9999.50"
    later.loc[at[moved], ["provider", "rate"]] = ["Ny leverandør", "123.45"]  # a new offer
    later.loc[at[paid], "payer"] = "0461 Odense"
    later.loc[later["probability"] != "", "probability"] = ""
    new = later.iloc[[0]].assign(disposition_id="D-NEW-1", start="2024-09-15", end="")
    return pd.concat([later, new], ignore_index=True)


LATER = dt.date(2024, 9, 30)


@functools.cache
def explained_in_memory() -> ChangeExplanation:
    """The in-memory explanation of :func:`month_later`, the expectation of the Dask tests."""
    before, after = national_rows(), month_later(national_rows())
    return explain_change(
        Snapshot(as_of=AS_OF, ledger=DispositionLedger.from_pandas(before), **ASSUMPTIONS),
        Snapshot(as_of=LATER, ledger=DispositionLedger.from_pandas(after), **ASSUMPTIONS),
        **OPTIONS,
    )


@pytest.mark.slow
def test_the_change_explained_on_a_local_cluster_equals_the_explanation(cluster: object) -> None:
    """Two month-end snapshots on Dask explain the change item for item as in memory."""
    before, after = national_rows(), month_later(national_rows())
    want = explained_in_memory()
    on_dask = [
        DaskSnapshot.of(
            DaskLedger.from_dataframe(dd.from_pandas(rows, npartitions=parts)), day, **ASSUMPTIONS
        )
        for rows, day, parts in ((before, AS_OF, 3), (after, LATER, 2))
    ]
    got = dask_explain(on_dask[0], on_dask[1], **OPTIONS)
    assert got.to_dict() == want.to_dict()
    assert got.items == want.items
    reasons = {item.reason for item in want.items}
    assert {"new", "ended", "extended", "price", "provider", "payer", "probability",
            "refund"} <= reasons  # fmt: skip


def test_a_forecast_refuses_a_citizen_in_two_spellings() -> None:
    """Twenty dispositions of two rows each, their citizen written 0101901001 in the first
    row and 010190-1001 in the second, the first rows in one partition and the second rows in
    another: one citizen to the ledger, two persons to the shuffle, so each citizen lies in
    two partitions; the forecast refuses rather than split a citizen's spend (the ledger
    queries, which gather by disposition, are exact)."""
    cpr = [f"{day:02d}0190{1000 + day}" for day in range(1, 21)]
    rows = pd.DataFrame(
        {
            "disposition_id": [f"D{i}" for i in range(1, 21)] * 2,
            "citizen_id": cpr + [f"{number[:6]}-{number[6:]}" for number in cpr],
            "service": "SEL108",
            "start": ["2024-01-01"] * 20 + ["2024-02-01"] * 20,
            "end": ["2024-01-31"] * 20 + [""] * 20,
            "unit": "day",
            "rate": "1000.00",
            "quantity": "",
            "probability": "",
        }
    )
    on_dask = DaskLedger.from_dataframe(dd.from_pandas(rows, npartitions=2, sort=False))
    in_memory = DispositionLedger.from_pandas(rows)
    assert (
        on_dask.cost(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).total
        == in_memory.cost(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).total
    )
    with pytest.raises(StyringskerneError, match="two spellings") as error:
        dask_forecast(DaskSnapshot.of(on_dask, dt.date(2024, 6, 30)))
    assert "1001" not in str(error.value)
    # One spelling each; then every disposition changes citizen: some change partition.
    plain = rows.assign(citizen_id=rows["citizen_id"].str.replace("-", ""))
    moved = plain.assign(citizen_id="B-" + plain["disposition_id"])
    earlier = DaskLedger.from_dataframe(dd.from_pandas(plain, npartitions=4))
    later = DaskLedger.from_dataframe(dd.from_pandas(moved, npartitions=4))
    with pytest.raises(StyringskerneError, match="changed partition between the two snapshots"):
        dask_explain(
            DaskSnapshot.of(earlier, dt.date(2024, 5, 31)),
            DaskSnapshot.of(later, dt.date(2024, 6, 30)),
        )


def by_persons(frame: pd.DataFrame, groups: int) -> object:
    """A dask frame with each person's rows in one partition (a file per municipality)."""
    person = frame["household"].where(frame["household"] != "", frame["citizen_id"])
    number = person.map(lambda name: sum(map(ord, name)) % groups)  # the same in any snapshot
    parts = [frame[number == index] for index in range(groups)]
    return dd.concat([dd.from_pandas(part, npartitions=1) for part in parts])


@pytest.mark.slow
def test_frames_gathered_by_person_are_not_shuffled(cluster: object) -> None:
    """Snapshots already in a partition per group of persons (the same persons in the same
    partition of both) are used as they are — no shuffle — with the in-memory results."""
    from styringskerne.dask import persons

    before, after = national_rows(), month_later(national_rows())
    want = explained_in_memory()
    on_dask = [
        DaskSnapshot.of(DaskLedger.from_dataframe(by_persons(rows, 3)), day, **ASSUMPTIONS)
        for rows, day in ((before, AS_OF), (after, LATER))
    ]
    with (
        mock.patch.object(persons, "by_person", side_effect=AssertionError("shuffled")),
        mock.patch.object(
            dd.DataFrame, "shuffle", side_effect=AssertionError("shuffled"), autospec=True
        ),
    ):
        got = dask_explain(on_dask[0], on_dask[1], **OPTIONS)
        forecast = dask_forecast(on_dask[1], **OPTIONS)
        monthly = on_dask[1].ledger.monthly(2024, by="account")
    assert got.items == want.items
    assert got.to_dict() == want.to_dict()
    memory = DispositionLedger.from_pandas(after)
    assert (
        forecast.to_dict()
        == make_forecast(Snapshot(as_of=LATER, ledger=memory, **ASSUMPTIONS), **OPTIONS).to_dict()
    )
    assert np.array_equal(monthly.values, memory.monthly(2024, by="account").values)


@given(st.lists(st.text(max_size=80), max_size=40))
def test_person_hashes_are_equal_exactly_for_equal_texts(texts: list[str]) -> None:
    """Equal texts hash alike (so a split person is never missed); distinct texts, short and
    over 64 characters, hash apart."""
    from styringskerne.dask.persons import _hashes

    hashes = _hashes(np.array(texts, dtype=object))
    assert hashes.shape == (len(texts), 2)
    for text, pair in zip(texts, hashes, strict=True):  # alone as beside longer texts
        assert (_hashes(np.array([text], dtype=object))[0] == pair).all()
    for i, first in enumerate(texts):
        for j, second in enumerate(texts):
            assert (first == second) == bool((hashes[i] == hashes[j]).all()), (first, second)


@given(
    before=st.lists(st.lists(st.integers(0, 9), max_size=5), max_size=4),
    after=st.lists(st.lists(st.integers(0, 9), max_size=5), max_size=4),
    buckets=st.integers(1, 5),
)
def test_partition_checks_against_sets(
    before: list[list[int]], after: list[list[int]], buckets: int
) -> None:
    """Disjoint: no key in two partitions; aligned: a key in both sides is in the same
    partition of each — against the rule written with Python sets; and the same answers
    bucket by bucket (how the Dask forecast checks them, a task per bucket)."""
    from styringskerne.dask.persons import _aligned, _disjoint, _hashes, bucketed

    def in_buckets(parts: list[NDArray[np.uint64]]) -> list[list[NDArray[np.uint64]]]:
        split = [bucketed(part, buckets) for part in parts]
        for part, pieces in zip(parts, split, strict=True):  # every key in exactly one bucket
            assert sorted(map(tuple, np.concatenate([*pieces, part[:0]]).tolist())) == sorted(
                map(tuple, part.tolist())
            )
        return [[pieces[bucket] for pieces in split] for bucket in range(buckets)]

    def hashed(parts: list[list[int]]) -> list[NDArray[np.uint64]]:
        return [_hashes(np.array([f"k{key}" for key in sorted(set(part))], dtype=object))
                for part in parts]  # fmt: skip

    where = {key: index for index, part in enumerate(before) for key in part}
    later = {key: index for index, part in enumerate(after) for key in part}
    disjoint = all(
        not set(first) & set(second) for i, first in enumerate(before) for second in before[i + 1 :]
    )
    assert _disjoint(hashed(before)) == disjoint
    assert all(_disjoint(bucket) for bucket in in_buckets(hashed(before))) == disjoint
    if disjoint and all(
        not set(first) & set(second) for i, first in enumerate(after) for second in after[i + 1 :]
    ):
        aligned = all(where[key] == later[key] for key in where.keys() & later.keys())
        assert _aligned(hashed(before), hashed(after)) == aligned
        pairs = zip(in_buckets(hashed(before)), in_buckets(hashed(after)), strict=True)
        assert all(_aligned(left, right) for left, right in pairs) == aligned


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=14))
def test_equal_pairs_find_every_row_equal_to_another(rows: list[tuple[int, int]]) -> None:
    """Against counting by hand: a row is in a pair exactly when another row equals it, and
    paired rows are equal (runs of two, and longer runs of equal first columns)."""
    from styringskerne.dask.persons import _equal_pairs

    keys = np.array(rows, dtype=np.uint64).reshape(len(rows), 2)
    left, right = _equal_pairs(keys)
    assert all(rows[i] == rows[j] for i, j in zip(left.tolist(), right.tolist(), strict=True))
    repeated = {index for index, row in enumerate(rows) if rows.count(row) > 1}
    assert set(left.tolist()) | set(right.tolist()) == repeated


def test_gathering_shuffles_exactly_when_a_key_lies_in_two_partitions() -> None:
    """The checks behind the shuffles, run a task per bucket of hashes on the default
    scheduler: a frame is shuffled on the disposition id only when a disposition lies in two
    partitions, and two snapshots by person only when a person lies in two partitions of one
    or in different partitions of the two (or the partition counts differ)."""
    from styringskerne.dask import persons

    def frame(*parts: list[tuple[str, str]]) -> object:
        pieces = [
            pd.DataFrame(part, columns=["disposition_id", "citizen_id"]).assign(household="")
            for part in parts
        ]
        return dd.concat([dd.from_pandas(piece, npartitions=1) for piece in pieces])

    apart = frame([("d1", "a"), ("d2", "a")], [("d3", "b")])
    split_disposition = frame([("d1", "a")], [("d1", "a"), ("d3", "b")])
    split_person = frame([("d1", "a")], [("d2", "a"), ("d3", "b")])
    moved = frame([("d3", "b")], [("d1", "a"), ("d2", "a")])
    three = frame([("d1", "a")], [("d2", "c")], [("d3", "b")])
    names = {id(given): "as given" for given in (apart, split_person, split_disposition)}

    def gathered(*frames: object) -> list[str]:
        return [names.get(id(got), str(got)) for got in persons.gathered_by_person(frames)]

    with mock.patch.object(dd.DataFrame, "shuffle", autospec=True, return_value="shuffled"):
        for given, want in ((apart, "as given"), (split_person, "as given"),
                            (split_disposition, "shuffled")):  # fmt: skip
            got = persons.gathered_by_disposition(given)
            assert names.get(id(got), str(got)) == want
        assert gathered(apart) == ["as given"]
        assert gathered(apart, apart) == ["as given", "as given"]
        assert gathered(split_person) == ["shuffled"]
        assert gathered(apart, moved) == ["shuffled", "shuffled"]
        assert gathered(apart, three) == ["shuffled", "shuffled"]
        assert gathered(apart, split_person) == ["shuffled", "shuffled"]
