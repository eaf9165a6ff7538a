"""A dispositions file read by columns (kolonnevis indlæsning): a national export in seconds.

``DispositionLedger.from_csv`` and ``read_csv`` read the file of
:func:`~styringskerne.io.csv.read_dispositions` — the same encodings, delimiters, Danish header
names and column mapping — through :func:`read_columns`, without a Python object per row:

1. the records are split into columns: by pyarrow's CSV reader when the optional extra
   ``arrow`` is installed and the text is plain (no quotes, every line the header's width:
   :mod:`~styringskerne.io.arrow_split`), else at the delimiters when the text has no
   quotes, else by Python's CSV reader;
2. each distinct text of a column (a date, a rate, a unit, a citizen id) is parsed once, by
   the very functions the row reader uses, and every row gets its value by its text's number;
3. the rules that span rows — one citizen, service, account and probability per disposition,
   price segments that do not overlap — are checked with whole-column operations;
4. every disposition with a row in any doubt (a value that does not parse, a status or birth
   date column filled in, a row without a rate for the price list, a damaged record) is handed
   to the row reader, which loads it or reports each of its rows exactly as it always does.

So the ledger, the errors and the lines loaded are the row reader's, only faster: every row
is loaded or reported.
"""

from __future__ import annotations

import csv
import functools
import gc
import os
import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Final

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import OPEN_END, day_number
from styringskerne.core.errors import RowError, StyringskerneError
from styringskerne.core.masking import masked_repr
from styringskerne.core.money import MAX_ORE
from styringskerne.dispositions import Disposition
from styringskerne.engine import UNIT_CODES
from styringskerne.engine.labels import CodedLabels
from styringskerne.io.arrow_split import SplitColumn, split_plain_text
from styringskerne.io.csv import (
    _SHARED,
    DISPOSITION_COLUMNS,
    HEADER_OPTIONAL_COLUMNS,
    HEADER_REQUIRED_COLUMNS,
    OPTIONAL_DISPOSITION_COLUMNS,
    ImportResult,
    _citizen_id,
    _parse_amount,
    _parse_day,
    _parse_probability,
    _parse_quantity,
    _parse_unit,
    dispositions_from_rows,
    read_dispositions,
)
from styringskerne.io.source import (
    MAX_FIELD_CHARACTERS,
    OpenedTable,
    Table,
    decode,
    open_table,
    read_bytes,
)
from styringskerne.tariffs.pricelist import PriceList

__all__ = ["ColumnarRead", "read_columns"]

_CHUNK: Final = 65_536
"""Records gathered before their columns are numbered: bounds the memory of the text fields."""
_BAD: Final = np.iinfo(np.int64).min
"""A parsed value's place where the text does not parse (the row goes to the row reader)."""
_COLUMNS: Final = (*DISPOSITION_COLUMNS, *OPTIONAL_DISPOSITION_COLUMNS)


_PLAIN_AMOUNT: Final = re.compile(r"(-?)([0-9]+)\.([0-9]{2})")
_DANISH_AMOUNT: Final = re.compile(r"(-?)([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),([0-9]{2})")


def _ore(text: str) -> int:
    """Øre of a rate; the two common forms (``1149.50``, ``1.149,50``) read directly, every
    other text by :meth:`Money.parse <styringskerne.core.money.Money.parse>`, whose result
    this always is."""
    match = _PLAIN_AMOUNT.fullmatch(text) or _DANISH_AMOUNT.fullmatch(text)
    if match is None:
        return _parse_amount(text).ore
    sign, whole, decimals = match.groups()
    ore = int(whole.replace(".", "")) * 100 + int(decimals)
    if ore > MAX_ORE:
        return _parse_amount(text).ore  # raises, naming the largest amount
    return -ore if sign else ore


