"""The intervention ladder, follow-up and cross-sector payment (DOMAIN §§ 3, 11, 13)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import styringskerne
from styringskerne import DispositionLedger, Money, StyringskerneError
from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.visitation.crosssector import (
    UNASSIGNED,
    Family,
    SplitRule,
    costs_and_gains,
    selected_families,
    spend_by_area,
    spend_by_family,
)
from styringskerne.visitation.followup import (
    CRITERIA,
    FlexibleFollowUp,
    FollowUpCase,
    FollowUpSchedule,
    follow_up_status,
    most_expensive,
)
from styringskerne.visitation.ladder import (
    Target,
    citizen_steps,
    ladder_distribution,
    measure_target,
    movements,
)
from styringskerne.visitation.recommendation import RecommendationPolicy
from tests.builders import day_stay as grant
from tests.strategies import DATES, disposition_lists, money_ore

D = dt.date


# -- the ladder --------------------------------------------------------------------------------


@given(dispositions=disposition_lists(max_size=8), first=DATES, second=DATES)
def test_transition_rows_and_columns_add_up_to_the_positions(dispositions, first, second) -> None:
    ledger = DispositionLedger(dispositions)
    matrix = movements(ledger, first, second)
    for day, totals in ((first, matrix.at_first()), (second, matrix.at_second())):
        steps = citizen_steps(ledger, day)
        for position in range(1, len(totals)):
            assert totals[position] == sum(1 for s in steps.values() if max(s) == position)
    summary = matrix.summary()
    assert sum(summary.values()) == int(matrix.counts.sum())


def test_kolding_movements_down_the_ladder() -> None:
    """Kolding (seed 002): move citizens to less intrusive steps; count up, down, in and out."""
    ledger = DispositionLedger(
        [
            grant("D1", "B-1", "SEL108", D(2023, 1, 1), D(2024, 3, 31)),
            grant(
                "D2", "B-1", "ABL105", D(2024, 4, 1)
            ),  # long-term residential → housing-like: down
            grant("D3", "B-2", "SEL85", D(2023, 1, 1), D(2024, 5, 31)),
            grant("D4", "B-2", "SEL82", D(2024, 6, 1)),  # home support → group course: down
            grant("D5", "B-3", "SEL85", D(2023, 1, 1)),
            grant("D6", "B-3", "SEL107", D(2024, 9, 1)),  # home support → temporary: up
            grant("D7", "B-4", "SEL85", D(2024, 2, 1)),  # new: in
            grant("D8", "B-5", "SEL107", D(2023, 1, 1), D(2024, 8, 31)),  # ended: out
            grant("D9", "B-6", "SEL104", D(2023, 1, 1)),  # § 104 is step 1: stayed
            grant("D10", "B-7", "SEL103", D(2023, 1, 1)),  # sheltered work: off the ladder
        ]
    )
    matrix = movements(ledger, D(2024, 1, 1), D(2024, 12, 31))
    assert matrix.summary() == {"up": 1, "down": 2, "in": 1, "out": 1, "stayed": 1}
    assert citizen_steps(ledger, D(2024, 10, 1))["B-3"] == (3, 5)  # two steps at once
    assert "B-7" not in citizen_steps(ledger, D(2024, 10, 1))


def test_the_ladder_order_of_the_report() -> None:
    """VIVE 2018, section 2.2.1: unvisited activity and contact offers (§ 104) before
    group-based support (§ 82 a-c) before individual support (§ 85) before temporary (§ 107)
    before long-term residential offers (§ 108); ABL § 105 between § 85 and § 107 is the
    catalogue's assumption."""
    catalogue = ServiceCatalogue.default()
    order = ["SEL104", "SEL82", "SEL85", "ABL105", "SEL107", "SEL108"]
    assert [catalogue[code].ladder_step for code in order] == [1, 2, 3, 4, 5, 6]
    assert catalogue["SEL103"].ladder_step is None


