"""The command line as a user meets it: every failure is one clear message and an exit code,
never a traceback, never a whole CPR number. Run as a real process, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from styringskerne import cli

HEADER = (
    "disposition_id;citizen_id;service;account;provider;start;end;unit;rate;quantity;probability"
)
GOOD = "D1;0101901234;SEL108;;Bøgely;2024-01-01;;day;1.149,00;;"


REFUND_2024 = ("--refund-thresholds", "860000/1680000/2120000")
"""The 2022 level, given for test years the shipped data does not list (the tests here are
not about the refund)."""


def run(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    given = list(arguments)
    if given and given[0] in ("ledger", "prognose") and not any("refund" in a for a in given):
        given += REFUND_2024
    return subprocess.run(
        [sys.executable, "-m", "styringskerne.cli", *given],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[str], code: int) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert "0101901234" not in result.stderr + result.stdout
    assert "010190-1234" not in result.stderr + result.stdout


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "d.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    return path


def test_a_missing_file(tmp_path: Path) -> None:
    result = run("ledger", "--dispositions", str(tmp_path / "nope.csv"), "--as-of", "2024-03-31")
    assert_clean(result, 2)
    assert result.stderr.strip() == f"{tmp_path / 'nope.csv'}: no such file"


def test_a_folder_and_a_path_through_a_file(tmp_path: Path, good: Path) -> None:
    result = run("ledger", "--dispositions", str(tmp_path), "--as-of", "2024-03-31")
    assert_clean(result, 2)
    assert "is a folder, not a file" in result.stderr
    result = run("ledger", "--dispositions", str(good / "x.csv"), "--as-of", "2024-03-31")
    assert_clean(result, 2)
    assert "cannot be read" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file(good: Path) -> None:
    good.chmod(0)
    result = run("ledger", "--dispositions", str(good), "--as-of", "2024-03-31")
    assert_clean(result, 2)
    assert "not allowed to read it" in result.stderr


def test_a_file_named_by_a_cpr_number_is_masked(tmp_path: Path) -> None:
    result = run(
        "ledger", "--dispositions", str(tmp_path / "0101901234.csv"), "--as-of", "2024-03-31"
    )
    assert_clean(result, 2)
    assert "010190-****.csv: no such file" in result.stderr


@pytest.mark.parametrize("as_of", ["2024-13-01", "31-02-2024", "yesterday", ""])
def test_a_bad_date(good: Path, as_of: str) -> None:
    result = run("ledger", "--dispositions", str(good), "--as-of", as_of)
    assert_clean(result, 2)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--as-of" in result.stderr


def test_an_unwritable_out(tmp_path: Path, good: Path) -> None:
    result = run(
        "ledger",
        "--dispositions",
        str(good),
        "--as-of",
        "2024-03-31",
        "--out",
        str(tmp_path / "no" / "such" / "folder.txt"),
    )
    assert_clean(result, 2)
    assert "cannot write the output" in result.stderr
    blocked = run("demo", "--as-of", "2024-03-31", "--out", str(good))  # a file, not a folder
    assert_clean(blocked, 2)


def test_every_bad_file_of_a_command_is_reported(tmp_path: Path, good: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nD2;0202902222;SEL108;;;2024-01-01;;day;abc;;\n", encoding="utf-8")
    budget = tmp_path / "budget.csv"
    budget.write_text("konto;budget\n5.38.50;1e6\n", encoding="utf-8")
    result = run(
        "prognose",
        "--dispositions",
        str(bad),
        "--actuals",
        str(tmp_path / "nope.csv"),
        "--budget",
        str(budget),
        "--previous",
        str(good),
        "--as-of",
        "2024-03-31",
    )
    assert_clean(result, 2)  # a missing file is a usage error, and it outranks bad rows
    assert "bad.csv: 1 row error" in result.stderr
    assert "nope.csv: no such file" in result.stderr
    assert "budget.csv: 1 row error" in result.stderr
    assert "0202902222" not in result.stderr


def test_rejected_data_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{GOOD}\nD2;B-2;SEL108;;;2024-01-01;;day;abc;;\n", encoding="utf-8")
    result = run("ledger", "--dispositions", str(bad), "--as-of", "2024-03-31")
    assert_clean(result, 1)
    assert "line 3, column 'rate'" in result.stderr
    assert result.stdout == ""


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    many = tmp_path / "dispositions.csv"  # a table by citizen far beyond a pipe's buffer
    rows = [f"D{i};B-{i:05d};SEL108;;;2024-01-01;;day;1.149,00;;" for i in range(3000)]
    many.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "styringskerne.cli",
        "ledger",
        "--dispositions",
        str(tmp_path / "dispositions.csv"),
        "--as-of",
        "2024-06-30",
        "--by",
        "citizen",
        "--no-refund",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.readline()  # | head -1
        process.stdout.close()
        error = process.stderr.read().decode()
        assert process.wait(timeout=120) == 0
    assert "Traceback" not in error
    assert error == ""


def test_version_and_help() -> None:
    version = run("--version")
    assert_clean(version, 0)
    assert version.stdout.startswith("styringskerne ")
    for command in ("ledger", "prognose", "demo"):
        text = run(command, "--help")
        assert_clean(text, 0)
        assert "example:" in text.stdout
        assert "exit codes:" in text.stdout
        assert "  70  internal error" in text.stdout


def test_prognose_names_the_snapshot_the_change_is_measured_from(good: Path) -> None:
    result = run(
        "prognose", "--dispositions", str(good), "--previous", str(good), "--as-of", "2024-03-31"
    )
    assert_clean(result, 0)
    assert f"Change since the snapshot of 2024-02-29 ({good}):" in result.stdout
    chosen = run(
        "prognose",
        "--dispositions",
        str(good),
        "--previous",
        str(good),
        "--as-of",
        "2024-03-31",
        "--previous-as-of",
        "2024-03-15",
        "--format",
        "json",
    )
    assert '"from": "2024-03-15"' in chosen.stdout


def test_a_windows_1252_export_with_danish_headers_and_bad_rows(tmp_path: Path) -> None:
    rows = [
        "Bevilling;CPR;Ydelse;Konto;Leverandør;Startdato;Slutdato;Enhed;Takst;Mængde;Sandsynlighed",
        "D1;0101901234;sel108;;Bøgely;01-01-2026;;døgn;1.149,00;;",
        "D2;010190 1234;SEL85;;Åbo;01-02-2026;30-06-2026;uge;520,00;6;",
        "D3;2024000123;SEL107;;Ærø;15-03-2026;;døgn;1.500,00;;1/2",
        "D4;3112851234;SEL108;;Bøgely;01-13-2026;;døgn;abc;;",
    ]
    export = tmp_path / "eksport.csv"
    export.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    budget = tmp_path / "budget.csv"
    budget.write_bytes("Konto;Budget\r\n5.38.50;500.000,00\r\n".encode("cp1252"))
    bad = run(
        "prognose", "--dispositions", str(export), "--budget", str(budget), "--as-of", "2026-06-30"
    )
    assert_clean(bad, 1)
    assert "line 5, column 'start'" in bad.stderr
    assert "line 5, column 'rate'" in bad.stderr
    assert "311285-****" not in bad.stderr or "3112851234" not in bad.stderr
    export.write_bytes(("\r\n".join(rows[:4]) + "\r\n").encode("cp1252"))
    good = run(
        "prognose", "--dispositions", str(export), "--budget", str(budget), "--as-of", "2026-06-30"
    )
    assert_clean(good, 0)
    assert "no budget for 5.38.39, 5.38.52" in good.stdout  # the file budgets 5.38.50 only
    ledger = run(
        "ledger",
        "--dispositions",
        str(export),
        "--as-of",
        "2026-06-30",
        "--by",
        "citizen",
        "--format",
        "json",
    )
    assert_clean(ledger, 0)
    assert '"010190-****"' in ledger.stdout  # two spellings, one citizen
    assert '"010190-****#2"' not in ledger.stdout
    assert '"2024000123"' in ledger.stdout  # a pseudonym stays readable


def test_an_internal_error_is_one_masked_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    def broken(arguments: object) -> None:
        raise RuntimeError("bug near citizen 0101901234")

    monkeypatch.setattr(cli, "_run", broken)
    monkeypatch.delenv("STYRINGSKERNE_DEBUG", raising=False)
    code = cli.main(["ledger", "--dispositions", str(good), "--as-of", "2024-03-31"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INTERNAL
    assert err.strip() == (
        "internal error: RuntimeError: bug near citizen 010190-**** "
        "(a bug in styringskerne; STYRINGSKERNE_DEBUG=1 shows where)"
    )


def test_progress_lines_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    path = tmp_path / "0101901234.csv"
    path.write_text(
        "disposition_id,citizen_id,service,account,provider,start,end,unit,rate,quantity,"
        "probability\nD1,0101901234,SEL108,,,2026-01-01,,day,1000,,\n",
        encoding="utf-8",
    )
    arguments = ["ledger", "--dispositions", str(path), "--as-of", "2026-06-30", "--no-refund"]
    monkeypatch.setattr(cli, "PROGRESS_BYTES", 0)
    assert cli.main(arguments) == 0
    assert "reading" not in capsys.readouterr().err  # not a terminal: nothing
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert cli.main(arguments) == 0
    lines = terminal.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "reading 010190-****.csv …",
        "010190-****.csv: 1 rows loaded, 0 reported",
        "computing the ledger …",
    ]
    monkeypatch.setattr(cli, "PROGRESS_BYTES", 10**9)
    terminal.truncate(0)
    terminal.seek(0)
    assert cli.main(arguments) == 0
    assert terminal.getvalue() == ""  # a small file on a terminal: nothing either
