"""The handover list from the children's area (overgangsliste): youths from 16 on their way to
the adult area, the list the youth forecast is made from.

VIVE 2018, section 5.4 and *Boks 5.1*: Hillerød's children's area makes a list every February
of all vulnerable children who have turned 16 (the child's caseworker and current yearly cost,
the expected transition and its probability, the expected adult measure and its cost, and when
the case was last discussed, "senest drøftet"); in Ikast-Brande the list is kept up to date at
half-yearly meetings from 16 and a handover meeting is held at the latest when the child turns
17½. The rows are :class:`~styringskerne.forecast.transitions.YouthTransition` objects, the very
ones ``Snapshot(youths=…)`` forecasts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from fractions import Fraction
from typing import Final

import attrs

from styringskerne.core.calendar import add_months
from styringskerne.core.cpr import age_on, birthday, mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.forecast.transitions import ColourRule, YouthTransition

__all__ = ["FROM_AGE", "LIST_MONTH", "HandoverRow", "handover_list", "list_date"]

FROM_AGE: Final = 16
"""Youths are on the list from their 16th birthday (Boks 5.1)."""
LIST_MONTH: Final = 2
"""Hillerød makes the list every February (Boks 5.1)."""
MEETING_AGE_MONTHS: Final = 17 * 12 + 6
"""The handover meeting is held at the latest at 17½ (Ikast-Brande, section 5.4)."""


@masked_repr
@attrs.frozen(kw_only=True)
class HandoverRow:
    """One youth on the handover list (række på overgangslisten)."""

    youth: YouthTransition = attrs.field(repr=False)
    age: int
    transition: dt.date
    probability: Fraction
    expected_adult_cost: Money
    """Probability × the adult yearly cost over the days after the transition in the list's
    year (anslået udgift på voksenområdet, indeværende år)."""
    meeting_by: dt.date
    """The handover meeting's latest date: the 17½ birthday."""
    meeting_overdue: bool
    """The youth is 17½ or older and the case has not been discussed since turning 17."""

    @property
    def citizen(self) -> str:
        """The youth's id, masked."""
        return mask_id(self.youth.citizen_id)


def list_date(year: int) -> dt.date:
    """The date of a year's handover list (1 February)."""
    return dt.date(year, LIST_MONTH, 1)


def handover_list(
    youths: Iterable[YouthTransition],
    on: dt.date,
    *,
    rule: ColourRule | None = None,
    from_age: int = FROM_AGE,
) -> tuple[HandoverRow, ...]:
    """The youths aged ``from_age`` or more on ``on`` whose transition has not yet come,
    soonest transition first.

    Examples:
        >>> youth = YouthTransition(citizen_id="B-1", birth_date=dt.date(2007, 9, 1),
        ...     service="SEL107", yearly_cost="600.000,00", probability="1/2")
        >>> (row,) = handover_list([youth], dt.date(2025, 2, 1))
        >>> row.age, row.transition, row.meeting_by, str(row.expected_adult_cost)
        (17, datetime.date(2025, 9, 1), datetime.date(2025, 3, 1), '100.273,97 kr.')
    """
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise StyringskerneError(f"'on' must be a date (got {on!r})")
    rule = rule if rule is not None else ColourRule()
    rows = []
    for youth in youths:
        if on < youth.birth_date:
            continue
        age = age_on(youth.birth_date, on)
        transition = youth.expected_transition
        if age < from_age or transition <= on:
            continue
        meeting_by = add_months(youth.birth_date, MEETING_AGE_MONTHS)
        discussed_at_17 = youth.last_discussed is not None and youth.last_discussed >= birthday(
            youth.birth_date, 17
        )
        rows.append(
            HandoverRow(
                youth=youth,
                age=age,
                transition=transition,
                probability=youth.probability_under(rule),
                expected_adult_cost=youth.expected_cost(on.year, rule=rule),
                meeting_by=meeting_by,
                meeting_overdue=on >= meeting_by and not discussed_at_17,
            )
        )
    return tuple(sorted(rows, key=lambda row: (row.transition, row.youth.citizen_id)))
