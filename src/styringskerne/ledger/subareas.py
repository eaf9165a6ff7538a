"""Sub-areas (delområder) and this municipality's own spend, as segment codes.

A forecast groups accounts into sub-areas (by default each account is its own); only the
spend this municipality pays counts (dispositions another municipality pays are left out).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from styringskerne.ledger.ledger import DispositionLedger

__all__ = ["own_segments", "sub_area_codes", "sub_area_of"]


def sub_area_of(account: str, sub_areas: Mapping[str, str] | None) -> str:
    """The sub-area (delområde) of an account: the mapping's value, else the account itself."""
    return account if sub_areas is None else sub_areas.get(account, account)


def sub_area_codes(
    ledger: DispositionLedger, sub_areas: Mapping[str, str] | None
) -> tuple[NDArray[np.int64], list[str]]:
    """Each segment's sub-area code and the sub-area names."""
    codes, accounts = ledger.groups("account")
    names = [sub_area_of(str(account), sub_areas) for account in accounts.tolist()]
    labels = sorted(set(names))
    position = {name: index for index, name in enumerate(labels)}
    mapping = np.array([position[name] for name in names], dtype=np.int64)
    return (mapping[codes] if codes.size else codes), labels


def own_segments(ledger: DispositionLedger) -> NDArray[np.bool_]:
    """Segments this municipality pays for (no other paying municipality)."""
    codes, payers = ledger.groups("payer")
    own_payer = np.array([str(payer) == "" for payer in payers.tolist()], dtype=bool)
    result: NDArray[np.bool_] = own_payer[codes] if codes.size else np.zeros(0, dtype=bool)
    return result
