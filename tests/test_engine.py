"""Properties of the vectorised engine against the plain per-day reference (DOMAIN § 2, § 5)."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import DispositionLedger, StyringskerneError, day_number
from styringskerne.core.calendar import OPEN_END, BudgetYear
from styringskerne.core.errors import AmountOverflowError
from styringskerne.engine import (
    MAX_ORE,
    daily_by_group,
    dense_codes,
    group_rows_sum,
    rounded_ratio,
    stable_order,
)
from styringskerne.engine.columns import UNIT_CODES, build_segment_columns
from styringskerne.engine.projection import (
    grouped_interval_costs,
    grouped_windowed_costs,
    windowed_interval_costs,
)
from tests import reference
from tests.builders import day_stay
from tests.strategies import DATES, YEARS, disposition_lists, probabilities, segments

ranges = st.tuples(DATES, st.integers(min_value=0, max_value=120)).map(
    lambda pair: (pair[0], pair[0] + dt.timedelta(days=pair[1]))
)


@given(
    numerator=st.integers(-(10**12), 10**12),
    units=st.integers(0, 10**5),
    denominator=st.integers(1, 10**9),
)
def test_rounded_ratio_is_exact_half_even(numerator: int, units: int, denominator: int) -> None:
    from fractions import Fraction

    got = rounded_ratio(
        np.array([numerator], np.int64),
        np.array([units], np.int64),
        np.array([denominator], np.int64),
    )
    assert int(got[0]) == round(Fraction(numerator * units, denominator))


@given(dispositions=disposition_lists(), period=ranges)
def test_cost_by_citizen_equals_reference(dispositions, period) -> None:
    first, last = period
    ledger = DispositionLedger(dispositions)
    got = ledger.cost(first, last, by="citizen").to_mapping()
    expected = reference.cost_by(dispositions, first, last, "citizen_id")
    assert {key: value.ore for key, value in got.items()} == {
        key: expected.get(key, 0) for key in got
    }


@given(
    dispositions=disposition_lists(),
    periods=st.lists(ranges, min_size=1, max_size=3),
    factor=st.sampled_from([0.0, 4.0, 1e9]),
)
def test_daily_equals_reference_on_every_path(dispositions, periods, factor) -> None:
    """Constant, periodic and expanded paths all give the reference's daily amounts; later
    windows on the same columns use the price classes kept from the first."""
    ledger = DispositionLedger(dispositions)
    columns = ledger._segments
    codes = np.zeros(len(columns), dtype=np.int64)
    for first, last in periods:
        got = daily_by_group(
            columns, codes, 1, day_number(first), day_number(last) + 1, phase_cost_factor=factor
        )
        assert got[0].tolist() == reference.daily_total(dispositions, first, last)


@given(dispositions=disposition_lists(), period=ranges)
def test_daily_by_group_sums_to_cost(dispositions, period) -> None:
    first, last = period
    ledger = DispositionLedger(dispositions)
    for by in ("account", "citizen", "service", None):
        daily = ledger.daily(first, last, by=by)
        cost = ledger.cost(first, last, by=by)
        assert daily.values.sum(axis=1).tolist() == cost.amounts.tolist()


@given(
    dispositions=disposition_lists(), start=DATES, cuts=st.lists(st.integers(1, 400), max_size=5)
)
def test_cost_is_additive_over_any_partition(dispositions, start, cuts) -> None:
    ledger = DispositionLedger(dispositions)
    points = sorted({start + dt.timedelta(days=offset) for offset in cuts} | {start})
    end = start + dt.timedelta(days=401)
    whole = ledger.cost(start, end, by="citizen").amounts
    parts = [
        ledger.cost(a, b - dt.timedelta(days=1), by="citizen").amounts
        for a, b in zip(points, [*points[1:], end + dt.timedelta(days=1)], strict=True)
    ]
    assert np.sum(parts, axis=0).tolist() == whole.tolist()


@given(dispositions=disposition_lists(), year=st.integers(2022, 2026), day=st.integers(0, 365))
def test_figur_6_1_to_date_plus_rest_of_year_is_the_whole_year(dispositions, year, day) -> None:
    """Figur 6.1: computed to date + disposed rest of year = the year's cost, for any as-of date."""
    as_of = min(dt.date(year, 1, 1) + dt.timedelta(days=day), dt.date(year, 12, 31))
    ledger = DispositionLedger(dispositions)
    status = ledger.as_of(as_of)
    whole = ledger.full_year_cost(year, by="citizen")
    for citizen, row in status.by_citizen.items():
        assert row.expected == whole[citizen]
    assert status.total.expected == whole.total


