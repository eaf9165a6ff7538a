"""Exact quantities and probabilities (mængder og sandsynligheder) as fractions.

Quantities (hours per week, places) and probabilities (½, ⅓ for a youth's transition) enter
the exact cost. They are held as ``Fraction`` with a denominator of at most
:data:`MAX_DENOMINATOR`, which keeps every intermediate product of the engine inside int64.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final, TypeAlias

from styringskerne.core.errors import StyringskerneError

__all__ = ["MAX_DENOMINATOR", "Exact", "to_fraction", "to_probability", "to_quantity"]

MAX_DENOMINATOR: Final = 10_000
"""Largest denominator of a quantity or probability: four decimals, or a fraction like 1/3."""

Exact: TypeAlias = "int | Fraction | Decimal | float | str"
"""Accepted inputs: exact numbers, a float (taken as the nearest fraction with a denominator of at
most 10 000, so 1/3 and 0.25 come out exact), or text like ``'6,5'``, ``'6.5'`` or ``'1/3'``."""


def to_fraction(value: Exact, *, field: str) -> Fraction:
    """Convert an accepted number to an exact fraction with a bounded denominator.

    Examples:
        >>> to_fraction("6,5", field="quantity"), to_fraction(1 / 3, field="probability")
        (Fraction(13, 2), Fraction(1, 3))

    Raises:
        StyringskerneError: naming ``field``, the value and the valid forms.
    """
    if isinstance(value, bool):
        raise StyringskerneError(f"'{field}' must be a number (got {value!r})")
    try:
        if isinstance(value, Fraction | int | Decimal):
            result = Fraction(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise StyringskerneError(f"'{field}' must be finite (got {value!r})")
            result = Fraction(value).limit_denominator(MAX_DENOMINATOR)
            if abs(float(result) - value) > 1e-9 * max(1.0, abs(value)):
                raise StyringskerneError(
                    f"'{field}' {value!r} is not within 1e-9 of a fraction with denominator "
                    f"<= {MAX_DENOMINATOR}; pass a Decimal or Fraction"
                )
        elif isinstance(value, str):
            text = value.strip().replace(",", ".")
            if "/" in text:
                numerator, _, denominator = text.partition("/")
                result = Fraction(int(numerator), int(denominator))
            else:
                result = Fraction(Decimal(text))
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
    if result < 0:
        raise StyringskerneError(f"'quantity' must be >= 0 (got {value!r})")
    return result


def to_probability(value: Exact) -> Fraction:
    """A probability (sandsynlighed) from 0 to 1; 1 means granted, below 1 expected."""
    result = to_fraction(value, field="probability")
    if not 0 <= result <= 1:
        raise StyringskerneError(f"'probability' must be from 0 to 1 (got {value!r})")
    return result
