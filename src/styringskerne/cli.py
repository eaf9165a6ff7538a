"""The command line (kommandolinje): ``styringskerne ledger``, ``prognose`` and ``demo``.

Exit codes: 0 done; 1 rejected data (every bad row of every file is reported on standard
error); 2 bad usage or a file that cannot be read or written; 70 an internal error (a bug: one
line on standard error, the traceback only with ``STYRINGSKERNE_DEBUG=1``). No error prints a
traceback or a whole CPR number. Citizen ids that look like CPR numbers are masked in all output
unless ``--show-cpr`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn, Protocol, TypeVar

import attrs

from styringskerne.budget.frame import SteeringAssumption, assumptions_from_ledger
from styringskerne.budget.variance import volume_price_variance
from styringskerne.core.calendar import parse_date
from styringskerne.core.errors import (
    ImportFailedError,
    RowError,
    SourceError,
    StyringskerneError,
)
from styringskerne.core.masking import mask_text
from styringskerne.core.money import Money, round_half_even
from styringskerne.core.pseudonyms import KEY_VARIABLE, Pseudonymiser
from styringskerne.dispositions import Disposition
from styringskerne.forecast.explanation import ChangeExplanation, explain_change
from styringskerne.forecast.forecast import DemandPool, Forecast, Snapshot, make_forecast
from styringskerne.io.csv import (
    ImportResult,
    read_actuals,
    read_assumptions,
    read_budget,
    read_dispositions,
    write_budget,
    write_dispositions,
)
from styringskerne.io.excel import (
    Sheet,
    refund_sheets,
    workbook_sheets,
    write_sheets,
    write_workbook,
)
from styringskerne.io.prices import load_price_list
from styringskerne.io.source import load_column_mapping
from styringskerne.io.text import (
    change_table,
    forecast_table,
    ledger_table,
    reconciliation_text,
    refund_lines,
    variance_table,
)
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.ledger.reconciliation import DEFAULT_DAYS_WITHOUT_POSTINGS, reconcile
from styringskerne.ledger.refund import RefundRule, RefundThresholds, state_refund
from styringskerne.payments.bankdays import BankCalendar
from styringskerne.payments.payments import FREQUENCIES, make_payments
from styringskerne.payments.postings import PostingTemplate, posting_rows, write_postings
from styringskerne.tariffs.pricelist import PriceList
from styringskerne.visitation.ladder import ladder_distribution, movements

if TYPE_CHECKING:
    from styringskerne.examples import ExampleMonth

T = TypeVar("T")


class _FileRead(Protocol):
    """What reading one input file gives: the lines loaded and the rows rejected."""

    @property
    def loaded_lines(self) -> tuple[int, ...]: ...

    @property
    def errors(self) -> tuple[RowError, ...]: ...


R = TypeVar("R", bound=_FileRead)

__all__ = ["EXIT_DATA", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_DATA = 1
"""Rejected data: rows that could not be loaded, amounts beyond the limit."""
EXIT_USAGE = 2
"""Bad usage, or a file that cannot be read or written."""
EXIT_INTERNAL = 70
"""A bug in styringskerne (EX_SOFTWARE): please report it."""

_EXIT_CODES = """exit codes:
  0   done
  1   rejected data: every bad row of every file is listed on standard error
  2   bad usage, or a file that cannot be read or written
  70  internal error (a bug; STYRINGSKERNE_DEBUG=1 shows the traceback)"""

_FILES_HELP = """input files:
  CSV with ',', ';', tab or '|' between fields; UTF-8 (with or without BOM), UTF-16 with BOM,
  or Windows-1252 as Danish Excel saves it (--encoding overrides). Danish header names are
  accepted (cpr, ydelse, takst, startdato, slutdato, enhed, leverandør, sandsynlighed, konto,
  beløb, dato, budget); --columns maps your own names. An Excel workbook (.xlsx) is read from
  its first sheet, row 1 the header (optional extra 'excel')."""


class _Parser(argparse.ArgumentParser):
    """One line on standard error for a usage error, naming the command and what is wrong."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {mask_text(message)} (see --help)\n")


