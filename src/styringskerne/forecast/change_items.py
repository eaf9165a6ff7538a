"""The explained items of a forecast's change, kept as columns (forklaringsposter).

A month's explanation of a national ledger has hundreds of thousands of items (every citizen
whose expected refund moved, every disposition that changed). :class:`ChangeItems` holds them
as arrays — the amounts in øre, the reasons as codes, each text column as its distinct texts
and a position per item — and makes a :class:`ChangeItem` only when an item is read. It is a
sequence of :class:`ChangeItem` (``len``, indexing, iteration, ``==`` with a tuple of items),
and sums, selections and tables are computed on the columns.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, Literal, get_args, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import Money
from styringskerne.engine.aggregate import exact_sum

__all__ = ["REASONS", "ChangeItem", "ChangeItems", "Reason"]

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
REASONS: Final[tuple[Reason, ...]] = get_args(Reason)
_REASON_CODE: Final = {reason: code for code, reason in enumerate(REASONS)}
# Items of one sub-area are listed largest first, then by the reason's name.
_REASON_RANK: Final = np.argsort(np.argsort(np.array(REASONS))).astype(np.int64)


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


def _as_texts(values: NDArray[Any]) -> NDArray[Any]:
    """Labels as texts: numbers (ids numbered by ``from_arrays``) written in decimals."""
    return values if values.dtype.kind in "UO" else values.astype(str)


@masked_repr
@attrs.frozen(eq=False, repr=False)
class TextColumn:
    """A text column of items (tekstkolonne): distinct texts and each item's position among
    them, ``-1`` where the item has none (``None``)."""

    texts: NDArray[Any]
    codes: NDArray[np.int64]

    def __repr__(self) -> str:
        return f"TextColumn(items={self.codes.size}, texts={self.texts.size})"

    @classmethod
    def of(cls, texts: NDArray[Any], codes: NDArray[np.integer]) -> TextColumn:
        """The column of the items at ``codes`` of ``texts``, keeping only the texts used
        (an item column must not hold on to a ledger's every label)."""
        codes = np.asarray(codes, dtype=np.int64)
        present = codes >= 0
        used, inverse = np.unique(codes[present], return_inverse=True)
        kept = np.full(codes.size, -1, dtype=np.int64)
        kept[present] = inverse.ravel()
        return cls(_as_texts(np.asarray(texts)[used]), kept)

    @classmethod
    def constant(cls, text: str | None, count: int) -> TextColumn:
        """The same text (or none) for ``count`` items."""
        if text is None:
            return cls(np.zeros(0, dtype=object), np.full(count, -1, dtype=np.int64))
        return cls(np.array([text], dtype=object), np.zeros(count, dtype=np.int64))

    @classmethod
    def from_values(cls, values: Sequence[str | None]) -> TextColumn:
        """The column of Python texts (``None`` for none)."""
        distinct = sorted({value for value in values if value is not None})
        position = {text: code for code, text in enumerate(distinct)}
        codes = np.fromiter(
            (-1 if value is None else position[value] for value in values),
            dtype=np.int64,
            count=len(values),
        )
        return cls(np.array(distinct, dtype=object), codes)

    @staticmethod
    def concatenate(columns: Sequence[TextColumn]) -> TextColumn:
        """The columns one after the other."""
        offsets = np.cumsum([0, *(column.texts.size for column in columns)])
        codes = [
            np.where(column.codes >= 0, column.codes + offset, -1)
            for column, offset in zip(columns, offsets.tolist(), strict=False)
        ]
        texts = [column.texts.astype(object) for column in columns]
        return TextColumn(
            np.concatenate([*texts, np.zeros(0, dtype=object)]),
            np.concatenate([*codes, np.zeros(0, dtype=np.int64)]),
        )

    def take(self, rows: NDArray[Any]) -> TextColumn:
        """The column of some items (an index array or a mask), sharing the texts."""
        return TextColumn(self.texts, self.codes[rows])

    def objects(self) -> NDArray[Any]:
        """Each item's text as a Python ``str`` (or ``None``), one object array."""
        table = np.array([*(str(text) for text in self.texts.tolist()), None], dtype=object)
        return table[self.codes]  # -1 takes the trailing None

    def mapped(self, function: Callable[[str], str]) -> TextColumn:
        """The column with ``function`` applied to each distinct text once (masking)."""
        texts = np.array([function(str(text)) for text in self.texts.tolist()], dtype=object)
        return TextColumn(texts, self.codes)

    def equals(self, text: str) -> NDArray[np.bool_]:
        """Which items have ``text``."""
        hits = np.flatnonzero(np.array([str(t) == text for t in self.texts.tolist()], dtype=bool))
        return np.isin(self.codes, hits)

    def ranks(self) -> NDArray[np.int64]:
        """Each item's place among the column's distinct texts in sorted order (-1: none)."""
        texts = np.array([str(text) for text in self.texts.tolist()], dtype=object)
        if not texts.size:
            return np.full(self.codes.size, -1, dtype=np.int64)
        # Equal texts (columns put together) share a rank.
        rank = np.append(np.unique(texts, return_inverse=True)[1].ravel(), -1)
        return rank[self.codes].astype(np.int64)


def _check_columns(instance: ChangeItems, attribute: attrs.Attribute[Any], value: Any) -> None:
    count = instance.amount_ore.size
    sizes = {
        "sub_area": instance.sub_area.codes.size,
        "reason": instance.reason.size,
        "citizen_id": instance.citizen_id.codes.size,
        "disposition_id": instance.disposition_id.codes.size,
        "label": instance.label.codes.size,
    }
    for name, size in sizes.items():
        if size != count:
            raise StyringskerneError(
                f"'{name}' has {size} items but 'amount_ore' has {count}; every column of "
                "ChangeItems must have one entry per item"
            )
    if count and (instance.reason.min() < 0 or instance.reason.max() >= len(REASONS)):
        raise StyringskerneError(
            f"'reason' codes must be positions in REASONS, 0 to {len(REASONS) - 1}"
        )
    for name in ("sub_area", "label"):
        if count and getattr(instance, name).codes.min() < 0:
            raise StyringskerneError(f"every item must have a '{name}' (a code of -1 found)")


@masked_repr
@attrs.frozen(kw_only=True, eq=False, repr=False)
class ChangeItems(Sequence[ChangeItem]):
    """The explained items of a change as columns (forklaringsposter som kolonner).

    A sequence of :class:`ChangeItem`, made one at a time on access; sums and selections are
    computed on the columns. Build it with :meth:`of` from items, or from other
    ``ChangeItems`` with :meth:`concatenate`.

    Attributes:
        sub_area, citizen_id, disposition_id, label: text columns (:class:`TextColumn`).
        reason: each item's reason as its position in :data:`REASONS`.
        amount_ore: each item's amount in øre (positive = more spend).

    Examples:
        >>> items = ChangeItems.of([
        ...     ChangeItem(sub_area="5.38.52", reason="new", amount=Money.of("721.000,00"),
        ...                citizen_id="010190-1234"),
        ...     ChangeItem(sub_area="5.38.52", reason="payer", amount=Money.of("-352.000,00"))])
        >>> len(items), str(items.total()), items[0].reason
        (2, '369.000,00 kr.', 'new')
        >>> items
        ChangeItems(items=2, total=369.000,00 kr.)
    """

    sub_area: TextColumn
    reason: NDArray[np.int8]
    amount_ore: NDArray[np.int64]
    citizen_id: TextColumn
    disposition_id: TextColumn
    label: TextColumn = attrs.field(validator=_check_columns)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def of(cls, items: ChangeItems | Iterable[ChangeItem]) -> ChangeItems:
        """The items as columns (``ChangeItems`` are returned as they are)."""
        if isinstance(items, ChangeItems):
            return items
        listed = list(items)
        for position, item in enumerate(listed):
            if not isinstance(item, ChangeItem):
                raise StyringskerneError(
                    f"item {position} must be a ChangeItem (got a {type(item).__name__})"
                )
        return cls(
            sub_area=TextColumn.from_values([item.sub_area for item in listed]),
            reason=np.array([_REASON_CODE[item.reason] for item in listed], dtype=np.int8),
            amount_ore=np.array([item.amount.ore for item in listed], dtype=np.int64),
            citizen_id=TextColumn.from_values([item.citizen_id for item in listed]),
            disposition_id=TextColumn.from_values([item.disposition_id for item in listed]),
            label=TextColumn.from_values([item.label for item in listed]),
        )

    @classmethod
    def empty(cls) -> ChangeItems:
        """No items."""
        return cls.of(())

    @classmethod
    def concatenate(cls, parts: Sequence[ChangeItems]) -> ChangeItems:
        """The items of ``parts`` one after the other."""
        if len(parts) == 1:
            return parts[0]
        return cls(
            sub_area=TextColumn.concatenate([part.sub_area for part in parts]),
            reason=np.concatenate([*(part.reason for part in parts), np.zeros(0, np.int8)]),
            amount_ore=np.concatenate(
                [*(part.amount_ore for part in parts), np.zeros(0, np.int64)]
            ),
            citizen_id=TextColumn.concatenate([part.citizen_id for part in parts]),
            disposition_id=TextColumn.concatenate([part.disposition_id for part in parts]),
            label=TextColumn.concatenate([part.label for part in parts]),
        )

    def take(self, rows: NDArray[Any]) -> ChangeItems:
        """Some of the items (an index array or a mask), in that order."""
        return ChangeItems(
            sub_area=self.sub_area.take(rows),
            reason=self.reason[rows],
            amount_ore=self.amount_ore[rows],
            citizen_id=self.citizen_id.take(rows),
            disposition_id=self.disposition_id.take(rows),
            label=self.label.take(rows),
        )

    # -- the sequence of items ----------------------------------------------------------
    def __len__(self) -> int:
        return int(self.amount_ore.size)

    @overload
    def __getitem__(self, index: int) -> ChangeItem: ...

    @overload
    def __getitem__(self, index: slice) -> ChangeItems: ...

    def __getitem__(self, index: int | slice) -> ChangeItem | ChangeItems:
        if isinstance(index, slice):
            return self.take(np.arange(len(self))[index])
        position = int(index)
        if not -len(self) <= position < len(self):
            raise IndexError(f"item {index} of {len(self)} items")
        return next(iter(self.take(np.array([position]))))

    def __iter__(self) -> Iterator[ChangeItem]:
        columns = zip(
            self.sub_area.objects().tolist(),
            self.reason.tolist(),
            self.amount_ore.tolist(),
            self.citizen_id.objects().tolist(),
            self.disposition_id.objects().tolist(),
            self.label.objects().tolist(),
            strict=True,
        )
        for sub_area, reason, amount, citizen, disposition, label in columns:
            yield ChangeItem(
                sub_area=sub_area,
                reason=REASONS[reason],
                amount=Money(amount),
                citizen_id=citizen,
                disposition_id=disposition,
                label=label,
            )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ChangeItems | tuple | list):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a table of items, like a list

    def __repr__(self) -> str:
        return f"ChangeItems(items={len(self)}, total={self.total().format_danish()})"

    # -- computed on the columns --------------------------------------------------------
    def total(self) -> Money:
        """The exact sum of the items' amounts."""
        return Money(int(exact_sum(self.amount_ore)))

    def reasons(self) -> NDArray[Any]:
        """Each item's reason as text, one object array."""
        return np.array(REASONS, dtype=object)[self.reason]

    def with_reason(self, reason: Reason) -> NDArray[np.bool_]:
        """Which items have ``reason``."""
        return np.asarray(self.reason == _REASON_CODE[reason], dtype=bool)

    def in_sub_area(self, sub_area: str) -> NDArray[np.bool_]:
        """Which items belong to ``sub_area``."""
        return self.sub_area.equals(sub_area)

    def sub_area_names(self) -> list[str]:
        """The sub-areas the items belong to, sorted."""
        used = np.unique(self.sub_area.codes)
        return sorted({str(self.sub_area.texts[code]) for code in used.tolist()})

    def largest_first(self) -> NDArray[np.int64]:
        """The order of the items by sub-area, then largest amount first, then reason (the
        order of :meth:`ChangeExplanation.items_in`); ties keep their order."""
        magnitude = -np.abs(self.amount_ore)
        return np.lexsort((_REASON_RANK[self.reason], magnitude, self.sub_area.ranks())).astype(
            np.int64
        )

    def sums_by_sub_area(self) -> dict[str, Money]:
        """The items' sum per sub-area (sub-areas sorted)."""
        ranks = self.sub_area.ranks()
        names = self.sub_area.objects()
        sums: dict[str, Money] = {}
        if not len(self):
            return sums
        order = np.argsort(ranks, kind="stable")
        starts = np.flatnonzero(np.r_[True, ranks[order][1:] != ranks[order][:-1]])
        bounds = np.r_[starts, order.size].tolist()
        for first, stop in itertools.pairwise(bounds):
            sums[str(names[order[first]])] = Money(
                int(exact_sum(self.amount_ore[order[first:stop]]))
            )
        return sums
