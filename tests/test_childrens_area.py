"""The children's area (barnets lov) in the default catalogue, and BPA reported apart.

Seed 004 (VIVE, six pieces of advice for the specialised children's area): ladder thinking with
fewer institution placements; budget assumptions as count × average price on placements and the
weightiest preventive measures, to tell more measures from dearer ones; individual disposition
ledgers for both. Seed 003 *Boks 6.1* and *Boks 7.2* report BPA (§ 96) apart from § 85.
"""

from __future__ import annotations

import datetime as dt

import pytest

from styringskerne import (
    Disposition,
    DispositionLedger,
    Money,
    ServiceCatalogue,
    StyringskerneError,
)
from styringskerne.budget.frame import SteeringAssumption
from styringskerne.budget.variance import volume_price_variance
from styringskerne.catalogue.services import account_function
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.visitation.ladder import ladder_distribution, movements
from tests.builders import day_stay

D = dt.date


def test_childrens_area_catalogue() -> None:
    """Placements (foster family, network care, socio-pedagogical home, residential and
    secured institution) and the main preventive measures, on functions 5.28.20-5.28.24 of
    the chart of accounts; preventive measures first on the children's own ladder."""
    children = ServiceCatalogue.default().for_area("children")
    got = {s.code: (s.function, s.ladder_step) for s in children}
    assert got == {
        "BL32-HJEM": ("5.28.21", 1),
        "BL32-FAM": ("5.28.21", 1),
        "BL32-KP": ("5.28.21", 1),
        "BL43-NET": ("5.28.22", 2),
        "BL43-PLEJE": ("5.28.22", 3),
        "BL43-OPH": ("5.28.20", 4),
        "BL43-DI": ("5.28.23", 5),
        "BL43-SIK": ("5.28.24", 6),
    }
    assert all(s.paragraph.startswith("BL §") for s in children)
    with pytest.raises(StyringskerneError, match="'area' must be one of adults|children"):
        ServiceCatalogue.default().for_area("elderly")


def test_childrens_ladder_is_its_own() -> None:
    """A child in a foster family stands on step 3 of the children's ladder and on no step of
    the adults' ladder; an adult with § 85 support the other way round."""
    ledger = DispositionLedger(
        [
            day_stay("C-1", "B-1", "BL43-PLEJE", D(2024, 1, 1)),
            day_stay("A-1", "B-2", "SEL85", D(2024, 1, 1)),
        ]
    )
    children = ladder_distribution(ledger, D(2024, 1, 1), D(2024, 1, 31), area="children")
    adults = ladder_distribution(ledger, D(2024, 1, 1), D(2024, 1, 31))
    assert [row.citizens for row in children.rows] == [0, 0, 1, 0, 0, 0]
    assert [row.citizens for row in adults.rows] == [0, 0, 1, 0, 0, 0]
    assert children.rows[2].services == ("BL43-PLEJE",)
    assert adults.rows[2].services == ("SEL85",)
    assert movements(ledger, D(2024, 1, 1), D(2024, 2, 1), area="children").summary()["stayed"] == 1


def test_childrens_ledger_for_placements_and_preventive_measures() -> None:
    """Seed 004: a ledger not only for placements but for the weightiest preventive measures.
    A foster family at 1.200 kr. a day all of 2024 (366 days: 439.200 kr.) and family
    treatment at 25.000 kr. a month from 1 July (6 months: 150.000 kr.)."""
    ledger = DispositionLedger(
        [
            day_stay("C-1", "B-1", "BL43-PLEJE", D(2024, 1, 1), rate="1.200,00"),
            Disposition.at_rate(id="C-2", citizen_id="B-2", service="BL32-FAM",
                                rate="25.000,00", unit="month", start=D(2024, 7, 1)),
        ]
    )  # fmt: skip
    forecast = make_forecast(Snapshot(as_of=D(2024, 3, 31), ledger=ledger))
    assert forecast.expected == {
        "5.28.21": Money.of("150.000,00"),
        "5.28.22": Money.of("439.200,00"),
    }


def test_childrens_budget_assumptions_count_times_average_price() -> None:
    """Seed 004: "flere indsatser end forventet, eller ... dyrere end forudsat". Assumed: 1
    foster family at 400.000 kr. a year. Actual: 2 all of 2024 at 1.200 kr. a day (878.400
    kr.): volume = (2 − 1) × 400.000 = 400.000 kr.; price = the rest, 78.400 kr."""
    ledger = DispositionLedger(
        [
            day_stay("C-1", "B-1", "BL43-PLEJE", D(2024, 1, 1), rate="1.200,00"),
            day_stay("C-2", "B-2", "BL43-PLEJE", D(2024, 1, 1), rate="1.200,00"),
        ]
    )
    forecast = make_forecast(Snapshot(as_of=D(2024, 3, 31), ledger=ledger))
    assumed = [
        SteeringAssumption(
            sub_area="5.28.22", service="BL43-PLEJE", citizens=1, average_price="400.000,00"
        )
    ]
    split = volume_price_variance(forecast, ledger, assumed)["5.28.22"]
    assert split.volume == Money.of("400.000,00")
    assert split.price == Money.of("78.400,00")


def test_bpa_is_its_own_sub_area() -> None:
    """*Boks 6.1* ("BPA, §96") and *Boks 7.2* ("BPA, incl. refusion") report BPA apart from
    § 85: without an account in the file, § 96 lands on 5.38.39.002 and § 85 on 5.38.39,
    both of function 5.38.39."""
    ledger = DispositionLedger(
        [
            day_stay("D-1", "B-1", "SEL96", D(2024, 1, 1), rate="3.000,00"),
            day_stay("D-2", "B-2", "SEL85", D(2024, 1, 1), rate="100,00"),
        ]
    )
    forecast = make_forecast(Snapshot(as_of=D(2024, 3, 31), ledger=ledger))
    assert forecast.expected == {
        "5.38.39": Money.of("36.600,00"),
        "5.38.39.002": Money.of("1.098.000,00"),
    }
    assert {account_function(name) for name in forecast.sub_areas} == {"5.38.39"}
    # A municipality that keeps BPA on the function gives the account, or maps the sub-area.
    joined = make_forecast(
        Snapshot(as_of=D(2024, 3, 31), ledger=ledger), sub_areas={"5.38.39.002": "5.38.39"}
    )
    assert joined.expected == {"5.38.39": Money.of("1.134.600,00")}
