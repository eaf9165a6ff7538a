"""A plain delimited text split into columns by pyarrow's CSV reader (opdeling med Arrow).

The columnar reader (:mod:`styringskerne.io.columnar`) spends most of its time turning every
field of a national file into a Python string. When the optional extra ``arrow`` is
installed, a text that is *plain* — no quotes, one record per line, no blank line, every line
the header's number of fields — is split here instead: Arrow's multi-threaded CSV reader
cuts the text into columns of text, and each column becomes its distinct texts (the only
Python strings made) and each row's position among them.

Anything else — pyarrow missing, a line of the wrong width, a blank line, a field Arrow
cannot hold — returns ``None`` and the caller reads the text itself, so the rows, the values
and the errors never depend on whether pyarrow is installed (a property test reads the same
files both ways).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Final, NamedTuple

import numpy as np
from numpy.typing import NDArray

__all__ = ["SplitColumn", "split_plain_text"]


class SplitColumn(NamedTuple):
    """A column split by Arrow."""

    texts: list[str]
    """Its distinct texts, as written."""
    positions: NDArray[np.int64]
    """Each row's position in ``texts``."""
    stripped: bool
    """Whether no text has blanks around it (then each text is its own stripped text)."""
    longest: int
    """The number of characters of the longest text."""


_BLANK_AROUND: Final = r"^[\t-\r\x1c-\x1f\x85\p{Z}]|[\t-\r\x1c-\x1f\x85\p{Z}]$"
"""A text that begins or ends with a character Python's ``str.strip`` removes."""
_BLOCK: Final = 1 << 24
"""Bytes Arrow reads at a time; a record must fit in one block (16 MiB: any real record)."""


def _arrow_csv() -> Any | None:
    """``pyarrow.csv`` when the optional extra is installed, else ``None``."""
    try:
        return importlib.import_module("pyarrow.csv")
    except ImportError:
        return None


def split_plain_text(
    text: str, delimiter: str, names: Sequence[str]
) -> dict[str, SplitColumn] | None:
    """Each column of a plain text — the header line first, then one record per line, ``\\n``
    line breaks only — as its distinct texts and each row's position among them; ``None``
    when pyarrow is not installed or the text is not plain in every line.

    The texts are as written, blanks around them included; rows are in the order of the
    lines, so row ``i`` is line ``i + 2`` of the file.

    Examples:
        >>> columns = split_plain_text("a;b\\nx;1\\ny;1\\nx ;2\\n", ";", ["a", "b"])
        >>> texts, rows, stripped, longest = columns["a"]
        >>> [texts[i] for i in rows], stripped, columns["b"].texts, columns["b"].stripped
        (['x', 'y', 'x '], False, ['1', '2'], True)
        >>> split_plain_text("a;b\\nx;1\\ny\\n", ";", ["a", "b"]) is None  # a short line
        True
    """
    arrow_csv = _arrow_csv()
    body_start = text.find("\n") + 1
    if arrow_csv is None or body_start == 0 or "\n\n" in text or text.startswith("\n", body_start):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    records = text.count("\n", body_start) + (0 if text.endswith("\n") else 1)
    odd: list[object] = []

    def refuse(row: object) -> str:
        odd.append(row)
        return "skip"

    encoded_text = pa.py_buffer(text.encode("utf-8"))
    try:
        table = arrow_csv.read_csv(
            encoded_text,
            read_options=arrow_csv.ReadOptions(
                skip_rows=1, column_names=list(names), block_size=_BLOCK, encoding="utf8"
            ),
            parse_options=arrow_csv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
                invalid_row_handler=refuse,
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:  # e.g. a record larger than a block: the caller reads it
        return None
    del encoded_text
    if odd or table.num_rows != records:
        return None
    columns: dict[str, SplitColumn] = {}
    for name in names:
        encoded = table.column(name).combine_chunks().dictionary_encode()
        table = table.drop_columns([name])  # its text is no longer needed
        distinct = encoded.dictionary
        blank_around = pc.any(pc.match_substring_regex(distinct, _BLANK_AROUND)).as_py()
        columns[name] = SplitColumn(
            distinct.to_pylist(),
            np.asarray(encoded.indices.to_numpy(), dtype=np.int64),
            not blank_around,
            pc.max(pc.utf8_length(distinct)).as_py() or 0,
        )
        del encoded, distinct
    # Arrow keeps freed memory for reuse; give it back before the rest of the reading.
    pa.default_memory_pool().release_unused()
    return columns
