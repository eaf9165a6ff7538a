"""Key figures (DOMAIN § 12; VIVE 2018 chapter 7, *Boks 7.2*)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money
from styringskerne.forecast.forecast import Forecast, ForecastLine
from styringskerne.kpi.figures import (
    Score,
    average_price,
    citizens_at,
    full_year_persons,
    full_year_persons_exact,
    granted_hours_per_week,
    inflow_outflow,
    length_of_stay,
    occupancy,
    progression,
    purchases_and_sales,
)
from tests.builders import day_stay
from tests.strategies import DATES, disposition_lists

D = dt.date


def one_citizen_each(dispositions: list[Disposition]) -> list[Disposition]:
    return [attrs.evolve(d, citizen_id=f"C{i}") for i, d in enumerate(dispositions)]


@given(dispositions=disposition_lists(), year=st.integers(2022, 2026))
def test_full_year_persons_are_days_in_service_over_days_in_year(dispositions, year) -> None:
    dispositions = one_citizen_each(dispositions)
    first, last = D(year, 1, 1), D(year, 12, 31)
    expected: dict[str, Fraction] = {}
    for disposition in dispositions:
        for segment in disposition.segments:
            if segment.unit.value == "once" or disposition.probability == 0:
                continue
            begin = max(segment.start, first)
            end = min(segment.end or last, last)
            days = (end - begin).days + 1
            if days > 0:
                expected[disposition.service] = expected.get(disposition.service, Fraction(0)) + (
                    Fraction(days) * disposition.probability
                )
    days_in_year = (D(year + 1, 1, 1) - first).days
    got = full_year_persons_exact(DispositionLedger(dispositions), first, last)
    assert got == {k: v / days_in_year for k, v in expected.items() if v}


@given(dispositions=disposition_lists(), day=DATES)
def test_counts_by_service_add_up_to_the_total(dispositions, day) -> None:
    dispositions = one_citizen_each(dispositions)
    ledger = DispositionLedger(dispositions)
    by_service = citizens_at(ledger, day)
    by_citizen = citizens_at(ledger, day, by="citizen")
    assert sum(by_service.values()) == sum(by_citizen.values()) == len(by_citizen)


@given(dispositions=disposition_lists(), year=st.integers(2022, 2026))
def test_average_price_times_full_year_persons_is_the_spend(dispositions, year) -> None:
    ledger = DispositionLedger(one_citizen_each(dispositions))
    first, last = D(year, 1, 1), D(year, 12, 31)
    persons = full_year_persons_exact(ledger, first, last)
    prices = average_price(ledger, first, last)
    spend = ledger.cost(first, last, by="service").to_mapping()
    for service, count in persons.items():
        assert abs(prices[service].ore * count - spend[service].ore) <= count / 2


def test_boks_7_2_deviation_column() -> None:
    """Boks 7.2 (Ikast-Brande, 30.06.2018, 1.000 kr.): deviation = expected − corrected budget."""
    rows = {  # corrected budget 2018, expected accounts 2018, printed deviation
        "Botilbud inden for kommunen": (53216, 48742, -4474),
        "Botilbud uden for kommunen": (70474, 68633, -1841),
        "Dagtilbud inden for kommunen": (14820, 13972, -848),
        "Dagtilbud uden for kommunen": (9793, 9125, -668),
        "Bostøtte og akutordning": (9471, 10545, 1074),
        "BPA, incl. refusion": (6143, 8669, 2526),
        "Øvrige ydelser": (5131, 6268, 1137),
    }
    forecast = Forecast(
        as_of=D(2018, 6, 30),
        year=2018,
        lines=(
            ForecastLine(
                kind="dispositions",
                label="expected",
                amounts={k: Money(v[1] * 100_000) for k, v in rows.items()},
            ),
        ),
        budget={k: Money(v[0] * 100_000) for k, v in rows.items()},
    )
    for name, (_, _, printed) in rows.items():
        assert forecast.deviation(name) == Money(printed * 100_000)
    # The rows "Refusion" and "Merudgift, incl. refusion" follow the same rule once the box's
    # OCR digit errors are corrected (−4.240 for "-1.240", 685/784 for 665/794); they are
    # reproduced with the refund in test_reports_plots_frames.py.


def test_granted_hours_occupancy_and_purchases() -> None:
    ledger = DispositionLedger(
        [
            Disposition.at_rate(
                id="S1",
                citizen_id="B-1",
                service="SEL85",
                rate="500,00",
                unit="week",
                quantity=6,
                start=D(2024, 1, 1),
            ),
            Disposition.at_rate(
                id="S2",
                citizen_id="B-2",
                service="SEL85",
                rate="500,00",
                unit="week",
                quantity="2,5",
                start=D(2024, 1, 1),
                probability="1/2",
            ),
            day_stay("R1", "B-3", "SEL108", D(2024, 1, 1), provider="Own"),
            day_stay("R2", "B-4", "SEL108", D(2024, 1, 1), rate="3.000,00", provider="Region"),
            day_stay("R3", "B-5", "SEL108", D(2024, 1, 1), provider="Own", payer="Odense"),
        ]
    )
    assert granted_hours_per_week(ledger, D(2024, 3, 1)) == {"SEL85": Fraction(29, 4)}
    assert occupancy(ledger, D(2024, 1, 1), D(2024, 1, 31), places={"Own": 4}) == {
        "Own": Fraction(1, 2)
    }
    trade = purchases_and_sales(ledger, D(2024, 1, 1), D(2024, 1, 31), own_providers=["Own"])
    assert trade["purchases"] == Money.of("93.000,00")
    assert trade["purchase_share"] == Fraction(3, 4)
    assert trade["sales"] == Money.of("31.000,00")


def test_boks_6_3_inflow_outflow_and_length_of_stay() -> None:
    def stay(id: str, citizen: str, start: dt.date, end: dt.date | None) -> Disposition:
        return day_stay(id, citizen, "SEL107", start, end)

    ledger = DispositionLedger(
        [
            stay("D1", "B-1", D(2024, 2, 10), D(2024, 5, 20)),
            stay("D2", "B-1", D(2024, 5, 21), D(2024, 8, 31)),  # continues: one spell, no in/out
            stay("D3", "B-2", D(2023, 6, 1), D(2024, 3, 31)),
            stay("D4", "B-3", D(2024, 11, 1), None),
        ]
    )
    flows = inflow_outflow(ledger, 2024)["SEL107"]
    assert flows["inflow"] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert flows["outflow"] == [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    stays = length_of_stay(ledger, D(2024, 1, 1), D(2024, 12, 31))
    assert stays["stays"] == 3  # D1, D2 and D3 ended in 2024
    assert stays["longest_days"] == (D(2024, 3, 31) - D(2023, 6, 1)).days + 1


def test_full_year_persons_count_overlapping_dispositions_once() -> None:
    """A special tariff beside a stay does not make the citizen two full-year persons."""
    base = day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), D(2024, 12, 31))
    extra = day_stay(
        "D1/særtakst/2024-03-01", "B-1", "SEL108", D(2024, 3, 1), D(2024, 6, 30), rate="500,00"
    )
    ledger = DispositionLedger([base, extra])
    assert full_year_persons(ledger, D(2024, 1, 1), D(2024, 12, 31)) == {"SEL108": 1}


def test_boks_7_3_progression_per_theme() -> None:
    scores = [
        Score(citizen_id="B-1", theme="daily living", day=D(2024, 1, 1), value=1),
        Score(citizen_id="B-1", theme="daily living", day=D(2024, 6, 1), value=2),
        Score(citizen_id="B-1", theme="daily living", day=D(2024, 12, 1), value=3),
        Score(citizen_id="B-2", theme="daily living", day=D(2024, 1, 1), value=3),
        Score(citizen_id="B-2", theme="daily living", day=D(2024, 12, 1), value=2),
        Score(citizen_id="B-3", theme="social life", day=D(2024, 1, 1), value=2),
    ]
    assert progression(scores) == {"daily living": Fraction(1, 2)}


def test_average_price_per_citizen_counts_each_citizen_once() -> None:
    from styringskerne.kpi.figures import average_price_per_citizen

    ledger = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL107", D(2024, 1, 1), D(2024, 12, 31)),
            day_stay("D2", "B-2", "SEL107", D(2024, 12, 1), D(2024, 12, 31)),
        ]
    )
    per_citizen = average_price_per_citizen(ledger, D(2024, 1, 1), D(2024, 12, 31))
    assert per_citizen == {"SEL107": Money.of("198.500,00")}  # (366 + 31) × 1.000 ÷ 2
    per_person = average_price(ledger, D(2024, 1, 1), D(2024, 12, 31))
    assert per_person == {"SEL107": Money.of("366.000,00")}


@given(
    pairs=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 30), st.booleans()), max_size=60),
    size=st.sampled_from([6, 1 << 22]),
)
def test_distinct_citizens_per_group_by_either_path(pairs, size) -> None:
    """Distinct citizens per group, counted as sets by hand; a small group count takes the
    presence mask, a huge one the sort."""
    from styringskerne.kpi.figures import _distinct_count

    groups = np.array([group for group, _, _ in pairs], dtype=np.int64)
    citizens = np.array([citizen for _, citizen, _ in pairs], dtype=np.int64)
    chosen = np.array([keep for _, _, keep in pairs], dtype=bool)
    expected: dict[int, set[int]] = {}
    for group, citizen, keep in pairs:
        if keep:
            expected.setdefault(group, set()).add(citizen)
    got = _distinct_count(groups, citizens, chosen, size)
    assert got.size == size
    assert {int(g): int(c) for g, c in enumerate(got.tolist()) if c} == {
        group: len(members) for group, members in expected.items()
    }


@given(dispositions=disposition_lists(), day=DATES)
def test_citizens_at_counts_each_citizen_once_per_service(dispositions, day) -> None:
    """Citizens in service on a day: a granted or expected (probability above 0) disposition
    with a period-priced segment covering the day, each citizen once per service."""
    expected: dict[str, set[str]] = {}
    for disposition in dispositions:
        if disposition.probability == 0:
            continue
        for segment in disposition.segments:
            covers = segment.start <= day and (segment.end is None or day <= segment.end)
            if covers and segment.unit.value != "once":
                expected.setdefault(disposition.service, set()).add(disposition.citizen_id)
    got = citizens_at(DispositionLedger(dispositions), day)
    assert got == {service: len(people) for service, people in expected.items()}
