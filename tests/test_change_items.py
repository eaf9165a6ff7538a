"""The change explanation's items as columns (``ChangeItems``) and the columnar disposition
items, against the object-by-object implementation they replaced (``tests/reference_explanation``)
and against hand-written expectations."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from styringskerne import Disposition, DispositionLedger, Money, StyringskerneError
from styringskerne.core.errors import AmountOverflowError
from styringskerne.core.limits import MAX_ORE
from styringskerne.forecast.change_items import REASONS, ChangeItem, ChangeItems, TextColumn
from styringskerne.forecast.disposition_changes import PlacedItems, disposition_items
from styringskerne.forecast.explanation import ChangeExplanation, explain_change
from styringskerne.forecast.forecast import Snapshot
from tests.reference_explanation import reference_disposition_items
from tests.strategies import PROVIDERS, YEARS
from tests.test_forecast import edited, stay

D = dt.date
CPR = "010190-1234"

items_strategy = st.lists(
    st.builds(
        ChangeItem,
        sub_area=st.sampled_from(["5.38.50", "5.38.52", "05.28.21", ""]),
        reason=st.sampled_from(REASONS),
        amount=st.integers(-(10**12), 10**12).map(Money),
        citizen_id=st.none() | st.sampled_from(["B-1", CPR, "B-2 ", "ø"]) | st.text(max_size=4),
        disposition_id=st.none() | st.text(max_size=5),
        label=st.sampled_from(["", "moved here", f"note {CPR}"]) | st.text(max_size=5),
    ),
    max_size=12,
)


@given(items_strategy)
def test_items_as_columns_give_back_the_items(items: list[ChangeItem]) -> None:
    columns = ChangeItems.of(items)
    assert len(columns) == len(items)
    assert list(columns) == items
    assert columns == tuple(items)
    assert columns == items
    assert [columns[k] for k in range(-len(items), len(items))] == items + items
    assert list(columns[1::2]) == items[1::2]
    assert columns.total() == Money(sum(item.amount.ore for item in items))
    halves = ChangeItems.concatenate([ChangeItems.of(items[:3]), ChangeItems.of(items[3:])])
    assert list(halves) == items
    assert halves == columns
    # The order of items_in: by sub-area, largest amount first, then the reason's name.
    expected = sorted(items, key=lambda i: (i.sub_area, -abs(i.amount.ore), i.reason))
    assert list(columns.take(columns.largest_first())) == expected


def test_items_as_columns_refuse_what_is_not_an_item() -> None:
    item = ChangeItem(sub_area="5.38.50", reason="new", amount=Money(100))
    with pytest.raises(StyringskerneError, match="item 1 must be a ChangeItem"):
        ChangeItems.of([item, ("5.38.50", "new", 100)])  # type: ignore[list-item]
    good = ChangeItems.of([item])
    with pytest.raises(StyringskerneError, match="'reason' has 2 items but 'amount_ore' has 1"):
        attrs.evolve(good, reason=np.zeros(2, dtype=np.int8))
    with pytest.raises(StyringskerneError, match="'reason' codes must be positions"):
        attrs.evolve(good, reason=np.array([len(REASONS)], dtype=np.int8))
    with pytest.raises(StyringskerneError, match="every item must have a 'sub_area'"):
        attrs.evolve(good, sub_area=TextColumn.constant(None, 1))
    with pytest.raises(IndexError, match="item 1 of 1 items"):
        good[1]
    assert good != 3
    assert (good == 3) is False


def test_items_total_is_exact_or_refused_beyond_the_largest_amount() -> None:
    big = ChangeItem(sub_area="x", reason="new", amount=Money(MAX_ORE))
    back = ChangeItem(sub_area="x", reason="ended", amount=Money(-MAX_ORE))
    assert ChangeItems.of([big, big, back]).total() == Money(MAX_ORE)
    with pytest.raises(AmountOverflowError):
        ChangeItems.of([big, big]).total()


def test_items_never_show_a_cpr_number() -> None:
    item = ChangeItem(sub_area="x", reason="new", amount=Money(1), citizen_id=CPR, label=CPR)
    columns = ChangeItems.of([item])
    for text in (repr(columns), repr(columns.citizen_id), repr(PlacedItems(columns, np.zeros(1)))):
        assert "1234" not in text
    explanation = ChangeExplanation(sub_area_changes={"x": Money(1)}, items=columns)
    table = explanation.to_columns()
    assert table["citizen_id"] == ["010190-****"]
    assert "1234" not in table["label"][0]
    assert explanation.to_columns(show_cpr=True)["citizen_id"] == [CPR]


@given(items_strategy, st.lists(st.integers(-(10**9), 10**9), min_size=4, max_size=4))
def test_explanation_tables_from_columns_match_a_loop_over_items(
    items: list[ChangeItem], changes: list[int]
) -> None:
    names = ["5.38.50", "5.38.52", "05.28.21", "9.99"]
    explanation = ChangeExplanation(
        sub_area_changes={name: Money(ore) for name, ore in zip(names, changes, strict=True)},
        items=items,
    )
    # Expected by a plain loop: every sub-area sorted, its items largest first, then the
    # residual when there is one.
    expected: dict[str, list[object]] = {
        key: [] for key in ("sub_area", "reason", "citizen_id", "disposition_id", "label")
    }
    expected["amount_ore"] = []
    for name in sorted(set(names) | {item.sub_area for item in items}):
        mine = [item for item in items if item.sub_area == name]
        rows = [
            (name, i.reason, i.citizen_id, i.disposition_id, i.label, i.amount.ore)
            for i in sorted(mine, key=lambda i: (-abs(i.amount.ore), i.reason))
        ]
        change = dict(zip(names, changes, strict=True)).get(name, 0)
        residual = change - sum(item.amount.ore for item in mine)
        if residual:
            rows.append((name, "residual", None, None, "", residual))
        for row in rows:
            for column, value in zip(expected, row, strict=True):
                expected[column].append(value)
        assert explanation.residual_in(name) == Money(residual)
        assert explanation.items_in(name) == tuple(row_item for row_item in sorted(
            mine, key=lambda i: (-abs(i.amount.ore), i.reason)))  # fmt: skip
    assert explanation.to_columns(show_cpr=True) == expected
    assert explanation.explained == Money(sum(item.amount.ore for item in items))
    data = explanation.to_dict(show_cpr=True)
    for name, part in data["by_sub_area"].items():
        listed = [row for row in zip(*expected.values(), strict=True) if row[0] == name]
        assert [item["amount"] for item in part["items"]] == [
            Money(row[5]).to_string() for row in listed if row[1] != "residual"
        ]


def _snapshots(before: list[Disposition], after: list[Disposition]) -> tuple[Snapshot, Snapshot]:
    return (
        Snapshot(as_of=D(2024, 3, 31), ledger=DispositionLedger(before)),
        Snapshot(as_of=D(2024, 4, 30), ledger=DispositionLedger(after)),
    )


@st.composite
def edited_with_moves(draw: st.DrawFn) -> tuple[list[Disposition], list[Disposition]]:
    """``edited`` pairs where some dispositions also end and start again at another provider
    under a new id (a move between two dispositions)."""
    before, after = draw(edited())
    for disposition in list(after):
        if draw(st.booleans()):
            after.remove(disposition)
            provider = draw(PROVIDERS)
            after.append(attrs.evolve(disposition, id=f"M{disposition.id}", provider=provider))
    return before, after


def _stay(**changes: object) -> Disposition:
    """The stay of ``tests.test_forecast`` at a named provider."""
    return stay(**{"provider": "Bofællesskabet", **changes})


# A move between dispositions, one disposition ended while another starts, a sub-area move.
@example(pair=([_stay()], [_stay(id="D2", provider="Region", start=D(2024, 4, 1))]), year=2024).via(
    "a move to another provider"
)
@example(
    pair=([_stay(), _stay(id="D9", citizen_id="B-2")], [_stay(id="D9", citizen_id="B-2")]),
    year=2024,
).via("one removed")
@example(
    # D1 moved from Bofællesskabet to Region within itself on 1 March and now ends early; the
    # citizen's new D2 at Bofællesskabet is a move: they left Region, its last provider.
    pair=(
        [_stay().with_price_from(D(2024, 3, 1), "1.000,00", provider="Region")],
        [
            _stay(end=D(2024, 4, 30)).with_price_from(D(2024, 3, 1), "1.000,00", provider="Region"),
            _stay(id="D2", start=D(2024, 5, 1)),
        ],
    ),
    year=2024,
).via("left the last provider of a disposition that moved within itself")
@given(pair=edited_with_moves(), year=YEARS)
def test_columnar_disposition_items_equal_the_object_by_object_items(pair, year) -> None:
    before, after = pair
    previous, current = _snapshots(before, after)
    got = disposition_items(previous=previous.ledger, current=current.ledger, year=year)
    want = reference_disposition_items(previous=previous.ledger, current=current.ledger, year=year)
    assert list(got.items) == [item for _, item in want]
    assert got.kind.tolist() == [place[0] for place, _ in want]
    change = explain_change(previous, current, year=year)
    assert change.residual == Money(0)


def test_the_items_of_a_move_and_a_changed_disposition_by_hand() -> None:
    """A citizen moved to another provider on 1 April (two dispositions), another's end moved
    from 30 June to 31 July and price raised from 1 July: the items by hand."""
    previous, current = _snapshots(
        [_stay(), _stay(id="D5", citizen_id="B-5")],
        [
            _stay(end=D(2024, 3, 31)),
            _stay(id="D2", provider="Region", start=D(2024, 4, 1), rate="1.200,00"),
            _stay(id="D5", citizen_id="B-5", end=D(2024, 7, 31)).with_price_from(
                D(2024, 7, 1), Money.of("1.100,00")
            ),
        ],
    )
    items = disposition_items(previous=previous.ledger, current=current.ledger, year=2024).items
    rows = [(i.disposition_id, i.reason, i.amount, i.label) for i in items]
    assert rows == [
        # New at Region: 1 April to 30 June is 91 days at 1.200 kr.
        ("D2", "provider", Money.of("109.200,00"), "moved here"),
        # D1 ended 91 days early: 91 days at 1.000 kr. less.
        ("D1", "provider", Money.of("-91.000,00"), "left for another provider"),
        # D5 runs 31 days longer at the last price (1.000 kr.), then July is dearer by 100 kr.
        ("D5", "extended", Money.of("31.000,00"), ""),
        ("D5", "price", Money.of("3.100,00"), ""),
    ]


@given(pair=edited_with_moves(), year=YEARS, parts=st.integers(1, 3), seed=st.integers(0, 99))
def test_items_of_parts_put_in_order_are_the_items_of_the_whole(pair, year, parts, seed) -> None:
    """Dispositions split by citizen over parts (as a Dask partition holds whole persons)."""
    before, after = pair
    rng = np.random.default_rng(seed)
    citizens = sorted({d.citizen_id for d in before + after})
    part_of = dict(zip(citizens, rng.integers(0, parts, len(citizens)).tolist(), strict=True))
    placed = []
    for part in range(parts):
        mine = [[d for d in side if part_of[d.citizen_id] == part] for side in (before, after)]
        previous, current = _snapshots(*mine)
        placed.append(
            disposition_items(previous=previous.ledger, current=current.ledger, year=year)
        )
    previous, current = _snapshots(before, after)
    whole = disposition_items(previous=previous.ledger, current=current.ledger, year=year)
    assert list(PlacedItems.in_order(placed)) == list(whole.items)


def test_disposition_items_with_numbered_ids() -> None:
    """Ids numbered by ``from_arrays`` (integers) are written in decimals, as the labels."""

    def ledger(end: str, rate: int) -> DispositionLedger:
        return DispositionLedger.from_arrays(
            disposition_id=np.array([7, 12]),
            citizen_id=np.array(["B-1", "B-2"]),
            service=np.array(["SEL107", "SEL107"]),
            account=np.array(["5.38.50", "5.38.50"]),
            start=np.array(["2024-01-01", "2024-01-01"], dtype="datetime64[D]"),
            end=np.array(["2024-06-30", end], dtype="datetime64[D]"),
            unit=np.array(["day", "day"]),
            rate_ore=np.array([100_000, rate]),
        )

    previous, current = ledger("2024-06-30", 100_000), ledger("2024-07-30", 110_000)
    got = disposition_items(previous=previous, current=current, year=2024)
    want = reference_disposition_items(previous=previous, current=current, year=2024)
    assert list(got.items) == [item for _, item in want]
    assert [i.disposition_id for i in got.items] == ["12", "12"]


def test_text_columns_by_hand() -> None:
    """A constant text or none for every item, texts mapped once per distinct text, and the
    items' texts as Python objects (``None`` where an item has none)."""
    three = TextColumn.constant("x", 3)
    assert three.objects().tolist() == ["x", "x", "x"]
    assert three.texts.tolist() == ["x"]
    assert TextColumn.constant(None, 2).objects().tolist() == [None, None]
    column = TextColumn.from_values(["b", None, "a", "b"])
    assert column.objects().tolist() == ["b", None, "a", "b"]
    assert column.texts.tolist() == ["a", "b"]  # each distinct text once, sorted
    assert column.mapped(str.upper).objects().tolist() == ["B", None, "A", "B"]
    assert column.equals("b").tolist() == [True, False, False, True]
    assert column.ranks().tolist() == [1, -1, 0, 1]
    kept = TextColumn.of(np.array(["p", "q", "r", "s"], dtype=object), np.array([3, -1, 3, 1]))
    assert kept.texts.tolist() == ["q", "s"]  # only the texts used
    assert kept.objects().tolist() == ["s", None, "s", "q"]
    joined = TextColumn.concatenate([kept, column])
    assert joined.objects().tolist() == ["s", None, "s", "q", "b", None, "a", "b"]
    assert joined.ranks().tolist() == [3, -1, 3, 2, 1, -1, 0, 1]
    items = ChangeItems.of(
        [
            ChangeItem(sub_area="b", reason="refund", amount=Money(-5)),
            ChangeItem(sub_area="a", reason="new", amount=Money(7)),
            ChangeItem(sub_area="b", reason="new", amount=Money(11)),
        ]
    )
    assert items.reasons().tolist() == ["refund", "new", "new"]
    assert items.with_reason("new").tolist() == [False, True, True]
    assert items.sums_by_sub_area() == {"a": Money(7), "b": Money(6)}
    assert items.sub_area_names() == ["a", "b"]
    assert ChangeItems.empty().sums_by_sub_area() == {}


