"""Citizens, dispositions and actual postings (borgere, dispositioner og bogføringer).

A :class:`Disposition` is one citizen's granted service at one provider: one or more price
segments (a tariff cut to the period, or prices given directly), a start, an optional end and a
probability. Expected but not yet granted dispositions (a youth turning 18) carry a probability
below 1 and are weighted by it everywhere.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import Final

import attrs

from styringskerne.core.calendar import _check_date, _check_optional_date
from styringskerne.core.cpr import (
    age_on,
    cpr_birth_date,
    is_cpr_shaped,
    mask_id,
    normalise_citizen_id,
)
from styringskerne.core.errors import DispositionError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike, to_money
from styringskerne.core.quantities import Exact, to_probability
from styringskerne.tariffs.prices import PriceSegment, Tariff, TariffPrice, Unit

__all__ = ["STATUSES", "Actual", "Citizen", "Disposition", "probability_for_status"]


def _check_id(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DispositionError(
            f"'{attribute.name}' must be a non-empty str (got {type(value).__name__})"
        )


STATUSES: Final = {
    "granted": "granted",
    "bevilget": "granted",
    "expected": "expected",
    "forventet": "expected",
    "ended": "ended",
    "ophørt": "ended",
    "afsluttet": "ended",
}
"""Disposition statuses and their Danish names."""


def probability_for_status(
    status: str, probability: Exact | str = "", *, end: dt.date | None = None
) -> Fraction:
    """The probability a disposition status means (status → sandsynlighed).

    - ``granted`` (*bevilget*): 1; a probability below 1 contradicts it.
    - ``expected`` (*forventet*): the probability given, which must be below 1 — how likely the
      case is is the caseworker's judgement, so there is no default.
    - ``ended`` (*ophørt*, *afsluttet*): 1, and the disposition must have an end date.
    - no status: the probability given, or 1.

    Raises:
        DispositionError: for an unknown status or one that contradicts the other fields.

    Examples:
        >>> probability_for_status("forventet", "0,5")
        Fraction(1, 2)
        >>> probability_for_status("granted")
        Fraction(1, 1)
    """
    given = None if probability in ("", None) else to_probability(probability)
    name = STATUSES.get(str(status).strip().lower()) if status else None
    if status and name is None:
        valid = "|".join(sorted(set(STATUSES.values())))
        raise DispositionError(
            f"status {status!r} is not one of {valid} (Danish: bevilget|forventet|ophørt)"
        )
    if name == "expected":
        if given is None or given >= 1:
            raise DispositionError(
                "status 'expected' needs a probability below 1 (e.g. 0.5); a granted "
                "disposition has status 'granted'"
            )
        return given
    if name in ("granted", "ended") and given is not None and given != 1:
        raise DispositionError(
            f"status {name!r} means probability 1 (got {given}); use status 'expected'"
        )
    if name == "ended" and end is None:
        raise DispositionError("status 'ended' needs an end date")
    return Fraction(1) if given is None else given


def _empty_as_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _check_optional_id(
    instance: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None and not isinstance(value, str):
        raise DispositionError(
            f"'{attribute.name}' must be a str or None (got {type(value).__name__})"
        )


@functools.lru_cache(maxsize=65536)
def _spelled(citizen_id: str) -> str:
    return normalise_citizen_id(citizen_id)


def _to_citizen_id(value: str) -> str:
    # One citizen, one id: a CPR number typed with or without a dash is stored one way. Ids
    # repeat over a citizen's dispositions, so each distinct id is looked at once.
    return _spelled(value) if isinstance(value, str) else value


def _masked_repr(value: str) -> str:
    return repr(mask_id(value))


@masked_repr
@attrs.frozen(kw_only=True)
class Citizen:
    """A citizen (borger), keyed by a CPR number or a pseudonymous id.

    The id never appears whole in ``repr``: CPR numbers are masked as ``DDMMYY-****``.

    Examples:
        >>> Citizen(id="010190-1234")
        Citizen(id='010190-****', birth_date=datetime.date(1990, 1, 1))
        >>> Citizen(id="B-17", birth_date=dt.date(2006, 3, 1)).age_on(dt.date(2024, 3, 1))
        18
    """

    id: str = attrs.field(converter=_to_citizen_id, validator=_check_id, repr=_masked_repr)
    birth_date: dt.date | None = attrs.field(default=None, validator=_check_optional_date)

    def __attrs_post_init__(self) -> None:
        if self.birth_date is None and is_cpr_shaped(self.id):
            object.__setattr__(self, "birth_date", cpr_birth_date(self.id))

    @property
    def masked_id(self) -> str:
        """The id safe to print."""
        return mask_id(self.id)

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on a day (needs a birth date or a CPR number)."""
        if self.birth_date is None:
            raise DispositionError(
                f"citizen {self.masked_id!r} has no birth date; give one or use a CPR number"
            )
        return age_on(self.birth_date, day)


