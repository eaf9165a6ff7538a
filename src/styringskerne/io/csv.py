"""CSV import and export of dispositions and actuals (indlæsning af CSV-filer).

Dispositions: one row per price segment, header
``disposition_id,citizen_id,service,account,provider,start,end,unit,rate,quantity,probability``.
Several rows with one ``disposition_id`` are that disposition's price segments. ``rate`` is in
kroner with ``.`` or Danish ``,`` decimals; ``end``, ``account``, ``quantity`` and
``probability`` may be empty. Actuals: ``citizen_id,account,date,amount``.

How a file is read (encodings, delimiters, line endings, Danish header names, a caller's own
column mapping) is :mod:`styringskerne.io.source`. Service codes are matched without regard to
case (``sel108`` is ``SEL108``) and a CPR number is stored in one spelling (``DDMMYY-SSSS``)
whichever way it was typed. Every row is either loaded or reported with its line number, column
and reason; one bad row never hides another.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Final, Generic, TypeVar

import attrs

from styringskerne.catalogue.services import ServiceCatalogue
from styringskerne.core.calendar import parse_date
from styringskerne.core.cpr import normalise_citizen_id
from styringskerne.core.errors import ImportFailedError, RowError, StyringskerneError
from styringskerne.core.masking import mask_citizen_field, mask_text, masked_repr
from styringskerne.core.money import Money
from styringskerne.core.quantities import to_probability, to_quantity
from styringskerne.dispositions import Actual, Disposition, probability_for_status
from styringskerne.io.source import ColumnMapping, empty_fields, read_table
from styringskerne.tariffs.pricelist import PriceList, runs_of_one_quantity
from styringskerne.tariffs.prices import PriceSegment, Unit

__all__ = [
    "ACTUAL_COLUMNS",
    "BUDGET_COLUMNS",
    "DISPOSITION_COLUMNS",
    "HEADER_OPTIONAL_COLUMNS",
    "HEADER_REQUIRED_COLUMNS",
    "OPTIONAL_ACTUAL_COLUMNS",
    "ImportResult",
    "dispositions_from_rows",
    "load_actuals",
    "load_dispositions",
    "read_actuals",
    "read_budget",
    "read_dispositions",
    "write_actuals",
    "write_budget",
    "write_dispositions",
]

DISPOSITION_COLUMNS: Final = (
    "disposition_id",
    "citizen_id",
    "service",
    "account",
    "provider",
    "start",
    "end",
    "unit",
    "rate",
    "quantity",
    "probability",
)
HEADER_OPTIONAL_COLUMNS: Final = ("account", "provider")
"""Columns of :data:`DISPOSITION_COLUMNS` a header may leave out (their cells are then empty):
the account follows from the service catalogue and the provider is information. Every other
column must stand in the header, even where its cells may be empty, so that a column left out
of an export — an end date, a probability — cannot silently change the forecast."""
HEADER_REQUIRED_COLUMNS: Final = tuple(
    name for name in DISPOSITION_COLUMNS if name not in HEADER_OPTIONAL_COLUMNS
)
ACTUAL_COLUMNS: Final = ("citizen_id", "account", "date", "amount")
OPTIONAL_ACTUAL_COLUMNS: Final = ("disposition_id", "provider")
"""Columns an actuals file may add: the disposition a posting pays (``disposition_id``,
Danish ``bevilling``) and the provider paid (``provider``, ``leverandør``)."""
OPTIONAL_DISPOSITION_COLUMNS: Final = (
    "payer",
    "granting_area",
    "paying_area",
    "household",
    "birth_date",
    "status",
)
"""Columns a dispositions file may add: ``payer``, the paying municipality when another pays;
``granting_area`` and ``paying_area``, the sector areas of a cross-sector solution;
``household``, the household of a child or youth (summed for the state refund, serviceloven
§ 176, stk. 2); ``birth_date``, the birth date when the citizen id is not a CPR number;
``status``, ``granted``, ``expected`` or ``ended`` (see :func:`probability_for_status`)."""
_WRITTEN_OPTIONAL: Final = tuple(name for name in OPTIONAL_DISPOSITION_COLUMNS if name != "status")
"""Optional columns that are fields of a disposition (a status becomes its probability)."""
_OPTIONAL: Final = frozenset(
    {"end", "account", "provider", "quantity", "probability", *OPTIONAL_DISPOSITION_COLUMNS}
)
_SHARED: Final = (
    "citizen_id",
    "service",
    "account",
    "probability",
    *OPTIONAL_DISPOSITION_COLUMNS,
)
"""Columns that must agree on every row of one disposition. ``provider`` may differ from one
row to the next: the citizen moved to another provider (nyt tilbud) within the disposition."""

T = TypeVar("T")
Source = str | Path


@masked_repr
@attrs.frozen
class ImportResult(Generic[T]):
    """What an import loaded and what it rejected (indlæsningsresultat)."""

    items: tuple[T, ...]
    errors: tuple[RowError, ...]
    loaded_lines: tuple[int, ...] = ()
    """The lines (rows of a dataframe) that went into ``items``: with the lines of ``errors``
    they account for every row of the input."""

    @property
    def ok(self) -> bool:
        """Whether every row was loaded."""
        return not self.errors


def _parse_field(
    line: int, column: str, text: str, parse: Callable[[str], T], errors: list[RowError]
) -> T | None:
    try:
        return parse(text)
    except StyringskerneError as error:
        errors.append(RowError(line=line, column=column, reason=str(error)))
        return None


@masked_repr
@attrs.frozen
class _SegmentRow:
    line: int
    fields: dict[str, str]
    segments: tuple[PriceSegment, ...]


def read_dispositions(
    source: Source,
    *,
    catalogue: ServiceCatalogue | None = None,
    columns: ColumnMapping | None = None,
    encoding: str | None = None,
    prices: PriceList | None = None,
) -> ImportResult[Disposition]:
    """Read a dispositions CSV: the dispositions that loaded and every rejected row.

    The header may add the optional columns ``payer`` (the paying municipality when another
    municipality pays), ``granting_area``, ``paying_area``, ``household`` and ``birth_date``
    (see :data:`OPTIONAL_DISPOSITION_COLUMNS`). With ``prices`` (a central price list), a row
    may leave ``rate`` (and ``unit``) empty to take the list's prices for its provider and
    service; such dispositions are ``list_priced``. ``columns`` maps your own header
    names to these; ``encoding`` overrides the guess (UTF-8, UTF-16 with a BOM, Windows-1252).

    Raises:
        SourceError: when the file cannot be read at all (missing, a folder, not text).
    """
    table = read_table(
        source,
        HEADER_REQUIRED_COLUMNS,
        (*HEADER_OPTIONAL_COLUMNS, *OPTIONAL_DISPOSITION_COLUMNS),
        columns=columns,
        encoding=encoding,
    )
    rejected = {
        fields["disposition_id"]: line
        for line, fields in table.malformed
        if "disposition_id" in fields
    }
    return dispositions_from_rows(
        table.rows, table.errors, rejected=rejected, catalogue=catalogue, prices=prices
    )


# Exports repeat the same dates, prices and ids on many rows: each distinct text is parsed once.
# The results are immutable, and a text that fails is not kept, so its error is raised again.
_parse_day = functools.lru_cache(maxsize=8192)(parse_date)
_parse_amount = functools.lru_cache(maxsize=8192)(Money.parse)
_parse_unit = functools.lru_cache(maxsize=256)(Unit.parse)
_parse_quantity = functools.lru_cache(maxsize=1024)(to_quantity)
_parse_probability = functools.lru_cache(maxsize=1024)(to_probability)
_citizen_id = functools.lru_cache(maxsize=65536)(normalise_citizen_id)


def _segment_of_row(
    line: int,
    fields: Mapping[str, str],
    catalogue: ServiceCatalogue,
    prices: PriceList | None = None,
) -> tuple[tuple[PriceSegment, ...] | None, list[RowError]]:
    """The price segments of one row (one, or the list's prices over its days when the rate
    is empty and a price list is given), or every reason the row is rejected."""
    if prices is not None and not fields["rate"]:
        return _list_priced_row(line, fields, catalogue, prices)
    row_errors: list[RowError] = []
    for name in DISPOSITION_COLUMNS:
        if name not in _OPTIONAL and not fields[name]:
            reason = "is empty"
            if name == "rate":
                reason += "; give a rate, or a price list with the provider's price for the service"
            row_errors.append(RowError(line=line, column=name, reason=reason))
    service = fields["service"]
    if service and not fields["account"] and service not in catalogue:
        row_errors.append(
            RowError(
                line=line,
                column="service",
                reason=f"{service!r} is not in the catalogue and 'account' is empty; give an "
                f"account or use one of {', '.join(s.code for s in catalogue)}",
            )
        )
    start = _parse_field(line, "start", fields["start"], _parse_day, row_errors)
    end = (
        _parse_field(line, "end", fields["end"], _parse_day, row_errors) if fields["end"] else None
    )
    unit = _parse_field(line, "unit", fields["unit"], _parse_unit, row_errors)
    rate = _parse_field(line, "rate", fields["rate"], _parse_amount, row_errors)
    quantity = _parse_field(
        line, "quantity", fields["quantity"] or "1", _parse_quantity, row_errors
    )
    _parse_field(line, "probability", fields["probability"] or "1", _parse_probability, row_errors)
    if fields["birth_date"]:
        _parse_field(line, "birth_date", fields["birth_date"], _parse_day, row_errors)
    if row_errors or not start or not unit or rate is None or quantity is None:
        return None, row_errors
    try:
        return (PriceSegment(start=start, end=end, rate=rate, unit=unit, quantity=quantity),), []
    except StyringskerneError as error:
        return None, [RowError(line=line, column="end", reason=str(error))]


def _list_priced_row(
    line: int, fields: Mapping[str, str], catalogue: ServiceCatalogue, prices: PriceList
) -> tuple[tuple[PriceSegment, ...] | None, list[RowError]]:
    """A row without a rate: the price list's prices for its provider and service."""
    row_errors = [
        RowError(line=line, column=name, reason="is empty")
        for name in ("disposition_id", "citizen_id", "service", "start")
        if not fields[name]
    ]
    start = _parse_field(line, "start", fields["start"], _parse_day, row_errors)
    end = (
        _parse_field(line, "end", fields["end"], _parse_day, row_errors) if fields["end"] else None
    )
    quantity = _parse_field(
        line, "quantity", fields["quantity"] or "1", _parse_quantity, row_errors
    )
    _parse_field(line, "probability", fields["probability"] or "1", _parse_probability, row_errors)
    tariff = prices.find(fields["provider"], fields["service"])
    if tariff is None:
        row_errors.append(
            RowError(
                line=line,
                column="rate",
                reason=f"is empty and the price list has no price for provider "
                f"{fields['provider']!r} and service {fields['service']!r}",
            )
        )
    elif fields["unit"]:
        unit = _parse_field(line, "unit", fields["unit"], _parse_unit, row_errors)
        if unit is not None and unit is not tariff.unit:
            row_errors.append(
                RowError(
                    line=line,
                    column="unit",
                    reason=f"is {unit.value}, but the price list prices {fields['service']!r} "
                    f"per {tariff.unit.value}; leave it empty or give the list's unit",
                )
            )
    if row_errors or start is None or quantity is None or tariff is None:
        return None, row_errors
    if end is not None and end < start:
        # As for a row with a rate: the list would price no day at all.
        reason = (
            f"price segment 'end' {end.isoformat()} is before 'start' {start.isoformat()}; "
            "the end date is inclusive"
        )
        return None, [RowError(line=line, column="end", reason=reason)]
    try:
        return tariff.segments(start=start, end=end, quantity=quantity), []
    except StyringskerneError as error:
        return None, [RowError(line=line, column="start", reason=str(error))]


