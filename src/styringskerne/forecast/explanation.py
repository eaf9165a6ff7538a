"""Explaining the month-on-month change of a forecast (forklaring af prognoseændringer).

VIVE 2018, *Boks 6.1* and *Boks 6.2* (Svendborg): the change of the forecast since last month is
explained per sub-area and, below that, per citizen with a reason. The explained items add up
exactly to the total change; what does not is shown as an unexplained residual (*Boks 6.1*:
"Manglende forklaring −147"), never hidden. Cases on the way without an amount are listed apart.

The change is ``current − previous``: positive means more spend. Reasons:

| reason | Danish | when |
|---|---|---|
| ``new`` | ny visitation | a disposition (or youth) that was not there before |
| ``ended`` | ophørt | ended earlier, or removed |
| ``extended`` | forlænget | continues beyond its expected end |
| ``price`` | prisændring | price or package changed |
| ``provider`` | nyt tilbud | moved to another provider (with its price), see below |
| ``payer`` | ny betalingskommune | another municipality pays now (or no longer) |
| ``probability`` | ændret sandsynlighed | the probability of an expected case changed |
| ``estimate`` | skøn korrigeret | an estimate line was corrected |
| ``refund`` | ændret refusion | the expected state refund (serviceloven § 176) changed |
| ``demand_pool`` | træk på efterspørgselspuljen | the demand pool's line moved: cases drawn on it |
| ``other`` | andet | anything else: moved sub-area, start moved, buffer, age transfer |

A move to another provider is either a new segment of the disposition at the other provider, or
one disposition ended and another for the same citizen and sub-area began at another provider;
both items of such a pair get the reason ``provider``.

A disposition with several changes at once gets one item per change, computed in that order
(probability, period, price or provider, payer): each item is the difference between the cost
after and before its step, so the items add up exactly to the disposition's change.

With a refund rule the change explained is the change of the net forecast (expected − state
refund): each person's (or household's) change of refund in each sub-area is an item of its own
with reason ``refund``, negative when the refund grows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal, cast

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import day_number
from styringskerne.core.cpr import mask_id, mask_text
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.html import html_table
from styringskerne.core.masking import mask_data, masked_repr
from styringskerne.core.money import Money, to_money_mapping
from styringskerne.core.tabular import arrow_table, pandas_frame
from styringskerne.engine import build_segment_columns, group_sum, interval_costs
from styringskerne.forecast.forecast import (
    Forecast,
    Snapshot,
    forecast_from_parts,
    parts_options,
)
from styringskerne.forecast.ledger_parts import LedgerForecastParts
from styringskerne.forecast.transitions import ColourRule, youth_amounts
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.refund import RefundRule
from styringskerne.ledger.subareas import own_segments, sub_area_codes, sub_area_of

__all__ = [
    "REASONS",
    "ChangeExplanation",
    "ChangeItem",
    "ItemOrder",
    "Reason",
    "disposition_items",
    "explain_change",
    "explanation_from_parts",
    "forecast_change",
]

Reason = Literal[
    "new",
    "ended",
    "extended",
    "price",
    "provider",
    "payer",
    "probability",
    "estimate",
    "refund",
    "demand_pool",
    "other",
]
REASONS: Final[tuple[Reason, ...]] = (
    "new",
    "ended",
    "extended",
    "price",
    "provider",
    "payer",
    "probability",
    "estimate",
    "refund",
    "demand_pool",
    "other",
)


def _check_reason(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value not in REASONS:
        raise StyringskerneError(f"'reason' must be one of {'|'.join(REASONS)} (got {value!r})")


def _masked_or_none(value: str | None) -> str:
    return repr(None if value is None else mask_id(value))


@masked_repr
@attrs.frozen(kw_only=True)
class ChangeItem:
    """One explained change of the forecast (forklaring), in one sub-area.

    Examples:
        >>> item = ChangeItem(sub_area="5.38.52", reason="payer",
        ...                   amount=Money.of("-352.000,00"), citizen_id="010190-1234")
        >>> "1234" in repr(item), str(item.amount)
        (False, '-352.000,00 kr.')
    """

    sub_area: str
    reason: Reason = attrs.field(validator=_check_reason)
    amount: Money
    citizen_id: str | None = attrs.field(default=None, repr=_masked_or_none)
    disposition_id: str | None = None
    label: str = ""


@masked_repr
@attrs.frozen(kw_only=True, repr=False)
class ChangeExplanation:
    """The change of a forecast explained per sub-area and citizen (*Boks 6.1*, *6.2*).

    Attributes:
        sub_area_changes: the change of the forecast per sub-area (current − previous).
        items: the explained changes.
        cases_on_the_way: cases without an amount yet, from the current snapshot.
    """

    sub_area_changes: Mapping[str, Money] = attrs.field(converter=to_money_mapping)
    items: tuple[ChangeItem, ...]
    cases_on_the_way: tuple[Any, ...] = ()

    @classmethod
    def by_hand(
        cls, *, total_change: Money, items: Iterable[ChangeItem], sub_area: str | None = None
    ) -> ChangeExplanation:
        """An explanation written by hand: a total change and the items a controller gave.

        With ``sub_area`` the total belongs to that sub-area; otherwise to a sub-area named
        ``"total"``. The residual is whatever the items do not explain.

        Examples:
            >>> box = ChangeExplanation.by_hand(total_change=Money.of("114.000,00"), items=[
            ...     ChangeItem(sub_area="5.38.52", reason="payer", amount=Money.of("-352.000,00")),
            ...     ChangeItem(sub_area="5.38.52", reason="new", amount=Money.of("721.000,00"))])
            >>> box.residual
            Money.of('-255000.00')
        """
        return cls(sub_area_changes={sub_area or "total": total_change}, items=tuple(items))

    def __repr__(self) -> str:
        return (
            f"ChangeExplanation(total_change={self.total_change.format_danish()}, "
            f"sub_areas={len(self.sub_area_changes)}, items={len(self.items)}, "
            f"residual={self.residual.format_danish()})"
        )

    def _repr_html_(self) -> str:
        rows = []
        for name, change in self.sub_area_changes.items():
            items = self.items_in(name)
            reasons: dict[str, Money] = {}
            for item in items:
                reasons[item.reason] = reasons.get(item.reason, Money(0)) + item.amount
            rows.append(
                [
                    name,
                    change.format_danish(unit=""),
                    str(len(items)),
                    ", ".join(f"{r} {a.format_danish(unit='')}" for r, a in reasons.items()),
                    self.residual_in(name).format_danish(unit=""),
                ]
            )
        return html_table(
            f"Change of the forecast: {self.total_change.format_danish()} (+ = more spend)",
            ["Sub-area", "Change", "Items", "By reason", "Unexplained"],
            rows,
            ["Per citizen: .items_in(sub_area) or .to_pandas()"],
        )

    @property
    def total_change(self) -> Money:
        """The total change of the forecast (positive = more spend)."""
        return Money.total(self.sub_area_changes.values())

    @property
    def explained(self) -> Money:
        """The sum of the explained items."""
        return Money.total(item.amount for item in self.items)

    @property
    def residual(self) -> Money:
        """The unexplained residual (manglende forklaring): total change − explained."""
        return self.total_change - self.explained

    def items_in(self, sub_area: str) -> tuple[ChangeItem, ...]:
        """The items of one sub-area, largest first."""
        chosen = [item for item in self.items if item.sub_area == sub_area]
        return tuple(sorted(chosen, key=lambda item: (-abs(item.amount.ore), item.reason)))

    def residual_in(self, sub_area: str) -> Money:
        """The unexplained residual of one sub-area."""
        explained = Money.total(item.amount for item in self.items if item.sub_area == sub_area)
        return self.sub_area_changes.get(sub_area, Money(0)) - explained

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, Any]:
        """``{"total", "residual", "by_sub_area": {…: {"change", "residual", "items"}}, …}``."""
        names = sorted(set(self.sub_area_changes) | {item.sub_area for item in self.items})
        by_sub_area: dict[str, Any] = {}

        def shown(citizen_id: str | None) -> str | None:
            if citizen_id is None or show_cpr:
                return citizen_id
            return mask_id(citizen_id)

        for name in names:
            by_sub_area[name] = {
                "change": self.sub_area_changes.get(name, Money(0)).to_string(),
                "residual": self.residual_in(name).to_string(),
                "items": [
                    {
                        "citizen_id": shown(item.citizen_id),
                        "reason": item.reason,
                        "amount": item.amount.to_string(),
                        "disposition_id": item.disposition_id,
                        "label": item.label,
                    }
                    for item in self.items_in(name)
                ],
            }
        data = {
            "total": self.total_change.to_string(),
            "residual": self.residual.to_string(),
            "by_sub_area": by_sub_area,
            "cases_on_the_way": [
                {
                    "citizen_id": shown(case.citizen_id),
                    "sub_area": case.sub_area,
                    "note": case.note,
                }
                for case in self.cases_on_the_way
            ],
        }
        # Ids, disposition ids, labels and notes are free text that may hold a CPR number.
        return data if show_cpr else cast(dict[str, Any], mask_data(data))

    def to_json(self, *, show_cpr: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(show_cpr=show_cpr), indent=indent, ensure_ascii=False)

    def to_columns(self, *, show_cpr: bool = False) -> dict[str, list[Any]]:
        """A row per explained item and per sub-area's unexplained residual (reason
        ``residual``), by the tidy rule of :mod:`styringskerne.core.tabular`; the amounts add
        up to :attr:`total_change`. Citizen ids (and CPR numbers in free text) masked unless
        ``show_cpr``."""

        def text(value: str | None) -> str | None:
            return value if value is None or show_cpr else mask_text(value)

        result: dict[str, list[Any]] = {
            name: [] for name in ("sub_area", "reason", "citizen_id", "disposition_id", "label")
        }
        result["amount_ore"] = []
        for name in sorted(set(self.sub_area_changes) | {item.sub_area for item in self.items}):
            rows: list[tuple[str, str | None, str | None, str | None, int]] = [
                (
                    item.reason,
                    item.citizen_id if show_cpr or item.citizen_id is None
                    else mask_id(item.citizen_id),
                    text(item.disposition_id),
                    text(item.label),
                    item.amount.ore,
                )
                for item in self.items_in(name)
            ]  # fmt: skip
            residual = self.residual_in(name)
            if residual:
                rows.append(("residual", None, None, "", residual.ore))
            for reason, citizen, disposition, label, amount in rows:
                for column, value in zip(
                    result,
                    (name, reason, citizen, disposition, label, amount),
                    strict=True,
                ):
                    result[column].append(value)
        return result

    def to_pandas(self, *, show_cpr: bool = False) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns`."""
        return pandas_frame(self.to_columns(show_cpr=show_cpr))

    def to_arrow(self, *, show_cpr: bool = False) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(show_cpr=show_cpr))


