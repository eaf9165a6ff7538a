"""The changes of single dispositions between two snapshots (ændrede bevillinger).

The disposition part of the change explanation
(:func:`styringskerne.forecast.explanation.explain_change`): which dispositions ended, are new,
moved to another sub-area, or changed, and for a changed one the cost after each step of its
change (probability, period, price or provider, payer), so that its items add up exactly to its
change. Built as columns: one vectorised pass per snapshot and
one re-costing of the changed dispositions' segments per step, never a Python loop per
disposition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import day_number
from styringskerne.core.cpr import mask_text
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.engine import build_segment_columns, group_sum, interval_costs
from styringskerne.forecast.change_items import REASONS, ChangeItems, TextColumn
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.subareas import own_segments, sub_area_codes

__all__ = ["PlacedItems", "disposition_items"]


@masked_repr
@attrs.frozen(eq=False)
class _Dispositions:
    """One entry per disposition of a ledger, for one budget year."""

    labels: NDArray[Any]
    gross: NDArray[np.int64]
    own: NDArray[np.bool_]
    sub_area: NDArray[np.int64]
    sub_area_names: list[str]
    citizen: NDArray[Any]
    provider: NDArray[Any]
    """The provider of each disposition's first segment."""
    last_provider: NDArray[Any]
    """The provider of each disposition's last segment."""
    probability_numerator: NDArray[np.int64]
    probability_denominator: NDArray[np.int64]
    start: NDArray[np.int64]
    stop: NDArray[np.int64]
    rows: NDArray[np.int64]
    """Segment rows sorted by disposition, then start."""
    row_owner: NDArray[np.int64]
    """The disposition of each entry of ``rows``."""
    own_cost: NDArray[np.int64]
    """This municipality's cost: the gross cost, or 0 when another municipality pays."""


def _per_disposition(
    ledger: DispositionLedger, year: int, sub_areas: Mapping[str, str] | None
) -> _Dispositions:
    columns = ledger.columns
    codes, labels = ledger.groups("disposition")
    count = labels.size
    costs = ledger.segment_costs(dt.date(year, 1, 1), dt.date(year, 12, 31))
    # One sort key (disposition, then start); a stable sort is linear on already ordered input.
    offset = columns.start - (int(columns.start.min()) if columns.start.size else 0)
    order = np.argsort(codes * (int(offset.max(initial=0)) + 1) + offset, kind="stable")
    owner = codes[order]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if owner.size else owner
    head = order[starts]  # first segment of each disposition
    sub_area, names = sub_area_codes(ledger, sub_areas)
    attributes = {
        "citizen": ledger.groups("citizen"),
        "provider": ledger.groups("provider"),
        "payer": ledger.groups("payer"),
    }
    # The provider may change from one segment to the next (a move within one disposition).
    checked = {name: value for name, value in attributes.items() if name != "provider"}
    for name, (attribute_codes, _) in {**checked, "account": (sub_area, None)}.items():
        mismatch = attribute_codes != attribute_codes[head][codes]
        if mismatch.any():
            bad = mask_text(str(labels[codes[int(np.flatnonzero(mismatch)[0])]]))
            raise StyringskerneError(
                f"disposition {bad} has segments with different {name}s; "
                "one disposition must have one"
            )
    own = own_segments(ledger)[head]
    gross = group_sum(codes, costs, count)
    stops = np.maximum.reduceat(columns.stop[order], starts) if owner.size else owner
    tail = order[np.r_[starts[1:] - 1, order.size - 1]] if owner.size else owner
    provider_codes, provider_labels = attributes["provider"]
    return _Dispositions(
        labels=labels,
        gross=gross,
        own=own,
        own_cost=np.where(own, gross, 0),
        sub_area=sub_area[head],
        sub_area_names=names,
        citizen=attributes["citizen"][1][attributes["citizen"][0][head]],
        provider=provider_labels[provider_codes[head]],
        last_provider=provider_labels[provider_codes[tail]],
        probability_numerator=columns.probability_numerator[head],
        probability_denominator=columns.probability_denominator[head],
        start=columns.start[head],
        stop=stops,
        rows=order,
        row_owner=owner,
    )