class _ReportedError(Exception):
    """Problems already reported to the user, with the exit code they call for."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except StyringskerneError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _kroner(text: str) -> Money:
    try:
        return Money.parse(text)
    except StyringskerneError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _version() -> str:
    try:
        return metadata.version("styringskerne")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        from styringskerne import __version__

        return __version__


def _add_input_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--encoding",
        help="encoding of the input files (default: detected; e.g. utf-8, utf-16, cp1252)",
    )
    command.add_argument(
        "--columns",
        type=Path,
        metavar="MAPPING.toml",
        help="TOML file with a [columns] table mapping your header names to the library's",
    )
    command.add_argument(
        "--prices",
        type=Path,
        metavar="PRICES.csv",
        help="central price list (provider,service,valid_from,unit,rate): dispositions rows "
        "with an empty rate take its prices for their provider and service",
    )
    command.add_argument("--show-cpr", action="store_true", help="print CPR numbers unmasked")
    command.add_argument(
        "--out", type=Path, metavar="FILE", help="write the output to FILE instead of the screen"
    )


def _add_pool_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--demand-pool",
        metavar="AMOUNT",
        help="the year's central demand pool (efterspørgselspulje) in kroner, for inflow at 18 "
        "or 23: cases drawn on it move their cost in the year from the pool to their "
        "sub-area's budget; what is left is expected returned",
    )
    command.add_argument(
        "--pool-drawn",
        metavar="ID,ID,…",
        default="",
        help="ids of the dispositions visited with money from the demand pool (in --previous "
        "those granted there count as drawn then)",
    )


def _add_refund_options(command: argparse.ArgumentParser) -> None:
    refund = command.add_mutually_exclusive_group()
    refund.add_argument(
        "--refund-thresholds",
        metavar="T1/T2/T3",
        help="the year's three § 176 refund thresholds in kroner, e.g. "
        "860.000,00/1.680.000,00/2.120.000,00 or 860000/1680000/2120000 (default: the ones "
        "shipped for the year; a year without them is an error)",
    )
    refund.add_argument(
        "--no-refund", action="store_true", help="leave out the state refund (§ 176)"
    )


def _demand_pool(arguments: argparse.Namespace) -> DemandPool | None:
    """The demand pool of ``--demand-pool`` and ``--pool-drawn``; bad values are usage errors."""
    drawn = [part.strip() for part in arguments.pool_drawn.split(",") if part.strip()]
    if arguments.demand_pool is None:
        if drawn:
            print("error: --pool-drawn needs --demand-pool AMOUNT", file=sys.stderr)
            raise _ReportedError(EXIT_USAGE)
        return None
    try:
        return DemandPool(amount=arguments.demand_pool, drawn=drawn, expect_rest=False)
    except StyringskerneError as error:
        print(f"error: --demand-pool: {mask_text(str(error))}", file=sys.stderr)
        raise _ReportedError(EXIT_USAGE) from None


def _pool_then(pool: DemandPool | None, dispositions: Sequence[Disposition]) -> DemandPool | None:
    """The pool at the previous snapshot: the drawn dispositions granted then."""
    if pool is None:
        return None
    granted = {d.id for d in dispositions if d.probability == 1}
    return attrs.evolve(pool, drawn=[name for name in pool.drawn if name in granted])


def _forecast_or_usage_error(snapshot: Snapshot, **options: Any) -> Forecast:
    """``make_forecast``; an option that does not fit the files (a drawn id not among the
    dispositions, a budget line for the pool) is a usage error, not a traceback."""
    try:
        return make_forecast(snapshot, **options)
    except StyringskerneError as error:
        print(f"error: {mask_text(str(error))}", file=sys.stderr)
        raise _ReportedError(EXIT_USAGE) from None


def _refund_rule(arguments: argparse.Namespace, year: int) -> RefundRule | None:
    """The refund rule the options ask for; a year without thresholds is a usage error."""
    if arguments.no_refund:
        return None
    try:
        if arguments.refund_thresholds:
            parts = [part.strip() for part in arguments.refund_thresholds.split("/")]
            thresholds = RefundThresholds(
                year=year, thresholds=tuple(parts), source="given with --refund-thresholds"
            )
            return RefundRule(thresholds=thresholds)
        return RefundRule.for_year(year)
    except StyringskerneError as error:
        print(f"error: --refund-thresholds: {error}", file=sys.stderr)
        raise _ReportedError(EXIT_USAGE) from None


def _subcommand(
    commands: Any, name: str, *, summary: str, description: str, example: str
) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"example:\n  {example}\n\n{_EXIT_CODES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return command


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="styringskerne",
        description="Economic steering of the specialised social area: the individual "
        "disposition ledger, the month-end forecast and its explanation, from CSV files.",
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"styringskerne {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ledger = _subcommand(
        commands,
        "ledger",
        summary="the individual disposition ledger (dispositionsregnskab) as of a date",
        description="The disposition ledger of a budget year as of a date (Figur 6.1 in VIVE "
        "2018): booked to date, computed to date, disposed rest of year and expected, per "
        "account or citizen.\n\n" + _FILES_HELP,
        example="styringskerne ledger --dispositions dispositions.csv --actuals actuals.csv "
        "--as-of 2026-10-31",
    )
    ledger.add_argument("--dispositions", required=True, type=Path, help="dispositions CSV file")
    ledger.add_argument("--actuals", type=Path, help="actual postings CSV file")
    ledger.add_argument("--year", type=int, help="budget year (default: the as-of date's year)")
    ledger.add_argument("--as-of", required=True, type=_date, help="status through this date")
    ledger.add_argument(
        "--format",
        choices=("json", "table", "xlsx"),
        default="table",
        help="table (default), json, or xlsx: an Excel workbook, a sheet per table (needs --out)",
    )
    ledger.add_argument(
        "--by",
        choices=("account", "citizen", "disposition"),
        default="account",
        help="rows of the table format (default: account)",
    )
    _add_refund_options(ledger)
    _add_input_options(ledger)

    forecast = _subcommand(
        commands,
        "prognose",
        summary="the month-end forecast (regnskabsprognose) with its change explained",
        description="The month-end forecast of the as-of date's year per sub-area against the "
        "budget, and with --previous the change since the previous snapshot explained per "
        "sub-area and citizen (Boks 6.1 and 6.2 in VIVE 2018). The previous file is read as of "
        "the last day of the month before the as-of date unless --previous-as-of says "
        "otherwise; the output names that date.\n\n" + _FILES_HELP,
        example="styringskerne prognose --dispositions now.csv --previous last-month.csv "
        "--budget budget.csv --as-of 2026-10-31",
    )
    forecast.add_argument("--dispositions", required=True, type=Path, help="dispositions now")
    forecast.add_argument("--previous", type=Path, help="dispositions at the previous snapshot")
    forecast.add_argument(
        "--previous-as-of",
        type=_date,
        help="date of the previous snapshot (default: the last day of the previous month)",
    )
    forecast.add_argument("--actuals", type=Path, help="actual postings CSV file")
    forecast.add_argument("--budget", type=Path, help="budget CSV file: account,budget")
    forecast.add_argument(
        "--assumptions",
        type=Path,
        help="steering assumptions CSV file: account,count,price; splits each sub-area's "
        "deviation from them into volume and price",
    )
    forecast.add_argument("--as-of", required=True, type=_date, help="status through this date")
    forecast.add_argument(
        "--format",
        choices=("json", "table", "xlsx"),
        default="table",
        help="table (default), json, or xlsx: an Excel workbook with the forecast, its lines, "
        "refund, volume/price and change sheets (needs --out)",
    )
    forecast.add_argument(
        "--overspend-negative",
        action="store_true",
        help="print overspend as negative, the way many Danish reports do",
    )
    for add_options in (_add_pool_options, _add_refund_options, _add_input_options):
        add_options(forecast)

    reconciliation = _subcommand(
        commands,
        "reconcile",
        summary="postings against dispositions (afstemning) as of a date",
        description="Reconciles the actual postings against the dispositions as of a date: "
        "postings that match no disposition (by disposition_id, else by citizen and account), "
        "postings that disagree with the disposition they name (citizen, account, provider), "
        "granted dispositions without postings after --days days, and booked against computed "
        "per disposition (or citizen and account) where the difference exceeds --tolerance."
        "\n\n" + _FILES_HELP,
        example="styringskerne reconcile --dispositions dispositions.csv --actuals actuals.csv "
        "--as-of 2026-10-31 --tolerance 1000",
    )
    reconciliation.add_argument("--dispositions", required=True, type=Path, help="dispositions CSV")
    reconciliation.add_argument("--actuals", required=True, type=Path, help="postings CSV file")
    reconciliation.add_argument("--as-of", required=True, type=_date, help="through this date")
    reconciliation.add_argument("--year", type=int, help="budget year (default: the as-of year)")
    reconciliation.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS_WITHOUT_POSTINGS,
        help="list a disposition without postings once it has run more days than this "
        f"(default: {DEFAULT_DAYS_WITHOUT_POSTINGS}, an assumption)",
    )
    reconciliation.add_argument(
        "--tolerance",
        type=_kroner,
        default=Money(0),
        help="list differences larger than this many kroner (default: 0)",
    )
    reconciliation.add_argument("--format", choices=("json", "table"), default="table")
    _add_input_options(reconciliation)

    payments = _subcommand(
        commands,
        "payments",
        summary="the payments (udbetalinger) the dispositions cause between two dates",
        description="Payments due from --from to --to inclusive: each pays the exact cost of "
        "its period, so a disposition's payments add up to its cost; dates on weekends and "
        "Danish bank closing days move to the bank day before (optional extra 'holidays', or "
        "--weekends-only). CSV columns: date,disposition_id,citizen_id,account,amount "
        "(kroner).\n\n" + _FILES_HELP,
        example="styringskerne payments --dispositions dispositions.csv --from 2026-12-01 "
        "--to 2026-12-31 --frequency monthly --format csv --out payments.csv",
    )
    payments.add_argument("--dispositions", required=True, type=Path, help="dispositions CSV")
    payments.add_argument("--from", dest="first", required=True, type=_date, help="first date")
    payments.add_argument("--to", dest="last", required=True, type=_date, help="last date")
    payments.add_argument(
        "--frequency",
        choices=FREQUENCIES,
        default="monthly",
        help="monthly (in advance), monthly-arrears, 14-days, weekly or once (default: monthly)",
    )
    payments.add_argument(
        "--day",
        type=int,
        default=1,
        help="day of the month for monthly payments (default: 1)",
    )
    payments.add_argument(
        "--weekends-only",
        action="store_true",
        help="move payments off weekends only (no holiday data needed)",
    )
    payments.add_argument(
        "--template",
        type=Path,
        help="posting template (konteringsskabelon, TOML): write postings for the finance "
        "system with an account string per payment instead of the plain payments",
    )
    payments.add_argument(
        "--per",
        choices=("payment", "month"),
        default="payment",
        help="with --template: one posting per payment or per account string and month",
    )
    payments.add_argument(
        "--pseudonym-key",
        type=Path,
        metavar="KEY_FILE",
        help="with --template: file with the secret key for citizen pseudonyms, so a citizen "
        f"has the same pseudonym in every file (or set {KEY_VARIABLE}); without it the "
        "pseudonyms hold within one file only",
    )
    payments.add_argument("--format", choices=("csv", "json"), default="csv")
    _add_input_options(payments)

    demo = _subcommand(
        commands,
        "demo",
        summary="the ledger and forecast of the bundled example municipality",
        description="Generates the synthetic example municipality, prints its ledger, forecast "
        "and change since last month, and writes its CSV files and plots to a folder.",
        example="styringskerne demo --as-of 2026-11-23 --out demo-output",
    )
    schema = _subcommand(
        commands,
        "schema",
        summary="the JSON Schema of a command's --format json output",
        description="Prints the JSON Schema (draft 2020-12) that the JSON output of a command "
        "follows, for validating it in another system.",
        example="styringskerne schema prognose > prognose.schema.json",
    )
    schema.add_argument("name", choices=JSON_COMMANDS, help="the command")

    demo.add_argument("--as-of", type=_date, help="status date (default: today)")
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("demo-output"),
        help="folder for the example's CSV files and plots (default: demo-output)",
    )
    return parser


PROGRESS_BYTES: Final = 5_000_000
"""Input files at least this large get progress lines on a terminal. An assumption: smaller
files read in about a second, where a progress line would only be noise."""


class _Progress:
    """Progress lines on standard error, only when it is a terminal and a file is large: a
    pipe, a log or a test sees nothing."""

    def __init__(self) -> None:
        self.on = False
        self.started = time.perf_counter()

    def consider(self, path: Path) -> None:
        """Turn on for a large input file when standard error is a terminal."""
        try:
            large = path.stat().st_size >= PROGRESS_BYTES
        except OSError:
            return  # the reader reports the file
        self.on = self.on or (large and sys.stderr.isatty())

    def step(self, text: str) -> None:
        if self.on:
            seconds = f"{time.perf_counter() - self.started:.1f}".replace(".", ",")
            print(f"[{seconds} s] {mask_text(text)}", file=sys.stderr, flush=True)


class _Inputs:
    """Reads every input file of a command before any is judged, so one run reports all."""

    def __init__(self, arguments: argparse.Namespace) -> None:
        self.encoding: str | None = getattr(arguments, "encoding", None)
        self.columns: dict[str, str] | None = None
        self.problems: list[str] = []
        self.code = EXIT_OK
        self.progress = _Progress()
        mapping: Path | None = getattr(arguments, "columns", None)
        if mapping is not None:
            try:
                self.columns = load_column_mapping(mapping)
            except SourceError as error:
                self._fail(str(error), EXIT_USAGE)
        self.prices: PriceList | None = None
        prices: Path | None = getattr(arguments, "prices", None)
        if prices is not None:
            try:
                self.prices = load_price_list(prices, encoding=self.encoding)
            except SourceError as error:
                self._fail(str(error), EXIT_USAGE)
            except ImportFailedError as error:
                self._fail(str(error), EXIT_DATA)

    def dispositions(self, path: Path | None) -> tuple[Disposition, ...]:
        """A dispositions file, rows without a rate priced by ``--prices``."""
        return self.read(functools.partial(read_dispositions, prices=self.prices), path)

    def ledger(self, path: Path | None) -> DispositionLedger:
        """The ledger of a dispositions file read by columns (a national file in seconds), for
        commands that need no disposition objects; the same rows and errors as
        :meth:`dispositions`."""
        if path is None:
            return DispositionLedger(())
        read = self._read(functools.partial(DispositionLedger.read_csv, prices=self.prices), path)
        return DispositionLedger(()) if read is None else read.ledger

    def _fail(self, text: str, code: int) -> None:
        self.problems.append(mask_text(text))
        self.code = max(self.code, code)

    def read(self, reader: Callable[..., ImportResult[T]], path: Path | None) -> tuple[T, ...]:
        if path is None:
            return ()
        result = self._read(reader, path)
        return () if result is None else result.items

    def _read(self, reader: Callable[..., R], path: Path) -> R | None:
        """One file read, its rows counted on the progress line and its errors kept."""
        self.progress.consider(path)
        self.progress.step(f"reading {path.name} …")
        try:
            result = reader(path, columns=self.columns, encoding=self.encoding)
        except SourceError as error:
            self._fail(str(error), EXIT_USAGE)
            return None
        self.progress.step(
            f"{path.name}: {_number(len(result.loaded_lines))} rows loaded, "
            f"{_number(len(result.errors))} reported"
        )
        if result.errors:
            self._fail(str(ImportFailedError(str(path), result.errors)), EXIT_DATA)
        return result

    def check(self) -> None:
        """Report every problem found, one file after the other, and stop if there were any."""
        if self.problems:
            for problem in self.problems:
                print(problem, file=sys.stderr)
            raise _ReportedError(self.code)


class _Output:
    """Standard output, or the file of ``--out``; masks CPR numbers unless asked not to."""

    def __init__(self, arguments: argparse.Namespace) -> None:
        self.show_cpr: bool = getattr(arguments, "show_cpr", False)
        self.path: Path | None = getattr(arguments, "out", None)
        self.parts: list[str] = []

    def print(self, text: str = "") -> None:
        self.parts.append(text if self.show_cpr else mask_text(text))

    def close(self) -> None:
        text = "\n".join(self.parts) + "\n"
        if self.path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        try:
            self.path.write_text(text, encoding="utf-8")
        except OSError as error:
            print(
                f"{mask_text(str(self.path))}: cannot write the output ({error.strerror})",
                file=sys.stderr,
            )
            raise _ReportedError(EXIT_USAGE) from None


def _run_ledger(arguments: argparse.Namespace) -> None:
    _check_xlsx_target(arguments)
    inputs = _Inputs(arguments)
    # The workbook lists every disposition, so it reads them as objects; the other formats
    # need only the ledger, read by columns.
    workbook = arguments.format == "xlsx"
    dispositions = inputs.dispositions(arguments.dispositions) if workbook else ()
    read = None if workbook else inputs.ledger(arguments.dispositions)
    actuals = inputs.read(read_actuals, arguments.actuals)
    inputs.check()
    year = arguments.year or arguments.as_of.year
    rule = _refund_rule(arguments, year)
    inputs.progress.step("computing the ledger …")
    ledger = (
        DispositionLedger(dispositions, actuals) if read is None else read.with_actuals(actuals)
    )
    status = ledger.as_of(arguments.as_of, year=arguments.year)
    refund = None if rule is None else state_refund(ledger, year, rule=rule, as_of=arguments.as_of)
    if arguments.format == "xlsx":
        _write_xlsx(
            arguments,
            lambda: (
                workbook_sheets(
                    ledger=status, dispositions=dispositions, show_cpr=arguments.show_cpr
                )
                + (() if refund is None else refund_sheets(refund, show_cpr=arguments.show_cpr))
            ),
        )
        return
    out = _Output(arguments)
    if arguments.format == "json":
        data = status.to_dict(show_cpr=arguments.show_cpr)
        data["refund"] = None if refund is None else refund.to_dict(show_cpr=arguments.show_cpr)
        out.print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        out.print(ledger_table(status, by=arguments.by, show_cpr=arguments.show_cpr))
        if refund is not None:
            out.print()
            out.print(refund_lines(refund))
    out.close()


def _check_xlsx_target(arguments: argparse.Namespace) -> None:
    """A workbook is a file, never text on the screen: ``--format xlsx`` needs ``--out``."""
    if getattr(arguments, "format", None) == "xlsx" and arguments.out is None:
        print(
            "error: --format xlsx writes a workbook file: give --out FILE.xlsx",
            file=sys.stderr,
        )
        raise _ReportedError(EXIT_USAGE)


def _write_xlsx(arguments: argparse.Namespace, sheets: Callable[[], tuple[Sheet, ...]]) -> None:
    """Write the sheets to ``--out``; a missing extra or an unwritable file is a usage error."""
    try:
        path = write_sheets(arguments.out, sheets())
    except ImportError as error:
        print(f"error: {error}", file=sys.stderr)
        raise _ReportedError(EXIT_USAGE) from None
    except StyringskerneError as error:
        print(f"error: {mask_text(str(error))}", file=sys.stderr)
        raise _ReportedError(EXIT_USAGE) from None
    print(f"Wrote {mask_text(str(path))}", file=sys.stderr)


def _previous_as_of(arguments: argparse.Namespace) -> dt.date:
    if arguments.previous_as_of is not None:
        chosen: dt.date = arguments.previous_as_of
        return chosen
    as_of: dt.date = arguments.as_of
    return dt.date(as_of.year, as_of.month, 1) - dt.timedelta(days=1)


def _run_forecast(arguments: argparse.Namespace) -> None:
    _check_xlsx_target(arguments)
    as_of: dt.date = arguments.as_of
    inputs = _Inputs(arguments)
    dispositions = inputs.dispositions(arguments.dispositions)
    actuals = inputs.read(read_actuals, arguments.actuals)
    budget_rows = inputs.read(read_budget, arguments.budget)
    previous_dispositions = inputs.dispositions(arguments.previous)
    assumption_rows = inputs.read(read_assumptions, arguments.assumptions)
    inputs.check()
    rule = _refund_rule(arguments, as_of.year)
    pool = _demand_pool(arguments)
    inputs.progress.step("computing the forecast …")
    current = Snapshot(
        as_of=as_of, ledger=DispositionLedger(dispositions, actuals), demand_pool=pool
    )
    forecast = _forecast_or_usage_error(current, budget=dict(budget_rows), refund=rule)
    variance = (
        volume_price_variance(
            forecast,
            current.ledger,
            [
                SteeringAssumption(
                    sub_area=account, service="*", citizens=count, average_price=price
                )
                for account, count, price in assumption_rows
            ],
        )
        if arguments.assumptions is not None
        else None
    )
    change = None
    previous_as_of = _previous_as_of(arguments)
    if arguments.previous is not None:
        previous = Snapshot(
            as_of=previous_as_of,
            ledger=DispositionLedger(previous_dispositions),
            demand_pool=_pool_then(pool, previous_dispositions),
        )
        inputs.progress.step("explaining the change since last month …")
        change = explain_change(previous, current, year=as_of.year, refund=rule)
    inputs.progress.step("writing the output …")
    if arguments.format == "xlsx":
        _write_xlsx(
            arguments,
            lambda: workbook_sheets(
                forecast=forecast,
                dispositions=dispositions,
                change=change,
                variance=variance,
                show_cpr=arguments.show_cpr,
                overspend_negative=arguments.overspend_negative,
            ),
        )
        return
    out = _Output(arguments)
    if arguments.format == "json":
        data: dict[str, Any] = forecast.to_dict(overspend_negative=arguments.overspend_negative)
        if variance is not None:
            for name, split in variance.items():
                data["sub_areas"].setdefault(name, {})["variance"] = {
                    key: value
                    for key, value in split.to_dict().items()
                    if key in ("assumed", "volume", "price")
                }
        if change is not None:
            data["change"] = {
                "from": previous_as_of.isoformat(),
                **change.to_dict(show_cpr=arguments.show_cpr),
            }
        out.print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        out.print(forecast_table(forecast, overspend_negative=arguments.overspend_negative))
        if variance is not None:
            out.print()
            out.print(variance_table(variance))
        if change is not None:
            out.print()
            out.print(
                f"Change since the snapshot of {previous_as_of.isoformat()} "
                f"({mask_text(str(arguments.previous))}):"
            )
            out.print(
                change_table(
                    change,
                    show_cpr=arguments.show_cpr,
                    overspend_negative=arguments.overspend_negative,
                )
            )
    out.close()


def demo_figures(
    month: ExampleMonth,
    budget: Mapping[str, Money],
    forecast: Forecast,
    change: ChangeExplanation,
) -> dict[str, Any]:
    """The demo's four plots, drawn from the very objects its tables print: the forecast plot
    ends in the forecast table's total and budget, the waterfall is the change table's."""
    from styringskerne.examples import example_month
    from styringskerne.kpi import plots

    as_of = forecast.as_of
    ledger = month.current.ledger
    ends = [dt.date(as_of.year, m + 1, 1) - dt.timedelta(days=1) for m in range(1, as_of.month)]
    series = [
        make_forecast(Snapshot(as_of=day, ledger=example_month(day).current.ledger), budget=budget)
        for day in ends
    ]
    first = dt.date(as_of.year, 1, 1)
    return {
        "forecast.png": plots.plot_forecast_through_year([*series, forecast]),
        "inflow-outflow.png": plots.plot_inflow_outflow(ledger, as_of.year, service="SEL107"),
        "ladder.png": plots.plot_ladder(
            ladder_distribution(ledger, first, as_of), movements(ledger, first, as_of)
        ),
        "change.png": plots.plot_change_waterfall(change),
    }


def _write_plots(out: Path, *inputs: Any) -> list[Path]:
    """The demo's four plots as PNG files, or none when matplotlib is missing."""
    try:
        from styringskerne.kpi import plots

        figures = demo_figures(*inputs)
    except ImportError:  # pragma: no cover - the plot extra is optional
        return []
    return [plots.save_png(figure, out / name) for name, figure in figures.items()]


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _run_demo(arguments: argparse.Namespace) -> None:
    from styringskerne.examples import example_month
    from styringskerne.io.csv import write_actuals, write_assumptions

    as_of = arguments.as_of or dt.date.today()
    month = example_month(as_of)
    town = month.town
    out: Path = arguments.out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"{mask_text(str(out))}: cannot make the folder ({error.strerror})", file=sys.stderr)
        raise _ReportedError(EXIT_USAGE) from None
    files = {
        name: out / f"{name}.csv"
        for name in ("dispositions", "previous", "actuals", "budget", "assumptions")
    }
    rows = write_dispositions(month.current_dispositions, files["dispositions"])
    write_dispositions(month.previous_dispositions, files["previous"])
    write_actuals(town.actuals, files["actuals"])
    budget = {name: amount for name, amount in month.budget.items() if name != "buffer"}
    write_budget(sorted(budget.items()), files["budget"])
    assumed = _demo_assumptions(month.current.ledger, as_of.year - 1)
    write_assumptions(assumed, files["assumptions"])
    rule, thresholds_option = _demo_refund_rule(as_of.year)
    # The same inputs the command line reads from the files and options: dispositions, budget
    # and the demand pool.
    pool = month.current.demand_pool
    current = Snapshot(as_of=as_of, ledger=month.current.ledger, demand_pool=pool)
    previous = Snapshot(
        as_of=month.previous.as_of,
        ledger=month.previous.ledger,
        demand_pool=month.previous.demand_pool,
    )
    print(
        f"Example municipality: {_number(town.inhabitants_18_64)} inhabitants aged 18-64, "
        f"{_number(town.citizen_count)} citizens, "
        f"{_number(len(month.current_dispositions))} dispositions ({_number(rows)} price segments)"
    )
    print()
    print(ledger_table(current.ledger.as_of(as_of)))
    print(
        "Booked to date holds the postings of the months closed by the as-of date; "
        "booked − computed shows what is not yet booked."
    )
    print()
    forecast = make_forecast(current, budget=budget, refund=rule)
    print(forecast_table(forecast))
    print()
    variance = volume_price_variance(
        forecast,
        current.ledger,
        [
            SteeringAssumption(sub_area=a, service="*", citizens=c, average_price=p)
            for a, c, p in assumed
        ],
    )
    print(variance_table(variance))
    print(f"(assumed: last year's full-year persons and average prices, {files['assumptions']})")
    print()
    print(f"Since the forecast of {previous.as_of.isoformat()}:")
    change = explain_change(previous, current, year=as_of.year, refund=rule)
    print(change_table(change, most=5))
    print()
    plots = _write_plots(out, month, budget, forecast, change)
    if plots:
        print(f"Plots: {', '.join(str(path) for path in plots)}")
    else:
        print("Plots: install the extra for them: pip install 'styringskerne[plot]'")
    _write_demo_workbook(
        out / "styringskerne.xlsx",
        ledger=current.ledger.as_of(as_of),
        dispositions=month.current_dispositions,
        forecast=forecast,
        variance=variance,
        change=change,
    )
    print(f"Wrote {', '.join(str(path) for path in files.values())}. The same from the files:")
    print(
        f"  styringskerne ledger --dispositions {files['dispositions']} "
        f"--actuals {files['actuals']} --as-of {as_of.isoformat()}"
    )
    print(
        f"  styringskerne prognose --dispositions {files['dispositions']} "
        f"--previous {files['previous']} --budget {files['budget']} "
        f"--assumptions {files['assumptions']} {thresholds_option}"
        + (
            ""
            if pool is None
            else f"--demand-pool {pool.amount.to_string()} --pool-drawn {','.join(pool.drawn)} "
        )
        + f"--as-of {as_of.isoformat()}"
    )


