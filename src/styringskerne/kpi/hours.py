"""Support hours delivered, granted and budgeted (leverede, visiterede og budgetterede timer).

VIVE 2018 reports § 85 hours as a key figure at every level: granted or delivered hours to the
committee (*Tabel 7.1*: Frederikshavn, Hillerød; Ikast-Brande's providers monthly), whether the
agreed hours are delivered in the follow-up (*Boks 4.5*: "Leveres de aftalte støttetimer"), and
granted hours a week against the budgeted hours (*Boks 7.5*, Frederikshavn). The granted hours
come from the ledger (hours a week of the weekly-priced support, × days / 7); the delivered
hours from the provider's own registration, imported as ``citizen_id,date,hours``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np

from styringskerne.core.calendar import BudgetYear, _check_date, parse_date
from styringskerne.core.cpr import mask_id, normalise_citizen_id
from styringskerne.core.errors import RowError, StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.quantities import Exact, to_fraction, to_quantity
from styringskerne.io.csv import ImportResult
from styringskerne.io.source import ColumnMapping, empty_fields, read_table
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.steering import Activity

__all__ = [
    "DELIVERED_HOURS_COLUMNS",
    "DeliveredHours",
    "HoursMonth",
    "hours_by_month",
    "read_delivered_hours",
]

DELIVERED_HOURS_COLUMNS = ("citizen_id", "date", "hours")
"""The columns of an import of delivered hours."""


@masked_repr
@attrs.frozen(kw_only=True)
class DeliveredHours:
    """Hours of support delivered to a citizen on a date (leverede timer)."""

    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    date: dt.date = attrs.field(validator=_check_date)
    hours: Fraction = attrs.field(converter=to_quantity)


def read_delivered_hours(
    source: str | Path, *, columns: ColumnMapping | None = None, encoding: str | None = None
) -> ImportResult[DeliveredHours]:
    """Read delivered hours (``citizen_id,date,hours``; hours may be ``1,5``): every row is
    loaded or reported with its line, column and reason.

    Raises:
        SourceError: when the file cannot be read at all.
    """
    table = read_table(source, DELIVERED_HOURS_COLUMNS, columns=columns, encoding=encoding)
    errors = list(table.errors)
    items: list[DeliveredHours] = []
    loaded: list[int] = []
    for line, fields in table.rows:
        problems = empty_fields(line, fields, DELIVERED_HOURS_COLUMNS)
        if problems:
            errors.extend(problems)
            continue
        citizen = normalise_citizen_id(fields["citizen_id"])
        try:
            day = parse_date(fields["date"])
        except StyringskerneError as error:
            errors.append(RowError(line=line, column="date", reason=str(error)))
            continue
        try:
            hours = to_fraction(fields["hours"], field="hours")
            if hours < 0:
                raise StyringskerneError(f"must be 0 or more (got {fields['hours']!r})")
        except StyringskerneError as error:
            errors.append(RowError(line=line, column="hours", reason=str(error)))
            continue
        items.append(DeliveredHours(citizen_id=citizen, date=day, hours=hours))
        loaded.append(line)
    return ImportResult(tuple(items), tuple(sorted(errors, key=lambda e: e.line)), tuple(loaded))


@masked_repr
@attrs.frozen(kw_only=True)
class HoursMonth:
    """One month of support hours: granted, delivered and budgeted (timer pr. måned).

    ``delivery_share`` is delivered ÷ granted (``None`` with nothing granted);
    ``granted_vs_budget`` is granted − budgeted (``None`` without a budget).
    """

    month: int
    granted: Fraction
    delivered: Fraction
    budgeted: Fraction | None

    @property
    def delivery_share(self) -> Fraction | None:
        """Delivered ÷ granted hours."""
        return None if not self.granted else self.delivered / self.granted

    @property
    def granted_vs_budget(self) -> Fraction | None:
        """Granted − budgeted hours (positive: more granted than budgeted)."""
        return None if self.budgeted is None else self.granted - self.budgeted


def hours_by_month(
    ledger: DispositionLedger,
    year: int,
    delivered: Iterable[DeliveredHours] = (),
    *,
    services: Iterable[str] = ("SEL85",),
    budgeted_per_week: Exact | None = None,
    citizens: Iterable[str] | None = None,
) -> tuple[HoursMonth, ...]:
    """Granted, delivered and budgeted hours per month of a year.

    Granted hours are the ledger's hours a week of ``services`` (granted dispositions) × days
    / 7; delivered hours the imported ones of the citizens the ledger has in those services
    (or of ``citizens``); budgeted hours ``budgeted_per_week`` × days / 7 of each month.
    """
    activity = Activity.from_ledger(ledger, year, hour_services=services)
    granted = [sum((row[m] for row in activity.hours), Fraction(0)) for m in range(12)]
    wanted = set(services)
    if citizens is None:
        codes, labels = ledger.groups("citizen")
        service_codes, service_labels = ledger.groups("service")
        in_services = np.isin(service_labels.astype(str), sorted(wanted))[service_codes]
        chosen = set(labels[np.unique(codes[in_services])].astype(str).tolist())
    else:
        chosen = {normalise_citizen_id(c) for c in citizens}
    done = [Fraction(0)] * 12
    for entry in delivered:
        if entry.date.year == year and entry.citizen_id in chosen:
            done[entry.date.month - 1] += entry.hours
    weekly = None if budgeted_per_week is None else to_quantity(budgeted_per_week)
    bounds = BudgetYear(year).month_boundaries()
    days = [bounds[m + 1] - bounds[m] for m in range(12)]
    return tuple(
        HoursMonth(
            month=m + 1,
            granted=granted[m],
            delivered=done[m],
            budgeted=None if weekly is None else weekly * days[m] / 7,
        )
        for m in range(12)
    )
