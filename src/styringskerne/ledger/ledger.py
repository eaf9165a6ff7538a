"""The individual disposition ledger (individbaseret dispositionsregnskab).

A :class:`DispositionLedger` compiles dispositions to columns once and answers, exactly and
fast: the *Figur 6.1* columns as of a date (:meth:`~DispositionLedger.as_of`), the cost over any
period (:meth:`~DispositionLedger.cost`), and daily and monthly series
(:meth:`~DispositionLedger.daily`, :meth:`~DispositionLedger.monthly`), in total or by account,
citizen, provider, service or disposition.

Examples:
    >>> import datetime as dt
    >>> from styringskerne import Disposition, DispositionLedger
    >>> ledger = DispositionLedger([
    ...     Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108", rate="1.000,00",
    ...                         unit="day", start=dt.date(2024, 1, 1)),
    ... ])
    >>> status = ledger.as_of(dt.date(2024, 1, 31))
    >>> status.total.computed_to_date, status.total.disposed_rest_of_year, status.total.expected
    (Money.of('31000.00'), Money.of('335000.00'), Money.of('366000.00'))
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import (
    OPEN_END,
    BudgetYear,
    DateRange,
    as_of_in_year,
    day_number,
    from_day_number,
)
from styringskerne.core.cpr import mask_id, normalise_citizen_id
from styringskerne.core.errors import ImportFailedError, RowError, StyringskerneError
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import Money
from styringskerne.core.quantities import to_fraction
from styringskerne.dispositions import Actual, Disposition
from styringskerne.engine import (
    UNIT_CODES,
    UNIT_ONCE,
    SegmentColumns,
    build_segment_columns,
    daily_by_group,
    dense_codes,
    exact_sum,
    group_sum,
    grouped_interval_costs,
    interval_costs,
)
from styringskerne.engine.columns import readonly
from styringskerne.engine.labels import CodedLabels

if TYPE_CHECKING:
    from styringskerne.io.csv import ImportResult
    from styringskerne.tariffs.pricelist import PriceList

from styringskerne.ledger.results import (
    AmountSeries,
    AmountTable,
    LedgerRow,
    LedgerStatus,
    LedgerTable,
)

__all__ = [
    "DIMENSIONS",
    "NO_DISPOSITION",
    "UNKNOWN_DISPOSITION",
    "DispositionLedger",
    "LedgerImport",
    "PostingColumns",
]

DIMENSIONS: Final = (
    "account",
    "citizen",
    "provider",
    "service",
    "disposition",
    "payer",
    "granting_area",
    "paying_area",
    "household",
)
"""What results can be grouped by (``by=``); ``None`` gives the total."""
_LEDGER_DIMENSIONS: Final = ("account", "citizen", "disposition")
_TOTAL: Final = "total"
_COST_CACHE_SIZE: Final = 4
NO_BIRTH_DATE: Final = np.iinfo(np.int64).min
"""The birth-day column's value where no birth date was given."""


@masked_repr
@attrs.frozen(eq=False)
class _Dimension:
    codes: NDArray[np.int64]
    labels: NDArray[Any]


NO_DISPOSITION: Final = -1
"""A posting's disposition code when it names no disposition."""
UNKNOWN_DISPOSITION: Final = -2
"""A posting's disposition code when the disposition it names is not in the ledger."""


@masked_repr
@attrs.frozen(eq=False)
class PostingColumns:
    """The ledger's actual postings as read-only columns (bogføringer), one entry per posting.

    ``citizen`` and ``account`` are codes in the ledger's labels of those dimensions (which
    include the citizens and accounts of postings); ``disposition`` is the code in the
    disposition labels, :data:`NO_DISPOSITION` or :data:`UNKNOWN_DISPOSITION`;
    ``disposition_id`` and ``provider`` are the texts as posted (``""`` when absent).
    """

    citizen: NDArray[np.int64]
    account: NDArray[np.int64]
    day: NDArray[np.int64]
    amount: NDArray[np.int64]
    disposition: NDArray[np.int64]
    disposition_id: NDArray[np.str_]
    provider: NDArray[np.str_]


def _posting_dispositions(labels: NDArray[Any], posted: NDArray[np.str_]) -> NDArray[np.int64]:
    """Each posting's code in the disposition ``labels`` (sorted), or a code for none/unknown."""
    codes = np.full(posted.size, NO_DISPOSITION, dtype=np.int64)
    given = posted != ""
    if not given.any():
        return readonly(codes)
    if labels.size == 0:
        codes[given] = UNKNOWN_DISPOSITION
        return readonly(codes)
    # Labels of ledgers built from arrays without ids are integers; postings name them as text.
    texts = labels.astype(str)
    order = np.argsort(texts, kind="stable")
    sorted_texts = texts[order]
    wanted = posted[given]
    found = np.searchsorted(sorted_texts, wanted)
    inside = found < sorted_texts.size
    hit = np.zeros(wanted.size, dtype=bool)
    hit[inside] = sorted_texts[found[inside]] == wanted[inside]
    codes[given] = np.where(
        hit, order[np.minimum(found, sorted_texts.size - 1)], UNKNOWN_DISPOSITION
    )
    return readonly(codes)


def _one_spelling_per_citizen(
    labels: NDArray[Any], codes: NDArray[np.int64]
) -> tuple[NDArray[Any], NDArray[np.int64]]:
    """Citizen labels with every CPR number in one spelling, and codes that follow.

    Only distinct labels are looked at, and only those that are not already ``DDMMYY-SSSS``
    go through the CPR pattern, so this costs little beside the sort that made the labels.
    """
    if labels.dtype.kind != "U" or labels.size == 0:
        return labels, codes
    # A CPR number has ten digits: labels with fewer ASCII digits and no other characters
    # beyond ASCII (the pattern's \d takes any script's digits) are never one (pseudonyms
    # such as B-00017) and skip the pattern. Counted on the characters' code points.
    points = labels.view(np.uint32).reshape(labels.size, -1)
    digits = ((points >= ord("0")) & (points <= ord("9"))).sum(axis=1)
    candidates = np.flatnonzero((digits >= 10) | (points > 127).any(axis=1))
    listed = labels[candidates].tolist()
    respelled = [
        label if len(label) == 11 and label[6] == "-" else normalise_citizen_id(label)
        for label in listed
    ]
    if respelled == listed:
        return labels, codes
    spelled = labels.astype(object)
    spelled[candidates] = respelled
    merged, remap = np.unique(spelled.astype(str), return_inverse=True)
    return merged, remap.astype(np.int64).ravel()[codes]


