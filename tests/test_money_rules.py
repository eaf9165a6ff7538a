"""The amount rules of ``core.money`` pinned word for word: every accepted form with its øre,
every refused form with the exact message a user reads, the allocation's largest remainder and
the Danish formatting. Each expected value is written out by hand here."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from styringskerne import Money
from styringskerne.core.errors import AmountOverflowError, MoneyError
from styringskerne.core.limits import MAX_ORE, format_max_amount
from styringskerne.core.money import to_money_mapping

_HOW = "write kroner like '1149.50' or '1.149,50'"
_NOT_DIGITS = (
    "is not a number of kroner: only the digits 0-9 with '.' or ',' are read (no blanks, '_' "
    "or exponent); write it like '1149.50' or '1.149,50'"
)
_SIGNS = "write one of '-1149.50', '1.149,50-' or '(1.149,50)'"


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("1149.50", 114950),
        ("1.149,50", 114950),
        ("1149,5", 114950),
        ("1149", 114900),
        ("1.149.500", 114950000),
        ("1,149.50", 114950),  # the last mark is the decimal mark
        ("1,149,500.50", 114950050),
        ("1.149.500,50", 114950050),
        (" \t1.149,50\u00a0", 114950),  # blanks, tabs and no-break spaces around
        ("1149.50\n", 114950),  # a line break around, as around a date or a quantity
        ("1149.50\n-", -114950),
        ("1.149,50 kr.", 114950),
        ("1.149,50 KR", 114950),
        ("1.149,50 DKK", 114950),
        ("1.149,50-", -114950),  # a credit as finance systems export it
        ("1.149,50 -", -114950),
        ("1.149,50\u00a0-", -114950),
        ("1.149,50\u2212", -114950),  # a true minus sign, trailing
        ("(1.149,50)", -114950),
        ("(1.149,51)", -114951),
        ("( 1.149,50\u00a0)", -114950),
        ("-1149.50", -114950),
        ("\u22121149.50", -114950),
        ("+1149.50", 114950),
        ("0,05", 5),
    ],
)
def test_every_accepted_form_reads_its_ore(text: str, ore: int) -> None:
    assert Money.of(text).ore == ore


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"amount '' is empty; {_HOW}"),
        (" kr.", f"amount ' kr.' is empty; {_HOW}"),
        ("1149.50\n5", f"amount '1149.50\\n5' {_NOT_DIGITS}"),  # a blank inside
        ("X1.149,50X", f"amount 'X1.149,50X' {_NOT_DIGITS}"),
        ("1149.50X-", f"amount '1149.50X-' {_NOT_DIGITS}"),
        ("1149.50 5-", f"amount '1149.50 5-' {_NOT_DIGITS}"),
        ("(1149.50", f"amount '(1149.50' {_NOT_DIGITS}"),
        ("1149.50)", f"amount '1149.50)' {_NOT_DIGITS}"),
        ("1e3", f"amount '1e3' {_NOT_DIGITS}"),
        (",50", f"amount ',50' {_NOT_DIGITS}"),
        ("1 149,50", f"amount '1 149,50' {_NOT_DIGITS}"),
        ("\u0661\u0662", f"amount '\u0661\u0662' {_NOT_DIGITS}"),
        (
            "(1.149,50)-",
            "amount '(1.149,50)-' has more than one sign (a trailing minus and parentheses); "
            + _SIGNS,
        ),
        (
            "(-1.149,50)",
            "amount '(-1.149,50)' has more than one sign (parentheses and a leading sign); "
            + _SIGNS,
        ),
        (
            "-1.149,50-",
            "amount '-1.149,50-' has more than one sign (a trailing minus and a leading sign); "
            + _SIGNS,
        ),
        (
            "1.149",
            "amount '1.149' is ambiguous: is '.' a decimal mark or a thousands separator? Write "
            "'1149.00' or '1.149,00' for one thousand one hundred and forty-nine kroner",
        ),
        (
            "1.14.50",
            "amount '1.14.50': thousands separators must group three digits, as in "
            "'1.149.500,00' or '1149500.00'",
        ),
        (
            "11.49,50",
            "amount '11.49,50': thousands separators must group three digits, as in "
            "'1.149.500,00' or '1149500.00'",
        ),
        (
            "1,149.500,50",
            "amount '1,149.500,50' mixes its marks: separate the thousands with one of '.' and "
            "',' and the øre with the other, as in '1.149.500,00' or '1,149,500.00'",
        ),
        (
            "1.149,500.50",
            "amount '1.149,500.50' mixes its marks: separate the thousands with one of '.' and "
            "',' and the øre with the other, as in '1.149.500,00' or '1,149,500.00'",
        ),
        (
            "1,149,50",
            "amount '1,149,50' mixes its marks: separate the thousands with one of '.' and "
            "',' and the øre with the other, as in '1.149.500,00' or '1,149,500.00'",
        ),
        (
            "1149.505",
            "amount '1149.505' has more than two decimals (øre); if '.' separates thousands, "
            "write it as '1149' or '1.149,00'",
        ),
        (
            "1149,505",
            "amount '1149,505' has more than two decimals (øre); if ',' separates thousands, "
            "write it as '1149' or '1.149,00'",
        ),
    ],
)
def test_every_refused_form_says_why_word_for_word(text: str, message: str) -> None:
    with pytest.raises(MoneyError) as caught:
        Money.of(text)
    assert str(caught.value) == message


def test_bare_numbers_and_other_types_are_refused_with_the_spellings_to_use() -> None:
    with pytest.raises(MoneyError) as caught:
        Money.of(1149)
    assert str(caught.value) == (
        "'amount' is a bare int (1149), which could mean kroner or øre; write "
        'Money.of("1149") for 1149 kr. or Money(1149) for 1149 øre'
    )
    with pytest.raises(MoneyError) as caught:
        Money.of(1149.5, field="rate")
    assert str(caught.value) == (
        "'rate' is a bare float (1149.5): binary floats are not exact amounts; write kroner "
        'as text or Decimal, e.g. Money.of("1149.50")'
    )
    with pytest.raises(MoneyError) as caught:
        Money.of(True)
    assert str(caught.value) == "'amount' must be an amount, not a bool (got True)"
    with pytest.raises(MoneyError) as caught:
        Money.of([1])  # type: ignore[arg-type]
    assert str(caught.value) == (
        "'amount' must be Money, Decimal kroner or a str of kroner (got [1] that is a list)"
    )
    with pytest.raises(MoneyError) as caught:
        to_money_mapping({"5.38.50": 100})  # type: ignore[dict-item]
    assert str(caught.value).startswith("'amount for 5.38.50' is a bare int (100)")


def test_whole_ore_only_and_the_largest_amount() -> None:
    with pytest.raises(MoneyError) as caught:
        Money(1.5)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "'ore' must be an int number of øre (got 1.5 that is a float); use Money.of() for "
        "kroner as Decimal or str"
    )
    with pytest.raises(MoneyError, match="got True that is a bool"):
        Money(True)
    assert Money(MAX_ORE).ore == MAX_ORE
    assert Money(-MAX_ORE).ore == -MAX_ORE
    for beyond in (MAX_ORE + 1, -MAX_ORE - 1):
        with pytest.raises(AmountOverflowError) as caught:
            Money(beyond)
        assert str(caught.value) == (
            f"amount of {beyond} øre is beyond the largest exact amount {format_max_amount()}"
        )
    with pytest.raises(MoneyError) as caught:
        Money.from_kroner(Decimal("NaN"))
    assert str(caught.value) == "amount must be finite (got Decimal('NaN'))"
    with pytest.raises(MoneyError) as caught:
        Money.from_kroner(Decimal("1.005"))
    assert str(caught.value) == (
        "amount 1.005 kr. is not a whole number of øre; round it first (Money.from_fraction "
        "rounds half-even)"
    )
    assert Money.from_kroner(12) == Money(1200)
    with pytest.raises(MoneyError) as caught:
        Money.from_fraction(1.5)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "Money.from_fraction takes an exact Fraction of øre (got float 1.5); write Fraction(…) "
        "or Money.of('…') for kroner"
    )
    with pytest.raises(MoneyError, match="got bool True"):
        Money.from_fraction(True)  # type: ignore[arg-type]
    assert Money.from_fraction(7) == Money(7)
    assert Money.from_fraction(Fraction(5, 2)) == Money(2)  # the tie to the even øre


@pytest.mark.parametrize(
    ("ore", "weights", "parts"),
    [
        (100, [1, 1, 1], (34, 33, 33)),  # the øre left over to the earlier part on a tie
        (-100, [1, 1, 1], (-34, -33, -33)),  # a negative amount splits as its magnitude
        (1, [1, 1], (1, 0)),
        (2, [1, 1, 1], (1, 1, 0)),
        (10, [1, 2], (3, 7)),  # 3⅓ and 6⅔: the larger remainder gets the øre
        (10, [2, 1], (7, 3)),
        (10, [Fraction(13, 5), Fraction(37, 5)], (3, 7)),  # 2,6 and 7,4: by remainder, not size
        (10, [0, 1], (0, 10)),
        (7, [Fraction(1, 2), Decimal("0.25"), 0.25], (3, 2, 2)),  # 3½, 1¾, 1¾: the ¾s first
        (0, [1, 3], (0, 0)),
    ],
)
def test_allocation_by_largest_remainder(ore: int, weights: list, parts: tuple) -> None:
    got = Money(ore).allocate(weights)
    assert tuple(part.ore for part in got) == parts
    assert sum(parts) == ore


def test_allocation_refuses_no_weight_a_negative_weight_and_only_zeros() -> None:
    for weights, message in (
        ([], "allocate needs at least one weight"),
        ([1, -1], "weight 1 is negative (-1); weights must be >= 0"),
        ([0, 0], "allocate needs at least one weight above zero"),
    ):
        with pytest.raises(MoneyError) as caught:
            Money(100).allocate(weights)
        assert str(caught.value) == message


def test_danish_and_machine_forms() -> None:
    assert str(Money(123456789)) == "1.234.567,89 kr."
    assert Money(-114950).format_danish() == "-1.149,50 kr."
    assert Money(5).format_danish(unit="") == "0,05"
    assert Money(114950).format_danish(overspend_negative=True) == "-1.149,50 kr."
    assert Money(-114950).format_danish(overspend_negative=True) == "1.149,50 kr."
    assert Money(-5).to_string() == "-0.05"
    assert Money(114950).to_string() == "1149.50"
    assert repr(Money(-5)) == "Money.of('-0.05')"
    assert Money(-5).kroner == Decimal("-0.05")


def test_arithmetic_stays_in_money() -> None:
    assert sum([Money(1), Money(2)]) == Money(3)
    assert 0 + Money(1) == Money(1)
    assert 3 * Money(2) == Money(6)
    assert Money(2) * 3 == Money(6)
    assert Money(5) - Money(7) == Money(-2)
    assert -Money(5) == Money(-5)
    assert abs(Money(-5)) == Money(5)
    assert not Money(0)
    assert Money(1)
    assert Money.total([]) == Money.zero() == Money(0)
    assert Money(3).multiply(Fraction(1, 2)) == Money(2)  # 1½ to the even 2
    assert Money(5).multiply(Decimal("0.5")) == Money(2)  # 2½ to the even 2
    for bad in (
        lambda: True + Money(1),  # type: ignore[operator]
        lambda: 1 + Money(1),  # type: ignore[operator]
        lambda: 0.0 + Money(1),  # type: ignore[operator]
        lambda: Money(1) + 1,  # type: ignore[operator]
        lambda: Money(1) - 1,  # type: ignore[operator]
        lambda: Money(1) * True,
        lambda: Money(1) * 1.5,  # type: ignore[operator]
    ):
        with pytest.raises(TypeError):
            bad()
