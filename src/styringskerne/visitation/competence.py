"""Visitation competences (visitationskompetence): who may grant what.

A municipality's competence rules are data: a :class:`RuleSet` loaded from TOML or JSON, with
versions valid from a date, so a set can be tightened when the economy is under pressure. Each
rule covers some services and, optionally, only internal or only external providers; it gives a
level directly or by bands of one measure — the yearly amount, hours per week or month, the share
of full time in a day service, or the package. Every service of the set, with an internal and
with an external provider, must be covered by exactly one rule: gaps and overlaps are rejected.

The seven municipalities of VIVE 2018, *Tabel 4.1*, ship as examples: :func:`example_rules`.

Examples:
    >>> rules = example_rules("ikast-brande")
    >>> decision = rules.decide(service="SEL108", yearly_amount="415.000,00", internal=True)
    >>> decision.level, decision.reason
    ('authority_manager', 'a yearly amount from 110.000 to 415.000 kr.')
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import _check_date
from styringskerne.core.data import load_example
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike
from styringskerne.core.quantities import Exact, to_fraction

__all__ = [
    "EXAMPLE_RULE_SETS",
    "LEVELS",
    "Band",
    "Decision",
    "Rule",
    "RuleSet",
    "RuleVersion",
    "example_rules",
]

LEVELS: Final = (
    "caseworker",
    "team_coordinator",
    "authority_manager",
    "head_of_department",
    "visitation_committee",
    "political_committee",
)
"""The default levels of authority, lowest first (sagsbehandler … politisk udvalg)."""

EXAMPLE_RULE_SETS: Final = (
    "frederikshavn",
    "gladsaxe",
    "haderslev",
    "hillerod",
    "holstebro",
    "ikast-brande",
    "svendborg",
)
"""The shipped example rule sets: the seven municipalities of VIVE 2018, *Tabel 4.1*."""

Measure = Literal[
    "none", "yearly_amount", "hours_per_week", "hours_per_month", "day_share", "package"
]
_MEASURES: Final = (
    "none",
    "yearly_amount",
    "hours_per_week",
    "hours_per_month",
    "day_share",
    "package",
)


def _threshold(measure: str, value: Exact) -> Fraction:
    """A band's upper limit as an exact number (øre for amounts)."""
    if measure == "yearly_amount":
        if not isinstance(value, str):
            raise StyringskerneError(
                f'a yearly amount limit must be kroner as text, e.g. "110.000,00" (got {value!r})'
            )
        return Fraction(Money.parse(value).ore)
    return to_fraction(value, field=measure)


@masked_repr
@attrs.frozen(kw_only=True)
class Band:
    """One band of a measure: up to and including ``up_to`` (``None``: no limit) → a level.

    ``discussed_with`` names a level the case is discussed with before the decision (drøftes
    med), who advises and does not decide: Hillerød's support beyond 9 hours a month is
    "drøftes med faglig koordinator på teammøde" while the caseworker keeps the competence
    (VIVE 2018, *Tabel 4.1*).
    """

    up_to: Fraction | None
    level: str
    text: str = ""
    discussed_with: str | None = None


