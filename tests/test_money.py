"""Money: exact øre, both number forms, Danish formatting, allocation (DOMAIN § 2)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import Money, MoneyError
from tests.strategies import money_ore


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("1149.50", 114950),
        ("1.149,50", 114950),
        ("1149,5", 114950),
        ("1.149,50 kr.", 114950),
        ("-352.000,00", -35200000),
        ("−267.000,00", -26700000),
        ("1.149.500", 114950000),
        ("1,149,500.25", 114950025),
        ("0,07", 7),
        ("2498", 249800),
    ],
)
def test_parse_accepts_both_forms(text: str, ore: int) -> None:
    assert Money.parse(text) == Money(ore)


# A lone '.' followed by three digits could be Danish thousands or a decimal point: rejected.
@pytest.mark.parametrize("text", ["1.149", "-352.000", "12,345", "abc", "", "1.14.9,00", "1,2.3"])
def test_parse_rejects_ambiguous_or_bad_text(text: str) -> None:
    with pytest.raises(MoneyError, match=repr(text).replace(".", r"\.") if text else "empty"):
        Money.parse(text)


def test_of_accepts_decimal_and_str_but_no_bare_number() -> None:
    assert Money.of(Decimal("1149.50")) == Money(114950) == Money.of("1.149,50")
    with pytest.raises(MoneyError, match="binary floats"):
        Money.of(1149.5)  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match=r'Money.of\("1149"\) for 1149 kr. or Money\(1149\)'):
        Money.of(1149)  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match="whole number of øre"):
        Money.of(Decimal("1.005"))
    with pytest.raises(MoneyError, match="'ore' must be an int"):
        Money("100")  # type: ignore[arg-type]


def test_danish_formatting_and_machine_form() -> None:
    amount = Money.of("-1.234.567,89")
    assert str(amount) == "-1.234.567,89 kr."
    assert amount.to_string() == "-1234567.89"
    assert amount.format_danish(overspend_negative=True) == "1.234.567,89 kr."
    assert repr(Money(5)) == "Money.of('0.05')"


@given(money_ore)
def test_formats_round_trip(ore: int) -> None:
    amount = Money(ore)
    assert Money.parse(str(amount)) == amount
    assert Money.parse(amount.to_string()) == amount
    assert Money.of(amount.kroner) == amount


@given(money_ore, money_ore, st.integers(-1000, 1000))
def test_arithmetic_is_exact(a: int, b: int, factor: int) -> None:
    assert (Money(a) + Money(b)).ore == a + b
    assert (Money(a) - Money(b)).ore == a - b
    assert (Money(a) * factor).ore == a * factor
    assert sum([Money(a), Money(b)]) == Money(a + b)
    assert Money.total([Money(a), Money(b)]) == Money(a + b)


@given(money_ore, st.lists(st.integers(0, 1000), min_size=1, max_size=12).filter(any))
def test_allocation_adds_up_to_the_whole(ore: int, weights: list[int]) -> None:
    parts = Money(ore).allocate(weights)
    assert sum(part.ore for part in parts) == ore
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(ore * weight, sum(weights))
        assert abs(part.ore - exact) < 1
        if weight == 0:
            assert part == Money(0)


def test_allocation_errors() -> None:
    with pytest.raises(MoneyError, match="above zero"):
        Money(100).allocate([0, 0])
    with pytest.raises(MoneyError, match="negative"):
        Money(100).allocate([1, -1])


def test_multiply_rounds_half_even() -> None:
    assert Money(5).multiply(Fraction(1, 2)) == Money(2)
    assert Money(7).multiply(Fraction(1, 2)) == Money(4)


@given(money_ore)
def test_repr_round_trips(ore: int) -> None:
    money = Money(ore)
    assert eval(repr(money), {"Money": Money}) == money  # the repr is code that rebuilds it
    assert repr(Money(114950)) == "Money.of('1149.50')"
