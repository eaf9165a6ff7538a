"""A synthetic example municipality (eksempelkommune), deterministic for a seed.

About 35.000 inhabitants aged 18–64. Citizens per service follow the users per 10.000
inhabitants aged 18–64 in VIVE 2018, *Bilagstabel 4*, averaged over the six
municipalities that report them: temporary residential 22, long-term residential 13,
housing-like offers 56, support in own home 147. Day services and group courses are not in that
table; the rates used for them (15, 40 and 30) are this example's assumptions.

Citizen-controlled personal assistance (BPA, § 96, on its own account key 5.38.39.002) has 4
users per 10.000 inhabitants aged 18-64 at 2.800-5.200 kr. a day; the children's area (barnets
lov) has, per 10.000 inhabitants aged 18-64, 20 children with support in the home, 25 families
in family treatment, 30 with a contact person, 5 in network care, 18 in foster families, 6 at
socio-pedagogical homes, 5 at residential institutions and 0,5 at secured institutions. These
rates and their prices (below) are this example's assumptions; no seed gives them.

Prices: residential offers use Ikast-Brande's differentiated packages (*Boks 4.4*, price per
day by VUM level C–E) on top of an assumed basistakst; support in own home is an assumed hourly
price × hours per week; day services an assumed monthly price. Every tariff has new prices on
1 January (an assumed 2.5 % price and wage index). Some citizens start or end during the year,
a few have a four-month special tariff, and youths turning 18 appear with probability ½ or ⅓.
All ids are pseudonymous (``B-00001``); no CPR numbers are made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Final

import attrs
import numpy as np

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import add_months
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.dispositions import Actual, Disposition
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.tariffs.prices import Tariff, TariffPrice

__all__ = ["IKAST_BRANDE_PACKAGES", "ExampleMunicipality", "example_municipality"]

IKAST_BRANDE_PACKAGES: Final = {
    "C": ((("1.1", 150), ("1.2", 250), ("1.3", 399), ("2.1", 550), ("2.2", 749), ("3.1", 949))),
    "D": (
        (("3.2", 1149), ("4.1", 1349), ("4.2", 1599), ("5.1", 1898), ("5.2", 2198), ("5.3", 2498))
    ),
    "E": ((("6.1", 2498),)),
}
"""Package code and price per day in kroner by VUM level (VIVE 2018, *Boks 4.4*, Ikast-Brande).
Package 6.1 is "2.498+": its price is a floor, and each case is priced from it upward."""

_USERS_PER_10000: Final = {
    "SEL107": 22,
    "SEL108": 13,
    "ABL105": 56,
    "SEL85": 147,
    "SEL103": 15,
    "SEL104": 40,
    "SEL82": 30,
}
_BASE_PER_DAY: Final = {"SEL107": 1150, "SEL108": 1050, "ABL105": 300}
"""Assumed basistakst per day (fixed costs) in kroner, before the package price."""
_PROVIDERS: Final = {
    "SEL107": ("Botilbuddet Engvang", "Regionens botilbud", "Privat botilbud Skovly"),
    "SEL108": ("Botilbuddet Engvang", "Nabokommunens botilbud", "Regionens botilbud"),
    "ABL105": ("Bofællesskabet Lærkevej", "Bofællesskabet Åparken"),
    "SEL85": ("Bostøtteteamet", "Privat bostøtte ApS"),
    "SEL103": ("Værkstedet",),
    "SEL104": ("Værkstedet", "Aktivitetshuset"),
    "SEL82": ("Bostøtteteamet",),
}
_HOURLY_PRICE: Final = 520  # kroner per hour of support in own home (assumed)
_BPA_PER_10000: Final = 4  # assumed
_CHILDREN_PER_10000: Final = {  # per 10.000 inhabitants aged 18-64 (assumed)
    "BL32-HJEM": 20,
    "BL32-FAM": 25,
    "BL32-KP": 30,
    "BL43-NET": 5,
    "BL43-PLEJE": 18,
    "BL43-OPH": 6,
    "BL43-DI": 5,
    "BL43-SIK": 0.5,
}
_CHILD_PER_DAY: Final = {  # kroner per day of placement (assumed)
    "BL43-NET": (350, 550),
    "BL43-PLEJE": (1000, 1600),
    "BL43-OPH": (2600, 3800),
    "BL43-DI": (3500, 5200),
    "BL43-SIK": (8500, 10500),
}
_MORE_PROVIDERS: Final = {
    "SEL96": ("BPA-ordning",),
    "BL32-HJEM": ("Familiehuset",),
    "BL32-FAM": ("Familiehuset", "Privat familiebehandling ApS"),
    "BL32-KP": ("Ungeteamet",),
    "BL43-NET": ("Netværksplejefamilie",),
    "BL43-PLEJE": ("Plejefamilie", "Forstærket plejefamilie"),
    "BL43-OPH": ("Opholdsstedet Skovbrynet", "Opholdsstedet Havblik"),
    "BL43-DI": ("Børne- og ungehjemmet Solsikken", "Regionens børne- og ungehjem"),
    "BL43-SIK": ("Sikret institution",),
}
_INDEX: Final = Fraction(1025, 1000)  # price and wage index per year (assumed)


@masked_repr
@attrs.frozen(kw_only=True)
class ExampleMunicipality:
    """The generated municipality: its dispositions and actual postings (eksempelkommune)."""

    year: int
    inhabitants_18_64: int
    dispositions: tuple[Disposition, ...]
    actuals: tuple[Actual, ...]

    @property
    def citizen_count(self) -> int:
        """Number of distinct citizens."""
        return len({disposition.citizen_id for disposition in self.dispositions})


def _tariff(code: str, unit: str, price_in_year: Fraction, year: int) -> Tariff:
    """A tariff with new prices on 1 January from six years before to the year after."""
    prices = []
    for offset in range(-6, 2):
        kroner = price_in_year * _INDEX**offset
        prices.append(
            TariffPrice(
                valid_from=dt.date(year + offset, 1, 1), rate=Money.from_fraction(kroner * 100)
            )
        )
    return Tariff(code=code, unit=unit, prices=tuple(prices))


def _day(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _service_tariff(service: str, rng: np.random.Generator, year: int) -> tuple[Tariff, int]:
    """A tariff for a service and the quantity it is granted in (hours a week, or 1)."""
    if service in _BASE_PER_DAY:
        level = str(rng.choice(["C", "D", "E"], p=[0.45, 0.45, 0.10]))
        packages = IKAST_BRANDE_PACKAGES[level]
        code, price = packages[int(rng.integers(0, len(packages)))]
        if code == "6.1":  # priced case by case from the floor: 300 kr. above it (assumed)
            price += 300
        per_day = Fraction(_BASE_PER_DAY[service] + price)
        return _tariff(f"{service} pakke {code}", "day", per_day, year), 1
    if service == "SEL85":
        hours = int(rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8, 10]))
        return _tariff("SEL85 time", "week", Fraction(_HOURLY_PRICE), year), hours
    if service == "SEL82":
        return _tariff("SEL82 gruppeforløb", "week", Fraction(380), year), 1
    monthly = Fraction(int(rng.integers(7, 16)) * 1000)
    return _tariff(f"{service} dagtilbud", "month", monthly, year), 1


def example_municipality(
    year: int | None = None,
    *,
    seed: int = 2018,
    inhabitants_18_64: int = 35_000,
    actuals_through: dt.date | None = None,
) -> ExampleMunicipality:
    """Generate the example municipality for a budget year (default: this year).

    Args:
        year: the budget year the dispositions are centred on.
        seed: the random seed; the same seed and year always give the same municipality.
        inhabitants_18_64: size of the municipality.
        actuals_through: actual postings are made for every month that ends on or before this
            date in ``year`` (default: none).

    Examples:
        >>> town = example_municipality(2024)
        >>> town.citizen_count > 1000, town == example_municipality(2024)
        (True, True)
    """
    year = dt.date.today().year if year is None else year
    rng = np.random.default_rng([seed, year])
    first_of_year, last_of_year = dt.date(year, 1, 1), dt.date(year, 12, 31)
    dispositions: list[Disposition] = []
    serial = 0

    def new_citizen() -> str:
        nonlocal serial
        serial += 1
        return f"B-{serial:05d}"

    for service, per_10000 in _USERS_PER_10000.items():
        count = round(per_10000 * inhabitants_18_64 / 10_000)
        turnover = 0.45 if service in ("SEL107", "SEL85", "SEL82") else 0.15
        for index in range(count):
            citizen = new_citizen()
            provider = str(rng.choice(_PROVIDERS[service]))
            started_before = rng.random() > turnover
            start = (
                _day(rng, dt.date(year - 6, 1, 1), dt.date(year - 1, 12, 31))
                if started_before
                else _day(rng, first_of_year, dt.date(year, 11, 30))
            )
            end = None
            if rng.random() < turnover:
                end = _day(rng, max(start, first_of_year), last_of_year + dt.timedelta(days=180))
            tariff, quantity = _service_tariff(service, rng, year)
            disposition = Disposition.from_tariff(
                id=f"D-{service}-{index + 1:04d}",
                citizen_id=citizen,
                service=service,
                provider=provider,
                tariff=tariff,
                start=start,
                end=end,
                quantity=quantity,
            )
            dispositions.append(disposition)
            if service in ("SEL107", "SEL108") and rng.random() < 0.06:
                dispositions.append(_special_tariff(disposition, rng, year))
    dispositions.extend(_youths(rng, year, new_citizen))
    # BPA and the children's area draw from a stream of their own, so that adding them left
    # every earlier citizen of the example as it was.
    more = np.random.default_rng([seed, year, 1])
    dispositions.extend(_bpa_and_children(more, year, inhabitants_18_64, new_citizen))
    actuals = _actuals(dispositions, year, actuals_through, rng) if actuals_through else ()
    return ExampleMunicipality(
        year=year,
        inhabitants_18_64=inhabitants_18_64,
        dispositions=tuple(dispositions),
        actuals=actuals,
    )


def _start_and_end(
    rng: np.random.Generator, year: int, turnover: float
) -> tuple[dt.date, dt.date | None]:
    """A start before or during the year and, with probability ``turnover``, an end."""
    first_of_year = dt.date(year, 1, 1)
    if rng.random() > turnover:
        start = _day(rng, dt.date(year - 4, 1, 1), dt.date(year - 1, 12, 31))
    else:
        start = _day(rng, first_of_year, dt.date(year, 11, 30))
    end = None
    if rng.random() < turnover:
        end = _day(rng, max(start, first_of_year), dt.date(year + 1, 6, 29))
    return start, end


def _more_tariff(service: str, rng: np.random.Generator, year: int) -> tuple[Tariff, int]:
    """A tariff for BPA or a measure of the children's area, and its quantity (hours a week,
    or 1)."""
    if service == "SEL96":
        per_day = Fraction(int(rng.integers(28, 53)) * 100)
        return _tariff(f"{service} BPA", "day", per_day, year), 1
    if service in _CHILD_PER_DAY:
        low, high = _CHILD_PER_DAY[service]
        per_day = Fraction(int(rng.integers(low // 50, high // 50 + 1)) * 50)
        return _tariff(f"{service} døgn", "day", per_day, year), 1
    if service == "BL32-FAM":
        monthly = Fraction(int(rng.integers(18, 33)) * 1000)
        return _tariff(f"{service} forløb", "month", monthly, year), 1
    hours = int(rng.choice([2, 3, 4, 5, 6, 8]))
    return _tariff(f"{service} time", "week", Fraction(480), year), hours


def _bpa_and_children(
    rng: np.random.Generator, year: int, inhabitants: int, new_citizen: Callable[[], str]
) -> list[Disposition]:
    """BPA (§ 96) and the placements and main preventive measures of the children's area."""
    result = []
    rates = {"SEL96": _BPA_PER_10000, **_CHILDREN_PER_10000}
    for service, per_10000 in rates.items():
        turnover = {"SEL96": 0.1}.get(service, 0.2 if service.startswith("BL43") else 0.5)
        for index in range(round(per_10000 * inhabitants / 10_000)):
            start, end = _start_and_end(rng, year, turnover)
            tariff, quantity = _more_tariff(service, rng, year)
            result.append(
                Disposition.from_tariff(
                    id=f"D-{service}-{index + 1:04d}",
                    citizen_id=new_citizen(),
                    service=service,
                    provider=str(rng.choice(_MORE_PROVIDERS[service])),
                    tariff=tariff,
                    start=start,
                    end=end,
                    quantity=quantity,
                )
            )
    return result


