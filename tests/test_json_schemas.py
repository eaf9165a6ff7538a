"""Every JSON output of the command line follows its shipped JSON Schema (issue "What
controllers and notebook users see" § 3), and the schemas are strict enough to fail."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from styringskerne import StyringskerneError
from styringskerne.cli import JSON_COMMANDS, json_schema, main

THRESHOLDS = ["--refund-thresholds", "860000/1680000/2120000"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--as-of", "2026-11-30", "--out", str(folder)]) == 0
    # Postings that name no known disposition, and one that disagrees with its disposition.
    actuals = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines()
    (folder / "postings.csv").write_text(
        "\n".join([
            "citizen_id,account,date,amount,disposition_id,provider",
            *(line + ",," for line in actuals[1:50]),
            "B-00001,5.38.50,2026-11-15,1000.00,D-NOT-THERE,",
            "0101901234,5.38.50,2026-11-15,500.00,,",
        ]) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    (folder / "kontering.toml").write_text(
        'pattern = "{function}-{art}"\n[defaults]\nart = "4.0"\n', encoding="utf-8"
    )
    return folder


def _output(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    assert main([*arguments, "--format", "json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _validate(command: str, data: Any) -> None:
    validator = jsonschema.Draft202012Validator(
        json_schema(command), format_checker=jsonschema.FormatChecker()
    )
    validator.validate(data)


def test_the_schemas_are_valid_schemas() -> None:
    for command in JSON_COMMANDS:
        jsonschema.Draft202012Validator.check_schema(json_schema(command))
    with pytest.raises(StyringskerneError, match="no JSON output for 'demo'"):
        json_schema("demo")


@pytest.mark.slow
def test_every_json_output_validates(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d, previous = str(files / "dispositions.csv"), str(files / "previous.csv")
    as_of = ["--as-of", "2026-11-30"]
    outputs = {
        "ledger": [
            ["ledger", "--dispositions", d, "--actuals", str(files / "actuals.csv"), *as_of,
             *THRESHOLDS],
            ["ledger", "--dispositions", d, "--actuals", str(files / "postings.csv"), *as_of,
             "--no-refund", "--show-cpr"],
        ],
        "prognose": [
            ["prognose", "--dispositions", d, "--previous", previous, "--budget",
             str(files / "budget.csv"), "--assumptions", str(files / "assumptions.csv"), *as_of,
             *THRESHOLDS],
            ["prognose", "--dispositions", d, *as_of, "--no-refund", "--overspend-negative"],
        ],
        "reconcile": [
            ["reconcile", "--dispositions", d, "--actuals", str(files / "postings.csv"), *as_of],
        ],
        "payments": [
            ["payments", "--dispositions", d, "--from", "2026-12-01", "--to", "2026-12-31",
             "--weekends-only"],
            ["payments", "--dispositions", d, "--from", "2026-12-01", "--to", "2026-12-31",
             "--weekends-only", "--frequency", "14-days", "--template",
             str(files / "kontering.toml")],
            ["payments", "--dispositions", d, "--from", "2026-12-01", "--to", "2026-12-31",
             "--weekends-only", "--template", str(files / "kontering.toml"), "--per", "month"],
        ],
    }  # fmt: skip
    seen = {}
    for command, runs in outputs.items():
        for arguments in runs:
            data = _output(arguments, capsys)
            _validate(command, data)
            seen[command] = data
    assert seen["reconcile"]["unmatched"], "the run must exercise the list of unmatched postings"
    assert "change" in _output(outputs["prognose"][0], capsys)


def test_the_schemas_refuse_what_a_reader_could_misread(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _output(
        ["prognose", "--dispositions", str(files / "dispositions.csv"), "--as-of", "2026-11-30",
         "--budget", str(files / "budget.csv"), *THRESHOLDS],
        capsys,
    )  # fmt: skip
    broken = []
    amount_as_number = copy.deepcopy(data)
    amount_as_number["total"]["expected"] = 1234.5  # a float could lose an øre
    broken.append(amount_as_number)
    three_decimals = copy.deepcopy(data)
    three_decimals["total"]["expected"] = "1234.567"
    broken.append(three_decimals)
    missing = copy.deepcopy(data)
    del missing["total"]["net"]
    broken.append(missing)
    unknown = copy.deepcopy(data)
    unknown["totals"] = {}
    broken.append(unknown)
    for document in broken:
        with pytest.raises(jsonschema.ValidationError):
            _validate("prognose", document)


def test_the_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "payments"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "styringskerne payments --format json"
    assert main(["schema", "demo"]) == 2
