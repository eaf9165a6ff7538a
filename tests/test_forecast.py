"""Month-end forecasts, change explanations, shadow budgets and transitions (DOMAIN §§ 5-7)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money, StyringskerneError
from styringskerne.forecast.explanation import ChangeExplanation, ChangeItem, explain_change
from styringskerne.forecast.forecast import (
    Buffer,
    CaseOnTheWay,
    Estimate,
    Snapshot,
    forecast_series,
    make_forecast,
)
from styringskerne.forecast.shadow import shadow_budgets
from styringskerne.forecast.transitions import ColourRule, YouthTransition
from styringskerne.io.text import change_table
from styringskerne.kpi.reports import change_summary
from tests.strategies import DATES, PROVIDERS, disposition_lists, probabilities

D = dt.date


def stay(**changes: object) -> Disposition:
    values: dict[str, object] = {
        "id": "D1",
        "citizen_id": "B-1",
        "service": "SEL107",
        "rate": "1.000,00",
        "unit": "day",
        "start": D(2024, 1, 1),
        "end": D(2024, 6, 30),
    }
    values.update(changes)
    return Disposition.at_rate(**values)  # type: ignore[arg-type]


MARCH_END = D(2024, 3, 31)


def snapshot(*dispositions: Disposition, as_of: dt.date = MARCH_END, **extra: object) -> Snapshot:
    return Snapshot(as_of=as_of, ledger=DispositionLedger(dispositions), **extra)  # type: ignore[arg-type]


@st.composite
def edited(draw: st.DrawFn) -> tuple[list[Disposition], list[Disposition]]:
    """A list of dispositions and the same list a month later, with random edits."""
    before = draw(disposition_lists())
    after: list[Disposition] = []
    for original in before:
        disposition = original
        edit = draw(
            st.sampled_from(
                ["keep", "remove", "end", "price", "probability", "provider", "payer", "account"]
            )
        )
        if edit == "remove":
            continue
        if edit == "end":
            end = draw(st.one_of(st.none(), DATES.filter(lambda d, s=disposition.start: d >= s)))
            disposition = disposition.with_end(end)
        elif edit == "price":
            last = disposition.segments[-1]
            day = draw(
                DATES.filter(lambda d, s=last: s.start <= d and (s.end is None or d <= s.end))
            )
            disposition = disposition.with_price_from(day, Money(draw(st.integers(0, 300_000))))
        elif edit == "probability":
            disposition = attrs.evolve(disposition, probability=draw(probabilities))
        elif edit == "provider":
            disposition = attrs.evolve(disposition, provider=draw(PROVIDERS))
        elif edit == "payer":
            disposition = attrs.evolve(disposition, payer=draw(st.sampled_from([None, "Odense"])))
        elif edit == "account":
            disposition = attrs.evolve(
                disposition, account=draw(st.sampled_from([None, "5.99.99"]))
            )
        after.append(disposition)
    extra = draw(disposition_lists(max_size=2))
    after += [attrs.evolve(d, id=f"N{d.id}") for d in extra]
    return before, after


@given(pair=edited(), year=st.integers(2022, 2026))
def test_explained_items_add_up_exactly_and_leave_no_residual(pair, year) -> None:
    before, after = pair
    change = explain_change(snapshot(*before), snapshot(*after, as_of=D(2024, 4, 30)), year=year)
    assert change.explained + change.residual == change.total_change
    assert change.residual == Money(0)
    for name in change.sub_area_changes:
        assert change.residual_in(name) == Money(0)
    expected_total = (
        make_forecast(snapshot(*after), year=year).total_expected
        - make_forecast(snapshot(*before), year=year).total_expected
    )
    assert change.total_change == expected_total


@given(dispositions=disposition_lists(), year=st.integers(2022, 2026))
def test_a_snapshot_compared_with_itself_explains_nothing(dispositions, year) -> None:
    same = snapshot(*dispositions)
    change = explain_change(same, same, year=year)
    assert change.items == ()
    assert change.residual == Money(0)


@given(dispositions=disposition_lists(), as_of=DATES, net=st.integers(-3, 3))
def test_forecast_lines_add_up_to_the_total(dispositions, as_of, net) -> None:
    forecast = make_forecast(
        snapshot(
            *dispositions,
            as_of=as_of,
            estimates=[
                Estimate(
                    sub_area="5.38.52", net_citizens_per_year=net, average_yearly_price="400.000,00"
                )
            ],
            buffers=[Buffer(sub_area="buffer", amount="1.000.000,00")],
        )
    )
    assert Money.total(line.total for line in forecast.lines) == forecast.total_expected
    assert Money.total(forecast.expected.values()) == forecast.total_expected


@given(dispositions=disposition_lists(), year=st.integers(2022, 2025))
def test_shadow_budget_with_index_one_is_the_ledgers_next_year(dispositions, year) -> None:
    own = [d for d in dispositions if d.payer is None]
    (next_year, *_) = shadow_budgets(snapshot(*dispositions, as_of=D(year, 6, 30)))
    assert next_year.year == year + 1
    assert next_year.total_expected == DispositionLedger(own).full_year_cost(year + 1).total


@given(dispositions=disposition_lists(), year=st.integers(2022, 2026))
def test_probability_zero_adds_nothing_and_one_equals_granted(dispositions, year) -> None:
    granted = [attrs.evolve(d, probability=1) for d in dispositions]
    ghosts = [attrs.evolve(d, id=f"G{d.id}", probability=0) for d in dispositions]
    alone = make_forecast(snapshot(*granted), year=year)
    with_ghosts = make_forecast(snapshot(*granted, *ghosts), year=year)
    assert with_ghosts.total_expected == alone.total_expected
    assert alone.line("expected").total == Money(0)
    assert alone.line("dispositions").total == DispositionLedger(granted).full_year_cost(year).total


def test_boks_6_2_arithmetic() -> None:
    """Boks 6.2 (Svendborg, § 107): eight explained items make the worsening of 114.000 kr."""
    amounts = [
        "-352.000",
        "721.000",
        "-100.000",
        "304.000",
        "115.000",
        "-268.000",
        "-267.000",
        "-39.000",
    ]
    reasons = ["payer", "new", "estimate", "extended", "price", "provider", "ended", "price"]
    items = [
        ChangeItem(sub_area="05.38.52", reason=reason, amount=Money.of(f"{amount},00"))
        for amount, reason in zip(amounts, reasons, strict=True)
    ]
    box = ChangeExplanation.by_hand(
        total_change=Money.of("114.000,00"), items=items, sub_area="05.38.52"
    )
    assert box.explained == Money.of("114.000,00")
    assert box.residual == Money(0)


def test_boks_6_1_unexplained_residual() -> None:
    """Boks 6.1: a change of 959.853 kr. explained by items of 960.000 kr.: residual −147."""
    items = [ChangeItem(sub_area="total", reason="other", amount=Money.of("960.000,00"))]
    box = ChangeExplanation.by_hand(total_change=Money.of("959.853,00"), items=items)
    assert box.residual == Money.of("-147,00")


def test_each_reason_on_a_hand_checked_case() -> None:
    base = [
        stay(),
        stay(id="D2", citizen_id="B-2", end=None),
        stay(id="D3", citizen_id="B-3", provider="Engvang"),
        stay(id="D4", citizen_id="B-4"),
        stay(id="D5", citizen_id="B-5", probability="1/2"),
        stay(id="D6", citizen_id="B-6"),
    ]
    later = [
        stay(end=D(2024, 7, 31)),  # extended by 31 days
        stay(id="D2", citizen_id="B-2", end=D(2024, 9, 30)),  # ended: 92 days fewer
        stay(id="D3", citizen_id="B-3", provider="Skovly", rate="1.200,00"),  # moved, dearer
        stay(id="D4", citizen_id="B-4", payer="Odense"),  # another municipality pays
        stay(id="D5", citizen_id="B-5", probability=1),  # granted
        stay(id="D6", citizen_id="B-6").with_price_from(D(2024, 4, 1), "1.100,00"),
        stay(id="D7", citizen_id="B-7", start=D(2024, 5, 1)),  # new: 61 days
    ]
    change = explain_change(snapshot(*base), snapshot(*later, as_of=D(2024, 4, 30)))
    got = {(item.disposition_id, item.reason): item.amount for item in change.items}
    assert got == {
        ("D1", "extended"): Money.of("31.000,00"),
        ("D2", "ended"): Money.of("-92.000,00"),
        ("D3", "provider"): Money.of("36.400,00"),  # 182 days × 200 kr.
        ("D4", "payer"): Money.of("-182.000,00"),
        ("D5", "probability"): Money.of("91.000,00"),
        ("D6", "price"): Money.of("9.100,00"),  # 91 days × 100 kr.
        ("D7", "new"): Money.of("61.000,00"),
    }
    assert change.residual == Money(0)


def test_moving_account_shows_in_both_sub_areas() -> None:
    change = explain_change(snapshot(stay()), snapshot(stay(account="5.38.50")))
    assert {(i.sub_area, i.amount) for i in change.items} == {
        ("5.38.52", Money.of("-182.000,00")),
        ("5.38.50", Money.of("182.000,00")),
    }
    assert change.residual == Money(0)


def test_estimate_correction_and_cases_on_the_way() -> None:
    estimate = Estimate(
        sub_area="5.38.52", net_citizens_per_year=2, average_yearly_price="400.000,00"
    )
    case = CaseOnTheWay(citizen_id="0101901234", sub_area="5.38.52", note="under investigation")
    before = snapshot(stay(), estimates=[estimate])
    after = snapshot(
        stay(),
        as_of=D(2024, 4, 30),
        estimates=[attrs.evolve(estimate, net_citizens_per_year=1)],
        cases_on_the_way=[case],
    )
    change = explain_change(before, after)
    (item,) = change.items
    assert item.reason == "estimate"
    assert change.residual == Money(0)
    data = change.to_dict()
    assert data["cases_on_the_way"] == [
        {"citizen_id": "010190-****", "sub_area": "5.38.52", "note": "under investigation"}
    ]
    assert "0101901234" not in change.to_json()


def test_youth_turning_18_mid_year_with_probability_half() -> None:
    """A youth turning 18 on 1 July 2024, probability ½: half of the 184 days after the birthday."""
    youth = YouthTransition(
        citizen_id="B-9",
        birth_date=D(2006, 7, 1),
        service="ABL105",
        yearly_cost="366.000,00",
        probability=Fraction(1, 2),
    )
    forecast = make_forecast(snapshot(stay(), youths=[youth]))
    assert forecast.line("transitions").amounts == {"5.38.51": Money.of("92.000,00")}
    with_aftercare = attrs.evolve(youth, aftercare=True)
    assert with_aftercare.expected_transition == D(2029, 7, 1)  # 23rd birthday with aftercare
    assert with_aftercare.expected_cost(2024) == Money(0)


def test_boks_5_1_colour_codes_follow_a_municipalitys_rule() -> None:
    youth = YouthTransition(
        citizen_id="B-9",
        birth_date=D(2006, 1, 1),
        service="SEL85",
        yearly_cost="120.000,00",
        colour="yellow",
    )
    assert youth.expected_cost(2024) == Money.of("60.000,00")
    assert youth.expected_cost(2024, rule=ColourRule(yellow=Fraction(1, 3))) == Money.of(
        "40.000,00"
    )
    with pytest.raises(StyringskerneError, match="probability or a colour"):
        YouthTransition(
            citizen_id="B-9", birth_date=D(2006, 1, 1), service="SEL85", yearly_cost="1"
        )


def test_outflow_at_65_moves_costs_to_the_elderly_area() -> None:
    """Gladsaxe: a citizen turning 65 on 1 October moves with the costs from that day."""
    citizen = "011059-1234"  # born 1 October 1959
    forecast = make_forecast(
        snapshot(stay(citizen_id=citizen, end=None), elderly_age=65), budget={}
    )
    assert forecast.line("outflow").amounts == {"5.38.52": Money.of("-92.000,00")}
    assert forecast.total_expected == Money.of("274.000,00")


def test_net_inflow_estimate_from_three_years_of_history() -> None:
    estimate = Estimate.from_history(
        sub_area="5.38.52",
        net_citizens_by_year={2021: 1, 2022: 4, 2023: 1, 2020: 9},
        average_yearly_price="366.000,00",
    )
    assert estimate.net_citizens_per_year == 2
    assert estimate.amount(D(2023, 12, 31), year=2024) == Money.of("366.000,00")
    with pytest.raises(StyringskerneError, match="needs 3 years"):
        Estimate.from_history(
            sub_area="x", net_citizens_by_year={2023: 1}, average_yearly_price="1"
        )


def test_deviation_and_danish_presentation() -> None:
    forecast = make_forecast(snapshot(stay()), budget={"5.38.52": Money.of("150.000,00")})
    assert forecast.deviation() == Money.of("32.000,00")
    assert forecast.to_dict()["total"]["deviation"] == "32000.00"
    assert forecast.to_dict(overspend_negative=True)["total"]["deviation"] == "-32000.00"


def test_payer_dispositions_are_not_this_municipalitys_spend() -> None:
    forecast = make_forecast(snapshot(stay(), stay(id="D2", payer="Odense")))
    assert forecast.total_expected == Money.of("182.000,00")


def test_a_series_of_month_end_forecasts_from_dated_snapshots() -> None:
    """One forecast per month's end: an end date recorded in May lowers the forecast from May."""
    long_stay = stay(end=None)
    snapshots = [
        snapshot(long_stay, as_of=D(2024, 4, 30)),
        snapshot(long_stay.with_end(D(2024, 9, 30)), as_of=D(2024, 5, 31)),
        snapshot(long_stay, as_of=D(2024, 3, 31)),
    ]
    series = forecast_series(snapshots, year=2024, budget={"5.38.52": Money.of("300.000,00")})
    assert [f.as_of for f in series] == [D(2024, 3, 31), D(2024, 4, 30), D(2024, 5, 31)]
    assert [f.total_expected for f in series] == [
        Money.of("366.000,00"),
        Money.of("366.000,00"),
        Money.of("274.000,00"),
    ]
    assert [f.deviation() for f in series][-1] == Money.of("-26.000,00")


