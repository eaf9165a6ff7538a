"""The largest exact amount (største beløb) that the library holds, in øre."""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_ORE", "format_max_amount"]

MAX_ORE: Final = 2**62 - 1
"""The largest amount in øre (største beløb): 46.116.860.184.273.879,03 kr., for one amount and
for every sum. Half the int64 range, so that a bound the engine estimates in float64 still
leaves room before int64 would wrap; anything beyond is an :class:`AmountOverflowError`."""


def format_max_amount() -> str:
    """:data:`MAX_ORE` as a controller reads it: ``'46.116.860.184.273.879,03 kr.'``."""
    whole, ore = divmod(MAX_ORE, 100)
    return f"{whole:,}".replace(",", ".") + f",{ore:02d} kr."