def dispositions_from_rows(
    rows: Sequence[tuple[int, dict[str, str]]],
    errors: Sequence[RowError] = (),
    *,
    rejected: Mapping[str, int] | None = None,
    catalogue: ServiceCatalogue | None = None,
    prices: PriceList | None = None,
) -> ImportResult[Disposition]:
    """Dispositions from rows of text fields, one per price segment (the CSV columns).

    Shared by every importer (CSV, pandas, Arrow): each row is ``(line, {column: text})``;
    ``errors`` are problems already found in the source; ``rejected`` maps disposition ids to
    the line of a row already rejected, so the disposition's other rows are reported too
    rather than loaded without it. With ``prices``, a row with an empty rate takes the price
    list's prices for its provider and service; every row of such a disposition must.
    """
    catalogue = catalogue if catalogue is not None else ServiceCatalogue.default()
    codes = {service.code.upper(): service.code for service in catalogue}  # sel108 is SEL108
    errors = list(errors)
    groups: dict[str, list[_SegmentRow]] = {}
    failed: dict[str, int] = dict(rejected or {})
    for line, given in rows:
        fields = dict(given)
        fields["citizen_id"] = _citizen_id(fields["citizen_id"])
        fields["service"] = codes.get(fields["service"].strip().upper(), fields["service"])
        segments, row_errors = _segment_of_row(line, fields, catalogue, prices)
        key = fields["disposition_id"]
        if row_errors or segments is None:
            errors.extend(row_errors)
            failed.setdefault(key, line)
            groups.setdefault(key, [])
            continue
        group = groups.setdefault(key, [])
        if group:
            first = group[0]
            for name in _SHARED:
                if fields[name] != first.fields[name]:
                    shown = (
                        mask_citizen_field(fields[name]) if name == "citizen_id" else fields[name]
                    )
                    errors.append(
                        RowError(
                            line=line,
                            column=name,
                            reason=f"{shown!r} differs from line {first.line} of disposition "
                            f"{key!r}; every row of one disposition must agree on it",
                        )
                    )
                    failed.setdefault(key, line)
        if group and (fields["rate"] == "") != (group[0].fields["rate"] == ""):
            errors.append(
                RowError(
                    line=line,
                    column="rate",
                    reason=f"line {group[0].line} of disposition {key!r} "
                    f"{'has' if group[0].fields['rate'] else 'has no'} rate and this line "
                    f"{'has' if fields['rate'] else 'has no'}; every row of one disposition "
                    "has a rate, or none (priced by the price list)",
                )
            )
            failed.setdefault(key, line)
        group.append(_SegmentRow(line=line, fields=fields, segments=segments))
    dispositions: list[Disposition] = []
    loaded: list[int] = []
    for key, group in groups.items():
        if key in failed:  # every other row of a rejected disposition is reported too
            errors.extend(
                RowError(
                    line=row.line,
                    column="disposition_id",
                    reason=f"not loaded: line {failed[key]} of disposition {key!r} is invalid",
                )
                for row in group
            )
            continue
        shared = group[0].fields
        try:
            probability = probability_for_status(
                shared["status"], shared["probability"], end=group[-1].segments[-1].end
            )
        except StyringskerneError as error:
            errors.extend(
                RowError(line=row.line, column="status", reason=str(error)) for row in group
            )
            continue
        try:
            dispositions.append(
                Disposition(
                    id=key,
                    citizen_id=shared["citizen_id"],
                    service=shared["service"],
                    account=shared["account"] or None,
                    provider=shared["provider"] or None,
                    payer=shared["payer"] or None,
                    granting_area=shared["granting_area"] or None,
                    paying_area=shared["paying_area"] or None,
                    household=shared["household"] or None,
                    birth_date=_parse_day(shared["birth_date"]) if shared["birth_date"] else None,
                    probability=probability,
                    segments=tuple(
                        _at_provider(segment, row.fields["provider"], shared["provider"])
                        for row in group
                        for segment in row.segments
                    ),
                    list_priced=prices is not None and not shared["rate"],
                )
            )
            loaded.extend(row.line for row in group)
        except StyringskerneError as error:
            errors.extend(
                RowError(line=row.line, column="start", reason=str(error)) for row in group
            )
    return ImportResult(
        tuple(dispositions), tuple(sorted(errors, key=lambda e: e.line)), tuple(sorted(loaded))
    )


