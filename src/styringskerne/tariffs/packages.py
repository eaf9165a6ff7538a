"""Differentiated tariffs (differentierede takster): package catalogues by functional level.

A differentiated tariff is a basistakst (fixed costs: building, management, night staff,
administration, overhead, prior-year regulation) plus a package price (ydelsestakst) chosen
from the citizen's assessed need. Packages follow the VUM functional level (A none … E complete)
and carry the direct citizen time they buy: minutes per day (Ikast-Brande, *Boks 4.4*) or
citizen-related hours per week (Gladsaxe, *Boks 4.3*). Both ship as examples.

Moving a citizen one package up or down is a dated price change of the disposition
(:meth:`PackageCatalogue.move`), so the ledger and the forecast explanation see it as such.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from styringskerne.core.data import load_example
from styringskerne.core.errors import StyringskerneError, TariffError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.core.quantities import Exact, to_quantity
from styringskerne.dispositions import Disposition

__all__ = ["EXAMPLE_CATALOGUES", "Package", "PackageCatalogue", "example_catalogue"]

EXAMPLE_CATALOGUES: Final = ("gladsaxe", "ikast-brande")
TimeUnit = Literal["minutes_per_day", "hours_per_week"]
_VUM: Final = ("A", "B", "C", "D", "E")


def _optional_money(value: Money | str | None) -> Money | None:
    return None if value is None else Money.of(value)


def _optional_time(value: Exact | None) -> Fraction | None:
    return None if value is None else to_quantity(value)


@masked_repr
@attrs.frozen(kw_only=True)
class Package:
    """One package of a differentiated tariff (ydelsespakke).

    Attributes:
        code: the package's code, e.g. ``"3.2"`` or ``"4"``.
        vum: the VUM functional level it serves, ``"A"`` … ``"E"``.
        price_per_day: the package price per day (ydelsestakst), where the catalogue has one.
        minutes_per_day: direct citizen time per day, in a minutes catalogue.
        hours_per_week: average citizen-related hours per week, in an hours catalogue.
        up_to_hours_per_week: the package's upper limit of hours, where given.
        open_ended: the top package, which covers any time above the one below it.
        price_from: ``price_per_day`` is a floor, not a price: the package is priced case by
            case from it upward (Ikast-Brande's package 6.1, "2.498+ kr.", *Boks 4.4*).
    """

    code: str
    vum: str
    price_per_day: Money | None = attrs.field(default=None, converter=_optional_money)
    minutes_per_day: Fraction | None = attrs.field(default=None, converter=_optional_time)
    hours_per_week: Fraction | None = attrs.field(default=None, converter=_optional_time)
    up_to_hours_per_week: Fraction | None = attrs.field(default=None, converter=_optional_time)
    open_ended: bool = False
    price_from: bool = False

    def __attrs_post_init__(self) -> None:
        if self.vum not in _VUM:
            raise TariffError(f"package {self.code!r}: 'vum' must be one of A|B|C|D|E")
        if self.price_from and self.price_per_day is None:
            raise TariffError(f"package {self.code!r}: 'price_from' needs a price_per_day floor")

    def priced(self, price: Money | str | None = None) -> Money:
        """The package's price per day; for a package priced from a floor, ``price`` is the
        case's own price and must be at least the floor.

        Raises:
            StyringskerneError: for a package without a price, a floor package without
                ``price`` or below its floor, or a ``price`` for a package with a fixed price.
        """
        if self.price_per_day is None:
            raise StyringskerneError(f"package {self.code!r} has no price")
        if not self.price_from:
            if price is not None and Money.of(price) != self.price_per_day:
                raise StyringskerneError(
                    f"package {self.code!r} has the fixed price {self.price_per_day}; "
                    "a case's own price is for packages priced from a floor"
                )
            return self.price_per_day
        if price is None:
            raise StyringskerneError(
                f"package {self.code!r} is priced case by case from {self.price_per_day} "
                "upward; give the case's price"
            )
        own = Money.of(price)
        if own < self.price_per_day:
            raise StyringskerneError(
                f"package {self.code!r}: {own} is below its floor of {self.price_per_day}"
            )
        return own

    @property
    def covers_minutes(self) -> Fraction | None:
        """The most direct time per day the package covers (``None``: no limit)."""
        return None if self.open_ended else self.minutes_per_day

    @property
    def covers_hours(self) -> Fraction | None:
        """The most hours per week the package covers (``None``: no limit)."""
        if self.open_ended:
            return None
        return (
            self.up_to_hours_per_week
            if self.up_to_hours_per_week is not None
            else (self.hours_per_week)
        )


def _packages(value: Iterable[Package]) -> tuple[Package, ...]:
    return tuple(value)


@masked_repr
@attrs.frozen(kw_only=True)
class PackageCatalogue:
    """A differentiated tariff's packages, in ascending order of need (takstkatalog).

    Examples:
        >>> catalogue = example_catalogue("ikast-brande")
        >>> package = catalogue.package("3.2")
        >>> package.vum, package.price_per_day, package.minutes_per_day
        ('D', Money.of('1149.00'), Fraction(180, 1))
        >>> catalogue.for_minutes(150).code
        '3.2'
    """

    name: str
    time_unit: TimeUnit
    packages: tuple[Package, ...] = attrs.field(converter=_packages)
    municipality: str = ""
    time_basis: str = ""
    """What the packages' time counts, in words (Gladsaxe: citizen-related hours, not ATA)."""
    note: str = ""
    """Anything else the catalogue says about its packages."""

    def __attrs_post_init__(self) -> None:
        if not self.packages:
            raise TariffError(f"package catalogue {self.name!r} has no packages")
        codes = [p.code for p in self.packages]
        if len(set(codes)) != len(codes):
            raise TariffError(f"package catalogue {self.name!r} repeats a package code")
        limits = [self._limit(p) for p in self.packages]
        finite = [limit for limit in limits if limit is not None]
        if limits[:-1] != finite or finite != sorted(finite):
            raise TariffError(
                f"package catalogue {self.name!r}: packages must be in ascending order of time, "
                "with only the last one open-ended"
            )

    def _limit(self, package: Package) -> Fraction | None:
        return (
            package.covers_minutes
            if self.time_unit == "minutes_per_day"
            else (package.covers_hours)
        )

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], *, source: str = "catalogue"
    ) -> PackageCatalogue:
        """Build from parsed TOML or JSON (see the shipped examples)."""
        try:
            return cls(
                name=data["name"],
                time_unit=data["time_unit"],
                packages=[Package(**package) for package in data["package"]],
                municipality=data.get("municipality", ""),
                time_basis=data.get("time_basis", ""),
                note=data.get("note", ""),
            )
        except (KeyError, TypeError) as error:
            raise StyringskerneError(
                f"{source}: {error}; a catalogue has name, time_unit and [[package]] tables"
            ) from error

    @classmethod
    def from_toml(cls, path: str | Path) -> PackageCatalogue:
        """Load a catalogue from a TOML file."""
        return cls.from_mapping(tomllib.loads(Path(path).read_text("utf-8")), source=str(path))

    def package(self, code: str) -> Package:
        """The package with a code."""
        for package in self.packages:
            if package.code == code:
                return package
        codes = ", ".join(p.code for p in self.packages)
        raise StyringskerneError(f"no package {code!r} in {self.name!r}; it has {codes}")

    def for_vum(self, vum: str) -> tuple[Package, ...]:
        """The packages for a VUM functional level."""
        return tuple(p for p in self.packages if p.vum == vum)

    def _smallest_covering(self, time: Fraction) -> Package:
        for package in self.packages:
            limit = self._limit(package)
            if limit is None or time <= limit:
                return package
        raise StyringskerneError(
            f"no package in {self.name!r} covers {time} (the largest covers "
            f"{self._limit(self.packages[-1])})"
        )

    def for_minutes(self, minutes: Exact) -> Package:
        """The smallest package whose direct time covers ``minutes`` per day."""
        if self.time_unit != "minutes_per_day":
            raise StyringskerneError(f"{self.name!r} counts hours per week; use for_hours")
        return self._smallest_covering(to_quantity(minutes))

    def for_hours(self, hours_per_week: Exact) -> Package:
        """The smallest package whose hours cover ``hours_per_week`` citizen-related hours."""
        if self.time_unit != "hours_per_week":
            raise StyringskerneError(f"{self.name!r} counts minutes per day; use for_minutes")
        return self._smallest_covering(to_quantity(hours_per_week))

    def step(self, code: str, steps: int) -> Package:
        """The package ``steps`` places up (positive) or down (negative) from ``code``."""
        codes = [p.code for p in self.packages]
        index = codes.index(self.package(code).code) + steps
        if not 0 <= index < len(codes):
            raise StyringskerneError(
                f"{code!r} moved {steps:+d} leaves {self.name!r} "
                f"(packages {codes[0]} … {codes[-1]})"
            )
        return self.packages[index]

    def move(
        self,
        disposition: Disposition,
        *,
        day: dt.date,
        to: str,
        basistakst: Money | str,
        price: Money | str | None = None,
    ) -> Disposition:
        """Move a disposition to another package from ``day``: a dated price change.

        The new price per day is ``basistakst + package price``; ``price`` is the case's own
        package price for a package priced from a floor (``price_from``).
        """
        return disposition.with_price_from(day, self.day_price(to, basistakst, price=price))

    def day_price(
        self, code: str, basistakst: Money | str, *, price: Money | str | None = None
    ) -> Money:
        """The price per day of a package on top of an offer's basistakst.

        Examples:
            >>> catalogue = example_catalogue("ikast-brande")
            >>> catalogue.day_price("5.3", "1.000,00")
            Money.of('3498.00')
            >>> catalogue.day_price("6.1", "1.000,00", price="2.900,00")
            Money.of('3900.00')
        """
        try:
            package_price = self.package(code).priced(price)
        except StyringskerneError as error:
            raise StyringskerneError(f"{self.name!r}: {error}") from None
        return Money.of(basistakst) + package_price


def example_catalogue(name: str) -> PackageCatalogue:
    """A shipped example package catalogue (eksempel på takstkatalog): Boks 4.3 or 4.4.

    Raises:
        StyringskerneError: naming the valid names.
    """
    data = load_example(
        "styringskerne.tariffs", "package_catalogues", name, EXAMPLE_CATALOGUES, what="catalogue"
    )
    return PackageCatalogue.from_mapping(data, source=name)
