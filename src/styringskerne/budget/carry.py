"""A year's result carried to later budgets (overførsel mellem budgetår) and an overspend or a
supplementary appropriation recovered over later years (indhentning).

VIVE 2018, section 5.2: an overspend is financed by underspend elsewhere in the frame, by a
supplementary appropriation (tillægsbevilling), or carried to the next budget year where it
must be recovered within the adult area; in Haderslev a supplementary appropriation is
recovered over 3 years (note 19). How much of a result a municipality carries is its own rule
(the report finds no pattern): ``share`` and ``cap`` say it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from styringskerne.budget.frame import YearResult
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money, MoneyLike, to_money
from styringskerne.core.quantities import Exact, to_fraction

__all__ = ["Recovery", "budgets_after", "carried_result"]


def carried_result(result: YearResult, *, share: Exact = 1, cap: MoneyLike | None = None) -> Money:
    """What a year's result adds to next year's budget (overført resultat): an underspend
    adds, an overspend subtracts; ``share`` of it (rounded half-even to the øre), at most
    ``cap`` either way.

    Examples:
        >>> carried_result(YearResult(year=2017, budget="1.000.000,00", accounts="1.040.000,00"))
        Money.of('-40000.00')
    """
    fraction = to_fraction(share, field="share")
    if not 0 <= fraction <= 1:
        raise StyringskerneError(f"'share' must be from 0 to 1 (got {fraction})")
    carried = (-result.deviation).multiply(fraction)
    if cap is not None:
        limit = abs(Money.of(cap))
        carried = max(min(carried, limit), -limit)
    return carried


@masked_repr
@attrs.frozen(kw_only=True)
class Recovery:
    """An amount to recover from later budgets (indhentning), in equal yearly parts.

    Attributes:
        amount: what is to be recovered (an overspend carried, or a supplementary
            appropriation to be paid back); positive.
        first_year: the first budget year that pays a part.
        years: how many years it is spread over (Haderslev: 3).
    """

    amount: Money = attrs.field(converter=to_money)
    first_year: int
    years: int = 3

    def __attrs_post_init__(self) -> None:
        if self.amount.ore < 0:
            raise StyringskerneError("a recovery's amount is what is paid back: 0 or more")
        if isinstance(self.years, bool) or not isinstance(self.years, int) or self.years < 1:
            raise StyringskerneError(f"'years' must be a whole number from 1 (got {self.years!r})")

    def instalments(self) -> dict[int, Money]:
        """The part each year pays; the parts add up to the amount exactly (the øre left over
        go to the first years).

        Examples:
            >>> Recovery(amount="1.000.000,00", first_year=2019).instalments()[2019]
            Money.of('333333.34')
        """
        parts = self.amount.allocate([1] * self.years)
        return {self.first_year + index: part for index, part in enumerate(parts)}


def budgets_after(
    budgets: Mapping[int, MoneyLike],
    *,
    carried: Mapping[int, MoneyLike] | None = None,
    recoveries: Iterable[Recovery] = (),
) -> dict[int, Money]:
    """Each year's budget with the results carried into it (``carried[year]``, from
    :func:`carried_result` of the year before) and less the recovery parts it pays.

    Raises:
        StyringskerneError: if a recovery or carried result falls in a year without a budget.
    """
    result = {year: Money.of(amount) for year, amount in budgets.items()}
    for year, amount in (carried or {}).items():
        if year not in result:
            raise StyringskerneError(f"a result is carried into {year}, which has no budget")
        result[year] = result[year] + Money.of(amount)
    for recovery in recoveries:
        for year, part in recovery.instalments().items():
            if year not in result:
                raise StyringskerneError(
                    f"the recovery from {recovery.first_year} pays a part in {year}, which has "
                    "no budget; give that year's budget"
                )
            result[year] = result[year] - part
    return dict(sorted(result.items()))
