"""The visitation committee (visitationsudvalg): its calendar, its members and the decisions
taken at its meetings.

VIVE 2018, *Tabel 4.2* (how often the committees meet: weekly in Gladsaxe, every fortnight in
four municipalities, monthly in Frederikshavn and Haderslev) and *Tabel 4.3* (chair, fixed
members and those who come when a case asks for them). The seven committees ship as data
(``visitation/committees.toml``); a decision of the committee is tied to one of its meetings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Final

import attrs

from styringskerne.core.calendar import _check_date, add_months
from styringskerne.core.cpr import mask_id
from styringskerne.core.data import load
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr

__all__ = ["CADENCES", "Committee", "CommitteeDecision", "example_committee"]

CADENCES: Final = {"weekly": 7, "fortnightly": 14, "monthly": 0}
"""Meeting cadences and their days between meetings (monthly: the same day each month)."""


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise StyringskerneError(f"members must be a list of roles, not one text ({value!r})")
    return tuple(value)


@masked_repr
@attrs.frozen(kw_only=True)
class Committee:
    """A visitation committee: cadence, chair, fixed and ad hoc participants (visitationsudvalg).

    Attributes:
        municipality: whose committee it is.
        cadence: ``"weekly"``, ``"fortnightly"`` or ``"monthly"``.
        chair: the chair's role.
        members: the fixed members besides the chair.
        ad_hoc: those who come when a case asks for them (typically the caseworker).
        first_meeting: a meeting the calendar counts from (default: the first Monday of 2018,
            an ASSUMPTION: the report gives no weekday).
        meeting_name: what the municipality calls the meeting.
    """

    municipality: str
    cadence: str
    chair: str
    members: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    ad_hoc: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    first_meeting: dt.date = attrs.field(default=dt.date(2018, 1, 1), validator=_check_date)
    meeting_name: str = "visitation committee meeting (visitationsudvalgsmøde)"

    def __attrs_post_init__(self) -> None:
        if self.cadence not in CADENCES:
            raise StyringskerneError(
                f"{self.municipality}: 'cadence' must be one of {'|'.join(CADENCES)} "
                f"(got {self.cadence!r})"
            )

    def meetings(self, start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
        """The meetings from ``start`` to ``end`` (both inclusive), from the first meeting on.

        Examples:
            >>> committee = example_committee("Gladsaxe")
            >>> committee.meetings(dt.date(2024, 1, 1), dt.date(2024, 1, 31))[:2]
            (datetime.date(2024, 1, 1), datetime.date(2024, 1, 8))
        """
        if end < start:
            raise StyringskerneError("the end of the period is before its start")
        start = max(start, self.first_meeting)  # the calendar runs from the first meeting
        step = CADENCES[self.cadence]
        result = []
        if step:
            offset = (start - self.first_meeting).days % step
            day = start + dt.timedelta(days=(step - offset) % step)
            while day <= end:
                result.append(day)
                day += dt.timedelta(days=step)
            return tuple(result)
        # Monthly: the first meeting's day of the month, every month (clamped to its end).
        months = max((start.year - self.first_meeting.year) * 12
                     + start.month - self.first_meeting.month - 1, 0)  # fmt: skip
        day = add_months(self.first_meeting, months)
        while day <= end:
            if day >= start:
                result.append(day)
            months += 1
            day = add_months(self.first_meeting, months)
        return tuple(result)

    def next_meeting(self, day: dt.date) -> dt.date:
        """The first meeting on or after ``day``."""
        return self.meetings(day, day + dt.timedelta(days=62))[0]

    def decide(
        self,
        *,
        disposition_id: str,
        citizen_id: str,
        meeting: dt.date,
        granted: bool,
        note: str = "",
    ) -> CommitteeDecision:
        """A decision taken at a meeting of this committee.

        Raises:
            StyringskerneError: if the committee does not meet that day, naming the nearest
                meetings.
        """
        if meeting not in self.meetings(meeting, meeting):
            around = self.meetings(meeting - dt.timedelta(days=35), meeting + dt.timedelta(days=35))
            shown = ", ".join(d.isoformat() for d in around[:4])
            raise StyringskerneError(
                f"{self.municipality}'s committee does not meet on {meeting.isoformat()}; "
                f"it meets {self.cadence} ({shown} …)"
            )
        return CommitteeDecision(
            municipality=self.municipality,
            meeting=meeting,
            disposition_id=disposition_id,
            citizen_id=citizen_id,
            granted=granted,
            note=note,
        )


@masked_repr
@attrs.frozen(kw_only=True)
class CommitteeDecision:
    """A case decided at a committee meeting (afgørelse på visitationsudvalgsmøde)."""

    municipality: str
    meeting: dt.date
    disposition_id: str
    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    granted: bool
    note: str = ""


@cache
def _committees() -> dict[str, Committee]:
    data = load("styringskerne.visitation", "committees.toml")
    return {row["municipality"]: Committee(**row) for row in data["committee"]}


def example_committee(municipality: str) -> Committee:
    """One of the seven committees of VIVE 2018 (*Tabel 4.2* and *4.3*).

    Raises:
        StyringskerneError: naming the municipalities shipped.
    """
    committees = _committees()
    if municipality not in committees:
        raise StyringskerneError(
            f"no example committee {municipality!r}; choose one of {', '.join(committees)}"
        )
    return committees[municipality]
