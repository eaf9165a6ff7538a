"""CPR numbers (personnummer): form, birth date by the century rules, age and masking.

A CPR number is personal data. The library never prints one whole: :func:`mask_id` turns it
into ``DDMMYY-****`` in every ``repr``, log line, error message and output. Pseudonymous ids
(anything not CPR-shaped) pass through unchanged. Birth date and age come only from
:func:`cpr_birth_date` and :func:`age_on`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from dateutil.relativedelta import relativedelta

from styringskerne.errors import StyringskerneError

__all__ = ["age_on", "cpr_birth_date", "is_cpr_shaped", "mask_id", "mask_text", "normalise_cpr"]

_CPR_SHAPE: Final = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")
_CPR_ANYWHERE: Final = re.compile(r"(?<!\d)(\d{6})-?\d{4}(?!\d)")


def is_cpr_shaped(citizen_id: str) -> bool:
    """Whether an id looks like a CPR number (personnummer): ``DDMMYYSSSS`` or ``DDMMYY-SSSS``.

    Shape alone decides masking, so a mistyped CPR number is masked too.

    Examples:
        >>> is_cpr_shaped("010190-1234"), is_cpr_shaped("B-00017")
        (True, False)
    """
    return _CPR_SHAPE.match(citizen_id.strip()) is not None


def mask_id(citizen_id: str) -> str:
    """A citizen id safe to print (maskeret id): a CPR number becomes ``DDMMYY-****``.

    Examples:
        >>> mask_id("0101901234"), mask_id("B-00017")
        ('010190-****', 'B-00017')
    """
    match = _CPR_SHAPE.match(citizen_id.strip())
    if match is None:
        return citizen_id
    return f"{match.group(1)}{match.group(2)}{match.group(3)}-****"


def mask_text(text: str) -> str:
    """Mask every CPR-shaped run of digits inside free text (for error messages)."""
    return _CPR_ANYWHERE.sub(lambda m: f"{m.group(1)}-****", text)


def normalise_cpr(citizen_id: str) -> str:
    """Validate a CPR number and return it as ``DDMMYY-SSSS``.

    Raises:
        StyringskerneError: if it is not ten digits or its date part is not a date (the
            message shows the number masked).
    """
    cpr_birth_date(citizen_id)
    digits = citizen_id.strip().replace("-", "")
    return f"{digits[:6]}-{digits[6:]}"


def _century(two_digit_year: int, seventh_digit: int) -> int:
    # The CPR office's table: the first digit of the serial number tells the century.
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if two_digit_year <= 36 else 1900
    return 2000 if two_digit_year <= 57 else 1800


def cpr_birth_date(citizen_id: str) -> dt.date:
    """Birth date from a CPR number by the century rules (fødselsdato).

    The seventh digit (first of the serial number) decides the century:
    0–3 → 1900s; 4 or 9 → 2000s for years 00–36, else 1900s;
    5–8 → 2000s for years 00–57, else 1800s. The modulus-11 check is not applied: numbers
    issued since 2007 need not satisfy it.

    Examples:
        >>> cpr_birth_date("010190-1234")
        datetime.date(1990, 1, 1)
        >>> cpr_birth_date("010105-4321"), cpr_birth_date("010160-5000")
        (datetime.date(2005, 1, 1), datetime.date(1860, 1, 1))

    Raises:
        StyringskerneError: if the id is not CPR-shaped or its date part is invalid.
    """
    match = _CPR_SHAPE.match(citizen_id.strip())
    if match is None:
        raise StyringskerneError(
            f"citizen id {mask_id(citizen_id)!r} is not a CPR number; expected DDMMYY-SSSS"
        )
    day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    century = _century(year, int(match.group(4)[0]))
    try:
        return dt.date(century + year, month, day)
    except ValueError as error:
        raise StyringskerneError(
            f"CPR number {mask_id(citizen_id)!r} has no valid birth date (day {day}, month {month})"
        ) from error


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Age in whole years on a date (alder); the birthday itself counts as the new age.

    Examples:
        >>> age_on(dt.date(2006, 3, 1), dt.date(2024, 3, 1))
        18
    """
    if on < birth_date:
        raise StyringskerneError(
            f"date {on.isoformat()} is before the birth date; age is not defined"
        )
    years: int = relativedelta(on, birth_date).years
    return years
