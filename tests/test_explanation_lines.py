"""The change explanation's items for the forecast lines that are not dispositions: the
outflow to the elderly area, estimates, buffers, and the youths under a municipality's own
colour rule and service catalogue. Every amount is worked out by hand (2024, a leap year).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs

from styringskerne import DispositionLedger, Money
from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.forecast.explanation import ChangeExplanation, explain_change
from styringskerne.forecast.forecast import Buffer, Estimate, Snapshot
from styringskerne.forecast.transitions import ColourRule, YouthTransition
from tests.builders import day_stay

D = dt.date
BORN = {"B-7": D(1959, 10, 1)}  # 65 on 1 October 2024: 92 days of the year left


def _rows(change: ChangeExplanation) -> list[tuple[str, str, int, str | None, str]]:
    return [
        (item.sub_area, item.reason, item.amount.ore, item.citizen_id, item.label)
        for item in change.items
    ]


def _elderly(end: dt.date, age: int | None, as_of: dt.date) -> Snapshot:
    stay = day_stay("D1", "B-7", "SEL107", D(2024, 1, 1), end)  # 1.000 kr. a day, 5.38.52
    return Snapshot(as_of=as_of, ledger=DispositionLedger([stay]), elderly_age=age,
                    birth_dates=BORN)  # fmt: skip


def test_an_extension_past_the_65th_birthday_moves_its_tail_to_the_elderly_area() -> None:
    # Before: 1 January – 30 June, nothing after the birthday. After: through 31 December,
    # +184 days = 184.000 kr., of which 1 October – 31 December (92 days, 92.000 kr.) moves
    # to the elderly area: an item of −92.000 kr. The change of the forecast is +92.000 kr.
    previous = _elderly(D(2024, 6, 30), 65, D(2024, 3, 31))
    current = _elderly(D(2024, 12, 31), 65, D(2024, 4, 30))
    change = explain_change(previous, current)
    assert _rows(change) == [
        ("5.38.52", "extended", 18_400_000, "B-7", ""),
        ("5.38.52", "other", -9_200_000, "B-7", "to the elderly area"),
    ]
    assert change.total_change == Money(9_200_000)
    assert change.residual == Money(0)
    # Shortened again: the outflow leaves with the opposite sign.
    back = explain_change(current, previous)
    assert ("5.38.52", "other", 9_200_000, "B-7", "to the elderly area") in _rows(back)
    assert back.residual == Money(0)


def test_a_municipality_that_starts_or_stops_moving_costs_at_65() -> None:
    # The same stay all year; only the practice changes between the two snapshots.
    without = _elderly(D(2024, 12, 31), None, D(2024, 3, 31))
    with_it = _elderly(D(2024, 12, 31), 65, D(2024, 4, 30))
    starts = explain_change(without, with_it)
    assert _rows(starts) == [("5.38.52", "other", -9_200_000, "B-7", "to the elderly area")]
    assert starts.total_change == Money(-9_200_000)
    stops = explain_change(attrs.evolve(with_it, as_of=D(2024, 3, 31)),
                           attrs.evolve(without, as_of=D(2024, 4, 30)))  # fmt: skip
    assert _rows(stops) == [("5.38.52", "other", 9_200_000, "B-7", "to the elderly area")]
    # Named sub-areas carry through to the outflow's item.
    named = explain_change(without, with_it, sub_areas={"5.38.52": "Bo"})
    assert _rows(named) == [("Bo", "other", -9_200_000, "B-7", "to the elderly area")]
    assert named.residual == Money(0)


def test_estimates_and_buffers_changed_new_gone_and_unchanged() -> None:
    # Both snapshots as of 31 December 2023 for 2024: an estimate counts half of its
    # yearly amount (citizens arrive evenly over the year: ½ × 366² / 366²).
    def estimate(sub_area: str, net: int, price: str, label: str) -> Estimate:
        return Estimate(sub_area=sub_area, net_citizens_per_year=net,
                        average_yearly_price=price, label=label)  # fmt: skip

    steady = estimate("5.38.50", 1, "200.000,00", "a steady")  # 100.000 kr. both times
    previous = Snapshot(
        as_of=D(2023, 12, 31),
        ledger=DispositionLedger([]),
        estimates=(steady, estimate("5.38.52", 2, "366.000,00", "inflow")),
        buffers=(Buffer(sub_area="5.38.52", amount="100.000,00", label="buffer A"),),
    )
    current = Snapshot(
        as_of=D(2023, 12, 31),
        ledger=DispositionLedger([]),
        estimates=(
            steady,
            estimate("5.38.52", 3, "366.000,00", "inflow"),  # 366.000 → 549.000 kr.
            estimate("5.38.59", 1, "100.000,00", "z new"),  # new: 50.000 kr.
        ),
        buffers=(
            Buffer(sub_area="5.38.50", amount="50.000,00", label="buffer B"),
            Buffer(sub_area="5.38.52", amount="100.000,00", label="buffer C"),
        ),
    )
    change = explain_change(previous, current, year=2024)
    # In order: estimates by label (the unchanged one has no item), then buffers; a
    # renamed buffer is one gone and one new.
    assert _rows(change) == [
        ("5.38.52", "estimate", 18_300_000, None, "estimate: inflow"),
        ("5.38.59", "estimate", 5_000_000, None, "estimate: z new"),
        ("5.38.52", "other", -10_000_000, None, "buffer: buffer A"),
        ("5.38.50", "other", 5_000_000, None, "buffer: buffer B"),
        ("5.38.52", "other", 10_000_000, None, "buffer: buffer C"),
    ]
    assert change.sub_area_changes == {
        "5.38.50": Money(5_000_000),
        "5.38.52": Money(18_300_000),
        "5.38.59": Money(5_000_000),
    }
    assert change.residual == Money(0)
    # A gone estimate is an estimate item too.
    gone = explain_change(current, previous, year=2024)
    assert ("5.38.59", "estimate", -5_000_000, None, "estimate: z new") in _rows(gone)


def _youth(colour: str, account: str | None = None) -> YouthTransition:
    # 18 on 1 July 2024: 184 days of 2024 at 366.000 kr. a year = 184.000 kr. in full.
    return YouthTransition(citizen_id="B-5", birth_date=D(2006, 7, 1), service="ABL105",
                           yearly_cost="366.000,00", colour=colour,  # type: ignore[arg-type]
                           account=account)  # fmt: skip


def test_the_municipalitys_colour_rule_and_catalogue_reach_the_youths() -> None:
    # Yellow → red under a rule where yellow is ⅓: +⅔ × 184.000 = 122.666,67 kr. (the
    # default rule's ½ would give 92.000 kr.). The catalogue puts ABL105 on 9.99.
    catalogue = ServiceCatalogue(
        tuple(attrs.evolve(s, account="9.99") if s.code == "ABL105" else s
              for s in ServiceCatalogue.default())
    )  # fmt: skip
    previous = Snapshot(as_of=D(2024, 3, 31), ledger=DispositionLedger([]),
                        youths=(_youth("yellow"),))  # fmt: skip
    current = Snapshot(as_of=D(2024, 4, 30), ledger=DispositionLedger([]),
                       youths=(_youth("red"),))  # fmt: skip
    rule = ColourRule(yellow=Fraction(1, 3))
    change = explain_change(previous, current, colour_rule=rule, catalogue=catalogue)
    label = "youth from the children's area"
    assert _rows(change) == [("9.99", "probability", 12_266_667, "B-5", label)]
    assert change.sub_area_changes == {"9.99": Money(12_266_667)}
    assert change.residual == Money(0)
    # Green (0 under both rules) → yellow: ⅓ × 184.000 = 61.333,33 kr. under the rule.
    greener = attrs.evolve(previous, youths=(_youth("green"),))
    yellow = attrs.evolve(current, youths=(_youth("yellow"),))
    assert _rows(explain_change(greener, yellow, colour_rule=rule, catalogue=catalogue)) == [
        ("9.99", "probability", 6_133_333, "B-5", label)
    ]
    # Without them: the default rule and the shipped catalogue (ABL105 on 5.38.51).
    plain = explain_change(previous, current)
    assert _rows(plain) == [("5.38.51", "probability", 9_200_000, "B-5", label)]
    assert plain.residual == Money(0)
    # Named sub-areas reach the youths' line of the forecasts too, not only the items.
    named = explain_change(previous, current, sub_areas={"5.38.51": "Unge"})
    assert named.sub_area_changes == {"Unge": Money(9_200_000)}
    assert named.residual == Money(0)


def test_youths_and_the_elderly_outflow_in_one_change() -> None:
    # Both kinds of items at once: the youth turning red (+92.000 kr., ½ → 1 of 184.000 kr.)
    # and the outflow at 65 of an extended stay (−92.000 kr.), neither hiding the other.
    previous = attrs.evolve(_elderly(D(2024, 6, 30), 65, D(2024, 3, 31)),
                            youths=(_youth("yellow"),))  # fmt: skip
    current = attrs.evolve(_elderly(D(2024, 12, 31), 65, D(2024, 4, 30)),
                           youths=(_youth("red"),))  # fmt: skip
    change = explain_change(previous, current)
    assert _rows(change) == [
        ("5.38.52", "extended", 18_400_000, "B-7", ""),
        ("5.38.51", "probability", 9_200_000, "B-5", "youth from the children's area"),
        ("5.38.52", "other", -9_200_000, "B-7", "to the elderly area"),
    ]
    assert change.residual == Money(0)
