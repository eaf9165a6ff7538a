"""Every check of the differentiated tariffs' package catalogues (ydelsespakker), word for word.

A catalogue is data a municipality types in from its tariff folder; each mistake — a VUM level
that does not exist, a floor price missing, packages out of order — is refused with a message
that names the package and what is valid.
"""

from __future__ import annotations

from typing import Any

import pytest

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.money import Money
from styringskerne.tariffs.packages import Package, PackageCatalogue


def _message(build: Any) -> str:
    with pytest.raises(StyringskerneError) as error:
        build()
    return str(error.value)


def _minutes(*packages: Package, name: str = "test") -> PackageCatalogue:
    return PackageCatalogue(name=name, time_unit="minutes_per_day", packages=packages)


def test_package_checks_word_for_word() -> None:
    assert _message(lambda: Package(code="9", vum="F")) == (
        "package '9': 'vum' must be one of A|B|C|D|E"
    )
    assert _message(lambda: Package(code="6.1", vum="E", price_from=True)) == (
        "package '6.1': 'price_from' needs a price_per_day floor"
    )


def test_prices_of_fixed_and_floor_packages() -> None:
    fixed = Package(code="3.2", vum="D", price_per_day="1.149,00")
    floor = Package(code="6.1", vum="E", price_per_day="2.498,00", price_from=True)
    unpriced = Package(code="1", vum="A")
    assert fixed.priced() == Money.of("1149")
    assert fixed.priced("1.149,00") == Money.of("1149")
    assert _message(lambda: fixed.priced("1.200,00")) == (
        "package '3.2' has the fixed price 1.149,00 kr.; a case's own price is for packages "
        "priced from a floor"
    )
    assert _message(unpriced.priced) == "package '1' has no price"
    assert _message(floor.priced) == (
        "package '6.1' is priced case by case from 2.498,00 kr. upward; give the case's price"
    )
    assert _message(lambda: floor.priced("2.497,99")) == (
        "package '6.1': 2.497,99 kr. is below its floor of 2.498,00 kr."
    )
    assert floor.priced("2.498,00") == Money.of("2498")
    assert floor.priced("3.000,00") == Money.of("3000")


def test_catalogue_checks_word_for_word() -> None:
    one = Package(code="1", vum="A", minutes_per_day=30)
    two = Package(code="2", vum="B", minutes_per_day=60)
    top = Package(code="3", vum="C", minutes_per_day=90, open_ended=True)
    assert _message(_minutes) == "package catalogue 'test' has no packages"
    assert _message(lambda: _minutes(one, one)) == (
        "package catalogue 'test' repeats a package code"
    )
    order = (
        "package catalogue 'test': packages must be in ascending order of time, with only the "
        "last one open-ended"
    )
    assert _message(lambda: _minutes(two, one)).startswith(order)
    assert _message(lambda: _minutes(top, one)).startswith(order)
    catalogue = _minutes(one, two, top)
    assert catalogue.for_minutes(30).code == "1"  # a limit covers itself
    assert catalogue.for_minutes(31).code == "2"
    assert catalogue.for_minutes(10_000).code == "3"  # the open-ended top covers any time
    # Without an open-ended top the catalogue is refused, so every time has a package.
    assert _message(lambda: _minutes(one, two)).startswith(order)
    assert _message(lambda: catalogue.for_hours(5)) == (
        "'test' counts minutes per day; use for_minutes"
    )
    hours = PackageCatalogue(
        name="timer",
        time_unit="hours_per_week",
        packages=[Package(code="A", vum="A", hours_per_week=2, up_to_hours_per_week=3),
                  Package(code="B", vum="B", hours_per_week=5, open_ended=True)],
    )  # fmt: skip
    assert hours.for_hours(3).code == "A"  # up to its upper limit, not its average
    assert hours.for_hours(4).code == "B"
    assert _message(lambda: hours.for_minutes(5)) == "'timer' counts hours per week; use for_hours"
    assert _message(lambda: catalogue.package("9")) == "no package '9' in 'test'; it has 1, 2, 3"
    assert catalogue.step("1", 2).code == "3"
    assert catalogue.step("3", -1).code == "2"
    assert _message(lambda: catalogue.step("3", 1)) == "'3' moved +1 leaves 'test' (packages 1 … 3)"
    assert (
        _message(lambda: catalogue.step("1", -1)) == "'1' moved -1 leaves 'test' (packages 1 … 3)"
    )
    assert catalogue.for_vum("B") == (two,)
    assert catalogue.for_vum("E") == ()
