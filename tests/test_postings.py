"""Postings for the finance system with a kontering template (issue "Money flows" § 4).

The chart of accounts' parts (function, dranst, grouping, art) are from *Budget- og
regnskabssystem for kommuner*, chapter 2; the values used here are made up for the tests.
Amounts are days × rate by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from styringskerne import Disposition, DispositionLedger, StyringskerneError
from styringskerne.cli import main
from styringskerne.core.pseudonyms import KEY_VARIABLE, Pseudonymiser
from styringskerne.payments.bankdays import BankCalendar
from styringskerne.payments.payments import make_payments
from styringskerne.payments.postings import PostingTemplate, posting_rows, write_postings

D = dt.date
TEMPLATE = PostingTemplate(
    pattern="{function}-{dranst}-{grouping}-{art}-{cost_centre}",
    defaults={"dranst": "1", "grouping": "001", "art": "4.0", "cost_centre": "51000"},
    services={"SEL85": {"grouping": "002", "cost_centre": "52000"}},
)


def _payments() -> object:
    stay = Disposition.at_rate(id="D1", citizen_id="010190-1234", service="SEL108",
                               rate="1.000,00", unit="day", start=D(2026, 1, 15),
                               end=D(2026, 2, 28))  # fmt: skip
    support = Disposition.at_rate(id="D2", citizen_id="B-2", service="SEL85", rate="700,00",
                                  unit="week", start=D(2026, 1, 1), end=D(2026, 2, 28))  # fmt: skip
    return make_payments(DispositionLedger([stay, support]), D(2026, 1, 1), D(2026, 2, 28),
                         calendar=BankCalendar.weekends_only())  # fmt: skip


KEY = b"a secret key of the municipality"


def _hmac_pseudonym(citizen_id: str, key: bytes = KEY) -> str:
    """The pseudonym by hand: HMAC-SHA-256 of the id, first 16 hex digits."""
    return "P-" + hmac.new(key, citizen_id.encode(), hashlib.sha256).hexdigest()[:16]


def test_one_posting_per_payment_with_its_account_string() -> None:
    rows = posting_rows(_payments(), TEMPLATE, pseudonyms=Pseudonymiser(KEY))  # type: ignore[arg-type]
    person, other = _hmac_pseudonym("010190-1234"), _hmac_pseudonym("B-2")
    assert [(r["date"], r["account_string"], r["citizen_id"], r["amount"]) for r in rows] == [
        # 1 January 2026 is a holiday only in the Danish calendar; weekends-only pays it then.
        ("2026-01-01", "5.38.39-1-002-4.0-52000", other, "3100.00"),  # 31 days × 100 kr.
        ("2026-01-15", "5.38.50-1-001-4.0-51000", person, "17000.00"),  # 17 × 1.000
        # 1 February is a Sunday: both paid Friday 30 January, by disposition id.
        ("2026-01-30", "5.38.50-1-001-4.0-51000", person, "28000.00"),
        ("2026-01-30", "5.38.39-1-002-4.0-52000", other, "2800.00"),
    ]
    shown = posting_rows(_payments(), TEMPLATE, show_cpr=True)  # type: ignore[arg-type]
    assert shown[1]["citizen_id"] == "010190-1234"


def test_without_a_key_pseudonyms_hold_within_one_file_only() -> None:
    first = posting_rows(_payments(), TEMPLATE)  # type: ignore[arg-type]
    second = posting_rows(_payments(), TEMPLATE)  # type: ignore[arg-type]
    assert first[1]["citizen_id"] == first[2]["citizen_id"] != first[0]["citizen_id"]
    assert first[1]["citizen_id"] != second[1]["citizen_id"]  # a new random key each time
    assert "0101" not in str(first)
    assert "1234" not in str(first)


def test_pseudonyms_join_spellings_and_refuse_short_keys(tmp_path: Path) -> None:
    pseudonym = Pseudonymiser(KEY)
    assert pseudonym("0101901234") == pseudonym("CPR 010190 1234") == pseudonym("010190-1234")
    assert pseudonym("010190-1234") != pseudonym("010190-1235")
    assert pseudonym("010190-1234") != Pseudonymiser(KEY + b"!")("010190-1234")
    assert "secret" not in repr(pseudonym)
    with pytest.raises(StyringskerneError, match="at least 16 bytes"):
        Pseudonymiser(b"short")
    key_file = tmp_path / "key.txt"
    key_file.write_text(KEY.decode() + "\n", encoding="utf-8")
    assert Pseudonymiser.from_file(key_file)("B-2") == _hmac_pseudonym("B-2")
    with pytest.raises(StyringskerneError, match="'absent.txt'"):
        Pseudonymiser.from_file(tmp_path / "absent.txt")


def test_one_posting_per_account_string_and_month() -> None:
    text = write_postings(_payments(), TEMPLATE, per="month")  # type: ignore[arg-type]
    assert text.splitlines() == [
        "month,account_string,function,amount",
        "2026-01,5.38.39-1-002-4.0-52000,5.38.39,5900.00",
        "2026-01,5.38.50-1-001-4.0-51000,5.38.50,45000.00",
    ]
    assert "1234" not in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pattern": "{function}-{art"}, "not valid"),
        ({"pattern": "{function}-{art:>5}", "defaults": {"art": "4"}}, "plain field name"),
        ({"pattern": "{function}-{art}"}, "field 'art' has no default"),
        ({"pattern": "{function}", "defaults": {"art": "4.0"}}, "no field 'art'"),
        ({"pattern": "{function}-{art}", "defaults": {"art": 4}}, "must be text"),
        ({"pattern": "{function}", "defaults": {"function": "5"}}, "comes from each payment"),
        (
            {"pattern": "{function}-{art}", "services": {"SEL85": {"art": "4.0"},
                                                         "SEL108": {}}},
            "no value for SEL108",
        ),
    ],
)  # fmt: skip
def test_template_errors_name_the_field(options: dict[str, object], message: str) -> None:
    with pytest.raises(StyringskerneError, match=message):
        PostingTemplate(**options)  # type: ignore[arg-type]


def test_a_service_the_template_does_not_list_needs_defaults() -> None:
    template = PostingTemplate(pattern="{function}-{art}", services={"SEL85": {"art": "5.2"}})
    with pytest.raises(StyringskerneError, match="service 'SEL108' has no value for art"):
        template.account_string(function="5.38.50", service="SEL108", provider="")


def test_template_from_toml_and_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "kontering.toml"
    template.write_text(
        'pattern = "{function}.{grouping}-{art}"\n[defaults]\ngrouping = "001"\nart = "4.0"\n'
        '[services.SEL85]\ngrouping = "002"\n',
        encoding="utf-8",
    )
    assert PostingTemplate.load(template).services["SEL85"]["grouping"] == "002"
    dispositions = tmp_path / "dispositions.csv"
    dispositions.write_text(
        "disposition_id,citizen_id,service,account,provider,start,end,unit,rate,quantity,"
        "probability\nD1,010190-1234,SEL108,,,2026-03-01,2026-03-31,day,1000,,\n",
        encoding="utf-8",
    )
    arguments = ["payments", "--dispositions", str(dispositions), "--from", "2026-03-01",
                 "--to", "2026-03-31", "--weekends-only", "--template", str(template)]  # fmt: skip
    assert main(arguments) == 0
    # 1 March 2026 is a Sunday: paid Friday 27 February, outside the dates asked for.
    assert capsys.readouterr().out.splitlines() == [
        ",".join(["date", "account_string", "function", "disposition_id", "citizen_id", "amount"])
    ]
    arguments[4] = "2026-02-01"
    assert main([*arguments, "--per", "month", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["postings"] == [{"month": "2026-02", "account_string": "5.38.50.001-4.0",
                                 "function": "5.38.50", "amount": "31000.00"}]  # fmt: skip
    assert data["cash_and_accrual"][0]["paid_ahead"] == "31000.00"
    # With a key (file or environment) a citizen has one pseudonym in every file.
    key_file = tmp_path / "key.txt"
    key_file.write_text(KEY.decode(), encoding="utf-8")
    assert main([*arguments, "--pseudonym-key", str(key_file)]) == 0
    from_file = capsys.readouterr().out
    assert _hmac_pseudonym("010190-1234") in from_file
    assert "1234," not in from_file
    monkeypatch.setenv(KEY_VARIABLE, KEY.decode())
    assert main(arguments) == 0
    assert capsys.readouterr().out == from_file
    monkeypatch.setenv(KEY_VARIABLE, "short")
    assert main(arguments) == 2
    assert f"{KEY_VARIABLE}: a pseudonym key must have at least 16 bytes" in capsys.readouterr().err
    assert main([*arguments, "--pseudonym-key", str(tmp_path / "absent.txt")]) == 2
    assert "--pseudonym-key: cannot read" in capsys.readouterr().err
    plain = [argument for argument in arguments if argument not in ("--template", str(template))]
    assert main([*plain, "--pseudonym-key", str(key_file)]) == 2
    assert "--pseudonym-key is for postings" in capsys.readouterr().err
    template.write_text('pattern = "{function}-{art}"\n', encoding="utf-8")
    assert main(arguments) == 2
    assert "field 'art' has no default" in capsys.readouterr().err
    template.write_text("pattern = [", encoding="utf-8")
    assert main(arguments) == 2
    assert "not valid TOML" in capsys.readouterr().err
