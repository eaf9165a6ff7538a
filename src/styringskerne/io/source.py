"""Reading a delimited text file as a municipal system exports it (indlæsning af tekstfiler).

Everything a file can do before its rows mean anything is handled here, once for every importer:

- **Encoding**: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark, and
  Windows-1252 (what Danish Excel saves as "CSV (semikolonsepareret)") when the bytes are not
  UTF-8. ``encoding=`` overrides the guess. A byte that cannot be decoded is reported with the
  line it stands on.
- **Delimiter**: ``,``, ``;``, tab or ``|``, whichever the header line holds most of (outside
  quotes).
- **Line endings**: ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Mac exports).
- **Records**: a quote that is never closed is reported at the line where its record starts, a
  field beyond the reader's limit is reported at its line, and a row with the wrong number of
  fields is reported; reading goes on after each.
- **Header**: names are matched without regard to case or surrounding blanks, Danish names are
  accepted for the library's columns (:data:`DANISH_ALIASES`), a caller's own mapping comes
  first (``columns=``), and a column named twice is an error naming it.

- **Workbooks**: an Excel workbook (``.xlsx``, optional extra ``excel``) is read from its first
  sheet: row 1 is the header, each later row a row of the file with its Excel row number, and
  typed cells become text by the same rules as dataframes (:mod:`styringskerne.io.cells`).

Every data line is either returned as a row or reported: nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Final

import attrs

from styringskerne.core.errors import RowError, SourceError
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.io.cells import RefusedCellError, cell_text

__all__ = [
    "DANISH_ALIASES",
    "MAX_FIELD_CHARACTERS",
    "ColumnMapping",
    "OpenedTable",
    "Table",
    "decode",
    "empty_fields",
    "header_names",
    "load_column_mapping",
    "missing_or_unknown",
    "not_read",
    "open_table",
    "parse_table",
    "parse_workbook",
    "read_bytes",
    "read_table",
]

MAX_FIELD_CHARACTERS: Final = 100_000
"""Longest field read; a longer one is reported (no column of these files is near it)."""

DANISH_ALIASES: Final[Mapping[str, str]] = {
    "cpr": "citizen_id",
    "cprnr": "citizen_id",
    "cpr-nr": "citizen_id",
    "cpr_nr": "citizen_id",
    "cpr-nummer": "citizen_id",
    "personnummer": "citizen_id",
    "borger": "citizen_id",
    "borger_id": "citizen_id",
    "borgerid": "citizen_id",
    "ydelse": "service",
    "paragraf": "service",
    "takst": "rate",
    "pris": "rate",
    "startdato": "start",
    "slutdato": "end",
    "enhed": "unit",
    "mængde": "quantity",
    "antal": "quantity",
    "leverandør": "provider",
    "leverandor": "provider",
    "tilbud": "provider",
    "sandsynlighed": "probability",
    "konto": "account",
    "beløb": "amount",
    "belob": "amount",
    "dato": "date",
    "bogføringsdato": "date",
    "disposition": "disposition_id",
    "dispositions_id": "disposition_id",
    "bevilling": "disposition_id",
    "betaler": "payer",
    "betalingskommune": "payer",
    "bevilgende_område": "granting_area",
    "betalende_område": "paying_area",
    "husstand": "household",
    "gyldig_fra": "valid_from",
    "gyldig fra": "valid_from",
    "timer": "hours",
    "fødselsdato": "birth_date",
    "fodselsdato": "birth_date",
}
"""Danish header names (lower case) and the library's column each one means."""

CPR_COLUMNS: Final = frozenset({"citizen_id"})
"""Columns whose values are personal ids: masked in every message, whatever their form."""

_DELIMITERS: Final = (",", ";", "\t", "|")
_NEWLINES: Final = re.compile(r"\r\n|\r|\n")
"""Line breaks as the CSV reader sees them (not the other breaks str.splitlines knows)."""
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

ColumnMapping = Mapping[str, str]
"""A caller's header names mapped to the library's column names, e.g.
``{"CPR-nr.": "citizen_id"}``."""


