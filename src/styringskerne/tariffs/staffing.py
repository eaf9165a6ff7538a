"""Hourly price and staff hours (timepris og medarbejdertimer) for residential providers.

VIVE's slides on residential facilities: the municipalities that support their residential providers
well allocate resources by a transparent model with an hourly price (timepris), and turn a wage
budget into staff hours and possible substitute hours per week for the roster (Kolding). The seed
gives the practice, not the numbers: the working-time figures below are parameters; the defaults (37
hours a week, six weeks of holiday, 5 % sickness, 15 % time without the citizens) are this library's
documented assumptions.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike
from styringskerne.core.quantities import Exact, to_fraction, to_quantity

__all__ = ["StaffPlan", "WorkingTime", "fte_hours", "hourly_price", "weekly_staff_hours"]


def _share(value: Exact) -> Fraction:
    result = to_fraction(value, field="share")
    if not 0 <= result < 1:
        raise StyringskerneError(f"a share of working time must be from 0 to below 1 ({value!r})")
    return result


@masked_repr
@attrs.frozen(kw_only=True)
class WorkingTime:
    """What a full-time employee's year holds (årsnorm og fravær).

    Attributes:
        hours_per_week: paid hours a week for full time.
        weeks_per_year: weeks in a year (365 ÷ 7).
        holiday_weeks: weeks of holiday a year (five weeks and the sixth holiday week).
        sickness_share: share of the remaining time lost to sickness.
        non_citizen_share: share of the present time spent without the citizens (meetings,
            training, administration).

    Examples:
        >>> time = WorkingTime()
        >>> round(float(time.paid_hours), 1), round(float(time.citizen_hours), 1)
        (1929.3, 1378.6)
    """

    hours_per_week: Fraction = attrs.field(default=Fraction(37), converter=to_quantity)
    weeks_per_year: Fraction = attrs.field(default=Fraction(365, 7), converter=to_quantity)
    holiday_weeks: Fraction = attrs.field(default=Fraction(6), converter=to_quantity)
    sickness_share: Fraction = attrs.field(default=Fraction(5, 100), converter=_share)
    non_citizen_share: Fraction = attrs.field(default=Fraction(15, 100), converter=_share)

    @property
    def paid_hours(self) -> Fraction:
        """Paid hours a year for one full-time employee."""
        return self.hours_per_week * self.weeks_per_year

    @property
    def present_hours(self) -> Fraction:
        """Hours at work a year: without holiday and sickness."""
        weeks = self.weeks_per_year - self.holiday_weeks
        return weeks * self.hours_per_week * (1 - self.sickness_share)

    @property
    def citizen_hours(self) -> Fraction:
        """Citizen-related hours a year (borgerrelaterede timer): present time with citizens."""
        return self.present_hours * (1 - self.non_citizen_share)


def fte_hours(fte: Exact, working_time: WorkingTime | None = None) -> Fraction:
    """Paid hours a year of a number of full-time equivalents (årsværk i timer).

    For a regulated frame's threshold given in full-time equivalents (Gladsaxe: ½–1).

    Examples:
        >>> round(float(fte_hours("0.5")), 1)
        964.6
    """
    return to_quantity(fte) * (working_time or WorkingTime()).paid_hours


def hourly_price(
    *, wage_budget: MoneyLike, full_time_equivalents: Exact, working_time: WorkingTime | None = None
) -> Money:
    """The price of one citizen-related hour (timepris): wage budget ÷ the hours it buys.

    Examples:
        >>> hourly_price(wage_budget="10.000.000,00", full_time_equivalents=20)
        Money.of('362.68')
    """
    time = working_time or WorkingTime()
    staff = to_quantity(full_time_equivalents)
    if staff <= 0:
        raise StyringskerneError("'full_time_equivalents' must be above 0")
    return Money.from_fraction(Fraction(Money.of(wage_budget).ore) / (staff * time.citizen_hours))


@masked_repr
@attrs.frozen(kw_only=True)
class StaffPlan:
    """A wage budget as hours per week for the roster (vagtplan), Kolding's model.

    Attributes:
        paid_hours: hours per week the permanent staff is paid for.
        present_hours: hours per week they are at work on average (no holiday or sickness).
        absence_hours: paid hours per week lost to holiday and sickness.
        substitute_hours: hours per week the rest of the budget buys at the substitute wage.
    """

    paid_hours: Fraction
    present_hours: Fraction
    absence_hours: Fraction
    substitute_hours: Fraction

    @property
    def staffed_hours(self) -> Fraction:
        """Hours per week on the roster: present staff plus substitutes."""
        return self.present_hours + self.substitute_hours


def weekly_staff_hours(
    *,
    wage_budget: MoneyLike,
    permanent_fte: Exact,
    wage_per_fte: MoneyLike,
    substitute_hourly_wage: MoneyLike,
    working_time: WorkingTime | None = None,
) -> StaffPlan:
    """Turn a wage budget into staff and substitute hours per week (vagtplanstimer).

    The permanent staff costs ``permanent_fte × wage_per_fte``; what is left of the budget buys
    substitute hours at ``substitute_hourly_wage``. A negative rest means the permanent staff
    alone overspends the budget and is an error.

    Examples:
        >>> plan = weekly_staff_hours(wage_budget="10.000.000,00", permanent_fte=20,
        ...                           wage_per_fte="460.000,00", substitute_hourly_wage="300,00")
        >>> float(plan.paid_hours), round(float(plan.substitute_hours), 1)
        (740.0, 51.1)
    """
    time = working_time or WorkingTime()
    staff = to_quantity(permanent_fte)
    rest = Money.of(wage_budget) - Money.of(wage_per_fte).multiply(staff)
    if rest.ore < 0:
        raise StyringskerneError(
            f"the permanent staff costs {rest * -1} more than the wage budget; "
            "lower the staff or raise the budget"
        )
    per_week = Fraction(1) / time.weeks_per_year
    present = staff * time.present_hours * per_week
    paid = staff * time.hours_per_week
    substitute = Fraction(rest.ore, Money.of(substitute_hourly_wage).ore) * per_week
    return StaffPlan(
        paid_hours=paid,
        present_hours=present,
        absence_hours=paid - present,
        substitute_hours=substitute,
    )
