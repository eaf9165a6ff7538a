"""CSV import with row-level errors, and the command line (issue: CSV in, JSON out)."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from pathlib import Path

import pytest

from styringskerne import DispositionLedger, Money
from styringskerne.cli import main
from styringskerne.examples import example_municipality
from styringskerne.io import load_dispositions, read_actuals, read_dispositions, write_dispositions

HEADER = (
    "disposition_id,citizen_id,service,account,provider,start,end,unit,rate,quantity,probability"
)
GOOD = [
    "D1,010190-1234,SEL108,,Engvang,2024-01-01,2024-06-30,day,1149.00,,",
    "D1,010190-1234,SEL108,,Engvang,2024-07-01,,day,1349.00,,",
    "D2,B-2,SEL85,,Bostøtten,2024-03-01,2024-12-31,week,520.00,6,",
    "D3,B-3,ABL105,5.38.51,Lærkevej,01-07-2024,,day,949,,1/3",
]


def write(tmp_path: Path, lines: list[str], name: str = "d.csv", *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_file_loads_every_row(tmp_path: Path) -> None:
    result = read_dispositions(write(tmp_path, [HEADER, *GOOD]))
    assert result.ok
    assert [d.id for d in result.items] == ["D1", "D2", "D3"]
    assert len(result.items[0].segments) == 2
    assert result.items[2].probability.denominator == 3


def test_semicolon_danish_decimals_and_bom(tmp_path: Path) -> None:
    lines = [HEADER.replace(",", ";"), "D1;B-1;SEL108;;;2024-01-01;;day;1.149,50;;"]
    (disposition,) = load_dispositions(write(tmp_path, lines, bom=True))
    assert disposition.segments[0].rate == Money.of("1149.50")


def test_every_bad_row_is_reported_and_none_is_dropped(tmp_path: Path) -> None:
    bad = [
        HEADER,
        "D1,B-1,SEL108,,,2024-01-01,,day,1149.00,,",  # line 2: good
        "D2,0101901234,SEL108,,,2024-13-01,,day,1149.00,,",  # line 3: bad start
        "D3,B-3,SEL85,,,2024-01-01,,hour,520,,",  # line 4: bad unit
        "D4,B-4,SEL999,,,2024-01-01,,day,100,,",  # line 5: unknown service, no account
        "D5,B-5,SEL108,,,2024-01-01,2023-01-01,day,100,,",  # line 6: end before start
        "D6,B-6,SEL108,,,2024-01-01,,day,1.149,,",  # line 7: ambiguous amount
        "D7,B-7,SEL108,,,2024-01-01,,day,100,,2",  # line 8: probability above 1
        "D8,B-8,SEL108,,,2024-01-01,2024-03-01,day,100,,",  # line 9: overlaps line 10
        "D8,B-8,SEL108,,,2024-02-01,,day,110,,",  # line 10
        "D9,B-9,SEL108,,,2024-01-01,2024-01-31,day,100,,",  # line 11: good alone...
        "D9,B-10,SEL108,,,2024-02-01,,day,100,,",  # line 12: ...but citizen differs
        "D10,B-1,SEL108,,,2024-01-01,,day",  # line 13: too few fields
    ]
    result = read_dispositions(write(tmp_path, bad))
    assert [d.id for d in result.items] == ["D1"]
    reported = {error.line for error in result.errors}
    assert reported == set(range(3, 14))
    text = "\n".join(str(error) for error in result.errors)
    assert "0101901234" not in text
    assert "line 4, column 'unit'" in text
    assert "line 5, column 'service'" in text
    assert "line 7, column 'rate'" in text
    assert "line 8, column 'probability'" in text
    assert "overlaps" in text
    assert "line 12, column 'citizen_id'" in text
    assert "line 11, column 'disposition_id': not loaded: line 12" in text


def test_header_problems_are_named(tmp_path: Path) -> None:
    result = read_dispositions(write(tmp_path, ["disposition_id,citizen_id,probabilty"]))
    (error,) = result.errors
    assert error.line == 1
    assert "missing column(s)" in error.reason
    assert "unknown column(s) 'probabilty' (did you mean 'probability'?)" in error.reason


def test_actuals_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ["citizen_id,account,date,amount", "B-1,5.38.50,2024-01-31,35.619,00", "B-1,5.38.50,x,1"],
        "a.csv",
    )
    result = read_actuals(path)
    # A ',' delimiter and a Danish decimal comma clash: line 2 has too many fields.
    assert {error.line for error in result.errors} == {2, 3}


def test_write_and_read_round_trip(tmp_path: Path) -> None:
    town = example_municipality(2024)
    path = tmp_path / "town.csv"
    write_dispositions(town.dispositions, path)
    again = load_dispositions(path)
    assert again == town.dispositions


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, [HEADER, *GOOD])
    actuals = write(
        tmp_path, ["citizen_id;account;date;amount", "B-2;5.38.39;2024-03-31;1.000,00"], "a.csv"
    )
    code = main(
        [
            "ledger",
            "--no-refund",
            "--dispositions",
            str(path),
            "--actuals",
            str(actuals),
            "--year",
            "2024",
            "--as-of",
            "2024-03-31",
            "--format",
            "json",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert set(data) == {
        "year",
        "as_of",
        "totals",
        "by_account",
        "by_citizen",
        "by_disposition",
        "refund",
    }
    assert data["refund"] is None  # --no-refund
    assert set(data["totals"]) >= {
        "booked_to_date",
        "computed_to_date",
        "disposed_rest_of_year",
        "expected",
    }
    assert data["by_citizen"]["010190-****"]["computed_to_date"] == "104559.00"  # 91 × 1.149
    assert data["by_citizen"]["B-2"]["booked_to_date"] == "1000.00"
    assert "1234" not in out
    ledger = DispositionLedger(load_dispositions(path))
    assert data["totals"]["expected"] == ledger.full_year_cost(2024).total.to_string()


def test_cli_show_cpr_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, [HEADER, *GOOD])
    assert (
        main(
            [
                "ledger",
                "--no-refund",
                "--no-refund",
                "--dispositions",
                str(path),
                "--as-of",
                "2024-03-31",
                "--show-cpr",
                "--by",
                "citizen",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "010190-1234" in out
    assert "Disposition ledger 2024 as of 2024-03-31" in out


def test_cli_bad_input_exits_non_zero_with_the_row_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, [HEADER, GOOD[0], "D9,0101901234,SEL108,,,2024-01-01,,day,abc,,"])
    assert (
        main(["ledger", "--no-refund", "--dispositions", str(path), "--as-of", "2024-03-31"]) == 1
    )
    captured = capsys.readouterr()
    assert "line 3, column 'rate'" in captured.err
    assert "0101901234" not in captured.err
    assert captured.out == ""


@pytest.mark.slow
def test_cli_demo_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--as-of", "2024-06-30", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Disposition ledger 2024 as of 2024-06-30" in out
    assert (tmp_path / "dispositions.csv").stat().st_size > 0
    assert (
        main(
            [
                "ledger",
                "--no-refund",
                "--no-refund",
                "--dispositions",
                str(tmp_path / "dispositions.csv"),
                "--actuals",
                str(tmp_path / "actuals.csv"),
                "--as-of",
                "2024-06-30",
            ]
        )
        == 0
    )
    again = capsys.readouterr().out
    total_line = next(line for line in out.splitlines() if line.startswith("Total"))
    assert total_line in again


def test_example_municipality_proportions() -> None:
    """Citizens per service follow VIVE 2018 *Bilagstabel 4* per 10.000 aged 18-64."""
    town = example_municipality(2024, actuals_through=dt.date(2024, 6, 30))
    counts: dict[str, int] = {}
    for disposition in town.dispositions:
        if not disposition.id.endswith("-S") and disposition.probability == 1:
            counts[disposition.service] = counts.get(disposition.service, 0) + 1
    assert counts["SEL85"] == round(147 * 3.5)
    assert counts["SEL108"] == round(13 * 3.5)
    assert counts["SEL107"] == round(22 * 3.5)
    assert counts["ABL105"] == round(56 * 3.5)
    assert any(d.probability < 1 for d in town.dispositions)
    assert max(a.date for a in town.actuals) == dt.date(2024, 6, 30)


def test_row_errors_mask_cpr_numbers_in_any_column(tmp_path: Path) -> None:
    """A CPR number used as a disposition id is masked in the 'not loaded' report too."""
    rows = [
        HEADER,
        "0101901234-1,B-1,SEL108,,,2024-01-01,2024-01-31,day,100,,",
        "0101901234-1,B-1,SEL108,,,2024-02-01,,week,x,,",
    ]
    result = read_dispositions(write(tmp_path, rows))
    text = "\n".join(str(error) for error in result.errors)
    assert len(result.errors) == 2
    assert "0101901234" not in text
    assert "010190-****" in text


def test_amount_results_convert_to_json(tmp_path: Path) -> None:
    ledger = DispositionLedger(load_dispositions(write(tmp_path, [HEADER, *GOOD])))
    table = json.loads(
        ledger.cost(dt.date(2024, 1, 1), dt.date(2024, 1, 31), by="citizen").to_json()
    )
    assert table == {"010190-****": "35619.00", "B-2": "0.00", "B-3": "0.00"}
    series = json.loads(ledger.monthly(2024).to_json())
    assert series["periods"][0] == "2024-01-01"
    assert series["rows"]["total"][0] == "35619.00"


def test_cli_prognose_json_shape_and_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = write(tmp_path, [HEADER, *GOOD[:3]], "previous.csv")
    new_stay = "D4,B-4,SEL107,,,2024-03-15,,day,1500.00,,"
    current = write(tmp_path, [HEADER, *GOOD[:3], new_stay], "current.csv")
    budget = write(
        tmp_path, ["account;budget", "5.38.50;400.000,00", "5.38.52;100.000,00"], "b.csv"
    )
    code = main(
        [
            "prognose",
            "--no-refund",
            "--dispositions",
            str(current),
            "--previous",
            str(previous),
            "--budget",
            str(budget),
            "--as-of",
            "2024-03-31",
            "--format",
            "json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert {"as_of", "year", "total", "sub_areas", "change"} <= set(data)
    assert set(data["total"]) == {"budget", "expected", "deviation", "refund", "net"}
    assert data["sub_areas"]["5.38.52"] == {
        "budget": "100000.00",
        "expected": "438000.00",
        "deviation": "338000.00",  # 292 days × 1.500
        "refund": None,  # --no-refund: not reckoned, so not shown as 0
        "net": None,
    }
    change = data["change"]
    assert change["total"] == "438000.00"
    assert change["residual"] == "0.00"
    (item,) = change["by_sub_area"]["5.38.52"]["items"]
    assert {key: item[key] for key in ("citizen_id", "reason", "amount")} == {
        "citizen_id": "B-4",
        "reason": "new",
        "amount": "438000.00",
    }
    assert "1234" not in json.dumps(data)


def test_cli_prognose_table_and_bad_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current = write(tmp_path, [HEADER, *GOOD], "current.csv")
    assert (
        main(
            [
                "prognose",
                "--no-refund",
                "--no-refund",
                "--dispositions",
                str(current),
                "--as-of",
                "2024-03-31",
                "--overspend-negative",
            ]
        )
        == 0
    )
    assert "Deviation (− = overspend)" in capsys.readouterr().out
    budget = write(tmp_path, ["account,budget", "5.38.50,1.149", "5.38.50,10"], "b.csv")
    assert (
        main(
            [
                "prognose",
                "--no-refund",
                "--no-refund",
                "--dispositions",
                str(current),
                "--budget",
                str(budget),
                "--as-of",
                "2024-03-31",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "line 2, column 'budget'" in err
    assert "line 3, column 'account'" not in err  # line 2 failed, so line 3 is the first 5.38.50


@pytest.mark.slow
def test_demo_forecast_matches_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--as-of", "2024-06-30", "--out", str(tmp_path)]) == 0
    demo = capsys.readouterr().out
    assert "Since the forecast of 2024-05-31:" in demo
    assert "Unexplained residual in total: 0,00" in demo
    # BPA on its own sub-area, the demand pool and the children's area (5.28.20-5.28.24).
    forecast = demo.split("Month-end forecast")[1].split("Deviation from the steering")[0]
    rows = {line.split()[0] for line in forecast.splitlines() if line[:1].isdigit() or
            line.startswith("efterspørgselspulje")}  # fmt: skip
    assert {"5.38.39", "5.38.39.002", "efterspørgselspulje"} <= rows
    assert {"5.28.20", "5.28.21", "5.28.22", "5.28.23", "5.28.24"} <= rows
    assert "demand pool (efterspørgselspulje):" in forecast
    # The command the demo prints, demand pool options included, gives the demo's figures.
    printed = next(line for line in demo.splitlines() if "styringskerne prognose" in line)
    arguments = shlex.split(printed)[1:]
    assert "--demand-pool" in arguments
    assert "--pool-drawn" in arguments
    assert main(arguments) == 0
    files = capsys.readouterr().out
    assert "demand pool (efterspørgselspulje): 0,00 (2.500.000,00 kr. in the pool" in files
    forecast_total = next(line for line in files.splitlines() if line.startswith("Total"))
    assert forecast_total in demo
    change_line = next(line for line in files.splitlines() if line.startswith("Change of"))
    assert change_line in demo
    # The volume/price table of the demo is the one the files give.
    variance = files.split("Deviation from the steering assumptions")[1].split("\n\n")[0]
    assert variance in demo


def test_a_short_row_does_not_leave_its_disposition_half_loaded(tmp_path: Path) -> None:
    rows = [
        HEADER,
        "D1,B-1,SEL108,,,2024-01-01,2024-06-30,day,1149.00,,",
        "D1,B-1,SEL108,,,2024-07-01,,day",  # too few fields: D1's second price segment
    ]
    result = read_dispositions(write(tmp_path, rows))
    assert result.items == ()
    assert {error.line for error in result.errors} == {2, 3}


def test_cli_payments_csv_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # July 2024 paid in advance on Monday 1 July. D1 at 1.349 kr. a day: 41.819 kr. D2: 6
    # hours a week at 520 kr., rounded from its start on 1 March: 153 days × 3.120/7 =
    # 68.194,29 kr. to 1 August less 122 days = 54.377,14 kr. to 1 July, 13.817,15 kr. D3 from
    # 1 July with probability 1/3: 31 × 949 / 3 = 9.806,33 kr.
    path = write(tmp_path, [HEADER, *GOOD])
    base = ["payments", "--dispositions", str(path), "--from", "2024-07-01", "--to", "2024-07-31"]
    assert main(base) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "date,disposition_id,citizen_id,account,amount",
        "2024-07-01,D1,010190-****,5.38.50,41819.00",
        "2024-07-01,D2,B-2,5.38.39,13817.15",
        "2024-07-01,D3,B-3,5.38.51,9806.33",
    ]
    assert main([*base, "--format", "json", "--weekends-only", "--show-cpr"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "65442.48"
    assert data["by_month"]["2024-07"]["5.38.50"] == "41819.00"
    assert data["payments"][0]["citizen_id"] == "010190-1234"
    assert main([*base, "--frequency", "once"]) == 1
    assert "no end date" in capsys.readouterr().err