@given(dispositions=disposition_lists(), as_of=DATES)
def test_totals_by_account_citizen_and_overall_agree(dispositions, as_of) -> None:
    status = DispositionLedger(dispositions).as_of(as_of)
    for table in (status.by("account"), status.by("citizen")):
        assert table.values.sum(axis=0).tolist() == [
            status.total.booked_to_date.ore,
            status.total.computed_to_date.ore,
            status.total.disposed_rest_of_year.ore,
        ]


@given(dispositions=disposition_lists(), year=st.integers(2022, 2026), seed=st.integers(0, 1000))
def test_shuffling_the_input_changes_nothing(dispositions, year, seed) -> None:
    shuffled = list(dispositions)
    random.Random(seed).shuffle(shuffled)
    one, two = DispositionLedger(dispositions), DispositionLedger(shuffled)
    assert one.monthly(year, by="citizen").to_dict() == two.monthly(year, by="citizen").to_dict()
    assert one.as_of(dt.date(year, 6, 30)).to_dict() == two.as_of(dt.date(year, 6, 30)).to_dict()


@given(dispositions=disposition_lists(), year=st.integers(2022, 2026))
def test_months_add_up_to_the_year(dispositions, year) -> None:
    ledger = DispositionLedger(dispositions)
    monthly = ledger.monthly(year, by="account")
    assert (
        monthly.values.sum(axis=1).tolist()
        == ledger.full_year_cost(year, by="account").amounts.tolist()
    )


def test_periodic_path_with_many_segments_matches_expansion() -> None:
    """Thousands of weekly segments: the periodic path must equal listing every day."""
    rng = np.random.default_rng(7)
    size = 3000
    start = rng.integers(day_number(dt.date(2023, 1, 1)), day_number(dt.date(2025, 1, 1)), size)
    ledger = DispositionLedger.from_arrays(
        citizen_id=np.arange(size),
        account=rng.choice(np.array(["a", "b", "c"]), size),
        start=start.astype("datetime64[D]"),
        end=(start + rng.integers(0, 500, size)).astype("datetime64[D]"),
        unit=rng.choice(np.array(["day", "week"]), size),
        rate_ore=rng.integers(1, 10**6, size),
        quantity=rng.integers(1, 20, size),
        probability=rng.choice(np.array([1.0, 0.5, "1/3"], dtype=object), size),
    )
    columns = ledger._segments
    codes = ledger._dimensions["account"].codes
    first, stop = day_number(dt.date(2023, 6, 1)), day_number(dt.date(2025, 6, 1))
    fast = daily_by_group(columns, codes, 3, first, stop, phase_cost_factor=1e9)
    listed = daily_by_group(columns, codes, 3, first, stop, phase_cost_factor=0.0)
    assert np.array_equal(fast, listed)


@pytest.mark.parametrize("by", ["account", "citizen", "provider", "service", "disposition", None])
def test_every_dimension_is_accepted(by) -> None:
    from tests.test_ledger import residential

    ledger = DispositionLedger([residential()])
    assert ledger.cost(dt.date(2024, 1, 1), dt.date(2024, 1, 31), by=by).total.ore == 31 * 100_000


def _as_columns(dispositions) -> dict[str, np.ndarray]:
    rows = [(d, s) for d in dispositions for s in d.segments]
    return {
        "citizen_id": np.array([d.citizen_id for d, _ in rows]),
        "account": np.array([d.account or "" for d, _ in rows]),
        "service": np.array([d.service for d, _ in rows]),
        "start": np.array([s.start for _, s in rows], dtype="datetime64[D]"),
        "end": np.array([s.end or "NaT" for _, s in rows], dtype="datetime64[D]"),
        "unit": np.array([s.unit.value for _, s in rows]),
        "rate_ore": np.array([s.rate.ore for _, s in rows], dtype=np.int64),
        "quantity": np.array([s.quantity for _, s in rows], dtype=object),
        "probability": np.array([d.probability for d, _ in rows], dtype=object),
    }


