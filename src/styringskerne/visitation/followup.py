"""Follow-up of cases (opfølgning): schedules, due and overdue cases, and case selection.

- A :class:`FollowUpSchedule` says, per service, when the first follow-up falls after the grant
  and how often the next ones follow (data; the default follows VIVE 2018 section 4.5).
- :func:`follow_up_status` gives each case's next due date at a day, what is overdue, counted
  per caseworker and per service, and timeliness (the share of cases not overdue).
- :class:`FlexibleFollowUp` is Ikast-Brande's "flexible follow-up": it selects next year's cases
  by six criteria and says which criteria selected each.
- :func:`most_expensive` selects cases for an extraordinary review.

All of it runs on arrays, so a country's cases are selected at once.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import (
    _check_date,
    _check_optional_date,
    day_number,
    from_day_number,
)
from styringskerne.core.cpr import mask_id
from styringskerne.core.data import load, load_example
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.ledger.ledger import DispositionLedger

__all__ = [
    "CRITERIA",
    "EXAMPLE_SCHEDULES",
    "CaseColumns",
    "FlexibleFollowUp",
    "FollowUpCase",
    "FollowUpRule",
    "FollowUpSchedule",
    "FollowUpStatus",
    "add_months_to_days",
    "follow_up_status",
    "most_expensive",
]

EXAMPLE_SCHEDULES: Final = ("holstebro", "svendborg")
"""The shipped example follow-up schedules (VIVE 2018, section 4.5)."""

CRITERIA: Final = (
    "functional_level_changed",
    "highest_tariff_group",
    "asked_for",
    "political_priority",
    "young_in_temporary_placement",
    "no_follow_up_for_years",
)
"""Ikast-Brande's six criteria for flexible follow-up (VIVE 2018, chapter 4)."""


