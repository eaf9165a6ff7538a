"""Labels given to ``DispositionLedger.from_arrays`` as texts and positions (``CodedLabels``)
build the very ledger their texts per row build, and bad codes are refused by name."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import DispositionLedger
from styringskerne.core.errors import StyringskerneError
from styringskerne.engine import CodedLabels

TEXTS = ["", "B-1", "B-2", "010190-1234", "0101901234", "Bøgely", "5.38.50", "Å"]
LABELS = ("citizen_id", "account", "provider", "service", "disposition_id", "payer")
BY = ("citizen", "account", "provider", "service", "disposition", "payer")


@given(data=st.data(), rows=st.integers(1, 12))
def test_coded_labels_build_the_ledger_of_their_texts(data: st.DataObject, rows: int) -> None:
    """Texts repeated, unused or out of order, and CPR numbers in two spellings (one
    citizen), give the same labels and øre as the texts row by row."""
    start = np.datetime64("2024-01-01") + np.array(
        data.draw(st.lists(st.integers(0, 400), min_size=rows, max_size=rows)), "timedelta64[D]"
    )
    common = {
        "start": start,
        "end": start + np.timedelta64(40, "D"),
        "unit": np.array(
            data.draw(
                st.lists(st.sampled_from(["day", "week", "month"]), min_size=rows, max_size=rows)
            )
        ),
        "rate_ore": np.array(
            data.draw(st.lists(st.integers(1, 10**7), min_size=rows, max_size=rows))
        ),
    }
    coded, plain = {}, {}
    for name in LABELS:
        texts = np.array(data.draw(st.lists(st.sampled_from(TEXTS), min_size=1, max_size=6)))
        if name == "disposition_id":  # one row per disposition: ids distinct per row
            texts = np.array([f"D{i}" for i in range(rows)])[::-1]
            codes = np.arange(rows)[::-1].copy()
        else:
            codes = np.array(
                data.draw(st.lists(st.integers(0, texts.size - 1), min_size=rows, max_size=rows))
            )
        coded[name] = CodedLabels(texts, codes)
        plain[name] = texts[codes]
    got = DispositionLedger.from_arrays(**common, **coded)
    want = DispositionLedger.from_arrays(**common, **plain)
    for by in BY:
        left, right = got.monthly(2024, by=by), want.monthly(2024, by=by)
        assert left.labels.tolist() == right.labels.tolist(), by
        assert np.array_equal(left.values, right.values), by


def _ledger(**labels: object) -> DispositionLedger:
    day = np.array(["2024-01-01", "2024-02-01"], dtype="datetime64[D]")
    return DispositionLedger.from_arrays(
        start=day,
        end=day + np.timedelta64(9, "D"),
        unit=np.array(["day", "day"]),
        rate_ore=np.array([100, 200]),
        **{"citizen_id": np.array(["B-1", "B-2"]), "account": np.array(["5.38.50"] * 2)} | labels,
    )


@pytest.mark.parametrize(
    ("column", "message"),
    [
        (
            CodedLabels(np.array(["a"]), np.array([0, 1])),
            "row 1: code 1 is not a position among the 1 texts (0 to 0)",
        ),
        (CodedLabels(np.array(["a", "b"]), np.array([-1, 0])), "row 0: code -1"),
        (CodedLabels(np.array(["a"]), np.array([0])), "codes must be 2 integers, one per row"),
        (CodedLabels(np.array(["a"]), np.array([0.0, 0.0])), "dtype float64"),
        (CodedLabels(np.array(["a", 1], dtype=object), np.array([0, 1])), "must all be str"),
        (CodedLabels(np.array([["a"]]), np.array([0, 0])), "texts must be one-dimensional"),
    ],
)
def test_bad_codes_are_refused_naming_the_column(column: CodedLabels, message: str) -> None:
    with pytest.raises(StyringskerneError, match="'provider") as error:
        _ledger(provider=column)
    assert message in str(error.value)


def test_a_coded_provider_costs_as_its_texts() -> None:
    """10 days at 1 kr. with Solhaven, 10 days at 2 kr. with Bøgely: 10 and 20 kr."""
    ledger = _ledger(provider=CodedLabels(np.array(["Bøgely", "x", "Solhaven"]), np.array([2, 0])))
    cost = ledger.cost(dt.date(2024, 1, 1), dt.date(2024, 12, 31), by="provider")
    assert cost.to_dict() == {"Bøgely": "20.00", "Solhaven": "10.00"}


@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "0101901234",
                    "010190-1234",
                    "CPR 010190 1234",
                    "3112001234",
                    "B-00017",
                    "2024000123",
                    "x" * 12,
                    "١٢",
                    "",
                ]
            ),
            st.text(alphabet="0123456789- ABCæ", max_size=14),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_citizen_labels_get_one_spelling_as_each_label_alone(labels: list[str]) -> None:
    """The ledger's one spelling per citizen (only labels that could be CPR numbers go
    through the pattern) against every label normalised one by one."""
    from styringskerne.core.cpr import normalise_citizen_id
    from styringskerne.ledger.ledger import _one_spelling_per_citizen

    texts, codes = np.unique(np.array(labels), return_inverse=True)
    got_texts, got_codes = _one_spelling_per_citizen(texts, codes.ravel().astype(np.int64))
    want_texts, want_codes = np.unique(
        np.array([normalise_citizen_id(label) for label in labels]), return_inverse=True
    )
    assert got_texts.tolist() == want_texts.tolist()
    assert got_codes.tolist() == want_codes.ravel().tolist()
