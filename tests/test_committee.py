"""The visitation committee: VIVE 2018 (seed 003) *Tabel 4.2* (meeting cadence) and *Tabel 4.3*
(participants on the residential area), and decisions tied to a meeting."""

from __future__ import annotations

import datetime as dt

import pytest

from styringskerne import StyringskerneError
from styringskerne.visitation.committee import Committee, example_committee

D = dt.date

TABEL_4_2 = {  # as printed: Månedlig, Ugentlig, Månedlige "listemøder", Hver 14. dag
    "Frederikshavn": "monthly",
    "Gladsaxe": "weekly",
    "Haderslev": "monthly",
    "Hillerød": "fortnightly",
    "Holstebro": "fortnightly",
    "Ikast-Brande": "fortnightly",
    "Svendborg": "fortnightly",
}


def test_tabel_4_2_meeting_cadence() -> None:
    for municipality, cadence in TABEL_4_2.items():
        assert example_committee(municipality).cadence == cadence
    assert "list meeting" in example_committee("Haderslev").meeting_name
    # A year of meetings: 52 or 53 weekly, 26 or 27 fortnightly, 12 monthly.
    year = (D(2024, 1, 1), D(2024, 12, 31))
    assert len(example_committee("Gladsaxe").meetings(*year)) == 53  # 2024 has 53 Mondays
    assert len(example_committee("Svendborg").meetings(*year)) == 26
    assert len(example_committee("Frederikshavn").meetings(*year)) == 12


def test_tabel_4_3_participants() -> None:
    """The chair is the head of department or the authority manager, providers are fixed
    members everywhere, and caseworkers come ad hoc in six of seven (not Frederikshavn)."""
    chairs = {m: example_committee(m).chair.split(" (")[0] for m in TABEL_4_2}
    assert chairs == {
        "Frederikshavn": "head of department, authority",
        "Gladsaxe": "authority manager",
        "Haderslev": "authority manager",
        "Hillerød": "head of department",
        "Holstebro": "authority manager",
        "Ikast-Brande": "head of department",
        "Svendborg": "authority manager",
    }
    with_caseworkers = [m for m in TABEL_4_2 if any("caseworkers" in r for r in
                                                    example_committee(m).ad_hoc)]  # fmt: skip
    assert len(with_caseworkers) == 6
    assert "Frederikshavn" not in with_caseworkers
    assert "finance consultant (økonomikonsulent)" in example_committee("Hillerød").members
    assert len(example_committee("Svendborg").members) == 5


def test_a_decision_is_taken_at_a_meeting() -> None:
    committee = example_committee("Hillerød")
    meeting = committee.next_meeting(D(2024, 1, 10))
    assert meeting == D(2024, 1, 22)
    decision = committee.decide(
        disposition_id="D-1", citizen_id="010190-1234", meeting=meeting, granted=True
    )
    assert decision.meeting == meeting
    assert "010190-1234" not in repr(decision)
    with pytest.raises(StyringskerneError, match="does not meet on 2024-01-23"):
        committee.decide(
            disposition_id="D-1", citizen_id="B-1", meeting=D(2024, 1, 23), granted=True
        )
    with pytest.raises(StyringskerneError, match="'cadence' must be one of"):
        Committee(municipality="X", cadence="daily", chair="x")
    with pytest.raises(StyringskerneError, match="no example committee 'Aarhus'"):
        example_committee("Aarhus")