def read_actuals(
    source: Source, *, columns: ColumnMapping | None = None, encoding: str | None = None
) -> ImportResult[Actual]:
    """Read an actuals CSV (``citizen_id,account,date,amount``; Danish ``cpr,konto,dato,beløb``).

    The optional columns ``disposition_id`` and ``provider`` (:data:`OPTIONAL_ACTUAL_COLUMNS`)
    tie a posting to the disposition it pays; a row may leave them empty.

    Raises:
        SourceError: when the file cannot be read at all (missing, a folder, not text).
    """
    table = read_table(
        source, ACTUAL_COLUMNS, OPTIONAL_ACTUAL_COLUMNS, columns=columns, encoding=encoding
    )
    errors = list(table.errors)
    actuals: list[Actual] = []
    loaded: list[int] = []
    for line, fields in table.rows:
        row_errors = empty_fields(line, fields, ACTUAL_COLUMNS)
        day = _parse_field(line, "date", fields["date"], _parse_day, row_errors)
        amount = _parse_field(line, "amount", fields["amount"], _parse_amount, row_errors)
        if row_errors or day is None or amount is None:
            errors.extend(row_errors)
            continue
        try:
            actual = Actual(
                citizen_id=fields["citizen_id"],
                account=fields["account"],
                date=day,
                amount=amount,
                disposition_id=fields["disposition_id"],
                provider=fields["provider"],
            )
        except StyringskerneError as error:
            errors.append(RowError(line=line, column="", reason=str(error)))
            continue
        actuals.append(actual)
        loaded.append(line)
    return ImportResult(tuple(actuals), tuple(sorted(errors, key=lambda e: e.line)), tuple(loaded))