_LabelColumn = NDArray[Any] | CodedLabels
"""A dimension's labels for each row: as texts, or as texts numbered by a reader."""


@masked_repr
class _SortedLabels(CodedLabels):
    """Coded labels whose texts are distinct, sorted and each held by some row."""


def _sorted_labels(column: CodedLabels) -> _SortedLabels:
    """A coded column over its rows' distinct texts in sorted order, as :func:`_factorised`
    numbers the whole column, sorting the texts only."""
    if isinstance(column, _SortedLabels):
        return column
    used = np.zeros(column.texts.size, dtype=bool)
    used[column.codes] = True
    kept = np.flatnonzero(used)
    texts, inverse = _factorised(column.texts[kept])
    position = np.zeros(column.texts.size, dtype=np.int64)
    position[kept] = inverse
    return _SortedLabels(texts, position[column.codes])


def _encode(
    values: NDArray[Any] | CodedLabels,
    extra: NDArray[Any] | None = None,
    *,
    citizens: bool = False,
) -> tuple[NDArray[Any], NDArray[np.int64], NDArray[np.int64]]:
    """Labels and codes for ``values`` (and for ``extra``, sharing the labels)."""
    if isinstance(values, CodedLabels):
        if extra is None or extra.size == 0:
            coded = _sorted_labels(values)
            labels, codes = coded.texts, coded.codes
            if citizens:
                labels, codes = _one_spelling_per_citizen(labels, codes)
            return readonly(labels), readonly(codes), readonly(np.zeros(0, dtype=np.int64))
        values = values.values()
    if extra is not None and extra.size and values.dtype != extra.dtype:
        values, extra = values.astype(str), extra.astype(str)
    combined = values if extra is None or extra.size == 0 else np.concatenate([values, extra])
    labels, codes = _factorised(combined)
    if citizens:
        labels, codes = _one_spelling_per_citizen(labels, codes)
    return (
        readonly(labels),
        readonly(codes[: values.size]),
        readonly(codes[values.size :]),
    )


def _factorised(values: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.int64]]:
    """Sorted distinct labels and each row's code, sparing the sort where it is not needed:
    a column with one value (a dimension not given is all "") or one already strictly
    increasing (row numbers as disposition ids) is its own factorisation."""
    size = values.size
    if size and not (values != values[0]).any():
        return values[:1].copy(), np.zeros(size, dtype=np.int64)
    if size > 1 and values.dtype.kind in "iu" and bool((values[1:] > values[:-1]).all()):
        return values.copy(), np.arange(size, dtype=np.int64)
    if values.dtype.kind in "iu" and size:
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * size and low > -(1 << 62) and high < 1 << 62:
            # Integer ids in a compact range (citizen numbers): a presence mask, no sort.
            distinct, codes = dense_codes(values.astype(np.int64) - low, high - low + 1)
            return (distinct + low).astype(values.dtype), codes
    words = _packed_words(values)
    if words is not None and len(words) == 1:
        # Few distinct short texts (accounts, units, services): no sort of the column. (Long
        # texts are compared character by character, where a sort of the column is faster.)
        found = _few_distinct(words[0])
        if found is not None:
            first, codes = found
            return values[first], codes
    if words is not None:
        # Latin-1 texts of up to 16 characters (account keys, CPR numbers, case ids) sort as
        # one or two integers, several times faster than as texts.
        order = np.lexsort(words[::-1]) if len(words) > 1 else np.argsort(words[0])
        ordered = [word[order] for word in words]
        new = np.zeros(size, dtype=bool)
        new[:1] = True
        for word in ordered:
            new[1:] |= word[1:] != word[:-1]
        codes = np.empty(size, dtype=np.int64)
        codes[order] = np.cumsum(new) - 1
        return values[order[new]], codes
    labels, codes = np.unique(values, return_inverse=True)
    return labels, codes.astype(np.int64).ravel()


_PROBE: Final = 4096
"""Rows a column's distinct values are first looked for in (see :func:`_few_distinct`)."""


def _few_distinct(keys: NDArray[Any]) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """For a column of few distinct keys (texts packed into integers): each distinct key's
    first row and each row's code, by a binary search among the distinct keys of the first
    rows — no sort of the whole column. ``None`` when the first rows hold many distinct keys,
    or a later row holds one they do not (then the column is sorted)."""
    distinct, first = np.unique(keys[:_PROBE], return_index=True)
    if keys.size > _PROBE and distinct.size * 64 > keys.size:
        return None
    position = np.minimum(np.searchsorted(distinct, keys), distinct.size - 1)
    if keys.size > _PROBE and not bool((distinct[position] == keys).all()):
        return None
    return first.astype(np.int64), position.astype(np.int64)


def _packed_words(values: NDArray[Any]) -> list[NDArray[np.uint64]] | None:
    """One or two integers per text that sort as the text does, for texts of at most 16
    characters below U+0100 (each character a byte, big-endian, shorter texts padded with 0
    as numpy pads them); ``None`` for any other column."""
    if values.dtype.kind != "U":
        return None
    width = values.dtype.itemsize // 4
    if not 0 < width <= 16:
        return None
    points = np.ascontiguousarray(values).view(np.uint32).reshape(-1, width)
    if points.size and int(points.max()) > 0xFF:
        return None
    count = 1 if width <= 8 else 2
    packed = np.zeros((values.size, 8 * count), dtype=np.uint8)
    packed[:, :width] = points
    words = packed.view(">u8").astype(np.uint64)
    return [np.ascontiguousarray(words[:, index]) for index in range(count)]