@masked_repr
@attrs.frozen(kw_only=True)
class Table:
    """A file read as rows of text (tabel): what loaded, what was reported, and how it was read.

    Attributes:
        rows: ``(line, {column: text})`` per data row, column names as the library names them;
            the line is where the row's record starts in the file (the header is line 1).
        errors: every problem found, with its line.
        malformed: rows with a wrong number of fields (what of them could be read), so that an
            importer can report the rest of a disposition such a row belongs to.
        encoding: the encoding the file was read with.
        delimiter: the delimiter found in the header.
    """

    rows: tuple[tuple[int, dict[str, str]], ...]
    errors: tuple[RowError, ...]
    malformed: tuple[tuple[int, dict[str, str]], ...] = ()
    encoding: str = "utf-8"
    delimiter: str = ","


def _line_of(data: bytes, position: int, encoding: str) -> int:
    if encoding.startswith(("utf-16", "utf-32")):
        text = data[:position].decode(encoding, errors="replace")
        return text.count("\n") + 1
    return data[:position].count(b"\n") + 1


def decode(data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and the encoding it was read with.

    Raises:
        SourceError: when the bytes are not text in the encoding given or guessed, naming the
            line of the first bad byte.
    """
    if encoding is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                encoding = name
                break
    candidates = [encoding] if encoding else ["utf-8", "cp1252"]
    failures: list[UnicodeDecodeError] = []
    for name in candidates:
        try:
            codecs.lookup(name)
        except LookupError:
            raise SourceError(
                f"unknown encoding {name!r}; use e.g. utf-8, utf-16 or cp1252 (Windows-1252)"
            ) from None
        try:
            return data.decode(name), codecs.lookup(name).name
        except UnicodeDecodeError as error:
            failures.append(error)
    first_error = failures[0]
    shown = " or ".join(candidates)
    line = _line_of(data, first_error.start, candidates[0])
    raise SourceError(
        f"line {line}: byte {data[first_error.start]:#04x} is not text in {shown}; "
        "save the file as UTF-8, or name its encoding (--encoding / encoding=)"
    )


def _delimiter(header_line: str) -> str:
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def _records(
    text: str, delimiter: str, errors: list[RowError]
) -> Iterator[tuple[int, int, list[str]]]:
    """Records with the lines each starts and ends on; reader errors become row errors and
    reading goes on from the next line."""
    lines = io.StringIO(text, newline=None)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    next_line = 1
    while True:
        start = next_line
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            next_line = reader.line_num + 1
            where = "" if reader.line_num <= start else f"lines {start}-{reader.line_num} "
            errors.append(
                RowError(line=start, column="", reason=f"{where}cannot be read as CSV ({error})")
            )
            continue
        next_line = reader.line_num + 1
        yield start, reader.line_num, fields


def _after_header(
    text: str, delimiter: str, errors: list[RowError]
) -> Iterator[tuple[int, int, list[str]]]:
    """The records after a header of one line without quotes, read when first asked for."""
    records = _records(text, delimiter, errors)
    next(records, None)
    yield from records


def _spanning(fields: Sequence[str], start: int, end: int, last_line: int) -> RowError | None:
    """A record that spans lines: none of these files' columns holds a line break, so it is a
    quote left open (which swallows the rest of the file) or a stray line break in quotes."""
    if end == start:
        return None
    if end >= last_line:
        reason = (
            f"a quote opened on this line is never closed; lines {start}-{end} could not be "
            "read as rows (close the quote or remove it)"
        )
    else:
        reason = f"a quoted field spans lines {start}-{end}; remove the line break inside it"
    return RowError(line=start, column="", reason=reason)


def header_names(
    fields: Sequence[str], mapping: Mapping[str, str]
) -> tuple[list[str], list[RowError]]:
    """The library's names for header fields, and an error for each column named twice.

    A caller's mapping comes first, then the Danish names, then the name as given (all
    compared in lower case without surrounding blanks).

    Examples:
        >>> header_names(["CPR", "Ydelse", "rate"], {})[0]
        ['citizen_id', 'service', 'rate']
        >>> header_names(["cpr", "borger"], {})[1][0].reason
        "column 'citizen_id' appears twice (header fields 1 and 2); keep one"
    """
    own = {str(key).strip().lower(): value for key, value in mapping.items()}
    names: list[str] = []
    seen: dict[str, int] = {}
    errors: list[RowError] = []
    for position, raw in enumerate(fields, start=1):
        given = raw.strip().strip("\ufeff").strip().lower()
        name = own.get(given, DANISH_ALIASES.get(given, given))
        if name in seen and name:
            errors.append(
                RowError(
                    line=1,
                    column=name,
                    reason=f"column {name!r} appears twice (header fields {seen[name]} and "
                    f"{position}); keep one",
                )
            )
        seen.setdefault(name, position)
        names.append(name)
    return names, errors


def not_read(first: int, last: int, unit: str) -> RowError:
    """The error that accounts for the rows below a header that could not be used."""
    return RowError(
        line=1 if unit == "line" else 0,
        column="",
        reason=f"the header is wrong, so no data was read: {unit}s {first}-{last} not loaded",
    )


def missing_or_unknown(
    names: Sequence[str], required: Sequence[str], optional: Sequence[str]
) -> list[RowError]:
    """Why a header does not fit: the columns missing and the ones not known."""
    missing = [name for name in required if name not in names]
    unknown = [name for name in names if name not in required and name not in optional]
    if not missing and not unknown:
        return []
    parts = []
    if missing:
        parts.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        known = [*required, *optional, *DANISH_ALIASES]
        shown = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=1)
            shown.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        parts.append(f"unknown column(s) {', '.join(shown)}")
    reason = "; ".join(parts) + f"; the header must be {','.join(required)}"
    if optional:
        reason += f" (optional: {','.join(optional)})"
    reason += " (Danish names such as cpr, ydelse, takst, startdato are accepted too)"
    return [RowError(line=1, column="", reason=reason)]


class OpenedTable:
    """A delimited text whose header has been read: its column names and its records still to
    come. Shared by :func:`parse_table` and the columnar reader, so that both see every record
    alike."""

    def __init__(
        self,
        *,
        names: list[str],
        optional: Sequence[str],
        delimiter: str,
        records: Iterator[tuple[int, int, list[str]]],
        errors: list[RowError],
        last_line: int,
        encoding: str,
        text: str,
    ) -> None:
        self.names = names
        self.optional = optional
        self.delimiter = delimiter
        self.records = records
        self.errors = errors
        """Problems found so far; the records add theirs as they are read."""
        self.last_line = last_line
        self.encoding = encoding
        self.text = text

    def reread(self) -> Iterator[tuple[int, int, list[str]]]:
        """The data records once more, from the first after the header (problems already
        found are not found again)."""
        return _after_header(self.text, self.delimiter, [])

    def __repr__(self) -> str:
        return f"OpenedTable(names={self.names!r}, delimiter={self.delimiter!r})"

    def take(
        self,
        line: int,
        fields: list[str],
        rows: list[tuple[int, dict[str, str]]],
        malformed: list[tuple[int, dict[str, str]]],
    ) -> None:
        """File one record: as a row, as a reported problem (and perhaps a malformed row), or
        not at all when it is blank."""
        names, errors = self.names, self.errors
        if not any(field.strip() for field in fields):
            return  # a blank line holds no row
        end = line + sum(field.count("\n") for field in fields)
        spanning = _spanning(fields, line, end, self.last_line)
        if spanning is not None:
            errors.append(spanning)
            return
        too_long = [
            name
            for name, field in zip(names, fields, strict=False)
            if len(field) > MAX_FIELD_CHARACTERS
        ]
        if too_long:
            errors.append(
                RowError(
                    line=line,
                    column=too_long[0],
                    reason=f"field is longer than {MAX_FIELD_CHARACTERS} characters",
                )
            )
            return
        if len(fields) != len(names):
            errors.append(
                RowError(
                    line=line,
                    column="",
                    reason=f"has {len(fields)} fields; the header has {len(names)} "
                    f"(delimiter {self.delimiter!r})",
                )
            )
            malformed.append((line, dict(zip(names, fields, strict=False))))
            return
        values = dict.fromkeys(self.optional, "")
        values.update((name, value.strip()) for name, value in zip(names, fields, strict=True))
        rows.append((line, values))


def open_table(
    text: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    columns: ColumnMapping | None = None,
    encoding: str = "utf-8",
) -> OpenedTable | Table:
    """The header of a delimited text read, or the :class:`Table` of errors when the header
    cannot be used (then no row is read, and the error says which lines were not)."""
    text = text.removeprefix("\ufeff")
    trimmed = text.removesuffix("\n").removesuffix("\r")
    first_line = _NEWLINES.split(trimmed, maxsplit=1)[0]
    delimiter = _delimiter(first_line)
    errors: list[RowError] = []
    records: Iterator[tuple[int, int, list[str]]]
    plain_header = 0 < len(first_line) <= MAX_FIELD_CHARACTERS and '"' not in first_line
    if plain_header and first_line != trimmed:
        # The header is its first line: the records after it are read only when asked for,
        # so a reader that splits the lines itself never copies the text into the CSV reader.
        header_record: tuple[int, int, list[str]] | None = (
            1,
            1,
            next(csv.reader([first_line], delimiter=delimiter)),
        )
        records = _after_header(text, delimiter, errors)
    else:
        records = _records(text, delimiter, errors)
        header_record = next(records, None)
    if header_record is None:
        return Table(
            rows=(),
            errors=(RowError(line=1, column="", reason="the file is empty; it needs a header"),),
            encoding=encoding,
            delimiter=delimiter,
        )
    names, header_problems = header_names(header_record[2], columns or {})
    header_problems += missing_or_unknown(names, required, optional)
    if header_problems:
        physical = _NEWLINES.split(trimmed)
        data_lines = [n for n, line in enumerate(physical[1:], start=2) if line.strip()]
        if data_lines:
            header_problems.append(not_read(data_lines[0], data_lines[-1], "line"))
        return Table(rows=(), errors=tuple(header_problems), encoding=encoding, delimiter=delimiter)
    # The lines as _NEWLINES splits them: a CR LF is one break, a lone CR or LF another.
    breaks = trimmed.count("\r") + trimmed.count("\n") - trimmed.count("\r\n")
    return OpenedTable(
        names=names,
        optional=optional,
        delimiter=delimiter,
        records=records,
        errors=errors,
        last_line=breaks + 1,
        encoding=encoding,
        text=text,
    )


def parse_table(
    text: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    columns: ColumnMapping | None = None,
    encoding: str = "utf-8",
) -> Table:
    r"""Rows of a delimited text: every line is a row, a reported problem, or blank.

    Examples:
        >>> table = parse_table("Konto\tBudget\r5.38.50\t1.000,00\r", ("account", "budget"))
        >>> table.delimiter, table.rows
        ('\t', ((2, {'account': '5.38.50', 'budget': '1.000,00'}),))
    """
    opened = open_table(text, required, optional, columns=columns, encoding=encoding)
    if isinstance(opened, Table):
        return opened
    rows: list[tuple[int, dict[str, str]]] = []
    malformed: list[tuple[int, dict[str, str]]] = []
    for line, _end, fields in opened.records:
        opened.take(line, fields, rows, malformed)
    return Table(
        rows=tuple(rows),
        errors=tuple(opened.errors),
        malformed=tuple(malformed),
        encoding=encoding,
        delimiter=opened.delimiter,
    )


def read_bytes(source: str | os.PathLike[str]) -> bytes:
    """The bytes of a file, or a :class:`SourceError` that says what is wrong with the path."""
    path = Path(source)
    shown = mask_text(str(path))
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{shown}: is a folder, not a file") from None
    except PermissionError:
        raise SourceError(f"{shown}: not allowed to read it") from None
    except OSError as error:
        raise SourceError(f"{shown}: cannot be read ({error.strerror})") from None


def read_table(
    source: str | os.PathLike[str],
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    columns: ColumnMapping | None = None,
    encoding: str | None = None,
) -> Table:
    """Read a delimited text file, or the first sheet of an ``.xlsx`` workbook, into rows of
    text.

    Raises:
        SourceError: when the file cannot be read or is neither text nor a workbook; row
            problems are reported in the table instead.
    """
    data = read_bytes(source)
    if data.startswith(_WORKBOOK_SIGNATURE):
        return parse_workbook(data, required, optional, columns=columns)
    text, used = decode(data, encoding=encoding)
    return parse_table(text, required, optional, columns=columns, encoding=used)


def empty_fields(line: int, fields: Mapping[str, str], names: Sequence[str]) -> list[RowError]:
    """An "is empty" error for each of ``names`` that a row leaves empty."""
    return [
        RowError(line=line, column=name, reason="is empty") for name in names if not fields[name]
    ]


_WORKBOOK_SIGNATURE: Final = b"PK\x03\x04"
"""An ``.xlsx`` file is a zip archive; no text export starts with these bytes."""


def _open_first_sheet(data: bytes) -> Iterator[tuple[object, ...]]:
    """The rows of values of a workbook's first sheet (cached results of formulas)."""
    try:
        import openpyxl
    except ImportError:
        raise SourceError(
            "reading an .xlsx workbook needs the optional extra 'excel': "
            "pip install 'styringskerne[excel]' (or save the sheet as CSV)"
        ) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged archive
        raise SourceError(
            f"the file looks like a workbook (a zip archive) but cannot be read as .xlsx "
            f"({type(error).__name__}); save it again from Excel, or as CSV"
        ) from None
    if not book.worksheets:
        raise SourceError("the workbook has no sheet")
    sheet = book.worksheets[0]
    return sheet.iter_rows(values_only=True)