@given(dispositions=disposition_lists(), as_of=DATES, seed=st.integers(0, 1000))
def test_from_arrays_in_any_row_order_equals_objects(dispositions, as_of, seed) -> None:
    columns = _as_columns(dispositions)
    order = np.random.default_rng(seed).permutation(len(columns["start"]))
    shuffled = DispositionLedger.from_arrays(**{k: v[order] for k, v in columns.items()})
    expected = DispositionLedger(dispositions)  # accounts differ (catalogue defaults): not compared
    got = shuffled.as_of(as_of)
    want = expected.as_of(as_of)
    assert got.by("citizen").to_dict() == want.by("citizen").to_dict()
    assert got.total == want.total
    year = as_of.year
    assert (
        shuffled.monthly(year, by="service").to_dict()
        == expected.monthly(year, by="service").to_dict()
    )


@given(
    st.lists(
        st.tuples(
            st.integers(0, 4), st.lists(st.integers(-(2**61), 2**61), min_size=3, max_size=3)
        ),
        max_size=30,
    ),
    st.booleans(),
)
def test_group_rows_sum_is_exact_sorted_or_not(
    rows: list[tuple[int, list[int]]], sort: bool
) -> None:
    if sort:
        rows = sorted(rows, key=lambda row: row[0])
    expected = [[0, 0, 0] for _ in range(5)]
    for group, values in rows:
        expected[group] = [a + b for a, b in zip(expected[group], values, strict=True)]
    codes = np.array([group for group, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=np.int64).reshape(len(rows), 3)
    if any(abs(total) > MAX_ORE for row in expected for total in row):
        with pytest.raises(AmountOverflowError):
            group_rows_sum(codes, values, 5)
    else:
        assert group_rows_sum(codes, values, 5).tolist() == expected


@given(dispositions=disposition_lists(max_size=8), year=YEARS)
def test_both_paths_of_grouped_interval_costs_agree(dispositions, year) -> None:
    """Months summed from the daily costs equal the costs at the month boundaries, to the øre,
    for every grouping (the days of a month telescope to its cost)."""
    ledger = DispositionLedger(dispositions)
    bounds = np.array(BudgetYear(year).month_boundaries(), dtype=np.int64)
    for by in ("account", "citizen", "disposition"):
        codes, labels = ledger.groups(by)
        results = [
            grouped_interval_costs(ledger.columns, codes, labels.size, bounds, path=path)
            for path in ("boundaries", "daily", "auto")
        ]
        assert np.array_equal(results[0], results[1])
        assert np.array_equal(results[0], results[2])
    # Empty intervals (equal boundaries) are 0 on both paths.
    codes, labels = ledger.groups("account")
    twice = np.array([bounds[0], bounds[0], bounds[1]], dtype=np.int64)
    for path in ("boundaries", "daily"):
        got = grouped_interval_costs(ledger.columns, codes, labels.size, twice, path=path)
        assert not got[:, 0].any()


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="5.38çø€ÅB-\x01", max_size=18),
            st.sampled_from(["", "5.38.50", "5.38.5", "day", "week", "010190-1234"]),
            st.sampled_from(["010190-1234x", "0101901234567890", "0101901234567891"]),
        ),
        max_size=40,
    ),
    st.lists(st.integers(-(2**63), 2**63 - 1) | st.integers(-50, 50), max_size=40),
)
def test_factorising_labels_equals_numpy_unique(texts: list[str], numbers: list[int]) -> None:
    """The label factorisation's short cuts (one value, increasing ids, integers in a compact
    range, texts packed into one or two integers) give np.unique's labels and codes exactly,
    whatever the texts and numbers."""
    from styringskerne.ledger.ledger import _factorised

    for values in (
        np.array(texts, dtype=str),
        np.arange(len(texts), dtype=np.int64),
        np.array(numbers, dtype=np.int64),
        np.array([abs(n) for n in numbers], dtype=np.uint64),
    ):
        if not values.size:
            continue
        labels, codes = _factorised(values)
        expected_labels, expected_codes = np.unique(values, return_inverse=True)
        assert labels.tolist() == expected_labels.tolist()
        assert codes.tolist() == expected_codes.ravel().tolist()


