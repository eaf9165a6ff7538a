"""What a state refund shows and how parts of one combine (serviceloven § 176).

A small year worked by hand at the 2022 thresholds (860.000 / 1.680.000 / 2.120.000 kr.,
yearly basis) is pinned word for word in every output: the controller signs these figures, so
a key renamed, a unit dropped or a masked id shown would be a real bug. Merging is checked
against reckoning the whole ledger at once, and its refusals word for word.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import attrs
import numpy as np
import pytest

from styringskerne import Disposition, DispositionLedger, Money
from styringskerne.core.errors import StyringskerneError
from styringskerne.ledger.refund import (
    RefundRule,
    RefundThresholds,
    StateRefund,
    state_refund,
)
from tests.builders import day_stay

YEARLY = attrs.evolve(RefundRule.for_year(2022), basis="year")
AS_OF = dt.date(2022, 6, 30)
SOURCE = "Serviceloven § 176, stk. 1, the text in force (amounts at 2022 level)"


def _dear() -> Disposition:
    """10.000 kr./day all 2022, pseudonymous id (age unknown): 3.650.000 kr. counted."""
    return day_stay("D1", "B-1", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")


def _siblings() -> list[Disposition]:
    """Two children of household H-7 at 1.643,84 kr./day each, all 2022."""
    return [
        day_stay(f"D{n}", f"B-{n}", "SEL107", dt.date(2022, 1, 1), dt.date(2022, 12, 31),
                 rate="1.643,84", household="H-7", birth_date=dt.date(2010, 5, 1))
        for n in (2, 3)
    ]  # fmt: skip


def _turning_67() -> Disposition:
    """CPR 010755-1234: born 1 July 1955, 67 on 1 July 2022; 10.000 kr./day."""
    return day_stay("D4", "010755-1234", "SEL108", dt.date(2022, 1, 1), rate="10.000,00")


def _unknown_service() -> Disposition:
    return day_stay("D5", "B-5", "XYZ9", dt.date(2022, 1, 1), rate="50.000,00",
                    account="5.38.50")  # fmt: skip


def _year() -> list[Disposition]:
    return [_dear(), *_siblings(), _turning_67(), _unknown_service()]


# Worked by hand (øre):
# B-1: 365 × 1.000.000 = 365.000.000 counted; for the year 25 % × 82.000.000 + 50 % ×
#   44.000.000 + 75 % × 153.000.000 = 157.250.000; to 30 June 181 days = 181.000.000:
#   25 % × 82.000.000 + 50 % × 13.000.000 = 27.000.000.
# H-7: 2 × 365 × 164.384 = 120.000.320; 25 % × 34.000.320 = 8.500.080; to date 2 × 181 ×
#   164.384 = 59.511.008, below T1: 0.
# 010755-1234: counted only to 30 June (67 on 1 July, not flagged): 181.000.000, refund
#   27.000.000 for the year and to date.
# B-5: a service the catalogue does not know: not counted at all.
WHOLE_YEAR = 157_250_000 + 8_500_080 + 27_000_000
TO_DATE = 27_000_000 + 27_000_000


def test_every_output_of_a_hand_worked_year_word_for_word() -> None:
    refund = state_refund(DispositionLedger(_year()), 2022, rule=YEARLY, as_of=AS_OF)
    assert refund.units == ("H-7", "010755-1234", "B-1")
    assert refund.households == (True, False, False)
    assert refund.spend.tolist() == [120_000_320, 181_000_000, 365_000_000]
    assert refund.for_year.tolist() == [8_500_080, 27_000_000, 157_250_000]
    assert refund.to_date.tolist() == [0, 27_000_000, 27_000_000]
    assert (refund.total, refund.total_to_date) == (Money(WHOLE_YEAR), Money(TO_DATE))
    assert refund.rest_of_year == Money(WHOLE_YEAR - TO_DATE)
    # by sub-area: SEL108 is 5.38.50, SEL107 is 5.38.52 (the shipped catalogue)
    assert dict(refund.by_sub_area) == {
        "5.38.50": Money(157_250_000 + 27_000_000),
        "5.38.52": Money(8_500_080),
    }
    assert dict(refund.by_unit_and_sub_area) == {
        ("H-7", "5.38.52"): Money(8_500_080),
        ("010755-1234", "5.38.50"): Money(27_000_000),
        ("B-1", "5.38.50"): Money(157_250_000),
    }
    assert len(refund.by_unit_and_sub_area) == 3
    assert refund.of("0107551234") == Money(27_000_000)  # either spelling of a CPR number
    assert refund.of("H-7") == Money(8_500_080)
    assert refund.of("nobody") == Money(0)
    assert refund.unknown_age == ("B-1",)  # B-5 has no counted spend
    assert refund.after_67 == ("010755-1234",)
    assert refund.services_not_in_catalogue == ("XYZ9",)

    want = {
        "year": 2022,
        "as_of": "2022-06-30",
        "basis": "year",
        "thresholds": ["860000.00", "1680000.00", "2120000.00"],
        "shares": ["1/4", "1/2", "3/4"],
        "source": SOURCE,
        "to_date": "540000.00",
        "rest_of_year": "1387500.80",
        "year_total": "1927500.80",
        "sub_areas": {"5.38.50": "1842500.00", "5.38.52": "85000.80"},
        "units": [
            {
                "unit": "H-7",
                "household": True,
                "spend": "1200003.20",
                "to_date": "0.00",
                "year": "85000.80",
            },
            {
                "unit": "010755-****",
                "household": False,
                "spend": "1810000.00",
                "to_date": "270000.00",
                "year": "270000.00",
            },
            {
                "unit": "B-1",
                "household": False,
                "spend": "3650000.00",
                "to_date": "270000.00",
                "year": "1572500.00",
            },
        ],
        "unknown_age": ["B-1"],
        "after_67": ["010755-****"],
        "services_not_in_catalogue": ["XYZ9"],
    }
    assert refund.to_dict() == want
    assert json.loads(refund.to_json()) == want
    shown = refund.to_dict(show_cpr=True)
    assert shown["units"][1]["unit"] == "010755-1234"
    assert shown["after_67"] == ["010755-1234"]
    assert repr(refund) == (
        "StateRefund(year=2022, units=3, with_refund=3, total=1.927.500,80 kr., "
        "to_date=540.000,00 kr.)"
    )


def _cancelled() -> list[Disposition]:
    """A-0: a January stay cancelled by a one-off correction: counted, but nothing spent."""
    return [
        day_stay("D7", "A-0", "SEL108", dt.date(2022, 1, 1), dt.date(2022, 1, 31)),
        Disposition.at_rate(id="D8", citizen_id="A-0", service="SEL108", rate="-31.000,00",
                            unit="once", start=dt.date(2022, 2, 1)),
    ]  # fmt: skip


def test_the_tidy_rows_and_the_notebook_table_word_for_word() -> None:
    extra = [day_stay("D6", "B-6", "SEL104", dt.date(2022, 1, 1)), *_cancelled()]
    refund = state_refund(DispositionLedger([*_year(), *extra]), 2022, rule=YEARLY, as_of=AS_OF)
    assert refund.units == ("H-7", "010755-1234", "A-0", "B-1", "B-6")
    assert refund.spend.tolist()[2] == 0
    columns = refund.to_columns()
    measures = ["spend", "refund_to_date", "refund_for_year"]
    # B-6 (365.000 kr., no refund) has spend: rows; A-0 (nothing in sum) and B-5 have none.
    assert columns == {
        "unit": ["H-7"] * 3 + ["010755-****"] * 3 + ["B-1"] * 3 + ["B-6"] * 3,
        "household": [True] * 3 + [False] * 9,
        "measure": measures * 4,
        "amount_ore": [120_000_320, 0, 8_500_080, 181_000_000, 27_000_000, 27_000_000,
                       365_000_000, 27_000_000, 157_250_000, 36_500_000, 0, 0],
    }  # fmt: skip
    assert refund.to_columns(show_cpr=True)["unit"][3:6] == ["010755-1234"] * 3
    assert repr(refund) == (
        "StateRefund(year=2022, units=5, with_refund=3, total=1.927.500,80 kr., "
        "to_date=540.000,00 kr.)"
    )
    left, right = "<td style='text-align:left'>", "<td style='text-align:right'>"
    table = refund._repr_html_()
    assert table.startswith("<div><strong>State refund § 176 2022 (kr.)</strong><table>")
    assert "<thead><tr><th>Sub-area</th><th>Refund for the year</th></tr></thead>" in table
    assert (
        f"<tr>{left}5.38.50</td>{right}1.842.500,00</td></tr>"
        f"<tr>{left}5.38.52</td>{right}85.000,80</td></tr>"
        f"<tr>{left}Total</td>{right}1.927.500,80</td></tr></tbody></table>"
    ) in table
    assert table.endswith(f"<p>{YEARLY.describe()}</p></div>")
    assert "1234" not in table


def test_a_refund_of_one_ore_counts_as_a_unit_with_refund() -> None:
    # 71.666,70 kr. for December only: 3 øre above 1/12 of threshold 1, 25 % rounds to 1 øre.
    month = Disposition.at_rate(id="D1", citizen_id="B-1", service="SEL108", rate="71.666,70",
                                unit="month", start=dt.date(2022, 12, 1))  # fmt: skip
    refund = state_refund(DispositionLedger([month]), 2022, rule=RefundRule.for_year(2022))
    assert refund.total == Money(1)
    assert repr(refund) == (
        "StateRefund(year=2022, units=1, with_refund=1, total=0,01 kr., to_date=0,00 kr.)"
    )


def test_json_text_is_indented_unescaped_and_masked_unless_asked() -> None:
    refund = state_refund(DispositionLedger(_year()), 2022, rule=YEARLY, as_of=AS_OF)
    text = refund.to_json()
    assert text.startswith('{\n  "year": 2022,\n  "as_of": "2022-06-30",')
    assert '"source": "Serviceloven § 176, stk. 1' in text  # § as is, not \u00a7
    assert "010755-****" in text
    assert "010755-1234" not in text
    assert "010755-1234" in refund.to_json(show_cpr=True)
    assert refund.to_json(indent=None).startswith('{"year": 2022, "as_of": "2022-06-30",')


def test_the_rule_in_words() -> None:
    assert YEARLY.describe() == (
        "serviceloven § 176: 25 % / 50 % / 75 % of the spend per person per year against "
        "860.000,00 kr. / 1.680.000,00 kr. / 2.120.000,00 kr. (2022; " + SOURCE + ")"
    )
    assert attrs.evolve(YEARLY, basis="month").describe() == (
        "serviceloven § 176: 25 % / 50 % / 75 % of the spend per person per month against 1/12 "
        "of 860.000,00 kr. / 1.680.000,00 kr. / 2.120.000,00 kr. (2022; " + SOURCE + ")"
    )


def test_refund_on_a_yearly_spend_by_hand() -> None:
    limits = RefundThresholds.for_year(2022)
    assert limits.refund_on("860.000,00") == Money(0)
    assert limits.refund_on("860.000,01") == Money(0)  # 0,25 øre: rounds to 0
    assert limits.refund_on("860.000,02") == Money(0)  # 0,5 øre: half to even, 0
    assert limits.refund_on("860.000,06") == Money(2)  # 1,5 øre: half to even, 2
    assert limits.refund_on("1.680.000,00") == Money(20_500_000)
    assert limits.refund_on("2.120.000,00") == Money(20_500_000 + 22_000_000)
    assert limits.refund_on("3.650.000,00") == Money(157_250_000)
    assert limits.increments == (Fraction(1, 4), Fraction(1, 4), Fraction(1, 4))
    uneven = RefundThresholds(year=2030, thresholds=("100", "200", "300"),
                              shares=("1/10", "1/2", "1"))  # fmt: skip
    assert uneven.increments == (Fraction(1, 10), Fraction(2, 5), Fraction(1, 2))
    # 10 % of 100 + 50 % of 100 + 100 % of 100 kr.
    assert uneven.refund_on("400") == Money(16_000)


@pytest.mark.parametrize(
    ("thresholds", "shares", "message"),
    [
        (("860000", "1680000"), ("1/4", "1/2", "3/4"),
         "'thresholds' must be three amounts (got 2)"),
        (("0", "1", "2"), ("1/4", "1/2", "3/4"),
         "'thresholds' must be positive and rising (got 0.00, 1.00, 2.00)"),
        (("3", "2", "4"), ("1/4", "1/2", "3/4"),
         "'thresholds' must be positive and rising (got 3.00, 2.00, 4.00)"),
        (("1", "3", "3"), ("1/4", "1/2", "3/4"),
         "'thresholds' must be positive and rising (got 1.00, 3.00, 3.00)"),
        (("1", "2", "3"), ("1/4", "1/2"), "'shares' must be three fractions (got 2)"),
        (("1", "2", "3"), ("0", "1/2", "3/4"),
         "'shares' must rise from above 0 to at most 1 (got 0, 1/2, 3/4)"),
        (("1", "2", "3"), ("1/4", "1/4", "3/4"),
         "'shares' must rise from above 0 to at most 1 (got 1/4, 1/4, 3/4)"),
        (("1", "2", "3"), ("1/4", "1/2", "101/100"),
         "'shares' must rise from above 0 to at most 1 (got 1/4, 1/2, 101/100)"),
    ],
)  # fmt: skip
def test_threshold_messages_word_for_word(
    thresholds: tuple[str, ...], shares: tuple[str, ...], message: str
) -> None:
    with pytest.raises(StyringskerneError) as error:
        RefundThresholds(year=2030, thresholds=thresholds, shares=shares)
    assert str(error.value) == message


def test_the_smallest_positive_rising_thresholds_pass() -> None:
    limits = RefundThresholds(year=2030, thresholds=("0,01", "0,02", "0,03"))
    assert [amount.ore for amount in limits.thresholds] == [1, 2, 3]
    assert limits.source == "given by the caller"


def test_rule_options_are_checked_word_for_word() -> None:
    with pytest.raises(StyringskerneError) as error:
        attrs.evolve(YEARLY, basis="quarter")
    assert str(error.value) == "'basis' must be one of month|year (got 'quarter')"
    with pytest.raises(StyringskerneError) as error:
        attrs.evolve(YEARLY, covered_after_67="B-1")
    assert str(error.value) == ("'covered_after_67' must be a collection of citizen ids, not a str")
    rule = attrs.evolve(YEARLY, covered_after_67=["010755-1234"],
                        birth_dates={"0101901234": dt.date(1990, 1, 1)})  # fmt: skip
    assert rule.covered_after_67 == frozenset({"010755-1234"})
    assert dict(rule.birth_dates) == {"010190-1234": dt.date(1990, 1, 1)}
    assert RefundRule.for_year(2021, basis="year").thresholds.year == 2021
    assert RefundRule.for_year(2021, basis="year").basis == "year"


def _parts() -> list[StateRefund]:
    groups = [[_dear()], _siblings(), [_turning_67(), _unknown_service()]]
    return [
        state_refund(DispositionLedger(group), 2022, rule=YEARLY, as_of=AS_OF) for group in groups
    ]


def test_refunds_of_parts_merge_into_the_refund_of_the_whole() -> None:
    whole = state_refund(DispositionLedger(_year()), 2022, rule=YEARLY, as_of=AS_OF)
    for parts in (_parts(), _parts()[::-1]):
        merged = StateRefund.merge(parts)
        assert merged.units == whole.units
        assert merged.households == whole.households
        for name in ("spend", "to_date", "for_year"):
            assert getattr(merged, name).tolist() == getattr(whole, name).tolist(), name
            assert getattr(merged, name).dtype == np.int64
        assert dict(merged.by_sub_area) == dict(whole.by_sub_area)
        assert list(merged.by_sub_area) == ["5.38.50", "5.38.52"]
        assert list(merged.by_unit_and_sub_area.items()) == list(whole.by_unit_and_sub_area.items())
        assert merged.by_unit_and_sub_area.sub_area_names == ("5.38.50", "5.38.52")
        assert (merged.unknown_age, merged.after_67) == (whole.unknown_age, whole.after_67)
        assert merged.services_not_in_catalogue == ("XYZ9",)
        assert (merged.year, merged.as_of, merged.rule) == (2022, AS_OF, YEARLY)
        assert merged.to_dict() == whole.to_dict()
    single = StateRefund.merge(_parts()[:1])
    assert single.to_dict() == _parts()[0].to_dict()


def test_merge_refusals_word_for_word() -> None:
    with pytest.raises(StyringskerneError) as error:
        StateRefund.merge([])
    assert str(error.value) == "merge needs at least one refund"
    first, second, third = _parts()
    other_date = state_refund(DispositionLedger([_dear()]), 2022, rule=YEARLY)
    monthly = state_refund(DispositionLedger(_siblings()), 2022,
                           rule=attrs.evolve(YEARLY, basis="month"), as_of=AS_OF)  # fmt: skip
    for parts in ([first, other_date], [second, monthly]):
        with pytest.raises(StyringskerneError) as error:
            StateRefund.merge(parts)
        assert str(error.value) == "refunds to merge must be for one year, date and rule"
    with pytest.raises(StyringskerneError) as error:
        StateRefund.merge([third, first, third])
    assert str(error.value) == (
        "citizen '010755-****' is in parts 1 and 3: its spend would be split; keep each "
        "citizen and household in one part"
    )
    with pytest.raises(StyringskerneError) as error:
        StateRefund.merge([first, second, second])
    assert str(error.value) == (
        "household 'H-7' is in parts 2 and 3: its spend would be split; keep each "
        "citizen and household in one part"
    )
    # A household and a citizen of the same label are two units, not one twice.
    citizen_h7 = state_refund(
        DispositionLedger([day_stay("D9", "H-7", "SEL108", dt.date(2022, 1, 1), rate="5.000,00")]),
        2022,
        rule=YEARLY,
        as_of=AS_OF,
    )
    merged = StateRefund.merge([second, citizen_h7])
    assert merged.units == ("H-7", "H-7")
    assert merged.households == (True, False)
