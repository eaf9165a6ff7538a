"""Shared hypothesis strategies for the domain (the attrs house style: one place for them)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import strategies as st

from styringskerne import Disposition, Money, PriceSegment, Unit

YEARS = st.integers(min_value=2022, max_value=2026)
DATES = st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2026, 12, 31))
SERVICES = st.sampled_from(["SEL85", "SEL107", "SEL108", "ABL105", "SEL104"])
CITIZENS = st.sampled_from(["B-1", "B-2", "B-3", "010190-1234", "311299-4321"])
PROVIDERS = st.sampled_from(["Bofællesskabet", "Egen bostøtte", "Region"])

money_ore = st.integers(min_value=-(10**9), max_value=10**9)
rates = st.integers(min_value=-1_000_000, max_value=5_000_000)  # corrections may be negative
quantities = st.one_of(
    st.just(Fraction(1)),
    st.integers(min_value=0, max_value=40).map(Fraction),
    st.fractions(min_value=0, max_value=40, max_denominator=4),
)
probabilities = st.one_of(
    st.just(Fraction(1)),
    st.sampled_from([Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(0)]),
    st.fractions(min_value=0, max_value=1, max_denominator=100),
)
units = st.sampled_from(list(Unit))


@st.composite
def segments(draw: st.DrawFn, start: dt.date | None = None) -> PriceSegment:
    """One price segment, sometimes open-ended."""
    first = start if start is not None else draw(DATES)
    length = draw(st.integers(min_value=0, max_value=500))
    end = None if draw(st.integers(0, 5)) == 0 else first + dt.timedelta(days=length)
    return PriceSegment(
        start=first,
        end=end,
        rate=Money(draw(rates)),
        unit=draw(units),
        quantity=draw(quantities),
    )


@st.composite
def dispositions(draw: st.DrawFn, index: int | None = None) -> Disposition:
    """A disposition of one to three consecutive (possibly gapped) price segments."""
    count = draw(st.integers(min_value=1, max_value=3))
    first = draw(DATES)
    parts: list[PriceSegment] = []
    for position in range(count):
        segment = draw(segments(start=first))
        if position < count - 1 and segment.end is None:
            segment = PriceSegment(
                start=segment.start,
                end=segment.start + dt.timedelta(days=draw(st.integers(0, 400))),
                rate=segment.rate,
                unit=segment.unit,
                quantity=segment.quantity,
            )
        parts.append(segment)
        if segment.end is None:
            break
        first = segment.end + dt.timedelta(days=draw(st.integers(1, 60)))
    return Disposition(
        id=f"D{index if index is not None else draw(st.integers(0, 10**6))}",
        citizen_id=draw(CITIZENS),
        service=draw(SERVICES),
        provider=draw(PROVIDERS),
        segments=tuple(parts),
        probability=draw(probabilities),
    )


@st.composite
def disposition_lists(draw: st.DrawFn, max_size: int = 6) -> list[Disposition]:
    """Several dispositions with distinct ids."""
    size = draw(st.integers(min_value=1, max_value=max_size))
    return [draw(dispositions(index=index)) for index in range(size)]