def _label_column(name: str, values: object, size: int) -> _LabelColumn:
    if values is None:
        return np.full(size, "", dtype="<U1")
    if isinstance(values, CodedLabels):
        return _coded_column(name, values, size)
    array = np.asarray(values)
    if array.ndim != 1 or array.shape[0] != size:
        raise StyringskerneError(
            f"'{name}' must be one-dimensional with {size} rows (got shape {array.shape})"
        )
    return _label_texts(name, array)


def _coded_column(name: str, column: CodedLabels, size: int) -> CodedLabels:
    """A label column given as texts and codes, checked: ``size`` codes, each a position
    among the texts."""
    codes = np.asarray(column.codes)
    if codes.ndim != 1 or codes.shape[0] != size or codes.dtype.kind not in "iu":
        raise StyringskerneError(
            f"'{name}' codes must be {size} integers, one per row (got shape {codes.shape}, "
            f"dtype {codes.dtype})"
        )
    texts = np.asarray(column.texts)
    if texts.ndim != 1:
        raise StyringskerneError(f"'{name}' texts must be one-dimensional")
    if codes.size and (int(codes.min()) < 0 or int(codes.max()) >= texts.shape[0]):
        row = int(np.flatnonzero((codes < 0) | (codes >= texts.shape[0]))[0])
        raise StyringskerneError(
            f"'{name}' row {row}: code {int(codes[row])} is not a position among the "
            f"{texts.shape[0]} texts (0 to {texts.shape[0] - 1})"
        )
    return CodedLabels(_label_texts(f"{name} texts", texts), codes.astype(np.int64))


def _label_texts(name: str, array: NDArray[Any]) -> NDArray[Any]:
    """Labels as strings or integers; an object column of strings as strings."""
    if array.dtype.kind not in "iuUO":
        raise StyringskerneError(
            f"'{name}' must hold strings or integers (got dtype {array.dtype})"
        )
    if array.dtype.kind == "O":
        # Mixed ids (17 and "17") would sort as different labels or not at all.
        not_text = [i for i, value in enumerate(array.tolist()) if not isinstance(value, str)]
        if not_text:
            row = not_text[0]
            raise StyringskerneError(
                f"'{name}' row {row}: ids in an object column must all be str (got "
                f"{type(array[row]).__name__}); convert the column with .astype(str)"
            )
        array = array.astype(str)
    return array


