"""One error hierarchy for the library (fejltyper).

Every error is a ``ValueError`` so that callers who only know the standard library still catch
it, and every message names the offending field, row or id and what would be valid.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from styringskerne.core.masking import mask_text, masked_repr

__all__ = [
    "AmountOverflowError",
    "DispositionError",
    "ImportFailedError",
    "MoneyError",
    "RowError",
    "SourceError",
    "StyringskerneError",
    "TariffError",
]


class StyringskerneError(ValueError):
    """Root of all errors raised by styringskerne (fejl i styringskerne).

    Its message never holds a CPR number whole: every text argument is masked when the error is
    made, so a traceback, a log line or ``str(error)`` cannot leak one.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(mask_text(arg) if isinstance(arg, str) else arg for arg in args))


class MoneyError(StyringskerneError):
    """An amount that cannot be represented exactly in øre (ugyldigt beløb)."""


class AmountOverflowError(MoneyError):
    """An amount or sum beyond the largest exact amount (beløb for stort), never wrapped."""


class SourceError(StyringskerneError):
    """A file that cannot be read at all (fil kan ikke læses): missing, a folder, not allowed,
    or not text in its encoding. Row problems are :class:`RowError` instead."""


class TariffError(StyringskerneError):
    """An invalid tariff or price segment (ugyldig takst)."""


class DispositionError(StyringskerneError):
    """An invalid disposition (ugyldig disposition): overlaps, bad dates or probability."""


@masked_repr
@attrs.frozen(kw_only=True)
class RowError:
    """One rejected row of an import (fejl i række).

    Attributes:
        line: 1-based line number in the file (the header is line 1).
        column: the column that is wrong, or ``""`` when the whole row is.
        reason: what is wrong and what would be valid; CPR numbers in it are masked.
    """

    line: int
    column: str
    reason: str = attrs.field(converter=mask_text)

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.reason}"


class ImportFailedError(StyringskerneError):
    """An import in which one or more rows were rejected (indlæsning fejlede).

    Carries every :class:`RowError`, so one bad row never hides another.
    """

    def __init__(self, source: str, errors: Iterable[RowError]) -> None:
        self.source = source
        self.errors: tuple[RowError, ...] = tuple(errors)
        lines = "\n".join(f"  {error}" for error in self.errors)
        super().__init__(f"{source}: {len(self.errors)} row error(s):\n{lines}")