def _match(
    previous: NDArray[Any], current: NDArray[Any]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Positions of the labels found in both (sorted) label arrays."""
    if previous.dtype.kind != current.dtype.kind:
        previous, current = previous.astype(str), current.astype(str)
        # Both must be sorted in the same order for searchsorted.
        order_p, order_c = np.argsort(previous), np.argsort(current)
        i, j = _match(previous[order_p], current[order_c])
        return order_p[i], order_c[j]
    if current.size == 0 or previous.size == 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    position = np.minimum(np.searchsorted(current, previous), current.size - 1)
    found = current[position] == previous
    return np.flatnonzero(found), position[found]


def _costs_of_rows(
    ledger: DispositionLedger,
    *,
    rows: NDArray[np.int64],
    owners: NDArray[np.int64],
    owner_count: int,
    year: int,
    start: NDArray[np.int64] | None = None,
    stop: NDArray[np.int64] | None = None,
    probability: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None,
) -> NDArray[np.int64]:
    """Full-year cost per owner of the segments ``rows``, some inputs replaced."""
    columns = ledger.columns
    seg_start = columns.start[rows] if start is None else start
    seg_stop = columns.stop[rows] if stop is None else stop
    keep = seg_stop > seg_start
    p_num, p_den = (
        (columns.probability_numerator[rows], columns.probability_denominator[rows])
        if probability is None
        else probability
    )
    rebuilt = build_segment_columns(
        start=seg_start[keep],
        stop=seg_stop[keep],
        unit=columns.unit[rows][keep],
        rate_ore=columns.rate[rows][keep],
        quantity_numerator=columns.quantity_numerator[rows][keep],
        quantity_denominator=columns.quantity_denominator[rows][keep],
        probability_numerator=p_num[keep],
        probability_denominator=p_den[keep],
    )
    first, stop_day = day_number(dt.date(year, 1, 1)), day_number(dt.date(year + 1, 1, 1))
    costs = interval_costs(rebuilt, [first, stop_day])[:, 0]
    return group_sum(owners[keep], costs, owner_count)


def _stepwise(
    previous: DispositionLedger,
    *,
    before: _Dispositions,
    after: _Dispositions,
    old: NDArray[np.intp],
    new: NDArray[np.intp],
    year: int,
) -> tuple[NDArray[np.int64], ...]:
    """This municipality's cost of each changed disposition after each step of the change.

    v0: before; v1: with the current probability; v2: also cut to the current period (the last
    price continuing); v3: the current segments (price, provider); v4: with the current payer.
    """
    # Rows of the changed dispositions in the previous ledger, owned by 0 … len(old) − 1.
    local = np.full(before.labels.size, -1, dtype=np.int64)
    local[old] = np.arange(old.size)
    owner_of_row = local[before.row_owner]
    chosen = owner_of_row >= 0
    rows, owners = before.rows[chosen], owner_of_row[chosen]
    own_before = before.own[old]
    v0 = np.where(own_before, before.gross[old], 0)
    probability = (
        after.probability_numerator[new][owners],
        after.probability_denominator[new][owners],
    )

    def own_cost_with(
        start: NDArray[np.int64] | None = None, stop: NDArray[np.int64] | None = None
    ) -> NDArray[np.int64]:
        costs = _costs_of_rows(
            previous,
            rows=rows,
            owners=owners,
            owner_count=old.size,
            year=year,
            start=start,
            stop=stop,
            probability=probability,
        )
        result: NDArray[np.int64] = np.where(own_before, costs, 0)
        return result

    v1 = own_cost_with()
    # Re-cut the previous segments to the current period, continuing at the last price.
    columns = previous.columns
    cur_start, cur_stop = after.start[new][owners], after.stop[new][owners]
    seg_start = np.maximum(columns.start[rows], cur_start)
    seg_stop = np.minimum(columns.stop[rows], cur_stop)
    is_first = np.r_[True, owners[1:] != owners[:-1]]
    is_last = np.r_[owners[1:] != owners[:-1], True]
    seg_start = np.where(is_first, np.minimum(seg_start, cur_start), seg_start)
    seg_stop = np.where(is_last, np.maximum(seg_stop, cur_stop), seg_stop)
    v2 = own_cost_with(seg_start, seg_stop)
    v3 = np.where(own_before, after.gross[new], 0)
    v4 = after.own_cost[new]
    return v0, v1, v2, v3, v4


# What a disposition's item is; the items of several parts are put in this order, then by
# disposition id, then in each part's own order.
_ENDED, _NEW, _MOVED, _CHANGED = range(4)
_LABELS: Final = (
    "",
    "disposition removed",
    "start moved",
    "left for another provider",
    "moved here",
)
_NONE, _REMOVED, _START_MOVED, _LEFT, _MOVED_HERE = range(len(_LABELS))
_CODE: Final = {reason: code for code, reason in enumerate(REASONS)}


@masked_repr
@attrs.frozen(eq=False)
class PlacedItems:
    """The items of the dispositions' change in one ledger part (ændrede bevillinger), in
    order, with each item's kind (ended, new, moved between sub-areas, changed).

    The kinds put the items of several parts (:mod:`styringskerne.dask`) in the order of one
    ledger of all their rows: by kind, then disposition id, then each part's own order.
    """

    items: ChangeItems
    kind: NDArray[np.int8]

    @staticmethod
    def in_order(parts: Sequence[PlacedItems]) -> ChangeItems:
        """The items of parts with no disposition in common, in the order of one ledger."""
        if len(parts) == 1:
            return parts[0].items
        items = ChangeItems.concatenate([part.items for part in parts])
        kind = np.concatenate([*(part.kind for part in parts), np.zeros(0, np.int8)])
        position = np.concatenate(
            [*(np.arange(len(part.items)) for part in parts), np.zeros(0, np.int64)]
        )
        return items.take(np.lexsort((position, items.disposition_id.ranks(), kind)))


def _side_column(
    tables: tuple[NDArray[Any], NDArray[Any]], side: NDArray[np.int8], codes: NDArray[np.int64]
) -> TextColumn:
    """A text column of items each taken from the table of its side (0 before, 1 after)."""
    first = side == 0
    joined = TextColumn.concatenate(
        [TextColumn.of(tables[0], codes[first]), TextColumn.of(tables[1], codes[~first])]
    )
    place = np.empty(side.size, dtype=np.int64)
    place[first] = np.arange(int(first.sum()))
    place[~first] = int(first.sum()) + np.arange(int((~first).sum()))
    return joined.take(place)


def _factorised(values: NDArray[Any]) -> NDArray[np.int64]:
    """Each value's position among the distinct values (texts compared as texts)."""
    if not values.size:
        return np.zeros(0, dtype=np.int64)
    texts = np.array([str(value) for value in values.tolist()], dtype=object)
    return np.unique(texts, return_inverse=True)[1].ravel().astype(np.int64)


def _moves(
    citizen: NDArray[Any], sub_area: NDArray[Any], provider: NDArray[Any], ended: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Which ended and new items are a move to another provider (nyt tilbud): the citizen
    left one disposition and started another in the same sub-area at a provider not among
    those they left."""
    area = _factorised(sub_area)
    key = _factorised(_factorised(citizen) * (int(area.max(initial=0)) + 1) + area)
    supplier = _factorised(provider)
    pair = key * (int(supplier.max(initial=0)) + 1) + supplier
    came_elsewhere = ~ended & ~np.isin(pair, pair[ended])
    moved = np.intersect1d(key[came_elsewhere], key[ended])
    return np.isin(key, moved)


def disposition_items(
    *,
    previous: DispositionLedger,
    current: DispositionLedger,
    year: int,
    sub_areas: Mapping[str, str] | None = None,
) -> PlacedItems:
    """The items of the dispositions' change from ``previous`` to ``current``, in the order
    of :func:`~styringskerne.forecast.explanation.explain_change`, with their kinds; the
    items of ledgers with no citizen or disposition in common, put together with
    :meth:`PlacedItems.in_order`, are those of one ledger of all their rows."""
    before = _per_disposition(previous, year, sub_areas)
    after = _per_disposition(current, year, sub_areas)
    old, new = _match(before.labels, after.labels)
    gone = np.ones(before.labels.size, dtype=bool)
    gone[old] = False
    arrived = np.ones(after.labels.size, dtype=bool)
    arrived[new] = False
    ended = np.flatnonzero(gone & (before.own_cost != 0))
    started = np.flatnonzero(arrived & (after.own_cost != 0))

    labels = list(_LABELS)
    moved_to = len(labels)
    labels += [f"moved to sub-area {name}" for name in after.sub_area_names]
    moved_from = len(labels)
    labels += [f"moved from sub-area {name}" for name in before.sub_area_names]

    # Blocks of (side, disposition, reason, amount, label, kind), in the explanation's order.
    blocks: list[tuple[NDArray[Any], ...]] = []

    def block(
        side: Any, index: NDArray[Any], *, reason: Any, amount: Any, label: Any, kind: int
    ) -> None:
        count = index.size
        blocks.append(
            (
                np.broadcast_to(np.asarray(side, dtype=np.int8), (count,)),
                np.asarray(index, dtype=np.int64),
                np.broadcast_to(np.asarray(reason, dtype=np.int8), (count,)),
                np.asarray(amount, dtype=np.int64),
                np.broadcast_to(np.asarray(label, dtype=np.int64), (count,)),
                np.full(count, kind, dtype=np.int8),
            )
        )

    block(
        0, ended, reason=_CODE["ended"], amount=-before.own_cost[ended], label=_REMOVED, kind=_ENDED
    )
    block(1, started, reason=_CODE["new"], amount=after.own_cost[started], label=_NONE, kind=_NEW)

    # Moved to another sub-area: the old one loses the disposition, the new one gains it.
    before_names = np.array(before.sub_area_names, dtype=object)[before.sub_area[old]]
    after_names = np.array(after.sub_area_names, dtype=object)[after.sub_area[new]]
    moved = before_names != after_names
    i, j = old[moved], new[moved]
    pairs = np.stack([i, j], axis=1).ravel()
    block(
        np.tile(np.array([0, 1], dtype=np.int8), i.size),
        pairs,
        reason=_CODE["other"],
        amount=np.stack([-before.own_cost[i], after.own_cost[j]], axis=1).ravel(),
        label=np.stack(
            [moved_to + after.sub_area[j], moved_from + before.sub_area[i]], axis=1
        ).ravel(),
        kind=_MOVED,
    )

    # Changed: one item per step (probability, period, price or provider, payer).
    stay = ~moved & (before.own_cost[old] != after.own_cost[new])
    i, j = old[stay], new[stay]
    if i.size:
        v0, v1, v2, v3, v4 = _stepwise(
            previous, before=before, after=after, old=i, new=j, year=year
        )
        period = np.where(
            after.stop[j] > before.stop[i],
            _CODE["extended"],
            np.where(after.stop[j] < before.stop[i], _CODE["ended"], _CODE["other"]),
        )
        # A new segment at another provider, or another provider throughout (nyt tilbud).
        provider_changed = _differs(after.provider[j], before.provider[i]) | _differs(
            after.last_provider[j], before.last_provider[i]
        )
        reasons = np.stack(
            [
                np.full(i.size, _CODE["probability"]),
                period,
                np.where(provider_changed, _CODE["provider"], _CODE["price"]),
                np.full(i.size, _CODE["payer"]),
            ],
            axis=1,
        )
        step_labels = np.zeros((i.size, 4), dtype=np.int64)
        step_labels[:, 1] = np.where(period == _CODE["other"], _START_MOVED, _NONE)
        block(
            1,
            np.repeat(j, 4),
            reason=reasons.ravel(),
            amount=np.stack([v1 - v0, v2 - v1, v3 - v2, v4 - v3], axis=1).ravel(),
            label=step_labels.ravel(),
            kind=_CHANGED,
        )

    side, index, reason, amount, label, kind = (
        np.concatenate([*(b[column] for b in blocks)]) for column in range(6)
    )
    kept = amount != 0
    side, index, reason, amount, label, kind = (
        side[kept], index[kept], reason[kept], amount[kept], label[kept], kind[kept]
    )  # fmt: skip
    reason, label = _with_moves(
        side=side, index=index, reason=reason, label=label, before=before, after=after
    )
    first = side == 0
    sub_area = np.zeros(side.size, dtype=np.int64)
    sub_area[first] = before.sub_area[index[first]]
    sub_area[~first] = after.sub_area[index[~first]]
    names = (
        np.array(before.sub_area_names, dtype=object),
        np.array(after.sub_area_names, dtype=object),
    )
    items = ChangeItems(
        sub_area=_side_column(names, side, sub_area),
        reason=reason,
        amount_ore=amount,
        citizen_id=_side_column((before.citizen, after.citizen), side, index),
        disposition_id=_side_column((before.labels, after.labels), side, index),
        label=TextColumn.of(np.array(labels, dtype=object), label),
    )
    return PlacedItems(items=items, kind=kind)


def _differs(left: NDArray[Any], right: NDArray[Any]) -> NDArray[np.bool_]:
    """Elementwise ``left != right`` of two label arrays, compared as texts if their kinds
    differ."""
    if left.dtype.kind != right.dtype.kind:
        left, right = left.astype(str), right.astype(str)
    return np.asarray(left != right, dtype=bool)


def _of_side(
    tables: tuple[NDArray[Any], NDArray[Any]], side: NDArray[np.int8], index: NDArray[np.int64]
) -> NDArray[Any]:
    """Each item's entry of the table of its side, as one object array."""
    first = side == 0
    values = np.empty(side.size, dtype=object)
    values[first] = tables[0][index[first]]
    values[~first] = tables[1][index[~first]]
    return values


def _with_moves(
    *,
    side: NDArray[np.int8],
    index: NDArray[np.int64],
    reason: NDArray[np.int8],
    label: NDArray[np.int64],
    before: _Dispositions,
    after: _Dispositions,
) -> tuple[NDArray[np.int8], NDArray[np.int64]]:
    """A citizen who left one disposition and started another in the same sub-area at another
    provider moved (nyt tilbud): both items get the reason ``provider``."""
    ended, new = reason == _CODE["ended"], reason == _CODE["new"]
    if not (ended.any() and new.any()):
        return reason, label
    rows = np.flatnonzero(ended | new)
    side, index, ended = side[rows], index[rows], ended[rows]
    # An ended disposition left its last provider (as it is now, if it is still there); a
    # new one came to its first.
    provider = _of_side((before.last_provider, after.last_provider), side, index)
    provider[~ended] = after.provider[index[~ended]]
    sub_area = _of_side(
        (
            np.array(before.sub_area_names, dtype=object)[before.sub_area],
            np.array(after.sub_area_names, dtype=object)[after.sub_area],
        ),
        side,
        index,
    )
    moves = _moves(
        _of_side((before.citizen, after.citizen), side, index), sub_area, provider, ended
    )
    if not moves.any():
        return reason, label
    reason, label = reason.copy(), label.copy()
    reason[rows[moves]] = _CODE["provider"]
    label[rows[moves]] = np.where(ended[moves], _LEFT, _MOVED_HERE)
    return reason, label
