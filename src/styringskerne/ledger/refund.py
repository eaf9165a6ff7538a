"""State refund for very expensive single cases (statsrefusion i særligt dyre enkeltsager).

Serviceloven § 176: per person, the state refunds 25 % of the municipality's spend on help
under the act above threshold 1, 50 % above threshold 2 and 75 % above threshold 3. How the
library reckons it, rule by rule:

- **Thresholds** are data per year (``refund_176.toml`` beside this module, with the source of
  each year); a year without data is an error that says how to pass them
  (:class:`RefundThresholds`).
- **Basis**: by default each calendar month's spend is held against 1/12 of the thresholds and
  one-off amounts are spread evenly over the year's twelve months, as the executive order on
  the central refund scheme prescribes (BEK nr. 1485 af 6/12/2023, § 3). ``basis="year"``
  holds the year's spend against the yearly thresholds instead (the law's "årligt").
- **Who**: spend from a person's 67th birthday is left out unless the person was covered just
  before turning 67 (§ 176, stk. 3; give them in ``covered_after_67``; a person who turned 67
  before 1 January 2021 cannot be, lov nr. 1060 af 30/6/2020 § 2, stk. 2). A person whose age
  is unknown (a pseudonymous id without a birth date) counts as under 67 and is listed.
  Children and youths marked with a ``household`` are summed per household (stk. 2) until
  their 23rd birthday; from then their spend counts for themselves.
- **What**: the services with ``refund_176 = true`` in the catalogue, paid by this
  municipality (the municipality that finally pays claims the refund, BEK § 1, stk. 3).
- **Expected dispositions** (probability below 1): a person's expected dispositions are taken
  to come about together in order of probability — if one with probability *p* comes, so do
  those with a higher one. The expected refund is then exact: with levels
  *q₁ > q₂ > … > q_L*, it is ``(1 − q₁)·f(G) + Σ (q_j − q_{j+1})·f(G + X₁ + … + X_j)`` where
  *G* is the granted spend, *X_j* the spend of the dispositions with probability *q_j* and
  *f* the refund of a spend. One expected disposition alone gives ``(1 − p)·f(G) + p·f(G + X)``,
  not ``f(G + p·X)``, which would understate the refund of a likely expensive case.
- **Rounding**: the refund of a person (household) is rounded half-even to the øre per month
  (per year with ``basis="year"``).
- **To date**: the refund on the spend through the as-of date (the as-of month counts with its
  days so far); the rest of the year is the year's refund minus that, never negative.
- **Per sub-area**: a person's refund for the year is split over the sub-areas of their
  counted spend by the largest-remainder rule, so the parts add up to the øre.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from functools import cache
from types import MappingProxyType
from typing import Any, Final, Literal, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import OPEN_END, BudgetYear, as_of_in_year, check_day, day_number
from styringskerne.core.cpr import (
    mask_id,
    normalise_citizen_id,
)
from styringskerne.core.data import load
from styringskerne.core.errors import AmountOverflowError, StyringskerneError
from styringskerne.core.html import html_table
from styringskerne.core.limits import MAX_ORE
from styringskerne.core.masking import mask_data, mask_text, masked_repr
from styringskerne.core.money import Money, MoneyLike, round_half_even
from styringskerne.core.quantities import to_fraction
from styringskerne.core.tabular import arrow_table, pandas_frame
from styringskerne.engine import (
    UNIT_DAY,
    UNIT_MONTH,
    UNIT_ONCE,
    UNIT_WEEK,
    SegmentColumns,
    build_segment_columns,
    dense_codes,
    exact_sum,
    group_rows_sum,
    group_sum,
    grouped_windowed_costs,
    largest_remainder,
    rounded_ratio,
    stable_order,
    windowed_interval_costs,
)
from styringskerne.ledger.ages import birth_day_numbers, birthday_numbers
from styringskerne.ledger.ledger import NO_BIRTH_DATE, DispositionLedger
from styringskerne.ledger.subareas import own_segments, sub_area_codes

__all__ = [
    "BASES",
    "DATA_FILE",
    "RefundParts",
    "RefundRule",
    "RefundThresholds",
    "StateRefund",
    "state_refund",
]

Basis = Literal["month", "year"]
BASES: Final[tuple[Basis, ...]] = ("month", "year")
DATA_FILE: Final = "styringskerne/ledger/refund_176.toml"
"""The shipped thresholds, by their place in the installed package."""
_FIRST_YEAR_OF_STK_3: Final = dt.date(2021, 1, 1)
_OPEN_START: Final = np.iinfo(np.int64).min // 4


def _to_thresholds(value: Iterable[MoneyLike]) -> tuple[Money, Money, Money]:
    amounts = tuple(Money.of(item, field="threshold") for item in value)
    if len(amounts) != 3:
        raise StyringskerneError(f"'thresholds' must be three amounts (got {len(amounts)})")
    if amounts[0].ore <= 0 or not amounts[0] < amounts[1] < amounts[2]:
        raise StyringskerneError(
            "'thresholds' must be positive and rising (got "
            f"{', '.join(amount.to_string() for amount in amounts)})"
        )
    first, second, third = amounts
    return (first, second, third)


def _to_shares(value: Iterable[Any]) -> tuple[Fraction, Fraction, Fraction]:
    shares = tuple(to_fraction(item, field="share") for item in value)
    if len(shares) != 3:
        raise StyringskerneError(f"'shares' must be three fractions (got {len(shares)})")
    if not 0 < shares[0] < shares[1] < shares[2] <= 1:
        raise StyringskerneError(
            f"'shares' must rise from above 0 to at most 1 (got {', '.join(map(str, shares))})"
        )
    low, middle, high = shares
    return (low, middle, high)


@masked_repr
@attrs.frozen(kw_only=True)
class RefundThresholds:
    """The thresholds of the state refund for one year (beløbsgrænser, serviceloven § 176).

    Examples:
        >>> limits = RefundThresholds.for_year(2022)
        >>> [str(amount) for amount in limits.thresholds]
        ['860.000,00 kr.', '1.680.000,00 kr.', '2.120.000,00 kr.']
        >>> str(limits.refund_on("1.000.000,00"))
        '35.000,00 kr.'
    """

    year: int
    thresholds: tuple[Money, Money, Money] = attrs.field(converter=_to_thresholds)
    shares: tuple[Fraction, Fraction, Fraction] = attrs.field(
        default=(Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)), converter=_to_shares
    )
    source: str = "given by the caller"

    @classmethod
    def for_year(cls, year: int) -> RefundThresholds:
        """The shipped thresholds of a budget year.

        Raises:
            StyringskerneError: for a year the data file does not list, naming the file and
                how to pass the thresholds yourself.
        """
        for thresholds in cls.published():
            if thresholds.year == year:
                return thresholds
        listed = ", ".join(str(t.year) for t in cls.published())
        raise StyringskerneError(
            f"no § 176 refund thresholds for {year} in {DATA_FILE} (it lists {listed}); pass "
            f"them yourself, RefundThresholds(year={year}, thresholds=('T1', 'T2', 'T3')) in "
            "kroner, or --refund-thresholds T1/T2/T3 on the command line, from the ministry's "
            "published rates for the year"
        )

    @classmethod
    def published(cls) -> tuple[RefundThresholds, ...]:
        """Every year in the shipped data file, in year order."""
        return _published()

    @property
    def increments(self) -> tuple[Fraction, Fraction, Fraction]:
        """The extra share above each threshold: 25 %, 25 %, 25 % for 25/50/75 %."""
        first, second, third = self.shares
        return (first, second - first, third - second)

    def refund_on(self, spend: MoneyLike) -> Money:
        """The refund of a yearly spend held against the yearly thresholds, rounded half-even."""
        amount = Money.of(spend, field="spend")
        exact = sum(
            (
                share * max(0, amount.ore - threshold.ore)
                for share, threshold in zip(self.increments, self.thresholds, strict=True)
            ),
            Fraction(0),
        )
        return Money(round_half_even(exact))


@cache
def _published() -> tuple[RefundThresholds, ...]:
    rows = load("styringskerne.ledger", "refund_176.toml")["year"]
    return tuple(
        sorted(
            (
                RefundThresholds(
                    year=int(row["year"]),
                    thresholds=tuple(row["thresholds"]),
                    shares=tuple(row["shares"]),
                    source=str(row["source"]),
                )
                for row in rows
            ),
            key=lambda thresholds: thresholds.year,
        )
    )


def _citizen_set(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):
        raise StyringskerneError(
            "'covered_after_67' must be a collection of citizen ids, not a str"
        )
    return frozenset(normalise_citizen_id(value) for value in values)


def _birth_dates(values: Mapping[str, dt.date]) -> Mapping[str, dt.date]:
    return MappingProxyType(
        {normalise_citizen_id(key): check_day(day, "birth date") for key, day in values.items()}
    )


def _check_basis(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in BASES:
        raise StyringskerneError(f"'basis' must be one of {'|'.join(BASES)} (got {value!r})")


@masked_repr
@attrs.frozen(kw_only=True)
class RefundRule:
    """How the state refund is reckoned (refusionsregel, serviceloven § 176).

    Attributes:
        thresholds: the year's thresholds and shares.
        basis: ``"month"`` (spend per month against 1/12 of the thresholds, BEK § 3; the
            default) or ``"year"``.
        covered_after_67: citizens who were covered just before their 67th birthday, so their
            spend after it still counts (§ 176, stk. 3).
        birth_dates: birth dates of citizens whose ids are not CPR numbers.
        catalogue: says which services count (``refund_176``); default: the shipped one.
    """

    thresholds: RefundThresholds
    basis: Basis = attrs.field(default="month", validator=_check_basis)
    covered_after_67: frozenset[str] = attrs.field(factory=frozenset, converter=_citizen_set)
    birth_dates: Mapping[str, dt.date] = attrs.field(factory=dict, converter=_birth_dates)
    catalogue: ServiceCatalogue | None = None

    @classmethod
    def for_year(cls, year: int, **options: Any) -> RefundRule:
        """The rule with the shipped thresholds of ``year`` (:meth:`RefundThresholds.for_year`)."""
        return cls(thresholds=RefundThresholds.for_year(year), **options)

    def describe(self) -> str:
        """The rule in words, for the assumptions of a forecast line."""
        limits = " / ".join(amount.format_danish() for amount in self.thresholds.thresholds)
        shares = " / ".join(f"{share * 100:g} %" for share in map(float, self.thresholds.shares))
        per = "per month against 1/12 of" if self.basis == "month" else "per year against"
        return (
            f"serviceloven § 176: {shares} of the spend per person {per} {limits} "
            f"({self.thresholds.year}; {self.thresholds.source})"
        )


@masked_repr
@attrs.frozen(kw_only=True, eq=False, repr=False)
class StateRefund:
    """The state refund of a budget year per person or household (statsrefusion, § 176).

    Attributes:
        year: the budget year.
        as_of: the date of the *to date* figures, or ``None``.
        rule: the rule it was reckoned by.
        units: who the refund is reckoned for: citizen ids, or household labels.
        households: whether each unit is a household.
        spend: each unit's counted spend for the year (expected, øre).
        to_date: each unit's refund on the spend through ``as_of`` (øre; zeros without it).
        for_year: each unit's expected refund for the year (øre).
        by_sub_area: the year's refund per sub-area (parts add up to the total exactly).
        by_unit_and_sub_area: the year's refund per (unit, sub-area), the parts of the split.
        unknown_age: citizens with spend whose age is not known: counted as under 67.
        after_67: citizens whose spend from their 67th birthday was left out.
        services_not_in_catalogue: services in the ledger the catalogue does not know: their
            spend is not counted.
    """

    year: int
    as_of: dt.date | None
    rule: RefundRule
    units: tuple[str, ...]
    households: tuple[bool, ...]
    spend: NDArray[np.int64]
    to_date: NDArray[np.int64]
    for_year: NDArray[np.int64]
    by_sub_area: Mapping[str, Money]
    by_unit_and_sub_area: RefundParts
    unknown_age: tuple[str, ...] = ()
    after_67: tuple[str, ...] = ()
    services_not_in_catalogue: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"StateRefund(year={self.year}, units={len(self.units)}, "
            f"with_refund={int((self.for_year > 0).sum())}, total={self.total.format_danish()}, "
            f"to_date={self.total_to_date.format_danish()})"
        )

    def _repr_html_(self) -> str:
        rows = [[name, amount.format_danish(unit="")] for name, amount in self.by_sub_area.items()]
        rows.append(["Total", self.total.format_danish(unit="")])
        return html_table(
            f"State refund § 176 {self.year} (kr.)",
            ["Sub-area", "Refund for the year"],
            rows,
            [self.rule.describe()],
        )

    @classmethod
    def merge(cls, parts: Iterable[StateRefund]) -> StateRefund:
        """The refunds of ledgers with no citizen or household in common, as the refund of
        one ledger of all their dispositions: the units in the order a single reckoning
        lists them (households, then citizens, each sorted), the sub-areas' refunds added.

        Raises:
            StyringskerneError: without parts, when they differ in year, date or rule, or
                when a citizen or household is in two parts (its spend would be split).
        """
        given = tuple(parts)
        if not given:
            raise StyringskerneError("merge needs at least one refund")
        first = given[0]
        if any((p.year, p.as_of, p.rule) != (first.year, first.as_of, first.rule) for p in given):
            raise StyringskerneError("refunds to merge must be for one year, date and rule")
        # Households first, then citizens, each by label: the order of one reckoning.
        labels = np.concatenate([np.array(p.units, dtype=str) for p in given] + [_NO_TEXT])
        household = np.concatenate([np.array(p.households, dtype=bool) for p in given])
        part_of = np.repeat(np.arange(len(given)), [len(p.units) for p in given])
        order = np.lexsort((labels, ~household)) if labels.size else np.zeros(0, dtype=np.intp)
        twice = np.flatnonzero(
            (labels[order][1:] == labels[order][:-1])
            & (household[order][1:] == household[order][:-1])
        )
        if twice.size:
            first, second = order[twice[0]], order[twice[0] + 1]
            kind = "household" if household[first] else "citizen"
            raise StyringskerneError(
                f"{kind} {mask_text(str(labels[first]))!r} is in parts {part_of[first] + 1} and "
                f"{part_of[second] + 1}: its spend would be split; keep each citizen and household "
                "in one part"
            )
        position = np.empty(labels.size, dtype=np.int64)
        position[order] = np.arange(labels.size)
        units = tuple(labels[order].tolist())

        def column(name: str) -> NDArray[np.int64]:
            values = np.concatenate([getattr(p, name) for p in given] + [np.zeros(0, np.int64)])
            return values[order].astype(np.int64)

        areas = sorted(
            {name for part in given for name in part.by_unit_and_sub_area.sub_area_names}
        )
        offsets = np.cumsum([0] + [len(p.units) for p in given])
        pair_units = np.concatenate(
            [position[offsets[i] + p.by_unit_and_sub_area.unit_codes] for i, p in enumerate(given)]
            + [np.zeros(0, np.int64)]
        )
        pair_areas = np.concatenate(
            [
                np.searchsorted(
                    np.array(areas, dtype=str),
                    np.array(p.by_unit_and_sub_area.sub_area_names, dtype=str),
                )[p.by_unit_and_sub_area.sub_area_codes]
                for p in given
                if p.by_unit_and_sub_area.sub_area_names
            ]
            + [np.zeros(0, np.int64)]
        ).astype(np.int64)
        amounts = np.concatenate(
            [p.by_unit_and_sub_area.amounts for p in given] + [np.zeros(0, np.int64)]
        )
        pairs = np.lexsort((pair_areas, pair_units))
        by_area: dict[str, int] = {}
        for part in given:
            for name, amount in part.by_sub_area.items():
                by_area[name] = by_area.get(name, 0) + amount.ore
        return cls(
            year=first.year,
            as_of=first.as_of,
            rule=first.rule,
            units=units,
            households=tuple(household[order].tolist()),
            spend=column("spend"),
            to_date=column("to_date"),
            for_year=column("for_year"),
            by_sub_area=MappingProxyType({name: Money(by_area[name]) for name in sorted(by_area)}),
            by_unit_and_sub_area=RefundParts(
                unit_codes=pair_units[pairs],
                sub_area_codes=pair_areas[pairs],
                amounts=amounts[pairs].astype(np.int64),
                unit_labels=units,
                sub_area_names=tuple(areas),
            ),
            unknown_age=_sorted_names(p.unknown_age for p in given),
            after_67=_sorted_names(p.after_67 for p in given),
            services_not_in_catalogue=tuple(
                sorted({name for p in given for name in p.services_not_in_catalogue})
            ),
        )

    @property
    def total(self) -> Money:
        """The expected refund for the whole year."""
        return Money(int(self.for_year.sum()))

    @property
    def total_to_date(self) -> Money:
        """The refund on the spend through the as-of date."""
        return Money(int(self.to_date.sum()))

    @property
    def rest_of_year(self) -> Money:
        """The year's expected refund minus the refund to date."""
        return self.total - self.total_to_date

    def of(self, unit: str) -> Money:
        """The year's refund of one citizen or household (0 when it has none)."""
        key = unit if unit in self.units else normalise_citizen_id(unit)
        if key not in self.units:
            return Money(0)
        return Money(int(self.for_year[self.units.index(key)]))

    def _unit_rows(self) -> Iterator[tuple[str, bool, int, int, int]]:
        """Per unit: its label, whether it is a household, spend, to date, for the year."""
        return zip(
            self.units,
            self.households,
            self.spend.tolist(),
            self.to_date.tolist(),
            self.for_year.tolist(),
            strict=True,
        )

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, Any]:
        """Totals, rule and the units with a refund, amounts as decimal strings."""
        data: dict[str, Any] = {
            "year": self.year,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "basis": self.rule.basis,
            "thresholds": [amount.to_string() for amount in self.rule.thresholds.thresholds],
            "shares": [str(share) for share in self.rule.thresholds.shares],
            "source": self.rule.thresholds.source,
            "to_date": self.total_to_date.to_string(),
            "rest_of_year": self.rest_of_year.to_string(),
            "year_total": self.total.to_string(),
            "sub_areas": {name: amount.to_string() for name, amount in self.by_sub_area.items()},
            "units": [
                {
                    "unit": unit if show_cpr else mask_id(unit),
                    "household": household,
                    "spend": Money(int(spend)).to_string(),
                    "to_date": Money(int(to_date)).to_string(),
                    "year": Money(int(year)).to_string(),
                }
                for unit, household, spend, to_date, year in self._unit_rows()
                if year
            ],
            "unknown_age": [c if show_cpr else mask_id(c) for c in self.unknown_age],
            "after_67": [c if show_cpr else mask_id(c) for c in self.after_67],
            "services_not_in_catalogue": list(self.services_not_in_catalogue),
        }
        return data if show_cpr else cast(dict[str, Any], mask_data(data))

    def to_json(self, *, show_cpr: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(show_cpr=show_cpr), indent=indent, ensure_ascii=False)

    def to_columns(self, *, show_cpr: bool = False) -> dict[str, list[Any]]:
        """A row per person or household with spend and measure (``spend``, ``refund_to_date``,
        ``refund_for_year``), by the tidy rule of :mod:`styringskerne.core.tabular`."""
        measures = ("spend", "refund_to_date", "refund_for_year")
        result: dict[str, list[Any]] = {
            "unit": [],
            "household": [],
            "measure": [],
            "amount_ore": [],
        }
        for unit, household, *amounts in self._unit_rows():
            if not any(amounts):
                continue
            shown = unit if show_cpr else mask_text(unit) if household else mask_id(unit)
            for measure, amount in zip(measures, amounts, strict=True):
                result["unit"].append(shown)
                result["household"].append(household)
                result["measure"].append(measure)
                result["amount_ore"].append(amount)
        return result

    def to_pandas(self, *, show_cpr: bool = False) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns`."""
        return pandas_frame(self.to_columns(show_cpr=show_cpr))

    def to_arrow(self, *, show_cpr: bool = False) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(show_cpr=show_cpr))


_NO_TEXT: Final = np.zeros(0, dtype=str)


def _sorted_names(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The names of all the groups, sorted."""
    every = np.concatenate([np.array(group, dtype=str) for group in groups] + [_NO_TEXT])
    return tuple(np.sort(every).tolist())


@masked_repr
@attrs.frozen(eq=False)
class RefundParts(Mapping[tuple[str, str], Money]):
    """The year's refund per (unit, sub-area): the parts of the split (refusion pr. delområde).

    A read-only mapping from ``(unit, sub_area)`` to the amount, held as arrays (one row per
    part with a refund); the lookup table is built on the first lookup by key.

    Attributes:
        unit_codes: each part's unit, as a position in ``unit_labels``.
        sub_area_codes: each part's sub-area, as a position in ``sub_area_names``.
        amounts: each part's refund (øre).
        unit_labels: the citizen ids and household labels.
        sub_area_names: the sub-areas.
    """

    unit_codes: NDArray[np.int64]
    sub_area_codes: NDArray[np.int64]
    amounts: NDArray[np.int64]
    unit_labels: tuple[str, ...]
    sub_area_names: tuple[str, ...]
    _positions: dict[tuple[str, str], int] = attrs.field(
        factory=dict, init=False, repr=False, alias="_positions"
    )

    def __getitem__(self, key: tuple[str, str]) -> Money:
        if not self._positions and self.amounts.size:
            self._positions.update((pair, index) for index, pair in enumerate(self))
        return Money(int(self.amounts[self._positions[key]]))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for unit, area in zip(self.unit_codes.tolist(), self.sub_area_codes.tolist(), strict=True):
            yield self.unit_labels[unit], self.sub_area_names[area]

    def __len__(self) -> int:
        return int(self.amounts.size)


# -- reckoning ---------------------------------------------------------------------------


def _per_citizen_birth_days(
    ledger: DispositionLedger, citizens: NDArray[Any], codes: NDArray[np.int64], rule: RefundRule
) -> NDArray[np.int64]:
    """Each citizen's birth day number, or NO_BIRTH_DATE: given dates, then CPR numbers."""
    given = ledger.birth_days
    result = np.full(citizens.size, NO_BIRTH_DATE, dtype=np.int64)
    has = given != NO_BIRTH_DATE
    if has.any():
        highest = np.full(citizens.size, NO_BIRTH_DATE, dtype=np.int64)
        np.maximum.at(highest, codes[has], given[has])
        lowest = np.full(citizens.size, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(lowest, codes[has], given[has])
        differ = (highest != NO_BIRTH_DATE) & (lowest != highest)
        if differ.any():
            citizen = str(citizens[int(np.flatnonzero(differ)[0])])
            raise StyringskerneError(
                f"citizen {mask_id(citizen)} has two birth dates on their dispositions; "
                "every disposition of one citizen must give the same"
            )
        result = highest
    if rule.birth_dates:
        # Citizen labels are sorted (the ledger's groups): find each given id by bisection.
        keys = list(rule.birth_dates)
        index = np.searchsorted(citizens, np.array(keys, dtype=np.str_))
        for key, position in zip(keys, index.tolist(), strict=True):
            if position >= citizens.size or str(citizens[position]) != key:
                continue
            mapped = day_number(rule.birth_dates[key])
            if result[position] not in (NO_BIRTH_DATE, mapped):
                raise StyringskerneError(
                    f"citizen {mask_id(key)}: the birth date given to the refund rule differs "
                    "from the one on their dispositions"
                )
            result[position] = mapped
    unknown = result == NO_BIRTH_DATE
    result[unknown] = birth_day_numbers(citizens[unknown])
    return result


def _birthdays(birth_days: NDArray[np.int64], age: int) -> NDArray[np.int64]:
    """The day number each person turns ``age``; OPEN_END where the birth date is unknown."""
    days = birthday_numbers(birth_days, age)
    return np.where(birth_days == NO_BIRTH_DATE, OPEN_END, days)


@masked_repr
@attrs.frozen
class _Pieces:
    """Segments cut to the windows in which they count for one refund unit."""

    rows: NDArray[np.int64]
    first: NDArray[np.int64]
    stop: NDArray[np.int64]
    unit_keys: NDArray[np.int64]

    def within(
        self, first: NDArray[np.int64], stop: NDArray[np.int64], calendar: _Calendar
    ) -> _Pieces:
        """The pieces whose days (from ``first`` to before ``stop``) meet the year."""
        kept = np.maximum(first, calendar.year_first) < np.minimum(stop, calendar.year_stop)
        return self.take(np.flatnonzero(kept))

    def take(self, index: NDArray[np.int64]) -> _Pieces:
        """The pieces at ``index``, in that order."""
        return _Pieces(
            rows=self.rows[index],
            first=self.first[index],
            stop=self.stop[index],
            unit_keys=self.unit_keys[index],
        )


def _pieces(
    chosen: NDArray[np.int64],
    *,
    citizen_codes: NDArray[np.int64],
    household_codes: NDArray[np.int64],
    household_labels: NDArray[Any],
    ages: _Ages,
) -> _Pieces:
    """The counted segments cut into the windows in which they count for one unit."""
    citizen = citizen_codes[chosen]
    stop = np.where(ages.covered[citizen], OPEN_END, ages.age_67[citizen])
    first = np.full(chosen.size, _OPEN_START, dtype=np.int64)
    in_household = household_labels.astype(np.str_) != ""
    member = in_household[household_codes[chosen]] if chosen.size else np.zeros(0, dtype=bool)
    own_keys = household_labels.size + citizen
    # Household members count for the household until their 23rd birthday, then for themselves.
    household_stop = np.minimum(stop, ages.age_23[citizen])
    rows = [chosen[~member], chosen[member], chosen[member]]
    firsts = [first[~member], first[member], ages.age_23[citizen][member]]
    stops = [stop[~member], household_stop[member], stop[member]]
    keys = [own_keys[~member], household_codes[chosen][member], own_keys[member]]
    return _Pieces(
        rows=np.concatenate(rows),
        first=np.concatenate(firsts),
        stop=np.concatenate(stops),
        unit_keys=np.concatenate(keys),
    )


def _increments(rule: RefundRule) -> tuple[NDArray[np.int64], int, NDArray[np.int64]]:
    """Integer share increments over a common denominator, and thresholds in øre."""
    increments = rule.thresholds.increments
    denominator = math.lcm(*(share.denominator for share in increments))
    numerators = np.array([int(share * denominator) for share in increments], dtype=np.int64)
    limits = np.array([amount.ore for amount in rule.thresholds.thresholds], dtype=np.int64)
    return numerators, denominator, limits


def _refund_numerators(
    scaled_spend: NDArray[np.int64], numerators: NDArray[np.int64], limits: NDArray[np.int64]
) -> NDArray[np.int64]:
    """``Σ a_k · max(0, x − T_k)`` for every scaled spend ``x`` (any shape)."""
    largest = int(np.abs(scaled_spend).max(initial=0))
    if (largest + int(limits[-1])) * int(numerators.sum()) > MAX_ORE:
        raise AmountOverflowError(
            "a person's spend is too large to reckon the state refund exactly "
            f"({largest} øre after scaling)"
        )
    total = np.zeros(scaled_spend.shape, dtype=np.int64)
    for numerator, limit in zip(numerators.tolist(), limits.tolist(), strict=True):
        total += numerator * np.maximum(scaled_spend - limit, 0)
    return total


def _certain_refunds(
    scaled_spend: NDArray[np.int64],
    numerators: NDArray[np.int64],
    limits: NDArray[np.int64],
    divisor: int,
) -> NDArray[np.int64]:
    """``Σ a_k · max(0, x − T_k) ÷ divisor`` rounded half-even for every scaled spend ``x``.

    The thresholds rise from a positive first one, so a spend at or below it has no refund:
    only the spends above it are reckoned (most months of most persons are below)."""
    result = np.zeros(scaled_spend.shape, dtype=np.int64)
    over = scaled_spend > limits[0]
    if over.any():
        one, by = np.ones(1, dtype=np.int64), np.full(1, divisor, dtype=np.int64)
        numerator = _refund_numerators(scaled_spend[over], numerators, limits)
        result[over] = rounded_ratio(numerator, one, by)
    return result


@masked_repr
@attrs.frozen
class _Spend:
    """Spend per unit: regular spend per month, one-off amounts, whole year and to date."""

    month: NDArray[np.int64]  # (units, 12)
    month_to_date: NDArray[np.int64]  # (units, 12)
    once: NDArray[np.int64]  # (units,)
    once_to_date: NDArray[np.int64]  # (units,)


def _spend_of(
    regular: NDArray[np.int64], one_off: NDArray[np.int64], calendar: _Calendar
) -> _Spend:
    """Spend per unit from its regular and one-off costs per interval (units × intervals)."""
    return _Spend(
        month=calendar.by_month(regular),
        month_to_date=calendar.by_month(np.where(calendar.before_cut[None, :], regular, 0)),
        once=exact_sum(one_off, axis=1),
        once_to_date=exact_sum(np.where(calendar.before_cut[None, :], one_off, 0), axis=1),
    )


def _spend(
    costs: NDArray[np.int64],
    units: NDArray[np.int64],
    unit_count: int,
    *,
    once: NDArray[np.bool_],
    calendar: _Calendar,
) -> _Spend:
    """Pieces' costs per interval (sorted by unit) summed per unit, one-off amounts apart."""
    regular, one_off = np.flatnonzero(~once), np.flatnonzero(once)
    return _spend_of(
        group_rows_sum(units[regular], costs[regular], unit_count),
        group_rows_sum(units[one_off], costs[one_off], unit_count),
        calendar,
    )


def _scaled(spend: _Spend, basis: Basis, months_to_date: int) -> tuple[NDArray[np.int64], ...]:
    """Scaled spend for the year and to date: (units, 12) per month, or (units, 1) per year."""
    if basis == "year":
        return (
            (spend.month.sum(axis=1) + spend.once)[:, None],
            (spend.month_to_date.sum(axis=1) + spend.once_to_date)[:, None],
        )
    year = 12 * spend.month + spend.once[:, None]
    to_date = 12 * spend.month_to_date + spend.once_to_date[:, None]
    to_date[:, months_to_date:] = 0
    return year, to_date


def state_refund(
    ledger: DispositionLedger,
    year: int,
    *,
    rule: RefundRule,
    as_of: dt.date | None = None,
    sub_areas: Mapping[str, str] | None = None,
) -> StateRefund:
    """The state refund for very expensive single cases of a budget year (serviceloven § 176).

    Args:
        ledger: the dispositions.
        year: the budget year; the rule's thresholds must be for it.
        rule: thresholds, basis, who is covered after 67, birth dates, catalogue.
        as_of: gives the refund to date (through this day) beside the year's.
        sub_areas: maps accounts to sub-areas for the split (default: each account).

    Raises:
        StyringskerneError: if the thresholds are for another year, ``as_of`` is not in the
            year, a citizen has two birth dates, or a citizen who turned 67 before 2021 is
            said to be covered after 67.

    Examples:
        >>> from styringskerne import Disposition
        >>> stay = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108",
        ...     rate="3.000,00", unit="day", start=dt.date(2022, 1, 1))
        >>> refund = state_refund(DispositionLedger([stay]), 2022,
        ...                       rule=RefundRule.for_year(2022))
        >>> str(refund.total)  # twelve months against 1/12 of 860.000, each rounded
        '58.749,96 kr.'
        >>> yearly = attrs.evolve(RefundRule.for_year(2022), basis="year")
        >>> str(state_refund(DispositionLedger([stay]), 2022, rule=yearly).total)
        '58.750,00 kr.'
    """
    budget_year = BudgetYear(year)
    if rule.thresholds.year != year:
        raise StyringskerneError(
            f"the refund thresholds are for {rule.thresholds.year}, not for budget year {year}; "
            f"use RefundRule.for_year({year}) or thresholds for {year}"
        )
    calendar = _Calendar.of(budget_year, as_of)
    chosen, unknown_services = _counted_segments(ledger, rule, calendar)
    citizen_codes, citizens = ledger.groups("citizen")
    household_codes, households = ledger.groups("household")
    ages = _Ages.of(ledger, citizens, citizen_codes, rule)
    pieces = _pieces(
        chosen,
        citizen_codes=citizen_codes,
        household_codes=household_codes,
        household_labels=households,
        ages=ages,
    )
    columns = ledger.columns
    pieces = pieces.within(
        np.maximum(pieces.first, columns.start[pieces.rows]),
        np.minimum(pieces.stop, columns.stop[pieces.rows]),
        calendar,
    )
    keys, inverse = dense_codes(pieces.unit_keys, households.size + citizens.size)
    # Pieces sorted by unit: every sum per unit below is one run, not a scatter.
    order = stable_order(inverse.ravel(), keys.size)
    pieces = pieces.take(order)
    units = inverse.astype(np.int64).ravel()[order]
    # Month by month only for units whose spend could pass threshold 1: the rest get nothing,
    # and their year's spend is one interval per piece.
    may_pass = _may_pass_threshold_1(columns, pieces, units, keys.size, rule)
    kept_piece = may_pass[units]
    kept, rest = np.flatnonzero(kept_piece), np.flatnonzero(~kept_piece)
    year_costs = np.empty(units.size, dtype=np.int64)
    if rest.size:
        year_costs[rest] = windowed_interval_costs(
            columns,
            pieces.rows[rest],
            pieces.first[rest],
            pieces.stop[rest],
            [calendar.year_first, calendar.year_stop],
        )[:, 0]
    unit_year = np.zeros(keys.size, dtype=np.int64)
    unit_to_date = np.zeros(keys.size, dtype=np.int64)
    if kept.size:
        year_costs[kept], year_refund, to_date_refund = _unit_refunds(
            ledger,
            pieces.take(kept),
            units=(np.cumsum(may_pass) - 1)[units[kept]],
            unit_count=int(may_pass.sum()),
            calendar=calendar,
            rule=rule,
        )
        unit_year[may_pass] = exact_sum(year_refund, axis=1)
        if as_of is not None:
            unit_to_date[may_pass] = exact_sum(to_date_refund, axis=1)
    labels = _unit_labels(keys, households, citizens)
    by_pair, by_area = _split(
        ledger,
        sub_areas,
        pieces=pieces.take(kept),
        units=units[kept],
        weights=year_costs[kept],
        refunds=unit_year,
        labels=labels,
    )
    segment_citizens = citizen_codes[chosen]
    listed, _ = dense_codes(segment_citizens, citizens.size)
    left_out = (
        ~ages.covered[segment_citizens]
        & (ages.age_67[segment_citizens] < calendar.year_stop)
        & (columns.stop[chosen] > np.maximum(ages.age_67[segment_citizens], calendar.year_first))
    )
    return StateRefund(
        year=year,
        as_of=calendar.as_of,
        rule=rule,
        units=labels,
        households=tuple((keys < households.size).tolist()),
        spend=group_sum(units, year_costs, keys.size),
        to_date=unit_to_date,
        for_year=unit_year,
        by_sub_area=MappingProxyType({name: Money(by_area[name]) for name in sorted(by_area)}),
        by_unit_and_sub_area=by_pair,
        unknown_age=tuple(
            citizens[listed[ages.birth[listed] == NO_BIRTH_DATE]].astype(str).tolist()
        ),
        after_67=tuple(
            citizens[dense_codes(segment_citizens[left_out], citizens.size)[0]].astype(str).tolist()
        ),
        services_not_in_catalogue=unknown_services,
    )


@masked_repr
@attrs.frozen
class _Calendar:
    """The year's month boundaries with the as-of cut among them."""

    as_of: dt.date | None
    year_first: int
    year_stop: int
    boundaries: list[int]
    month_starts: NDArray[np.int64]
    before_cut: NDArray[np.bool_]
    months_to_date: int

    def by_month(self, per_interval: NDArray[np.int64]) -> NDArray[np.int64]:
        """Sums per interval (rows × intervals) as sums per month (rows × 12)."""
        if per_interval.shape[0] == 0:
            return np.zeros((0, 12), dtype=np.int64)
        largest = int(np.abs(per_interval).max())
        if largest * per_interval.shape[1] > MAX_ORE:
            raise AmountOverflowError(
                "a person's spend in a month is too large to reckon the state refund exactly"
            )
        return np.add.reduceat(per_interval, self.month_starts, axis=1)

    @classmethod
    def of(cls, budget_year: BudgetYear, as_of: dt.date | None) -> _Calendar:
        if as_of is not None:
            as_of, _ = as_of_in_year(as_of, budget_year.year, "as_of")
        months = [int(day) for day in budget_year.month_boundaries()]
        cut = months[-1] if as_of is None else day_number(as_of) + 1
        boundaries = sorted({*months, cut})
        starts = np.array(boundaries[:-1], dtype=np.int64)
        return cls(
            as_of=as_of,
            year_first=months[0],
            year_stop=months[-1],
            boundaries=boundaries,
            month_starts=np.searchsorted(starts, months[:-1]).astype(np.int64),
            before_cut=starts < cut,
            months_to_date=0 if as_of is None else as_of.month,
        )


def _counted_segments(
    ledger: DispositionLedger, rule: RefundRule, calendar: _Calendar
) -> tuple[NDArray[np.int64], tuple[str, ...]]:
    """Segments whose spend counts (own, in the year, a counted service), and unknown services."""
    catalogue = rule.catalogue if rule.catalogue is not None else ServiceCatalogue.default()
    columns = ledger.columns
    service_codes, services = ledger.groups("service")
    names = [str(service) for service in services.tolist()]
    counted_service = np.array(
        [name in catalogue and catalogue[name].refund_176 for name in names], dtype=bool
    )
    unknown = tuple(sorted({name or "(none)" for name in names if name not in catalogue}))
    counted = own_segments(ledger) & (columns.start < calendar.year_stop)
    counted &= columns.stop > calendar.year_first
    if service_codes.size:
        counted &= counted_service[service_codes]
    return np.flatnonzero(counted), unknown


@masked_repr
@attrs.frozen
class _Ages:
    """Per citizen: birth day, the days they turn 67 and 23, and the covered-after-67 flag."""

    birth: NDArray[np.int64]
    age_67: NDArray[np.int64]
    age_23: NDArray[np.int64]
    covered: NDArray[np.bool_]

    @classmethod
    def of(
        cls,
        ledger: DispositionLedger,
        citizens: NDArray[Any],
        codes: NDArray[np.int64],
        rule: RefundRule,
    ) -> _Ages:
        birth = _per_citizen_birth_days(ledger, citizens, codes, rule)
        age_67 = _birthdays(birth, 67)
        covered = np.isin(citizens, np.array(sorted(rule.covered_after_67), dtype=np.str_))
        too_early = covered & (age_67 < day_number(_FIRST_YEAR_OF_STK_3))
        if too_early.any():
            citizen = str(citizens[int(np.flatnonzero(too_early)[0])])
            raise StyringskerneError(
                f"citizen {mask_id(citizen)} turned 67 before 1 January 2021 and cannot be "
                "covered after 67 (lov nr. 1060 af 30/6/2020 § 2, stk. 2); remove them from "
                "covered_after_67"
            )
        return cls(birth=birth, age_67=age_67, age_23=_birthdays(birth, 23), covered=covered)


def _may_pass_threshold_1(
    columns: SegmentColumns,
    pieces: _Pieces,
    units: NDArray[np.int64],
    unit_count: int,
    rule: RefundRule,
) -> NDArray[np.bool_]:
    """Units whose spend could pass threshold 1 in some month (or the year): a safe bound.

    Per piece, the most a month can cost as if it comes about: 31 days, 31/7 weeks or one month
    of the amount per unit, plus an øre of rounding, times 12 against the yearly threshold; a
    one-off amount counts whole (spread over twelve months it is 1/12 of it against 1/12). The
    bound is summed in floats with a margin, so it only ever keeps too many, never too few.
    """
    rows = pieces.rows
    per_unit = (
        np.abs(columns.rate[rows].astype(np.float64))
        * columns.quantity_numerator[rows]
        / columns.quantity_denominator[rows]
    )
    unit = columns.unit[rows]
    per_month = np.select(
        [unit == UNIT_DAY, unit == UNIT_WEEK, unit == UNIT_MONTH],
        [31 * per_unit, per_unit * 31 / 7, per_unit],
        default=per_unit / 12,
    )
    bound = np.bincount(units, weights=12 * (per_month + 1), minlength=unit_count)
    threshold = float(rule.thresholds.thresholds[0].ore)
    result: NDArray[np.bool_] = bound * (1 + 1e-9) + 1 > threshold
    return result


def _unit_refunds(
    ledger: DispositionLedger,
    pieces: _Pieces,
    *,
    units: NDArray[np.int64],
    unit_count: int,
    calendar: _Calendar,
    rule: RefundRule,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Each piece's cost for the year (probability-weighted), and each unit's refund per month
    (or for the year): for the whole year and to date. Pieces are sorted by unit."""
    columns = ledger.columns
    rows = pieces.rows
    once = columns.unit[rows] == UNIT_ONCE
    probable = columns.probability_numerator[rows] != columns.probability_denominator[rows]
    piece_year = np.empty(rows.size, dtype=np.int64)
    # The certain pieces summed per unit as they are computed, regular and one-off apart.
    sums = []
    for chosen in (~once & ~probable, once & ~probable):
        at = np.flatnonzero(chosen)
        by_unit, piece_year[at] = grouped_windowed_costs(
            columns,
            rows[at],
            pieces.first[at],
            pieces.stop[at],
            calendar.boundaries,
            groups=units[at],
            group_count=unit_count,
        )
        sums.append(by_unit)
    spend = _spend_of(sums[0], sums[1], calendar)
    numerators, denominator, limits = _increments(rule)
    scale = 12 if rule.basis == "month" else 1
    certain = _scaled(spend, rule.basis, calendar.months_to_date)
    refunds = tuple(
        _certain_refunds(part, numerators, limits, scale * denominator) for part in certain
    )
    if probable.any():
        chosen = np.flatnonzero(probable)
        piece_year[chosen] = windowed_interval_costs(
            columns,
            rows[chosen],
            pieces.first[chosen],
            pieces.stop[chosen],
            [calendar.year_first, calendar.year_stop],
        )[:, 0]
        with_expected, expected = _expected_refunds(
            ledger,
            pieces.take(chosen),
            units=units[chosen],
            once=once[chosen],
            certain=certain,
            calendar=calendar,
            rule=rule,
        )
        for part, values in zip(refunds, expected, strict=True):
            part[with_expected] = values
    return piece_year, refunds[0], refunds[1]


def _split(
    ledger: DispositionLedger,
    sub_areas: Mapping[str, str] | None,
    *,
    pieces: _Pieces,
    units: NDArray[np.int64],
    weights: NDArray[np.int64],
    refunds: NDArray[np.int64],
    labels: tuple[str, ...],
) -> tuple[RefundParts, dict[str, int]]:
    """Each unit's refund split over the sub-areas of its counted spend for the year (largest
    remainder); a unit whose net spend is 0 or less in every sub-area, yet has a refund from
    its months of positive spend, is split evenly over them."""
    area_codes, area_names = sub_area_codes(ledger, sub_areas)
    piece_areas = area_codes[pieces.rows] if pieces.rows.size else pieces.rows
    area_count = max(len(area_names), 1)
    pair_keys, pair_index = _sorted_unique(units * area_count + piece_areas)
    pair_weights = np.maximum(group_sum(pair_index, weights, pair_keys.size), 0)
    pair_units = pair_keys // area_count
    # A correction (a negative price) can leave a unit's net spend for the year at 0 or less
    # in every sub-area while months of positive spend earned a refund: such a unit's refund
    # is split evenly over the sub-areas of its spend (largest remainder) rather than refused.
    no_weight = group_sum(pair_units, pair_weights, refunds.size) == 0
    even = no_weight[pair_units] & (refunds[pair_units] != 0)
    pair_weights = np.where(even, 1, pair_weights)
    parts = largest_remainder(pair_units, pair_weights, refunds)
    kept = np.flatnonzero(parts)
    pair_units, pair_areas = np.divmod(pair_keys[kept], area_count)
    area_totals = group_sum(pair_areas, parts[kept], area_count)
    by_area = {
        area_names[area]: total
        for area, total in enumerate(area_totals.tolist())
        if total and area < len(area_names)
    }
    split = RefundParts(
        unit_codes=pair_units,
        sub_area_codes=pair_areas,
        amounts=parts[kept],
        unit_labels=labels,
        sub_area_names=tuple(area_names),
    )
    return split, by_area


def _sorted_unique(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """``np.unique(keys, return_inverse=True)`` for keys that are nearly sorted already (a
    unit's few pieces together): a stable sort (timsort) takes runs in linear time."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]] if ordered.size else np.zeros(0, dtype=bool)
    inverse = np.empty(keys.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def _unit_labels(
    keys: NDArray[np.int64], households: NDArray[Any], citizens: NDArray[Any]
) -> tuple[str, ...]:
    """Household labels for keys below the household count, citizen ids above it."""
    labels = np.concatenate([households.astype(np.str_), citizens.astype(np.str_)])
    return tuple(labels[keys].tolist())


def _expected_refunds(
    ledger: DispositionLedger,
    pieces: _Pieces,
    *,
    units: NDArray[np.int64],
    once: NDArray[np.bool_],
    certain: tuple[NDArray[np.int64], ...],
    calendar: _Calendar,
    rule: RefundRule,
) -> tuple[NDArray[np.int64], list[NDArray[np.int64]]]:
    """The exact expected refund of the units with expected (probability < 1) pieces.

    Per unit, with its distinct probability levels ``q₁ > … > q_L`` and the spend ``X_j`` of
    the pieces at level ``q_j`` (as if they come about), the expectation is
    ``(1 − q₁)·f(G) + Σ (q_j − q_{j+1})·f(G + X₁ + … + X_j)``: one row per (unit, level)
    scenario, weights over a common denominator of the levels, one rounding per month.
    Returns the units and their refunds per month (or year), for the year and to date.
    """
    columns = ledger.columns
    rows = pieces.rows
    ones = np.ones(rows.size, dtype=np.int64)
    # The same segments as if they come about: cost without the probability weight.
    as_granted = build_segment_columns(
        start=columns.start[rows],
        stop=columns.stop[rows],
        unit=columns.unit[rows].astype(np.int64),
        rate_ore=columns.rate[rows],
        quantity_numerator=columns.quantity_numerator[rows],
        quantity_denominator=columns.quantity_denominator[rows],
        probability_numerator=ones,
        probability_denominator=ones,
    )
    whole = windowed_interval_costs(
        as_granted, np.arange(rows.size), pieces.first, pieces.stop, calendar.boundaries
    )
    levels, rank, common = _probability_levels(
        columns.probability_numerator[rows], columns.probability_denominator[rows]
    )
    # Scenario rows: one per (unit, level), sorted by unit, highest probability first.
    level_count = len(levels)
    pair_keys, pair_of = np.unique(units * level_count + rank, return_inverse=True)
    extra = _scaled(
        _spend(whole, pair_of.ravel(), pair_keys.size, once=once, calendar=calendar),
        rule.basis,
        calendar.months_to_date,
    )
    pair_unit, pair_rank = np.divmod(pair_keys, level_count)
    run_start = np.flatnonzero(np.r_[True, pair_unit[1:] != pair_unit[:-1]])
    run_of_pair = np.repeat(np.arange(run_start.size), np.diff(np.r_[run_start, pair_keys.size]))
    with_expected = pair_unit[run_start]
    # Weights times the common denominator: 1 − q₁ for the base, q_j − q_{j+1} per scenario.
    level_weight = np.array([int(level * common) for level in levels], dtype=object)
    last_of_run = np.r_[pair_unit[1:] != pair_unit[:-1], True]
    following = np.where(last_of_run, 0, level_weight[np.roll(pair_rank, -1)])
    pair_weight = level_weight[pair_rank] - following
    base_weight = common - level_weight[pair_rank[run_start]]
    numerators, denominator, limits = _increments(rule)
    divisor = (12 if rule.basis == "month" else 1) * denominator * common
    results = []
    for granted, added in zip(certain, extra, strict=True):
        base = granted[with_expected]
        scenario = base[run_of_pair] + _within_runs(added, run_start, run_of_pair)
        values = _weighted_sum(
            base_weight,
            _refund_numerators(base, numerators, limits),
            pair_weight,
            _refund_numerators(scenario, numerators, limits),
            run_start,
        )
        results.append(_rounded(values, divisor))
    return with_expected, results


def _probability_levels(
    numerator: NDArray[np.int64], denominator: NDArray[np.int64]
) -> tuple[list[Fraction], NDArray[np.int64], int]:
    """The distinct probabilities (highest first), each piece's rank, their common denominator."""
    divisor = np.gcd(numerator, denominator)
    pairs, index = np.unique(
        np.stack([numerator // divisor, denominator // divisor], axis=1),
        axis=0,
        return_inverse=True,
    )
    found = [Fraction(int(n), int(d)) for n, d in pairs.tolist()]
    ranking = sorted(range(len(found)), key=lambda position: found[position], reverse=True)
    rank_of = np.empty(len(found), dtype=np.int64)
    rank_of[ranking] = np.arange(len(found))
    levels = [found[position] for position in ranking]
    common = math.lcm(*(level.denominator for level in levels))
    return levels, rank_of[index.ravel()], common


def _within_runs(
    values: NDArray[np.int64], run_start: NDArray[np.int64], run_of_row: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Cumulative sums of the rows within each run (a unit's scenarios add up in order)."""
    if values.shape[0] and int(np.abs(values).sum(axis=0).max()) > MAX_ORE:
        raise AmountOverflowError(
            "the expected spend is too large to reckon the state refund exactly"
        )
    running = np.cumsum(values, axis=0)
    before = np.vstack([np.zeros((1, values.shape[1]), dtype=np.int64), running])[run_start]
    result: NDArray[np.int64] = running - before[run_of_row]
    return result


def _weighted_sum(
    base_weight: NDArray[Any],
    base: NDArray[np.int64],
    pair_weight: NDArray[Any],
    scenarios: NDArray[np.int64],
    run_start: NDArray[np.int64],
) -> NDArray[Any]:
    """``base_weight·f(G) + Σ pair_weight·f(scenario)`` per unit: int64, or Python ints if large."""
    largest = max(int(np.abs(base).max(initial=0)), int(np.abs(scenarios).max(initial=0)))
    heaviest = max(int(np.abs(base_weight).max(initial=0)), int(np.abs(pair_weight).max(initial=0)))
    runs = np.diff(np.r_[run_start, scenarios.shape[0]])
    count = int(runs.max(initial=0)) + 1
    exact_in_int64 = heaviest <= MAX_ORE and largest * heaviest * count <= MAX_ORE
    kind: type = np.int64 if exact_in_int64 else object
    weighted: NDArray[Any] = pair_weight.astype(kind)[:, None] * scenarios.astype(kind)
    total: NDArray[Any] = base_weight.astype(kind)[:, None] * base.astype(kind)
    if weighted.shape[0]:
        total = total + np.add.reduceat(weighted, run_start, axis=0)
    return total


def _rounded(values: NDArray[Any], divisor: int) -> NDArray[np.int64]:
    """``values ÷ divisor`` rounded half-even to whole øre, exactly."""
    if values.dtype == object or divisor > MAX_ORE:
        rounded = [round_half_even(Fraction(int(value), divisor)) for value in values.ravel()]
        return np.array(rounded, dtype=np.int64).reshape(values.shape)
    return rounded_ratio(values, np.ones(1, dtype=np.int64), np.full(1, divisor, dtype=np.int64))
