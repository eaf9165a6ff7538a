"""Every check of ``DispositionLedger.from_arrays``, triggered and read word for word.

Columns come from other systems' exports through numpy; a column of the wrong shape or kind, an
id column mixing numbers and texts, a date that is not a date must each be refused naming the
column (and the row) and what is valid — never a numpy traceback, never a silently wrong ledger.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from styringskerne import DispositionLedger
from styringskerne.core.errors import StyringskerneError


def columns(**changes: Any) -> dict[str, Any]:
    given: dict[str, Any] = {
        "citizen_id": np.array(["B-1", "B-2"]),
        "account": np.array(["5.38.50", "5.38.50"]),
        "start": np.array(["2024-01-01", "2024-02-01"], dtype="datetime64[D]"),
        "end": np.array(["NaT", "2024-12-31"], dtype="datetime64[D]"),
        "unit": np.array(["day", "day"]),
        "rate_ore": np.array([100_000, 100_000]),
    }
    return {**given, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"account": np.array(["5.38.50"])},
         "'account' must be one-dimensional with 2 rows (got shape (1,))"),
        ({"provider": np.array([1.5, 2.5])},
         "'provider' must hold strings or integers (got dtype float64)"),
        ({"provider": np.array(["P", 17], dtype=object)},
         "'provider' row 1: ids in an object column must all be str (got int); convert the "
         "column with .astype(str)"),
        ({"quantity": np.array([1, 2, 3])},
         "'quantity' must be one-dimensional with 2 rows (got shape (3,))"),
        ({"probability": np.array([True, False])},
         "'probability' must hold numbers (got dtype bool)"),
        ({"end": np.array(["2024-01-01"], dtype="datetime64[D]")},
         "'end' must be one-dimensional with 2 rows (got shape (1,))"),
        ({"start": np.array(["2024-01-01", "NaT"], dtype="datetime64[D]")},
         "row 1: 'start' is missing"),
        ({"unit": np.array([["day", "day"]])}, "'unit' must be one-dimensional with 2 rows"),
    ],
)  # fmt: skip
def test_from_arrays_checks_word_for_word(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(StyringskerneError) as error:
        DispositionLedger.from_arrays(**columns(**changes))
    assert str(error.value) == message


def test_dates_that_are_not_dates_are_refused_by_column() -> None:
    with pytest.raises(StyringskerneError) as error:
        DispositionLedger.from_arrays(**columns(end=np.array(["2024-12-31", "soon"])))
    assert str(error.value).startswith("'end' must be datetime64[D] dates: ")


def test_integer_ids_far_apart_and_ledgers_of_both_kinds_merge() -> None:
    # Citizen numbers far apart take the sorting path; a ledger with integer citizen ids and
    # one with text ids merge as texts.
    far = DispositionLedger.from_arrays(
        **columns(citizen_id=np.array([5, 10**15]), disposition_id=np.array(["D1", "D2"]))
    )
    assert far.groups("citizen")[1].tolist() == [5, 10**15]
    texts = DispositionLedger.from_arrays(**columns(disposition_id=np.array(["D3", "D4"])))
    merged = DispositionLedger.merge([far, texts])
    assert sorted(merged.groups("citizen")[1].tolist()) == ["10" + "0" * 14, "5", "B-1", "B-2"]
    with pytest.raises(StyringskerneError) as error:
        far.groups("colour")
    assert str(error.value).startswith("'by' must be one of ")
    assert str(error.value).endswith(" or None (got 'colour')")
