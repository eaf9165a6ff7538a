"""The disposition ledger on hand-checked cases (VIVE 2018, *Figur 6.1*).

Figur 6.1 defines, per citizen, for budget year Y and as-of date D: computed to date = tariff ×
days up to and including D; disposed rest of year = tariff × days from D+1 to 31 December;
expected = their sum; booked to date from the finance system beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import numpy as np
import pytest

from styringskerne import (
    Actual,
    Disposition,
    DispositionError,
    DispositionLedger,
    Money,
    PriceSegment,
    StyringskerneError,
    Tariff,
    TariffPrice,
)

D = dt.date


def residential(**changes: object) -> Disposition:
    """1.000 kr. a day in a long-term residential offer from 1 January 2024, open-ended."""
    values: dict[str, object] = {
        "id": "D1",
        "citizen_id": "B-1",
        "service": "SEL108",
        "rate": "1.000,00",
        "unit": "day",
        "start": D(2024, 1, 1),
    }
    values.update(changes)
    return Disposition.at_rate(**values)  # type: ignore[arg-type]


def status_of(*dispositions: Disposition, as_of: dt.date, actuals: tuple[Actual, ...] = ()):
    return DispositionLedger(dispositions, actuals).as_of(as_of)


def test_open_ended_in_a_leap_year() -> None:
    total = status_of(residential(), as_of=D(2024, 2, 29)).total
    assert total.computed_to_date == Money.of("60.000,00")  # 31 + 29 days
    assert total.disposed_rest_of_year == Money.of("306.000,00")  # 366 − 60 days
    assert total.expected == Money.of("366.000,00")


def test_disposition_starting_after_the_as_of_date() -> None:
    total = status_of(residential(start=D(2024, 7, 1)), as_of=D(2024, 3, 31)).total
    assert total.computed_to_date == Money(0)
    assert total.disposed_rest_of_year == Money.of("184.000,00")  # 1 July – 31 December


def test_disposition_ending_before_the_as_of_date() -> None:
    total = status_of(residential(end=D(2024, 1, 10)), as_of=D(2024, 3, 31)).total
    assert total.computed_to_date == Money.of("10.000,00")  # end date inclusive
    assert total.disposed_rest_of_year == Money(0)


def test_as_of_is_inclusive_of_its_day() -> None:
    total = status_of(residential(), as_of=D(2024, 1, 1)).total
    assert total.computed_to_date == Money.of("1.000,00")
    assert total.disposed_rest_of_year == Money.of("365.000,00")


def test_price_change_on_1_january() -> None:
    tariff = Tariff(
        code="Bo 108",
        unit="day",
        prices=(
            TariffPrice(valid_from=D(2023, 1, 1), rate="1.149,00"),
            TariffPrice(valid_from=D(2024, 1, 1), rate="1.182,00"),
        ),
    )
    disposition = Disposition.from_tariff(
        id="D1",
        citizen_id="B-1",
        service="SEL108",
        tariff=tariff,
        start=D(2023, 12, 15),
        end=D(2024, 1, 10),
    )
    assert len(disposition.segments) == 2
    ledger = DispositionLedger([disposition])
    total = ledger.as_of(D(2024, 1, 5)).total
    assert total.computed_to_date == Money.of("5.910,00")  # 5 × 1.182
    assert total.disposed_rest_of_year == Money.of("5.910,00")
    assert ledger.as_of(D(2023, 12, 31)).total.expected == Money.of("19.533,00")  # 17 × 1.149


def test_weekly_hours_of_support() -> None:
    """6 hours a week of § 85 support at 500 kr. an hour: 3.000 kr. a week, 3.000/7 a day."""
    support = Disposition.at_rate(
        id="D2",
        citizen_id="B-2",
        service="SEL85",
        rate="500,00",
        unit="week",
        quantity=6,
        start=D(2024, 1, 1),
    )
    ledger = DispositionLedger([support])
    total = ledger.as_of(D(2024, 1, 10)).total
    assert total.computed_to_date == Money(428571)  # 4.285,714… kr. rounded half-even
    assert total.expected == Money(15685714)  # 3.000 × 366 / 7 = 156.857,142… kr.
    assert total.computed_to_date + total.disposed_rest_of_year == total.expected


def test_monthly_price_prorated_by_the_days_of_the_month() -> None:
    """10.000 kr. a month from 15 February 2024: February has 29 days, 15 of them billed."""
    monthly = Disposition.at_rate(
        id="D3",
        citizen_id="B-3",
        service="SEL100",
        rate="10.000,00",
        unit="month",
        start=D(2024, 2, 15),
    )
    ledger = DispositionLedger([monthly])
    assert ledger.as_of(D(2024, 2, 29)).total.computed_to_date == Money(517241)  # 15/29
    assert ledger.as_of(D(2024, 2, 29)).total.expected == Money(10517241)  # + 10 whole months
    months = ledger.monthly(2024).values[0].tolist()
    assert months[:3] == [0, 517241, 1_000_000]


def test_one_off_falls_on_its_date() -> None:
    once = Disposition.at_rate(
        id="D4",
        citizen_id="B-4",
        service="SEL100",
        rate="25.000,00",
        unit="once",
        start=D(2024, 3, 1),
    )
    ledger = DispositionLedger([once])
    assert ledger.as_of(D(2024, 2, 29)).total.disposed_rest_of_year == Money.of("25.000,00")
    assert ledger.as_of(D(2024, 3, 1)).total.computed_to_date == Money.of("25.000,00")


def test_expected_disposition_is_weighted_by_its_probability() -> None:
    """A youth turning 18 on 1 July with probability ⅓ (Hillerød's practice, seed 003 ch. 5)."""
    youth = residential(id="Y1", citizen_id="B-9", start=D(2024, 7, 1), probability=Fraction(1, 3))
    total = status_of(youth, as_of=D(2024, 1, 31)).total
    assert total.disposed_rest_of_year == Money(6133333)  # 184 days × 1.000 kr. ÷ 3


def test_booked_to_date_and_reconciliation() -> None:
    actuals = (
        Actual(citizen_id="B-1", account="5.38.50", date=D(2024, 1, 31), amount="30.000,00"),
        Actual(citizen_id="B-1", account="5.38.50", date=D(2024, 2, 29), amount="29.000,00"),
        Actual(citizen_id="B-1", account="5.38.50", date=D(2023, 12, 31), amount="99.000,00"),
        Actual(citizen_id="B-1", account="5.38.50", date=D(2024, 3, 1), amount="99.000,00"),
    )
    status = status_of(residential(), as_of=D(2024, 2, 29), actuals=actuals)
    row = status.by_citizen["B-1"]
    assert row.booked_to_date == Money.of("59.000,00")  # only postings dated in 2024 up to D
    assert row.booked_minus_computed == Money.of("-1.000,00")
    assert status.by_account["5.38.50"] == row


def test_actuals_of_a_citizen_without_dispositions_are_shown() -> None:
    actuals = (Actual(citizen_id="B-7", account="5.38.52", date=D(2024, 1, 5), amount="500,00"),)
    status = status_of(residential(), as_of=D(2024, 1, 31), actuals=actuals)
    assert status.by_citizen["B-7"].booked_to_date == Money.of("500,00")
    assert status.by_citizen["B-7"].computed_to_date == Money(0)


def test_account_defaults_from_the_catalogue() -> None:
    status = status_of(residential(), as_of=D(2024, 1, 31))
    assert list(status.by_account) == ["5.38.50"]


def test_to_dict_and_json_shape_with_masked_cpr() -> None:
    status = status_of(residential(citizen_id="010190-1234"), as_of=D(2024, 1, 31))
    data = json.loads(status.to_json())
    assert set(data) == {
        "year",
        "as_of",
        "totals",
        "by_account",
        "by_citizen",
        "by_disposition",
    }
    assert data["totals"]["computed_to_date"] == "31000.00"
    assert list(data["by_citizen"]) == ["010190-****"]
    assert "1234" not in status.to_json()
    assert "1234" not in repr(status)
    assert list(status.to_dict(show_cpr=True)["by_citizen"]) == ["010190-1234"]


def test_masked_ids_that_collide_stay_distinct() -> None:
    one = residential(id="D1", citizen_id="010190-1234")
    two = residential(id="D2", citizen_id="010190-5678")
    data = status_of(one, two, as_of=D(2024, 1, 31)).to_dict()
    assert list(data["by_citizen"]) == ["010190-****", "010190-****#2"]


def test_results_convert_to_numpy_without_loss() -> None:
    labels, matrix = status_of(residential(), as_of=D(2024, 1, 31)).by("citizen").to_numpy()
    assert labels.tolist() == ["B-1"]
    assert matrix.dtype == np.int64
    assert matrix.tolist() == [[0, 3_100_000, 33_500_000, 36_600_000, -3_100_000]]


def test_result_arrays_are_read_only() -> None:
    series = DispositionLedger([residential()]).monthly(2024)
    with pytest.raises(ValueError, match="read-only"):
        series.values[0, 0] = 1


def test_ledger_is_immutable() -> None:
    ledger = DispositionLedger([residential()])
    with pytest.raises(AttributeError, match="immutable"):
        ledger._segments = None  # type: ignore[misc]


def test_overlapping_segments_are_rejected() -> None:
    with pytest.raises(DispositionError, match="overlaps"):
        Disposition(
            id="D1",
            citizen_id="010190-1234",
            service="SEL108",
            segments=(
                PriceSegment(start=D(2024, 1, 1), end=D(2024, 3, 1), rate="1000"),
                PriceSegment(start=D(2024, 3, 1), rate="1100"),
            ),
        )


def test_overlap_error_masks_the_cpr_number() -> None:
    with pytest.raises(DispositionError) as caught:
        Disposition(
            id="D1",
            citizen_id="010190-1234",
            service="SEL108",
            segments=(
                PriceSegment(start=D(2024, 1, 1), rate="1"),
                PriceSegment(start=D(2024, 3, 1), rate="1"),
            ),
        )
    assert "1234" not in str(caught.value)
    assert "010190-****" in str(caught.value)


def test_end_before_start_is_rejected() -> None:
    with pytest.raises(DispositionError, match="before 'start'"):
        residential(end=D(2023, 12, 31))


def test_probability_outside_zero_to_one_is_rejected() -> None:
    with pytest.raises(StyringskerneError, match="probability"):
        residential(probability=Fraction(3, 2))


def test_unknown_service_without_account_is_rejected() -> None:
    with pytest.raises(StyringskerneError, match="not in the catalogue"):
        DispositionLedger([residential(service="SEL999")])


def test_repeated_disposition_id_is_rejected() -> None:
    with pytest.raises(StyringskerneError, match="occurs twice"):
        DispositionLedger([residential(), residential()])


def test_as_of_outside_the_year_is_rejected() -> None:
    with pytest.raises(StyringskerneError, match="not in budget year 2025"):
        DispositionLedger([residential()]).as_of(D(2024, 5, 1), year=2025)


def test_price_change_and_end_return_new_dispositions() -> None:
    original = residential()
    moved_up = original.with_price_from(D(2024, 7, 1), "1.349,00")
    ended = moved_up.with_end(D(2024, 9, 30))
    assert original.segments[0].end is None
    assert [str(s.rate) for s in ended.segments] == ["1.000,00 kr.", "1.349,00 kr."]
    assert ended.end == D(2024, 9, 30)
    cost = DispositionLedger([ended]).full_year_cost(2024).total
    assert cost == Money.of("1.000,00") * 182 + Money.of("1.349,00") * 92


def test_from_arrays_equals_objects() -> None:
    dispositions = [
        residential(),
        residential(
            id="D2",
            citizen_id="B-2",
            rate="500,00",
            unit="week",
            quantity=Fraction(13, 2),
            end=D(2024, 8, 1),
            probability=Fraction(1, 2),
            service="SEL85",
        ),
    ]
    ledger = DispositionLedger(dispositions)
    arrays = DispositionLedger.from_arrays(
        citizen_id=np.array(["B-1", "B-2"]),
        account=np.array(["5.38.50", "5.38.39"]),
        start=np.array(["2024-01-01", "2024-01-01"], dtype="datetime64[D]"),
        end=np.array(["NaT", "2024-08-01"], dtype="datetime64[D]"),
        unit=np.array(["day", "week"]),
        rate_ore=np.array([100_000, 50_000]),
        quantity=np.array([1.0, 6.5]),
        probability=np.array([1.0, 0.5]),
        service=np.array(["SEL108", "SEL85"]),
        disposition_id=np.array(["D1", "D2"]),
    )
    assert arrays.as_of(D(2024, 5, 31)).to_dict() == ledger.as_of(D(2024, 5, 31)).to_dict()
    assert (
        arrays.monthly(2024, by="service").to_dict() == ledger.monthly(2024, by="service").to_dict()
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit", np.array(["day", "fortnight"]), "row 1: 'unit' must be one of"),
        ("end", np.array(["2024-01-01", "2023-01-01"], dtype="datetime64[D]"), "segment row 1"),
        ("probability", np.array([1.0, 1.5]), "probability"),
        ("quantity", np.array([1.0, 0.123456]), "row 1: 'quantity'"),
    ],
)
def test_from_arrays_names_the_bad_row(field: str, value: np.ndarray, message: str) -> None:
    columns: dict[str, object] = {
        "citizen_id": np.array(["B-1", "B-2"]),
        "account": np.array(["a", "b"]),
        "start": np.array(["2024-01-01", "2024-01-01"], dtype="datetime64[D]"),
        "end": np.array(["NaT", "NaT"], dtype="datetime64[D]"),
        "unit": np.array(["day", "day"]),
        "rate_ore": np.array([1, 2]),
    }
    columns[field] = value
    with pytest.raises(StyringskerneError, match=message):
        DispositionLedger.from_arrays(**columns)  # type: ignore[arg-type]