@given(dispositions=disposition_lists(max_size=8), data=st.data())
def test_merged_parts_are_the_whole(dispositions, data) -> None:
    """Ledgers built on chunks merge into the ledger of all the dispositions: its monthly,
    daily, cost and as-of figures are the whole's, and the parts' monthly by account add up to
    it with the labels aligned."""
    cut = sorted(data.draw(st.lists(st.integers(0, len(dispositions)), max_size=3)))
    bounds = [0, *cut, len(dispositions)]
    chunks = [dispositions[a:b] for a, b in itertools.pairwise(bounds)]
    parts = [DispositionLedger(chunk) for chunk in chunks]
    whole = DispositionLedger(dispositions)
    merged = DispositionLedger.merge(parts)
    first, last = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    for by in ("account", "citizen", "disposition", None):
        assert merged.cost(first, last, by=by).to_dict() == whole.cost(first, last, by=by).to_dict()
    assert np.array_equal(merged.monthly(2024, by="account").values,
                          whole.monthly(2024, by="account").values)  # fmt: skip
    assert np.array_equal(merged.daily(first, dt.date(2024, 2, 29)).values,
                          whole.daily(first, dt.date(2024, 2, 29)).values)  # fmt: skip
    assert merged.as_of(dt.date(2024, 6, 30)).total == whole.as_of(dt.date(2024, 6, 30)).total
    summed: dict[str, int] = {}
    for part in parts:
        table = part.monthly(2024, by="account")
        for label, row in zip(table.labels.tolist(), table.values.tolist(), strict=True):
            summed[str(label)] = summed.get(str(label), 0) + sum(row)
    whole_table = whole.monthly(2024, by="account")
    expected = {
        str(label): sum(row)
        for label, row in zip(whole_table.labels.tolist(), whole_table.values.tolist(), strict=True)
    }
    assert {k: v for k, v in summed.items() if v} == {k: v for k, v in expected.items() if v}


def test_merge_refuses_a_disposition_in_two_parts() -> None:
    stay = day_stay("D1", "B-1", "SEL108", dt.date(2024, 1, 1))
    with pytest.raises(StyringskerneError, match="occurs in part 1 and part 2"):
        DispositionLedger.merge([DispositionLedger([stay]), DispositionLedger([stay])])
    with pytest.raises(StyringskerneError, match="at least one ledger"):
        DispositionLedger.merge([])


def test_merge_keeps_the_postings_of_every_part() -> None:
    from styringskerne import Actual, Money

    one = DispositionLedger(
        [day_stay("D1", "B-1", "SEL108", dt.date(2024, 1, 1))],
        [Actual(citizen_id="B-1", account="5.38.50", date=dt.date(2024, 1, 31),
                amount=Money.of("31.000,00"), disposition_id="D1")],
    )  # fmt: skip
    two = DispositionLedger(
        [day_stay("D2", "010190-1234", "SEL107", dt.date(2024, 1, 1))],
        [Actual(citizen_id="0101901234", account="5.38.52", date=dt.date(2024, 1, 31),
                amount=Money.of("30.000,00"))],
    )  # fmt: skip
    merged = DispositionLedger.merge([one, two])
    status = merged.as_of(dt.date(2024, 1, 31))
    assert status.total.booked_to_date == Money.of("61.000,00")
    assert merged.postings.disposition_id.tolist() == ["D1", ""]


@given(st.lists(st.integers(0, 30), max_size=50))
def test_dense_codes_equal_numpy_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    keys, inverse = dense_codes(array, 31)
    expected_keys, expected_inverse = np.unique(array, return_inverse=True)
    assert keys.tolist() == expected_keys.tolist()
    assert inverse.tolist() == expected_inverse.ravel().tolist()


@given(
    drawn=st.lists(
        st.tuples(segments(), probabilities, ranges),
        min_size=1,
        max_size=6,
    ),
    cuts=st.lists(DATES, min_size=1, max_size=5),
)
def test_windowed_interval_costs_equal_the_reference(drawn, cuts) -> None:
    """Pieces of segments cut to windows cost, per interval, what the per-day reference says:
    whole øre per day (the plain path) and every other unit, quantity and probability alike."""
    ordered = sorted({day_number(day) for day in cuts})
    stop_of = [
        OPEN_END if segment.end is None else day_number(segment.end) + 1 for segment, _, _ in drawn
    ]
    columns = build_segment_columns(
        start=[day_number(segment.start) for segment, _, _ in drawn],
        stop=stop_of,
        unit=[UNIT_CODES[segment.unit.value] for segment, _, _ in drawn],
        rate_ore=[segment.rate.ore for segment, _, _ in drawn],
        quantity_numerator=[segment.quantity.numerator for segment, _, _ in drawn],
        quantity_denominator=[segment.quantity.denominator for segment, _, _ in drawn],
        probability_numerator=[share.numerator for _, share, _ in drawn],
        probability_denominator=[share.denominator for _, share, _ in drawn],
    )
    first = np.array([day_number(window[0]) for _, _, window in drawn], dtype=np.int64)
    stop = np.array([day_number(window[1]) for _, _, window in drawn], dtype=np.int64)
    got = windowed_interval_costs(columns, np.arange(len(drawn)), first, stop, ordered)

    def before(day: int) -> dt.date:
        return dt.date(1970, 1, 1) + dt.timedelta(days=day)

    for row, (segment, share, _) in enumerate(drawn):
        clipped = [min(max(day, int(first[row])), max(int(stop[row]), int(first[row])))
                   for day in ordered]  # fmt: skip
        running = [reference.cumulative(segment, share, before(day)) for day in clipped]
        assert got[row].tolist() == [b - a for a, b in itertools.pairwise(running)]


