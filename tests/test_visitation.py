"""Visitation competences and recommendations (DOMAIN § 10; VIVE 2018 *Tabel 4.1*)."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Money, StyringskerneError, Tariff, TariffPrice
from styringskerne.visitation.competence import (
    EXAMPLE_RULE_SETS,
    LEVELS,
    Band,
    Rule,
    RuleSet,
    RuleVersion,
    example_rules,
)
from styringskerne.visitation.recommendation import (
    Alternative,
    Goal,
    Recommendation,
    RecommendationPolicy,
)

D = dt.date
SERVICES = ["SEL107", "SEL108", "ABL105", "SEL103", "SEL104", "SEL85"]

grants = st.fixed_dictionaries(
    {
        "service": st.sampled_from(SERVICES),
        "yearly_amount": st.integers(0, 3 * 10**8).map(Money),
        "internal": st.booleans(),
        "hours_per_week": st.integers(0, 80).map(lambda h: Fraction(h, 2)),
        "hours_per_month": st.integers(0, 200).map(lambda h: Fraction(h, 2)),
        "day_share": st.integers(0, 8).map(lambda h: Fraction(h, 8)),
    }
)


@given(name=st.sampled_from(EXAMPLE_RULE_SETS), grant=grants)
def test_every_grant_gets_exactly_one_level(name, grant) -> None:
    decision = example_rules(name).decide(**grant)
    assert decision.level in LEVELS
    assert decision.reason


@given(grant=grants, more=st.integers(0, 10**8))
def test_a_larger_amount_never_needs_a_lower_level(grant, more) -> None:
    rules = example_rules("ikast-brande")
    assert rules.is_monotone
    lower = rules.decide(**grant)
    higher = rules.decide(**{**grant, "yearly_amount": grant["yearly_amount"] + Money(more)})
    assert LEVELS.index(higher.level) >= LEVELS.index(lower.level)


@given(name=st.sampled_from(EXAMPLE_RULE_SETS), rows=st.lists(grants, min_size=1, max_size=20))
def test_many_decisions_at_once_equal_one_at_a_time(name, rows) -> None:
    rules = example_rules(name)
    levels = rules.decide_many(
        service=[r["service"] for r in rows],
        yearly_amount_ore=[r["yearly_amount"].ore for r in rows],
        internal=[r["internal"] for r in rows],
        hours_per_week=[float(r["hours_per_week"]) for r in rows],
        hours_per_month=[float(r["hours_per_month"]) for r in rows],
        day_share=[float(r["day_share"]) for r in rows],
    )
    assert [LEVELS[i] for i in levels.tolist()] == [rules.decide(**r).level for r in rows]


def level(name: str, **grant: object) -> str:
    values: dict[str, object] = {"yearly_amount": "0", "internal": True}
    values.update(grant)
    return example_rules(name).decide(**values).level  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("110.000,00", "caseworker"),
        ("110.000,01", "authority_manager"),
        ("415.000,00", "authority_manager"),
        ("415.000,01", "visitation_committee"),
        ("1.000.000,00", "visitation_committee"),
        ("1.000.000,01", "political_committee"),
    ],
)
def test_tabel_4_1_ikast_brande_amount_boundaries(amount: str, expected: str) -> None:
    """Tabel 4.1: up to 110.000 kr. caseworker, up to 415.000 manager, up to 1 mio. committee."""
    assert level("ikast-brande", service="SEL108", yearly_amount=amount) == expected
    assert level("ikast-brande", service="SEL85", yearly_amount=amount) == expected


def test_tabel_4_1_holstebro_package_and_half_time() -> None:
    """Tabel 4.1: home support up to package 5 (6 h/week), day service up to ½ time."""
    assert level("holstebro", service="SEL85", hours_per_week=6) == "caseworker"
    assert level("holstebro", service="SEL85", hours_per_week="6,5") == "visitation_committee"
    assert level("holstebro", service="SEL104", day_share="1/2") == "caseworker"
    assert level("holstebro", service="SEL103", day_share="0.6") == "visitation_committee"
    assert level("holstebro", service="SEL108") == "visitation_committee"


def test_tabel_4_1_hillerod_hours_per_month() -> None:
    """Tabel 4.1, Hillerød: support up to 9 hours a month in the caseworkers' column; more
    hours "drøftes med faglig koordinator på teammøde": discussed, still the caseworker's
    decision."""
    assert level("hillerod", service="SEL85", hours_per_month=9) == "caseworker"
    assert level("hillerod", service="SEL85", hours_per_month="9.5") == "caseworker"
    rules = example_rules("hillerod")
    more = rules.decide(
        service="SEL85", internal=True, yearly_amount=Money(0), hours_per_month="9.5"
    )
    assert more.discussed_with == "team_coordinator"
    less = rules.decide(service="SEL85", internal=True, yearly_amount=Money(0), hours_per_month=9)
    assert less.discussed_with is None
    assert level("hillerod", service="SEL104") == "visitation_committee"


def test_tabel_4_1_frederikshavn_only_external_places_go_to_the_committee() -> None:
    assert level("frederikshavn", service="SEL108", internal=False) == "visitation_committee"
    assert level("frederikshavn", service="SEL104", internal=False) == "visitation_committee"
    assert level("frederikshavn", service="SEL108", internal=True) == "caseworker"
    assert level("frederikshavn", service="SEL85", internal=False) == "caseworker"


@pytest.mark.parametrize(
    ("name", "residential", "home_support", "day_service"),
    [
        ("gladsaxe", "visitation_committee", "visitation_committee", "visitation_committee"),
        ("haderslev", "visitation_committee", "caseworker", "caseworker"),
        ("svendborg", "visitation_committee", "visitation_committee", "caseworker"),
    ],
)
def test_by_case_type(name: str, residential: str, home_support: str, day_service: str) -> None:
    assert level(name, service="SEL107") == residential
    assert level(name, service="SEL85") == home_support
    assert level(name, service="SEL103") == day_service


def test_gaps_and_overlaps_are_rejected() -> None:
    committee = Rule(services=["SEL85", "SEL108"], level="visitation_committee", text="all")
    with pytest.raises(StyringskerneError, match="gap: no rule covers SEL107 with an internal"):
        RuleSet(
            name="x",
            services=["SEL85", "SEL108", "SEL107"],
            versions=[RuleVersion(valid_from=D(2024, 1, 1), rules=[committee])],
        )
    with pytest.raises(StyringskerneError, match="overlap: SEL85 with an internal provider"):
        RuleSet(
            name="x",
            services=["SEL85", "SEL108"],
            versions=[
                RuleVersion(
                    valid_from=D(2024, 1, 1),
                    rules=[committee, Rule(services=["SEL85"], internal=True, level="caseworker")],
                )
            ],
        )
    with pytest.raises(StyringskerneError, match="band limits must increase"):
        Rule(
            services=["SEL85"],
            measure="hours_per_week",
            bands=[
                Band(up_to=Fraction(6), level="caseworker"),
                Band(up_to=Fraction(6), level="authority_manager"),
                Band(up_to=None, level="visitation_committee"),
            ],
        )
    with pytest.raises(StyringskerneError, match="unknown level 'mayor'"):
        RuleSet(
            name="x",
            services=["SEL85"],
            versions=[
                RuleVersion(
                    valid_from=D(2024, 1, 1), rules=[Rule(services=["SEL85"], level="mayor")]
                )
            ],
        )


def test_tightening_from_a_date() -> None:
    """When the economy is under pressure the municipality tightens the rules from a date."""
    rules = example_rules("ikast-brande")
    tighter = rules.tightened(
        D(2025, 1, 1),
        [
            Rule(
                services=SERVICES,
                measure="yearly_amount",
                bands=[
                    Band(up_to=Fraction(5_000_000), level="caseworker", text="up to 50.000 kr."),
                    Band(up_to=None, level="visitation_committee", text="above 50.000 kr."),
                ],
            )
        ],
    )
    grant = {"service": "SEL85", "yearly_amount": "80.000,00", "internal": True}
    assert tighter.decide(**grant, on=D(2024, 12, 31)).level == "caseworker"
    assert tighter.decide(**grant, on=D(2025, 1, 1)).level == "visitation_committee"
    with pytest.raises(StyringskerneError, match="no rules on 2017-12-31"):
        tighter.decide(**grant, on=D(2017, 12, 31))


def test_clear_errors_for_unknown_service_and_missing_measure() -> None:
    with pytest.raises(StyringskerneError, match="SEL96 is not covered|'SEL96' is not covered"):
        level("gladsaxe", service="SEL96")
    with pytest.raises(StyringskerneError, match="give hours_per_week"):
        level("holstebro", service="SEL85")
    with pytest.raises(StyringskerneError, match="choose one of frederikshavn"):
        example_rules("aarhus")


def test_a_rule_set_loads_from_json(tmp_path: Path) -> None:
    data = {
        "name": "own",
        "services": ["SEL85"],
        "version": [
            {
                "valid_from": "2024-01-01",
                "rule": [
                    {
                        "services": ["SEL85"],
                        "measure": "yearly_amount",
                        "bands": [
                            {"up_to": "100.000,00", "level": "caseworker"},
                            {"level": "authority_manager"},
                        ],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "own.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    rules = RuleSet.from_file(path)
    assert rules.decide(service="SEL85", yearly_amount="100.000,01", internal=True).level == (
        "authority_manager"
    )
    levels = rules.decide_many(
        service=np.array(["SEL85"]), yearly_amount_ore=[10_000_000], internal=[True]
    )
    assert levels.tolist() == [0]


def day_tariff(price: str) -> Tariff:
    return Tariff(
        code=price, unit="day", prices=(TariffPrice(valid_from=D(2024, 1, 1), rate=price),)
    )


def recommendation(*alternatives: Alternative) -> Recommendation:
    return Recommendation(
        citizen_id="010190-1234",
        vum_level="D",
        start=D(2024, 3, 1),
        follow_up=D(2024, 9, 1),
        goals=[Goal(text="manage own medicine", indicator="weeks without help", target="8")],
        alternatives=alternatives,
    )


def test_recommendation_prices_ladder_and_competence() -> None:
    made = recommendation(
        Alternative(service="SEL108", tariff=day_tariff("2.249,00"), internal=False),
        Alternative(service="ABL105", tariff=day_tariff("1.449,00")),
        Alternative(
            service="SEL85",
            tariff=Tariff(
                code="h",
                unit="week",
                prices=(TariffPrice(valid_from=D(2024, 1, 1), rate="520,00"),),
            ),
            quantity=10,
            hours_per_week=10,
        ),
    )
    assert made.problems() == ()
    assert [str(p) for p in made.yearly_prices()] == [
        "820.885,00 kr.",
        "528.885,00 kr.",
        "271.142,86 kr.",
    ]
    assert made.least_intrusive().service == "SEL85"
    decisions = made.competence(example_rules("ikast-brande"))
    assert [d.level for d in decisions] == [
        "visitation_committee",
        "visitation_committee",
        "authority_manager",
    ]
    assert [d.level for d in made.competence(example_rules("holstebro"))] == [
        "visitation_committee",
        "visitation_committee",
        "visitation_committee",
    ]
    assert "1234" not in repr(made)


def test_recommendation_policy_problems() -> None:
    lonely = recommendation(Alternative(service="SEL108", internal=False))
    assert lonely.problems() == (
        "1 alternative(s); the policy asks for 2 to 3",
        "alternative 1 (SEL108) is external and unpriced",
    )
    assert (
        lonely.problems(RecommendationPolicy(min_alternatives=1, price_required_for_external=False))
        == ()
    )
    with pytest.raises(StyringskerneError, match="010190-\\*\\*\\*\\*"):
        lonely.check()
    with pytest.raises(StyringskerneError, match="vum_level"):
        Recommendation(
            citizen_id="B-1",
            vum_level="F",
            goals=[],
            follow_up=D(2024, 2, 1),  # type: ignore[arg-type]
            alternatives=[],
            start=D(2024, 1, 1),
        )
