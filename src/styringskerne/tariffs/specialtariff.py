"""Special tariffs (særtakster / tillægsydelser): application, time-limited grant, key figures.

A special tariff is an extra price for one citizen's exceptional need on top of the unit tariff
or the top package (VIVE 2018, section 4.4). Gladsaxe's application form (*Boks 4.2*) asks for:
new application or renewal, the period and the date of the first grant, the hours and the
prices (base tariff and requested extra), the problem, the expected result without the extra
support, the methods tried, the use of the money, the plan to normalise the need, and concrete
goals. A grant is always time-limited: it honours the period applied for (*bevillingsperiode*),
at most four months from its start ("som udgangspunkt fire måneder"; ``cap_months`` changes
it); an extension is a new application (a renewal).

In the ledger a grant is a disposition of its own beside the citizen's disposition, with the
extra price for the grant's days only, so its spend is visible: its id is the base
disposition's id followed by :data:`SPECIAL_MARK` and the grant's first day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import _check_date, _check_optional_date, add_months, day_number
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike, to_money
from styringskerne.core.quantities import to_quantity
from styringskerne.dispositions import Disposition
from styringskerne.ledger.ledger import DispositionLedger

__all__ = [
    "DEFAULT_CAP_MONTHS",
    "SPECIAL_MARK",
    "SpecialTariffApplication",
    "SpecialTariffGrant",
    "expiring",
    "is_special",
    "special_tariff_figures",
]

SPECIAL_MARK: Final = "/særtakst/"
"""Marks a disposition id as a special-tariff grant: ``<base id>/særtakst/<first day>``."""

_JUSTIFICATION: Final = (
    "problem",
    "expected_without",
    "methods_tried",
    "use_of_money",
    "plan_to_normalise",
)


def is_special(disposition_id: str) -> bool:
    """Whether a disposition id is a special-tariff grant's."""
    return SPECIAL_MARK in disposition_id


