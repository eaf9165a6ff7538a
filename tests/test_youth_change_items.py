"""The youths from the children's area in the change explanation, item by item (2024).

Each youth's expected adult cost for 2024 is the days from the transition (the 18th birthday)
to 31 December × yearly cost ÷ 366 × probability; every item below is worked out that way.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs

from styringskerne import DispositionLedger
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot
from styringskerne.forecast.transitions import ColourRule, YouthTransition

LABEL = "youth from the children's area"


def youth(citizen: str, born: dt.date, service: str, **extra: object) -> YouthTransition:
    return YouthTransition(citizen_id=citizen, birth_date=born, service=service,
                           yearly_cost="366.000,00", **extra)  # type: ignore[arg-type]  # fmt: skip


def snapshot(day: dt.date, *youths: YouthTransition) -> Snapshot:
    return Snapshot(as_of=day, ledger=DispositionLedger([]), youths=youths)


def youth_items(before: Snapshot, after: Snapshot, **options: object) -> list[tuple]:
    change = explain_change(before, after, year=2024, **options)  # type: ignore[arg-type]
    return [
        (i.sub_area, i.reason, i.amount.ore, i.citizen_id, i.label)
        for i in change.items
        if i.label == LABEL
    ]


def test_youths_new_ended_dearer_and_likelier() -> None:
    # B-1: 18 on 1 July (184 days), ABL105 (5.38.51): probability 1/2 → 1: +92.000 kr.
    # B-2: 18 on 1 October (92 days), SEL85 (5.38.39), new: +92.000 kr.
    # B-3: 18 on 1 December (31 days), SEL85, gone: −31.000 kr.
    # B-4: 18 on 1 September (122 days), ABL105, dearer: 366.000 → 549.000 kr. a year,
    #      +61.000 kr. (same probability: "other").
    b1 = youth("B-1", dt.date(2006, 7, 1), "ABL105", probability=Fraction(1, 2))
    b3 = youth("B-3", dt.date(2006, 12, 1), "SEL85", probability=1)
    b4 = youth("B-4", dt.date(2006, 9, 1), "ABL105", probability=1)
    before = snapshot(dt.date(2024, 3, 31), b1, b3, b4)
    after = snapshot(
        dt.date(2024, 4, 30),
        attrs.evolve(b1, probability=Fraction(1)),
        youth("B-2", dt.date(2006, 10, 1), "SEL85", probability=1),
        attrs.evolve(b4, yearly_cost="549.000,00"),
    )
    assert youth_items(before, after) == [
        ("5.38.51", "probability", 9_200_000, "B-1", LABEL),
        ("5.38.39", "new", 9_200_000, "B-2", LABEL),
        ("5.38.39", "ended", -3_100_000, "B-3", LABEL),
        ("5.38.51", "other", 6_100_000, "B-4", LABEL),
    ]


def test_a_colour_that_changes_is_a_probability_item() -> None:
    # B-5: yellow (1/2 by the default rule, Boks 5.1) turns red (1): 18 on 1 July, 184 days at
    # 1.000 kr., half of them more: +92.000 kr. B-6 stays red: no item.
    b5 = youth("B-5", dt.date(2006, 7, 1), "ABL105", colour="yellow")
    b6 = youth("B-6", dt.date(2006, 7, 1), "ABL105", colour="red")
    before = snapshot(dt.date(2024, 3, 31), b5, b6)
    after = snapshot(dt.date(2024, 4, 30), attrs.evolve(b5, colour="red"), b6)
    rule = ColourRule()
    amount = 9_200_000
    assert youth_items(before, after, colour_rule=rule) == [
        ("5.38.51", "probability", amount, "B-5", LABEL),
    ]
    # Named sub-areas carry through.
    assert youth_items(before, after, colour_rule=rule, sub_areas={"5.38.51": "Bo"}) == [
        ("Bo", "probability", amount, "B-5", LABEL),
    ]
