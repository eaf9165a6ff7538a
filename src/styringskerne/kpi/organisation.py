"""Key figures on the organisation (personale og administration): complaints, inquiries,
sickness absence and citizens by target group.

VIVE 2018, *Tabel 7.1* lists them beside the activity figures: complaints (klagesager:
Frederikshavn, Gladsaxe, Haderslev), inquiries (henvendelser: Haderslev, Holstebro), sickness
absence for the providers (sygefravær, *Boks 7.6*: Haderslev, monthly, this year against the two
before, for units of more than five full-time equivalents) and users by target group and
sub-group (målgruppe: Holstebro). Gladsaxe reports to its committee the complaints brought
before the National Social Appeals Board and the Ombudsman over four years: upheld, changed,
remitted and decided on the merits; *Bilagstabel 3* gives the share changed or remitted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Final, Literal

import attrs

from styringskerne.core.calendar import _check_date, day_number
from styringskerne.core.cpr import normalise_citizen_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.quantities import to_quantity
from styringskerne.ledger.ledger import DispositionLedger

__all__ = [
    "OUTCOMES",
    "Complaint",
    "SicknessRecord",
    "citizens_by_target_group",
    "complaint_figures",
    "inquiries_by_month",
    "sickness_absence",
]

Outcome = Literal["upheld", "changed", "remitted", "dismissed"]
OUTCOMES: Final[tuple[Outcome, ...]] = ("upheld", "changed", "remitted", "dismissed")
"""A complaint's outcome: stadfæstet, ændret, hjemvist, or afvist (not decided on the merits)."""


@masked_repr
@attrs.frozen(kw_only=True)
class Complaint:
    """A decided complaint (klagesag) about a decision of the municipality."""

    decided: dt.date = attrs.field(validator=_check_date)
    outcome: str
    law_area: str = ""

    def __attrs_post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise StyringskerneError(
                f"complaint outcome must be one of {'|'.join(OUTCOMES)} (got {self.outcome!r})"
            )


def complaint_figures(
    complaints: Iterable[Complaint], *, by_law_area: bool = False
) -> dict[tuple[int, str], dict[str, int | Fraction | None]]:
    """Per year (and law area): counts per outcome, those decided on the merits
    (realitetsbehandlede: all but dismissed) and the share changed or remitted of them.

    Examples:
        >>> figures = complaint_figures([
        ...     Complaint(decided=dt.date(2016, 3, 1), outcome="upheld"),
        ...     Complaint(decided=dt.date(2016, 5, 1), outcome="remitted"),
        ...     Complaint(decided=dt.date(2016, 6, 1), outcome="dismissed")])
        >>> figures[(2016, "")]["changed_or_remitted_share"]
        Fraction(1, 2)
    """
    result: dict[tuple[int, str], dict[str, int | Fraction | None]] = {}
    for complaint in complaints:
        key = (complaint.decided.year, complaint.law_area if by_law_area else "")
        row = result.setdefault(key, dict.fromkeys(OUTCOMES, 0))
        row[complaint.outcome] = int(row[complaint.outcome] or 0) + 1
    for row in result.values():
        merits = sum(int(row[name] or 0) for name in ("upheld", "changed", "remitted"))
        row["decided_on_merits"] = merits
        changed = int(row["changed"] or 0) + int(row["remitted"] or 0)
        row["changed_or_remitted_share"] = Fraction(changed, merits) if merits else None
    return dict(sorted(result.items()))


def inquiries_by_month(days: Iterable[dt.date], year: int) -> tuple[int, ...]:
    """Inquiries (henvendelser) per month of a year, from the dates they came in."""
    counts = [0] * 12
    for day in days:
        if day.year == year:
            counts[day.month - 1] += 1
    return tuple(counts)


@masked_repr
@attrs.frozen(kw_only=True)
class SicknessRecord:
    """A unit's month of staff time (sygefravær): hours absent through sickness and hours
    contracted, and the unit's size in full-time equivalents (årsværk)."""

    unit: str
    month: dt.date = attrs.field(validator=_check_date)
    absent_hours: Fraction = attrs.field(converter=to_quantity)
    contracted_hours: Fraction = attrs.field(converter=to_quantity)
    fte: Fraction = attrs.field(default=Fraction(0), converter=to_quantity)


def sickness_absence(
    records: Iterable[SicknessRecord], year: int, *, years_before: int = 2, min_fte: int = 0
) -> dict[str, dict[int, tuple[Fraction | None, ...]]]:
    """Sickness absence per unit: for ``year`` and the ``years_before`` years before it, the
    share of contracted hours absent in each month (``None``: no hours recorded), the way
    Haderslev compares this year with the two before (*Boks 7.6*). Units of no more than
    ``min_fte`` full-time equivalents in ``year`` are left out (Haderslev: more than five).
    """
    absent: dict[tuple[str, int, int], Fraction] = {}
    contracted: dict[tuple[str, int, int], Fraction] = {}
    size: dict[str, Fraction] = {}
    for record in records:
        key = (record.unit, record.month.year, record.month.month)
        absent[key] = absent.get(key, Fraction(0)) + record.absent_hours
        contracted[key] = contracted.get(key, Fraction(0)) + record.contracted_hours
        if record.month.year == year:
            size[record.unit] = max(size.get(record.unit, Fraction(0)), record.fte)
    units = sorted({key[0] for key in absent})
    result: dict[str, dict[int, tuple[Fraction | None, ...]]] = {}
    for unit in units:
        if min_fte and size.get(unit, Fraction(0)) <= min_fte:
            continue
        result[unit] = {
            shown: tuple(
                absent[(unit, shown, m)] / contracted[(unit, shown, m)]
                if contracted.get((unit, shown, m))
                else None
                for m in range(1, 13)
            )
            for shown in range(year - years_before, year + 1)
        }
    return result


def citizens_by_target_group(
    ledger: DispositionLedger, day: dt.date, groups: Mapping[str, tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """Citizens in service on a day per target group and sub-group (målgruppe, undermålgruppe),
    as Holstebro counts them. ``groups`` maps a citizen id to ``(group, sub-group)``; a target
    group is the citizen's, not the paragraph of the service. Citizens without one count under
    ``("unknown", "")``.
    """
    number = day_number(day)
    columns = ledger.columns
    codes, labels = ledger.groups("citizen")
    active = (
        (columns.start <= number) & (columns.stop > number) & (columns.probability_numerator > 0)
    )
    known = {normalise_citizen_id(citizen): value for citizen, value in groups.items()}
    present = {str(labels[code]) for code in codes[active].tolist()}
    result: dict[tuple[str, str], int] = {}
    for citizen in present:
        key = known.get(citizen, ("unknown", ""))
        result[key] = result.get(key, 0) + 1
    return dict(sorted(result.items()))