def _goals(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@masked_repr
@attrs.frozen(kw_only=True)
class SpecialTariffApplication:
    """An application for a special tariff (ansøgning om tillægsydelse), *Boks 4.2*.

    Raises:
        StyringskerneError: naming every justification field that is empty, or no goals.
    """

    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    disposition_id: str
    provider: str
    kind: Literal["new", "renewal"]
    start: dt.date = attrs.field(validator=_check_date)
    end: dt.date = attrs.field(validator=_check_date)
    first_granted: dt.date | None = attrs.field(default=None, validator=_check_optional_date)
    hours_per_week: Fraction = attrs.field(converter=to_quantity)
    base_price: Money = attrs.field(converter=to_money)
    requested_extra: Money = attrs.field(converter=to_money)
    problem: str
    expected_without: str
    methods_tried: str
    use_of_money: str
    plan_to_normalise: str
    goals: tuple[str, ...] = attrs.field(converter=_goals)

    def __attrs_post_init__(self) -> None:
        missing = [name for name in _JUSTIFICATION if not getattr(self, name).strip()]
        if not self.goals:
            missing.append("goals")
        if missing:
            raise StyringskerneError(
                f"special tariff application for {mask_id(self.citizen_id)} lacks a written "
                f"justification: {', '.join(missing)} must be filled in"
            )
        if self.end < self.start:
            raise StyringskerneError("the application's period ends before it starts")
        if self.kind not in ("new", "renewal"):
            raise StyringskerneError(f"'kind' must be new|renewal (got {self.kind!r})")
        if self.kind == "renewal" and self.first_granted is None:
            raise StyringskerneError("a renewal must give the date of the first grant")


DEFAULT_CAP_MONTHS: Final = 4
"""How long a special tariff is granted at most unless said otherwise: *Boks 4.2* (Gladsaxe),
"som udgangspunkt fire måneder"."""


@masked_repr
@attrs.frozen(kw_only=True)
class SpecialTariffGrant:
    """A granted special tariff (bevilget særtakst): always time-limited.

    The grant runs from ``start`` to ``end`` (inclusive), at most ``cap_months`` months
    (*Boks 4.2*: four months as a rule, to keep attention on bringing the need back to the
    base tariff). An extension is a new application.

    Examples:
        >>> from styringskerne import Disposition
        >>> base = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108",
        ...     rate="1.349,00", unit="day", start=dt.date(2024, 1, 1), provider="Engvang")
        >>> grant = SpecialTariffGrant.for_months(disposition_id="D1", citizen_id="B-1",
        ...     provider="Engvang", start=dt.date(2024, 3, 1), months=4,
        ...     rate_per_day="600,00", justification="see application of 15 February")
        >>> grant.end
        datetime.date(2024, 6, 30)
        >>> extra = grant.as_disposition(base)
        >>> extra.id, str(extra.segments[0].rate), extra.end == grant.end
        ('D1/særtakst/2024-03-01', '600,00 kr.', True)
    """

    disposition_id: str
    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    provider: str
    start: dt.date = attrs.field(validator=_check_date)
    end: dt.date = attrs.field(validator=_check_date)
    rate_per_day: Money = attrs.field(converter=to_money)
    justification: str
    cap_months: int = DEFAULT_CAP_MONTHS

    def __attrs_post_init__(self) -> None:
        if not self.justification.strip():
            raise StyringskerneError(
                f"a special tariff for {mask_id(self.citizen_id)} needs a written justification"
            )
        _check_months(self.cap_months, "cap_months")
        if self.end < self.start:
            raise StyringskerneError(
                f"the grant ends {self.end.isoformat()}, before it starts "
                f"{self.start.isoformat()}; the end date is inclusive"
            )
        if self.end > _last_day(self.start, self.cap_months):
            raise StyringskerneError(
                f"a special tariff is granted for at most {self.cap_months} months (Boks 4.2: "
                f"four as a rule): from {self.start.isoformat()} through "
                f"{_last_day(self.start, self.cap_months).isoformat()}; give cap_months to "
                "grant longer, or grant an extension on a new application"
            )

    @classmethod
    def for_months(
        cls,
        *,
        disposition_id: str,
        citizen_id: str,
        provider: str,
        start: dt.date,
        months: int,
        rate_per_day: MoneyLike,
        justification: str,
    ) -> SpecialTariffGrant:
        """A grant of whole months from ``start`` (its cap is that many months)."""
        _check_months(months, "months")
        return cls(
            disposition_id=disposition_id,
            citizen_id=citizen_id,
            provider=provider,
            start=start,
            end=_last_day(start, months),
            rate_per_day=rate_per_day,
            justification=justification,
            cap_months=max(months, DEFAULT_CAP_MONTHS),
        )

    @classmethod
    def from_application(
        cls,
        application: SpecialTariffApplication,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        cap_months: int = DEFAULT_CAP_MONTHS,
        rate_per_day: Money | None = None,
    ) -> SpecialTariffGrant:
        """Grant an application: the period applied for (*bevillingsperiode*), cut at
        ``cap_months`` months from its start, at the requested extra price."""
        _check_months(cap_months, "cap_months")
        first = start or application.start
        last = min(end or application.end, _last_day(first, cap_months))
        return cls(
            disposition_id=application.disposition_id,
            citizen_id=application.citizen_id,
            provider=application.provider,
            start=first,
            end=last,
            rate_per_day=rate_per_day or application.requested_extra,
            justification=application.problem,
            cap_months=cap_months,
        )

    def as_disposition(self, base: Disposition) -> Disposition:
        """The grant as a disposition beside ``base``: the extra price, the grant's days only."""
        if base.id != self.disposition_id:
            raise StyringskerneError(
                f"the grant belongs to disposition {self.disposition_id!r}, not {base.id!r}"
            )
        end = self.end if base.end is None else min(self.end, base.end)
        if end < self.start or self.start < base.start:
            raise StyringskerneError(
                f"the grant from {self.start.isoformat()} lies outside disposition {base.id!r}"
            )
        return Disposition.at_rate(
            id=f"{base.id}{SPECIAL_MARK}{self.start.isoformat()}",
            citizen_id=base.citizen_id,
            service=base.service,
            rate=self.rate_per_day,
            unit="day",
            start=self.start,
            end=end,
            provider=base.provider,
            account=base.account,
            probability=base.probability,
            payer=base.payer,
        )


def _check_months(months: object, name: str) -> None:
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise StyringskerneError(
            f"a special tariff is always time-limited: {name!r} must be a whole number of "
            f"months >= 1 (got {months!r})"
        )


def _last_day(start: dt.date, months: int) -> dt.date:
    return add_months(start, months) - dt.timedelta(days=1)


def expiring(
    grants: Iterable[SpecialTariffGrant], on: dt.date, within_days: int
) -> tuple[SpecialTariffGrant, ...]:
    """Grants ending from ``on`` through ``within_days`` days later, soonest first."""
    last = on + dt.timedelta(days=within_days)
    chosen = [grant for grant in grants if on <= grant.end <= last]
    return tuple(sorted(chosen, key=lambda grant: grant.end))


def special_tariff_figures(
    ledger: DispositionLedger, start: dt.date, end: dt.date
) -> dict[str, dict[str, Any]]:
    """Count, spend and share of spend on special tariffs per provider and in total.

    Returns ``{provider: {"count", "spend", "share"}}`` with a ``"total"`` entry; ``count`` is
    the number of grants with a day in the period, ``share`` the special tariffs' share of the
    provider's spend (a ``Fraction``).
    """
    costs = ledger.segment_costs(start, end)
    disposition_codes, dispositions = ledger.groups("disposition")
    provider_codes, providers = ledger.groups("provider")
    special = np.array([is_special(str(d)) for d in dispositions.tolist()], dtype=bool)
    on_special = special[disposition_codes]
    columns = ledger.columns
    first, stop = day_number(start), day_number(end) + 1
    active = (columns.start < stop) & (columns.stop > first)

    def figures(chosen: NDArray[np.bool_]) -> dict[str, Any]:
        total = int(costs[chosen].sum())
        extra = int(costs[chosen & on_special].sum())
        return {
            "count": int(np.unique(disposition_codes[chosen & on_special & active]).size),
            "spend": Money(extra),
            "share": Fraction(extra, total) if total else Fraction(0),
        }

    result = {}
    for code, provider in enumerate(providers.tolist()):
        row = figures(provider_codes == code)
        if row["count"]:
            result[str(provider)] = row
    result["total"] = figures(np.ones(costs.size, dtype=bool))
    return result
