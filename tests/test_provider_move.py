"""A citizen moving to another provider (nyt tilbud) is explained with the reason ``provider``
(VIVE 2018, seed 003, *Boks 6.2*: "nyt tilbud"), whether the move is a new segment of one
disposition or one disposition ending and another starting at another provider."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from styringskerne import Disposition, DispositionLedger, Money
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot
from styringskerne.io.csv import read_dispositions, write_dispositions
from tests.builders import day_stay

D = dt.date
HEADER = (
    "disposition_id,citizen_id,service,account,provider,start,end,unit,rate,quantity,probability"
)


def change(
    before: list[Disposition], after: list[Disposition]
) -> dict[tuple[str | None, str], Money]:
    result = explain_change(
        Snapshot(as_of=D(2024, 3, 31), ledger=DispositionLedger(before)),
        Snapshot(as_of=D(2024, 4, 30), ledger=DispositionLedger(after)),
    )
    assert result.residual == Money(0)
    return {(item.disposition_id, item.reason): item.amount for item in result.items}


def test_provider_move_as_a_new_segment_of_one_disposition() -> None:
    """From 1 May at Skovly for 1.200 kr. a day instead of 1.000 kr. at Engvang: 245 days of
    2024 at 200 kr. more = 49.000 kr., reason provider; the days before stay at Engvang."""
    stay = day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), provider="Engvang")
    moved = stay.with_price_from(D(2024, 5, 1), "1.200,00", provider="Skovly")
    assert [s.provider for s in moved.segments] == [None, "Skovly"]
    assert change([stay], [moved]) == {("D1", "provider"): Money.of("49.000,00")}
    ledger = DispositionLedger([moved])
    by_provider = ledger.cost(D(2024, 1, 1), D(2024, 12, 31), by="provider")
    assert by_provider.to_dict() == {
        "Engvang": "121000.00",  # 1 January - 30 April: 121 days at 1.000 kr.
        "Skovly": "294000.00",  # 1 May - 31 December: 245 days at 1.200 kr.
    }
    # The same price at another provider is still a move, kept apart from the days before.
    same_price = stay.with_price_from(D(2024, 5, 1), "1.000,00", provider="Skovly")
    assert len(same_price.segments) == 2


def test_provider_move_between_two_dispositions() -> None:
    """D1 at Engvang ends on 30 April (121 days instead of 366: −245.000 kr.) and D2 at Skovly
    starts on 1 May for the same citizen and sub-area (245 days at 1.200 kr.: +294.000 kr.)."""
    before = [day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), provider="Engvang")]
    after = [
        day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), D(2024, 4, 30), provider="Engvang"),
        day_stay("D2", "B-1", "SEL108", D(2024, 5, 1), provider="Skovly", rate="1.200,00"),
    ]
    assert change(before, after) == {
        ("D1", "provider"): Money.of("-245.000,00"),
        ("D2", "provider"): Money.of("294.000,00"),
    }
    # At the same provider it is not a move: one stay ended, another began.
    again = [after[0], day_stay("D2", "B-1", "SEL108", D(2024, 5, 1), provider="Engvang")]
    assert set(change(before, again)) == {("D1", "ended"), ("D2", "new")}
    # Another citizen's new stay elsewhere is not B-1's move.
    other = [after[0], day_stay("D2", "B-2", "SEL108", D(2024, 5, 1), provider="Skovly")]
    assert set(change(before, other)) == {("D1", "ended"), ("D2", "new")}


def test_rows_of_one_disposition_may_differ_in_provider(tmp_path: Path) -> None:
    """A dispositions file with the move as a second row at another provider loads, and
    writes back the same rows."""
    path = tmp_path / "d.csv"
    path.write_text(
        f"{HEADER}\n"
        "D1,B-1,SEL108,,Engvang,2024-01-01,2024-04-30,day,1000.00,,\n"
        "D1,B-1,SEL108,,Skovly,2024-05-01,,day,1200.00,,\n",
        encoding="utf-8",
    )
    result = read_dispositions(path)
    assert not result.errors
    (disposition,) = result.items
    assert disposition.provider == "Engvang"
    assert [s.provider for s in disposition.segments] == [None, "Skovly"]
    copy = tmp_path / "copy.csv"
    write_dispositions([disposition], copy)
    assert read_dispositions(copy).items == (disposition,)
    assert "Skovly,2024-05-01" in copy.read_text(encoding="utf-8")


def test_provider_move_between_dispositions_numbered_by_from_arrays() -> None:
    """The same move with disposition ids that are numbers (from_arrays): the lookup matches
    them as numbers."""

    def ledger(ends: list[str], providers: list[str], starts: list[str]) -> DispositionLedger:
        size = len(starts)
        return DispositionLedger.from_arrays(
            citizen_id=np.array(["B-1"] * size), account=np.array(["5.38.50"] * size),
            start=np.array(starts, dtype="datetime64[D]"),
            end=np.array(ends, dtype="datetime64[D]"), unit=np.array(["day"] * size),
            rate_ore=np.array([100_000, 120_000][:size]), provider=np.array(providers),
            disposition_id=np.arange(size),
        )  # fmt: skip

    before = ledger(["NaT"], ["Engvang"], ["2024-01-01"])
    after = ledger(["2024-04-30", "NaT"], ["Engvang", "Skovly"], ["2024-01-01", "2024-05-01"])
    result = explain_change(
        Snapshot(as_of=D(2024, 3, 31), ledger=before), Snapshot(as_of=D(2024, 4, 30), ledger=after)
    )
    got = {(item.disposition_id, item.reason): item.amount for item in result.items}
    assert got == {
        ("0", "provider"): Money.of("-245.000,00"),
        ("1", "provider"): Money.of("294.000,00"),
    }


def test_a_move_is_found_beside_a_citizen_leaving_the_provider_moved_from() -> None:
    """B-1 leaves Engvang for Skovly (D1 gone, D2 new, 366 days each); B-2 is new at Engvang
    and B-3 leaves Engvang altogether. Only B-1 moved: B-3's leaving Engvang must not be
    taken for B-1 coming back to it. Amounts: 366 days at 1.000 kr. each way."""
    year = 366 * 100_000
    before = [
        day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), provider="Engvang"),
        day_stay("D3", "B-3", "SEL108", D(2024, 1, 1), provider="Engvang"),
    ]
    after = [
        day_stay("D2", "B-1", "SEL108", D(2024, 1, 1), provider="Skovly"),
        day_stay("D4", "B-2", "SEL108", D(2024, 1, 1), provider="Engvang"),
    ]
    assert change(before, after) == {
        ("D1", "provider"): Money(-year),
        ("D2", "provider"): Money(year),
        ("D3", "ended"): Money(-year),
        ("D4", "new"): Money(year),
    }


def test_citizens_in_different_sub_areas_are_not_taken_for_one_move() -> None:
    """B-1 is new at Skovly in 5.38.59 (SEL104), B-3 leaves Engvang in 5.38.50 (SEL108), B-2
    is new: three citizens over two sub-areas, none of whom moved. A key of citizen and
    sub-area that is not one-to-one (the citizen's number divided rather than multiplied)
    would join B-1 in the second sub-area with B-3 in the first and call both a move."""
    year = 366 * 100_000
    before = [day_stay("D3", "B-3", "SEL108", D(2024, 1, 1), provider="Engvang")]
    after = [
        day_stay("D2", "B-1", "SEL104", D(2024, 1, 1), provider="Skovly"),
        day_stay("D4", "B-2", "SEL108", D(2024, 1, 1), provider="Engvang"),
    ]
    assert change(before, after) == {
        ("D2", "new"): Money(year),
        ("D3", "ended"): Money(-year),
        ("D4", "new"): Money(year),
    }
