"""Support hours delivered, granted and budgeted: VIVE 2018 (seed 003) *Tabel 7.1* (granted or
delivered § 85 hours as a key figure), *Boks 4.5* ("Leveres de aftalte støttetimer") and
*Boks 7.5* (granted hours a week against the budgeted hours, Frederikshavn)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger
from styringskerne.kpi.hours import DeliveredHours, hours_by_month, read_delivered_hours
from styringskerne.kpi.reports import hours_report

D = dt.date
LEDGER = DispositionLedger(
    [
        Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL85", rate="500,00",
                            unit="week", quantity=10, start=D(2024, 1, 1)),
        Disposition.at_rate(id="D2", citizen_id="B-2", service="SEL85", rate="500,00",
                            unit="week", quantity=7, start=D(2024, 4, 1)),
        Disposition.at_rate(id="D3", citizen_id="B-9", service="SEL108", rate="1.000,00",
                            unit="day", start=D(2024, 1, 1)),
    ]
)  # fmt: skip


def test_tabel_7_1_hours_delivered_granted_and_budgeted() -> None:
    """January 2024: granted 10 hours a week × 31 days / 7 = 310/7; delivered 40 (B-1's), the
    5 hours of B-9 (not in § 85) and last year's left out; share 40 ÷ 310/7 = 28/31; budgeted
    15 hours a week × 31 / 7 = 465/7. April: B-2 too, (10 + 7) × 30 / 7 = 510/7 granted."""
    delivered = [
        DeliveredHours(citizen_id="B-1", date=D(2024, 1, 15), hours=40),
        DeliveredHours(citizen_id="B-9", date=D(2024, 1, 15), hours=5),
        DeliveredHours(citizen_id="B-1", date=D(2023, 12, 31), hours=9),
        DeliveredHours(citizen_id="B-1", date=D(2024, 2, 1), hours="38,5"),
    ]
    months = hours_by_month(LEDGER, 2024, delivered, budgeted_per_week=15)
    january, february, april = months[0], months[1], months[3]
    assert january.granted == Fraction(310, 7)
    assert january.delivered == 40
    assert january.delivery_share == Fraction(28, 31)
    assert january.budgeted == Fraction(465, 7)
    assert january.granted_vs_budget == Fraction(310 - 465, 7)
    assert february.delivered == Fraction(77, 2)
    assert april.granted == Fraction(510, 7)
    assert hours_by_month(LEDGER, 2024)[0].budgeted is None


def test_delivered_hours_import_reports_every_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "timer.csv"
    path.write_text(
        "cpr;dato;timer\n"
        "010190-1234;2024-01-15;1,5\n"
        "B-2;15-01-2024;3\n"
        "B-3;2024-13-01;2\n"
        "B-4;2024-01-15;-1\n"
        "B-5;2024-01-15;\n",
        encoding="cp1252",
    )
    result = read_delivered_hours(path)
    assert [(h.citizen_id, h.date, h.hours) for h in result.items] == [
        ("010190-1234", D(2024, 1, 15), Fraction(3, 2)),
        ("B-2", D(2024, 1, 15), Fraction(3)),
    ]
    assert [(e.line, e.column) for e in result.errors] == [
        (4, "date"), (5, "hours"), (6, "hours")
    ]  # fmt: skip
    assert sorted(result.loaded_lines + tuple(e.line for e in result.errors)) == [2, 3, 4, 5, 6]
    assert "010190-1234" not in repr(result.items[0])


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 12)), max_size=20))
def test_delivered_hours_add_up_per_month(entries: list[tuple[int, int]]) -> None:
    delivered = [
        DeliveredHours(citizen_id="B-1", date=D(2024, month, 1), hours=Fraction(half, 2))
        for half, month in entries
    ]
    months = hours_by_month(LEDGER, 2024, delivered)
    assert sum((m.delivered for m in months), Fraction(0)) == sum(
        (Fraction(half, 2) for half, _ in entries), Fraction(0)
    )


def test_hours_in_a_report() -> None:
    """The hours as a report: two decimals from the exact figures, and a total row."""
    delivered = [DeliveredHours(citizen_id="B-1", date=D(2024, 1, 15), hours=40)]
    report = hours_report(hours_by_month(LEDGER, 2024, delivered, budgeted_per_week=15))
    january, total = report.rows[0], report.rows[-1]
    assert january == ("1", Decimal("44.29"), Decimal("40.00"), Fraction(28, 31), Decimal("66.43"))
    # 2024: B-1 10 hours a week × 366 / 7, B-2 7 hours a week × 275 / 7 (from 1 April).
    assert total[0] == "Total"
    assert total[1] == Decimal("797.86")  # (3.660 + 1.925) / 7 = 5.585 / 7 = 797,857…
    assert total[4] == Decimal("784.29")  # 15 × 366 / 7
    assert "Delivered share" in report.to_text()