def test_sub_areas_group_accounts_in_forecasts_and_explanations() -> None:
    grouping = {"5.38.52": "residential", "5.38.50": "residential"}
    before = snapshot(stay())
    after = snapshot(stay(), stay(id="D2", service="SEL108", start=D(2024, 6, 1)))
    forecast = make_forecast(after, sub_areas=grouping, budget={"residential": Money(0)})
    assert forecast.sub_areas == ("residential",)
    change = explain_change(before, after, sub_areas=grouping)
    assert [(i.sub_area, i.reason) for i in change.items] == [("residential", "new")]
    assert change.residual_in("residential") == Money(0)


BOKS_6_1 = [  # (line, change) as printed by Svendborg: a worsening is negative
    ("Aflastning", -211_000),
    ("BPA, §96", -301_000),
    ("§85 ledsageordning + ekstern §85", -20_000),
    ("Forsorgscenter", 228_000),
    ("Alkoholbeh.", 40_000),
    ("Behandling af stofmisbrugere", -630_000),
    ("Længerevarende botilbud, §108", 343_000),
    ("Borger 1", -574_000),
    ("Borger 2", -300_000),
    ("Borger 3", -500_000),
    ("Botilbudslignende Fkt. 5.51", 644_000),
    ("Midlertidig botilbud, §107", -114_000),
    ("Kontakt- og ledsageordning", 0),
    ("Særlig psyk. pladser", 0),
    ("Dagtilbudg §103", 24_000),
    ("Dagtilbudg §104", -18_000),
    ("Sociale formål, puljer", 0),
    ("Fremskrivningsdifferende", 0),
    ("Konto 6 - sekretariat og forvaltning", 0),
    ("Særlig dyre enkeltsager", 329_000),
    ("ændring af disponerede beløb", 100_000),
]


