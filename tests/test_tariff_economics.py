"""Tariff economics and steering models (DOMAIN §§ 4, 9, 13; *Boks 4.2*, *4.3*, *4.4*)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money, StyringskerneError
from styringskerne.core.calendar import BudgetYear
from styringskerne.steering import (
    Activity,
    ActivityBased,
    ActivityBasedWithFixedFrame,
    Frame,
    RegulatedFrame,
    compare,
    empty_bed_warnings,
    occupancy_sensitivity,
)
from styringskerne.tariffs.costing import (
    CarryForwardRule,
    CostBudget,
    differentiated_prices,
    regulated_day_price,
    settle_year,
)
from styringskerne.tariffs.packages import example_catalogue
from styringskerne.tariffs.prices import cost_based_day_price
from styringskerne.tariffs.specialtariff import (
    SpecialTariffApplication,
    SpecialTariffGrant,
    expiring,
    special_tariff_figures,
)
from styringskerne.tariffs.staffing import WorkingTime, hourly_price, weekly_staff_hours
from tests.builders import day_stay
from tests.strategies import DATES

D = dt.date


# -- packages (Boks 4.3, 4.4) ------------------------------------------------------------------


def test_ikast_brande_packages_boks_4_4() -> None:
    catalogue = example_catalogue("ikast-brande")
    assert [p.code for p in catalogue.for_vum("C")] == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1"]
    assert [p.code for p in catalogue.for_vum("E")] == ["6.1"]
    assert catalogue.package("4.2").price_per_day == Money.of("1.599,00")
    assert catalogue.package("4.2").minutes_per_day == 250
    assert catalogue.for_minutes(23).code == "1.1"
    assert catalogue.for_minutes(24).code == "1.2"
    assert catalogue.for_minutes(390).code == "5.3"
    assert catalogue.for_minutes(391).code == "6.1"
    assert catalogue.step("3.2", -1).code == "3.1"


def test_gladsaxe_packages_boks_4_3() -> None:
    catalogue = example_catalogue("gladsaxe")
    assert [(p.code, p.vum, int(p.hours_per_week or 0)) for p in catalogue.packages] == [
        ("1", "C", 17),
        ("2", "D", 24),
        ("3", "D", 30),
        ("4", "D", 37),
        ("5", "E", 61),
        ("6", "E", 84),
    ]
    assert catalogue.for_hours(20).code == "1"
    assert catalogue.for_hours(21).code == "2"
    assert catalogue.for_hours(49).code == "4"
    assert catalogue.for_hours(50).code == "5"
    assert catalogue.for_hours(100).code == "6"
    with pytest.raises(StyringskerneError, match="use for_hours"):
        catalogue.for_minutes(10)


def test_boks_4_3_hours_are_citizen_related_not_ata() -> None:
    """*Boks 4.3*: "borgerrelaterede timer, dvs. ikke ATA-timer", kept as catalogue data, with
    the footnote on extra hours beyond the top package."""
    catalogue = example_catalogue("gladsaxe")
    assert "not ATA hours" in catalogue.time_basis
    assert "without holidays, sickness" in catalogue.time_basis
    assert "extra support hours" in catalogue.note
    assert example_catalogue("ikast-brande").time_basis == ""


def test_boks_4_4_package_6_1_is_priced_from_2498_upward() -> None:
    """*Boks 4.4*: "6.1 2.498+ kr." is a floor: each case has its own price from 2.498 kr.
    upward, never the floor by default; 5.3 at 2.498 kr. is a fixed price."""
    catalogue = example_catalogue("ikast-brande")
    top = catalogue.package("6.1")
    assert top.price_from
    assert not catalogue.package("5.3").price_from
    with pytest.raises(StyringskerneError, match="priced case by case from 2.498,00 kr. upward"):
        catalogue.day_price("6.1", "1.000,00")
    with pytest.raises(StyringskerneError, match="below its floor of 2.498,00 kr."):
        catalogue.day_price("6.1", "1.000,00", price="2.497,99")
    assert catalogue.day_price("6.1", "1.000,00", price="2.498,00") == Money.of("3.498,00")
    assert catalogue.day_price("6.1", "1.000,00", price="3.150,00") == Money.of("4.150,00")
    with pytest.raises(StyringskerneError, match="fixed price"):
        catalogue.day_price("5.3", "1.000,00", price="3.000,00")
    stay = day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), rate=catalogue.day_price("5.3", "900,00"))
    moved = catalogue.move(stay, day=D(2024, 7, 1), to="6.1", basistakst="900,00", price="2.800,00")
    assert [str(s.rate) for s in moved.segments] == ["3.398,00 kr.", "3.700,00 kr."]


@given(base=st.integers(0, 300_000), code=st.sampled_from(["1.1", "2.2", "3.2", "4.1", "5.3"]))
def test_basistakst_plus_package_price_is_the_day_price(base, code) -> None:
    catalogue = example_catalogue("ikast-brande")
    package = catalogue.package(code)
    assert package.price_per_day is not None
    assert catalogue.day_price(code, Money(base)) == Money(base) + package.price_per_day


def test_moving_one_package_up_is_a_dated_price_change() -> None:
    catalogue = example_catalogue("ikast-brande")
    stay = day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), rate=catalogue.day_price("3.2", "900,00"))
    moved = catalogue.move(
        stay, day=D(2024, 7, 1), to=catalogue.step("3.2", 1).code, basistakst="900,00"
    )
    assert [str(s.rate) for s in moved.segments] == ["2.049,00 kr.", "2.249,00 kr."]


# -- cost-based tariffs ------------------------------------------------------------------------


@given(
    cost=st.integers(10**8, 10**11),
    places=st.integers(1, 60),
    occupancy=st.integers(80, 100).map(lambda p: Fraction(p, 100)),
    year=st.integers(2020, 2030),
)
def test_a_cost_based_tariff_recovers_its_cost_to_the_rounding(
    cost, places, occupancy, year
) -> None:
    price = cost_based_day_price(
        total_cost=Money(cost), places=places, occupancy=occupancy, year=year
    )
    billed_days = places * BudgetYear(year).days * occupancy
    recovered = price.ore * billed_days
    assert abs(recovered - cost) <= billed_days / 2


def test_cost_budget_and_regulation_two_years_later() -> None:
    budget = CostBudget(
        direct="8.000.000,00",
        indirect="1.000.000,00",
        overhead_share="0.06",
        depreciation="300.000,00",
        interest="100.000,00",
    )
    assert budget.total == Money.of("9.940.000,00")
    settlement = settle_year(
        year=2024,
        occupied_days=7000,
        day_price="1.500,00",
        cost="9.940.000,00",
        budget=budget.total,
    )
    assert settlement.result == Money.of("560.000,00")  # surplus
    assert settlement.to_operating == Money.of("497.000,00")  # 5 % of the budget
    assert settlement.to_tariff == Money.of("63.000,00")
    assert settlement.tariff_year == 2026
    lowered = regulated_day_price(
        budget=budget, places=20, occupancy="0.95", year=2026, settlements=(settlement,)
    )
    plain = regulated_day_price(budget=budget, places=20, occupancy="0.95", year=2026)
    assert lowered < plain
    wider = settle_year(
        year=2024,
        occupied_days=7000,
        day_price="1.500,00",
        cost="9.940.000,00",
        budget=budget.total,
        rule=CarryForwardRule(operating_limit="0.1", tariff_lag_years=1),
    )
    assert (wider.to_tariff, wider.tariff_year) == (Money(0), 2025)


@given(
    hours=st.dictionaries(
        st.sampled_from(["1", "2", "3", "4", "5", "6"]), st.integers(1, 90), min_size=1
    )
)
def test_differentiated_split_adds_base_and_package(hours) -> None:
    base, packages = differentiated_prices(
        fixed_costs="3.000.000,00",
        places=12,
        occupancy="0.97",
        year=2025,
        hourly_price="450,00",
        package_hours_per_week=hours,
    )
    for code, price in packages.items():
        assert price == Money.of("450,00").multiply(Fraction(hours[code], 7))
    assert base == cost_based_day_price(
        total_cost="3.000.000,00", places=12, occupancy="0.97", year=2025
    )


def test_hourly_price_and_staff_hours() -> None:
    time = WorkingTime(sickness_share=0, non_citizen_share=0, holiday_weeks=0)
    assert time.citizen_hours == time.paid_hours
    price = hourly_price(
        wage_budget=Money.of("1.000.000,00"), full_time_equivalents=1, working_time=time
    )
    assert price == Money.from_fraction(Fraction(100_000_000) / time.paid_hours)
    plan = weekly_staff_hours(
        wage_budget="10.000.000,00",
        permanent_fte=20,
        wage_per_fte="460.000,00",
        substitute_hourly_wage="300,00",
    )
    assert plan.paid_hours == 740
    assert plan.present_hours + plan.absence_hours == plan.paid_hours
    with pytest.raises(StyringskerneError, match="more than the wage budget"):
        weekly_staff_hours(
            wage_budget="1.000.000,00",
            permanent_fte=20,
            wage_per_fte="460.000,00",
            substitute_hourly_wage="300,00",
        )


# -- special tariffs (Boks 4.2) ----------------------------------------------------------------


def application(**changes: object) -> SpecialTariffApplication:
    values: dict[str, object] = {
        "citizen_id": "010190-1234",
        "disposition_id": "D1",
        "provider": "Engvang",
        "kind": "new",
        "start": D(2024, 3, 1),
        "end": D(2024, 6, 30),
        "hours_per_week": 10,
        "base_price": "1.349,00",
        "requested_extra": "600,00",
        "problem": "self-harm after a loss",
        "expected_without": "hospital admission",
        "methods_tried": "extra night checks within the tariff",
        "use_of_money": "a 1:1 night staff",
        "plan_to_normalise": "taper over four months with the psychiatrist",
        "goals": ["no self-harm"],
    }
    values.update(changes)
    return SpecialTariffApplication(**values)  # type: ignore[arg-type]


def test_boks_4_2_application_needs_a_written_justification() -> None:
    assert application().requested_extra == Money.of("600,00")
    with pytest.raises(StyringskerneError, match="methods_tried, use_of_money must be filled in"):
        application(methods_tried=" ", use_of_money="")
    with pytest.raises(StyringskerneError) as caught:
        application(goals=[])
    assert "1234" not in str(caught.value)
    with pytest.raises(StyringskerneError, match="date of the first grant"):
        application(kind="renewal")


@given(start=DATES, months=st.integers(1, 12), length=st.integers(0, 800))
def test_special_tariff_segments_never_outlive_their_grant(start, months, length) -> None:
    base = day_stay("D1", "B-1", "SEL108", start, start + dt.timedelta(days=length))
    grant = SpecialTariffGrant.for_months(
        disposition_id="D1",
        citizen_id="B-1",
        provider="Engvang",
        start=start,
        months=months,
        rate_per_day="500,00",
        justification="see application",
    )
    extra = grant.as_disposition(base)
    assert extra.start == grant.start
    assert extra.end is not None
    assert extra.end <= grant.end
    assert base.end is not None
    assert extra.end <= base.end


def test_grants_expire_and_count_in_the_key_figures() -> None:
    base = day_stay("D1", "B-1", "SEL108", D(2024, 1, 1), provider="Engvang")
    grant = SpecialTariffGrant.from_application(application())
    assert grant.end == D(2024, 6, 30)
    assert expiring([grant], D(2024, 6, 1), 30) == (grant,)
    assert expiring([grant], D(2024, 5, 1), 30) == ()
    ledger = DispositionLedger([base, grant.as_disposition(base)])
    figures = special_tariff_figures(ledger, D(2024, 3, 1), D(2024, 3, 31))
    assert figures["Engvang"]["count"] == 1
    assert figures["Engvang"]["spend"] == Money.of("18.600,00")
    assert figures["total"]["share"] == Fraction(600, 1600)
    with pytest.raises(StyringskerneError, match="time-limited"):
        SpecialTariffGrant.for_months(
            disposition_id="D1",
            citizen_id="B-1",
            provider="x",
            start=D(2024, 1, 1),
            months=0,
            rate_per_day="1",
            justification="x",
        )
    with pytest.raises(StyringskerneError, match="justification"):
        SpecialTariffGrant(
            disposition_id="D1",
            citizen_id="B-1",
            provider="x",
            start=D(2024, 1, 1),
            end=D(2024, 1, 31),
            rate_per_day="1",
            justification=" ",
        )


def test_boks_4_2_a_grant_honours_the_period_applied_for_at_most_four_months() -> None:
    """*Boks 4.2*: the application gives its period (bevillingsperiode); the grant is
    time-limited, "som udgangspunkt fire måneder"."""
    march_april = application(start=D(2024, 3, 1), end=D(2024, 4, 30))
    assert SpecialTariffGrant.from_application(march_april).end == D(2024, 4, 30)
    whole_year = application(start=D(2024, 3, 1), end=D(2025, 2, 28))
    assert SpecialTariffGrant.from_application(whole_year).end == D(2024, 6, 30)
    assert SpecialTariffGrant.from_application(whole_year, cap_months=6).end == D(2024, 8, 31)
    with pytest.raises(StyringskerneError, match="at most 4 months .* through 2024-06-30"):
        SpecialTariffGrant(disposition_id="D1", citizen_id="B-1", provider="x",
                           start=D(2024, 3, 1), end=D(2024, 7, 1), rate_per_day="1",
                           justification="x")  # fmt: skip
    with pytest.raises(StyringskerneError, match="before it starts"):
        SpecialTariffGrant(disposition_id="D1", citizen_id="B-1", provider="x",
                           start=D(2024, 3, 1), end=D(2024, 2, 1), rate_per_day="1",
                           justification="x")  # fmt: skip


# -- steering models ---------------------------------------------------------------------------


def activity_of(
    days_per_month: list[int], provider: str = "Engvang", rate: int = 100_000
) -> Activity:
    days = np.array([days_per_month], dtype=np.int64)
    return Activity(year=2024, providers=(provider,), days=days, amounts=days * rate)


@given(days=st.lists(st.integers(0, 400), min_size=12, max_size=12))
def test_under_bum_income_equals_the_settlement(days) -> None:
    result = ActivityBased().run(activity_of(days))
    assert np.array_equal(result.provider_budget, result.settlement)
    assert np.array_equal(result.authority_spend, result.settlement)


@given(
    one=st.lists(st.integers(0, 400), min_size=12, max_size=12),
    two=st.lists(st.integers(0, 400), min_size=12, max_size=12),
)
def test_under_a_frame_the_budget_does_not_move_with_activity(one, two) -> None:
    frame = Frame(frames={"Engvang": "12.000.000,00"})
    first, second = frame.run(activity_of(one)), frame.run(activity_of(two))
    assert np.array_equal(first.provider_budget, second.provider_budget)
    assert int(first.provider_budget.sum()) == Money.of("12.000.000,00").ore


@given(days=st.lists(st.integers(240, 260), min_size=12, max_size=12))
def test_regulation_never_fires_inside_the_threshold(days) -> None:
    """Funded 3.000 days a year; 5 hours a day; the threshold 800 hours (½ FTE) is never hit."""
    model = RegulatedFrame(
        frames={"Engvang": "9.000.000,00"},
        funded_days={"Engvang": 3000},
        hours_per_day=5,
        hourly_price="400,00",
        threshold_hours=800,
        dialogues={"Engvang": [D(2024, 6, 1), D(2024, 12, 1)]},
    )
    result = model.run(activity_of(days))
    assert result.regulations == ()
    assert int(result.provider_budget.sum()) == Money.of("9.000.000,00").ore


def test_regulation_after_dialogue_beyond_the_threshold_only() -> None:
    model = RegulatedFrame(
        frames={"Engvang": "9.000.000,00"},
        funded_days={"Engvang": 3000},
        hours_per_day=5,
        hourly_price="400,00",
        threshold_hours=800,
        dialogues={"Engvang": [D(2024, 6, 20)]},
    )
    result = model.run(activity_of([300] * 12))  # 300 days a month: 50 a month over the frame
    (event,) = result.regulations
    assert event.month == 6
    assert event.deviation_hours == 1500  # 6 months × 50 days × 5 hours
    assert event.amount == Money.of("280.000,00")  # (1.500 − 800) hours × 400 kr., not 1:1
    assert int(result.provider_budget.sum()) == Money.of("9.280.000,00").ore
    no_dialogue = RegulatedFrame(
        frames={"Engvang": "9.000.000,00"},
        funded_days={"Engvang": 3000},
        hours_per_day=5,
        hourly_price="400,00",
        threshold_hours=800,
    )
    assert no_dialogue.run(activity_of([300] * 12)).regulations == ()


def test_compare_all_four_on_the_example_municipality() -> None:
    from styringskerne.examples import example_municipality

    ledger = DispositionLedger(example_municipality(2024).dispositions)
    activity = Activity.from_ledger(ledger, 2024)
    provider = "Botilbuddet Engvang"
    results = compare(
        activity,
        [
            ActivityBased(),
            ActivityBasedWithFixedFrame(frames={provider: "10.000.000,00"}, variable_share="0.6"),
            RegulatedFrame(
                frames={provider: "30.000.000,00"},
                funded_days={provider: 12000},
                hours_per_day=5,
                hourly_price="400,00",
                threshold_hours=800,
            ),
            Frame(frames={provider: "30.000.000,00"}),
        ],
    )
    assert [r.model for r in results] == [
        "activity-based (BUM)",
        "activity-based with a fixed frame",
        "regulated frame",
        "frame",
    ]
    bum = results[0]
    granted = [d for d in ledger_dispositions(provider) if d.probability == 1]
    assert (
        Money.total(bum.budget_of(provider))
        == DispositionLedger(granted).full_year_cost(2024).total
    )
    assert len(bum.settlement_entries(provider)) == 12
    assert bum.to_dict(provider)["model"] == "activity-based (BUM)"


def ledger_dispositions(provider: str) -> list[Disposition]:
    from styringskerne.examples import example_municipality

    return [d for d in example_municipality(2024).dispositions if d.provider == provider]


def test_small_providers_swing_with_occupancy_under_bum() -> None:
    rows = occupancy_sensitivity(
        places=6,
        day_price="2.000,00",
        fixed_costs="2.500.000,00",
        variable_cost_per_day="800,00",
        year=2025,
        occupancies=["0.5", "0.83", "1"],
    )
    results = [result for _, result in rows]
    assert results == sorted(results)
    assert results[0] < Money(0) < results[-1]


def test_empty_bed_warning_for_citizens_outside_the_target_group() -> None:
    def stay(id: str, citizen: str, service: str) -> Disposition:
        return day_stay(id, citizen, service, D(2024, 1, 1), provider="Engvang")

    ledger = DispositionLedger([stay("D1", "B-1", "SEL108"), stay("D2", "010190-1234", "SEL107")])
    (warning,) = empty_bed_warnings(
        ledger, provider="Engvang", target_services=["SEL108"], capacity=4, on=D(2024, 6, 1)
    )
    assert (warning.service, warning.disposition_id) == ("SEL107", "D2")
    assert "1234" not in repr(warning)
    assert (
        empty_bed_warnings(
            ledger, provider="Engvang", target_services=["SEL108"], capacity=1, on=D(2024, 6, 1)
        )
        == ()
    )


def test_gladsaxe_regulated_frame_in_granted_hours() -> None:
    """VIVE 2018 section 3.2 (Gladsaxe, "modificeret rammestyring"): support in own home is
    measured in granted hours (hours a week × days / 7), the frame is "ikke 1:1" with them
    (here half of the part beyond the threshold is regulated), and capacity utilisation is
    looked at beside it. January-June 2024 (182 days): B-1 at 10 hours a week all along
    = 260 hours, B-2 at 7 hours a week from 1 April (91 days) = 91 hours: 351 granted hours
    against 200 funded (400 a year): 151 over, 101 beyond the threshold of 50, half of it =
    50,5 hours × 500 kr. = 25.250 kr.; utilisation 351/200."""
    provider = "Bostøtteteamet"
    ledger = DispositionLedger(
        [
            Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL85", provider=provider,
                                rate="500,00", unit="week", quantity=10, start=D(2024, 1, 1)),
            Disposition.at_rate(id="D2", citizen_id="B-2", service="SEL85", provider=provider,
                                rate="500,00", unit="week", quantity=7, start=D(2024, 4, 1)),
            Disposition.at_rate(id="D3", citizen_id="B-3", service="SEL82", provider=provider,
                                rate="380,00", unit="week", start=D(2024, 1, 1)),
        ]
    )  # fmt: skip
    activity = Activity.from_ledger(ledger, 2024, hour_services=["SEL85"])
    hours = activity.hours_of(provider)
    assert hours[0] == Fraction(310, 7)  # January: 31 days × 10 / 7; the § 82 course is no hours
    assert sum(hours[:6], Fraction(0)) == 351
    model = RegulatedFrame(
        frames={provider: "2.000.000,00"},
        measure="hours",
        funded_hours={provider: 400},
        hourly_price="500,00",
        threshold_hours=50,
        regulated_share="1/2",
        review_months=[6],
        dialogues={provider: [D(2024, 6, 15)]},
    )
    (event,) = model.run(activity).regulations
    assert event.deviation_hours == 151
    assert event.regulated_hours == Fraction(101, 2)
    assert event.amount == Money.of("25.250,00")
    assert event.utilisation == Fraction(351, 200)
    assert model.capacity_utilisation(activity) == {provider: {6: Fraction(351, 200)}}
    # The whole part beyond the threshold when the share is 1 (the default, an assumption).
    full = attrs.evolve(model, regulated_share=1)
    assert full.run(activity).regulations[0].amount == Money.of("50.500,00")
    with pytest.raises(StyringskerneError, match="'regulated_share' must be from 0 to 1"):
        attrs.evolve(model, regulated_share="3/2")
    bare = Activity(year=2024, providers=(provider,), days=activity.days, amounts=activity.amounts)
    with pytest.raises(StyringskerneError, match="has none"):
        model.run(bare)
    assert Activity.from_ledger(ledger, 2024).hours == ()  # hours only when asked for
