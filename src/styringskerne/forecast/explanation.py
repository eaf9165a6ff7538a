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

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, cast

import attrs
import numpy as np

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.cpr import mask_id, mask_text
from styringskerne.core.html import html_table
from styringskerne.core.masking import mask_data, masked_repr
from styringskerne.core.money import Money, to_money_mapping
from styringskerne.core.tabular import arrow_table, pandas_frame
from styringskerne.engine import group_sum
from styringskerne.forecast.change_items import (
    REASONS,
    ChangeItem,
    ChangeItems,
    Reason,
    TextColumn,
)
from styringskerne.forecast.disposition_changes import disposition_items
from styringskerne.forecast.forecast import (
    Forecast,
    Snapshot,
    forecast_from_parts,
    parts_options,
)
from styringskerne.forecast.ledger_parts import LedgerForecastParts
from styringskerne.forecast.transitions import ColourRule, youth_amounts
from styringskerne.ledger.refund import RefundRule
from styringskerne.ledger.subareas import sub_area_of

__all__ = [
    "REASONS",
    "ChangeExplanation",
    "ChangeItem",
    "ChangeItems",
    "Reason",
    "explain_change",
    "explanation_from_parts",
    "forecast_change",
]


def _to_items(items: ChangeItems | Iterable[ChangeItem]) -> ChangeItems:
    return ChangeItems.of(items)