def _services(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise StyringskerneError(f"'services' must be a list of service codes (got {value!r})")
    return frozenset(value)


def _bands(value: Iterable[Band]) -> tuple[Band, ...]:
    return tuple(value)


@masked_repr
@attrs.frozen(kw_only=True)
class Rule:
    """One competence rule (kompetenceregel): services, provider kind, and the level(s)."""

    services: frozenset[str] = attrs.field(converter=_services)
    internal: bool | None = None
    measure: Measure = "none"
    level: str | None = None
    bands: tuple[Band, ...] = attrs.field(default=(), converter=_bands)
    text: str = ""

    def __attrs_post_init__(self) -> None:
        if self.measure not in _MEASURES:
            raise StyringskerneError(
                f"rule {self.text!r}: 'measure' must be one of {'|'.join(_MEASURES)} "
                f"(got {self.measure!r})"
            )
        if self.measure == "none":
            if self.level is None or self.bands:
                raise StyringskerneError(
                    f"rule {self.text!r}: without a measure give one 'level' and no bands"
                )
            return
        if self.level is not None or not self.bands:
            raise StyringskerneError(
                f"rule {self.text!r}: with measure {self.measure!r} give 'bands', not 'level'"
            )
        limits = [band.up_to for band in self.bands]
        if limits[-1] is not None or any(limit is None for limit in limits[:-1]):
            raise StyringskerneError(
                f"rule {self.text!r}: every band but the last needs 'up_to'; the last has none "
                "(it covers everything above), so the bands leave no gap"
            )
        finite = [limit for limit in limits if limit is not None]
        if any(later <= earlier for earlier, later in itertools.pairwise(finite)):
            raise StyringskerneError(
                f"rule {self.text!r}: band limits must increase, or the bands overlap "
                f"(got {[str(limit) for limit in finite]})"
            )

    @property
    def fixed_level(self) -> str:
        """The level of a rule without a measure."""
        if self.level is None:
            raise StyringskerneError(f"rule {self.text!r} decides by {self.measure}, not fixed")
        return self.level

    def matches(self, service: str, internal: bool) -> bool:
        """Whether the rule covers a service with an internal or external provider."""
        return service in self.services and (self.internal is None or self.internal == internal)

    def band_for(self, value: Fraction) -> Band:
        """The band a measured value falls in (limits are inclusive)."""
        for band in self.bands:
            if band.up_to is None or value <= band.up_to:
                return band
        raise AssertionError("unreachable: the last band has no limit")  # pragma: no cover


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(value)


@masked_repr
@attrs.frozen(kw_only=True)
class RuleVersion:
    """The rules of a rule set in force from a date (regelsæt gældende fra)."""

    valid_from: dt.date = attrs.field(validator=_check_date)
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)


@masked_repr
@attrs.frozen(kw_only=True)
class Decision:
    """The required level of authority for a proposed grant and the rule, in words (afgørelse).

    ``discussed_with``: a level to discuss the case with first, who does not decide.
    """

    level: str
    reason: str
    rule_set: str
    valid_from: dt.date
    discussed_with: str | None = None