def _trimmed(values: Sequence[object]) -> list[object]:
    """A row of cells without the empty cells at its end (formatting widens a sheet)."""
    cells = list(values)
    while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
        cells.pop()
    return cells


def parse_workbook(
    data: bytes,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    columns: ColumnMapping | None = None,
) -> Table:
    """Rows of a workbook's first sheet: every row is a row, a reported problem, or blank.

    Row numbers are the sheet's (the header is row 1). A cell that cannot be a field (a
    kroner amount with more than two decimals, a time of day, a truth value) is reported with
    its row and column.

    Raises:
        SourceError: when openpyxl is not installed or the bytes are not a workbook.
    """
    records = enumerate(_open_first_sheet(data), start=1)
    header = next(records, None)
    if header is None or not _trimmed(header[1]):
        return Table(
            rows=(),
            errors=(RowError(line=1, column="", reason="the sheet is empty; it needs a header"),),
            encoding="xlsx",
        )
    header_cells = ["" if cell is None else str(cell) for cell in _trimmed(header[1])]
    names, problems = header_names(header_cells, columns or {})
    problems += missing_or_unknown(names, required, optional)
    errors: list[RowError] = []
    rows: list[tuple[int, dict[str, str]]] = []
    malformed: list[tuple[int, dict[str, str]]] = []
    data_rows = [(number, cells) for number, values in records if (cells := _trimmed(values))]
    if problems:
        if data_rows:
            problems.append(not_read(data_rows[0][0], data_rows[-1][0], "row"))
        return Table(rows=(), errors=tuple(problems), encoding="xlsx")
    for number, cells in data_rows:
        if len(cells) > len(names):
            errors.append(
                RowError(
                    line=number,
                    column="",
                    reason=f"has {len(cells)} cells; the header has {len(names)}",
                )
            )
            continue
        values = dict.fromkeys(optional, "")
        values.update(dict.fromkeys(names, ""))
        refused: list[RowError] = []
        for name, cell in zip(names, cells, strict=False):
            try:
                text = cell_text(name, cell).strip()
            except RefusedCellError as reason:
                refused.append(RowError(line=number, column=name, reason=str(reason)))
                continue
            if len(text) > MAX_FIELD_CHARACTERS:
                refused.append(
                    RowError(
                        line=number,
                        column=name,
                        reason=f"field is longer than {MAX_FIELD_CHARACTERS} characters",
                    )
                )
                continue
            values[name] = text
        if refused:
            errors.extend(refused)
            malformed.append((number, values))
            continue
        rows.append((number, values))
    return Table(
        rows=tuple(rows), errors=tuple(errors), malformed=tuple(malformed), encoding="xlsx"
    )


def load_column_mapping(source: str | os.PathLike[str]) -> dict[str, str]:
    """A column mapping from a TOML file with a ``[columns]`` table (kolonneoversættelse).

    Example file::

        [columns]
        "CPR-nr." = "citizen_id"
        "Ydelsestype" = "service"

    Raises:
        SourceError: when the file cannot be read or has no ``[columns]`` table of strings.
    """
    import tomllib

    shown = mask_text(str(source))
    try:
        data = tomllib.loads(decode(read_bytes(source))[0])
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"{shown}: not valid TOML ({error})") from None
    table = data.get("columns")
    if not isinstance(table, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in table.items()
    ):
        raise SourceError(
            f"{shown}: needs a [columns] table mapping your header names to ours, e.g. "
            '"CPR-nr." = "citizen_id"'
        )
    return dict(table)
