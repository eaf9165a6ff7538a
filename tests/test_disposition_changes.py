"""The items of single dispositions' changes between two snapshots, worked by hand (2024).

Each disposition below changes in one or several ways at once, and every item — sub-area,
reason, amount, citizen, disposition and label — is asserted, not only their sum: the order
of the steps (probability, period at the last price, price or provider, payer) decides which
reason gets which øre. 2024 is a leap year: February has 29 days, the year 366.
"""

from __future__ import annotations

import datetime as dt

import attrs

from styringskerne import Disposition, DispositionLedger
from styringskerne.forecast.disposition_changes import disposition_items
from tests.builders import day_stay

YEAR = 2024


def items(before: list[Disposition], after: list[Disposition], **options: object) -> list[tuple]:
    placed = disposition_items(
        previous=DispositionLedger(before), current=DispositionLedger(after), year=YEAR, **options
    )
    return [
        (i.sub_area, i.reason, i.amount.ore, i.citizen_id, i.disposition_id, i.label)
        for i in placed.items
    ]


def stay(id: str, start: dt.date, end: dt.date | None = None, **extra: object) -> Disposition:
    return day_stay(id, f"B-{id}", "SEL108", start, end, **extra)  # 1.000 kr. a day, 5.38.50


def test_four_steps_of_one_change_each_get_their_own_reason() -> None:
    # Before: 1.000 kr./day at probability 1/2, 1 January – 30 June (182 days): 9.100.000 øre.
    # After: granted (probability 1), until 31 August (244 days), 1.200 kr./day from 1 March.
    before = stay("D1", dt.date(2024, 1, 1), dt.date(2024, 6, 30), probability="1/2")
    after = stay("D1", dt.date(2024, 1, 1), dt.date(2024, 8, 31)).with_price_from(
        dt.date(2024, 3, 1), "1.200,00"
    )
    assert items([before], [after]) == [
        # probability 1/2 → 1: 182 days × 1.000 kr. × 1/2 more
        ("5.38.50", "probability", 9_100_000, "B-D1", "D1", ""),
        # 62 more days (July, August) at the price the old disposition ended on
        ("5.38.50", "extended", 6_200_000, "B-D1", "D1", ""),
        # 1 March – 31 August, 184 days × 200 kr. more
        ("5.38.50", "price", 3_680_000, "B-D1", "D1", ""),
    ]


def test_a_shorter_period_of_two_prices_is_cut_at_its_own_prices() -> None:
    # Before: 1.000 kr./day from 1 January, 1.100 kr./day from 1 July, to 31 December.
    # After: the same prices from 1 February to 30 November. The period step keeps each
    # segment's own price: 31 days at 1.000 kr. and 31 days at 1.100 kr. fewer.
    before = stay("D2", dt.date(2024, 1, 1), dt.date(2024, 12, 31)).with_price_from(
        dt.date(2024, 7, 1), "1.100,00"
    )
    after = stay("D2", dt.date(2024, 2, 1), dt.date(2024, 11, 30)).with_price_from(
        dt.date(2024, 7, 1), "1.100,00"
    )
    assert items([before], [after]) == [
        ("5.38.50", "ended", -(3_100_000 + 3_410_000), "B-D2", "D2", ""),
    ]


def test_an_extension_continues_at_the_last_price_and_an_earlier_start_at_the_first() -> None:
    # D3: two prices (1.000, then 1.100 kr. from 1 July) until 30 September, extended to
    # 30 November: 61 days at the last price. D4: starts a month earlier (29 days of
    # February) at the first price; its end is the same, so the step is "start moved".
    d3 = stay("D3", dt.date(2024, 1, 1), dt.date(2024, 9, 30)).with_price_from(
        dt.date(2024, 7, 1), "1.100,00"
    )
    d3_later = stay("D3", dt.date(2024, 1, 1), dt.date(2024, 11, 30)).with_price_from(
        dt.date(2024, 7, 1), "1.100,00"
    )
    d4 = stay("D4", dt.date(2024, 3, 1), dt.date(2024, 12, 31), rate="900,00")
    d4_earlier = stay("D4", dt.date(2024, 2, 1), dt.date(2024, 12, 31), rate="900,00")
    assert items([d3, d4], [d3_later, d4_earlier]) == [
        ("5.38.50", "extended", 61 * 110_000, "B-D3", "D3", ""),
        ("5.38.50", "other", 29 * 90_000, "B-D4", "D4", "start moved"),
    ]


