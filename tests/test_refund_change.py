"""A changed state refund (serviceloven § 176) in the change explanation: its own reason,
``refund``, one item per person (or household) and sub-area, so the change of the *net*
forecast is explained to the øre.

Every expected amount is worked out by hand from the 2022 thresholds of the law text
(860.000 / 1.680.000 / 2.120.000 kr.; 25 %, 50 % and 75 % above them), on the yearly basis.
"""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot
from styringskerne.ledger.refund import RefundRule
from tests.builders import day_stay
from tests.test_forecast import edited

D = dt.date
YEARLY = attrs.evolve(RefundRule.for_year(2022), basis="year")
LABEL = "state refund (§ 176)"


def _pair(before: list[Disposition], after: list[Disposition]) -> tuple[Snapshot, Snapshot]:
    return (
        Snapshot(as_of=D(2022, 3, 31), ledger=DispositionLedger(before)),
        Snapshot(as_of=D(2022, 4, 30), ledger=DispositionLedger(after)),
    )


def _siblings() -> tuple[Disposition, Disposition]:
    """Two children of household H-7 at 1.643,84 kr. a day all year (SEL107, 5.38.52)."""
    first, second = (
        day_stay(f"D{n}", f"B-{n}", "SEL107", D(2022, 1, 1), D(2022, 12, 31),
                 rate="1.643,84", household="H-7", birth_date=D(2010, 5, 1))
        for n in (1, 2)
    )  # fmt: skip
    return first, second


def _refund_rows(change: object) -> list[tuple[str, str | None, str, int]]:
    items = change.items  # type: ignore[attr-defined]
    return sorted(
        (item.sub_area, item.citizen_id, item.label, item.amount.ore)
        for item in items
        if item.reason == "refund"
    )


def test_an_extended_stay_crossing_every_threshold_is_an_item_of_its_own() -> None:
    # 10.000 kr. a day in SEL108 (5.38.50). Before: 1 January – 30 June, 181 days =
    # 1.810.000 kr.: 25 % × 820.000 + 50 % × 130.000 = 270.000 kr.
    # After: all year, 3.650.000 kr.: 205.000 + 50 % × 440.000 + 75 % × 1.530.000
    # = 1.572.500 kr. The refund grows by 1.302.500 kr.: an item of −1.302.500 kr.
    half = day_stay("D1", "B-1", "SEL108", D(2022, 1, 1), D(2022, 6, 30), rate="10.000,00")
    previous, current = _pair([half], [half.with_end(D(2022, 12, 31))])
    change = explain_change(previous, current, year=2022, refund=YEARLY)
    assert _refund_rows(change) == [("5.38.50", "B-1", LABEL, -130_250_000)]
    extended = [item for item in change.items if item.reason == "extended"]
    assert [item.amount.ore for item in extended] == [184 * 1_000_000]
    # The net change: 1.840.000 − 1.302.500 = 537.500 kr., all of it explained.
    assert change.sub_area_changes == {"5.38.50": Money(53_750_000)}
    assert change.total_change == Money(53_750_000)
    assert change.residual == Money(0)
    # Shortened again, the refund shrinks: the item has the opposite sign.
    back = explain_change(current, previous, year=2022, refund=YEARLY)
    assert _refund_rows(back) == [("5.38.50", "B-1", LABEL, 130_250_000)]
    assert back.total_change == Money(-53_750_000)
    assert back.residual == Money(0)


def test_without_a_refund_rule_the_gross_change_has_no_refund_items() -> None:
    half = day_stay("D1", "B-1", "SEL108", D(2022, 1, 1), D(2022, 6, 30), rate="10.000,00")
    previous, current = _pair([half], [half.with_end(D(2022, 12, 31))])
    change = explain_change(previous, current, year=2022)
    assert _refund_rows(change) == []
    assert change.total_change == Money(184_000_000)


def test_a_household_gets_one_item_named_by_the_household() -> None:
    # Two siblings in household H-7 at 1.643,84 kr. a day all year (SEL107, 5.38.52): one
    # alone is 600.001,60 kr., below threshold 1; the second, new, brings the household to
    # 1.200.003,20 kr.: 25 % × 340.003,20 = 85.000,80 kr. The item has no citizen.
    first, second = _siblings()
    previous, current = _pair([first], [first, second])
    change = explain_change(previous, current, year=2022, refund=YEARLY)
    assert _refund_rows(change) == [("5.38.52", None, "household H-7", -8_500_080)]
    assert change.residual == Money(0)
    # The citizen's own item for the new disposition is still there, in full.
    new = [item for item in change.items if item.reason == "new"]
    assert [(item.citizen_id, item.amount.ore) for item in new] == [("B-2", 365 * 164_384)]