@given(
    drawn=st.lists(
        st.tuples(segments(), probabilities, ranges, st.integers(0, 3)), min_size=1, max_size=8
    ),
    cuts=st.lists(DATES, min_size=1, max_size=5),
)
def test_grouped_windowed_costs_are_the_pieces_summed_by_group(drawn, cuts) -> None:
    """Summing chunk by chunk gives the per-piece matrix summed by group, and each piece's
    total is its row of the matrix (compared with the reference-checked windowed costs)."""
    drawn = sorted(drawn, key=lambda item: item[3])
    columns = build_segment_columns(
        start=[day_number(segment.start) for segment, *_ in drawn],
        stop=[OPEN_END if s.end is None else day_number(s.end) + 1 for s, *_ in drawn],
        unit=[UNIT_CODES[segment.unit.value] for segment, *_ in drawn],
        rate_ore=[segment.rate.ore for segment, *_ in drawn],
        quantity_numerator=[segment.quantity.numerator for segment, *_ in drawn],
        quantity_denominator=[segment.quantity.denominator for segment, *_ in drawn],
        probability_numerator=[share.numerator for _, share, *_ in drawn],
        probability_denominator=[share.denominator for _, share, *_ in drawn],
    )
    rows = np.arange(len(drawn))
    first = np.array([day_number(window[0]) for _, _, window, _ in drawn], dtype=np.int64)
    stop = np.array([day_number(window[1]) for _, _, window, _ in drawn], dtype=np.int64)
    groups = np.array([group for *_, group in drawn], dtype=np.int64)
    bounds = sorted({day_number(day) for day in cuts})
    matrix = windowed_interval_costs(columns, rows, first, stop, bounds)
    by_group, totals = grouped_windowed_costs(
        columns, rows, first, stop, bounds, groups=groups, group_count=4
    )
    expected = [[0] * (len(bounds) - 1) for _ in range(4)]
    for group, line in zip(groups.tolist(), matrix.tolist(), strict=True):
        expected[group] = [a + b for a, b in zip(expected[group], line, strict=True)]
    assert by_group.tolist() == expected
    assert totals.tolist() == [sum(line) for line in matrix.tolist()]


def test_grouped_windowed_costs_near_the_limit_are_exact_or_refused() -> None:
    """One one-off amount just over half the largest exact amount, taken as two pieces (a
    caller may repeat a row): apart in two groups they are exact; in one group their sum is
    beyond the largest amount and refused, never wrapped."""
    huge = 2**61 + 10  # twice this is beyond MAX_ORE = 2**62 − 1
    columns = build_segment_columns(
        start=[0], stop=[10], unit=[UNIT_CODES["once"]], rate_ore=[huge],
        quantity_numerator=[1], quantity_denominator=[1],
        probability_numerator=[1], probability_denominator=[1],
    )  # fmt: skip
    rows, first, stop = np.zeros(2, np.int64), np.zeros(2, np.int64), np.full(2, 10, np.int64)
    apart, totals = grouped_windowed_costs(
        columns, rows, first, stop, [0, 10], groups=np.array([0, 1]), group_count=2
    )
    assert apart[:, 0].tolist() == [huge, huge]
    assert totals.tolist() == [huge, huge]
    assert 2 * huge > MAX_ORE
    with pytest.raises(AmountOverflowError):
        grouped_windowed_costs(
            columns, rows, first, stop, [0, 10], groups=np.array([0, 0]), group_count=1
        )
    with pytest.raises(StyringskerneError, match="sorted by group"):
        grouped_windowed_costs(
            columns, rows, first, stop, [0, 10], groups=np.array([1, 0]), group_count=2
        )


