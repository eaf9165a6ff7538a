"""Birth dates and birthdays of many citizens at once (fødselsdato og fødselsdag), on arrays.

The scalar rules live in :mod:`styringskerne.core.cpr` (``cpr_birth_date``, ``birthday``);
these are the same rules on numpy arrays of day
numbers, for a ledger's hundreds of thousands of citizens, so that no Python loop runs per
citizen. The tests hold both to the same answers.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from styringskerne.core.cpr import cpr_birth_date

__all__ = ["NO_DAY", "birth_day_numbers", "birthday_numbers"]

NO_DAY: Final = np.iinfo(np.int64).min
"""The day number of an unknown date (the ledger's ``NO_BIRTH_DATE``)."""
_ZERO: Final = ord("0")
_DASH: Final = ord("-")
_DIGITS: Final = (0, 1, 2, 3, 4, 5, 7, 8, 9, 10)


def birth_day_numbers(citizen_ids: NDArray[Any]) -> NDArray[np.int64]:
    """Birth day numbers of citizen ids in the ledger's CPR spelling ``DDMMYY-SSSS``.

    The century comes from the first digit of the serial number, a day raised by 60 marks a
    replacement number (erstatningspersonnummer), as in
    :func:`~styringskerne.core.cpr.cpr_birth_date`. Ids that are not CPR numbers (pseudonyms)
    get :data:`NO_DAY`.

    Raises:
        StyringskerneError: for a CPR-shaped id whose date part is not a date (masked).

    Examples:
        >>> days = birth_day_numbers(np.array(["010190-1234", "B-7", "290200-4000"]))
        >>> days.astype("datetime64[D]")[[0, 2]].tolist()
        [datetime.date(1990, 1, 1), datetime.date(2000, 2, 29)]
        >>> bool(days[1] == NO_DAY)
        True
    """
    ids = np.asarray(citizen_ids).astype(np.str_)
    result = np.full(ids.size, NO_DAY, dtype=np.int64)
    width = ids.dtype.itemsize // 4
    if ids.size == 0 or width < 11:
        return result
    points = np.ascontiguousarray(ids.ravel()).view(np.uint32).reshape(ids.size, width)
    # Only ids of eleven characters with a dash after six can be CPR numbers: the digits are
    # read for those alone (a ledger of pseudonyms costs one pass over the ids).
    maybe = np.flatnonzero((points[:, 6] == _DASH) & (np.char.str_len(ids.ravel()) == 11))
    if maybe.size == 0:
        return result
    digits = points[maybe, :11].astype(np.int64) - _ZERO
    shaped = ((digits[:, _DIGITS] >= 0) & (digits[:, _DIGITS] <= 9)).all(axis=1)
    day = digits[:, 0] * 10 + digits[:, 1]
    month = digits[:, 2] * 10 + digits[:, 3]
    year = digits[:, 4] * 10 + digits[:, 5]
    serial = digits[:, 7]
    # The shapes masking treats as CPR: day 01–31 or 61–91, month 01–12.
    shaped &= (((day >= 1) & (day <= 31)) | ((day >= 61) & (day <= 91))) & (month >= 1)
    shaped &= month <= 12
    day = np.where(day > 60, day - 60, day)
    century = np.where(
        serial <= 3,
        1900,
        np.where(
            (serial == 4) | (serial == 9),
            np.where(year <= 36, 2000, 1900),
            np.where(year <= 57, 2000, 1800),
        ),
    )
    month_index = (century + year - 1970) * 12 + month - 1
    first = month_index.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    following = (month_index + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    valid = shaped & (day <= following - first)
    invalid = maybe[shaped & ~valid]
    if invalid.size:
        cpr_birth_date(str(ids.ravel()[invalid[0]]))  # raises with the number masked
    result[maybe[valid]] = first[valid] + day[valid] - 1
    return result


def birthday_numbers(birth_days: NDArray[np.int64], age: int) -> NDArray[np.int64]:
    """The day number each person turns ``age`` (fødselsdag).

    A 29 February birthday counts from 1 March in a year without it, as
    :func:`~styringskerne.core.cpr.birthday`. Unknown birth days (:data:`NO_DAY`) give
    :data:`NO_DAY`.

    Examples:
        >>> born = np.array(["2004-02-29", "1990-06-15"], dtype="datetime64[D]").astype(np.int64)
        >>> birthday_numbers(born, 67).astype("datetime64[D]").tolist()
        [datetime.date(2071, 3, 1), datetime.date(2057, 6, 15)]
    """
    days = np.asarray(birth_days, dtype=np.int64)
    known = days != NO_DAY
    if not known.any():
        return np.full(days.shape, NO_DAY, dtype=np.int64)
    dates = np.where(known, days, 0).astype("datetime64[D]")
    month_index = dates.astype("datetime64[M]").astype(np.int64)
    day_of_month = np.where(known, days, 0) - month_index.astype("datetime64[M]").astype(
        "datetime64[D]"
    ).astype(np.int64)
    target = month_index + 12 * age
    first = target.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    following = (target + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    # Only 29 February can miss its month: it moves to 1 March, the next month's first day.
    result = np.where(day_of_month < following - first, first + day_of_month, following)
    return np.where(known, result, NO_DAY)