def _special_tariff(base: Disposition, rng: np.random.Generator, year: int) -> Disposition:
    """A four-month special tariff (særtakst) on top of a residential disposition."""
    start = _day(rng, max(base.start, dt.date(year, 1, 1)), dt.date(year, 10, 31))
    end = add_months(start, 4) - dt.timedelta(days=1)
    if base.end is not None:
        end = min(end, base.end)
    return Disposition.at_rate(
        id=f"{base.id}-S",
        citizen_id=base.citizen_id,
        service=base.service,
        provider=base.provider,
        rate=Money(int(rng.integers(4, 16)) * 10_000),
        unit="day",
        start=start,
        end=max(end, start),
    )


def _youths(
    rng: np.random.Generator, year: int, new_citizen: Callable[[], str]
) -> list[Disposition]:
    """Youths turning 18 in the year, expected in adult services with probability ½ or ⅓."""
    result = []
    for index in range(12):
        birthday = _day(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
        service = str(rng.choice(["ABL105", "SEL107", "SEL85"]))
        probability = Fraction(1, 2) if rng.random() < 0.5 else Fraction(1, 3)
        tariff, quantity = _service_tariff(service, rng, year)
        result.append(
            Disposition.from_tariff(
                id=f"D-UNG-{index + 1:04d}",
                citizen_id=new_citizen(),
                service=service,
                tariff=tariff,
                start=birthday,
                quantity=quantity,
                probability=probability,
            )
        )
    return result


def _actuals(
    dispositions: Sequence[Disposition], year: int, through: dt.date, rng: np.random.Generator
) -> tuple[Actual, ...]:
    """Monthly postings per citizen and account, with some timing differences."""
    granted = [d for d in dispositions if d.probability == 1]
    ledger = DispositionLedger(granted)
    monthly = ledger.monthly(year, by="disposition")
    by_id = {d.id: d for d in granted}
    last_month = _months_closed(year, through)
    postings: dict[tuple[str, str, dt.date], int] = {}
    for label, row in zip(monthly.labels.tolist(), monthly.values.tolist(), strict=True):
        disposition = by_id[str(label)]
        account = disposition.account or ServiceCatalogue.default().account_for(disposition.service)
        for month in range(1, last_month + 1):
            amount = row[month - 1]
            if amount == 0:
                continue
            if rng.random() < 0.03:
                continue  # an invoice not yet booked: shows as booked − computed
            posted = add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
            key = (disposition.citizen_id, account, posted)
            postings[key] = postings.get(key, 0) + amount
    return tuple(
        Actual(citizen_id=citizen, account=account, date=posted, amount=Money(amount))
        for (citizen, account, posted), amount in sorted(postings.items())
    )


def _months_closed(year: int, through: dt.date) -> int:
    """How many months of ``year`` have ended on or before ``through``."""
    if through.year != year:
        return 12 if through.year > year else 0
    month_end = add_months(dt.date(year, through.month, 1), 1) - dt.timedelta(days=1)
    return through.month if through == month_end else through.month - 1