def test_another_payer_takes_the_cost_away_in_the_payer_step() -> None:
    # D5 is extended by 30 days (to 30 November) and from now another municipality pays:
    # the extension is this municipality's until the payer step takes the whole cost away.
    before = stay("D5", dt.date(2024, 1, 1), dt.date(2024, 10, 31))
    after = attrs.evolve(stay("D5", dt.date(2024, 1, 1), dt.date(2024, 11, 30)), payer="0101")
    assert items([before], [after]) == [
        ("5.38.50", "extended", 3_000_000, "B-D5", "D5", ""),
        ("5.38.50", "payer", -33_500_000, "B-D5", "D5", ""),
    ]
    # The other way: a disposition another municipality paid becomes this one's.
    assert items([after], [before]) == [("5.38.50", "payer", 30_500_000, "B-D5", "D5", "")]


def test_a_disposition_moved_to_another_sub_area() -> None:
    # The account changes from 5.38.50 to 5.38.52 and the stay gets 31 days shorter: the old
    # sub-area loses the whole old cost, the new one gains the whole new cost.
    before = stay("D6", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    after = attrs.evolve(stay("D6", dt.date(2024, 1, 1), dt.date(2024, 11, 30)), account="5.38.52")
    assert items([before], [after]) == [
        ("5.38.50", "other", -36_600_000, "B-D6", "D6", "moved to sub-area 5.38.52"),
        ("5.38.52", "other", 33_500_000, "B-D6", "D6", "moved from sub-area 5.38.50"),
    ]
    named = {"5.38.50": "Botilbud", "5.38.52": "Midlertidige botilbud"}
    assert items([before], [after], sub_areas=named) == [
        ("Botilbud", "other", -36_600_000, "B-D6", "D6", "moved to sub-area Midlertidige botilbud"),
        (
            "Midlertidige botilbud",
            "other",
            33_500_000,
            "B-D6",
            "D6",
            "moved from sub-area Botilbud",
        ),
    ]
    # Two accounts of one sub-area: no move, only the shorter stay.
    same = {"5.38.50": "Botilbud", "5.38.52": "Botilbud"}
    assert items([before], [after], sub_areas=same) == [
        ("Botilbud", "ended", -3_100_000, "B-D6", "D6", ""),
    ]


def test_the_smallest_amounts_that_end_or_start_are_items() -> None:
    # One-off amounts of 0,01 kr.: one removed, one new; a removed disposition another
    # municipality paid for is no item (it cost this municipality nothing).
    def once(id: str, citizen: str, **extra: object) -> Disposition:
        return Disposition.at_rate(id=id, citizen_id=citizen, service="SEL100", rate="0,01",
                                   unit="once", start=dt.date(2024, 5, 1), **extra)  # type: ignore[arg-type]  # fmt: skip

    paid_elsewhere = stay("D9", dt.date(2024, 1, 1), payer="0101")
    got = items([once("D7", "B-7"), paid_elsewhere], [once("D8", "B-8")])
    assert got == [
        ("5.57.72", "ended", -1, "B-7", "D7", "disposition removed"),
        ("5.57.72", "new", 1, "B-8", "D8", ""),
    ]


def test_ids_of_another_kind_in_the_other_snapshot_still_match() -> None:
    # Integer disposition ids in one ledger (from arrays) and text ids in the other.
    import numpy as np

    def ledger(end: str, ids: object) -> DispositionLedger:
        return DispositionLedger.from_arrays(
            disposition_id=ids,
            citizen_id=np.array(["B-1", "B-2"]),
            service=np.array(["SEL108", "SEL108"]),
            account=np.array(["5.38.50", "5.38.50"]),
            start=np.array(["2024-01-01", "2024-01-01"], dtype="datetime64[D]"),
            end=np.array([end, "2024-12-31"], dtype="datetime64[D]"),
            unit=np.array(["day", "day"]),
            rate_ore=np.array([100_000, 100_000]),
        )

    placed = disposition_items(
        previous=ledger("2024-12-31", np.array([7, 12])),
        current=ledger("2024-11-30", np.array(["7", "12"])),
        year=YEAR,
    )
    assert [(i.reason, i.amount.ore, i.disposition_id) for i in placed.items] == [
        ("ended", -3_100_000, "7"),
    ]


def test_three_changed_dispositions_each_cut_at_its_own_ends() -> None:
    # D1: 1 March → 1 February (29 days earlier at 1.000 kr.): start moved.
    # D2: two prices (1.000, 1.100 kr. from 1 July), 1 March – 30 September → 1 February –
    #     30 November: 29 days earlier at the first price, 61 days later at the last.
    # D3: all year → to 30 November: 31 days fewer.
    def two_prices(start: dt.date, end: dt.date) -> Disposition:
        return stay("D2", start, end).with_price_from(dt.date(2024, 7, 1), "1.100,00")

    before = [
        stay("D1", dt.date(2024, 3, 1)),
        two_prices(dt.date(2024, 3, 1), dt.date(2024, 9, 30)),
        stay("D3", dt.date(2024, 1, 1)),
    ]
    after = [
        stay("D1", dt.date(2024, 2, 1)),
        two_prices(dt.date(2024, 2, 1), dt.date(2024, 11, 30)),
        stay("D3", dt.date(2024, 1, 1), dt.date(2024, 11, 30)),
    ]
    assert items(before, after) == [
        ("5.38.50", "other", 2_900_000, "B-D1", "D1", "start moved"),
        ("5.38.50", "extended", 2_900_000 + 6_710_000, "B-D2", "D2", ""),
        ("5.38.50", "ended", -3_100_000, "B-D3", "D3", ""),
    ]


def test_everything_ended_and_everything_new() -> None:
    d = stay("D1", dt.date(2024, 7, 1))  # 184 days
    assert items([d], []) == [
        ("5.38.50", "ended", -18_400_000, "B-D1", "D1", "disposition removed")
    ]
    assert items([], [d]) == [("5.38.50", "new", 18_400_000, "B-D1", "D1", "")]


def test_only_one_citizen_moved_between_providers() -> None:
    # Ended: A-3 at P (5.38.50), B-1 at P (5.38.50), C-1 at P (5.38.52). New: A-1 at Q
    # (5.38.52), A-2 at R (5.38.50), B-1 at Q (5.38.50). Only B-1 left one provider for another
    # in the same sub-area; the others ended or started, whoever else shares a sub-area or a
    # provider with them.
    def at(id: str, citizen: str, service: str, provider: str) -> Disposition:
        return day_stay(id, citizen, service, dt.date(2024, 1, 1), provider=provider)

    before = [at("D1", "A-3", "SEL108", "P"), at("D2", "B-1", "SEL108", "P"),
              at("D3", "C-1", "SEL107", "P")]  # fmt: skip
    after = [at("D4", "A-1", "SEL107", "Q"), at("D5", "A-2", "SEL108", "R"),
             at("D6", "B-1", "SEL108", "Q")]  # fmt: skip
    year = 36_600_000
    assert items(before, after) == [
        ("5.38.50", "ended", -year, "A-3", "D1", "disposition removed"),
        ("5.38.50", "provider", -year, "B-1", "D2", "left for another provider"),
        ("5.38.52", "ended", -year, "C-1", "D3", "disposition removed"),
        ("5.38.52", "new", year, "A-1", "D4", ""),
        ("5.38.50", "new", year, "A-2", "D5", ""),
        ("5.38.50", "provider", year, "B-1", "D6", "moved here"),
    ]


def test_a_disposition_must_keep_one_citizen_account_and_payer() -> None:
    import numpy as np
    import pytest

    from styringskerne.core.errors import StyringskerneError

    def ledger(**differing: list[str]) -> DispositionLedger:
        columns = {
            "disposition_id": ["D1", "D1", "D2", "D2"],
            "citizen_id": ["B-1", "B-1", "B-2", "B-2"],
            "account": ["5.38.50"] * 4,
            "payer": [""] * 4,
            **differing,
        }
        return DispositionLedger.from_arrays(
            **{name: np.array(values) for name, values in columns.items()},
            service=np.array(["SEL108"] * 4),
            start=np.array(["2024-01-01", "2024-07-01"] * 2, dtype="datetime64[D]"),
            end=np.array(["2024-06-30", "2024-12-31"] * 2, dtype="datetime64[D]"),
            unit=np.array(["day"] * 4),
            rate_ore=np.array([100_000] * 4),
        )

    good = ledger()
    for name, values in (
        ("citizen", {"citizen_id": ["B-1", "B-1", "B-2", "B-3"]}),
        ("account", {"account": ["5.38.50", "5.38.50", "5.38.50", "5.38.52"]}),
        ("payer", {"payer": ["", "", "", "0101"]}),
    ):
        bad = ledger(**values)
        for previous, current in ((bad, good), (good, bad)):
            with pytest.raises(StyringskerneError) as error:
                disposition_items(previous=previous, current=current, year=YEAR)
            assert str(error.value) == (
                f"disposition D2 has segments with different {name}s; one disposition must have one"
            )


def test_rows_of_one_disposition_are_joined_only_when_all_but_their_dates_agree() -> None:
    """A price run is joined from rows that meet and agree on everything but their dates; a
    row with another citizen, account or payer is kept (and then refused by name where one
    disposition must have one), never folded into its neighbour."""
    import numpy as np

    def ledger(column: str, second: str) -> DispositionLedger:
        values = {"citizen_id": "B-1", "account": "5.38.50", "payer": ""}
        rows = {name: np.array([value, second if name == column else value])
                for name, value in values.items()}  # fmt: skip
        return DispositionLedger.from_arrays(
            **rows,
            disposition_id=np.array(["D1", "D1"]),
            service=np.array(["SEL108"] * 2),
            start=np.array(["2024-01-01", "2024-07-01"], dtype="datetime64[D]"),
            end=np.array(["2024-06-30", "2024-12-31"], dtype="datetime64[D]"),
            unit=np.array(["day"] * 2),
            rate_ore=np.array([100_000] * 2),
        )

    assert len(ledger("citizen_id", "B-1").columns) == 1  # all the same: one run
    for column, second in (("citizen_id", "B-2"), ("account", "5.38.52"), ("payer", "0101")):
        split = ledger(column, second)
        assert len(split.columns) == 2, column
        assert split.cost(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).total.ore == 36_600_000
    assert ledger("citizen_id", "B-2").groups("citizen")[1].tolist() == ["B-1", "B-2"]


def test_a_move_between_sub_areas_names_both_among_several() -> None:
    # Unchanged dispositions in 5.38.42 (before and after) put the moved one's sub-areas
    # second in each snapshot's list of sub-areas.
    other = day_stay("D0", "B-0", "SEL110", dt.date(2024, 1, 1))
    before = stay("D6", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    after = attrs.evolve(before, account="5.38.52")
    assert items([other, before], [other, after]) == [
        ("5.38.50", "other", -36_600_000, "B-D6", "D6", "moved to sub-area 5.38.52"),
        ("5.38.52", "other", 36_600_000, "B-D6", "D6", "moved from sub-area 5.38.50"),
    ]


def test_providers_of_another_kind_in_the_other_snapshot_are_the_same_providers() -> None:
    # Provider 7 as a number in one snapshot and as the text "7" in the other: a price rise
    # of 100 kr. a day from 1 July is a price change, not a change of provider.
    import numpy as np

    def ledger(providers: object, second_rate: int) -> DispositionLedger:
        return DispositionLedger.from_arrays(
            disposition_id=np.array(["D1", "D1"]),
            citizen_id=np.array(["B-1", "B-1"]),
            service=np.array(["SEL108", "SEL108"]),
            account=np.array(["5.38.50", "5.38.50"]),
            provider=providers,
            start=np.array(["2024-01-01", "2024-07-01"], dtype="datetime64[D]"),
            end=np.array(["2024-06-30", "2024-12-31"], dtype="datetime64[D]"),
            unit=np.array(["day", "day"]),
            rate_ore=np.array([100_000, second_rate]),
        )

    placed = disposition_items(
        previous=ledger(np.array([7, 7]), 100_000),
        current=ledger(np.array(["7", "7"]), 110_000),
        year=YEAR,
    )
    assert [(i.reason, i.amount.ore) for i in placed.items] == [("price", 184 * 10_000)]