def _strict(result: ImportResult[T], source: Source) -> tuple[T, ...]:
    if result.errors:
        raise ImportFailedError(mask_text(str(source)), result.errors)
    return result.items


def load_dispositions(
    source: Source,
    *,
    catalogue: ServiceCatalogue | None = None,
    columns: ColumnMapping | None = None,
    encoding: str | None = None,
) -> tuple[Disposition, ...]:
    """Read a dispositions CSV, raising :class:`ImportFailedError` with every row error if any."""
    result = read_dispositions(source, catalogue=catalogue, columns=columns, encoding=encoding)
    return _strict(result, source)


def load_actuals(
    source: Source, *, columns: ColumnMapping | None = None, encoding: str | None = None
) -> tuple[Actual, ...]:
    """Read an actuals CSV, raising :class:`ImportFailedError` with every row error if any."""
    return _strict(read_actuals(source, columns=columns, encoding=encoding), source)


def _format_fraction(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def _optional_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _disposition_rows(
    dispositions: Iterable[Disposition], *, optional: Sequence[str]
) -> Iterator[list[str]]:
    for disposition in dispositions:
        # A list-priced disposition is written as its days without a rate: read back with the
        # price list, it takes the list's prices again.
        rows = (
            [(run[0], run[-1].end, "") for run in runs_of_one_quantity(disposition.segments)]
            if disposition.list_priced
            else [(s, s.end, s.rate.to_string()) for s in disposition.segments]
        )
        for segment, end, rate in rows:
            yield [
                disposition.id,
                disposition.citizen_id,
                disposition.service,
                disposition.account or "",
                segment.provider or disposition.provider or "",
                segment.start.isoformat(),
                "" if end is None else end.isoformat(),
                segment.unit.value,
                rate,
                _format_fraction(segment.quantity),
                _format_fraction(disposition.probability),
                *(_optional_text(getattr(disposition, name)) for name in optional),
            ]


def _at_provider(segment: PriceSegment, provider: str, first: str) -> PriceSegment:
    """A row's segment, marked with the row's provider where it is not the first row's."""
    return segment if provider == first else attrs.evolve(segment, provider=provider or None)


def write_actuals(actuals: Iterable[Actual], target: Source) -> int:
    """Write actual postings as CSV; returns the number of rows.

    ``disposition_id`` and ``provider`` are written only when some posting has them.
    """
    actuals = tuple(actuals)
    optional = [name for name in OPTIONAL_ACTUAL_COLUMNS if any(getattr(a, name) for a in actuals)]
    with Path(target).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*ACTUAL_COLUMNS, *optional])
        for actual in actuals:
            writer.writerow(
                [
                    actual.citizen_id,
                    actual.account,
                    actual.date.isoformat(),
                    actual.amount.to_string(),
                    *(getattr(actual, name) or "" for name in optional),
                ]
            )
    return len(actuals)