def add_months_to_days(days: NDArray[np.int64], months: NDArray[np.int64]) -> NDArray[np.int64]:
    """Day numbers ``months`` calendar months later, clamped to the month's last day.

    Examples:
        >>> from styringskerne.core.calendar import from_day_number
        >>> later = add_months_to_days(np.array([day_number(dt.date(2024, 1, 31))]), np.array([1]))
        >>> from_day_number(int(later[0]))
        datetime.date(2024, 2, 29)
    """
    dates = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = dates.astype("datetime64[M]")
    offset = (dates - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    result: NDArray[np.int64] = target.astype("datetime64[D]").astype(np.int64) + np.minimum(
        offset, length - 1
    )
    return result


def _services(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise StyringskerneError(f"'services' must be a list (got {value!r})")
    return frozenset(value)


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise StyringskerneError(f"'{attribute.name}' must be a whole number of months >= 1")


def _optional_age(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise StyringskerneError(f"'{attribute.name}' must be a whole number of years or absent")


@masked_repr
@attrs.frozen(kw_only=True)
class FollowUpRule:
    """When a service is followed up (opfølgningsregel): first after N months, then every M.

    A rule may hold only for providers of one kind (``internal``: the municipality's own, or
    external) or for citizens of an age (``age_from``–``age_to`` years, both inclusive, at the
    grant or the last follow-up): Holstebro follows up external residential offers every three
    months and its own every six; Svendborg young citizens in temporary residential offers
    every three months and the others yearly (VIVE 2018, section 4.5). The first rule of a
    schedule that holds for a case is its rule, so a narrower rule comes before a wider one.
    """

    services: frozenset[str] = attrs.field(converter=_services)
    first_after_months: int = attrs.field(validator=_positive)
    then_every_months: int = attrs.field(validator=_positive)
    internal: bool | None = None
    age_from: int | None = attrs.field(default=None, validator=_optional_age)
    age_to: int | None = attrs.field(default=None, validator=_optional_age)

    @property
    def conditions(self) -> tuple[bool | None, int | None, int | None]:
        """What besides the service the rule asks of a case."""
        return (self.internal, self.age_from, self.age_to)


def _rules(value: Iterable[FollowUpRule]) -> tuple[FollowUpRule, ...]:
    return tuple(value)


@masked_repr
@attrs.frozen(kw_only=True)
class FollowUpSchedule:
    """Follow-up rules by service (opfølgningsplan); the first rule that holds for a case is
    its rule. Two rules for one service with the same conditions, or a rule that an earlier
    rule without conditions for its service makes unreachable, are errors."""

    rules: tuple[FollowUpRule, ...] = attrs.field(converter=_rules)

    def __attrs_post_init__(self) -> None:
        seen: dict[tuple[str, tuple[bool | None, int | None, int | None]], int] = {}
        open_ended: set[str] = set()
        for index, rule in enumerate(self.rules, start=1):
            for service in sorted(rule.services):
                key = (service, rule.conditions)
                if key in seen:
                    raise StyringskerneError(
                        f"follow-up schedule names {service} in two rules ({seen[key]} and "
                        f"{index}) with the same conditions"
                    )
                if service in open_ended:
                    raise StyringskerneError(
                        f"follow-up schedule: rule {index} for {service} is never used, an "
                        "earlier rule holds for every case of it; put the narrower rule first"
                    )
                seen[key] = index
            if rule.conditions == (None, None, None):
                open_ended |= rule.services

    @classmethod
    def default(cls) -> FollowUpSchedule:
        """The shipped default cadence (VIVE 2018, section 4.5)."""
        return _default_schedule()

    @classmethod
    def example(cls, name: str) -> FollowUpSchedule:
        """A shipped example of a municipality's cadence (:data:`EXAMPLE_SCHEDULES`):
        ``"holstebro"`` by provider kind, ``"svendborg"`` by age (VIVE 2018, section 4.5).

        Raises:
            StyringskerneError: naming the valid names.
        """
        return cls.from_mapping(
            load_example(
                "styringskerne.visitation",
                "followup_schedules",
                name,
                EXAMPLE_SCHEDULES,
                what="follow-up schedule",
            )
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> FollowUpSchedule:
        """Build from parsed TOML or JSON: ``{"rule": [{services, first_after_months, …}]}``."""
        try:
            return cls(rules=[FollowUpRule(**rule) for rule in data["rule"]])
        except (KeyError, TypeError) as error:
            raise StyringskerneError(
                f"follow-up schedule: {error}; each [[rule]] has services, first_after_months "
                "and then_every_months"
            ) from error

    @classmethod
    def from_toml(cls, path: str | Path) -> FollowUpSchedule:
        """Load a schedule from a TOML file of ``[[rule]]`` tables."""
        return cls.from_mapping(tomllib.loads(Path(path).read_text(encoding="utf-8")))

    def rule_for(
        self, service: str, *, internal: bool | None = None, age: int | None = None
    ) -> FollowUpRule:
        """The first rule that holds for a service with a provider kind and an age."""
        for rule in self.rules:
            if service not in rule.services:
                continue
            if rule.internal is not None and rule.internal != internal:
                continue
            if rule.age_from is not None and (age is None or age < rule.age_from):
                continue
            if rule.age_to is not None and (age is None or age > rule.age_to):
                continue
            return rule
        raise StyringskerneError(f"the follow-up schedule has no rule for service {service!r}")

    def next_due(
        self,
        service: str,
        granted: dt.date,
        last: dt.date | None = None,
        *,
        internal: bool | None = None,
        birth_date: dt.date | None = None,
    ) -> dt.date:
        """The next follow-up: first after the grant, then after the last follow-up.

        Examples:
            >>> FollowUpSchedule.default().next_due("SEL107", dt.date(2024, 1, 15))
            datetime.date(2024, 4, 15)
        """
        case = FollowUpCase(
            disposition_id="",
            citizen_id="",
            service=service,
            granted=granted,
            last_follow_up=last,
            internal=internal,
            birth_date=birth_date,
        )
        result = _next_due_days(self, CaseColumns.of([case]))
        return from_day_number(int(result[0]))


@cache
def _default_schedule() -> FollowUpSchedule:
    return FollowUpSchedule.from_mapping(load("styringskerne.visitation", "followup.toml"))


@masked_repr
@attrs.frozen(kw_only=True)
class FollowUpCase:
    """A case to follow up (sag til opfølgning) with what the selection rules need.

    Attributes:
        disposition_id: the case's disposition.
        citizen_id: CPR number or pseudonymous id (masked in ``repr``).
        service: catalogue code.
        caseworker: the responsible caseworker.
        granted: the grant's date; follow-ups are due from it.
        last_follow_up: the latest follow-up, if any.
        birth_date: for the age criterion.
        tariff_group: the case's tariff group (1 = lowest), with ``tariff_groups`` the number
            of groups of its tariff catalogue.
        functional_level_changed: the VUM functional level changed since the last assessment.
        asked_for: the citizen or relatives asked for a follow-up.
        political_priority: the case is in a politically prioritised group.
        development_focus: the main focus of the help is development (hovedfokus på
            udvikling), as opposed to keeping or slowing the loss of functioning; Ikast-Brande's
            age criterion asks for it (*Boks 4.4*).
    """

    disposition_id: str
    citizen_id: str = attrs.field(repr=lambda value: repr(mask_id(value)))
    service: str
    caseworker: str = ""
    granted: dt.date = attrs.field(validator=_check_date)
    last_follow_up: dt.date | None = attrs.field(default=None, validator=_check_optional_date)
    birth_date: dt.date | None = attrs.field(default=None, validator=_check_optional_date)
    tariff_group: int | None = None
    tariff_groups: int | None = None
    functional_level_changed: bool = False
    asked_for: bool = False
    political_priority: bool = False
    development_focus: bool = False
    internal: bool | None = None
    """The provider is the municipality's own (``True``), external (``False``) or unknown."""


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class CaseColumns:
    """Cases as columns (sager som kolonner), for selecting a country's cases at once.

    Build from :class:`FollowUpCase` objects with :meth:`of`, or directly from arrays.
    Day numbers are days since 1970-01-01; ``last`` is -1 for no follow-up, ``born`` the
    minimum int64 for an unknown birth date, ``group`` and ``groups`` 0 for no tariff group.
    """

    service: NDArray[Any]
    caseworker: NDArray[Any]
    granted: NDArray[np.int64]
    last: NDArray[np.int64]
    """Day number of the last follow-up, or -1 for none."""
    born: NDArray[np.int64]
    """Day number of birth, or the minimum int64 when unknown."""
    group: NDArray[np.int64]
    groups: NDArray[np.int64]
    changed: NDArray[np.bool_]
    asked: NDArray[np.bool_]
    priority: NDArray[np.bool_]
    development: NDArray[np.bool_]
    """The main focus of the help is development (``FollowUpCase.development_focus``)."""
    internal: NDArray[np.int8]
    """1 for the municipality's own provider, 0 for an external one, -1 when unknown."""

    @classmethod
    def of(cls, cases: Sequence[FollowUpCase]) -> CaseColumns:
        """Columns of case objects."""
        unknown = np.iinfo(np.int64).min
        return cls(
            service=np.array([c.service for c in cases], dtype=object).astype(str),
            caseworker=np.array([c.caseworker for c in cases], dtype=object).astype(str),
            granted=np.array([day_number(c.granted) for c in cases], dtype=np.int64),
            last=np.array(
                [-1 if c.last_follow_up is None else day_number(c.last_follow_up) for c in cases],
                dtype=np.int64,
            ),
            born=np.array(
                [unknown if c.birth_date is None else day_number(c.birth_date) for c in cases],
                dtype=np.int64,
            ),
            group=np.array([c.tariff_group or 0 for c in cases], dtype=np.int64),
            groups=np.array([c.tariff_groups or 0 for c in cases], dtype=np.int64),
            changed=np.array([c.functional_level_changed for c in cases], dtype=bool),
            asked=np.array([c.asked_for for c in cases], dtype=bool),
            priority=np.array([c.political_priority for c in cases], dtype=bool),
            development=np.array([c.development_focus for c in cases], dtype=bool),
            internal=np.array(
                [-1 if c.internal is None else int(c.internal) for c in cases], dtype=np.int8
            ),
        )


def _next_due_days(schedule: FollowUpSchedule, columns: CaseColumns) -> NDArray[np.int64]:
    first = np.zeros(columns.service.size, dtype=np.int64)
    every = np.zeros(columns.service.size, dtype=np.int64)
    covered = np.zeros(columns.service.size, dtype=bool)
    followed = columns.last >= columns.granted
    base = np.where(followed, columns.last, columns.granted)
    known = columns.born != np.iinfo(np.int64).min
    born = np.where(known, columns.born, 0)
    for rule in schedule.rules:  # the first rule that holds wins
        mask = np.isin(columns.service, sorted(rule.services)) & ~covered
        if rule.internal is not None:
            mask &= columns.internal == int(rule.internal)
        if rule.age_from is not None:
            mask &= known & (
                add_months_to_days(born, np.full(born.size, 12 * rule.age_from)) <= base
            )
        if rule.age_to is not None:
            limit = add_months_to_days(born, np.full(born.size, 12 * (rule.age_to + 1)))
            mask &= known & (base < limit)
        first[mask], every[mask] = rule.first_after_months, rule.then_every_months
        covered |= mask
    if not covered.all():
        row = int(np.flatnonzero(~covered)[0])
        service = str(columns.service[row])
        raise StyringskerneError(
            f"case {row}: the follow-up schedule has no rule for service {service!r}"
        )
    return add_months_to_days(base, np.where(followed, every, first))


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class FollowUpStatus:
    """Follow-ups at a day: each case's next due date and what is overdue (opfølgningsstatus)."""

    on: dt.date
    cases: tuple[FollowUpCase, ...]
    next_due: NDArray[np.int64]
    """Day number of each case's next follow-up."""

    @property
    def overdue(self) -> tuple[FollowUpCase, ...]:
        """Cases whose follow-up was due before the day (overskredne opfølgninger)."""
        late = self.next_due < day_number(self.on)
        return tuple(
            case for case, is_late in zip(self.cases, late.tolist(), strict=True) if is_late
        )

    def due_within(self, days: int) -> tuple[FollowUpCase, ...]:
        """Cases due from the day through ``days`` days later (not yet overdue)."""
        first = day_number(self.on)
        soon = (self.next_due >= first) & (self.next_due <= first + days)
        return tuple(
            case for case, is_soon in zip(self.cases, soon.tolist(), strict=True) if is_soon
        )

    def overdue_by(self, attribute: str) -> dict[str, int]:
        """Overdue cases counted per ``"caseworker"`` or ``"service"``."""
        if attribute not in ("caseworker", "service"):
            raise StyringskerneError(f"count overdue by caseworker or service (got {attribute!r})")
        counts: dict[str, int] = {}
        for case in self.overdue:
            key = getattr(case, attribute)
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def timeliness(self) -> float:
        """The share of cases not overdue (rettidighed), from 0 to 1."""
        if not self.cases:
            return 1.0
        return 1.0 - len(self.overdue) / len(self.cases)


def follow_up_status(
    cases: Iterable[FollowUpCase], on: dt.date, *, schedule: FollowUpSchedule | None = None
) -> FollowUpStatus:
    """Each case's next due follow-up at a day (opfølgningsstatus), by the schedule."""
    chosen = tuple(cases)
    schedule = schedule if schedule is not None else FollowUpSchedule.default()
    due = _next_due_days(schedule, CaseColumns.of(chosen))
    return FollowUpStatus(on=on, cases=chosen, next_due=due)


@masked_repr
@attrs.frozen(kw_only=True)
class FlexibleFollowUp:
    """Ikast-Brande's flexible follow-up (fleksibel opfølgning) as a rule set.

    A case is selected for next year's follow-up if any criterion holds (VIVE 2018, *Boks
    4.4*): its functional level changed; it is in the highest tariff group (support in own
    home: the two highest); the citizen or relatives ask; it is in a political priority group;
    the citizen is 18–23 in a temporary placement where the main focus is development ("og
    hvor hovedfokus er på udvikling"); or it has had no follow-up for four years.

    Attributes:
        top_groups: how many of the highest tariff groups select a case.
        top_groups_home_support: the same for ``home_support_services``.
        home_support_services: services that use ``top_groups_home_support``.
        temporary_services: the temporary placements of the age criterion.
        young_from: the lowest age of the age criterion.
        young_to: the highest age of the age criterion.
        years_without: years without follow-up that select a case.
    """

    top_groups: int = 1
    top_groups_home_support: int = 2
    home_support_services: frozenset[str] = attrs.field(
        default=frozenset({"SEL85"}), converter=_services
    )
    temporary_services: frozenset[str] = attrs.field(
        default=frozenset({"SEL107"}), converter=_services
    )
    young_from: int = 18
    young_to: int = 23
    years_without: int = 4

    def criteria(self, cases: Sequence[FollowUpCase], on: dt.date) -> NDArray[np.bool_]:
        """A matrix of cases × :data:`CRITERIA`: which criteria hold for each case."""
        columns = CaseColumns.of(cases)
        return self.criteria_of_columns(columns, on)

    def criteria_of_columns(self, columns: CaseColumns, on: dt.date) -> NDArray[np.bool_]:
        """The criteria matrix from case columns (the vectorised core of :meth:`criteria`)."""
        day = day_number(on)
        home = np.isin(columns.service, sorted(self.home_support_services))
        top = np.where(home, self.top_groups_home_support, self.top_groups)
        highest = (columns.groups > 0) & (columns.group > columns.groups - top)
        known = columns.born != np.iinfo(np.int64).min
        born = np.where(known, columns.born, 0)  # unknown birth dates never match (``known``)
        years = np.full(born.size, 12, dtype=np.int64)
        young_from = add_months_to_days(born, years * self.young_from)
        too_old = add_months_to_days(born, years * (self.young_to + 1))
        young = known & (young_from <= day) & (day < too_old)
        temporary = np.isin(columns.service, sorted(self.temporary_services))
        last = np.where(columns.last >= columns.granted, columns.last, columns.granted)
        limit = add_months_to_days(last, np.full(last.size, 12 * self.years_without))
        return np.stack(
            [
                columns.changed,
                highest,
                columns.asked,
                columns.priority,
                young & temporary & columns.development,
                limit <= day,
            ],
            axis=1,
        )

    def select(
        self, cases: Iterable[FollowUpCase], on: dt.date
    ) -> tuple[tuple[FollowUpCase, tuple[str, ...]], ...]:
        """The selected cases, each with the criteria that selected it."""
        chosen = tuple(cases)
        matrix = self.criteria(chosen, on)
        return tuple(
            (case, tuple(name for name, hit in zip(CRITERIA, row, strict=True) if hit))
            for case, row in zip(chosen, matrix.tolist(), strict=True)
            if any(row)
        )


def most_expensive(
    ledger: DispositionLedger,
    start: dt.date,
    end: dt.date,
    *,
    count: int = 10,
    by: str = "citizen",
    sub_area: str | None = None,
) -> tuple[tuple[str, Money], ...]:
    """The most expensive cases over a period (ekstraordinær gennemgang), for a review.

    With ``sub_area`` (an account) only that sub-area's spend counts; ``count=0`` lists every
    case of it ("all cases of a sub-area").
    """
    costs = ledger.segment_costs(start, end)
    codes, labels = ledger.groups(by)
    if sub_area is not None:
        account_codes, accounts = ledger.groups("account")
        chosen = accounts.astype(str) == sub_area
        costs = np.where(chosen[account_codes], costs, 0)
        present = np.zeros(labels.size, dtype=bool)
        present[codes[chosen[account_codes]]] = True
    else:
        present = np.ones(labels.size, dtype=bool)
    totals = np.zeros(labels.size, dtype=np.int64)
    np.add.at(totals, codes, costs)
    order = [i for i in np.argsort(-totals, kind="stable").tolist() if present[i]]
    if count:
        order = order[:count]
    return tuple((str(labels[i]), Money(int(totals[i]))) for i in order)