def test_items_messages_word_for_word_and_equality() -> None:
    item = ChangeItem(sub_area="5.38.50", reason="new", amount=Money(100), citizen_id=CPR)
    other = ChangeItem(sub_area="5.38.50", reason="new", amount=Money(101))
    assert "citizen_id='010190-****'" in repr(item)
    assert "citizen_id=None" in repr(other)
    good = ChangeItems.of([item])
    assert good != ChangeItems.of([other])
    assert good != (other,)
    assert ChangeItems.concatenate([good]) == good
    with pytest.raises(StyringskerneError) as reason:
        ChangeItem(sub_area="x", reason="bigger", amount=Money(1))  # type: ignore[arg-type]
    assert str(reason.value) == (
        "'reason' must be one of new|ended|extended|price|provider|payer|probability|"
        "estimate|refund|demand_pool|other (got 'bigger')"
    )
    with pytest.raises(StyringskerneError) as wrong:
        ChangeItems.of([item, 3])  # type: ignore[list-item]
    assert str(wrong.value) == "item 1 must be a ChangeItem (got a int)"
    two = np.zeros(2, dtype=np.int64)
    for name in ("sub_area", "citizen_id", "disposition_id", "label"):
        with pytest.raises(StyringskerneError) as size:
            attrs.evolve(good, **{name: TextColumn(np.array(["t"], dtype=object), two)})
        assert str(size.value) == (
            f"'{name}' has 2 items but 'amount_ore' has 1; every column of ChangeItems must "
            "have one entry per item"
        )
    with pytest.raises(StyringskerneError) as code:
        attrs.evolve(good, reason=np.array([11], dtype=np.int8))
    assert str(code.value) == "'reason' codes must be positions in REASONS, 0 to 10"