def write_dispositions(dispositions: Iterable[Disposition], target: Source) -> int:
    """Write dispositions as CSV (one row per price segment); returns the number of rows.

    An optional column (:data:`OPTIONAL_DISPOSITION_COLUMNS`) is written only when
    some disposition has a value in it.
    """
    dispositions = tuple(dispositions)
    optional = [name for name in _WRITTEN_OPTIONAL if any(getattr(d, name) for d in dispositions)]
    count = 0
    with Path(target).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*DISPOSITION_COLUMNS, *optional])
        for row in _disposition_rows(dispositions, optional=optional):
            writer.writerow(row)
            count += 1
    return count


BUDGET_COLUMNS: Final = ("account", "budget")


def _read_by_account(
    source: Source,
    names: tuple[str, ...],
    parse: Callable[[int, dict[str, str], list[RowError]], T | None],
    *,
    columns: ColumnMapping | None,
    encoding: str | None,
) -> ImportResult[T]:
    """Rows of a file with one row per ``account``: each parsed, or every reason it is not.

    ``parse`` turns a row's fields into an item, adding its problems to the list it is given.
    """
    table = read_table(source, names, columns=columns, encoding=encoding)
    errors = list(table.errors)
    items: list[T] = []
    loaded: list[int] = []
    seen: dict[str, int] = {}
    for line, fields in table.rows:
        row_errors = empty_fields(line, fields, names)
        item = parse(line, fields, row_errors)
        account = fields["account"]
        if account in seen:
            row_errors.append(
                RowError(
                    line=line,
                    column="account",
                    reason=f"{account!r} is already on line {seen[account]}; one row an account",
                )
            )
        if row_errors or item is None:
            errors.extend(row_errors)
            continue
        seen[account] = line
        items.append(item)
        loaded.append(line)
    return ImportResult(tuple(items), tuple(sorted(errors, key=lambda e: e.line)), tuple(loaded))


