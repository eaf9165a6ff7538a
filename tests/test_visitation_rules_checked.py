"""Every check of the visitation rules, triggered and read word for word.

The competence rules (kompetenceregler) and the follow-up schedule (opfølgningsplan) are data a
municipality writes by hand; each mistake must be refused with a message that names what is
wrong and how to write it. The rule that picks a follow-up interval is checked here for the
provider kind and the age limits, one condition at a time.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from styringskerne.core.errors import StyringskerneError
from styringskerne.visitation.competence import Band, Rule, RuleSet, RuleVersion
from styringskerne.visitation.followup import FollowUpRule, FollowUpSchedule

LEVELS = ("sagsbehandler", "leder", "udvalg")


def _message(build: Any) -> str:
    with pytest.raises(StyringskerneError) as error:
        build()
    return str(error.value)


def _bands(*limits: Fraction | None) -> list[Band]:
    return [Band(up_to=limit, level=LEVELS[index]) for index, limit in enumerate(limits)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"services": "SEL108", "level": "leder"},
         "'services' must be a list of service codes (got 'SEL108')"),
        ({"services": ["SEL108"], "measure": "weight", "level": "leder", "text": "r1"},
         "rule 'r1': 'measure' must be one of none|yearly_amount|hours_per_week|hours_per_month"
         "|day_share|package (got 'weight')"),
        ({"services": ["SEL108"], "text": "r2"},
         "rule 'r2': without a measure give one 'level' and no bands"),
        ({"services": ["SEL108"], "level": "leder", "bands": _bands(None), "text": "r3"},
         "rule 'r3': without a measure give one 'level' and no bands"),
        ({"services": ["SEL108"], "measure": "day_share", "level": "leder", "text": "r4"},
         "rule 'r4': with measure 'day_share' give 'bands', not 'level'"),
        ({"services": ["SEL108"], "measure": "day_share", "text": "r5"},
         "rule 'r5': with measure 'day_share' give 'bands', not 'level'"),
        ({"services": ["SEL108"], "measure": "day_share", "bands": _bands(Fraction(1, 2)),
          "text": "r6"},
         "rule 'r6': every band but the last needs 'up_to'; the last has none (it covers "
         "everything above), so the bands leave no gap"),
        ({"services": ["SEL108"], "measure": "day_share", "bands": _bands(None, None),
          "text": "r7"},
         "rule 'r7': every band but the last needs 'up_to'; the last has none (it covers "
         "everything above), so the bands leave no gap"),
        ({"services": ["SEL108"], "measure": "day_share",
          "bands": _bands(Fraction(1, 2), Fraction(1, 2), None), "text": "r8"},
         "rule 'r8': band limits must increase, or the bands overlap (got ['1/2', '1/2'])"),
    ],
)  # fmt: skip
def test_competence_rule_checks_word_for_word(options: dict[str, Any], message: str) -> None:
    assert _message(lambda: Rule(**options)) == message


def test_a_rule_by_measure_has_no_fixed_level() -> None:
    rule = Rule(services=["SEL108"], measure="day_share", bands=_bands(Fraction(1, 2), None),
                text="r9")  # fmt: skip
    assert _message(lambda: rule.fixed_level) == "rule 'r9' decides by day_share, not fixed"
    assert Rule(services=["SEL108"], level="leder").fixed_level == "leder"


def _rule_set(*rules: Rule, **options: Any) -> RuleSet:
    version = RuleVersion(valid_from=dt.date(2024, 1, 1), rules=rules)
    return RuleSet(name="test", services=["SEL108"], versions=[version], levels=LEVELS, **options)


def test_rule_set_checks_word_for_word() -> None:
    assert (
        _message(lambda: RuleSet(name="empty", services=["SEL108"], versions=[], levels=LEVELS))
        == "rule set 'empty' has no version"
    )
    assert _message(lambda: _rule_set(Rule(services=["SEL108"], level="borgmester"))) == (
        "rule set 'test' from 2024-01-01: unknown level 'borgmester'; levels are "
        "sagsbehandler, leder, udvalg"
    )
    discussed = [Band(up_to=Fraction(1, 2), level="leder", discussed_with="direktør"),
                 Band(up_to=None, level="udvalg")]  # fmt: skip
    assert _message(
        lambda: _rule_set(Rule(services=["SEL108"], measure="day_share", bands=discussed))
    ) == (
        "rule set 'test' from 2024-01-01: unknown level 'direktør'; levels are "
        "sagsbehandler, leder, udvalg"
    )
    assert _message(
        lambda: RuleSet.from_mapping({"name": "x", "services": ["SEL108"]}, source="x.toml")
    ) == (
        "x.toml: KeyError('version'); a rule set has name, services and [[version]] tables "
        "with valid_from and [[version.rule]] entries"
    )


def test_a_rule_set_whose_bands_fall_in_level_is_not_monotone() -> None:
    rising = Rule(services=["SEL108"], measure="day_share", bands=_bands(Fraction(1, 2), None))
    falling = Rule(
        services=["SEL108"],
        measure="day_share",
        bands=[Band(up_to=Fraction(1, 2), level="udvalg"), Band(up_to=None, level="leder")],
    )
    assert _rule_set(rising).is_monotone
    assert not _rule_set(falling).is_monotone


def test_deciding_many_rows_names_the_row_and_the_missing_measure() -> None:
    rule_set = _rule_set(
        Rule(services=["SEL108"], measure="day_share", bands=_bands(Fraction(1, 2), None))
    )
    assert _message(
        lambda: rule_set.decide_many(
            service=["SEL108", "SEL999"], yearly_amount_ore=[0, 0], internal=[True, True],
            day_share=[0.1, 0.2],
        )
    ) == "row 1: service 'SEL999' is not covered by rule set 'test'"  # fmt: skip
    message = _message(
        lambda: rule_set.decide_many(service=["SEL108"], yearly_amount_ore=[0], internal=[True])
    )
    assert message.startswith("rule set 'test' decides some rows by day_share; give it")
    levels = rule_set.decide_many(
        service=["SEL108", "SEL108"], yearly_amount_ore=[0, 0], internal=[True, False],
        day_share=[0.5, 0.75],
    )  # fmt: skip
    assert levels.tolist() == [0, 1]  # up to 1/2 the first level, above it the second


def test_a_yearly_amount_limit_must_be_kroner_as_text() -> None:
    data = {
        "name": "x",
        "services": ["SEL108"],
        "levels": list(LEVELS),
        "version": [
            {
                "valid_from": dt.date(2024, 1, 1),
                "rule": [
                    {
                        "services": ["SEL108"],
                        "measure": "yearly_amount",
                        "bands": [{"up_to": 110000, "level": "leder"}, {"level": "udvalg"}],
                    }
                ],
            }
        ],
    }
    assert _message(lambda: RuleSet.from_mapping(data)) == (
        'a yearly amount limit must be kroner as text, e.g. "110.000,00" (got 110000)'
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"services": "SEL108"}, "'services' must be a list (got 'SEL108')"),
        ({"first_after_months": 0}, "'first_after_months' must be a whole number of months >= 1"),
        ({"then_every_months": True},
         "'then_every_months' must be a whole number of months >= 1"),
        ({"then_every_months": 1.5}, "'then_every_months' must be a whole number of months >= 1"),
        ({"age_from": -1}, "'age_from' must be a whole number of years or absent"),
        ({"age_to": False}, "'age_to' must be a whole number of years or absent"),
        ({"age_to": "18"}, "'age_to' must be a whole number of years or absent"),
    ],
)  # fmt: skip
def test_follow_up_rule_checks_word_for_word(options: dict[str, Any], message: str) -> None:
    given = {"services": ["SEL108"], "first_after_months": 3, "then_every_months": 12, **options}
    assert _message(lambda: FollowUpRule(**given)) == message


def test_the_follow_up_rule_is_the_first_that_holds() -> None:
    def rule(months: int, **options: Any) -> FollowUpRule:
        return FollowUpRule(services=["SEL108"], first_after_months=months,
                            then_every_months=12, **options)  # fmt: skip

    schedule = FollowUpSchedule(
        rules=[
            FollowUpRule(services=["SEL85"], first_after_months=1, then_every_months=6),
            rule(2, internal=True),
            rule(3, age_from=18, age_to=29),
            rule(4, age_from=30),
            rule(5, age_to=17),
            rule(6),
        ]
    )
    first = {
        (None, None): 6,  # no kind, no age: only the last rule asks for neither
        (True, None): 2,
        (False, 20): 3,
        (False, 18): 3,
        (False, 29): 3,
        (False, 30): 4,
        (False, 17): 5,
        (False, 0): 5,
    }
    for (internal, age), months in first.items():
        got = schedule.rule_for("SEL108", internal=internal, age=age).first_after_months
        assert got == months, (internal, age)
    assert schedule.rule_for("SEL85").first_after_months == 1
    assert _message(lambda: schedule.rule_for("SEL999")) == (
        "the follow-up schedule has no rule for service 'SEL999'"
    )
    assert _message(lambda: FollowUpSchedule.from_mapping({"rules": []})) == (
        "follow-up schedule: 'rule'; each [[rule]] has services, first_after_months and "
        "then_every_months"
    )
