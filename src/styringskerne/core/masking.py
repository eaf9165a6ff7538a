"""Masking of CPR numbers (maskering af personnumre) in ids and free text.

A CPR number (personnummer) is personal data: the library never prints one whole. This module
recognises the spellings people type and masks them as ``DDMMYY-****``; it imports nothing else
from the library, so errors, reprs and outputs can all use it.

What counts as a CPR number:

- ten digits, ``DDMMYYSSSS``, optionally split after the sixth digit by a hyphen or another dash
  (``‐ ‑ ‒ – — −``), a space, a dash with spaces around it, or a control character;
- whose day is 01–31 or, for a replacement number (erstatningspersonnummer, the CPR office's
  recommended form), 61–91, and whose month is 01–12;
- or any ten such digits after an explicit ``CPR`` prefix (``CPR``, ``CPR:``, ``CPR-nr.``,
  ``cpr nr``), whatever the date part.

So an account number such as ``5238501234`` (day 52) or a pseudonym such as ``2024000123``
(month 24) stays readable, while a mistyped CPR number with an impossible date such as 31 February
is still masked. An amount in the machine form, a point and two decimals (``1201901234.00``), is
not a CPR number; ten digits before a comma are masked, since the comma may be a delimiter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, TypeVar

__all__ = [
    "DASHES",
    "cpr_match",
    "is_cpr_shaped",
    "mask_citizen_field",
    "mask_cpr_field",
    "mask_data",
    "mask_id",
    "mask_text",
    "masked_repr",
]

DASHES: Final = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
"""Hyphen and the dash characters that word processors and exports put in a CPR number."""

_DAY: Final = r"(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
_MONTH: Final = r"(?:0[1-9]|1[0-2])"
# Between date and serial: a blank, a dash, or both, and control characters that a damaged
# export may leave there (a NUL, a tab).
_SEPARATOR: Final = rf"(?:[ \u00a0\x00-\x1f]?[{DASHES}]?[ \u00a0\x00-\x1f]?)"
_PREFIX: Final = r"(?:cpr(?:[ .\-]?nr\.?)?[ :.\-]*)"
# Not glued to other digits. Letters may touch it ('borger_0101901234.csv'): masking too much
# is safer than too little. The one exception is an amount in the machine form the library
# prints, a point and two decimals ('1201901234.00'); a comma after the digits is a field
# delimiter as often as a decimal mark, so it protects nothing.
_BEFORE: Final = r"(?<!\d)"
_AFTER: Final = r"(?!\d|\.\d\d(?![\d.,\-]))"

_DATED: Final = rf"(?P<date>{_DAY}{_MONTH}\d{{2}}){_SEPARATOR}(?P<serial>\d{{4}})"
_PREFIXED: Final = rf"(?P<ptext>{_PREFIX})(?P<pdate>\d{{6}}){_SEPARATOR}(?P<pserial>\d{{4}})"
_ANYWHERE: Final = re.compile(
    rf"{_BEFORE}(?:(?P<prefixed>{_PREFIXED})|{_DATED}){_AFTER}", flags=re.IGNORECASE
)
_WHOLE: Final = re.compile(rf"\s*(?:{_PREFIXED}|{_DATED})\s*", flags=re.IGNORECASE)
_NOISE: Final = re.compile(rf"[\s\x00-\x1f{DASHES}]")
_TEN_DIGITS: Final = re.compile(
    rf"\s*{_PREFIX}?(\d{{6}}){_SEPARATOR}\d{{4}}\s*", flags=re.IGNORECASE
)


def cpr_match(text: str) -> tuple[str, str] | None:
    """The date part and serial number when the whole text is a CPR number, else ``None``.

    Examples:
        >>> cpr_match("010190-1234"), cpr_match("CPR 010190 1234"), cpr_match("5238501234")
        (('010190', '1234'), ('010190', '1234'), None)
    """
    match = _WHOLE.fullmatch(text)
    if match is None:
        return None
    if match.group("pdate") is not None:
        return match.group("pdate"), match.group("pserial")
    return match.group("date"), match.group("serial")


def is_cpr_shaped(citizen_id: str) -> bool:
    """Whether an id is written as a CPR number (personnummer), in any accepted spelling.

    Examples:
        >>> is_cpr_shaped("010190-1234"), is_cpr_shaped("0101901234"), is_cpr_shaped("B-00017")
        (True, True, False)
        >>> is_cpr_shaped("2024000123")  # a pseudonym: month 24 is no month
        False
    """
    return cpr_match(citizen_id) is not None


def mask_id(citizen_id: str) -> str:
    """A citizen id safe to print (maskeret id): a CPR number becomes ``DDMMYY-****``.

    Examples:
        >>> mask_id("0101901234"), mask_id("010190–1234"), mask_id("B-00017")
        ('010190-****', '010190-****', 'B-00017')
    """
    match = cpr_match(citizen_id)
    if match is None:
        return citizen_id
    return f"{match[0]}-****"


def mask_cpr_field(text: str) -> str:
    """Mask a value given where a CPR number is expected, whatever its date part.

    Where the context says "this is a CPR number" (a ``cpr`` column, a CPR argument), ten digits
    are masked even when their date is impossible: a mistyped CPR number is still personal data.

    Examples:
        >>> mask_cpr_field("320190-1234"), mask_cpr_field("B-17")
        ('320190-****', 'B-17')
    """
    match = _TEN_DIGITS.fullmatch(text)
    if match is None:
        return mask_text(text)
    return f"{match.group(1)}-****"


def mask_citizen_field(text: str) -> str:
    r"""Mask a value of a citizen id column: blanks, dashes and control characters inside it are
    looked through, then the date rule decides.

    A damaged export can put a stray character inside a CPR number; in the column of citizen
    ids it is still one. A pseudonym keeps its form: the date rule leaves ``2024000123`` alone.

    Examples:
        >>> mask_citizen_field("0\x00101901234"), mask_citizen_field("2024000123")
        ('010190-****', '2024000123')
    """
    compact = _NOISE.sub("", text)
    if compact != text and cpr_match(compact) is not None:
        return mask_id(compact)
    return mask_id(text) if cpr_match(text) is not None else mask_text(text)


def _replace(match: re.Match[str]) -> str:
    if match.group("prefixed"):
        return f"{match.group('ptext')}{match.group('pdate')}-****"
    return f"{match.group('date')}-****"


def mask_text(text: str) -> str:
    """Mask every CPR number inside free text (error messages, labels, file names).

    Examples:
        >>> mask_text("citizen 010190-1234 and CPR-nr. 3102901234 in file 0101901234.csv")
        'citizen 010190-**** and CPR-nr. 310290-**** in file 010190-****.csv'
        >>> mask_text("account 5238501234, amount 1201901234.00 kr.")
        'account 5238501234, amount 1201901234.00 kr.'
    """
    return _ANYWHERE.sub(_replace, text)


def mask_data(value: object) -> object:
    """Mask every CPR number in the strings of nested dicts, lists and tuples (for JSON).

    Keys are masked too: a table by citizen is keyed by citizen id.

    Examples:
        >>> mask_data({"0101901234": {"label": "transition CPR 010190-1234", "total": "1.00"}})
        {'010190-****': {'label': 'transition CPR 010190-****', 'total': '1.00'}}
    """
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_data(key): mask_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_data(item) for item in value)
    return value


C = TypeVar("C", bound=type)


def masked_repr(cls: C) -> C:
    """Class decorator: the class's ``repr`` masks every CPR number it would show.

    Applied to every class of the library whose fields can hold ids, names or labels, so that
    no ``repr`` (in a notebook, a log or a traceback) prints a CPR number whole.
    """
    original: Callable[[object], str] = cls.__dict__.get("__repr__", cls.__repr__)

    def masked(self: object) -> str:
        return mask_text(original(self))

    masked.__name__ = "__repr__"
    masked.__qualname__ = f"{cls.__qualname__}.__repr__"
    cls.__repr__ = masked  # type: ignore[assignment]
    cls.__masked_repr__ = True  # type: ignore[attr-defined]
    return cls
