"""Tariffs, price segments and the service catalogue (DOMAIN §§ 3-4; VIVE 2018 *Bilagstabel 1*)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

from styringskerne import (
    Money,
    PriceSegment,
    ServiceCatalogue,
    StyringskerneError,
    Tariff,
    TariffError,
    TariffPrice,
    Unit,
)

D = dt.date


def schedule(**changes: object) -> Tariff:
    values: dict[str, object] = {
        "code": "Bo",
        "unit": "day",
        "prices": (
            TariffPrice(valid_from=D(2024, 1, 1), rate="1.149,00"),
            TariffPrice(valid_from=D(2024, 7, 1), rate="1.349,00"),
            TariffPrice(valid_from=D(2025, 1, 1), rate="1.382,00"),
        ),
    }
    values.update(changes)
    return Tariff(**values)  # type: ignore[arg-type]


def test_rate_in_force_on_each_day() -> None:
    tariff = schedule()
    assert tariff.rate_on(D(2024, 6, 30)) == Money.of("1.149,00")
    assert tariff.rate_on(D(2024, 7, 1)) == Money.of("1.349,00")
    with pytest.raises(TariffError, match="no price on 2023-12-31"):
        tariff.rate_on(D(2023, 12, 31))


def test_segments_cut_at_every_price_change() -> None:
    parts = schedule().segments(start=D(2024, 3, 1), quantity=2)
    assert [(s.start, s.end) for s in parts] == [
        (D(2024, 3, 1), D(2024, 6, 30)),
        (D(2024, 7, 1), D(2024, 12, 31)),
        (D(2025, 1, 1), None),
    ]
    assert all(s.quantity == 2 for s in parts)


def test_segments_of_a_closed_period_inside_one_price() -> None:
    parts = schedule().segments(start=D(2024, 2, 1), end=D(2024, 2, 10))
    assert len(parts) == 1
    assert parts[0].end == D(2024, 2, 10)


def test_departure_day_rule_is_a_parameter() -> None:
    tariff = schedule(bill_departure_day=False)
    assert tariff.segments(start=D(2024, 2, 1), end=D(2024, 2, 10))[-1].end == D(2024, 2, 9)
    assert tariff.segments(start=D(2024, 2, 1), end=D(2024, 2, 1))[-1].end == D(2024, 2, 1)


def test_one_off_tariff_gives_one_segment() -> None:
    tariff = schedule(unit="once")
    assert len(tariff.segments(start=D(2024, 6, 1), end=D(2025, 6, 1))) == 1


def test_tariff_validation() -> None:
    with pytest.raises(TariffError, match="two prices from 2024-01-01"):
        schedule(
            prices=(
                TariffPrice(valid_from=D(2024, 1, 1), rate="1"),
                TariffPrice(valid_from=D(2024, 1, 1), rate="2"),
            )
        )
    with pytest.raises(TariffError, match="at least one price"):
        schedule(prices=())
    with pytest.raises(TariffError, match="day\\|week\\|month\\|once"):
        schedule(unit="fortnight")


def test_segment_validation_and_quantity_forms() -> None:
    segment = PriceSegment(start=D(2024, 1, 1), rate="500", unit=Unit.WEEK, quantity="6,5")
    assert segment.quantity == Fraction(13, 2)
    with pytest.raises(StyringskerneError, match="'quantity' must be from 0 to"):
        PriceSegment(start=D(2024, 1, 1), rate="500", quantity=-1)
    with pytest.raises(StyringskerneError, match="four decimals"):
        PriceSegment(start=D(2024, 1, 1), rate="500", quantity="0.12345")
    with pytest.raises(TariffError, match="before 'start'"):
        PriceSegment(start=D(2024, 1, 2), end=D(2024, 1, 1), rate="500")


BILAGSTABEL_1: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # Transcribed by hand from VIVE 2018, *Bilagstabel 1*: paragraph, function, groupings.
    "SEL107": ("SEL § 107", "5.38.52", ()),
    "SEL108": ("SEL § 108", "5.38.50", ()),
    "ABL105": ("SEL §§ 83-86 (ABL § 105)", "5.38.51", ()),
    "SEL85": ("SEL § 85", "5.38.39", ("003", "004", "005")),
    "SEL82": ("SEL § 82 a-c", "5.38.39", ("011", "012", "013", "014", "015")),
    "SEL103": ("SEL § 103", "5.38.58", ()),
    "SEL104": ("SEL § 104", "5.38.59", ()),
    "SEL83": ("SEL § 83", "5.38.38", ()),
    "SEL95": ("SEL § 95", "5.38.39", ("001",)),
    "SEL96": ("SEL § 96", "5.38.39", ("002",)),
    "SEL97": ("SEL §§ 97-99", "5.38.53", ()),
    "SEL112": ("SEL §§ 112-114 and 116-117", "5.38.41", ()),
    "SEL100": ("SEL § 100", "5.57.72", ("010",)),
    "SEL101": ("SEL § 101 (and sundhedsloven § 142)", "5.38.45", ()),
    "SUL141": ("sundhedsloven § 141", "5.38.44", ()),
    "SEL109": ("SEL § 109", "5.38.42", ("002",)),
    "SEL110": ("SEL § 110", "5.38.42", ("001",)),
}


def test_bilagstabel_1_all_rows() -> None:
    """All 17 rows of VIVE 2018 *Bilagstabel 1*, each with its paragraph, function and
    groupings; the default account key is the function, BPA's the function and grouping."""
    adults = ServiceCatalogue.default().for_area("adults")
    assert len(adults) == 17
    assert {s.code: (s.paragraph, s.function, s.groups) for s in adults} == BILAGSTABEL_1
    assert all(s.account == s.function for s in adults if s.code != "SEL96")
    assert adults["SEL96"].account == "5.38.39.002"


def test_ladder_order_of_section_2_2_1() -> None:
    """Ladder steps in the order of VIVE 2018 section 2.2.1 (unvisited § 104 offers first;
    ABL § 105 placed by assumption); the other services are off the ladder."""
    catalogue = ServiceCatalogue.default().for_area("adults")
    steps = {s.code: s.ladder_step for s in catalogue if s.ladder_step is not None}
    assert steps == {"SEL104": 1, "SEL82": 2, "SEL85": 3, "ABL105": 4, "SEL107": 5, "SEL108": 6}
    assert ServiceCatalogue.default()["SEL85"].groups == ("003", "004", "005")
    with pytest.raises(StyringskerneError, match="unknown service 'SEL999'; the catalogue has"):
        ServiceCatalogue.default()["SEL999"]


def test_a_municipality_loads_its_own_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "own.toml"
    path.write_text(
        '[[service]]\ncode = "SEL85-GRP"\nname = "Group support"\ndanish_name = "Gruppestøtte"\n'
        'paragraph = "SEL § 85"\naccount = "5.38.39.011"\nladder_step = 1\nkind = "ladder"\n',
        encoding="utf-8",
    )
    catalogue = ServiceCatalogue.from_toml(path)
    assert catalogue.account_for("SEL85-GRP") == "5.38.39.011"
    with pytest.raises(StyringskerneError, match="'kind' must be one of"):
        ServiceCatalogue.from_mapping(
            {
                "service": [
                    {
                        "code": "X",
                        "name": "",
                        "danish_name": "",
                        "paragraph": "",
                        "account": "1",
                        "kind": "weird",
                    }
                ]
            }
        )
    with pytest.raises(StyringskerneError, match="fields are code"):
        ServiceCatalogue.from_mapping({"service": [{"code": "X", "colour": "red"}]})
