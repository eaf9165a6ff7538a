"""Exact amounts in øre (beløb i øre): parsing, arithmetic, Danish formatting, allocation.

Amounts are integers of øre, never binary floats. One rule for every parameter that means
kroner (``rate=``, ``amount=``, ``budget=``, ``price=`` …): it takes a :class:`Money`, a
``Decimal`` of kroner or a string in either the point form ``"1149.50"`` or the Danish form
``"1.149,50"``. A bare ``int`` or ``float`` is refused, because ``1149`` could mean kroner or
øre: write ``Money.of("1149")`` for kroner or ``Money(114900)`` for øre. Parameters and columns
whose names end in ``_ore`` take whole øre as ``int``. Output is formatted the Danish way
(``"1.149,50 kr."``) or as a plain decimal string (``"1149.50"``) for machines.

The largest amount is :data:`MAX_ORE` øre (int64, about 92 million billion kroner); every sum
the library forms is checked against it (:class:`AmountOverflowError`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final, TypeAlias

import attrs

from styringskerne.core.errors import AmountOverflowError, MoneyError
from styringskerne.core.limits import MAX_ORE, format_max_amount
from styringskerne.core.masking import masked_repr

__all__ = [
    "MAX_ORE",
    "Money",
    "MoneyLike",
    "bare_number_message",
    "format_max_amount",
    "round_half_even",
    "to_money",
    "to_money_mapping",
]

MoneyLike: TypeAlias = "Money | Decimal | str"
"""Accepted kroner amounts: ``Money``, ``Decimal`` kroner or a string of kroner (never a bare
number: ``1149`` could be kroner or øre)."""

_ORE_PER_KRONE: Final = 100
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_MINUS_SIGNS: Final = ("-", "\u2212")


def round_half_even(value: Fraction) -> int:
    """Round an exact fraction to the nearest integer, ties to even (bankers' rounding).

    Examples:
        >>> round_half_even(Fraction(5, 2)), round_half_even(Fraction(7, 2))
        (2, 4)
    """
    return round(value)


_UNIT_SUFFIX: Final = re.compile(r"\s*(?:kr\.?|dkk)$", flags=re.IGNORECASE)
_DIGITS_AND_MARKS: Final = re.compile(r"[0-9][0-9.,]*")


def _sign_and_body(text: str) -> tuple[bool, str]:
    """Split off the sign: a leading ``-``/``−``/``+``, a trailing ``-`` as finance systems
    export a credit (``1.149,50-``), or parentheses as accountants write one (``(1.149,50)``)."""
    # Blanks around (spaces, tabs, no-break spaces, a line break) are no part of the amount, as
    # around a date or a quantity; blanks inside it are refused below.
    body = _UNIT_SUFFIX.sub("", text.strip())
    forms = []
    if body.endswith(_MINUS_SIGNS):
        forms.append("a trailing minus")
        body = body[:-1].rstrip()
    if body.startswith("(") and body.endswith(")"):
        forms.append("parentheses")
        body = body[1:-1].strip()
    negative = bool(forms)
    if body.startswith((*_MINUS_SIGNS, "+")):
        forms.append("a leading sign")
        negative = body[0] != "+"
        body = body[1:]
    if len(forms) > 1:
        raise MoneyError(
            f"amount {text!r} has more than one sign ({' and '.join(forms)}); write one of "
            "'-1149.50', '1.149,50-' or '(1.149,50)'"
        )
    return negative, body


def _parse_amount_text(text: str) -> Fraction:
    """Kroner in a string: the last of ``.``/``,`` is the decimal mark when both occur.

    Strict on purpose: no digit separators but ``.``/``,`` in groups of three, no exponent, no
    blanks inside the number, no digits other than ASCII 0-9.
    """
    negative, cleaned = _sign_and_body(text)
    if not cleaned:
        raise MoneyError(f"amount {text!r} is empty; write kroner like '1149.50' or '1.149,50'")
    if not _DIGITS_AND_MARKS.fullmatch(cleaned):  # fullmatch: '$' would allow a final '\n'
        raise MoneyError(
            f"amount {text!r} is not a number of kroner: only the digits 0-9 with '.' or ',' "
            "are read (no blanks, '_' or exponent); write it like '1149.50' or '1.149,50'"
        )
    has_point, has_comma = "." in cleaned, "," in cleaned
    if has_point and has_comma:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif has_comma:
        decimal_mark = ","
    elif cleaned.count(".") > 1:
        decimal_mark = ""  # only thousands separators, e.g. '1.149.500'
    elif _GROUPED.match(cleaned):
        raise MoneyError(
            f"amount {text!r} is ambiguous: is '.' a decimal mark or a thousands separator? "
            "Write '1149.00' or '1.149,00' for one thousand one hundred and forty-nine kroner"
        )
    else:
        decimal_mark = "."
    if decimal_mark and decimal_mark in cleaned:
        whole, _, decimals = cleaned.rpartition(decimal_mark)
    else:
        whole, decimals = cleaned, ""
    separators = {mark for mark in ".," if mark in whole}
    if separators:
        if not _GROUPED.match(whole):
            raise MoneyError(
                f"amount {text!r}: thousands separators must group three digits, "
                "as in '1.149.500,00' or '1149500.00'"
            )
        if decimal_mark in separators:
            # '1,149,50', or both marks before the decimal mark ('1,149.500,50'): which mark
            # is the decimal mark is anyone's guess.
            raise MoneyError(
                f"amount {text!r} mixes its marks: separate the thousands with one of '.' and "
                "',' and the øre with the other, as in '1.149.500,00' or '1,149,500.00'"
            )
        whole = whole.replace(".", "").replace(",", "")
    if not whole or not whole.isdigit() or (decimals and not decimals.isdigit()):
        raise MoneyError(f"amount {text!r} is not a number; write kroner like '1149.50'")
    if len(decimals) > 2:
        raise MoneyError(
            f"amount {text!r} has more than two decimals (øre); if '{decimal_mark}' separates "
            "thousands, write it as '1149' or '1.149,00'"
        )
    value = Fraction(int(whole) * _ORE_PER_KRONE + int((decimals + "00")[:2]), _ORE_PER_KRONE)
    return -value if negative else value


@masked_repr
@attrs.frozen(order=True, repr=False)
class Money:
    """An exact amount of money in whole øre (beløb).

    Construct from ``int`` øre with ``Money(114950)`` or from any accepted input with
    :meth:`Money.of`. Expenses are positive; a negative amount is an income or a correction.

    Examples:
        >>> Money.of("1.149,50")
        Money.of('1149.50')
        >>> str(Money.of("1149.5") * 3)
        '3.448,50 kr.'
        >>> [str(part) for part in Money.of("100.00").allocate([1, 1, 1])]
        ['33,34 kr.', '33,33 kr.', '33,33 kr.']
    """

    ore: int = attrs.field()

    @ore.validator
    def _check_ore(self, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise MoneyError(
                f"'ore' must be an int number of øre (got {value!r} that is a "
                f"{type(value).__name__}); use Money.of() for kroner as Decimal or str"
            )
        if not -MAX_ORE <= value <= MAX_ORE:
            raise AmountOverflowError(
                f"amount of {value} øre is beyond the largest exact amount {format_max_amount()}"
            )

    # -- construction -------------------------------------------------------------------
    @classmethod
    def of(cls, value: MoneyLike, *, field: str = "amount") -> Money:
        """Money from ``Money``, ``Decimal`` kroner or a kroner string; a bare number is refused.

        Examples:
            >>> Money.of("1149"), Money.of(Decimal("1149.5"))
            (Money.of('1149.00'), Money.of('1149.50'))
            >>> Money.of(1149)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            styringskerne.core.errors.MoneyError: 'amount' is a bare int (1149), ...
        """
        if isinstance(value, Money):
            return value
        if isinstance(value, Decimal):
            return cls.from_kroner(value)
        if isinstance(value, str):
            return cls.parse(value)
        if isinstance(value, bool):
            raise MoneyError(f"'{field}' must be an amount, not a bool (got {value!r})")
        if isinstance(value, int | float):
            raise MoneyError(bare_number_message(field, value))
        raise MoneyError(
            f"'{field}' must be Money, Decimal kroner or a str of kroner (got {value!r} that "
            f"is a {type(value).__name__})"
        )

    @classmethod
    def parse(cls, text: str) -> Money:
        """Parse kroner written ``1149.50``, ``1.149,50``, ``1149,5`` or ``1.149,50 kr.``."""
        return cls(int(_parse_amount_text(text) * _ORE_PER_KRONE))

    @classmethod
    def from_kroner(cls, kroner: Decimal | int) -> Money:
        """Money from kroner; a ``Decimal`` with more than two decimals is an error."""
        if isinstance(kroner, Decimal) and not kroner.is_finite():
            raise MoneyError(f"amount must be finite (got {kroner!r})")
        ore = Fraction(kroner) * _ORE_PER_KRONE
        if ore.denominator != 1:
            raise MoneyError(
                f"amount {kroner} kr. is not a whole number of øre; round it first "
                "(Money.from_fraction rounds half-even)"
            )
        return cls(int(ore))

    @classmethod
    def from_fraction(cls, ore: Fraction) -> Money:
        """Money from an exact number of øre, rounded half-even to whole øre.

        Raises:
            MoneyError: for a float (or anything not an exact ``Fraction``/``int``), whose
                binary value would be rounded as it happens to be stored.
        """
        if isinstance(ore, bool) or not isinstance(ore, Fraction | int):
            raise MoneyError(
                f"Money.from_fraction takes an exact Fraction of øre (got {type(ore).__name__} "
                f"{ore!r}); write Fraction(…) or Money.of('…') for kroner"
            )
        return cls(round_half_even(ore))

    @classmethod
    def zero(cls) -> Money:
        """Nothing (nul kroner)."""
        return cls(0)

    @classmethod
    def total(cls, amounts: Iterable[Money]) -> Money:
        """The exact sum of amounts (``Money.zero()`` when empty)."""
        return cls(sum(amount.ore for amount in amounts))

    # -- conversion ---------------------------------------------------------------------
    @property
    def kroner(self) -> Decimal:
        """The amount in kroner as an exact ``Decimal`` with two decimals."""
        return Decimal(self.ore).scaleb(-2)

    def to_string(self) -> str:
        """Machine form with a point and two decimals, e.g. ``'-1149.50'`` (for JSON and CSV)."""
        sign = "-" if self.ore < 0 else ""
        whole, ore = divmod(abs(self.ore), _ORE_PER_KRONE)
        return f"{sign}{whole}.{ore:02d}"

    def format_danish(self, *, unit: str = " kr.", overspend_negative: bool = False) -> str:
        """Danish presentation, e.g. ``'1.149,50 kr.'``.

        Args:
            unit: text after the number (``""`` for none).
            overspend_negative: print the sign flipped, the way many Danish reports show an
                overspend as negative (presentation only; the stored sign never changes).
        """
        ore = -self.ore if overspend_negative else self.ore
        sign = "-" if ore < 0 else ""
        whole, rest = divmod(abs(ore), _ORE_PER_KRONE)
        return f"{sign}{whole:,}".replace(",", ".") + f",{rest:02d}{unit}"

    def __str__(self) -> str:
        return self.format_danish()

    def __repr__(self) -> str:
        return f"Money.of('{self.to_string()}')"

    # -- arithmetic ---------------------------------------------------------------------
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.ore + other.ore)

    def __radd__(self, other: object) -> Money:
        # Lets the builtin sum() start from 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.ore - other.ore)

    def __neg__(self) -> Money:
        return Money(-self.ore)

    def __abs__(self) -> Money:
        return Money(abs(self.ore))

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(self.ore * factor)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.ore != 0

    def multiply(self, factor: Fraction | Decimal | int) -> Money:
        """Multiply by an exact factor, rounding the result half-even to whole øre."""
        return Money.from_fraction(Fraction(self.ore) * Fraction(factor))

    def allocate(self, weights: Sequence[int | Fraction | Decimal]) -> tuple[Money, ...]:
        """Split the amount over parts by weights, exactly (fordeling efter nøgle).

        Largest remainder: every part gets its share rounded down, and the øre left over go
        one each to the parts with the largest remainders (ties to the earlier part). The
        parts always add up to the whole amount.

        Raises:
            MoneyError: if a weight is negative or all weights are zero.
        """
        shares = [Fraction(weight) for weight in weights]
        if not shares:
            raise MoneyError("allocate needs at least one weight")
        for index, share in enumerate(shares):
            if share < 0:
                raise MoneyError(f"weight {index} is negative ({share}); weights must be >= 0")
        whole = sum(shares, Fraction(0))
        if whole == 0:
            raise MoneyError("allocate needs at least one weight above zero")
        sign = -1 if self.ore < 0 else 1
        exact = [abs(self.ore) * share / whole for share in shares]
        parts = [int(value) for value in exact]  # floor: all values are >= 0
        left_over = abs(self.ore) - sum(parts)
        by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
        for index in by_remainder[:left_over]:
            parts[index] += 1
        return tuple(Money(sign * part) for part in parts)


def bare_number_message(field: str, value: int | float) -> str:
    """Why a bare number is refused as an amount, with both unambiguous spellings."""
    kind = type(value).__name__
    if isinstance(value, float):
        return (
            f"'{field}' is a bare float ({value!r}): binary floats are not exact amounts; "
            f'write kroner as text or Decimal, e.g. Money.of("{value:.2f}")'
        )
    return (
        f"'{field}' is a bare {kind} ({value!r}), which could mean kroner or øre; write "
        f'Money.of("{value}") for {value} kr. or Money({value}) for {value} øre'
    )


def to_money(value: MoneyLike) -> Money:
    """Converter for attrs fields: :meth:`Money.of` as a plain function."""
    return Money.of(value)


def to_money_mapping(values: Mapping[str, MoneyLike]) -> Mapping[str, Money]:
    """Amounts by name (a budget per sub-area, a frame per provider) as a read-only mapping,
    sorted by name, every value read by the one amount rule of :meth:`Money.of`.

    Examples:
        >>> dict(to_money_mapping({"5.38.52": "300.000,00", "5.38.50": Money(100)}))
        {'5.38.50': Money.of('1.00'), '5.38.52': Money.of('300000.00')}
    """
    return MappingProxyType(
        {
            name: Money.of(value, field=f"amount for {name}")
            for name, value in sorted(values.items())
        }
    )
