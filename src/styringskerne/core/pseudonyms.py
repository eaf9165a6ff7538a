"""Pseudonyms for citizens (pseudonymisering) in files that leave the library.

A masked CPR number (``010190-****``) hides the person but not the birth date, and two citizens
born on one day look alike. A file for the finance system needs one stable token per citizen
that says nothing about the person: a :class:`Pseudonymiser` gives ``P-`` and 16 hexadecimal
digits of a keyed hash (HMAC-SHA-256) of the citizen's normalised id.

The key is the municipality's secret. With the same key, a citizen has the same pseudonym in
every file, so postings can be summed per citizen across months; without the key, the
pseudonym cannot be turned back into the CPR number by trying every birth date and serial
number (an unkeyed hash could: there are fewer than 400 million CPR numbers). Without a key
given, a random one is drawn: the pseudonyms then hold within one file only.

64 bits make a collision between two of the 6 million people in Denmark about one in a million
(the birthday bound n²/2⁶⁵).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Final

import attrs

from styringskerne.core.cpr import normalise_citizen_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr

__all__ = ["KEY_VARIABLE", "MINIMUM_KEY_BYTES", "Pseudonymiser"]

KEY_VARIABLE: Final = "STYRINGSKERNE_PSEUDONYM_KEY"
"""Environment variable that may hold the key (text), so it never stands on a command line."""
MINIMUM_KEY_BYTES: Final = 16
"""A shorter key could be guessed; 16 bytes (128 bits) is the floor."""


def _check_key(instance: object, attribute: attrs.Attribute[bytes], value: object) -> None:
    if not isinstance(value, bytes):
        raise StyringskerneError("a pseudonym key must be bytes")
    if len(value) < MINIMUM_KEY_BYTES:
        raise StyringskerneError(
            f"a pseudonym key must have at least {MINIMUM_KEY_BYTES} bytes (got {len(value)}); "
            "make one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )


@masked_repr
@attrs.frozen
class Pseudonymiser:
    """Stable pseudonyms for citizen ids under a secret key (pseudonymisering).

    Attributes:
        key: the secret (at least 16 bytes); never shown in ``repr``.

    Examples:
        >>> pseudonym = Pseudonymiser(b"the municipality's own secret key")
        >>> pseudonym("010190-1234") == pseudonym("0101901234")
        True
        >>> pseudonym("010190-1234").startswith("P-"), len(pseudonym("B-1"))
        (True, 18)
    """

    key: bytes = attrs.field(repr=False, validator=_check_key)

    @classmethod
    def random(cls) -> Pseudonymiser:
        """A pseudonymiser with a fresh random key: pseudonyms hold within one run only."""
        return cls(secrets.token_bytes(32))

    @classmethod
    def from_text(cls, key: str) -> Pseudonymiser:
        """A pseudonymiser from a key written as text (its UTF-8 bytes, blanks around cut)."""
        return cls(key.strip().encode("utf-8"))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Pseudonymiser:
        """A pseudonymiser from a key file (its text).

        Raises:
            StyringskerneError: naming the file when it cannot be read or the key is short.
        """
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise StyringskerneError(
                f"cannot read the pseudonym key file {Path(path).name!r}: "
                f"{getattr(error, 'strerror', None) or error}"
            ) from None
        return cls.from_text(text)

    @classmethod
    def from_environment(cls) -> Pseudonymiser | None:
        """The pseudonymiser of the key in :data:`KEY_VARIABLE`, or ``None`` if it is unset."""
        key = os.environ.get(KEY_VARIABLE, "")
        return cls.from_text(key) if key.strip() else None

    def __call__(self, citizen_id: str) -> str:
        """The pseudonym of a citizen id; spellings of one CPR number share it."""
        message = normalise_citizen_id(citizen_id).strip().encode("utf-8")
        digest = hmac.new(self.key, message, hashlib.sha256).hexdigest()
        return f"P-{digest[:16]}"
