"""The command line (kommandolinje): ``styringskerne ledger`` and ``styringskerne demo``.

Exit codes: 0 done; 1 bad input (the row report is printed on standard error); 2 bad usage.
Citizen ids that look like CPR numbers are masked in all output unless ``--show-cpr`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from styringskerne.calendar import parse_date
from styringskerne.dispositions import Actual
from styringskerne.errors import ImportFailedError, StyringskerneError
from styringskerne.io.csv import read_actuals, read_dispositions, write_dispositions
from styringskerne.io.text import ledger_table
from styringskerne.ledger import DispositionLedger

__all__ = ["main"]


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except StyringskerneError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="styringskerne",
        description="Economic steering of the specialised social area: disposition ledgers.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ledger = commands.add_parser(
        "ledger", help="the individual disposition ledger (dispositionsregnskab) as of a date"
    )
    ledger.add_argument("--dispositions", required=True, type=Path, help="dispositions CSV file")
    ledger.add_argument("--actuals", type=Path, help="actual postings CSV file")
    ledger.add_argument("--year", type=int, help="budget year (default: the as-of date's year)")
    ledger.add_argument("--as-of", required=True, type=_date, help="status through this date")
    ledger.add_argument("--format", choices=("json", "table"), default="table")
    ledger.add_argument(
        "--by",
        choices=("account", "citizen"),
        default="account",
        help="rows of the table format (default: account)",
    )
    ledger.add_argument("--show-cpr", action="store_true", help="print CPR numbers unmasked")

    demo = commands.add_parser("demo", help="the ledger of the bundled example municipality")
    demo.add_argument("--as-of", type=_date, help="status date (default: today)")
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("demo-output"),
        help="folder for the example's CSV files (default: demo-output)",
    )
    return parser


def _run_ledger(arguments: argparse.Namespace) -> int:
    loaded = read_dispositions(arguments.dispositions)
    errors = list(loaded.errors)
    actuals: tuple[Actual, ...] = ()
    if arguments.actuals is not None:
        actual_result = read_actuals(arguments.actuals)
        actuals = actual_result.items
        if actual_result.errors:
            raise ImportFailedError(str(arguments.actuals), actual_result.errors)
    if errors:
        raise ImportFailedError(str(arguments.dispositions), errors)
    status = DispositionLedger(loaded.items, actuals).as_of(arguments.as_of, year=arguments.year)
    if arguments.format == "json":
        print(status.to_json(show_cpr=arguments.show_cpr))
    else:
        print(ledger_table(status, by=arguments.by, show_cpr=arguments.show_cpr))
    return 0


def _run_demo(arguments: argparse.Namespace) -> int:
    from styringskerne.examples import example_municipality
    from styringskerne.io.csv import write_actuals

    as_of = arguments.as_of or dt.date.today()
    town = example_municipality(as_of.year, actuals_through=as_of)
    arguments.out.mkdir(parents=True, exist_ok=True)
    dispositions_file = arguments.out / "dispositions.csv"
    actuals_file = arguments.out / "actuals.csv"
    rows = write_dispositions(town.dispositions, dispositions_file)
    write_actuals(town.actuals, actuals_file)
    status = DispositionLedger(town.dispositions, town.actuals).as_of(as_of)

    def number(value: int) -> str:
        return f"{value:,}".replace(",", ".")

    print(
        f"Example municipality: {number(town.inhabitants_18_64)} inhabitants aged 18-64, "
        f"{number(town.citizen_count)} citizens, {number(len(town.dispositions))} dispositions "
        f"({number(rows)} price segments)"
    )
    print()
    print(ledger_table(status))
    print(
        "Booked to date holds the postings of the months closed by the as-of date; "
        "booked − computed shows what is not yet booked."
    )
    print()
    print(f"Wrote {dispositions_file} and {actuals_file}. The same ledger from the files:")
    print(
        f"  styringskerne ledger --dispositions {dispositions_file} --actuals {actuals_file} "
        f"--as-of {as_of.isoformat()}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "ledger":
            return _run_ledger(arguments)
        return _run_demo(arguments)
    except ImportFailedError as error:
        print(str(error), file=sys.stderr)
        return 1
    except StyringskerneError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