def read_budget(
    source: Source, *, columns: ColumnMapping | None = None, encoding: str | None = None
) -> ImportResult[tuple[str, Money]]:
    """Read a budget CSV (``account,budget``; Danish ``konto,budget``; kroner in either form).

    Raises:
        SourceError: when the file cannot be read at all (missing, a folder, not text).
    """

    def parse(
        line: int, fields: dict[str, str], errors: list[RowError]
    ) -> tuple[str, Money] | None:
        amount = _parse_field(line, "budget", fields["budget"], _parse_amount, errors)
        return None if amount is None else (fields["account"], amount)

    return _read_by_account(source, BUDGET_COLUMNS, parse, columns=columns, encoding=encoding)


def write_budget(budget: Iterable[tuple[str, Money]], target: Source) -> int:
    """Write a budget CSV (``account,budget``); returns the number of rows."""
    count = 0
    with Path(target).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(BUDGET_COLUMNS)
        for account, amount in budget:
            writer.writerow([account, amount.to_string()])
            count += 1
    return count


ASSUMPTION_COLUMNS: Final = ("account", "count", "price")


def read_assumptions(
    source: Source, *, columns: ColumnMapping | None = None, encoding: str | None = None
) -> ImportResult[tuple[str, Fraction, Money]]:
    """Read steering assumptions (styringsforudsætninger): columns ``account,count,price``.

    ``count`` is full-year persons (may have decimals, ``12,5``); ``price`` the average price
    per full-year person in kroner. One row per account (sub-area); each item is
    ``(account, count, price)``, ready for
    :class:`~styringskerne.budget.frame.SteeringAssumption`.

    Raises:
        SourceError: when the file cannot be read at all (missing, a folder, not text).
    """

    def parse(
        line: int, fields: dict[str, str], errors: list[RowError]
    ) -> tuple[str, Fraction, Money] | None:
        price = _parse_field(line, "price", fields["price"], _parse_amount, errors)
        count = _parse_field(line, "count", fields["count"], _parse_quantity, errors)
        return None if price is None or count is None else (fields["account"], count, price)

    return _read_by_account(source, ASSUMPTION_COLUMNS, parse, columns=columns, encoding=encoding)


def write_assumptions(assumptions: Iterable[tuple[str, Fraction, Money]], target: Source) -> int:
    """Write steering assumptions (``account,count,price``); returns the number of rows.

    Counts are written as decimals when they have at most four decimals, else as a fraction
    (``"1/3"``), so that reading the file back gives the same counts.
    """
    count = 0
    with Path(target).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ASSUMPTION_COLUMNS)
        for account, persons, price in assumptions:
            writer.writerow([account, _format_fraction(persons), price.to_string()])
            count += 1
    return count
