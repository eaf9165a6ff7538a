"""A forecast's ledger parts (``LedgerForecastParts``) and state refunds (``StateRefund``) of
ledgers with no person in common add up to those of one ledger of all the rows: the rule a
forecast on Dask rests on."""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from styringskerne import DispositionLedger, StyringskerneError
from styringskerne.core.cpr import is_cpr_shaped
from styringskerne.examples import example_municipality
from styringskerne.forecast.forecast import DemandPool, Estimate, Snapshot, make_forecast
from styringskerne.forecast.ledger_parts import LedgerForecastParts
from styringskerne.io.csv import write_dispositions
from styringskerne.ledger.refund import RefundRule, RefundThresholds, StateRefund

AS_OF = dt.date(2024, 8, 31)
# Low thresholds (an assumption for the test) so that many citizens get a refund.
RULE = RefundRule(
    thresholds=RefundThresholds(
        year=2024, thresholds=("150000", "400000", "900000"), source="low, for tests"
    )
)
DRAWN = ("D-SEL107-0003", "D-SEL85-0002")


@cache
def national_rows() -> pd.DataFrame:
    """The example municipality's rows with what it lacks: CPR numbers (some citizens born
    in 1959 turn 65 in 2024), two households of two children, and another payer."""
    town = example_municipality(2024)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        write_dispositions(town.dispositions, path)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    citizens = sorted(set(frame["citizen_id"]))
    cpr = {
        citizen: f"{(i % 28) + 1:02d}{(i % 12) + 1:02d}59-{1000 + i}"
        for i, citizen in enumerate(citizens[::7])
    }
    frame["citizen_id"] = frame["citizen_id"].map(lambda c: cpr.get(c, c))
    households = {citizens[1]: "H-1", citizens[2]: "H-1", citizens[3]: "H-2", citizens[4]: "H-2"}
    frame["household"] = frame["citizen_id"].map(lambda c: households.get(c, ""))
    frame["payer"] = np.where(frame["citizen_id"] == citizens[5], "0101 Other", "")
    return frame


@cache
def small_rows() -> pd.DataFrame:
    """The first 120 citizens of :func:`national_rows` and those of the drawn dispositions."""
    frame = national_rows()
    citizens = sorted(set(frame["citizen_id"]), key=list(frame["citizen_id"]).index)[:120]
    drawn = frame.loc[frame["disposition_id"].isin(DRAWN), "citizen_id"]
    return frame[frame["citizen_id"].isin([*citizens, *drawn])].reset_index(drop=True)


def person(frame: pd.DataFrame) -> pd.Series:
    return frame["household"].where(frame["household"] != "", frame["citizen_id"])


def forecast_of(ledger: DispositionLedger, parts: LedgerForecastParts | None = None) -> object:
    snapshot = Snapshot(
        as_of=AS_OF,
        ledger=ledger,
        elderly_age=65,
        demand_pool=DemandPool(amount="2.000.000,00", drawn=DRAWN),
        estimates=[
            Estimate(sub_area="5.38.50", net_citizens_per_year=2, average_yearly_price="400.000,00")
        ],
    )
    if parts is None:
        return make_forecast(snapshot, refund=RULE, budget={"5.38.50": "1.000.000,00"})
    from styringskerne.forecast.forecast import forecast_from_parts

    return forecast_from_parts(snapshot, parts, budget={"5.38.50": "1.000.000,00"})


def parts_of(frame: pd.DataFrame) -> LedgerForecastParts:
    return LedgerForecastParts.of(
        DispositionLedger.from_pandas(frame.reset_index(drop=True)),
        year=2024,
        as_of=AS_OF,
        elderly_age=65,
        pool_drawn=DRAWN,
        refund=RULE,
    )


def same_refund(got: StateRefund, want: StateRefund) -> None:
    assert got.to_dict(show_cpr=True) == want.to_dict(show_cpr=True)
    assert list(got.by_unit_and_sub_area.items()) == list(want.by_unit_and_sub_area.items())
    assert got.unknown_age == want.unknown_age
    assert got.after_67 == want.after_67


@settings(max_examples=12, deadline=None)
@given(data=st.data(), count=st.integers(1, 4))
def test_parts_of_disjoint_persons_merge_into_the_whole(data: st.DataObject, count: int) -> None:
    frame = small_rows()
    persons = sorted(set(person(frame)))
    chosen = data.draw(st.lists(st.integers(0, count - 1), min_size=len(persons),
                                max_size=len(persons)))  # fmt: skip
    part_of = dict(zip(persons, chosen, strict=True))
    which = person(frame).map(part_of)
    pieces = [parts_of(frame[which == index]) for index in range(count) if (which == index).any()]
    whole_ledger = DispositionLedger.from_pandas(frame)
    whole = parts_of(frame)
    merged = LedgerForecastParts.merge(pieces)
    assert merged.granted == whole.granted
    assert list(merged.granted) == list(whole.granted)
    assert merged.expected == whole.expected
    assert merged.paid_by_others == whole.paid_by_others
    assert merged.outflow == whole.outflow
    assert whole.outflow
    assert merged.pool_transfers == whole.pool_transfers
    assert whole.pool_transfers
    assert merged.state_refund is not None
    assert whole.state_refund is not None
    same_refund(merged.state_refund, whole.state_refund)
    assert any(whole.state_refund.households)  # the households are units of their own
    want = forecast_of(whole_ledger)
    got = forecast_of(DispositionLedger([]), merged)
    assert got.to_dict() == want.to_dict()  # type: ignore[attr-defined]


def test_a_person_in_two_parts_is_refused() -> None:
    """A citizen's two dispositions in two parts: the spend is split, so merging refuses."""
    frame = national_rows()
    for citizen, rows in frame[frame["household"] == ""].groupby("citizen_id"):
        ids = sorted(set(rows["disposition_id"]))
        halves = [rows[rows["disposition_id"] == ids[0]], rows[rows["disposition_id"] != ids[0]]]
        refunds = [parts_of(half).state_refund for half in halves] if len(ids) > 1 else []
        if refunds and all(r is not None and citizen in r.units for r in refunds):
            break
    else:
        raise AssertionError("no citizen with two counted dispositions in the example")
    with pytest.raises(StyringskerneError, match="is in parts 1 and 2") as error:
        StateRefund.merge(refunds)  # type: ignore[arg-type]
    if is_cpr_shaped(str(citizen)):  # a CPR number's serial stays masked
        assert str(citizen)[-4:] not in str(error.value)
    else:
        assert str(citizen) in str(error.value)


def test_merging_refuses_mixed_parts() -> None:
    ledger = DispositionLedger.from_pandas(national_rows().head(40))

    def of(as_of: dt.date = AS_OF, **options: object) -> LedgerForecastParts:
        return LedgerForecastParts.of(ledger, year=2024, as_of=as_of, **options)  # type: ignore[arg-type]

    plain = of()
    with pytest.raises(StyringskerneError, match="one year and date"):
        LedgerForecastParts.merge([plain, of(dt.date(2024, 9, 30))])
    with pytest.raises(StyringskerneError, match="move citizens at an age"):
        LedgerForecastParts.merge([plain, of(elderly_age=65)])
    with pytest.raises(StyringskerneError, match="a refund, or none"):
        LedgerForecastParts.merge([plain, of(refund=RULE)])
    with pytest.raises(StyringskerneError, match="at least one part"):
        LedgerForecastParts.merge([])
    with pytest.raises(StyringskerneError, match="drawn dispositions not in the ledger: D-X"):
        plain.check_pool(["D-X"])
    assert LedgerForecastParts.merge([plain]).granted == plain.granted