def test_a_passed_cost_check_does_not_cover_a_later_day() -> None:
    """The limit check remembers the latest day it passed; a later day is checked again."""
    from styringskerne.engine.limits import check_cost_limit

    per_day = 2**52  # about 4.500 days of it pass the largest exact amount
    columns = build_segment_columns(
        start=[0], stop=[OPEN_END], unit=[UNIT_CODES["day"]], rate_ore=[per_day],
        quantity_numerator=[1], quantity_denominator=[1],
        probability_numerator=[1], probability_denominator=[1],
    )  # fmt: skip
    check_cost_limit(columns, 365)
    check_cost_limit(columns, 100)  # earlier than a passed day: fine
    with pytest.raises(AmountOverflowError):
        check_cost_limit(columns, 5_000)
    with pytest.raises(AmountOverflowError):
        windowed_interval_costs(columns, np.zeros(1, np.int64), [0], [10], [0, 5_000])


@given(
    values=st.lists(st.integers(0, 2**20), max_size=200),
    size=st.sampled_from([2**16, 2**20 + 1, 2**33]),
)
def test_stable_order_is_numpys_stable_argsort(values: list[int], size: int) -> None:
    """The radix order equals the stable comparison sort for codes below each size."""
    codes = np.array([value % size for value in values], dtype=np.int64)
    assert stable_order(codes, size).tolist() == np.argsort(codes, kind="stable").tolist()


def _largest_remainder_reference(
    groups: list[int], weights: list[int], totals: list[int]
) -> list[int]:
    """The rule in words: whole øre of each share, the rest one each by largest remainder
    (ties: the earlier part), the sign of the total."""
    result = [0] * len(groups)
    for group, total in enumerate(totals):
        parts = [index for index, code in enumerate(groups) if code == group]
        weight_sum = sum(weights[index] for index in parts)
        if not parts or weight_sum == 0:
            continue
        shares = {index: divmod(abs(total) * weights[index], weight_sum) for index in parts}
        left = abs(total) - sum(whole for whole, _ in shares.values())
        ranked = sorted(parts, key=lambda index: (-shares[index][1], index))
        sign = 1 if total >= 0 else -1
        for place, index in enumerate(ranked):
            result[index] = sign * (shares[index][0] + (1 if place < left else 0))
    return result


@given(
    parts=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 10**6)), min_size=1, max_size=30),
    totals=st.lists(st.integers(-(10**9), 10**9), min_size=4, max_size=4),
    huge=st.booleans(),
)
def test_largest_remainder_follows_the_rule(parts, totals, huge) -> None:
    """Parts equal the rule worked by hand and add up to each total (weights up to 10**6,
    or near the int64 range, where the products are formed as Python integers)."""
    from styringskerne.engine import largest_remainder

    groups = [group for group, _ in parts]
    weights = [weight * (2**30 if huge else 1) for _, weight in parts]
    present = set(groups)
    totals = [total if group in present else 0 for group, total in enumerate(totals)]
    got = largest_remainder(np.array(groups), np.array(weights), np.array(totals))
    assert got.tolist() == _largest_remainder_reference(groups, weights, totals)
    for group in present:
        assert (
            sum(v for v, code in zip(got.tolist(), groups, strict=True) if code == group)
            == (totals[group])
        )


def test_largest_remainder_by_hand_at_the_edges() -> None:
    """Zero weights take nothing; products beyond int64 are formed exactly (a float would
    lose the last digits and give the øre to the wrong part); bad input says what is wrong."""
    from styringskerne.engine import largest_remainder

    got = largest_remainder(np.array([0, 0, 0]), np.array([0, 1, 3]), np.array([7]))
    assert got.tolist() == [0, 2, 5]  # 1¾ and 5¼: the ¾ gets the øre
    big = 2**60  # 5 × big is beyond int64; the three weights still sum below MAX_ORE
    weights = [big, big + 1, big + 2]
    got = largest_remainder(np.zeros(3, np.int64), np.array(weights), np.array([5]))
    assert got.tolist() == _largest_remainder_reference([0, 0, 0], weights, [5])
    assert got.tolist() == [1, 2, 2]  # 1⅔ less a hair, 1⅔, 1⅔ and a hair: the two larger
    with pytest.raises(StyringskerneError) as caught:
        largest_remainder(np.array([0, 0]), np.array([1, -1]), np.array([5]))
    assert str(caught.value) == "largest_remainder: weights must be >= 0"
    with pytest.raises(StyringskerneError) as caught:
        largest_remainder(np.array([0, 1]), np.array([1, 0]), np.array([5, 3]))
    assert str(caught.value) == (
        "largest_remainder: group 1 has a total of 3 øre to split but no weight to split it by"
    )


