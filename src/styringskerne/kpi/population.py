"""Figures per inhabitant (pr. indbygger): per 10.000 aged 18-64 and kroner per 18-64-year-old.

VIVE 2018 compares municipalities by their population aged 18-64 (*Bilagstabel 2-4*): users
per 10.000 inhabitants aged 18-64 (*brugerandel*, *Bilagstabel 4*, from the user counts and the
18-64-year-olds of *Bilagstabel 3*) and the budget in kroner per 18-64-year-old
(*Bilagstabel 2*). Both are exact fractions, rounded half-even only for print.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.money import Money
from styringskerne.core.quantities import Exact, rounded_decimal, to_fraction

__all__ = ["per_10000", "per_inhabitant", "rounded"]


def _inhabitants(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise StyringskerneError(f"'inhabitants' must be a whole number above 0 (got {value!r})")
    return value


def per_10000(counts: Mapping[str, Exact], inhabitants: int) -> dict[str, Fraction]:
    """Users per 10.000 inhabitants (brugerandel), exactly, per group.

    Examples:
        >>> rounded(per_10000({"SEL107": 94}, 34_404)["SEL107"])  # Frederikshavn, 2017
        Decimal('27')
    """
    population = _inhabitants(inhabitants)
    return {
        name: to_fraction(count, field=name) * 10_000 / population for name, count in counts.items()
    }


def per_inhabitant(amount: Money, inhabitants: int) -> Money:
    """An amount per inhabitant (kr. pr. indbygger), rounded half-even to the øre.

    Examples:
        >>> per_inhabitant(Money.of("326.356.344,00"), 34_404)  # Bilagstabel 2: 9.486 kr.
        Money.of('9486.00')
    """
    return Money.from_fraction(Fraction(amount.ore, _inhabitants(inhabitants)))


def rounded(value: Fraction, decimals: int = 0) -> Decimal:
    """A fraction rounded half-even to ``decimals`` places, the way a table prints it."""
    return rounded_decimal(value, decimals)