def _write_demo_workbook(path: Path, **results: Any) -> None:
    """The demo's tables as one Excel workbook, or a line on how to get it."""
    try:
        workbook = write_workbook(path, **results)
    except ImportError:  # pragma: no cover - the excel extra is optional
        print("Workbook: install the extra for it: pip install 'styringskerne[excel]'")
        return
    print(f"Workbook (the tables above, a sheet each): {workbook}")


_EXAMPLE_THRESHOLDS = ("860.000,00", "1.680.000,00", "2.120.000,00")


def _demo_refund_rule(year: int) -> tuple[RefundRule, str]:
    """The shipped thresholds of the year, else the latest level shipped, as the example's."""
    try:
        return RefundRule.for_year(year), ""
    except StyringskerneError:
        latest = RefundThresholds.published()[-1]
        thresholds = RefundThresholds(
            year=year,
            thresholds=tuple(amount.to_string() for amount in latest.thresholds),
            source=f"the {latest.year} level, an assumption of the example",
        )
        option = "/".join(amount.to_string() for amount in latest.thresholds)
        return RefundRule(thresholds=thresholds), f"--refund-thresholds {option} "


def _demo_assumptions(ledger: DispositionLedger, year: int) -> list[tuple[str, Fraction, Money]]:
    """Steering assumptions from last year's individual data, per account, as a file has them:
    persons to two decimals, the average price to the øre."""
    counts: dict[str, Fraction] = {}
    amounts: dict[str, Money] = {}
    for assumption in assumptions_from_ledger(ledger, year):
        counts[assumption.sub_area] = counts.get(assumption.sub_area, Fraction(0)) + (
            assumption.citizens
        )
        amounts[assumption.sub_area] = amounts.get(assumption.sub_area, Money(0)) + (
            assumption.amount
        )
    rows = []
    for account in sorted(counts):
        persons = Fraction(round_half_even(counts[account] * 100), 100)
        if persons:
            price = Money.from_fraction(Fraction(amounts[account].ore) / counts[account])
            rows.append((account, persons, price))
    return rows


