"""The change explanation's disposition items built one Python object at a time: the
implementation the columnar one (:mod:`styringskerne.forecast.disposition_changes`) replaced,
kept as a second implementation to compare it with item for item — the order, reasons,
labels and moves to another provider. The step costs (``_stepwise``) are shared; their sums
are pinned by the forecasts' change and by hand-computed examples."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne import DispositionLedger, Money
from styringskerne.forecast.change_items import ChangeItem, Reason
from styringskerne.forecast.disposition_changes import (
    _Dispositions,
    _match,
    _per_disposition,
    _stepwise,
)

ItemOrder = tuple[int, str, int]
_ENDED, _NEW, _MOVED, _CHANGED = range(4)


def reference_disposition_items(
    *,
    previous: DispositionLedger,
    current: DispositionLedger,
    year: int,
    sub_areas: Mapping[str, str] | None = None,
) -> list[tuple[ItemOrder, ChangeItem]]:
    """The items of the dispositions' change from ``previous`` to ``current``, each with its
    place in the explanation. Sorted by place, they are the disposition items of
    :func:`explain_change`; the items of ledgers with no citizen or disposition in common,
    put together and sorted, are those of one ledger of all their rows."""
    before = _per_disposition(previous, year, sub_areas)
    after = _per_disposition(current, year, sub_areas)
    old, new = _match(before.labels, after.labels)
    items: list[ChangeItem] = []
    places: list[ItemOrder] = []
    kind = _ENDED

    def add(side: _Dispositions, index: int, reason: Reason, amount: int, label: str = "") -> None:
        if amount:
            places.append((kind, str(side.labels[index]), len(places)))
            items.append(
                ChangeItem(
                    sub_area=side.sub_area_names[int(side.sub_area[index])],
                    reason=reason,
                    amount=Money(int(amount)),
                    citizen_id=str(side.citizen[index]),
                    disposition_id=str(side.labels[index]),
                    label=label,
                )
            )

    gone = np.ones(before.labels.size, dtype=bool)
    gone[old] = False
    arrived = np.ones(after.labels.size, dtype=bool)
    arrived[new] = False
    for index in np.flatnonzero(gone & (before.own_cost != 0)).tolist():
        add(before, index, "ended", -int(before.own_cost[index]), "disposition removed")
    kind = _NEW
    for index in np.flatnonzero(arrived & (after.own_cost != 0)).tolist():
        add(after, index, "new", int(after.own_cost[index]))
    kind = _MOVED

    before_sub_area = np.array(before.sub_area_names, dtype=object)[before.sub_area[old]]
    after_sub_area = np.array(after.sub_area_names, dtype=object)[after.sub_area[new]]
    moved = before_sub_area != after_sub_area
    for i, j in zip(old[moved].tolist(), new[moved].tolist(), strict=True):
        target = after.sub_area_names[int(after.sub_area[j])]
        origin = before.sub_area_names[int(before.sub_area[i])]
        add(before, i, "other", -int(before.own_cost[i]), f"moved to sub-area {target}")
        add(after, j, "other", int(after.own_cost[j]), f"moved from sub-area {origin}")

    kind = _CHANGED
    stay = ~moved & (before.own_cost[old] != after.own_cost[new])
    old, new = old[stay], new[stay]
    if old.size:
        v0, v1, v2, v3, v4 = _stepwise(
            previous, before=before, after=after, old=old, new=new, year=year
        )
        for k, (i, j) in enumerate(zip(old.tolist(), new.tolist(), strict=True)):
            add(after, j, "probability", int(v1[k] - v0[k]))
            if after.stop[j] > before.stop[i]:
                period: Reason = "extended"
            elif after.stop[j] < before.stop[i]:
                period = "ended"
            else:
                period = "other"
            add(after, j, period, int(v2[k] - v1[k]), "start moved" if period == "other" else "")
            # A new segment at another provider, or another provider throughout (nyt tilbud).
            provider_changed = (after.provider[j], after.last_provider[j]) != (
                before.provider[i],
                before.last_provider[i],
            )
            add(after, j, "provider" if provider_changed else "price", int(v3[k] - v2[k]))
            add(after, j, "payer", int(v4[k] - v3[k]))
    return list(zip(places, _moves_between_dispositions(items, before, after), strict=True))


def _label_positions(labels: NDArray[Any], names: list[str]) -> dict[str, int]:
    """The positions in sorted ``labels`` of the ``names`` that are among them."""
    if labels.dtype.kind in "iu":  # ids numbered by from_arrays: match as numbers, no text sort
        numbers = sorted(int(name) for name in names if name.lstrip("-").isdigit())
        keys: NDArray[Any] = np.array(numbers, dtype=labels.dtype)
    else:
        keys = np.array(sorted(names), dtype=str)
    found, at = _match(keys, labels)
    pairs = zip(found.tolist(), at.tolist(), strict=True)
    return {str(keys[k]): int(position) for k, position in pairs}


def _moves_between_dispositions(
    items: list[ChangeItem], before: _Dispositions, after: _Dispositions
) -> list[ChangeItem]:
    """A citizen who left one disposition and started another in the same sub-area at another
    provider moved (nyt tilbud): both items get the reason ``provider``."""
    names = sorted({str(i.disposition_id) for i in items if i.reason in ("ended", "new")})
    if not names:
        return items
    # Only the dispositions of ended and new items are looked up (the labels are sorted).
    position = _label_positions(before.labels, names)
    later = _label_positions(after.labels, names)
    left: dict[tuple[str | None, str], set[str]] = {}
    came: dict[tuple[str | None, str], set[str]] = {}
    for item in items:
        key = (item.citizen_id, item.sub_area)
        name = str(item.disposition_id)
        if item.reason == "ended" and name in later:
            left.setdefault(key, set()).add(str(after.last_provider[later[name]]))
        elif item.reason == "ended" and name in position:
            left.setdefault(key, set()).add(str(before.last_provider[position[name]]))
        elif item.reason == "new" and name in later:
            came.setdefault(key, set()).add(str(after.provider[later[name]]))
    moved = {key for key in left.keys() & came.keys() if came[key] - left[key]}
    if not moved:
        return items
    return [
        attrs.evolve(
            item,
            reason="provider",
            label="left for another provider" if item.reason == "ended" else "moved here",
        )
        if (item.citizen_id, item.sub_area) in moved and item.reason in ("ended", "new")
        else item
        for item in items
    ]
