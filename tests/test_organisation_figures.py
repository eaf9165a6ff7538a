"""Figures per inhabitant (VIVE 2018 *Bilagstabel 2-4*) and on the organisation (*Tabel 7.1*,
*Boks 7.6*): complaints, inquiries, sickness absence, target groups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from styringskerne import DispositionLedger, Money, StyringskerneError
from styringskerne.kpi.organisation import (
    Complaint,
    SicknessRecord,
    citizens_by_target_group,
    complaint_figures,
    inquiries_by_month,
    sickness_absence,
)
from styringskerne.kpi.population import per_10000, per_inhabitant, rounded
from tests.builders import day_stay

D = dt.date

# Bilagstabel 3: inhabitants aged 18-64 in 2017; Bilagstabel 4: users in 2017 and the printed
# user shares per 10.000 (Gladsaxe reported none; Holstebro counts full-year persons).
BILAGSTABEL_4 = {
    "Frederikshavn": (34_404, (94, 28, 274, 534), (27, 8, 80, 155)),
    "Haderslev": (32_635, (31, 29, 220, 487), (9, 9, 67, 149)),
    "Hillerød": (29_511, (96, 48, 73, 569), (33, 16, 25, 193)),
    "Holstebro": (34_143, (97, 28, 138, 462), (28, 8, 40, 135)),
    "Ikast-Brande": (23_806, (51, 37, 170, 294), (21, 16, 71, 123)),
    "Svendborg": (33_979, (48, 74, 184, 432), (14, 22, 54, 127)),
}
SERVICES = ("SEL107", "SEL108", "ABL105", "SEL85")


@pytest.mark.parametrize(("municipality", "row"), list(BILAGSTABEL_4.items()))
def test_bilagstabel_4_user_shares_per_10000(
    municipality: str, row: tuple[int, tuple[int, ...], tuple[int, ...]]
) -> None:
    """The printed user shares are the users ÷ the 18-64-year-olds × 10.000, rounded."""
    inhabitants, users, printed = row
    shares = per_10000(dict(zip(SERVICES, users, strict=True)), inhabitants)
    assert [rounded(shares[s]) for s in SERVICES] == [Decimal(p) for p in printed]


def test_bilagstabel_2_budget_per_18_64_year_old() -> None:
    """Frederikshavn's 2014 budget of 9.486 kr. per 18-64-year-old times its 34.404
    inhabitants, and back."""
    assert per_inhabitant(Money.of("326.356.344,00"), 34_404) == Money.of("9.486,00")
    with pytest.raises(StyringskerneError, match="whole number above 0"):
        per_10000({"SEL85": 1}, 0)


def test_complaints_share_changed_or_remitted() -> None:
    """Gladsaxe's four categories: upheld, changed, remitted, decided on the merits; the share
    changed or remitted of those decided on the merits (Bilagstabel 3's measure)."""
    complaints = [
        Complaint(decided=D(2016, 1, 5), outcome="upheld", law_area="SEL"),
        Complaint(decided=D(2016, 2, 5), outcome="upheld", law_area="SEL"),
        Complaint(decided=D(2016, 3, 5), outcome="changed", law_area="SEL"),
        Complaint(decided=D(2016, 4, 5), outcome="remitted", law_area="BL"),
        Complaint(decided=D(2016, 5, 5), outcome="dismissed", law_area="SEL"),
        Complaint(decided=D(2017, 5, 5), outcome="upheld", law_area="SEL"),
    ]
    figures = complaint_figures(complaints)
    assert figures[(2016, "")]["decided_on_merits"] == 4
    assert figures[(2016, "")]["changed_or_remitted_share"] == Fraction(1, 2)
    assert figures[(2017, "")]["changed_or_remitted_share"] == 0
    by_area = complaint_figures(complaints, by_law_area=True)
    assert by_area[(2016, "BL")]["changed_or_remitted_share"] == 1
    with pytest.raises(StyringskerneError, match="outcome must be one of"):
        Complaint(decided=D(2016, 1, 1), outcome="won")


def test_inquiries_and_sickness_absence_boks_7_6() -> None:
    """Boks 7.6 (Haderslev): each month's sickness absence this year against the two years
    before, only for units of more than five full-time equivalents."""
    assert inquiries_by_month([D(2024, 1, 3), D(2024, 1, 9), D(2024, 3, 1), D(2023, 3, 1)],
                              2024)[:3] == (2, 0, 1)  # fmt: skip
    records = [
        SicknessRecord(unit="Engvang", month=D(2018, 1, 1), absent_hours=74, contracted_hours=1480,
                       fte=10),
        SicknessRecord(unit="Engvang", month=D(2017, 1, 1), absent_hours=111,
                       contracted_hours=1480, fte=10),
        SicknessRecord(unit="Lille", month=D(2018, 1, 1), absent_hours=10, contracted_hours=592,
                       fte=4),
    ]  # fmt: skip
    table = sickness_absence(records, 2018, min_fte=5)
    assert set(table) == {"Engvang"}
    assert table["Engvang"][2018][0] == Fraction(1, 20)  # 74 of 1.480 hours: 5 %
    assert table["Engvang"][2017][0] == Fraction(3, 40)  # 7,5 %
    assert table["Engvang"][2016][0] is None
    assert set(sickness_absence(records, 2018)) == {"Engvang", "Lille"}


def test_citizens_by_target_group_not_by_paragraph() -> None:
    """Holstebro counts users by target group and sub-group, whatever their paragraph."""
    ledger = DispositionLedger(
        [
            day_stay("D1", "B-1", "SEL108", D(2024, 1, 1)),
            day_stay("D2", "B-2", "SEL85", D(2024, 1, 1)),
            day_stay("D3", "0101901234", "SEL85", D(2024, 1, 1)),
            day_stay("D4", "B-4", "SEL85", D(2024, 1, 1), D(2024, 1, 31)),
        ]
    )
    groups = {
        "B-1": ("autism", "adults"),
        "B-2": ("autism", "adults"),
        "010190-1234": ("mental illness", ""),
    }
    assert citizens_by_target_group(ledger, D(2024, 6, 30), groups) == {
        ("autism", "adults"): 2,
        ("mental illness", ""): 1,
    }
    assert citizens_by_target_group(ledger, D(2024, 1, 15), {}) == {("unknown", ""): 4}