def test_ladder_distribution_per_step() -> None:
    ledger = DispositionLedger(
        [
            grant("D1", "B-1", "SEL108", D(2024, 1, 1), D(2024, 1, 31)),
            grant("D2", "B-2", "SEL108", D(2023, 12, 22), D(2024, 1, 10), rate="2.000,00"),
            grant("D3", "B-3", "SEL85", D(2024, 1, 15)),
        ]
    )
    distribution = ladder_distribution(ledger, D(2024, 1, 1), D(2024, 1, 31))
    long_term = distribution.rows[5]
    assert (long_term.step, long_term.services) == (6, ("SEL108",))
    assert long_term.citizens == 2
    assert long_term.citizens_at_end == 1
    assert long_term.spend == Money.of("51.000,00")  # 31 × 1.000 + 10 × 2.000
    assert long_term.average_cost == Money.of("25.500,00")
    assert long_term.average_days == Fraction(31 + 20, 2)  # D2 began 22 December
    assert distribution.to_dict()["steps"]["3"]["citizens"] == 1


def test_targets_against_actuals() -> None:
    ledger = DispositionLedger(
        [
            grant("G1", "B-1", "SEL82", D(2024, 1, 1), provider="Own"),
            grant("G2", "B-2", "SEL82", D(2024, 1, 1), provider="Own"),
            grant("S1", "B-3", "SEL85", D(2024, 1, 1), provider="Private", rate="3.000,00"),
        ]
    )
    group_courses = Target(
        name="60 % in group courses",
        numerator_services=["SEL82"],
        denominator_services=["SEL82", "SEL85"],
        share="0.6",
    )
    result = measure_target(ledger, group_courses, D(2024, 6, 1))
    assert (result.numerator, result.denominator, result.met) == (2, 3, True)
    own = Target(
        name="75 % by own providers",
        numerator_services=["SEL82", "SEL85"],
        denominator_services=["SEL82", "SEL85"],
        numerator_providers=["Own"],
        share="0.75",
        measure="spend",
    )
    spend = measure_target(ledger, own, D(2024, 1, 1), D(2024, 1, 31))
    assert spend.actual == Fraction(2, 5)
    assert not spend.met


# -- follow-up ---------------------------------------------------------------------------------


@given(
    service=st.sampled_from(["SEL107", "SEL108", "ABL105", "SEL85", "SEL100", "SEL104"]),
    granted=DATES,
    last=st.one_of(st.none(), DATES),
)
def test_follow_up_is_never_due_before_the_grant(service, granted, last) -> None:
    schedule = FollowUpSchedule.default()
    assert schedule.next_due(service, granted, last) > granted
    case = FollowUpCase(
        disposition_id="D", citizen_id="B", service=service, granted=granted, last_follow_up=last
    )
    status = follow_up_status([case], granted)
    assert int(status.next_due[0]) > (granted - D(1970, 1, 1)).days


def test_overdue_per_caseworker_and_timeliness() -> None:
    cases = [
        FollowUpCase(
            disposition_id="D1",
            citizen_id="B-1",
            service="SEL107",
            caseworker="Anne",
            granted=D(2024, 1, 15),
        ),  # due 15 April
        FollowUpCase(
            disposition_id="D2",
            citizen_id="B-2",
            service="SEL108",
            caseworker="Anne",
            granted=D(2023, 1, 10),
            last_follow_up=D(2023, 7, 10),
        ),  # due 10 July 2024
        FollowUpCase(
            disposition_id="D3",
            citizen_id="B-3",
            service="SEL85",
            caseworker="Bo",
            granted=D(2024, 3, 1),
        ),  # due 1 June
    ]
    status = follow_up_status(cases, D(2024, 5, 1))
    assert [c.disposition_id for c in status.overdue] == ["D1"]
    assert status.overdue_by("caseworker") == {"Anne": 1}
    assert [c.disposition_id for c in status.due_within(31)] == ["D3"]
    assert status.timeliness == pytest.approx(2 / 3)


