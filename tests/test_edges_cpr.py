"""CPR numbers: recognised in every spelling, masked in every output, one citizen however typed,
and nothing masked that is not a CPR number (DOMAIN § 2: citizens)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import styringskerne
from styringskerne import Actual, DispositionLedger, Money, StyringskerneError
from styringskerne.core.cpr import normalise_citizen_id
from styringskerne.core.limits import MAX_ORE
from styringskerne.core.masking import (
    DASHES,
    is_cpr_shaped,
    mask_data,
    mask_id,
    mask_text,
)
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot
from tests.builders import day_stay

D = dt.date

valid_cprs = st.builds(
    lambda day, month, year, serial: f"{day:02d}{month:02d}{year:02d}{serial:04d}",
    st.integers(1, 28),
    st.integers(1, 12),
    st.integers(0, 99),
    st.integers(0, 9999),
)
spellings = st.sampled_from(
    [
        "{d}{s}",
        "{d}-{s}",
        "{d} {s}",
        "{d} - {s}",
        "CPR {d}-{s}",
        "CPR-nr. {d}{s}",
        "cpr:{d}{s}",
        *[f"{{d}}{dash}{{s}}" for dash in DASHES],
    ]
)


def spell(cpr: str, form: str) -> str:
    return form.format(d=cpr[:6], s=cpr[6:])


@given(valid_cprs, spellings, st.text(max_size=20), st.text(max_size=20))
@example("0101901234", "{d}{s}", "file_", ".csv")
@example("0101901234", "{d}–{s}", "borger ", " flyttet")
def test_no_spelling_of_a_cpr_survives_masking(
    cpr: str, form: str, before: str, after: str
) -> None:
    # Text around it that is not a digit: a digit glued to it makes a longer number.
    before = re.sub(r"\d", "x", before)
    after = re.sub(r"\d", "x", after)
    masked = mask_text(before + spell(cpr, form) + after)
    prefix = form.split("{d}", maxsplit=1)[0]  # 'CPR ' and the like stay; the number is masked
    assert masked == before + prefix + f"{cpr[:6]}-****" + after


@given(valid_cprs, spellings)
def test_every_spelling_is_one_citizen(cpr: str, form: str) -> None:
    assert normalise_citizen_id(spell(cpr, form)) == f"{cpr[:6]}-{cpr[6:]}"
    assert is_cpr_shaped(spell(cpr, form))


@pytest.mark.parametrize(
    "text",
    [
        "5238501234",  # an account number: day 52 is no day
        "2024000123",  # a pseudonym: month 00
        "2024130123",  # month 13
        "B-00017",
        "1201901234.00",  # an amount with decimals
        "1.201.901.234,00",
        "12345678901",  # eleven digits
    ],
)
def test_what_is_not_a_cpr_stays_readable(text: str) -> None:
    assert mask_text(text) == text
    assert mask_id(text) == text
    assert normalise_citizen_id(text) == text


def test_a_comma_after_ten_digits_protects_nothing() -> None:
    # A field delimiter, not a decimal mark: the CPR number of a CSV line is masked.
    assert mask_text("x,2512638462,01-02-2024,,day") == "x,251263-****,01-02-2024,,day"
    assert mask_text("0101901234,5") == "010190-****,5"


def test_replacement_numbers_and_impossible_dates_are_masked() -> None:
    assert mask_text("6101901234") == "610190-****"  # erstatningspersonnummer: day + 60
    assert mask_text("3102901234") == "310290-****"  # 31 February: a mistyped CPR
    assert mask_text("CPR 5238501234") == "CPR 523850-****"  # the prefix says it is one


@given(st.integers(min_value=-MAX_ORE, max_value=MAX_ORE))
@example(120190123400)
@example(-120190123400)
def test_masking_never_changes_an_amount(ore: int) -> None:
    amount = Money(ore)
    for text in (amount.to_string(), amount.format_danish(), repr(amount)):
        assert mask_text(text) == text


def test_two_pseudonyms_never_collapse_and_two_cprs_keep_their_rows() -> None:
    ledger = DispositionLedger(
        [
            day_stay(f"D{i}", cid, "SEL108", D(2024, 1, 1), rate="100")
            for i, cid in enumerate(["0101901234", "0101905678", "2024000123", "2024000124"])
        ]
    )
    keys = list(ledger.as_of(D(2024, 3, 31)).by("citizen").to_dict())
    assert keys == ["010190-****", "010190-****#2", "2024000123", "2024000124"]


def test_one_citizen_however_typed_in_dispositions_and_actuals() -> None:
    disposition = day_stay("D1", "0101901234", "SEL108", D(2024, 1, 1), rate="1000")
    actual = Actual(
        citizen_id="010190 – 1234", account="5.38.50", date=D(2024, 1, 31), amount="31.000,00"
    )
    status = DispositionLedger([disposition], [actual]).as_of(D(2024, 1, 31))
    (row,) = status.by("citizen").to_dict(show_cpr=True).items()
    assert row[0] == "010190-1234"
    assert row[1]["booked_minus_computed"] == "0.00"  # 31 days × 1.000 booked and computed


def test_from_arrays_merges_spellings_of_one_citizen() -> None:
    np = pytest.importorskip("numpy")
    ledger = DispositionLedger.from_arrays(
        citizen_id=np.array(["0101901234", "010190-1234", "CPR 010190 1234"]),
        account=np.array(["5.38.50"] * 3),
        start=np.array(["2024-01-01"] * 3, dtype="datetime64[D]"),
        end=np.array(["2024-01-31"] * 3, dtype="datetime64[D]"),
        unit=np.array(["day"] * 3),
        rate_ore=np.array([100, 100, 100]),
    )
    table = ledger.cost(D(2024, 1, 1), D(2024, 1, 31), by="citizen")
    assert table.to_dict() == {"010190-****": "93.00"}


def _all_classes() -> list[type]:
    found = []
    for module_info in pkgutil.walk_packages(styringskerne.__path__, "styringskerne."):
        if module_info.name.endswith(("plots", "cli")):
            continue
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == module.__name__ and attrs.has(value):
                found.append(value)
    return found


def test_every_attrs_class_masks_its_repr() -> None:
    classes = _all_classes()
    assert len(classes) > 60
    unmasked = [
        cls.__qualname__
        for cls in classes
        if not getattr(cls, "__masked_repr__", False)
        and not cls.__module__.startswith("styringskerne.engine")
    ]
    assert unmasked == []


def test_reprs_errors_and_outputs_show_no_cpr() -> None:
    disposition = day_stay(
        "0101901234/1",
        "0101901234",
        "SEL108",
        D(2024, 1, 1),
        rate="1000",
        provider="Bosted 0202801111",
    )
    ledger = DispositionLedger([disposition])
    texts = [repr(disposition), repr(ledger)]
    with pytest.raises(StyringskerneError) as caught:
        DispositionLedger([disposition, disposition])
    texts.append(str(caught.value))
    status = ledger.as_of(D(2024, 3, 31))
    texts.append(status.to_json())
    texts.append(str(ledger.cost(D(2024, 1, 1), D(2024, 1, 31), by="disposition").to_dict()))
    texts.append(str(ledger.cost(D(2024, 1, 1), D(2024, 1, 31), by="provider").to_dict()))
    texts.append(repr(ledger.monthly(2024, by="disposition")))
    previous = Snapshot(as_of=D(2024, 2, 29), ledger=DispositionLedger([]))
    change = explain_change(previous, Snapshot(as_of=D(2024, 3, 31), ledger=ledger))
    texts.append(change.to_json())
    texts.append(repr(change.items))
    for text in texts:
        assert "1234" not in text, text
        assert "1111" not in text, text


def test_mask_data_masks_keys_and_values() -> None:
    assert mask_data({"0101901234": ["CPR 0101901234", 5]}) == {
        "010190-****": ["CPR 010190-****", 5]
    }
