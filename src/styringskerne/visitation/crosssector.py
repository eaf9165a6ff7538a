"""Cross-sector solutions (tværsektorielle løsninger): who grants, who pays, and the split.

VIVE, *Økonomistyring af tværgående løsninger*: cross-sector solutions separate the right to grant
from the duty to pay. A disposition may carry a granting area and a paying area
(``Disposition.granting_area`` and ``paying_area``); a :class:`SplitRule` splits one cost across
areas by fixed shares or by a key (say, hours per area); and a citizen's or a family's spend is
totalled across areas for a period. Every split is exact: the parts add up to the whole, to the øre.
A solution costs on one area and may save on another: :func:`costs_and_gains` sets the gains against
the costs per area, and :func:`selected_families` applies the criteria for taking a family in (cases
on at least two sector areas, motivation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType

import attrs
import numpy as np

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike
from styringskerne.core.quantities import Exact, to_fraction
from styringskerne.ledger.ledger import DispositionLedger

__all__ = [
    "UNASSIGNED",
    "AreaBalance",
    "Family",
    "SplitRule",
    "costs_and_gains",
    "selected_families",
    "spend_by_area",
    "spend_by_family",
]

UNASSIGNED = "unassigned"
"""The area of spend whose disposition names no paying area and has no split rule."""


def _weights(value: Mapping[str, Exact]) -> Mapping[str, Fraction]:
    weights = {area: to_fraction(weight, field="weight") for area, weight in value.items()}
    if not weights or any(w < 0 for w in weights.values()) or sum(weights.values()) == 0:
        raise StyringskerneError(
            f"a split needs areas with weights >= 0, not all zero (got {dict(value)!r})"
        )
    return MappingProxyType(dict(sorted(weights.items())))


@masked_repr
@attrs.frozen(kw_only=True)
class SplitRule:
    """How one cost is split across sector areas (fordelingsnøgle).

    Weights are fixed shares (``{"social": "0.5", "health": "0.5"}``) or a key such as hours per
    area (``{"social": 12, "health": 4}``); only their proportions matter.

    Examples:
        >>> rule = SplitRule(weights={"social": 2, "health": 1})
        >>> {area: str(part) for area, part in rule.split(Money.of("100,00")).items()}
        {'health': '33,33 kr.', 'social': '66,67 kr.'}
    """

    weights: Mapping[str, Fraction] = attrs.field(converter=_weights)

    def split(self, amount: Money) -> dict[str, Money]:
        """The amount split by the weights, exactly (largest remainder)."""
        areas = list(self.weights)
        parts = amount.allocate([self.weights[area] for area in areas])
        return dict(zip(areas, parts, strict=True))


def spend_by_area(
    ledger: DispositionLedger,
    start: dt.date,
    end: dt.date,
    *,
    rules: Mapping[str, SplitRule] | None = None,
    by: str = "disposition",
) -> dict[str, Money]:
    """Spend per sector area over a period (udgift pr. sektorområde).

    A group of ``by`` (disposition ids by default, or services) with a rule in ``rules`` is
    split by it; other spend goes to its disposition's paying area, or to
    :data:`UNASSIGNED`. The areas add up exactly to the ledger's cost of the period.
    """
    rules = rules or {}
    costs = ledger.segment_costs(start, end)
    group_codes, groups = ledger.groups(by)
    area_codes, areas = ledger.groups("paying_area")
    ruled = np.isin(groups.astype(str), sorted(rules))[group_codes]
    totals: dict[str, Money] = {}

    def add(area: str, amount: Money) -> None:
        totals[area] = totals.get(area, Money(0)) + amount

    plain = np.zeros(areas.size, dtype=np.int64)
    np.add.at(plain, area_codes[~ruled], costs[~ruled])
    for area, amount in zip(areas.tolist(), plain.tolist(), strict=True):
        if amount:
            add(str(area) or UNASSIGNED, Money(amount))
    per_group = np.zeros(groups.size, dtype=np.int64)
    np.add.at(per_group, group_codes[ruled], costs[ruled])
    for label, rule in sorted(rules.items()):
        matches = np.flatnonzero(groups.astype(str) == label)
        if matches.size:
            for area, part in rule.split(Money(int(per_group[matches[0]]))).items():
                add(area, part)
    return dict(sorted(totals.items()))


def spend_by_family(
    ledger: DispositionLedger,
    start: dt.date,
    end: dt.date,
    *,
    families: Mapping[str, str],
) -> dict[str, dict[str, Money]]:
    """Spend per family and paying area over a period (helhedsorienteret indsats).

    ``families`` maps citizen ids to a family id; citizens without one are left out.
    """
    costs = ledger.segment_costs(start, end)
    citizen_codes, citizens = ledger.groups("citizen")
    area_codes, areas = ledger.groups("paying_area")
    family_of = np.array([families.get(str(c), "") for c in citizens.tolist()], dtype=object)
    result: dict[str, dict[str, Money]] = {}
    keys = np.stack([citizen_codes, area_codes], axis=1)
    pairs, inverse = np.unique(keys, axis=0, return_inverse=True)
    sums = np.zeros(pairs.shape[0], dtype=np.int64)
    np.add.at(sums, inverse.ravel(), costs)
    for (citizen, area), amount in zip(pairs.tolist(), sums.tolist(), strict=True):
        family = family_of[citizen]
        if not family:
            continue
        name = str(areas[area]) or UNASSIGNED
        bucket = result.setdefault(family, {})
        bucket[name] = bucket.get(name, Money(0)) + Money(amount)
    return {family: dict(sorted(spend.items())) for family, spend in sorted(result.items())}


@masked_repr
@attrs.frozen(kw_only=True)
class AreaBalance:
    """One sector area's costs and gains of a cross-sector solution (udgifter og gevinster).

    ``net`` is gains − costs: positive when the area saves more than it spends.
    """

    area: str
    costs: Money
    gains: Money

    @property
    def net(self) -> Money:
        """Gains − costs."""
        return self.gains - self.costs


def costs_and_gains(
    costs: Mapping[str, Money], gains: Mapping[str, MoneyLike]
) -> tuple[AreaBalance, ...]:
    """Costs and gains per sector area, and what each area is left with (VIVE, *Økonomistyring af
    tværgående løsninger*, focus point 5: a solution can cost on one area and save on another; the
    split tells whether it is skewed and is the basis of next year's budget). ``costs`` is typically
    :func:`spend_by_area`; ``gains`` the savings the municipality measures per area (fewer benefit
    payments, a placement avoided, …). Areas in either appear, sorted.

    Examples:
        >>> rows = costs_and_gains({"social": Money.of("300.000,00")},
        ...                        {"employment": "450.000,00"})
        >>> [(r.area, str(r.net)) for r in rows]
        [('employment', '450.000,00 kr.'), ('social', '-300.000,00 kr.')]
    """
    measured = {area: Money.of(amount) for area, amount in gains.items()}
    return tuple(
        AreaBalance(
            area=area,
            costs=costs.get(area, Money(0)),
            gains=measured.get(area, Money(0)),
        )
        for area in sorted(set(costs) | set(measured))
    )


@masked_repr
@attrs.frozen(kw_only=True)
class Family:
    """A family considered for a cross-sector solution (familie til tværgående løsning)."""

    family_id: str
    sectors: frozenset[str] = attrs.field(converter=frozenset)
    """The sector areas the family has cases in (employment, children, adults, …)."""
    motivated: bool = False
    """Whether the family is motivated to take part."""


def selected_families(
    families: Iterable[Family], *, min_sectors: int = 2, motivation_required: bool = True
) -> tuple[tuple[Family, tuple[str, ...]], ...]:
    """The families that meet the criteria, and each one that a family does not meet.

    VIVE, *Økonomistyring af tværgående løsninger*, focus point 2: every municipality set fixed
    criteria, "for example that the families have cases on at least two sector areas and are
    motivated". Returns every family with the criteria it fails (empty: selected), so a caseworker
    sees why one is left out.
    """
    result = []
    for family in families:
        failed = []
        if len(family.sectors) < min_sectors:
            failed.append(f"cases on {len(family.sectors)} sector areas, fewer than {min_sectors}")
        if motivation_required and not family.motivated:
            failed.append("not motivated to take part")
        result.append((family, tuple(failed)))
    return tuple(result)
