"""The command line (kommandolinje): ``styringskerne ledger``, ``prognose`` and ``demo``.

Exit codes: 0 done; 1 bad input (the row report is printed on standard error); 2 bad usage.
Citizen ids that look like CPR numbers are masked in all output unless ``--show-cpr`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from styringskerne.core.calendar import parse_date
from styringskerne.core.errors import ImportFailedError, StyringskerneError
from styringskerne.forecast.explanation import explain_change
from styringskerne.forecast.forecast import Snapshot, make_forecast
from styringskerne.io.csv import (
    ImportResult,
    read_actuals,
    read_budget,
    read_dispositions,
    write_budget,
    write_dispositions,
)
from styringskerne.io.text import change_table, forecast_table, ledger_table
from styringskerne.ledger.ledger import DispositionLedger
from styringskerne.visitation.ladder import ladder_distribution, movements

if TYPE_CHECKING:
    from styringskerne.examples import ExampleMonth

T = TypeVar("T")

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

    forecast = commands.add_parser(
        "prognose", help="the month-end forecast (regnskabsprognose) with its change explained"
    )
    forecast.add_argument("--dispositions", required=True, type=Path, help="dispositions now")
    forecast.add_argument("--previous", type=Path, help="dispositions at last month's end")
    forecast.add_argument("--actuals", type=Path, help="actual postings CSV file")
    forecast.add_argument("--budget", type=Path, help="budget CSV file: account,budget")
    forecast.add_argument("--as-of", required=True, type=_date, help="status through this date")
    forecast.add_argument("--format", choices=("json", "table"), default="table")
    forecast.add_argument("--show-cpr", action="store_true", help="print CPR numbers unmasked")
    forecast.add_argument(
        "--overspend-negative",
        action="store_true",
        help="print overspend as negative, the way many Danish reports do",
    )

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
    # Both files are read before any error is raised, so one report shows every bad row.
    loaded = read_dispositions(arguments.dispositions)
    actuals = _load(read_actuals, arguments.actuals) if arguments.actuals else ()
    dispositions = _load(lambda _: loaded, arguments.dispositions)
    status = DispositionLedger(dispositions, actuals).as_of(arguments.as_of, year=arguments.year)
    if arguments.format == "json":
        print(status.to_json(show_cpr=arguments.show_cpr))
    else:
        print(ledger_table(status, by=arguments.by, show_cpr=arguments.show_cpr))
    return 0


def _load(reader: Callable[[Path], ImportResult[T]], path: Path) -> tuple[T, ...]:
    result = reader(path)
    if result.errors:
        raise ImportFailedError(str(path), result.errors)
    return result.items


def _run_forecast(arguments: argparse.Namespace) -> int:
    as_of: dt.date = arguments.as_of
    actuals = _load(read_actuals, arguments.actuals) if arguments.actuals else ()
    current = Snapshot(
        as_of=as_of,
        ledger=DispositionLedger(_load(read_dispositions, arguments.dispositions), actuals),
    )
    budget = dict(_load(read_budget, arguments.budget)) if arguments.budget else {}
    forecast = make_forecast(current, budget=budget)
    change = None
    if arguments.previous is not None:
        previous = Snapshot(
            as_of=dt.date(as_of.year, as_of.month, 1) - dt.timedelta(days=1),
            ledger=DispositionLedger(_load(read_dispositions, arguments.previous)),
        )
        change = explain_change(previous, current, year=as_of.year)
    if arguments.format == "json":
        data = forecast.to_dict(overspend_negative=arguments.overspend_negative)
        if change is not None:
            data["change"] = change.to_dict(show_cpr=arguments.show_cpr)
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(forecast_table(forecast, overspend_negative=arguments.overspend_negative))
    if change is not None:
        print()
        print(change_table(change, show_cpr=arguments.show_cpr))
    return 0


def _write_plots(month: ExampleMonth, as_of: dt.date, out: Path) -> list[Path]:
    """The demo's four plots as PNG files, or none when matplotlib is missing."""
    try:
        from styringskerne.kpi import plots
    except ImportError:  # pragma: no cover - the plot extra is optional
        return []
    try:
        from styringskerne.examples import example_month

        ledger = month.current.ledger
        ends = [dt.date(as_of.year, m + 1, 1) - dt.timedelta(days=1) for m in range(1, as_of.month)]
        series = [make_forecast(example_month(day).current, budget=month.budget) for day in ends]
        series.append(make_forecast(month.current, budget=month.budget))
        first = dt.date(as_of.year, 1, 1)
        figures = {
            "forecast.png": plots.plot_forecast_through_year(series),
            "inflow-outflow.png": plots.plot_inflow_outflow(ledger, as_of.year, service="SEL107"),
            "ladder.png": plots.plot_ladder(
                ladder_distribution(ledger, first, as_of), movements(ledger, first, as_of)
            ),
            "change.png": plots.plot_change_waterfall(
                explain_change(month.previous, month.current)
            ),
        }
    except ImportError:  # pragma: no cover - matplotlib is imported when a plot is drawn
        return []
    return [plots.save_png(figure, out / name) for name, figure in figures.items()]


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _run_demo(arguments: argparse.Namespace) -> int:
    from styringskerne.examples import example_month
    from styringskerne.io.csv import write_actuals

    as_of = arguments.as_of or dt.date.today()
    month = example_month(as_of)
    town = month.town
    out: Path = arguments.out
    out.mkdir(parents=True, exist_ok=True)
    files = {
        name: out / f"{name}.csv" for name in ("dispositions", "previous", "actuals", "budget")
    }
    rows = write_dispositions(month.current_dispositions, files["dispositions"])
    write_dispositions(month.previous_dispositions, files["previous"])
    write_actuals(town.actuals, files["actuals"])
    budget = {name: amount for name, amount in month.budget.items() if name != "buffer"}
    write_budget(sorted(budget.items()), files["budget"])
    # The same inputs the command line reads from the files: dispositions and budget only.
    current = Snapshot(as_of=as_of, ledger=month.current.ledger)
    previous = Snapshot(as_of=month.previous.as_of, ledger=month.previous.ledger)
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
    print(forecast_table(make_forecast(current, budget=budget)))
    print()
    print(f"Since the forecast of {previous.as_of.isoformat()}:")
    print(change_table(explain_change(previous, current, year=as_of.year), most=5))
    print()
    plots = _write_plots(month, as_of, out)
    if plots:
        print(f"Plots: {', '.join(str(path) for path in plots)}")
    else:
        print("Plots: install the extra for them: pip install 'styringskerne[plot]'")
    print(f"Wrote {', '.join(str(path) for path in files.values())}. The same from the files:")
    print(
        f"  styringskerne ledger --dispositions {files['dispositions']} "
        f"--actuals {files['actuals']} --as-of {as_of.isoformat()}"
    )
    print(
        f"  styringskerne prognose --dispositions {files['dispositions']} "
        f"--previous {files['previous']} --budget {files['budget']} --as-of {as_of.isoformat()}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "ledger":
            return _run_ledger(arguments)
        if arguments.command == "prognose":
            return _run_forecast(arguments)
        return _run_demo(arguments)
    except ImportFailedError as error:
        print(str(error), file=sys.stderr)
        return 1
    except StyringskerneError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