def _to_segments(value: object) -> tuple[PriceSegment, ...]:
    if not isinstance(value, tuple | list):
        raise DispositionError(f"'segments' must be a sequence of PriceSegment (got {value!r})")
    for segment in value:
        if not isinstance(segment, PriceSegment):
            raise DispositionError(f"'segments' must hold PriceSegment (got {segment!r})")
    return _price_runs(sorted(value, key=lambda segment: segment.start))


def _price_runs(segments: Sequence[PriceSegment]) -> tuple[PriceSegment, ...]:
    """Segments with one price that follow each other day by day, joined into one price run.

    Cost is rounded from the start of a price run, so a disposition split at a date where its
    price does not change costs exactly what the unsplit one does. One-off prices are never
    joined: each is a payment of its own.
    """
    runs: list[PriceSegment] = []
    for segment in segments:
        if runs:
            last = runs[-1]
            if (
                last.end is not None
                and last.end + dt.timedelta(days=1) == segment.start
                and segment.unit is not Unit.ONCE
                and (last.rate, last.unit, last.quantity, last.provider)
                == (segment.rate, segment.unit, segment.quantity, segment.provider)
            ):
                runs[-1] = attrs.evolve(last, end=segment.end)
                continue
        runs.append(segment)
    return tuple(runs)