def test_boks_4_4_flexible_follow_up_criteria() -> None:
    """The six criteria of Ikast-Brande's flexible follow-up (*Boks 4.4*), one case each; the
    age criterion needs "hovedfokus på udvikling" as well."""
    base = FollowUpCase(
        disposition_id="D0",
        citizen_id="B-0",
        service="SEL108",
        granted=D(2022, 1, 1),
        last_follow_up=D(2023, 6, 1),
        birth_date=D(1980, 1, 1),
        tariff_group=1,
        tariff_groups=12,
    )
    cases = [
        base,
        attrs.evolve(base, disposition_id="D1", functional_level_changed=True),
        attrs.evolve(base, disposition_id="D2", tariff_group=12),
        attrs.evolve(base, disposition_id="D3", service="SEL85", tariff_group=5, tariff_groups=6),
        attrs.evolve(base, disposition_id="D4", asked_for=True),
        attrs.evolve(base, disposition_id="D5", political_priority=True),
        attrs.evolve(
            base,
            disposition_id="D6",
            service="SEL107",
            birth_date=D(2004, 6, 1),
            development_focus=True,
        ),
        # Boks 4.4: 18-23 in a temporary offer, but the focus is not development: not selected.
        attrs.evolve(base, disposition_id="D8", service="SEL107", birth_date=D(2004, 6, 1)),
        attrs.evolve(
            base, disposition_id="D7", granted=D(2018, 1, 1), last_follow_up=D(2019, 12, 31)
        ),
    ]
    selected = {
        case.disposition_id: reasons
        for case, reasons in FlexibleFollowUp().select(cases, D(2024, 1, 1))
    }
    assert selected == {
        "D1": ("functional_level_changed",),
        "D2": ("highest_tariff_group",),
        "D3": ("highest_tariff_group",),  # support in own home: the two highest groups
        "D4": ("asked_for",),
        "D5": ("political_priority",),
        "D6": ("young_in_temporary_placement",),
        "D7": ("no_follow_up_for_years",),
    }
    assert len(CRITERIA) == 6


def test_extraordinary_review_selections() -> None:
    ledger = DispositionLedger(
        [
            grant("D1", "B-1", "SEL108", D(2024, 1, 1), rate="3.000,00"),
            grant("D2", "B-2", "SEL107", D(2024, 1, 1), rate="2.000,00"),
            grant("D3", "B-3", "SEL107", D(2024, 1, 1), rate="1.000,00"),
        ]
    )
    top = most_expensive(ledger, D(2024, 1, 1), D(2024, 1, 31), count=2)
    assert [label for label, _ in top] == ["B-1", "B-2"]
    assert top[0][1] == Money.of("93.000,00")
    every = most_expensive(ledger, D(2024, 1, 1), D(2024, 1, 31), count=0, sub_area="5.38.52")
    assert [label for label, _ in every] == ["B-2", "B-3"]


def test_schedule_errors() -> None:
    with pytest.raises(StyringskerneError, match="no rule for service 'SEL999'"):
        FollowUpSchedule.default().next_due("SEL999", D(2024, 1, 1))
    with pytest.raises(StyringskerneError, match="in two rules"):
        FollowUpSchedule.from_mapping(
            {
                "rule": [
                    {"services": ["SEL85"], "first_after_months": 3, "then_every_months": 12},
                    {"services": ["SEL85"], "first_after_months": 6, "then_every_months": 12},
                ]
            }
        )


# -- cross-sector ------------------------------------------------------------------------------


@given(
    amount=money_ore,
    weights=st.dictionaries(
        st.sampled_from(["social", "health", "jobs", "school"]), st.integers(0, 1000), min_size=1
    ).filter(lambda w: any(w.values())),
)
def test_a_split_adds_up_exactly_to_the_whole(amount, weights) -> None:
    parts = SplitRule(weights=weights).split(Money(amount))
    assert Money.total(parts.values()) == Money(amount)


def test_spend_by_area_and_by_family() -> None:
    ledger = DispositionLedger(
        [
            grant(
                "D1", "B-1", "SEL85", D(2024, 1, 1), granting_area="social", paying_area="social"
            ),
            grant("D2", "B-2", "SEL108", D(2024, 1, 1), paying_area="health", rate="3.000,00"),
            grant("D3", "B-3", "SEL104", D(2024, 1, 1), rate="500,00"),
        ]
    )
    shared = {"D2": SplitRule(weights={"health": 2, "social": 1})}
    spend = spend_by_area(ledger, D(2024, 1, 1), D(2024, 1, 31), rules=shared)
    assert spend == {
        "health": Money.of("62.000,00"),
        "social": Money.of("62.000,00"),  # 31.000 own + a third of 93.000
        UNASSIGNED: Money.of("15.500,00"),
    }
    assert Money.total(spend.values()) == ledger.cost(D(2024, 1, 1), D(2024, 1, 31)).total
    family = spend_by_family(
        ledger, D(2024, 1, 1), D(2024, 1, 31), families={"B-1": "F1", "B-2": "F1"}
    )
    assert family == {"F1": {"health": Money.of("93.000,00"), "social": Money.of("31.000,00")}}
    with pytest.raises(StyringskerneError, match="not all zero"):
        SplitRule(weights={"social": 0})


