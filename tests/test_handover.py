"""The handover list from the children's area: VIVE 2018 (seed 003) *Boks 5.1* (Hillerød's
February list of youths from 16, with the child's current cost and "senest drøftet") and
section 5.4 (Ikast-Brande: a handover meeting at the latest at 17½)."""

from __future__ import annotations

import datetime as dt

from styringskerne import DispositionLedger, Money
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.forecast.handover import handover_list, list_date
from styringskerne.forecast.transitions import YouthTransition

D = dt.date


def youth(citizen: str, born: dt.date, **extra: object) -> YouthTransition:
    values: dict[str, object] = {
        "citizen_id": citizen,
        "birth_date": born,
        "service": "SEL107",
        "yearly_cost": "365.000,00",
        "probability": "1/2",
    }
    values.update(extra)
    return YouthTransition(**values)  # type: ignore[arg-type]


def test_boks_5_1_february_list() -> None:
    """On 1 February 2025: A is 16 (transition at 18 on 15 March 2026), B only 15, C turned 18
    in January (already over), D 17 with aftercare (transition at 23), E 17 turning 18 on
    1 July, discussed on 1 September 2024. Soonest transition first: E, A, D. D turned 17½ on
    1 November 2024 undiscussed since 17: the meeting is overdue; E was discussed after 17."""
    youths = [
        youth("B-A", D(2008, 3, 15), children_yearly_cost="420.000,00"),
        youth("B-B", D(2009, 6, 1)),
        youth("B-C", D(2007, 1, 10)),
        youth("B-D", D(2007, 5, 1), aftercare=True, last_discussed=D(2024, 3, 1)),
        youth("B-E", D(2007, 7, 1), last_discussed=D(2024, 9, 1), caseworker="Anne"),
    ]
    assert list_date(2025) == D(2025, 2, 1)
    rows = handover_list(youths, list_date(2025))
    assert [row.youth.citizen_id for row in rows] == ["B-E", "B-A", "B-D"]
    assert [row.age for row in rows] == [17, 16, 17]
    assert [row.transition for row in rows] == [D(2025, 7, 1), D(2026, 3, 15), D(2030, 5, 1)]
    assert [row.meeting_by for row in rows] == [D(2025, 1, 1), D(2025, 9, 15), D(2024, 11, 1)]
    assert [row.meeting_overdue for row in rows] == [False, False, True]
    # E: ½ × 365.000 kr. × 184 days (1 July - 31 December) / 365 = 92.000 kr.
    assert rows[0].expected_adult_cost == Money.of("92.000,00")
    assert rows[1].expected_adult_cost == Money(0)  # A moves in 2026
    assert rows[1].youth.children_yearly_cost == Money.of("420.000,00")
    # The list feeds the youth forecast: the same objects in the snapshot.
    forecast = make_forecast(
        Snapshot(as_of=D(2025, 2, 1), ledger=DispositionLedger([]),
                 youths=[row.youth for row in rows])
    )  # fmt: skip
    assert forecast.line("transitions").total == Money.of("92.000,00")