def _run_payments(arguments: argparse.Namespace) -> None:
    inputs = _Inputs(arguments)
    dispositions = inputs.dispositions(arguments.dispositions)
    inputs.check()
    template = None
    if arguments.template is not None:
        try:
            template = PostingTemplate.load(arguments.template)
        except StyringskerneError as error:
            print(f"error: --template: {error}", file=sys.stderr)
            raise _ReportedError(EXIT_USAGE) from None
    if arguments.pseudonym_key is not None and template is None:
        print(
            "error: --pseudonym-key is for postings (--template); the plain payments "
            "mask CPR numbers",
            file=sys.stderr,
        )
        raise _ReportedError(EXIT_USAGE)
    try:
        pseudonyms = (
            Pseudonymiser.from_file(arguments.pseudonym_key)
            if arguments.pseudonym_key is not None
            else Pseudonymiser.from_environment()
        ) or Pseudonymiser.random()
    except StyringskerneError as error:
        option = "--pseudonym-key" if arguments.pseudonym_key is not None else KEY_VARIABLE
        print(f"error: {option}: {error}", file=sys.stderr)
        raise _ReportedError(EXIT_USAGE) from None
    paid = make_payments(
        DispositionLedger(dispositions),
        arguments.first,
        arguments.last,
        frequency=arguments.frequency,
        day=arguments.day,
        calendar=BankCalendar.weekends_only() if arguments.weekends_only else None,
    )
    out = _Output(arguments)
    if arguments.format == "json":
        data = paid.to_dict(show_cpr=arguments.show_cpr)
        if template is not None:
            data["postings"] = posting_rows(
                paid,
                template,
                per=arguments.per,
                show_cpr=arguments.show_cpr,
                pseudonyms=pseudonyms,
            )
        out.print(json.dumps(data, indent=2, ensure_ascii=False))
    elif template is not None:
        text = write_postings(
            paid, template, per=arguments.per, show_cpr=arguments.show_cpr, pseudonyms=pseudonyms
        )
        out.print(text.rstrip("\n"))
    else:
        out.print(paid.to_csv(show_cpr=arguments.show_cpr).rstrip("\n"))
    out.close()


