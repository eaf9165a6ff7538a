"""The service catalogue (ydelseskatalog): service types, accounts and ladder steps.

The catalogue is data a municipality owns. The shipped default (``catalogue/services.toml``) has
all 17 rows of the specialised adult area from VIVE 2018, *Bilagstabel 1*, and the placements
and main preventive measures of the children's area (barnets lov) that VIVE's six pieces of
advice for the children's area ask a ledger for; load your own with
:meth:`ServiceCatalogue.from_toml`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from styringskerne.core.data import load
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr

__all__ = ["AREAS", "ServiceCatalogue", "ServiceType", "account_function"]

ServiceKind = Literal["ladder", "day", "other"]
_KINDS: tuple[ServiceKind, ...] = ("ladder", "day", "other")
Area = Literal["adults", "children"]
AREAS: tuple[Area, ...] = ("adults", "children")
"""The areas of the specialised social field, each with its own intervention ladder."""
_FUNCTION: Final = re.compile(r"^(\d\.\d{2}\.\d{2})(?:\.\d+)?$")


def account_function(account: str) -> str:
    """The function (funktion) of an account key: ``5.38.39`` of ``5.38.39.002``.

    An account key is the function of the chart of accounts, or the function and a grouping
    for services reported apart; a key of another form is the municipality's own and is
    returned as it is.

    Examples:
        >>> account_function("5.38.39.002"), account_function("5.38.50"), account_function("X")
        ('5.38.39', '5.38.50', 'X')
    """
    match = _FUNCTION.match(account)
    return match.group(1) if match else account


def _to_str_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise StyringskerneError(f"'groups' must be a list of strings (got {value!r})")
    return tuple(str(item) for item in value)


@masked_repr
@attrs.frozen(kw_only=True)
class ServiceType:
    """One service type of the catalogue (ydelsestype).

    Attributes:
        code: catalogue key, e.g. ``"SEL108"``.
        name: English name.
        danish_name: Danish name.
        paragraph: legal basis, e.g. ``"SEL § 108"``.
        account: default account key (function number), the default sub-area.
        groups: optional grouping numbers of the chart of accounts.
        ladder_step: step on the intervention ladder (indsatstrappe), 1 = least intrusive.
        kind: ``"ladder"``, ``"day"`` (day service) or ``"other"``.
        refund_176: whether its spend counts towards the state refund for very expensive
            single cases (statsrefusion, serviceloven § 176); ``False`` when absent.
        area: ``"adults"`` (voksenområdet, the default) or ``"children"`` (børneområdet);
            each area has its own intervention ladder.
    """

    code: str = attrs.field(validator=attrs.validators.min_len(1))
    name: str
    danish_name: str
    paragraph: str
    account: str = attrs.field(validator=attrs.validators.min_len(1))
    groups: tuple[str, ...] = attrs.field(default=(), converter=_to_str_tuple)
    ladder_step: int | None = attrs.field(default=None)
    kind: ServiceKind = attrs.field(default="other")
    refund_176: bool = attrs.field(default=False)
    area: Area = attrs.field(default="adults")

    @area.validator
    def _check_area(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in AREAS:
            raise StyringskerneError(
                f"service {self.code!r}: 'area' must be one of {'|'.join(AREAS)} (got {value!r})"
            )

    @property
    def function(self) -> str:
        """The function of the chart of accounts its account belongs to (funktion)."""
        return account_function(self.account)

    @kind.validator
    def _check_kind(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in _KINDS:
            raise StyringskerneError(
                f"service {self.code!r}: 'kind' must be one of {'|'.join(_KINDS)} (got {value!r})"
            )

    @refund_176.validator
    def _check_refund(self, attribute: attrs.Attribute[bool], value: object) -> None:
        if not isinstance(value, bool):
            raise StyringskerneError(
                f"service {self.code!r}: 'refund_176' must be true or false (got {value!r})"
            )

    @ladder_step.validator
    def _check_step(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise StyringskerneError(
                f"service {self.code!r}: 'ladder_step' must be an int or absent (got {value!r})"
            )


def _to_services(value: Iterable[ServiceType]) -> tuple[ServiceType, ...]:
    return tuple(value)


def _check_unique(
    instance: ServiceCatalogue,
    attribute: attrs.Attribute[tuple[ServiceType, ...]],
    value: tuple[ServiceType, ...],
) -> None:
    seen: set[str] = set()
    for service in value:
        if service.code in seen:
            raise StyringskerneError(f"service code {service.code!r} occurs twice in the catalogue")
        seen.add(service.code)


@masked_repr
@attrs.frozen
class ServiceCatalogue:
    """The municipality's catalogue of service types (ydelseskatalog).

    Examples:
        >>> catalogue = ServiceCatalogue.default()
        >>> catalogue["SEL108"].account, catalogue["SEL108"].ladder_step
        ('5.38.50', 6)
    """

    services: tuple[ServiceType, ...] = attrs.field(converter=_to_services, validator=_check_unique)

    @classmethod
    def default(cls) -> ServiceCatalogue:
        """The shipped default catalogue (VIVE 2018, *Bilagstabel 1*, and the children's area)."""
        return _default_catalogue()

    @classmethod
    def from_toml(cls, path: str | Path) -> ServiceCatalogue:
        """Load a catalogue from a TOML file of ``[[service]]`` tables."""
        with Path(path).open("rb") as handle:
            return cls.from_mapping(tomllib.load(handle), source=str(path))

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], *, source: str = "catalogue"
    ) -> ServiceCatalogue:
        """Build from parsed TOML or JSON: ``{"service": [{...}, ...]}``."""
        rows = data.get("service")
        if not isinstance(rows, list) or not rows:
            raise StyringskerneError(f"{source}: expected a non-empty list under 'service'")
        services = []
        for index, row in enumerate(rows, start=1):
            try:
                services.append(ServiceType(**row))
            except TypeError as error:
                raise StyringskerneError(
                    f"{source}: service {index}: {error}; fields are code, name, danish_name, "
                    "paragraph, account, groups, ladder_step, kind, refund_176, area"
                ) from error
        return cls(tuple(services))

    def __getitem__(self, code: str) -> ServiceType:
        for service in self.services:
            if service.code == code:
                return service
        valid = ", ".join(service.code for service in self.services)
        raise StyringskerneError(f"unknown service {code!r}; the catalogue has {valid}")

    def __contains__(self, code: object) -> bool:
        return any(service.code == code for service in self.services)

    def __iter__(self) -> Iterator[ServiceType]:
        return iter(self.services)

    def __len__(self) -> int:
        return len(self.services)

    def for_area(self, area: str) -> ServiceCatalogue:
        """The services of one area (``"adults"`` or ``"children"``), e.g. for its ladder.

        Examples:
            >>> len(ServiceCatalogue.default().for_area("children")) > 0
            True
        """
        if area not in AREAS:
            raise StyringskerneError(f"'area' must be one of {'|'.join(AREAS)} (got {area!r})")
        chosen = tuple(service for service in self.services if service.area == area)
        if not chosen:
            raise StyringskerneError(f"the catalogue has no service of the area {area!r}")
        return ServiceCatalogue(chosen)

    def account_for(self, code: str) -> str:
        """The default account key of a service."""
        return self[code].account

    def canonical_code(self, code: str) -> str:
        """The catalogue's own spelling of a code typed in another case (``sel108``).

        A code the catalogue does not know is returned as given.

        Examples:
            >>> ServiceCatalogue.default().canonical_code(" sel108 ")
            'SEL108'
        """
        wanted = code.strip().upper()
        for service in self.services:
            if service.code.upper() == wanted:
                return service.code
        return code


@cache
def _default_catalogue() -> ServiceCatalogue:
    return ServiceCatalogue.from_mapping(
        load("styringskerne.catalogue", "services.toml"), source="default catalogue"
    )
