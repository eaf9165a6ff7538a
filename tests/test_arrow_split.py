"""Splitting a plain text with pyarrow (``io.arrow_split``) and label columns kept as texts
and codes (``engine.labels.CodedLabels``): the pieces the columnar reader builds on."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne.engine.labels import CodedLabels
from styringskerne.io.arrow_split import split_plain_text
from styringskerne.ledger.ledger import _sorted_labels

pytest.importorskip("pyarrow")

NAMES = ["a", "b", "c"]
FIELD = st.text(
    st.characters(blacklist_characters=';\n\r"\x00', blacklist_categories=("Cs",)), max_size=6
)


@given(st.lists(st.tuples(FIELD, FIELD, FIELD), min_size=1, max_size=30))
def test_the_split_gives_back_every_field_as_written(rows: list[tuple[str, str, str]]) -> None:
    text = "a;b;c\n" + "".join(";".join(row) + "\n" for row in rows)
    split = split_plain_text(text, ";", NAMES)
    assert split is not None
    for position, name in enumerate(NAMES):
        column = split[name]
        assert len(set(column.texts)) == len(column.texts)
        assert [column.texts[i] for i in column.positions] == [row[position] for row in rows]
        assert column.longest == max(len(text) for text in column.texts)
        if column.stripped:  # may be False when in doubt, never True wrongly
            assert all(text == text.strip() for text in column.texts)


@pytest.mark.parametrize(
    "space", [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
)
def test_every_character_python_strips_is_seen_around_a_text(space: str) -> None:
    if space in "\n\r":
        return  # a line break ends the record
    for field in (f"{space}x", f"x{space}", space):
        split = split_plain_text(f"a;b;c\n{field};y;z\n", ";", NAMES)
        assert split is not None
        assert not split["a"].stripped, repr(field)
        assert split["b"].stripped


@pytest.mark.parametrize(
    "text",
    [
        "a;b;c\n1;2;3\n\n4;5;6\n",  # a blank line
        "a;b;c\n\n1;2;3\n",  # a blank line after the header
        "a;b;c\n1;2\n",  # a short line
        "a;b;c\n1;2;3;4\n",  # a long line
        "a;b;c",  # a header and nothing else
    ],
)
def test_texts_that_are_not_plain_in_every_line_are_left_to_the_caller(text: str) -> None:
    assert split_plain_text(text, ";", NAMES) is None


def test_a_last_line_without_a_line_break_is_a_record() -> None:
    split = split_plain_text("a;b;c\n1;2;3\n4;5;6", ";", NAMES)
    assert split is not None
    assert [split["c"].texts[i] for i in split["c"].positions] == ["3", "6"]


@given(
    texts=st.lists(st.sampled_from(["", "a", "b", "B", "ab", "æ", " a"]), min_size=1),
    data=st.data(),
)
def test_coded_labels_sorted_by_the_ledger_are_numpy_uniques_numbering(
    texts: list[str], data: st.DataObject
) -> None:
    codes = data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=20))
    column = CodedLabels(np.array(texts, dtype=str), np.array(codes, dtype=np.int64))
    values = np.array([texts[code] for code in codes], dtype=str)
    assert column.values().tolist() == values.tolist()
    assert column.take(np.arange(len(codes)) % 2 == 0).values().tolist() == values[::2].tolist()
    ordered = _sorted_labels(column)
    expected_texts, expected_codes = np.unique(values, return_inverse=True)
    assert ordered.texts.tolist() == expected_texts.tolist()  # texts no row has are dropped
    assert ordered.codes.tolist() == expected_codes.ravel().tolist()
    assert len(ordered) == len(codes)
    assert "CodedLabels(rows=" in repr(ordered)