# -- dispositions ---------------------------------------------------------------------------


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
    payer: NDArray[Any]
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
        payer=attributes["payer"][1][attributes["payer"][0][head]],
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


ItemOrder = tuple[int, str, int]
"""Where a disposition's item stands in the explanation: its kind (ended, new, moved between
sub-areas, changed), the disposition's id, and its place among the disposition's items."""
_ENDED, _NEW, _MOVED, _CHANGED = range(4)


def disposition_items(
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


# -- other lines ----------------------------------------------------------------------------


def _keyed_items(
    *,
    before: Sequence[tuple[str, str, Money]],
    after: Sequence[tuple[str, str, Money]],
    sub_areas: Mapping[str, str] | None,
    changed: Reason,
    label: str,
    appeared: Reason = "new",
    disappeared: Reason = "ended",
    citizens: bool = True,
) -> list[ChangeItem]:
    """Items for a line keyed by (key, account): new, gone and changed amounts.

    The key is a citizen id when ``citizens``, else a line label added to ``label``.
    """
    old = {(key, account): amount for key, account, amount in before}
    new = {(key, account): amount for key, account, amount in after}
    items = []
    for key in sorted(set(old) | set(new)):
        delta = new.get(key, Money(0)) - old.get(key, Money(0))
        if not delta:
            continue
        reason = appeared if key not in old else disappeared if key not in new else changed
        items.append(
            ChangeItem(
                sub_area=sub_area_of(key[1], sub_areas),
                reason=reason,
                amount=delta,
                citizen_id=key[0] if citizens else None,
                label=label if citizens else f"{label}: {key[0]}",
            )
        )
    return items


def _youth_items(
    *,
    previous: Snapshot,
    current: Snapshot,
    year: int,
    sub_areas: Mapping[str, str] | None,
    rule: ColourRule,
    catalogue: ServiceCatalogue,
) -> list[ChangeItem]:
    before = youth_amounts(previous.youths, year, rule=rule, catalogue=catalogue)
    after = youth_amounts(current.youths, year, rule=rule, catalogue=catalogue)
    old_p = {y.citizen_id: y.probability_under(rule) for y in previous.youths}
    items = _keyed_items(
        before=before,
        after=after,
        sub_areas=sub_areas,
        changed="other",
        label="youth from the children's area",
    )
    new_p = {y.citizen_id: y.probability_under(rule) for y in current.youths}
    return [
        attrs.evolve(item, reason="probability")
        if item.reason == "other"
        and old_p.get(item.citizen_id or "") != new_p.get(item.citizen_id or "")
        else item
        for item in items
    ]


def explain_change(
    previous: Snapshot,
    current: Snapshot,
    *,
    year: int | None = None,
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    catalogue: ServiceCatalogue | None = None,
    refund: RefundRule | None = None,
) -> ChangeExplanation:
    """Explain the change of the forecast (prognoseændring) from ``previous`` to ``current``.

    With ``refund`` the net forecast's change is explained, the change of refund as items of
    reason ``refund``.

    Examples:
        >>> from styringskerne import Disposition
        >>> stay = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL107",
        ...     rate="1.000,00", unit="day", start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))
        >>> before = Snapshot(as_of=dt.date(2024, 3, 31), ledger=DispositionLedger([stay]))
        >>> after = Snapshot(as_of=dt.date(2024, 4, 30),
        ...     ledger=DispositionLedger([stay.with_end(dt.date(2024, 8, 31))]))
        >>> change = explain_change(before, after)
        >>> [(item.reason, str(item.amount)) for item in change.items], change.residual
        ([('extended', '62.000,00 kr.')], Money.of('0.00'))
    """
    year = current.as_of.year if year is None else year
    parts = [
        LedgerForecastParts.of(
            snapshot.ledger, **parts_options(snapshot, year, sub_areas=sub_areas, refund=refund)
        )
        for snapshot in (previous, current)
    ]
    items = disposition_items(
        previous=previous.ledger, current=current.ledger, year=year, sub_areas=sub_areas
    )
    return explanation_from_parts(
        previous,
        current,
        parts=(parts[0], parts[1]),
        items=[item for _, item in items],
        sub_areas=sub_areas,
        colour_rule=colour_rule,
        catalogue=catalogue,
    )


def explanation_from_parts(
    previous: Snapshot,
    current: Snapshot,
    *,
    parts: tuple[LedgerForecastParts, LedgerForecastParts],
    items: Sequence[ChangeItem],
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    catalogue: ServiceCatalogue | None = None,
) -> ChangeExplanation:
    """The change explanation of two snapshots' assumptions (youths, estimates, buffers, the
    demand pool) with the lines reckoned from their dispositions given as ``parts`` and the
    dispositions' items (:func:`disposition_items`, in order): what :func:`explain_change`
    does after reckoning them from the snapshots' own ledgers, which are not used here. A
    ledger evaluated in pieces (:mod:`styringskerne.dask`) comes here with its pieces' parts
    merged and items put in order.
    """
    year = parts[1].year
    rule = colour_rule if colour_rule is not None else ColourRule()
    catalogue = catalogue if catalogue is not None else ServiceCatalogue.default()
    forecasts = [
        forecast_from_parts(
            snapshot, part, sub_areas=sub_areas, colour_rule=rule, catalogue=catalogue
        )
        for snapshot, part in zip((previous, current), parts, strict=True)
    ]
    changes = forecast_change(forecasts[0], forecasts[1])
    items = list(items)
    items += _youth_items(
        previous=previous,
        current=current,
        year=year,
        sub_areas=sub_areas,
        rule=rule,
        catalogue=catalogue,
    )
    if previous.elderly_age is not None or current.elderly_age is not None:
        outflows = [
            [(citizen, account, -amount) for citizen, account, amount in part.outflow or ()]
            for part in parts
        ]
        items += _keyed_items(
            before=outflows[0],
            after=outflows[1],
            sub_areas=sub_areas,
            changed="other",
            appeared="other",
            disappeared="other",
            label="to the elderly area",
        )
    reasons: tuple[tuple[str, Reason], ...] = (
        ("estimate", "estimate"),
        ("buffer", "other"),
        ("demand_pool", "demand_pool"),
    )
    for kind, reason in reasons:
        lines = [
            [
                (line.label, name, amount)
                for line in f.lines
                if line.kind == kind
                for name, amount in line.amounts.items()
            ]
            for f in forecasts
        ]
        items += _keyed_items(
            before=lines[0],
            after=lines[1],
            sub_areas=None,
            changed=reason,
            appeared=reason,
            disappeared=reason,
            label=kind,
            citizens=False,
        )
    items += _refund_items(forecasts[0], forecasts[1])
    return ChangeExplanation(
        sub_area_changes=changes, items=tuple(items), cases_on_the_way=current.cases_on_the_way
    )


def _refund_items(previous: Forecast, current: Forecast) -> list[ChangeItem]:
    """One ``refund`` item per person (household) and sub-area whose refund changed, in the
    order of (person, sub-area)."""
    if previous.state_refund is None or current.state_refund is None:
        return []
    refunds = (previous.state_refund, current.state_refund)
    sides = [refund.by_unit_and_sub_area for refund in refunds]
    units = np.concatenate(
        [np.array(side.unit_labels, dtype=str)[side.unit_codes] for side in sides]
        + [np.zeros(0, dtype=str)]
    )
    areas = np.concatenate(
        [np.array(side.sub_area_names, dtype=str)[side.sub_area_codes] for side in sides]
        + [np.zeros(0, dtype=str)]
    )
    # The change per (unit, sub-area): the current parts minus the previous.
    signed = np.concatenate([-sides[0].amounts, sides[1].amounts]).astype(np.int64)
    if not signed.size:
        return []
    unit_names, unit_codes = np.unique(units, return_inverse=True)
    area_names, area_codes = np.unique(areas, return_inverse=True)
    keys, pair = np.unique(
        unit_codes.ravel().astype(np.int64) * area_names.size + area_codes.ravel(),
        return_inverse=True,
    )
    grown = group_sum(pair.ravel(), signed, keys.size)
    households = {
        unit
        for refund in refunds
        for unit, household in zip(refund.units, refund.households, strict=True)
        if household
    }
    items = []
    for key in np.flatnonzero(grown).tolist():
        unit_code, area_code = divmod(int(keys[key]), area_names.size)
        unit = str(unit_names[unit_code])
        household = unit in households
        items.append(
            ChangeItem(
                sub_area=str(area_names[area_code]),
                reason="refund",
                amount=Money(-int(grown[key])),
                citizen_id=None if household else unit,
                label=f"household {unit}" if household else "state refund (§ 176)",
            )
        )
    return items


def forecast_change(previous: Forecast, current: Forecast) -> Mapping[str, Money]:
    """The change per sub-area between two forecasts (current − previous).

    The change of the net figures when both forecasts carry a refund, else of the gross.
    """
    before, after = previous.expected, current.expected
    if previous.net is not None and current.net is not None:
        before, after = previous.net, current.net
    return {
        name: after.get(name, Money(0)) - before.get(name, Money(0))
        for name in sorted(set(before) | set(after))
    }