def _exact_column(
    name: str, values: object, size: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Numerators and denominators of an exact column (quantity or probability)."""
    ones = np.ones(size, dtype=np.int64)
    if values is None:
        return ones, ones
    array = np.asarray(values)
    if array.ndim != 1 or array.shape[0] != size:
        raise StyringskerneError(
            f"'{name}' must be one-dimensional with {size} rows (got shape {array.shape})"
        )
    if array.dtype.kind in "iu":
        return array.astype(np.int64), ones
    if array.dtype.kind not in "fOU":
        raise StyringskerneError(f"'{name}' must hold numbers (got dtype {array.dtype})")
    if array.dtype.kind == "O":
        distinct, inverse = _distinct_objects(array.tolist())
    else:  # floats and text sort: numpy finds the distinct values
        distinct_array, inverse = np.unique(array, return_inverse=True)
        distinct = distinct_array.tolist()
    # Few distinct values in practice: each is converted once.
    numerators = np.empty(len(distinct), dtype=np.int64)
    denominators = np.empty(len(distinct), dtype=np.int64)
    for position, value in enumerate(distinct):
        try:
            exact = to_fraction(value, field=name)
        except StyringskerneError as error:
            row = int(np.flatnonzero(inverse.ravel() == position)[0])
            raise StyringskerneError(f"row {row}: {error}") from None
        numerators[position], denominators[position] = exact.numerator, exact.denominator
    inverse = inverse.ravel()
    return numerators[inverse], denominators[inverse]


def _distinct_objects(values: list[Any]) -> tuple[list[Any], NDArray[np.int64]]:
    """Distinct cells of an object column and each row's position among them.

    Object columns may mix types (0.5 beside "1/3"), which do not sort, so they are keyed by
    type and value; an unhashable cell (a list) is its own value and fails conversion later.
    """
    position_of: dict[tuple[type, object], int] = {}
    distinct: list[Any] = []
    inverse = np.empty(len(values), dtype=np.int64)
    for row, value in enumerate(values):
        try:
            key: tuple[type, object] = (type(value), value)
            hash(key)
        except TypeError:
            key = (type(value), id(value))
        position = position_of.get(key)
        if position is None:
            position = position_of[key] = len(distinct)
            distinct.append(value)
        inverse[row] = position
    return distinct, inverse


def _day_column(name: str, values: object, size: int, *, allow_missing: bool) -> NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim != 1 or array.shape[0] != size:
        raise StyringskerneError(
            f"'{name}' must be one-dimensional with {size} rows (got shape {array.shape})"
        )
    try:
        dates = array.astype("datetime64[D]")
    except (TypeError, ValueError) as error:
        raise StyringskerneError(f"'{name}' must be datetime64[D] dates: {error}") from None
    missing = np.isnat(dates)
    if missing.any() and not allow_missing:
        raise StyringskerneError(f"row {int(np.flatnonzero(missing)[0])}: '{name}' is missing")
    days = dates.astype(np.int64)
    return np.where(missing, OPEN_END - 1, days)


def _birth_column(values: object, size: int) -> NDArray[np.int64]:
    days = _day_column("birth_date", values, size, allow_missing=True)
    missing = np.isnat(np.asarray(values).astype("datetime64[D]"))
    return np.where(missing, NO_BIRTH_DATE, days)


def _join_price_runs(
    raw: dict[str, NDArray[Any]], labels: dict[str, _LabelColumn]
) -> tuple[dict[str, NDArray[Any]], dict[str, _LabelColumn]]:
    """Rows of one disposition that follow each other with one price, joined into one run.

    As for :class:`Disposition`: cost is rounded from the start of a price run, so splitting a
    row where the price does not change changes no total. Rows are joined only when they are
    next to each other in the input (the order of a dispositions file), their dates meet and
    they agree on everything else — price, provider (a move is a new run), and citizen,
    account, payer and every other label: a row that differs in any of them is kept, never
    folded into its neighbour (its citizen or account would be lost without a word).
    """
    same = raw["stop"][:-1] == raw["start"][1:]
    same &= raw["unit"][1:] != UNIT_ONCE
    for name, column in raw.items():
        if name not in ("start", "stop"):
            same &= column[1:] == column[:-1]
    for label_column in labels.values():
        keys = _row_keys(label_column)
        same &= keys[1:] == keys[:-1]
    if not same.any():
        return raw, labels
    first = np.concatenate([[True], ~same])
    last = np.concatenate([~same, [True]])
    joined = {name: column[first] for name, column in raw.items()}
    joined["stop"] = raw["stop"][last]
    return joined, {
        name: column.take(first) if isinstance(column, CodedLabels) else column[first]
        for name, column in labels.items()
    }


def _row_keys(column: NDArray[Any] | CodedLabels) -> NDArray[Any]:
    """Values equal exactly where two rows' labels are (a sorted coded column's codes)."""
    return _sorted_labels(column).codes if isinstance(column, CodedLabels) else column


@masked_repr
@attrs.frozen
class LedgerImport:
    """A ledger read from a dispositions file, with every rejected row (indlæst
    dispositionsregnskab).

    Attributes:
        ledger: the dispositions that loaded.
        errors: every row rejected, with its line, column and reason.
        loaded_lines: the lines that went into ``ledger``; with the lines of ``errors`` they
            account for every row of the file.
    """

    ledger: DispositionLedger
    errors: tuple[RowError, ...]
    loaded_lines: tuple[int, ...] = attrs.field(repr=False)

    @property
    def ok(self) -> bool:
        """Whether every row was loaded."""
        return not self.errors


@masked_repr
class DispositionLedger:
    """Individual disposition ledger (individbaseret dispositionsregnskab).

    Args:
        dispositions: the citizens' dispositions.
        actuals: postings from the finance system, for the *booked to date* column.
        catalogue: gives the default account of a disposition without one
            (default: the shipped catalogue).

    Raises:
        StyringskerneError: if a disposition id repeats or a service without an account is not
            in the catalogue.
    """

    __slots__ = ("_actuals", "_birth_days", "_cache_lock", "_costs", "_dimensions", "_segments")

    _segments: SegmentColumns
    _dimensions: Mapping[str, _Dimension]
    _actuals: PostingColumns
    _birth_days: NDArray[np.int64]
    _costs: dict[tuple[dt.date, dt.date], NDArray[np.int64]]
    _cache_lock: threading.Lock

    def __init__(
        self,
        dispositions: Iterable[Disposition],
        actuals: Iterable[Actual] = (),
        *,
        catalogue: ServiceCatalogue | None = None,
    ) -> None:
        catalogue = catalogue if catalogue is not None else ServiceCatalogue.default()
        columns: dict[str, list[Any]] = {
            key: []
            for key in (
                "disposition",
                "citizen",
                "account",
                "provider",
                "service",
                "payer",
                "granting_area",
                "paying_area",
                "household",
                "birth",
                "start",
                "stop",
                "unit",
                "rate",
                "q_num",
                "q_den",
                "p_num",
                "p_den",
            )
        }
        seen: set[str] = set()
        for disposition in dispositions:
            if disposition.id in seen:
                raise StyringskerneError(f"disposition id {disposition.id!r} occurs twice")
            seen.add(disposition.id)
            account = disposition.account
            if account is None:
                if disposition.service not in catalogue:
                    raise StyringskerneError(
                        f"disposition {disposition.id!r} (citizen "
                        f"{mask_id(disposition.citizen_id)}) has no account and service "
                        f"{disposition.service!r} is not in the catalogue; give an account or "
                        "add the service"
                    )
                account = catalogue.account_for(disposition.service)
            probability = disposition.probability
            for segment in disposition.segments:
                columns["disposition"].append(disposition.id)
                columns["citizen"].append(disposition.citizen_id)
                columns["account"].append(account)
                columns["provider"].append(segment.provider or disposition.provider or "")
                columns["payer"].append(disposition.payer or "")
                columns["granting_area"].append(disposition.granting_area or "")
                columns["paying_area"].append(disposition.paying_area or "")
                columns["household"].append(disposition.household or "")
                columns["birth"].append(
                    NO_BIRTH_DATE
                    if disposition.birth_date is None
                    else day_number(disposition.birth_date)
                )
                columns["service"].append(disposition.service)
                columns["start"].append(day_number(segment.start))
                columns["stop"].append(
                    OPEN_END if segment.end is None else day_number(segment.end) + 1
                )
                columns["unit"].append(UNIT_CODES[segment.unit.value])
                columns["rate"].append(segment.rate.ore)
                columns["q_num"].append(segment.quantity.numerator)
                columns["q_den"].append(segment.quantity.denominator)
                columns["p_num"].append(probability.numerator)
                columns["p_den"].append(probability.denominator)
        segments = build_segment_columns(
            start=np.array(columns["start"], dtype=np.int64),
            stop=np.array(columns["stop"], dtype=np.int64),
            unit=np.array(columns["unit"], dtype=np.int64),
            rate_ore=np.array(columns["rate"], dtype=np.int64),
            quantity_numerator=np.array(columns["q_num"], dtype=np.int64),
            quantity_denominator=np.array(columns["q_den"], dtype=np.int64),
            probability_numerator=np.array(columns["p_num"], dtype=np.int64),
            probability_denominator=np.array(columns["p_den"], dtype=np.int64),
        )
        labels = {
            name: np.array(columns[name], dtype=object if columns[name] else "<U1").astype(str)
            for name in DIMENSIONS
        }
        birth_days = np.array(columns["birth"], dtype=np.int64)
        self._assign(segments, labels, tuple(actuals), birth_days)

    @classmethod
    def from_arrays(
        cls,
        *,
        citizen_id: object,
        account: object,
        start: object,
        end: object,
        unit: object,
        rate_ore: object,
        quantity: object = None,
        probability: object = None,
        provider: object = None,
        service: object = None,
        disposition_id: object = None,
        payer: object = None,
        granting_area: object = None,
        paying_area: object = None,
        household: object = None,
        birth_date: object = None,
        actuals: Iterable[Actual] = (),
    ) -> DispositionLedger:
        """Build a ledger from columns, one row per price segment, without per-row objects.

        Args:
            citizen_id: citizen ids (strings or integers).
            account: account keys.
            start: first day of each segment, ``datetime64[D]``.
            end: last day (inclusive), ``datetime64[D]``; ``NaT`` means open-ended.
            unit: ``"day"``, ``"week"``, ``"month"`` or ``"once"`` per row.
            rate_ore: price per unit in øre, int64.
            quantity: multiplies the price; integers, floats that are short decimals (at most
                four decimals) or ``Decimal``/``Fraction``/text objects (``"1/3"``).
                ``None`` means 1.
            probability: from 0 to 1, same forms as ``quantity``; ``None`` means 1.
            provider: optional provider labels for grouping.
            service: optional service labels for grouping.
            disposition_id: optional disposition labels; ``None`` numbers the rows.
            payer: the paying municipality per row, ``""`` (or ``None`` for all) when this
                municipality pays.
            granting_area: the sector area that granted each row (cross-sector solutions).
            paying_area: the sector area that pays for each row.
            household: the household of a child or youth, summed for the state refund
                (serviceloven § 176, stk. 2); ``""`` or ``None`` for everyone else.
            birth_date: birth dates, ``datetime64[D]`` (``NaT`` where unknown), for citizen ids
                that are not CPR numbers.
            actuals: postings for the *booked to date* column.

        Every label column (ids, account, provider, service, payer, areas, household) may
        also be given as :class:`~styringskerne.engine.CodedLabels` — its texts and each
        row's position among them, as ``pandas.factorize`` or a categorical column gives
        them — so that only the distinct texts are sorted.

        Examples:
            >>> import numpy as np
            >>> ledger = DispositionLedger.from_arrays(
            ...     citizen_id=np.array(["B-1", "B-2"]), account=np.array(["5.38.50", "5.38.39"]),
            ...     start=np.array(["2024-01-01", "2024-03-01"], dtype="datetime64[D]"),
            ...     end=np.array(["NaT", "2024-03-31"], dtype="datetime64[D]"),
            ...     unit=np.array(["day", "week"]), rate_ore=np.array([100_000, 350_000]),
            ...     quantity=np.array([1, 6]))
            >>> ledger.cost(dt.date(2024, 3, 1), dt.date(2024, 3, 31), by="account").to_dict()
            {'5.38.39': '93000.00', '5.38.50': '31000.00'}
            >>> from styringskerne.engine import CodedLabels
            >>> coded = DispositionLedger.from_arrays(
            ...     citizen_id=np.array(["B-1", "B-2"]),
            ...     account=CodedLabels(np.array(["5.38.50", "5.38.39"]), np.array([0, 1])),
            ...     start=np.array(["2024-01-01", "2024-03-01"], dtype="datetime64[D]"),
            ...     end=np.array(["NaT", "2024-03-31"], dtype="datetime64[D]"),
            ...     unit=np.array(["day", "week"]), rate_ore=np.array([100_000, 350_000]),
            ...     quantity=np.array([1, 6]))
            >>> coded.cost(dt.date(2024, 3, 1), dt.date(2024, 3, 31), by="account").to_dict()
            {'5.38.39': '93000.00', '5.38.50': '31000.00'}
        """
        start_day = _day_column("start", start, np.asarray(start).shape[0], allow_missing=False)
        size = start_day.shape[0]
        stop_day = _day_column("end", end, size, allow_missing=True) + 1
        units = np.asarray(unit)
        if units.ndim != 1 or units.shape[0] != size:
            raise StyringskerneError(f"'unit' must be one-dimensional with {size} rows")
        names, unit_inverse = _factorised(units.astype(str))
        unknown = [name for name in names.tolist() if name not in UNIT_CODES]
        if unknown:
            row = int(np.flatnonzero(units.astype(str) == unknown[0])[0])
            raise StyringskerneError(
                f"row {row}: 'unit' must be one of day|week|month|once (got {unknown[0]!r})"
            )
        unit_codes = np.array([UNIT_CODES[name] for name in names.tolist()], dtype=np.int64)
        q_num, q_den = _exact_column("quantity", quantity, size)
        p_num, p_den = _exact_column("probability", probability, size)
        labels = {
            "citizen": _label_column("citizen_id", citizen_id, size),
            "account": _label_column("account", account, size),
            "provider": _label_column("provider", provider, size),
            "payer": _label_column("payer", payer, size),
            "granting_area": _label_column("granting_area", granting_area, size),
            "paying_area": _label_column("paying_area", paying_area, size),
            "service": _label_column("service", service, size),
            "household": _label_column("household", household, size),
            "disposition": (
                np.arange(size, dtype=np.int64)
                if disposition_id is None
                else _label_column("disposition_id", disposition_id, size)
            ),
        }
        raw = {
            "start": start_day,
            "stop": stop_day,
            "unit": unit_codes[unit_inverse.ravel()],
            "rate": np.asarray(rate_ore),
            "q_num": q_num,
            "q_den": q_den,
            "p_num": p_num,
            "p_den": p_den,
            "birth": (
                np.full(size, NO_BIRTH_DATE, dtype=np.int64)
                if birth_date is None
                else _birth_column(birth_date, size)
            ),
        }
        return cls._from_columns(raw, labels, actuals, join=disposition_id is not None)

    @classmethod
    def _from_columns(
        cls,
        raw: dict[str, NDArray[Any]],
        given_labels: Mapping[str, _LabelColumn],
        actuals: Iterable[Actual] = (),
        *,
        join: bool,
    ) -> DispositionLedger:
        """A ledger from checked columns: day numbers, unit codes, øre and exact parts in
        ``raw``, one label column per dimension (an array, or :class:`CodedLabels` when the
        reader has numbered the texts); ``join`` joins each disposition's price runs (rows of
        one disposition must then follow each other in order of start)."""
        labels: dict[str, _LabelColumn] = {
            name: _sorted_labels(column) if isinstance(column, CodedLabels) else column
            for name, column in given_labels.items()
        }
        if join and raw["start"].shape[0] > 1:
            raw, labels = _join_price_runs(raw, labels)
        segments = build_segment_columns(
            start=raw["start"],
            stop=raw["stop"],
            unit=raw["unit"],
            rate_ore=raw["rate"],
            quantity_numerator=raw["q_num"],
            quantity_denominator=raw["q_den"],
            probability_numerator=raw["p_num"],
            probability_denominator=raw["p_den"],
        )
        ledger = cls.__new__(cls)
        ledger._assign(segments, labels, tuple(actuals), raw["birth"])
        return ledger

    @classmethod
    def from_csv(
        cls,
        source: str | os.PathLike[str],
        *,
        catalogue: ServiceCatalogue | None = None,
        columns: Mapping[str, str] | None = None,
        encoding: str | None = None,
    ) -> DispositionLedger:
        """A ledger from a dispositions CSV (or ``.xlsx``), read by columns.

        As :meth:`read_csv`, but every rejected row is raised.

        Raises:
            SourceError: when the file cannot be read at all.
            ImportFailedError: with every bad row (line, column and reason).
        """
        result = cls.read_csv(source, catalogue=catalogue, columns=columns, encoding=encoding)
        if result.errors:
            raise ImportFailedError(mask_text(str(source)), result.errors)
        return result.ledger

    @classmethod
    def read_csv(
        cls,
        source: str | os.PathLike[str],
        *,
        catalogue: ServiceCatalogue | None = None,
        columns: Mapping[str, str] | None = None,
        encoding: str | None = None,
        prices: PriceList | None = None,
    ) -> LedgerImport:
        """The ledger of a dispositions CSV (or ``.xlsx``) with every rejected row, read by
        columns (:func:`~styringskerne.io.columnar.read_columns`).

        The rows loaded, the errors and every figure are those of
        :func:`~styringskerne.io.csv.read_dispositions` followed by ``DispositionLedger(...)``;
        a national file of a million rows takes seconds instead of minutes.

        Raises:
            SourceError: when the file cannot be read at all.

        Examples:
            >>> import pathlib, tempfile
            >>> folder = pathlib.Path(tempfile.mkdtemp())
            >>> _ = (folder / "d.csv").write_text(
            ...     "bevilling;cpr;ydelse;startdato;slutdato;enhed;takst;antal;sandsynlighed\\n"
            ...     "D1;B-1;SEL108;2024-01-01;;døgn;1.149,50;;\\n"
            ...     "D2;B-2;SEL85;2024-01-01;2024-01-31;week;700,00;6;\\n"
            ...     "D3;B-3;SEL85;2024-13-01;;week;700,00;6;\\n", encoding="utf-8")
            >>> result = DispositionLedger.read_csv(folder / "d.csv")
            >>> result.loaded_lines, [(e.line, e.column) for e in result.errors]
            ((2, 3), [(4, 'start')])
            >>> result.ledger.cost(dt.date(2024, 1, 1), dt.date(2024, 1, 31)).to_dict()
            {'total': '54234.50'}
        """
        from styringskerne.io.columnar import read_columns

        read = read_columns(
            source,
            catalogue=catalogue,
            columns=dict(columns) if columns is not None else None,
            encoding=encoding,
            prices=prices,
        )
        birth = {"birth": np.full(read.rows, NO_BIRTH_DATE, dtype=np.int64)}
        parts = [cls._from_columns(read.raw | birth, read.labels, join=True)] if read.rows else []
        if read.dispositions or not parts:
            parts.append(cls(read.dispositions, catalogue=catalogue))
        ledger = parts[0] if len(parts) == 1 else cls.merge(parts)
        return LedgerImport(ledger, read.errors, read.loaded_lines)

    @classmethod
    def from_pandas(
        cls, frame: Any, *, catalogue: ServiceCatalogue | None = None
    ) -> DispositionLedger:
        """A ledger from a ``pandas.DataFrame`` with the dispositions CSV's columns.

        Every row is checked as in the CSV reader. A frame whose every row is valid in the
        simplest form (see :func:`~styringskerne.io.frames.columns_of_a_clean_frame`) is built
        from its columns at once, several times faster; the result is the same.

        Raises:
            ImportFailedError: with every bad row (1-based row numbers).
        """
        from styringskerne.io.frames import columns_of_a_clean_frame, dispositions_from_pandas

        # A frame whose every row is plainly valid is built from its columns at once; any
        # doubt, and the row-by-row reader runs and names every row as it always does.
        clean = columns_of_a_clean_frame(frame, catalogue=catalogue)
        if clean is not None:
            try:
                return cls.from_arrays(**clean)
            except StyringskerneError:
                pass
        return cls._loaded(
            dispositions_from_pandas(frame, catalogue=catalogue), "dataframe", catalogue
        )

    @classmethod
    def from_arrow(
        cls, table: Any, *, catalogue: ServiceCatalogue | None = None
    ) -> DispositionLedger:
        """A ledger from a ``pyarrow.Table`` with the dispositions CSV's columns.

        As :meth:`from_pandas`, a table whose every row is plainly valid is built from its
        columns at once (through pandas, when it is installed); the result is the same.

        Raises:
            ImportFailedError: with every bad row (1-based row numbers).
        """
        from styringskerne.io.frames import columns_of_a_clean_frame, dispositions_from_arrow

        # As from_pandas: a plainly valid table at once (through pandas, when installed).
        try:
            frame = table.to_pandas()
        except ImportError:
            frame = None
        clean = None if frame is None else columns_of_a_clean_frame(frame, catalogue=catalogue)
        if clean is not None:
            try:
                return cls.from_arrays(**clean)
            except StyringskerneError:
                pass
        return cls._loaded(
            dispositions_from_arrow(table, catalogue=catalogue), "arrow table", catalogue
        )

    @classmethod
    def _loaded(
        cls, result: ImportResult[Disposition], source: str, catalogue: ServiceCatalogue | None
    ) -> DispositionLedger:
        if result.errors:
            raise ImportFailedError(source, result.errors)
        return cls(result.items, catalogue=catalogue)

    def _assign(
        self,
        segments: SegmentColumns,
        labels: Mapping[str, _LabelColumn],
        actuals: Sequence[Actual],
        birth_days: NDArray[np.int64],
    ) -> None:
        actual_labels = {
            "citizen": np.array([a.citizen_id for a in actuals], dtype=object).astype(str),
            "account": np.array([a.account for a in actuals], dtype=object).astype(str),
        }
        dimensions: dict[str, _Dimension] = {}
        actual_codes: dict[str, NDArray[np.int64]] = {}
        for name in DIMENSIONS:
            extra = actual_labels.get(name)
            names, codes, extra_codes = _encode(labels[name], extra, citizens=name == "citizen")
            dimensions[name] = _Dimension(codes=codes, labels=names)
            actual_codes[name] = extra_codes
        object.__setattr__(self, "_segments", segments)
        object.__setattr__(self, "_dimensions", dimensions)
        object.__setattr__(self, "_birth_days", readonly(birth_days))
        object.__setattr__(self, "_costs", {})
        object.__setattr__(self, "_cache_lock", threading.Lock())
        posted_ids = np.array([a.disposition_id or "" for a in actuals], dtype=object).astype(str)
        object.__setattr__(
            self,
            "_actuals",
            PostingColumns(
                citizen=actual_codes["citizen"],
                account=actual_codes["account"],
                day=readonly(np.array([day_number(a.date) for a in actuals], dtype=np.int64)),
                amount=readonly(np.array([a.amount.ore for a in actuals], dtype=np.int64)),
                disposition=_posting_dispositions(dimensions["disposition"].labels, posted_ids),
                disposition_id=readonly(posted_ids),
                provider=readonly(
                    np.array([a.provider or "" for a in actuals], dtype=object).astype(str)
                ),
            ),
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(
            f"DispositionLedger is immutable; build a new one (tried to set {name!r})"
        )

    def __len__(self) -> int:
        return len(self._segments)

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{name}s={self._dimensions[name].labels.size}" for name in ("citizen", "account")
        )
        return (
            f"DispositionLedger(segments={len(self)}, {counts}, actuals={self._actuals.day.size})"
        )

    @classmethod
    def merge(cls, ledgers: Iterable[DispositionLedger]) -> DispositionLedger:
        """One ledger of several built apart (samlet dispositionsregnskab), e.g. one per
        municipality or per chunk of dispositions: the segments, labels and postings of all.

        Every result of the merged ledger is the result of one ledger built from all the
        parts' dispositions; so, labels aligned, the parts' ``monthly``, ``daily``, ``cost`` and
        ``as_of`` add up to the whole's exactly.

        Raises:
            StyringskerneError: without parts, or when a disposition id occurs in two parts
                (parts built with ``from_arrays`` without ``disposition_id`` number their rows
                from 0 and clash: give the ids).

        Examples:
            >>> from styringskerne import Disposition
            >>> one = DispositionLedger([Disposition.at_rate(id="D1", citizen_id="B-1",
            ...     service="SEL108", rate="1.000,00", unit="day", start=dt.date(2024, 1, 1))])
            >>> two = DispositionLedger([Disposition.at_rate(id="D2", citizen_id="B-2",
            ...     service="SEL108", rate="500,00", unit="day", start=dt.date(2024, 1, 1))])
            >>> both = DispositionLedger.merge([one, two])
            >>> both.cost(dt.date(2024, 1, 1), dt.date(2024, 1, 31)).to_dict()
            {'total': '46500.00'}
        """
        parts = tuple(ledgers)
        if not parts:
            raise StyringskerneError("merge needs at least one ledger")
        seen: dict[str, int] = {}
        for index, part in enumerate(parts):
            for label in part._dimensions["disposition"].labels.tolist():
                key = str(label)
                if key in seen:
                    raise StyringskerneError(
                        f"disposition id {mask_text(key)!r} occurs in part {seen[key] + 1} and "
                        f"part {index + 1}; ids must be distinct across the parts (build parts "
                        "with from_arrays with disposition_id)"
                    )
                seen[key] = index
        labels: dict[str, NDArray[Any]] = {}
        for name in DIMENSIONS:
            columns = [p._dimensions[name].labels[p._dimensions[name].codes] for p in parts]
            if len({column.dtype.kind for column in columns}) > 1:
                columns = [column.astype(str) for column in columns]
            labels[name] = np.concatenate(columns)
        segments = SegmentColumns(
            **{
                field.name: readonly(
                    np.concatenate([getattr(p._segments, field.name) for p in parts])
                )
                for field in attrs.fields(SegmentColumns)
                if field.init
            }
        )
        actuals = tuple(actual for part in parts for actual in part._posting_records())
        ledger = cls.__new__(cls)
        ledger._assign(segments, labels, actuals, np.concatenate([p._birth_days for p in parts]))
        return ledger

    def _posting_records(self) -> Iterator[Actual]:
        """The actual postings as objects again (for merging ledgers)."""
        postings = self._actuals
        citizens = self._dimensions["citizen"].labels
        accounts = self._dimensions["account"].labels
        for index in range(postings.day.size):
            yield Actual(
                citizen_id=str(citizens[postings.citizen[index]]),
                account=str(accounts[postings.account[index]]),
                date=from_day_number(int(postings.day[index])),
                amount=Money(int(postings.amount[index])),
                disposition_id=str(postings.disposition_id[index]) or None,
                provider=str(postings.provider[index]) or None,
            )

    def with_actuals(self, actuals: Iterable[Actual]) -> DispositionLedger:
        """A new ledger with the same dispositions and these actual postings."""
        ledger = type(self).__new__(type(self))
        labels = {
            name: dimension.labels[dimension.codes] for name, dimension in self._dimensions.items()
        }
        ledger._assign(self._segments, labels, tuple(actuals), self._birth_days)
        return ledger

    # -- access for services (forecasts, key figures) -------------------------------------
    @property
    def columns(self) -> SegmentColumns:
        """The compiled segments (read-only arrays), one entry per price segment."""
        return self._segments

    @property
    def postings(self) -> PostingColumns:
        """The actual postings (read-only arrays), one entry per posting."""
        return self._actuals

    @property
    def birth_days(self) -> NDArray[np.int64]:
        """Each segment's birth date as given on its disposition (day number), else
        :data:`NO_BIRTH_DATE`; CPR numbers carry their own."""
        return self._birth_days

    def groups(self, dimension: str) -> tuple[NDArray[np.int64], NDArray[Any]]:
        """Each segment's code in ``dimension`` and the labels the codes index (sorted)."""
        _, codes, labels = self._groups(dimension)
        return codes, labels

    def segment_costs(self, start: dt.date, end: dt.date) -> NDArray[np.int64]:
        """Each segment's cost over ``start`` to ``end`` inclusive, int64 øre."""
        # The ledger never changes, so the last few periods asked for are kept (forecasts and
        # their explanation ask for the same year several times).
        # The lock makes the cache safe to share between threads; the costs themselves are
        # computed outside it, so two threads asking for different periods do not wait.
        key = (start, end)
        with self._cache_lock:
            cached: NDArray[np.int64] | None = self._costs.get(key)
        if cached is None:
            period = DateRange(start=start, end=end)
            cached = readonly(
                interval_costs(self._segments, [period.start_number, period.stop_number])[:, 0]
            )
            with self._cache_lock:
                while len(self._costs) >= _COST_CACHE_SIZE:
                    self._costs.pop(next(iter(self._costs)))
                self._costs[key] = cached
        return cached

    # -- grouping ------------------------------------------------------------------------
    def _groups(self, by: str | None) -> tuple[str, NDArray[np.int64], NDArray[Any]]:
        if by is None:
            return _TOTAL, np.zeros(len(self), dtype=np.int64), np.array([_TOTAL])
        if by not in self._dimensions:
            raise StyringskerneError(
                f"'by' must be one of {'|'.join(DIMENSIONS)} or None (got {by!r})"
            )
        dimension = self._dimensions[by]
        return by, dimension.codes, dimension.labels

    # -- views ---------------------------------------------------------------------------
    def as_of(self, day: dt.date, *, year: int | None = None) -> LedgerStatus:
        """The *Figur 6.1* columns for budget year ``year`` as of ``day`` (inclusive).

        *Computed to date* is the cost of the days of the year up to and including ``day``;
        *disposed rest of year* the days after it to 31 December; *booked to date* the sum of
        actual postings dated in the year up to and including ``day``. For every ``day``,
        computed to date + disposed rest of year = the whole year's cost, to the øre.

        Tables by account, citizen and disposition; a posting counts in the disposition table
        only when it names a disposition of the ledger (``disposition_id``), in the others
        always. :func:`~styringskerne.ledger.reconciliation.reconcile` lists what does not
        match.

        Raises:
            StyringskerneError: if ``day`` is not in ``year``.
        """
        day, budget_year = as_of_in_year(day, year)
        first = day_number(dt.date(budget_year.year, 1, 1))
        cut = day_number(day) + 1
        stop = day_number(dt.date(budget_year.year + 1, 1, 1))
        costs = interval_costs(self._segments, [first, cut, stop])
        booked_mask = (self._actuals.day >= first) & (self._actuals.day < cut)
        tables: dict[str, LedgerTable] = {}
        for name in _LEDGER_DIMENSIONS:
            dimension = self._dimensions[name]
            count = dimension.labels.size
            actual_codes = getattr(self._actuals, name)[booked_mask]
            booked_amounts = self._actuals.amount[booked_mask]
            if name == "disposition":
                # Only postings that name a disposition of the ledger are booked on one.
                named = actual_codes >= 0
                actual_codes, booked_amounts = actual_codes[named], booked_amounts[named]
            values = np.stack(
                [
                    group_sum(actual_codes, booked_amounts, count),
                    group_sum(dimension.codes, costs[:, 0], count),
                    group_sum(dimension.codes, costs[:, 1], count),
                ],
                axis=1,
            )
            tables[name] = LedgerTable(dimension=name, labels=dimension.labels, values=values)
        total = LedgerRow(
            booked_to_date=Money(int(exact_sum(self._actuals.amount[booked_mask]))),
            computed_to_date=Money(int(costs[:, 0].sum())),
            disposed_rest_of_year=Money(int(costs[:, 1].sum())),
        )
        return LedgerStatus(year=budget_year.year, as_of=day, total=total, tables=tables)

    def cost(self, start: dt.date, end: dt.date, *, by: str | None = None) -> AmountTable:
        """Cost of the days ``start`` to ``end`` (both inclusive), in total or by a dimension."""
        period = DateRange(start=start, end=end)
        dimension, codes, labels = self._groups(by)
        amounts = grouped_interval_costs(
            self._segments, codes, labels.size, [period.start_number, period.stop_number]
        )
        return AmountTable(dimension=dimension, period=period, labels=labels, amounts=amounts[:, 0])

    def daily(self, start: dt.date, end: dt.date, *, by: str | None = None) -> AmountSeries:
        """Cost per day (dagsudgift) from ``start`` to ``end`` inclusive, one row per group.

        ``by="citizen"`` gives a per-citizen daily matrix; ask for it only when you need it.
        """
        period = DateRange(start=start, end=end)
        dimension, codes, labels = self._groups(by)
        values = daily_by_group(
            self._segments, codes, labels.size, period.start_number, period.stop_number
        )
        days = np.arange(period.start_number, period.stop_number + 1).astype("datetime64[D]")
        return AmountSeries(
            dimension=dimension, labels=labels, starts=days[:-1], stops=days[1:], values=values
        )

    def monthly(self, year: int, *, by: str | None = None) -> AmountSeries:
        """Cost per calendar month of a budget year: one row per group, twelve columns."""
        boundaries = np.array(BudgetYear(year).month_boundaries(), dtype=np.int64)
        dimension, codes, labels = self._groups(by)
        values = grouped_interval_costs(self._segments, codes, labels.size, boundaries)
        days = boundaries.astype("datetime64[D]")
        return AmountSeries(
            dimension=dimension, labels=labels, starts=days[:-1], stops=days[1:], values=values
        )

    def full_year_cost(self, year: int, *, by: str | None = None) -> AmountTable:
        """Cost of the whole budget year (helårsudgift)."""
        BudgetYear(year)  # validates the year
        return self.cost(dt.date(year, 1, 1), dt.date(year, 12, 31), by=by)