def test_boks_6_1_as_printed() -> None:
    """*Boks 6.1* (VIVE 2018, Svendborg) line by line: last forecast 1.071.000, this one
    2.030.853, the change −959.853 in Svendborg's sign (a worsening is negative), every line,
    "Borger 1-3" on lines of their own under § 108, the refund line "Særlig dyre enkeltsager",
    "Ændringer i alt" −960.000 and "Manglende forklaring" −147. The items are the box's lines
    in the library's sign (+ = more spend); the summary prints them back as printed."""
    kr = 100
    items = []
    for line, printed in BOKS_6_1:
        amount = Money(-printed * kr)
        if line.startswith("Borger"):
            citizen = line.replace("Borger ", "B-")
            items.append(ChangeItem(sub_area="Længerevarende botilbud, §108", reason="new",
                                    amount=amount, citizen_id=citizen))  # fmt: skip
        elif line == "Særlig dyre enkeltsager":
            items.append(ChangeItem(sub_area="Længerevarende botilbud, §108", reason="refund",
                                    amount=amount))  # fmt: skip
        elif printed:
            items.append(ChangeItem(sub_area=line, reason="other", amount=amount))
    change = ChangeExplanation.by_hand(total_change=Money(959_853 * kr), items=items)
    assert change.residual == Money(-147 * kr)
    order = [line for line, _ in BOKS_6_1 if not line.startswith(("Borger", "Særlig dyre"))]
    summary = change_summary(
        change,
        previous_total=Money(1_071_000 * kr),
        current_total=Money(2_030_853 * kr),
        lines=order,
        citizens_from=Money(300_000 * kr),
        overspend_negative=True,
    )
    printed = [(str(row[0]), row[1]) for row in summary.rows]
    expected = [
        ("Previous forecast", Money(1_071_000 * kr)),
        ("This forecast", Money(2_030_853 * kr)),
        ("Change of the forecast", Money(-959_853 * kr)),
    ]
    number = 0
    for line, value in BOKS_6_1:
        shown = line
        if line.startswith("Borger"):
            number += 1
            shown = f"Citizen {number}"
        elif line == "Særlig dyre enkeltsager":
            continue
        expected.append((shown, Money(value * kr)))
    expected += [
        ("Very expensive single cases (§ 176)", Money(329_000 * kr)),
        ("Changes in all", Money(-960_000 * kr)),
        ("Unexplained", Money(-147 * kr)),
    ]
    assert printed == expected
    # In the library's own sign the change and the lines flip; the residual stays −147.
    plain = {str(row[0]): row[1] for row in change_summary(change).rows}
    assert plain["Change of the forecast"] == Money(959_853 * kr)
    assert plain["Changes in all"] == Money(960_000 * kr)
    assert plain["Unexplained"] == Money(-147 * kr)