def test_exact_sum_beyond_the_bound_is_exact_or_refused() -> None:
    """Sums whose bound passes the largest amount are added as Python integers: exact when
    the true total fits, refused (with the amount) when it does not."""
    from styringskerne.engine import exact_sum

    half = 2**61 + 1  # not a power of two: a float sum would lose the last digits
    fits = np.array([[half, half, -half], [1, 2, 3]], dtype=np.int64)
    assert exact_sum(fits, axis=1).tolist() == [half, 6]
    assert exact_sum(fits, axis=1).dtype == np.int64
    assert exact_sum(fits, axis=0).tolist() == [half + 1, half + 2, -half + 3]
    assert int(exact_sum(fits)) == half + 6
    with pytest.raises(AmountOverflowError) as caught:
        exact_sum(np.array([half, half], dtype=np.int64))
    assert str(caught.value).startswith(
        f"a total is {2 * half} øre, beyond the largest exact amount "
    )
    assert exact_sum(np.zeros(0, dtype=np.int64)).tolist() == 0


def test_factorising_a_long_column_of_few_texts_finds_a_late_newcomer() -> None:
    """Beyond the first rows looked at, a text that first appears late (and sorts first) still
    gets its label and codes; a column of many distinct texts is sorted instead."""
    from styringskerne.ledger.ledger import _factorised

    for values in (
        np.array(["5.38.50", "5.38.52", "day"] * 2_000 + ["5.38.49"]),
        np.array([f"{n:07d}" for n in range(6_000)]),
        np.array(["week", "day", "month"] * 2_000),
        np.array(["Bofællesskabet Solhjemmet", "Botilbuddet Engen"] * 3_000 + ["A" * 20]),
        np.array(["Bofællesskabet Solhjemmet €", "Bo"] * 3_000),  # not Latin-1: as texts
    ):
        labels, codes = _factorised(values)
        expected_labels, expected_codes = np.unique(values, return_inverse=True)
        assert labels.tolist() == expected_labels.tolist()
        assert codes.tolist() == expected_codes.ravel().tolist()


def test_sums_of_exactly_the_largest_amount_pass_and_one_more_is_refused() -> None:
    """The largest amount itself is an amount (the bound is inclusive); a sum into a cell past
    it is refused with the amount, never wrapped."""
    from styringskerne.engine import add_into, exact_sum

    assert int(exact_sum(np.array([MAX_ORE, 1, -1], dtype=np.int64))) == MAX_ORE
    target = np.zeros(2, dtype=np.int64)
    add_into(target, np.array([0, 0, 1]), np.array([MAX_ORE, 1, -1], dtype=np.int64) * [1, 0, 1])
    assert target.tolist() == [MAX_ORE, -1]
    beyond = 2**61 + 1
    with pytest.raises(AmountOverflowError) as caught:
        add_into(np.zeros(1, dtype=np.int64), np.array([0, 0]), np.array([beyond, beyond]))
    assert str(caught.value).startswith(
        f"a sum is {2 * beyond} øre, beyond the largest exact amount "
    )


def test_largest_remainder_ranks_huge_remainders_exactly() -> None:
    """Remainders near the largest amount (beyond float precision, and too large to rank on one
    integer key with the group) are ranked exactly: by hand, 3 øre over weights 2⁶¹ and
    2⁶¹ − 5 give 1½ and a hair over, 1½ and a hair under: the first gets the øre."""
    from styringskerne.engine import largest_remainder

    groups = [0, 0, 1, 1]
    weights = [1, 1, 2**61, 2**61 - 5]
    got = largest_remainder(np.array(groups), np.array(weights), np.array([3, 3]))
    assert got.tolist() == _largest_remainder_reference(groups, weights, [3, 3])
    assert got.tolist() == [2, 1, 2, 1]
