"""Volume and price (mængde- og prisafvigelse): the split of each sub-area's deviation from its
steering assumption, by hand and as a property (issue "Money flows", part 2)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money
from styringskerne.budget.frame import SteeringAssumption
from styringskerne.budget.variance import volume_price_variance
from styringskerne.forecast.forecast import Snapshot, make_forecast
from tests.strategies import SERVICES, YEARS, disposition_lists

assumptions = st.lists(
    st.builds(
        SteeringAssumption,
        sub_area=st.sampled_from(["5.38.50", "5.38.52", "5.28.21", "9.99.99"]),
        service=SERVICES,
        citizens=st.fractions(min_value=0, max_value=20, max_denominator=4),
        average_price=st.integers(0, 10**9).map(Money),
    ),
    max_size=5,
)


@given(dispositions=disposition_lists(), assumed=assumptions, year=YEARS)
def test_volume_and_price_add_up_to_the_deviation(dispositions, assumed, year) -> None:
    """For every assumed sub-area: volume + price = expected − assumed to the øre; volume =
    (persons − count) × assumed amount ÷ count rounded half-even (Python's ``round`` of a
    ``Fraction`` rounds half to even), 0 for a count of 0; several assumptions of a sub-area
    are added up; a sub-area without one has no split."""
    ledger = DispositionLedger(dispositions)
    forecast = make_forecast(Snapshot(as_of=dt.date(year, 6, 30), ledger=ledger))
    split = volume_price_variance(forecast, ledger, assumed)
    assert set(split) == {a.sub_area for a in assumed}
    for name, variance in split.items():
        mine = [a for a in assumed if a.sub_area == name]
        count = sum((a.citizens for a in mine), Fraction(0))
        amount = sum(a.amount.ore for a in mine)
        assert variance.assumed_count == count
        assert variance.assumed == Money(amount)
        assert variance.expected == forecast.expected.get(name, Money(0))
        assert variance.volume + variance.price == variance.expected - variance.assumed
        assert variance.deviation == variance.expected - variance.assumed
        volume = 0 if count == 0 else round((variance.persons - count) * amount / count)
        assert variance.volume == Money(volume)
        assert variance.to_dict() == {
            "assumed": Money(amount).to_string(),
            "volume": Money(volume).to_string(),
            "price": (variance.expected - Money(amount) - Money(volume)).to_string(),
            "assumed_count": str(count),
            "persons": str(variance.persons),
        }


def test_volume_and_price_by_hand() -> None:
    """Three citizens at 1.000 kr. a day all through 2024 (366 days: 1.098.000 kr., 3
    full-year persons) against 2 assumed at 400.000 kr.: one person more is 400.000 kr. of
    volume; the rest, 1.098.000 − 800.000 − 400.000 = −102.000 kr., is price. Another
    municipality's citizen (paid by Odense) counts in neither."""
    stays = [
        Disposition.at_rate(id=f"D{n}", citizen_id=f"B-{n}", service="SEL108", rate="1.000,00",
                            unit="day", start=dt.date(2024, 1, 1))
        for n in range(3)
    ]  # fmt: skip
    other = Disposition.at_rate(id="D9", citizen_id="B-9", service="SEL108", rate="1.000,00",
                                unit="day", start=dt.date(2024, 1, 1), payer="Odense")  # fmt: skip
    ledger = DispositionLedger([*stays, other])
    forecast = make_forecast(Snapshot(as_of=dt.date(2024, 3, 31), ledger=ledger))
    assumed = SteeringAssumption(
        sub_area="5.38.50", service="SEL108", citizens=2, average_price="400.000,00"
    )
    split = volume_price_variance(forecast, ledger, [assumed])["5.38.50"]
    assert split.persons == 3
    assert split.expected == Money.of("1.098.000,00")
    assert split.to_dict() == {
        "assumed": "800000.00",
        "volume": "400000.00",
        "price": "-102000.00",
        "assumed_count": "2",
        "persons": "3",
    }


def test_variance_of_a_named_sub_area_and_of_one_without_dispositions() -> None:
    """The forecast's grouping of accounts into sub-areas is the split's too: the three stays
    of 5.38.50 are the 3 persons of "Botilbud". An assumed sub-area without dispositions has 0
    persons: 1 assumed at 100.000 kr. is −100.000 kr. of volume and no price."""
    stays = [
        Disposition.at_rate(id=f"D{n}", citizen_id=f"B-{n}", service="SEL108", rate="1.000,00",
                            unit="day", start=dt.date(2024, 1, 1))
        for n in range(3)
    ]  # fmt: skip
    ledger = DispositionLedger(stays)
    forecast = make_forecast(
        Snapshot(as_of=dt.date(2024, 3, 31), ledger=ledger), sub_areas={"5.38.50": "Botilbud"}
    )
    named = SteeringAssumption(
        sub_area="Botilbud", service="SEL108", citizens=2, average_price="400.000,00"
    )
    empty = SteeringAssumption(
        sub_area="5.38.99", service="SEL108", citizens=1, average_price="100.000,00"
    )
    split = volume_price_variance(forecast, ledger, [named, empty])
    assert split["Botilbud"].sub_area == "Botilbud"
    assert split["Botilbud"].persons == 3
    assert split["Botilbud"].volume == Money.of("400.000,00")
    assert split["5.38.99"].persons == 0
    assert split["5.38.99"].volume == Money.of("-100.000,00")
    assert split["5.38.99"].price == Money(0)


def test_carried_results_and_recoveries_at_their_edges() -> None:
    """A share of 0 carries nothing (allowed, unlike 1,5); a recovery of a negative amount or
    over 0 or a non-whole number of years is refused with its message; a result carried into
    a year without a budget is refused."""
    from styringskerne.budget.carry import Recovery, budgets_after, carried_result
    from styringskerne.budget.frame import YearResult
    from styringskerne.core.errors import StyringskerneError

    overspent = YearResult(year=2017, budget="1.000.000,00", accounts="1.040.000,00")
    assert carried_result(overspent, share=0) == Money(0)
    for share, shown in (("3/2", "3/2"), ("-1/4", "-1/4")):
        with pytest.raises(StyringskerneError) as error:
            carried_result(overspent, share=share)
        assert str(error.value) == f"'share' must be from 0 to 1 (got {shown})"
    with pytest.raises(StyringskerneError) as word:
        carried_result(overspent, share="half")
    assert str(word.value).startswith("'share' 'half' is not a number")
    with pytest.raises(StyringskerneError) as negative:
        Recovery(amount="-1,00", first_year=2019)
    assert str(negative.value) == "a recovery's amount is what is paid back: 0 or more"
    for years in (0, -1, 2.0, True):
        with pytest.raises(StyringskerneError) as error:
            Recovery(amount="1,00", first_year=2019, years=years)  # type: ignore[arg-type]
        assert str(error.value) == f"'years' must be a whole number from 1 (got {years!r})"
    with pytest.raises(StyringskerneError) as missing:
        budgets_after({2019: Money(0)}, carried={2020: Money(5)})
    assert str(missing.value) == "a result is carried into 2020, which has no budget"