def test_change_table_in_svendborgs_sign() -> None:
    """``overspend_negative`` prints the change, the sub-areas and the items negative when
    they are more spend (*Boks 6.1*); the residual keeps its number, as the box prints it."""
    items = [ChangeItem(sub_area="5.38.52", reason="new", amount=Money.of("114.000,00"),
                        citizen_id="B-1")]  # fmt: skip
    change = ChangeExplanation.by_hand(
        total_change=Money.of("114.147,00"), items=items, sub_area="5.38.52"
    )
    text = change_table(change, overspend_negative=True)
    assert "Change of the forecast: -114.147,00 kr. (- = more spend)" in text
    assert "5.38.52: -114.147,00" in text
    assert "-114.000,00  new" in text
    assert "Unexplained residual in total: 147,00" in text
    plain = change_table(change)
    assert "Change of the forecast: 114.147,00 kr. (+ = more spend)" in plain
    assert "Unexplained residual in total: 147,00" in plain


def test_several_changes_at_once_are_split_per_reason() -> None:
    """Each step of a disposition with several changes is its own item, in the order
    probability, period, price or provider, payer (worked out by hand; 2024 is a leap year):
    A: ½ → granted (+91.000) and extended to 31 July (+31 days = +31.000);
    B: from 1 April at Skovly for 1.200 kr. (91 days × 200 = +18.200, reason provider);
    C: ended on 31 May (30 days fewer = −30.000) and then paid by Odense (−152.000)."""
    base = [
        stay(id="A", citizen_id="B-A", probability="1/2"),
        stay(id="B", citizen_id="B-B", provider="Engvang"),
        stay(id="C", citizen_id="B-C"),
    ]
    later = [
        stay(id="A", citizen_id="B-A", probability=1, end=D(2024, 7, 31)),
        stay(id="B", citizen_id="B-B", provider="Engvang").with_price_from(
            D(2024, 4, 1), "1.200,00", provider="Skovly"
        ),
        stay(id="C", citizen_id="B-C", end=D(2024, 5, 31), payer="Odense"),
    ]
    change = explain_change(snapshot(*base), snapshot(*later, as_of=D(2024, 4, 30)))
    got = {(item.disposition_id, item.reason): item.amount for item in change.items}
    assert got == {
        ("A", "probability"): Money.of("91.000,00"),
        ("A", "extended"): Money.of("31.000,00"),
        ("B", "provider"): Money.of("18.200,00"),
        ("C", "ended"): Money.of("-30.000,00"),
        ("C", "payer"): Money.of("-152.000,00"),
    }
    assert change.total_change == Money.of("-41.800,00")
    assert change.residual == Money(0)