def _run_reconcile(arguments: argparse.Namespace) -> None:
    inputs = _Inputs(arguments)
    dispositions = inputs.dispositions(arguments.dispositions)
    actuals = inputs.read(read_actuals, arguments.actuals)
    inputs.check()
    result = reconcile(
        DispositionLedger(dispositions, actuals),
        arguments.as_of,
        year=arguments.year,
        days_without_postings=arguments.days,
        tolerance=arguments.tolerance,
    )
    out = _Output(arguments)
    if arguments.format == "json":
        out.print(result.to_json(show_cpr=arguments.show_cpr))
    else:
        out.print(reconciliation_text(result, show_cpr=arguments.show_cpr))
    out.close()


JSON_COMMANDS: Final = ("ledger", "prognose", "reconcile", "payments")
"""The commands with a ``--format json`` output, each with a JSON Schema."""


def json_schema(command: str) -> dict[str, Any]:
    """The JSON Schema of a command's ``--format json`` output (shipped in ``schemas/``).

    Raises:
        StyringskerneError: for a command without JSON output.
    """
    if command not in JSON_COMMANDS:
        raise StyringskerneError(
            f"no JSON output for {command!r}; the commands with one are {', '.join(JSON_COMMANDS)}"
        )
    text = (
        resources.files("styringskerne")
        .joinpath("schemas", f"{command}.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def _run(arguments: argparse.Namespace) -> None:
    if arguments.command == "ledger":
        _run_ledger(arguments)
    elif arguments.command == "reconcile":
        _run_reconcile(arguments)
    elif arguments.command == "prognose":
        _run_forecast(arguments)
    elif arguments.command == "payments":
        _run_payments(arguments)
    elif arguments.command == "schema":
        print(json.dumps(json_schema(arguments.name), indent=2, ensure_ascii=False))
    else:
        _run_demo(arguments)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module's documentation)."""
    try:
        arguments = _parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    try:
        _run(arguments)
    except _ReportedError as failed:
        return failed.code
    except ImportFailedError as error:
        print(str(error), file=sys.stderr)
        return EXIT_DATA
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except StyringskerneError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_DATA
    except BrokenPipeError:
        # A reader that stops early (| head): end quietly, and keep Python from complaining
        # about the closed pipe when it flushes at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except ImportError as error:  # an optional extra that is not installed
        print(f"error: {mask_text(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # a file that cannot be written, a full disk
        where = f"{mask_text(str(error.filename))}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("STYRINGSKERNE_DEBUG"):
            raise
        print(
            f"internal error: {type(error).__name__}: {mask_text(str(error))} "
            "(a bug in styringskerne; STYRINGSKERNE_DEBUG=1 shows where)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
