"""CPR numbers (personnummer): form, birth date by the century rules, age and masking.

A CPR number is personal data. The library never prints one whole: :func:`mask_id` turns it
into ``DDMMYY-****`` in every ``repr``, log line, error message and output. Pseudonymous ids
(anything not CPR-shaped) pass through unchanged. Birth date and age come only from
:func:`cpr_birth_date` and :func:`age_on`.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import (
    cpr_match,
    is_cpr_shaped,
    mask_cpr_field,
    mask_id,
    mask_text,
)

__all__ = [
    "age_on",
    "birthday",
    "cpr_birth_date",
    "is_cpr_shaped",
    "mask_id",
    "mask_text",
    "normalise_citizen_id",
    "normalise_cpr",
]


def normalise_citizen_id(citizen_id: str) -> str:
    """One spelling per citizen (normaliseret borger-id): a CPR number becomes ``DDMMYY-SSSS``.

    ``0101901234``, ``010190-1234``, ``010190–1234`` (another dash), ``010190 1234`` and
    ``CPR 010190-1234`` are one citizen. An id that is not a CPR number (a pseudonym) is returned
    exactly as given, surrounding blanks included.

    Examples:
        >>> normalise_citizen_id("0101901234"), normalise_citizen_id("CPR 010190 1234")
        ('010190-1234', '010190-1234')
        >>> normalise_citizen_id("2024000123")
        '2024000123'
    """
    match = cpr_match(citizen_id)
    if match is None:
        return citizen_id
    return f"{match[0]}-{match[1]}"


def normalise_cpr(citizen_id: str) -> str:
    """Validate a CPR number and return it as ``DDMMYY-SSSS``.

    Raises:
        StyringskerneError: if it is not a CPR number or its date part is not a date (the
            message shows the number masked).
    """
    cpr_birth_date(citizen_id)
    return normalise_citizen_id(citizen_id)


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
    match = cpr_match(citizen_id)
    if match is None:
        raise StyringskerneError(
            f"citizen id {mask_cpr_field(citizen_id)!r} is not a CPR number; expected DDMMYY-SSSS"
        )
    date, serial = match
    day, month, year = int(date[:2]), int(date[2:4]), int(date[4:])
    if day > 60:  # a replacement number (erstatningspersonnummer): the day is raised by 60
        day -= 60
    century = _century(year, int(serial[0]))
    try:
        return dt.date(century + year, month, day)
    except ValueError as error:
        raise StyringskerneError(
            f"CPR number {mask_cpr_field(citizen_id)!r} has no valid birth date "
            f"(day {day}, month {month})"
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


def birthday(birth_date: dt.date, age: int) -> dt.date:
    """The day a person turns ``age`` (fødselsdag); a 29 February birthday counts from 1 March.

    Examples:
        >>> birthday(dt.date(2004, 2, 29), 67)
        datetime.date(2071, 3, 1)
    """
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return dt.date(birth_date.year + age, 3, 1)