@masked_repr
@attrs.frozen
class ColumnarRead:
    """A dispositions file read by columns (kolonnevis indlæst fil): the rows that loaded as
    columns for the ledger, the dispositions the row reader loaded, and every rejected row.

    Attributes:
        raw: day numbers, unit codes, øre and exact parts of the rows loaded by columns,
            one array per field, the rows of each disposition together in order of start
            (no birth dates: a row with one goes to the row reader).
        labels: one label column per ledger dimension for the same rows, as each distinct
            text once and each row's position among them
            (:class:`~styringskerne.engine.labels.CodedLabels`; ``.values()`` gives the texts
            per row).
        dispositions: the dispositions the row reader loaded (those with a row in doubt).
        errors: every row rejected, with its line, column and reason.
        loaded_lines: the lines loaded, by columns or by the row reader; with the lines of
            ``errors`` they account for every row of the file.
    """

    raw: dict[str, NDArray[np.int64]] = attrs.field(repr=False)
    labels: dict[str, CodedLabels] = attrs.field(repr=False)
    dispositions: tuple[Disposition, ...] = attrs.field(repr=False)
    errors: tuple[RowError, ...]
    loaded_lines: tuple[int, ...] = attrs.field(repr=False)

    @property
    def rows(self) -> int:
        """Rows loaded by columns."""
        return int(self.raw["start"].size) if self.raw else 0


def _by_rows(
    dispositions: tuple[Disposition, ...], errors: tuple[RowError, ...], lines: tuple[int, ...]
) -> ColumnarRead:
    return ColumnarRead({}, {}, dispositions, errors, lines)


def read_columns(
    source: str | os.PathLike[str],
    *,
    catalogue: ServiceCatalogue | None = None,
    columns: dict[str, str] | None = None,
    encoding: str | None = None,
    prices: PriceList | None = None,
) -> ColumnarRead:
    """Read a dispositions CSV by columns; same rows and errors as
    :func:`~styringskerne.io.csv.read_dispositions`. Use it through
    :meth:`DispositionLedger.read_csv <styringskerne.ledger.DispositionLedger.read_csv>`
    (or ``from_csv``), which builds the ledger.

    A workbook (``.xlsx``) is read row by row.

    Raises:
        SourceError: when the file cannot be read at all (missing, a folder, not text).

    Examples:
        >>> import datetime as dt, pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "d.csv").write_text(
        ...     "disposition_id;cpr;ydelse;startdato;slutdato;enhed;takst;antal;sandsynlighed\\n"
        ...     "D1;B-1;SEL108;2024-01-01;;døgn;1.149,50;;\\n"
        ...     "D2;B-2;SEL85;2024-01-01;2024-01-31;week;700,00;6;\\n"
        ...     "D3;B-3;SEL85;2024-13-01;;week;700,00;6;\\n", encoding="utf-8")
        >>> read = read_columns(folder / "d.csv")
        >>> read.rows, read.loaded_lines, [(e.line, e.column) for e in read.errors]
        (2, (2, 3), [(4, 'start')])
    """
    catalogue = catalogue if catalogue is not None else ServiceCatalogue.default()
    data = read_bytes(source)
    if data.startswith(b"PK\x03\x04"):  # a workbook: its cells are typed, row by row
        result = read_dispositions(
            Path(source), catalogue=catalogue, columns=columns, encoding=encoding, prices=prices
        )
        return _by_rows(result.items, result.errors, result.loaded_lines)
    text, used = decode(data, encoding=encoding)
    del data
    optional = (*HEADER_OPTIONAL_COLUMNS, *OPTIONAL_DISPOSITION_COLUMNS)
    opened = open_table(text, HEADER_REQUIRED_COLUMNS, optional, columns=columns, encoding=used)
    if isinstance(opened, Table):  # the header is wrong: nothing is read
        result = dispositions_from_rows((), opened.errors, catalogue=catalogue, prices=prices)
        return _by_rows((), result.errors, ())
    return _Reader(opened, text, catalogue, prices).read()


def _texts(texts: list[str]) -> NDArray[np.str_]:
    """Texts as a numpy array of text (one empty text when there are none)."""
    return np.array(texts if texts else [""], dtype=str)