def test_a_changed_refund_is_split_over_the_persons_sub_areas() -> None:
    # Before: 6.000 kr. a day in SEL108 (5.38.50) all year, 2.190.000 kr.: 205.000 + 220.000
    # + 75 % × 70.000 = 477.500 kr., all in 5.38.50.
    # After, also 3.000 kr. a day in SEL104 (5.38.59): 3.285.000 kr.: 205.000 + 220.000
    # + 75 % × 1.165.000 = 1.298.750 kr., split 2 : 1 by the largest remainder:
    # 865.833,333… → 865.833,33 and 432.916,666… → 432.916,67 (the left-over øre goes to
    # the larger remainder). Change: 5.38.50 −388.333,33 kr., 5.38.59 −432.916,67 kr.
    stay = day_stay("D1", "B-1", "SEL108", D(2022, 1, 1), D(2022, 12, 31), rate="6.000,00")
    day = day_stay("D2", "B-1", "SEL104", D(2022, 1, 1), D(2022, 12, 31), rate="3.000,00")
    previous, current = _pair([stay], [stay, day])
    change = explain_change(previous, current, year=2022, refund=YEARLY)
    assert _refund_rows(change) == [
        ("5.38.50", "B-1", LABEL, -38_833_333),
        ("5.38.59", "B-1", LABEL, -43_291_667),
    ]
    assert change.sub_area_changes == {
        "5.38.50": Money(-38_833_333),
        "5.38.59": Money(365 * 300_000 - 43_291_667),
    }
    assert change.residual == Money(0)


def test_only_the_persons_whose_refund_changed_get_an_item() -> None:
    # B-1 is above threshold 1 all year in both snapshots (unchanged); B-2 is new and below
    # it; B-3 leaves the refund: 3.000 kr. a day all year (1.095.000 kr., 58.750 kr.
    # refund) ends on 30 June (543.000 kr., none). Only B-3 has an item: +58.750 kr.
    steady = day_stay("D1", "B-1", "SEL108", D(2022, 1, 1), D(2022, 12, 31), rate="5.000,00")
    small = day_stay("D2", "B-2", "SEL108", D(2022, 1, 1), D(2022, 12, 31), rate="100,00")
    leaving = day_stay("D3", "B-3", "SEL108", D(2022, 1, 1), D(2022, 12, 31), rate="3.000,00")
    previous, current = _pair([steady, leaving], [steady, small, leaving.with_end(D(2022, 6, 30))])
    change = explain_change(previous, current, year=2022, refund=YEARLY)
    assert _refund_rows(change) == [("5.38.50", "B-3", LABEL, 5_875_000)]
    assert change.residual == Money(0)


def test_persons_and_households_are_told_apart_in_one_change() -> None:
    # A household that both snapshots have and a citizen new in the current one: the
    # household keeps its label, the citizen gets the plain one, each in its own sub-area.
    first, second = _siblings()
    dear = day_stay("D9", "B-9", "SEL104", D(2022, 1, 1), D(2022, 12, 31), rate="3.000,00")
    previous, current = _pair([first, second], [first, second.with_end(D(2022, 6, 30)), dear])
    change = explain_change(previous, current, year=2022, refund=YEARLY)
    # The household: 1.200.003,20 kr. before, after 365 + 181 days at 1.643,84 kr. =
    # 897.536,64 kr.: 25 % × 37.536,64 = 9.384,16 kr.; the change 85.000,80 − 9.384,16.
    # B-9: 1.095.000 kr., 25 % × 235.000 = 58.750 kr.
    assert _refund_rows(change) == [
        ("5.38.52", None, "household H-7", 8_500_080 - 938_416),
        ("5.38.59", "B-9", LABEL, -5_875_000),
    ]
    assert change.residual == Money(0)


@given(pair=edited(), as_of=st.dates(D(2022, 1, 31), D(2022, 12, 31)))
def test_with_a_refund_the_net_change_is_explained_to_the_ore(
    pair: tuple[list[Disposition], list[Disposition]], as_of: dt.date
) -> None:
    before, after = pair
    previous = Snapshot(as_of=as_of, ledger=DispositionLedger(before))
    current = Snapshot(as_of=as_of, ledger=DispositionLedger(after))
    gross = explain_change(previous, current, year=2022)
    net = explain_change(previous, current, year=2022, refund=YEARLY)
    for change in (gross, net):
        assert change.residual == Money(0)
        for name in change.sub_area_changes:
            assert change.residual_in(name) == Money(0)
    # The refund items are exactly the difference between the gross and the net change,
    # and every other item is the same.
    refund_items = [item for item in net.items if item.reason == "refund"]
    assert net.total_change == gross.total_change + Money.total(i.amount for i in refund_items)
    assert [item for item in net.items if item.reason != "refund"] == list(gross.items)
    keys = [(item.sub_area, item.citizen_id, item.label) for item in refund_items]
    assert len(keys) == len(set(keys))
    assert all(item.amount for item in refund_items)