def _versions(value: Iterable[RuleVersion]) -> tuple[RuleVersion, ...]:
    return tuple(sorted(value, key=lambda version: version.valid_from))


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@masked_repr
@attrs.frozen(kw_only=True)
class RuleSet:
    """A municipality's visitation competence rules, versioned by date (kompetenceplan).

    Attributes:
        name: the rule set's key.
        services: the services it covers; each must match exactly one rule per provider kind.
        versions: the rules from each date; a later version tightens or loosens them.
        levels: the levels of authority, lowest first.
        municipality: the municipality's name.

    Raises:
        StyringskerneError: for a gap (a service and provider kind no rule covers), an
            overlap (two rules cover one), an unknown level or bad bands.
    """

    name: str
    services: tuple[str, ...] = attrs.field(converter=_strings)
    versions: tuple[RuleVersion, ...] = attrs.field(converter=_versions)
    levels: tuple[str, ...] = attrs.field(default=LEVELS, converter=_strings)
    municipality: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.versions:
            raise StyringskerneError(f"rule set {self.name!r} has no version")
        for version in self.versions:
            self._check(version)

    def _check(self, version: RuleVersion) -> None:
        where = f"rule set {self.name!r} from {version.valid_from.isoformat()}"
        for rule in version.rules:
            levels = [rule.level] if rule.level is not None else [b.level for b in rule.bands]
            levels += [b.discussed_with for b in rule.bands if b.discussed_with is not None]
            for level in levels:
                if level not in self.levels:
                    raise StyringskerneError(
                        f"{where}: unknown level {level!r}; levels are {', '.join(self.levels)}"
                    )
            outside = rule.services - set(self.services)
            if outside:
                raise StyringskerneError(
                    f"{where}: rule {rule.text!r} names services outside the set: "
                    f"{', '.join(sorted(outside))}"
                )
        for service in self.services:
            for internal in (True, False):
                matching = [r for r in version.rules if r.matches(service, internal)]
                kind = "internal" if internal else "external"
                if not matching:
                    raise StyringskerneError(
                        f"{where} has a gap: no rule covers {service} with an {kind} provider"
                    )
                if len(matching) > 1:
                    texts = "; ".join(repr(r.text) for r in matching)
                    raise StyringskerneError(
                        f"{where} has an overlap: {service} with an {kind} provider is covered "
                        f"by {len(matching)} rules ({texts})"
                    )

    # -- loading ------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "rule set") -> RuleSet:
        """Build from parsed TOML or JSON (see the shipped examples for the form)."""
        try:
            versions = []
            for version in data["version"]:
                valid_from = version["valid_from"]
                if isinstance(valid_from, str):
                    valid_from = dt.date.fromisoformat(valid_from)
                rules = []
                for rule in version.get("rule", []):
                    measure = rule.get("measure", "none")
                    bands = [
                        Band(
                            up_to=None
                            if "up_to" not in band
                            else _threshold(measure, band["up_to"]),
                            level=band["level"],
                            text=band.get("text", ""),
                            discussed_with=band.get("discussed_with"),
                        )
                        for band in rule.get("bands", [])
                    ]
                    rules.append(
                        Rule(
                            services=rule["services"],
                            internal=rule.get("internal"),
                            measure=measure,
                            level=rule.get("level"),
                            bands=bands,
                            text=rule.get("text", ""),
                        )
                    )
                versions.append(RuleVersion(valid_from=valid_from, rules=rules))
            return cls(
                name=data["name"],
                services=data["services"],
                versions=versions,
                levels=data.get("levels", LEVELS),
                municipality=data.get("municipality", ""),
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, StyringskerneError):
                raise
            raise StyringskerneError(
                f"{source}: {error!r}; a rule set has name, services and [[version]] tables "
                "with valid_from and [[version.rule]] entries"
            ) from error

    @classmethod
    def from_file(cls, path: str | Path) -> RuleSet:
        """Load a rule set from a ``.toml`` or ``.json`` file."""
        file = Path(path)
        text = file.read_text(encoding="utf-8")
        data = json.loads(text) if file.suffix == ".json" else tomllib.loads(text)
        return cls.from_mapping(data, source=str(path))

    # -- changing -------------------------------------------------------------------------
    def tightened(self, valid_from: dt.date, rules: Iterable[Rule]) -> RuleSet:
        """A new rule set with other rules from ``valid_from`` (e.g. when money is tight)."""
        version = RuleVersion(valid_from=valid_from, rules=tuple(rules))
        kept = [v for v in self.versions if v.valid_from != valid_from]
        return attrs.evolve(self, versions=(*kept, version))

    def version_on(self, on: dt.date | None = None) -> RuleVersion:
        """The version in force on a date (``None``: the newest)."""
        if on is None:
            return self.versions[-1]
        current = None
        for version in self.versions:
            if version.valid_from <= on:
                current = version
        if current is None:
            raise StyringskerneError(
                f"rule set {self.name!r} has no rules on {on.isoformat()}; its first version is "
                f"from {self.versions[0].valid_from.isoformat()}"
            )
        return current

    @property
    def is_monotone(self) -> bool:
        """Whether a larger measure never needs a lower level, in every version."""
        rank = {level: index for index, level in enumerate(self.levels)}
        for version in self.versions:
            for rule in version.rules:
                ranks = [rank[band.level] for band in rule.bands]
                if any(later < earlier for earlier, later in itertools.pairwise(ranks)):
                    return False
        return True

    # -- deciding -------------------------------------------------------------------------
    def decide(
        self,
        *,
        service: str,
        yearly_amount: MoneyLike,
        internal: bool,
        hours_per_week: Exact | None = None,
        hours_per_month: Exact | None = None,
        day_share: Exact | None = None,
        package: Exact | None = None,
        on: dt.date | None = None,
    ) -> Decision:
        """The level of authority a proposed grant requires, and the rule in words.

        Raises:
            StyringskerneError: if the service is not in the set, or the matched rule needs a
                measure that was not given.
        """
        if service not in self.services:
            raise StyringskerneError(
                f"service {service!r} is not covered by rule set {self.name!r}; it covers "
                f"{', '.join(self.services)}"
            )
        version = self.version_on(on)
        (rule,) = [r for r in version.rules if r.matches(service, internal)]
        if rule.measure == "none":
            return Decision(
                level=rule.fixed_level,
                reason=rule.text,
                rule_set=self.name,
                valid_from=version.valid_from,
            )
        measured: dict[str, Exact | None] = {
            "yearly_amount": Money.of(yearly_amount).ore,
            "hours_per_week": hours_per_week,
            "hours_per_month": hours_per_month,
            "day_share": day_share,
            "package": package,
        }
        value = measured[rule.measure]
        if value is None:
            raise StyringskerneError(
                f"rule set {self.name!r} decides {service} by {rule.measure}; give "
                f"{rule.measure}= ({rule.text or 'no text'})"
            )
        band = rule.band_for(to_fraction(value, field=rule.measure))
        return Decision(
            level=band.level,
            reason=band.text or rule.text,
            rule_set=self.name,
            valid_from=version.valid_from,
            discussed_with=band.discussed_with,
        )

    def decide_many(
        self,
        *,
        service: Sequence[str] | NDArray[Any],
        yearly_amount_ore: Sequence[int] | NDArray[np.integer],
        internal: Sequence[bool] | NDArray[np.bool_],
        hours_per_week: Sequence[float] | NDArray[Any] | None = None,
        hours_per_month: Sequence[float] | NDArray[Any] | None = None,
        day_share: Sequence[float] | NDArray[Any] | None = None,
        package: Sequence[float] | NDArray[Any] | None = None,
        on: dt.date | None = None,
    ) -> NDArray[np.int8]:
        """Levels for many proposed grants at once, as indices into :attr:`levels`.

        Amounts are compared exactly in øre; hours, shares and packages as floats (the shipped
        limits, like 6, 9 and 1/2, are exact in floating point).
        """
        services = np.asarray(service).astype(str)
        size = services.shape[0]
        amounts = np.asarray(yearly_amount_ore, dtype=np.int64)
        kinds = np.asarray(internal, dtype=bool)
        measures: dict[str, NDArray[Any] | None] = {
            "yearly_amount": amounts,
            "hours_per_week": None if hours_per_week is None else np.asarray(hours_per_week, float),
            "hours_per_month": None
            if hours_per_month is None
            else np.asarray(hours_per_month, float),
            "day_share": None if day_share is None else np.asarray(day_share, float),
            "package": None if package is None else np.asarray(package, float),
        }
        unknown = ~np.isin(services, np.array(self.services))
        if unknown.any():
            row = int(np.flatnonzero(unknown)[0])
            raise StyringskerneError(
                f"row {row}: service {str(services[row])!r} is not covered by rule set "
                f"{self.name!r}"
            )
        rank = {level: index for index, level in enumerate(self.levels)}
        result = np.full(size, -1, dtype=np.int8)
        for rule in self.version_on(on).rules:
            mask = np.isin(services, np.array(sorted(rule.services)))
            if rule.internal is not None:
                mask &= kinds == rule.internal
            if not mask.any():
                continue
            if rule.measure == "none":
                result[mask] = rank[rule.fixed_level]
                continue
            values = measures[rule.measure]
            if values is None:
                raise StyringskerneError(
                    f"rule set {self.name!r} decides some rows by {rule.measure}; give it"
                )
            if rule.measure == "yearly_amount":  # whole øre: compare exactly in int64
                top = np.iinfo(np.int64).max
                limits = np.array(
                    [int(b.up_to) if b.up_to is not None else top for b in rule.bands],
                    dtype=np.int64,
                )
            else:  # hours and shares as given, in floating point
                limits = np.array(
                    [
                        b.up_to.numerator / b.up_to.denominator if b.up_to is not None else np.inf
                        for b in rule.bands
                    ]
                )
            band = np.searchsorted(limits, values[mask], side="left")
            levels = np.array([rank[b.level] for b in rule.bands], dtype=np.int8)
            result[mask] = levels[band]
        return result


def example_rules(name: str) -> RuleSet:
    """A shipped example rule set (eksempel på kompetenceplan) from VIVE 2018, *Tabel 4.1*.

    Raises:
        StyringskerneError: naming the valid names.
    """
    data = load_example(
        "styringskerne.visitation", "competence_rules", name, EXAMPLE_RULE_SETS, what="rule set"
    )
    return RuleSet.from_mapping(data, source=f"{name}.toml")