def test_follow_up_defaults_without_a_seed_are_marked_assumptions() -> None:
    """The report gives no cadence for § 103, § 104 and § 96 and no cap on alternatives: the
    data file and the policy say so rather than credit a seed."""
    text = (Path(styringskerne.__file__).parent / "visitation" / "followup.toml").read_text(
        encoding="utf-8"
    )
    rule = text.split('services = ["SEL103", "SEL104", "SEL96"]')[0].rsplit("[[rule]]", 1)[1]
    assert "ASSUMPTION" in rule
    assert "ASSUMPTION" in (RecommendationPolicy.__doc__ or "")


def test_follow_up_cadence_by_provider_kind_and_age() -> None:
    """VIVE 2018 section 4.5: Holstebro follows up external temporary residential offers every
    third month and its own every half year; Svendborg young citizens in temporary offers
    every third month and the others yearly."""
    holstebro = FollowUpSchedule.example("holstebro")
    last = D(2024, 3, 1)
    assert holstebro.next_due("SEL107", D(2024, 1, 1), last, internal=False) == D(2024, 6, 1)
    assert holstebro.next_due("SEL107", D(2024, 1, 1), last, internal=True) == D(2024, 9, 1)
    with pytest.raises(StyringskerneError, match="no rule for service 'SEL107'"):
        holstebro.next_due("SEL107", D(2024, 1, 1), last)  # provider kind unknown
    svendborg = FollowUpSchedule.example("svendborg")
    young, older = D(2003, 6, 1), D(1980, 6, 1)  # 20 and 43 on 1 March 2024
    assert svendborg.next_due("SEL107", D(2024, 1, 1), last, birth_date=young) == D(2024, 6, 1)
    assert svendborg.next_due("SEL107", D(2024, 1, 1), last, birth_date=older) == D(2025, 3, 1)
    # The vectorised path agrees with the one-case path.
    cases = [
        FollowUpCase(disposition_id="D1", citizen_id="B-1", service="SEL107",
                     granted=D(2024, 1, 1), last_follow_up=last, birth_date=young),
        FollowUpCase(disposition_id="D2", citizen_id="B-2", service="SEL107",
                     granted=D(2024, 1, 1), last_follow_up=last, birth_date=older),
    ]  # fmt: skip
    status = follow_up_status(cases, D(2024, 7, 1), schedule=svendborg)
    assert [case.disposition_id for case in status.overdue] == ["D1"]
    with pytest.raises(StyringskerneError, match="never used"):
        FollowUpSchedule.from_mapping(
            {
                "rule": [
                    {"services": ["SEL107"], "first_after_months": 3, "then_every_months": 12},
                    {"services": ["SEL107"], "internal": False, "first_after_months": 3,
                     "then_every_months": 3},
                ]
            }
        )  # fmt: skip


def test_cross_sector_costs_and_gains_and_family_criteria() -> None:
    """Seed 001: a solution costs on one area and saves on another (focus point 5), and
    families are taken in by fixed criteria: cases on at least two sector areas, motivated
    (focus point 2)."""
    rows = costs_and_gains(
        {"social": Money.of("300.000,00"), "children": Money.of("100.000,00")},
        {"employment": "450.000,00", "children": "40.000,00"},
    )
    assert [(r.area, r.costs, r.gains, r.net) for r in rows] == [
        ("children", Money.of("100.000,00"), Money.of("40.000,00"), Money.of("-60.000,00")),
        ("employment", Money(0), Money.of("450.000,00"), Money.of("450.000,00")),
        ("social", Money.of("300.000,00"), Money(0), Money.of("-300.000,00")),
    ]
    assert Money.total(r.net for r in rows) == Money.of("90.000,00")
    families = [
        Family(family_id="F1", sectors={"employment", "children"}, motivated=True),
        Family(family_id="F2", sectors={"children"}, motivated=True),
        Family(family_id="F3", sectors={"employment", "adults", "children"}),
    ]
    outcome = {f.family_id: failed for f, failed in selected_families(families)}
    assert outcome["F1"] == ()
    assert outcome["F2"] == ("cases on 1 sector areas, fewer than 2",)
    assert outcome["F3"] == ("not motivated to take part",)
    loose = selected_families(families, motivation_required=False)
    assert [f.family_id for f, failed in loose if not failed] == ["F1", "F3"]