_COLUMNS: Final = ("sub_area", "reason", "citizen_id", "disposition_id", "label", "amount_ore")


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
    items: ChangeItems = attrs.field(converter=_to_items)
    """The explained items, as columns; a sequence of :class:`ChangeItem`."""
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
        # Every sub-area with a change or an item: an item in a sub-area whose forecast did
        # not change must still show (with its residual).
        for name in self._sub_area_names():
            change = self.sub_area_changes.get(name, Money(0))
            chosen = self.items.take(self.items.in_sub_area(name))
            totals = {
                reason: chosen.take(chosen.with_reason(reason)).total()
                for reason in dict.fromkeys(chosen.reasons().tolist())
            }
            # The largest reason first, as the items are listed.
            reasons = dict(sorted(totals.items(), key=lambda pair: (-abs(pair[1].ore), pair[0])))
            rows.append(
                [
                    name,
                    change.format_danish(unit=""),
                    str(len(chosen)),
                    ", ".join(f"{r} {a.format_danish(unit='')}" for r, a in reasons.items()),
                    (change - chosen.total()).format_danish(unit=""),
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
        return self.items.total()

    @property
    def residual(self) -> Money:
        """The unexplained residual (manglende forklaring): total change − explained."""
        return self.total_change - self.explained

    def items_in(self, sub_area: str) -> tuple[ChangeItem, ...]:
        """The items of one sub-area, largest first (then by reason)."""
        chosen = self.items.take(self.items.in_sub_area(sub_area))
        return tuple(chosen.take(chosen.largest_first()))

    def residual_in(self, sub_area: str) -> Money:
        """The unexplained residual of one sub-area."""
        explained = self.items.take(self.items.in_sub_area(sub_area)).total()
        return self.sub_area_changes.get(sub_area, Money(0)) - explained

    def _sub_area_names(self) -> list[str]:
        return sorted(set(self.sub_area_changes) | set(self.items.sub_area_names()))

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, Any]:
        """``{"total", "residual", "by_sub_area": {…: {"change", "residual", "items"}}, …}``."""
        names = self._sub_area_names()
        by_sub_area: dict[str, Any] = {name: {"items": []} for name in names}
        table = self.to_columns(show_cpr=True)
        rows = zip(*(table[column] for column in _COLUMNS), strict=True)
        for sub_area, reason, citizen, disposition, label, amount in rows:
            if reason == "residual":
                continue
            by_sub_area[sub_area]["items"].append(
                {
                    "citizen_id": citizen if citizen is None or show_cpr else mask_id(citizen),
                    "reason": reason,
                    "amount": Money(amount).to_string(),
                    "disposition_id": disposition,
                    "label": label,
                }
            )
        explained = self.items.sums_by_sub_area()
        for name in names:
            change = self.sub_area_changes.get(name, Money(0))
            by_sub_area[name] = {
                "change": change.to_string(),
                "residual": (change - explained.get(name, Money(0))).to_string(),
                "items": by_sub_area[name]["items"],
            }

        def shown(citizen_id: str | None) -> str | None:
            if citizen_id is None or show_cpr:
                return citizen_id
            return mask_id(citizen_id)

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
        items = self.items.take(self.items.largest_first())
        citizen, disposition, label = items.citizen_id, items.disposition_id, items.label
        if not show_cpr:
            citizen = citizen.mapped(mask_id)
            disposition, label = disposition.mapped(mask_text), label.mapped(mask_text)
        columns = {
            "sub_area": items.sub_area.objects(),
            "reason": items.reasons(),
            "citizen_id": citizen.objects(),
            "disposition_id": disposition.objects(),
            "label": label.objects(),
            "amount_ore": items.amount_ore.astype(object),
        }
        # Each sub-area's items (sorted by sub-area already), then its residual if any.
        names = self._sub_area_names()
        explained = items.sums_by_sub_area()
        residuals = [
            self.sub_area_changes.get(name, Money(0)) - explained.get(name, Money(0))
            for name in names
        ]
        ends = np.searchsorted(columns["sub_area"], np.array(names, dtype=object), side="right")
        result: dict[str, list[Any]] = {name: [] for name in columns}
        start = 0
        for name, end, residual in zip(names, ends.tolist(), residuals, strict=True):
            for column, values in columns.items():
                result[column] += values[start:end].tolist()
            start = end
            if residual:
                extra = (name, "residual", None, None, "", residual.ore)
                for column, value in zip(result, extra, strict=True):
                    result[column].append(value)
        return result

    def to_pandas(self, *, show_cpr: bool = False) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns`."""
        return pandas_frame(self.to_columns(show_cpr=show_cpr))

    def to_arrow(self, *, show_cpr: bool = False) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(show_cpr=show_cpr))


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
        >>> import datetime as dt
        >>> from styringskerne import Disposition, DispositionLedger
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
        items=items.items,
        sub_areas=sub_areas,
        colour_rule=colour_rule,
        catalogue=catalogue,
    )


def explanation_from_parts(
    previous: Snapshot,
    current: Snapshot,
    *,
    parts: tuple[LedgerForecastParts, LedgerForecastParts],
    items: ChangeItems | Sequence[ChangeItem],
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    catalogue: ServiceCatalogue | None = None,
) -> ChangeExplanation:
    """The change explanation of two snapshots' assumptions (youths, estimates, buffers, the
    demand pool) with the lines reckoned from their dispositions given as ``parts`` and the
    dispositions' items (:func:`.disposition_changes.disposition_items`, in order): what
    :func:`explain_change` does after reckoning them from the snapshots' own ledgers, which
    are not used here. A ledger evaluated in pieces (:mod:`styringskerne.dask`) comes here
    with its pieces' parts merged and items put in order
    (:meth:`.disposition_changes.PlacedItems.in_order`).
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
    others: list[ChangeItem] = []
    others += _youth_items(
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
        others += _keyed_items(
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
        others += _keyed_items(
            before=lines[0],
            after=lines[1],
            sub_areas=None,
            changed=reason,
            appeared=reason,
            disappeared=reason,
            label=kind,
            citizens=False,
        )
    return ChangeExplanation(
        sub_area_changes=changes,
        items=ChangeItems.concatenate(
            [
                ChangeItems.of(items),
                ChangeItems.of(others),
                _refund_items(forecasts[0], forecasts[1]),
            ]
        ),
        cases_on_the_way=current.cases_on_the_way,
    )


def _refund_items(previous: Forecast, current: Forecast) -> ChangeItems:
    """One ``refund`` item per person (household) and sub-area whose refund changed, in the
    order of (person, sub-area)."""
    if previous.state_refund is None or current.state_refund is None:
        return ChangeItems.empty()
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
        return ChangeItems.empty()
    unit_names, unit_codes = np.unique(units, return_inverse=True)
    area_names, area_codes = np.unique(areas, return_inverse=True)
    keys, pair = np.unique(
        unit_codes.ravel().astype(np.int64) * area_names.size + area_codes.ravel(),
        return_inverse=True,
    )
    grown = group_sum(pair.ravel(), signed, keys.size)
    changed = np.flatnonzero(grown)
    unit, area = np.divmod(keys[changed], area_names.size)
    households = np.array(
        sorted(
            {
                name
                for refund in refunds
                for name, household in zip(refund.units, refund.households, strict=True)
                if household
            }
        ),
        dtype=str,
    )
    is_household = np.isin(unit_names, households)[unit]
    count = changed.size
    # Labels: a citizen's own refund, or the household's, named by the household.
    label_texts = np.concatenate(
        [np.array(["state refund (§ 176)"], dtype=object), "household " + unit_names.astype(object)]
    )
    return ChangeItems(
        sub_area=TextColumn.of(area_names, area),
        reason=np.full(count, REASONS.index("refund"), dtype=np.int8),
        amount_ore=-grown[changed],
        citizen_id=TextColumn.of(unit_names, np.where(is_household, -1, unit)),
        disposition_id=TextColumn.constant(None, count),
        label=TextColumn.of(label_texts, np.where(is_household, unit + 1, 0)),
    )


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