class _Column:
    """A column's texts, blanks around them stripped, numbered in order of first appearance;
    each distinct text is kept and stripped once."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        """Each text as given → the number of its stripped text."""
        self.distinct: list[str] = []
        """The stripped texts, by number."""
        self._code: dict[str, int] | None = {}
        """Each stripped text → its number (made when first asked for, after a split)."""
        self.long: set[int] = set()
        """Numbers of texts given longer than the reader's limit (the row reader reports them)."""
        self.chunks: list[NDArray[np.int64]] = []

    @property
    def code(self) -> dict[str, int]:
        """Each stripped text → its number."""
        if self._code is None:
            self._code = dict(zip(self.distinct, range(len(self.distinct)), strict=True))
        return self._code

    def add(self, texts: Sequence[str]) -> None:
        number = self.number
        for text in dict.fromkeys(texts).keys() - number.keys():
            number[text] = self._numbered(text)
        self.chunks.append(np.fromiter(map(number.__getitem__, texts), np.int64, len(texts)))

    def add_split(self, column: SplitColumn) -> None:
        """A whole column at once, as its distinct texts and each row's position among them
        (:func:`~styringskerne.io.arrow_split.split_plain_text`)."""
        texts, positions = column.texts, column.positions
        if not self.distinct and column.stripped and column.longest <= MAX_FIELD_CHARACTERS:
            # The common case without a Python call per text: the texts, distinct as given,
            # are their own stripped texts, numbered in order; a number per text is made
            # only if asked for (a million case ids need none).
            self.distinct, self._code = texts, None
            self.chunks.append(positions)
        else:
            numbers = np.fromiter(map(self._numbered, texts), np.int64, len(texts))
            self.chunks.append(numbers[positions])

    def _numbered(self, text: str) -> int:
        """The number of a text as given (its stripped text's), noting a text too long."""
        code = self.code
        stripped = text.strip()
        position = code.setdefault(stripped, len(code))
        if position == len(self.distinct):
            self.distinct.append(stripped)
        if len(text) > MAX_FIELD_CHARACTERS:
            self.long.add(position)
            if len(text) > csv.field_size_limit():  # the CSV reader refuses the record
                raise csv.Error("field larger than field limit")
        return position

    def add_empty(self, size: int) -> None:
        """``size`` empty cells: the column is not in the file."""
        self.chunks.append(np.full(size, self._numbered(""), dtype=np.int64))

    def codes(self) -> NDArray[np.int64]:
        if len(self.chunks) == 1:
            return self.chunks[0]  # no copy: a split column is one chunk of a million rows
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, dtype=np.int64)

    def size(self) -> int:
        """How many distinct stripped texts."""
        return len(self.distinct)

    def texts(self) -> list[str]:
        return self.distinct

    def code_of(self, text: str) -> int:
        if self._code is None and text == "":  # asked of every column: no numbering for it
            return self.distinct.index("") if "" in self.distinct else -1
        return self.code.get(text, -1)

    def parsed(self, parse: Callable[[str], int]) -> NDArray[np.int64]:
        """Each distinct text parsed once (``_BAD`` where it does not parse), by number."""
        values = np.empty(self.size(), dtype=np.int64)
        for position, text in enumerate(self.distinct):
            try:
                values[position] = parse(text)
            except StyringskerneError:
                values[position] = _BAD
        return values

    def fractions(
        self, parse: Callable[[str], Fraction]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Numerators and denominators of each distinct text (empty is 1), ``_BAD`` where
        the text does not parse or a part does not fit in 64 bits."""
        numerators = np.full(self.size(), _BAD, dtype=np.int64)
        denominators = np.ones(self.size(), dtype=np.int64)
        limit = np.iinfo(np.int64).max
        for position, text in enumerate(self.distinct):
            try:
                value = parse(text or "1")
            except StyringskerneError:
                continue
            if abs(value.numerator) <= limit and value.denominator <= limit:
                numerators[position] = value.numerator
                denominators[position] = value.denominator
        return numerators, denominators


class _Reader:
    """One file read by columns; rows in doubt are left to the row reader."""

    def __init__(
        self,
        opened: OpenedTable,
        text: str,
        catalogue: ServiceCatalogue,
        prices: PriceList | None,
    ) -> None:
        self.opened = opened
        self.text = text
        self.catalogue = catalogue
        self.prices = prices
        self.header_errors = list(opened.errors)
        self._start_over()

    def _start_over(self) -> None:
        self.columns = {name: _Column() for name in _COLUMNS}
        self.split: dict[str, SplitColumn] | None = None
        """The columns as Arrow split them, when it did (the fields as written)."""
        self.lines: list[NDArray[np.int64]] = []
        self.slow_rows: list[tuple[int, dict[str, str]]] = []
        self.malformed: list[tuple[int, dict[str, str]]] = []
        self.opened.errors[:] = self.header_errors

    def read(self) -> ColumnarRead:
        # Millions of field strings and no cycles among them: the cyclic collector would walk
        # them again and again (it doubled the time); it is back on when the reading ends.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._read()
        finally:
            if collecting:
                gc.enable()

    def _read(self) -> ColumnarRead:
        if '"' not in self.text and "\x00" not in self.text:
            try:
                self._read_lines()
                return self._finish()
            except csv.Error:  # e.g. a field beyond the CSV reader's limit: record by record
                self._start_over()
        self._read_records()
        return self._finish()

    def _read_lines(self) -> None:
        """A text without quotes, one record per line: split by pyarrow when it can, else
        here (the text with one kind of line break is let go when this returns)."""
        text = self._one_kind_of_line_break()
        if not self._read_split(text):
            self._read_plain(text)

    def _one_kind_of_line_break(self) -> str:
        """The text with ``\\n`` line breaks only; mixed line endings raise ``csv.Error``
        (the record reader counts their lines)."""
        text = self.text
        if "\r" in text:
            if text.count("\r") != text.count("\r\n") or text.count("\n") != text.count("\r\n"):
                raise csv.Error("mixed line endings")
            text = text.replace("\r\n", "\n")
        return text

    def _read_split(self, text: str) -> bool:
        """A plain text split into columns by pyarrow (when installed); ``False`` when the
        text is not plain in every line, and nothing was read."""
        split = split_plain_text(text, self.opened.delimiter, self.opened.names)
        if split is None:
            return False
        self.split = split
        size = next(iter(split.values())).positions.size
        for name, column in self.columns.items():
            if name in split:
                column.add_split(split[name])
            else:
                column.add_empty(size)
        self.lines.append(np.arange(2, size + 2, dtype=np.int64))
        return True

    def _read_plain(self, text: str) -> None:
        """A text without quotes: every record is one line and its fields are what lies
        between the delimiters, so whole chunks are split at once and a record's line is
        counted, not asked for."""
        opened = self.opened
        lines = text.removesuffix("\n").split("\n")
        del text
        width = len(opened.names)
        split = functools.partial(str.split, sep=opened.delimiter)
        for first in range(1, len(lines), _CHUNK):
            chunk = list(map(split, lines[first : first + _CHUNK]))
            numbers = np.arange(first + 1, first + 1 + len(chunk), dtype=np.int64)
            widths = np.fromiter(map(len, chunk), np.int64, len(chunk))
            odd = np.flatnonzero(widths != width)
            if odd.size:  # a blank line or a wrong number of fields: as the row reader files it
                for position in odd.tolist():
                    if max(map(len, chunk[position])) > csv.field_size_limit():
                        raise csv.Error("field larger than field limit")  # as the CSV reader
                    opened.take(
                        int(numbers[position]), chunk[position], self.slow_rows, self.malformed
                    )
                keep = np.flatnonzero(widths == width)
                chunk, numbers = [chunk[position] for position in keep.tolist()], numbers[keep]
            if chunk:
                self._gather(chunk, numbers)

    def _read_records(self) -> None:
        """Any text: record by record, each with the lines it spans."""
        opened = self.opened
        width = len(opened.names)
        chunk: list[list[str]] = []
        chunk_lines: list[int] = []
        for line, end, fields in opened.records:
            if end == line and len(fields) == width:  # one line, the header's width
                chunk.append(fields)
                chunk_lines.append(line)
                if len(chunk) == _CHUNK:
                    self._gather(chunk, np.array(chunk_lines, dtype=np.int64))
                    chunk, chunk_lines = [], []
            else:
                opened.take(line, fields, self.slow_rows, self.malformed)
        if chunk:
            self._gather(chunk, np.array(chunk_lines, dtype=np.int64))

    def _gather(self, chunk: list[list[str]], lines: NDArray[np.int64]) -> None:
        given = dict(zip(self.opened.names, zip(*chunk, strict=True), strict=True))
        for name, column in self.columns.items():
            if name in given:
                column.add(given[name])
            else:
                column.add_empty(len(chunk))
        self.lines.append(lines)

    def _finish(self) -> ColumnarRead:
        columns = self.columns
        lines = np.concatenate(self.lines) if self.lines else np.zeros(0, dtype=np.int64)
        codes = {name: column.codes() for name, column in columns.items()}
        blank = np.ones(lines.size, dtype=bool)
        for name, column in columns.items():
            blank &= codes[name] == column.code_of("")
        ids = codes["disposition_id"]
        values, doubt = self._values(codes)
        doubtful = np.zeros(columns["disposition_id"].size(), dtype=bool)
        doubtful[ids[doubt & ~blank]] = True
        # A record the row reader took (damaged or long) takes its disposition with it.
        taken = [fields.get("disposition_id", "") for _, fields in self.malformed]
        taken += [fields["disposition_id"] for _, fields in self.slow_rows]
        for key in taken:
            code = columns["disposition_id"].code_of(key)
            if code >= 0:
                doubtful[code] = True
        rows = np.flatnonzero(~blank)
        order = rows[np.lexsort((values["start"][rows], ids[rows]))]
        doubtful |= self._disagreeing(order, ids, codes, values)
        fast = order[~doubtful[ids[order]]]
        slow = np.sort(rows[doubtful[ids[rows]]])
        result = self._row_reader(set(lines[slow].tolist()))
        raw, labels = self._fast_columns(fast, codes, values) if fast.size else ({}, {})
        loaded = np.sort(np.concatenate([lines[fast], np.array(result.loaded_lines, np.int64)]))
        return ColumnarRead(raw, labels, result.items, result.errors, tuple(loaded.tolist()))

    def _values(
        self, codes: dict[str, NDArray[np.int64]]
    ) -> tuple[dict[str, NDArray[np.int64]], NDArray[np.bool_]]:
        """Each row's parsed values, and whether the row is in any doubt."""
        columns, catalogue = self.columns, self.catalogue
        known = {service.code.upper(): service.code for service in catalogue}
        services = columns["service"].texts()
        spelled = [known.get(text.upper(), text) for text in services]
        derived = [catalogue.account_for(code) if code in catalogue else "" for code in spelled]
        citizens = [_citizen_id(text) for text in columns["citizen_id"].texts()]

        def number(texts: list[str]) -> NDArray[np.int64]:
            position: dict[str, int] = {}
            return np.array([position.setdefault(t, len(position)) for t in texts], np.int64)

        values: dict[str, NDArray[np.int64]] = {
            "start": columns["start"].parsed(lambda text: day_number(_parse_day(text)))[
                codes["start"]
            ],
            "stop": columns["end"].parsed(
                lambda text: day_number(_parse_day(text)) + 1 if text else OPEN_END
            )[codes["end"]],
            "unit": columns["unit"].parsed(lambda text: UNIT_CODES[_parse_unit(text).value])[
                codes["unit"]
            ],
            "rate": columns["rate"].parsed(_ore)[codes["rate"]],
            "citizen": number(citizens)[codes["citizen_id"]],
            "service": number(spelled)[codes["service"]],
        }
        doubt = values["start"] == _BAD
        for name in ("stop", "unit", "rate"):
            doubt |= values[name] == _BAD
        self.pairs = {}
        for name, parse in (("quantity", _parse_quantity), ("probability", _parse_probability)):
            numerators, denominators = columns[name].fractions(parse)
            self.pairs[name] = (numerators, denominators)
            doubt |= (numerators == _BAD)[codes[name]]
        doubt |= values["stop"] <= values["start"]
        for name in ("disposition_id", "citizen_id", "service", "start", "unit", "rate"):
            doubt |= codes[name] == columns[name].code_of("")
        for name, column in columns.items():
            if column.long:
                doubt |= np.isin(codes[name], list(column.long))
        for name in ("birth_date", "status"):  # rare: the row reader checks them
            doubt |= codes[name] != columns[name].code_of("")
        no_account = np.array([not account for account in derived], dtype=bool)
        doubt |= no_account[codes["service"]] & (codes["account"] == columns["account"].code_of(""))
        self.spelled, self.derived, self.citizens = spelled, derived, citizens
        return values, doubt

    def _disagreeing(
        self,
        order: NDArray[np.int64],
        ids: NDArray[np.int64],
        codes: dict[str, NDArray[np.int64]],
        values: dict[str, NDArray[np.int64]],
    ) -> NDArray[np.bool_]:
        """Dispositions whose rows differ in a field they must share, or overlap in time."""
        doubtful = np.zeros(self.columns["disposition_id"].size(), dtype=bool)
        if order.size < 2:
            return doubtful
        same = ids[order[1:]] == ids[order[:-1]]
        differ = np.zeros(order.size - 1, dtype=bool)
        # The row reader's shared fields: citizen and service as it spells them, the rest as given.
        shared = [values["citizen"], values["service"]]
        shared += [codes[name] for name in _SHARED if name not in ("citizen_id", "service")]
        for column in shared:
            differ |= column[order[1:]] != column[order[:-1]]
        differ |= values["stop"][order[:-1]] > values["start"][order[1:]]  # a day shared
        doubtful[ids[order[1:]][same & differ]] = True
        return doubtful

    def _row_reader(self, lines: set[int]) -> ImportResult[Disposition]:
        """The row reader over the records in doubt, and over those the first pass took."""
        rows = list(self.slow_rows)
        unused: list[tuple[int, dict[str, str]]] = []
        if lines and self.split is not None:
            # Split by Arrow: row i is line i + 2, its fields as written are in the split.
            split = [self.split[name] for name in self.opened.names]
            for line in sorted(lines):
                fields = [column.texts[column.positions[line - 2]] for column in split]
                self.opened.take(line, fields, rows, unused)
        elif lines:
            for line, _end, fields in self.opened.reread():
                if line in lines:  # a plain record: it becomes a row, never an error
                    self.opened.take(line, fields, rows, unused)
        rows.sort(key=lambda row: row[0])
        rejected = {
            fields["disposition_id"]: line
            for line, fields in self.malformed
            if "disposition_id" in fields
        }
        return dispositions_from_rows(
            rows,
            self.opened.errors,
            rejected=rejected,
            catalogue=self.catalogue,
            prices=self.prices,
        )

    def _fast_columns(
        self,
        rows: NDArray[np.int64],
        codes: dict[str, NDArray[np.int64]],
        values: dict[str, NDArray[np.int64]],
    ) -> tuple[dict[str, NDArray[np.int64]], dict[str, CodedLabels]]:
        columns = self.columns
        ids = codes["disposition_id"]

        def coded(texts: list[str], by: NDArray[np.int64]) -> CodedLabels:
            return CodedLabels(_texts(texts), by[rows])

        quantity, probability = self.pairs["quantity"], self.pairs["probability"]
        q = codes["quantity"][rows]
        p = codes["probability"][rows]
        raw = {
            "start": values["start"][rows],
            "stop": values["stop"][rows],
            "unit": values["unit"][rows],
            "rate": values["rate"][rows],
            "q_num": quantity[0][q],
            "q_den": quantity[1][q],
            "p_num": probability[0][p],
            "p_den": probability[1][p],
        }
        # An empty account is the service's; an empty provider the disposition's own: that of
        # its first row in the file. Both as positions among the texts, not as texts per row.
        given = codes["account"][rows]
        service = codes["service"][rows]
        account_texts = [*columns["account"].texts(), *self.derived]
        account = np.where(
            given == columns["account"].code_of(""),
            columns["account"].size() + service,
            given,
        )
        first_row = np.unique(ids, return_index=True)[1]
        provider_codes = codes["provider"]
        provider = np.where(
            provider_codes[rows] == columns["provider"].code_of(""),
            provider_codes[first_row[ids[rows]]],
            provider_codes[rows],
        )
        labels = {
            "disposition": coded(columns["disposition_id"].texts(), ids),
            "citizen": coded(self.citizens, codes["citizen_id"]),
            "account": CodedLabels(_texts(account_texts), account),
            "provider": CodedLabels(_texts(columns["provider"].texts()), provider),
            "service": coded(self.spelled, codes["service"]),
            "payer": coded(columns["payer"].texts(), codes["payer"]),
            "granting_area": coded(columns["granting_area"].texts(), codes["granting_area"]),
            "paying_area": coded(columns["paying_area"].texts(), codes["paying_area"]),
            "household": coded(columns["household"].texts(), codes["household"]),
        }
        return raw, labels
