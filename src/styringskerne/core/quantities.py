"""Exact quantities and probabilities (mængder og sandsynligheder) as fractions.

Quantities (hours per week, places) and probabilities (½, ⅓ for a youth's transition) enter
the exact cost. They are held as ``Fraction`` with a denominator of at most
:data:`MAX_DENOMINATOR`, which keeps every intermediate product of the engine inside int64.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction
from typing import Final, TypeAlias

from styringskerne.core.errors import StyringskerneError

__all__ = [
    "MAX_DENOMINATOR",
    "MAX_QUANTITY",
    "Exact",
    "rounded_decimal",
    "to_fraction",
    "to_probability",
    "to_quantity",
]

MAX_DENOMINATOR: Final = 10_000
"""Largest denominator of a quantity or probability: four decimals, or a fraction like 1/3."""

MAX_QUANTITY: Final = 1_000_000
"""Largest quantity (hours per week, places, units) accepted. An assumption, not a rule from the
reports: far above any real quantity, it stops a typing error like ``1e30`` at the row."""

Exact: TypeAlias = "int | Fraction | Decimal | float | str"
"""Accepted inputs: exact numbers, a float that is exactly a short decimal (at most four
decimals, as ``0.25`` or ``4.5``), or text like ``'6,5'``, ``'6.5'`` or ``'1/3'``. A float such
as ``1/3`` is refused: it is not one third, so give the text ``'1/3'`` or ``Fraction(1, 3)``."""

_NUMBER_TEXT: Final = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?$")
_FRACTION_TEXT: Final = re.compile(r"^([+-]?[0-9]+)/([0-9]+)$")


def to_fraction(value: Exact, *, field: str) -> Fraction:
    """Convert an accepted number to an exact fraction with a bounded denominator.

    Examples:
        >>> to_fraction("6,5", field="quantity"), to_fraction("1/3", field="probability")
        (Fraction(13, 2), Fraction(1, 3))
        >>> to_fraction(0.25, field="probability")
        Fraction(1, 4)

    Raises:
        StyringskerneError: naming ``field``, the value and the valid forms.
    """
    if isinstance(value, bool):
        raise StyringskerneError(f"'{field}' must be a number (got {value!r})")
    try:
        if isinstance(value, Decimal) and not value.is_finite():
            raise StyringskerneError(f"'{field}' must be finite (got {value!r})")
        if isinstance(value, Fraction | int | Decimal):
            result = Fraction(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise StyringskerneError(f"'{field}' must be finite (got {value!r})")
            # The shortest decimal that reads back as this float: 0.1 is 0.1, 1/3 is not short.
            result = Fraction(Decimal(repr(value)))
            if result.denominator > MAX_DENOMINATOR:
                raise StyringskerneError(
                    f"'{field}' {value!r} is a float that is not a short decimal; give at most "
                    "four decimals, or a fraction as text such as '1/3'"
                )
        elif isinstance(value, str):
            text = value.strip()
            fraction = _FRACTION_TEXT.match(text)
            if fraction:
                result = Fraction(int(fraction.group(1)), int(fraction.group(2)))
            elif _NUMBER_TEXT.match(text):
                result = Fraction(Decimal(text.replace(",", ".")))
            else:
                raise StyringskerneError(
                    f"'{field}' {value!r} is not a number; write e.g. 6.5, 6,5 or 1/3 "
                    "(digits 0-9, no exponent or blanks)"
                )
        else:
            raise StyringskerneError(
                f"'{field}' must be an int, Fraction, Decimal, float or str "
                f"(got {value!r} that is a {type(value).__name__})"
            )
    except (InvalidOperation, ValueError, ZeroDivisionError) as error:
        if isinstance(error, StyringskerneError):
            raise
        raise StyringskerneError(
            f"'{field}' {value!r} is not a number; write e.g. 6.5, 6,5 or 1/3"
        ) from error
    if result.denominator > MAX_DENOMINATOR:
        raise StyringskerneError(
            f"'{field}' {value!r} needs more than four decimals; use at most four decimals or a "
            f"fraction with denominator <= {MAX_DENOMINATOR}"
        )
    return result


def to_quantity(value: Exact) -> Fraction:
    """A quantity (mængde) of at least zero, e.g. hours per week."""
    result = to_fraction(value, field="quantity")
    if not 0 <= result <= MAX_QUANTITY:
        raise StyringskerneError(
            f"'quantity' must be from 0 to {MAX_QUANTITY:,} (got {value!r})".replace(",", ".")
        )
    return result


def to_probability(value: Exact) -> Fraction:
    """A probability (sandsynlighed) from 0 to 1; 1 means granted, below 1 expected."""
    result = to_fraction(value, field="probability")
    if not 0 <= result <= 1:
        raise StyringskerneError(f"'probability' must be from 0 to 1 (got {value!r})")
    return result


def rounded_decimal(value: Fraction, places: int = 0) -> Decimal:
    """An exact fraction rounded half-even to ``places`` decimals, for print (afrundet).

    Examples:
        >>> rounded_decimal(Fraction(5, 2)), rounded_decimal(Fraction(1, 8), 2)
        (Decimal('2'), Decimal('0.12'))
    """
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