@masked_repr
@attrs.frozen(kw_only=True)
class Disposition:
    """A citizen's granted service with its prices and period (disposition / bevilling).

    Attributes:
        id: the disposition's key.
        citizen_id: CPR number or pseudonymous id (masked in ``repr`` and errors).
        service: catalogue code, e.g. ``"SEL108"``.
        segments: price segments, sorted by start; they must not overlap (gaps are pauses).
        provider: the provider (udfører), if known.
        payer: the paying municipality (betalingskommune) when another municipality pays;
            ``None`` when this municipality pays. Forecasts count only this municipality's.
        granting_area: the sector area that granted it (bevilgende område), for cross-sector
            solutions; ``None`` when not recorded.
        paying_area: the sector area that pays (betalende område); ``None`` when not recorded.
        household: the household (husstand) a child or youth belongs to: the state refund for
            very expensive single cases sums the spend of children under 18 and youths 18–22
            of one household (serviceloven § 176, stk. 2). ``None`` for everyone else.
        birth_date: the citizen's birth date (fødselsdato) when the id is not a CPR number;
            with a CPR number it must agree with the number.
        account: account key; ``None`` takes the service's default from the catalogue.
        probability: 1 for a granted service, below 1 for an expected one.

    Raises:
        DispositionError: if segments overlap, an open-ended segment is followed by another,
            or the probability is outside 0–1.

    Examples:
        >>> d = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108",
        ...     rate="1.149,00", unit="day", start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))
        >>> d.start, d.end
        (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
    """

    id: str = attrs.field(validator=_check_id)
    citizen_id: str = attrs.field(converter=_to_citizen_id, validator=_check_id, repr=_masked_repr)
    service: str = attrs.field(validator=_check_id)
    segments: tuple[PriceSegment, ...] = attrs.field(converter=_to_segments)
    provider: str | None = None
    account: str | None = None
    probability: Fraction = attrs.field(default=Fraction(1), converter=to_probability)
    payer: str | None = None
    granting_area: str | None = None
    paying_area: str | None = None
    household: str | None = None
    birth_date: dt.date | None = attrs.field(default=None, validator=_check_optional_date)
    list_priced: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    """Priced by the central price list (:class:`~styringskerne.tariffs.pricelist.PriceList`):
    its segments follow the list when the list is repriced."""

    def __attrs_post_init__(self) -> None:
        if self.birth_date is not None and is_cpr_shaped(self.citizen_id):
            from_cpr = cpr_birth_date(self.citizen_id)
            if from_cpr != self.birth_date:
                raise DispositionError(
                    f"disposition {self.id!r}: 'birth_date' {self.birth_date.isoformat()} does "
                    f"not agree with the CPR number {mask_id(self.citizen_id)}"
                )
        if not self.segments:
            raise DispositionError(f"disposition {self.id!r} has no price segments")
        for earlier, later in itertools.pairwise(self.segments):
            if earlier.end is None or earlier.end >= later.start:
                earlier_end = "open end" if earlier.end is None else earlier.end.isoformat()
                raise DispositionError(
                    f"disposition {self.id!r} (citizen {mask_id(self.citizen_id)}): price segment "
                    f"{earlier.start.isoformat()}..{earlier_end} overlaps the segment starting "
                    f"{later.start.isoformat()}; segments must not share a day"
                )

    @property
    def start(self) -> dt.date:
        """First day of the disposition."""
        return self.segments[0].start

    @property
    def end(self) -> dt.date | None:
        """Last day (inclusive), or ``None`` when open-ended."""
        return self.segments[-1].end

    @classmethod
    def at_rate(
        cls,
        *,
        id: str,
        citizen_id: str,
        service: str,
        rate: MoneyLike,
        unit: Unit | str,
        start: dt.date,
        end: dt.date | None = None,
        quantity: Exact = 1,
        provider: str | None = None,
        account: str | None = None,
        probability: Exact = 1,
        payer: str | None = None,
        granting_area: str | None = None,
        paying_area: str | None = None,
        household: str | None = None,
        birth_date: dt.date | None = None,
    ) -> Disposition:
        """A disposition with one price over its whole period."""
        price = TariffPrice(valid_from=start, rate=rate)
        return cls.from_tariff(
            id=id,
            citizen_id=citizen_id,
            service=service,
            tariff=Tariff(code=id, unit=unit, prices=(price,)),
            start=start,
            end=end,
            quantity=quantity,
            provider=provider,
            account=account,
            probability=probability,
            payer=payer,
            granting_area=granting_area,
            paying_area=paying_area,
            household=household,
            birth_date=birth_date,
        )

    @classmethod
    def from_tariff(
        cls,
        *,
        id: str,
        citizen_id: str,
        service: str,
        tariff: Tariff,
        start: dt.date,
        end: dt.date | None = None,
        quantity: Exact = 1,
        provider: str | None = None,
        account: str | None = None,
        probability: Exact = 1,
        payer: str | None = None,
        granting_area: str | None = None,
        paying_area: str | None = None,
        household: str | None = None,
        birth_date: dt.date | None = None,
    ) -> Disposition:
        """A disposition priced by a tariff: one segment per price in force in its period."""
        if end is not None and end < start:
            raise DispositionError(
                f"disposition {id!r}: 'end' {end.isoformat()} is before 'start' "
                f"{start.isoformat()}; the end date is inclusive"
            )
        segments = tariff.segments(start=start, end=end, quantity=quantity)
        return cls(
            id=id,
            citizen_id=citizen_id,
            service=service,
            segments=segments,
            provider=provider,
            account=account,
            probability=probability,
            payer=payer,
            granting_area=granting_area,
            paying_area=paying_area,
            household=household,
            birth_date=birth_date,
        )

    def with_price_from(
        self, day: dt.date, rate: MoneyLike, *, provider: str | None = None
    ) -> Disposition:
        """A new disposition whose price changes to ``rate`` from ``day`` (prisændring).

        The segment in force on ``day`` is split there; later segments get the new rate too.
        This is how a move one package up or down is recorded. With ``provider`` the citizen
        moves to that provider from ``day`` at its price (nyt tilbud): the later segments carry
        the provider, the earlier ones keep theirs.
        """
        if day < self.start or (self.end is not None and day > self.end):
            raise DispositionError(
                f"disposition {self.id!r}: price change on {day.isoformat()} is outside its period"
            )
        new_rate = Money.of(rate)

        def moved(segment: PriceSegment) -> str | None:
            # The disposition's own provider needs no mark on its segments.
            if provider is None:
                return segment.provider
            return None if provider == self.provider else provider

        segments: list[PriceSegment] = []
        for segment in self.segments:
            if segment.end is not None and segment.end < day:
                segments.append(segment)
            elif segment.start >= day:
                segments.append(attrs.evolve(segment, rate=new_rate, provider=moved(segment)))
            else:
                segments.append(attrs.evolve(segment, end=day - dt.timedelta(days=1)))
                segments.append(
                    attrs.evolve(segment, start=day, rate=new_rate, provider=moved(segment))
                )
        return attrs.evolve(self, segments=tuple(segments))

    def with_end(self, end: dt.date | None) -> Disposition:
        """A new disposition ending on ``end`` (inclusive), or open-ended for ``None``.

        An earlier end drops the segments after it; a later end extends the last segment at
        its price (the disposition continues beyond its expected end).
        """
        if end is None:
            return attrs.evolve(
                self, segments=(*self.segments[:-1], attrs.evolve(self.segments[-1], end=None))
            )
        if end < self.start:
            raise DispositionError(
                f"disposition {self.id!r}: end {end.isoformat()} is before its start "
                f"{self.start.isoformat()}"
            )
        kept: Sequence[PriceSegment] = [s for s in self.segments if s.start <= end]
        kept = [*kept[:-1], attrs.evolve(kept[-1], end=end)]
        return attrs.evolve(self, segments=tuple(kept))


@masked_repr
@attrs.frozen(kw_only=True)
class Actual:
    """An actual posting from the finance system (faktisk bogført udgift).

    A posting may name the disposition it pays (``disposition_id``, *bevilling*) and the
    provider paid (``provider``, *leverandør*); the ledger then matches it to that disposition.
    Without a disposition id it is matched by citizen and account.

    Examples:
        >>> posting = Actual(citizen_id="B-1", account="5.38.50", date=dt.date(2024, 1, 31),
        ...                  amount="35.619,00", disposition_id="D1")
        >>> posting.amount, posting.disposition_id
        (Money.of('35619.00'), 'D1')
    """

    citizen_id: str = attrs.field(converter=_to_citizen_id, validator=_check_id, repr=_masked_repr)
    account: str = attrs.field(validator=_check_id)
    date: dt.date = attrs.field(validator=_check_date)
    amount: Money = attrs.field(converter=to_money)
    disposition_id: str | None = attrs.field(
        default=None, converter=_empty_as_none, validator=_check_optional_id
    )
    provider: str | None = attrs.field(
        default=None, converter=_empty_as_none, validator=_check_optional_id
    )
