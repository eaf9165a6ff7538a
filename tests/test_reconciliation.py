"""Postings against dispositions: booked vs computed per disposition and the reconciliation
list (issue "Money flows" § 3).

Expected figures are days × daily rate by hand, or a plain reimplementation of the matching
rules in this file (dicts and loops over the postings) using the reference costs of the tests.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from styringskerne import (
    Actual,
    Disposition,
    DispositionLedger,
    Money,
    ServiceCatalogue,
    StyringskerneError,
    reconcile,
)
from styringskerne.cli import main
from styringskerne.io.csv import read_actuals, write_actuals
from styringskerne.ledger.reconciliation import POSTING_PROBLEMS
from tests.reference import segment_cost
from tests.strategies import disposition_lists

D = dt.date
CPR = "010190-1234"


def _day_stay(
    id: str, citizen: str, rate: str, start: dt.date, *, service: str = "SEL108", **extra: object
) -> Disposition:
    return Disposition.at_rate(
        id=id, citizen_id=citizen, service=service, rate=rate, unit="day", start=start, **extra
    )


@pytest.fixture
def month_end() -> DispositionLedger:
    dispositions = [
        _day_stay("D1", CPR, "1.000,00", D(2024, 1, 1), provider="Bostedet"),
        _day_stay("D2", "B-2", "500,00", D(2024, 3, 1), service="SEL85"),
        _day_stay("D3", "B-3", "200,00", D(2024, 1, 15)),
        _day_stay("D4", "B-4", "300,00", D(2024, 3, 1), probability="1/2"),
        _day_stay("D5", "B-5", "100,00", D(2024, 3, 20)),
    ]
    postings = [
        Actual(citizen_id=CPR, account="5.38.50", date=D(2024, 1, 31), amount="31.000,00",
               disposition_id="D1"),
        Actual(citizen_id=CPR, account="5.38.50", date=D(2024, 2, 29), amount="29.000,00",
               disposition_id="D1", provider="Andet sted"),
        Actual(citizen_id="B-2", account="5.38.39", date=D(2024, 3, 31), amount="15.000,00"),
        Actual(citizen_id="B-2", account="5.38.39", date=D(2024, 3, 31), amount="100,00",
               disposition_id="D9"),
        Actual(citizen_id="B-7", account="5.38.50", date=D(2024, 3, 15), amount="77,00"),
        Actual(citizen_id="B-3", account="5.38.50", date=D(2023, 12, 31), amount="999,00"),
        Actual(citizen_id="B-3", account="5.38.50", date=D(2024, 4, 1), amount="6.200,00"),
    ]  # fmt: skip
    return DispositionLedger(dispositions, postings)


def test_booked_against_computed_per_disposition_by_hand(month_end: DispositionLedger) -> None:
    rows = month_end.as_of(D(2024, 3, 31)).by_disposition
    # D1: 91 days × 1.000 kr. computed; 31.000 + 29.000 posted with its id.
    assert rows["D1"].booked_to_date == Money.of("60000")
    assert rows["D1"].computed_to_date == Money.of("91000")
    # D2's postings name no disposition: booked on the citizen and account, not on D2.
    assert rows["D2"].booked_to_date == Money(0)
    assert rows["D2"].computed_to_date == Money.of("15500")  # 31 × 500
    # D4 is expected with probability 1/2: weighted in the ledger's columns.
    assert rows["D4"].computed_to_date == Money.of("4650")  # 31 × 300 / 2
    assert "D9" not in rows


def test_reconciliation_lists_by_hand(month_end: DispositionLedger) -> None:
    result = reconcile(month_end, D(2024, 3, 31), tolerance="400,00")
    assert [(p.reason, p.amount) for p in result.unmatched] == [
        ("unknown-disposition", Money.of("100")),
        ("no-disposition", Money.of("77")),
    ]
    assert [(p.reason, p.disposition_id, p.provider) for p in result.mismatched] == [
        ("provider-differs", "D1", "Andet sted")
    ]
    assert "Bostedet" in result.mismatched[0].detail
    # D3 started 15 January, nothing posted by 31 March (the 1 April posting is after the
    # as-of date, the 2023 one before the year): 17 + 29 + 31 = 77 days, 77 × 200 kr. D5 has
    # run 12 days, D4 is only expected: neither is listed.
    assert [(d.disposition_id, d.days, d.computed_to_date) for d in result.without_postings] == [
        ("D3", 77, Money.of("15400"))
    ]
    assert [(r.disposition_id, r.citizen_id, r.difference) for r in result.differences] == [
        ("D1", CPR, Money.of("-31000")),
        (None, "B-2", Money.of("-500")),
    ]
    # Booked: 31.000 + 29.000 + 15.000 + 100 + 77; computed: granted D1, D2, D3, D5.
    assert result.booked_to_date == Money.of("75177")
    assert result.computed_to_date == Money.of(str(91_000 + 15_500 + 15_400 + 1_200))
    assert result.unmatched_amount == Money.of("177")


def test_tolerance_and_days_narrow_the_lists(month_end: DispositionLedger) -> None:
    strict = reconcile(
        month_end, D(2024, 3, 31), tolerance="500,00", days_without_postings=77
    )  # D3 has run 77 days
    assert [r.disposition_id for r in strict.differences] == ["D1"]  # |−500| is not above 500
    assert strict.without_postings == ()
    eager = reconcile(month_end, D(2024, 3, 31), days_without_postings=0)
    assert [d.disposition_id for d in eager.without_postings] == ["D3", "D5"]
    assert eager.row_count == 2


def test_a_posting_naming_another_citizens_disposition_is_booked_on_it() -> None:
    ledger = DispositionLedger(
        [_day_stay("D1", "B-1", "100,00", D(2024, 1, 1))],
        [
            Actual(
                citizen_id=CPR,
                account="5.38.42",
                date=D(2024, 1, 31),
                amount="3.100,00",
                disposition_id="D1",
            ),
        ],
    )
    result = reconcile(ledger, D(2024, 1, 31))
    assert [p.reason for p in result.mismatched] == ["citizen-differs", "account-differs"]
    assert result.differences == ()  # the amount is right
    assert "B-1" in result.mismatched[0].detail
    assert "1234" not in result.to_json()
    assert "1234" not in repr(result.mismatched)
    assert CPR in result.to_json(show_cpr=True)


def test_ledgers_from_arrays_match_postings_by_row_number() -> None:
    ledger = DispositionLedger.from_arrays(
        citizen_id=np.array(["B-1", "B-2"]), account=np.array(["5.38.50", "5.38.50"]),
        start=np.array(["2024-01-01", "2024-01-01"], dtype="datetime64[D]"),
        end=np.array(["NaT", "NaT"], dtype="datetime64[D]"), unit=np.array(["day", "day"]),
        rate_ore=np.array([10_000, 20_000]),
        actuals=[Actual(citizen_id="B-2", account="5.38.50", date=D(2024, 1, 10),
                        amount="2.000,00", disposition_id="1")],
    )  # fmt: skip
    assert ledger.as_of(D(2024, 1, 10)).by_disposition["1"].booked_to_date == Money.of("2000")
    assert reconcile(ledger, D(2024, 1, 10)).problems == ()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tolerance": "-1"}, "'tolerance' must be 0 or more"),
        ({"days_without_postings": -1}, "'days_without_postings' must be 0 or more"),
        ({"days_without_postings": True}, "must be a whole number of days"),
        ({"days_without_postings": 1.5}, "must be a whole number of days"),
        ({"year": 2023}, "not in budget year 2023"),
        ({"tolerance": 5}, "Money.of"),
    ],
)
def test_bad_options_are_named(
    month_end: DispositionLedger, options: dict[str, object], message: str
) -> None:
    with pytest.raises(StyringskerneError, match=message):
        reconcile(month_end, D(2024, 3, 31), **options)  # type: ignore[arg-type]


def test_postings_file_with_disposition_and_provider_columns(tmp_path: Path) -> None:
    source = tmp_path / "bogføring.csv"
    source.write_text(
        "cpr;konto;dato;beløb;bevilling;leverandør\n"
        "010190-1234;5.38.50;31-01-2024;31.000,00;D1;Bostedet\n"
        "B-2;5.38.39;31-03-2024;15.000,00;;\n",
        encoding="cp1252",
    )
    result = read_actuals(source)
    assert result.errors == ()
    first, second = result.items
    assert (first.disposition_id, first.provider) == ("D1", "Bostedet")
    assert (second.disposition_id, second.provider) == (None, None)
    target = tmp_path / "out.csv"
    assert write_actuals(result.items, target) == 2
    assert target.read_text(encoding="utf-8").splitlines()[0] == (
        "citizen_id,account,date,amount,disposition_id,provider"
    )
    assert read_actuals(target).items == result.items


def test_actual_rejects_a_disposition_id_that_is_not_text() -> None:
    with pytest.raises(StyringskerneError, match="'disposition_id' must be a str"):
        Actual(citizen_id="B-1", account="5.38.50", date=D(2024, 1, 1), amount="1",
               disposition_id=7)  # type: ignore[arg-type]  # fmt: skip


# -- the rules, reimplemented plainly ------------------------------------------------------

ACCOUNT = ServiceCatalogue.default().account_for


def _account(disposition: Disposition) -> str:
    return disposition.account or ACCOUNT(disposition.service)


def _plain_reconciliation(
    dispositions: list[Disposition], postings: list[Actual], day: dt.date, days: int
) -> tuple[set[tuple[object, ...]], list[tuple[str, int]], set[str], int]:
    first = D(day.year, 1, 1)
    by_id = {d.id: d for d in dispositions}
    pairs = {(d.citizen_id, _account(d)) for d in dispositions}
    computed = {
        d.id: sum(segment_cost(s, Fraction(1), first, day) for s in d.segments)
        if d.probability == 1
        else 0
        for d in dispositions
    }
    booked_id: dict[str, int] = defaultdict(int)
    booked_pair: dict[tuple[str, str], int] = defaultdict(int)
    problems: list[tuple[str, int]] = []
    for posting in postings:
        if not first <= posting.date <= day:
            continue
        if posting.disposition_id is not None:
            if posting.disposition_id in by_id:
                booked_id[posting.disposition_id] += posting.amount.ore
            else:
                problems.append(("unknown-disposition", posting.amount.ore))
        elif (posting.citizen_id, posting.account) in pairs:
            booked_pair[posting.citizen_id, posting.account] += posting.amount.ore
        else:
            problems.append(("no-disposition", posting.amount.ore))
    rows = {
        (i, by_id[i].citizen_id, _account(by_id[i]), b, computed[i]) for i, b in booked_id.items()
    }
    computed_pair: dict[tuple[str, str], int] = defaultdict(int)
    silent: set[str] = set()
    for d in dispositions:
        if d.id in booked_id or d.probability != 1:
            continue
        key = (d.citizen_id, _account(d))
        if key in booked_pair:
            computed_pair[key] += computed[d.id]
        elif computed[d.id] > 0 and (day - max(d.start, first)).days + 1 > days:
            silent.add(d.id)
    rows |= {(None, *key, b, computed_pair[key]) for key, b in booked_pair.items()}
    return rows, sorted(problems), silent, sum(v for v in computed.values())


@st.composite
def _postings(draw: st.DrawFn, dispositions: list[Disposition]) -> list[Actual]:
    result = []
    for _ in range(draw(st.integers(0, 12))):
        d = draw(st.sampled_from(dispositions))
        kind = draw(st.sampled_from(["id", "pair", "unknown", "stranger"]))
        result.append(
            Actual(
                citizen_id="B-99" if kind == "stranger" else d.citizen_id,
                account=_account(d),
                date=draw(st.dates(D(2023, 11, 1), D(2025, 2, 1))),
                amount=Money(draw(st.integers(-(10**8), 10**8))),
                disposition_id={"id": d.id, "unknown": "X-1"}.get(kind),
                provider=draw(st.sampled_from([None, d.provider, "Andet"])),
            )
        )
    return result


@given(
    st.data(), disposition_lists(), st.dates(D(2024, 1, 1), D(2024, 12, 31)), st.integers(0, 400)
)
def test_reconciliation_equals_the_plain_rules(
    data: st.DataObject, dispositions: list[Disposition], day: dt.date, days: int
) -> None:
    postings = data.draw(_postings(dispositions))
    ledger = DispositionLedger(dispositions, postings)
    result = reconcile(ledger, day, days_without_postings=days)
    rows, problems, silent, computed = _plain_reconciliation(dispositions, postings, day, days)
    assert {
        (r.disposition_id, r.citizen_id, r.account, r.booked_to_date.ore, r.computed_to_date.ore)
        for r in result.all_rows()
    } == rows
    assert sorted((p.reason, p.amount.ore) for p in result.unmatched) == problems
    assert {d.disposition_id for d in result.without_postings} == silent
    assert result.computed_to_date.ore == computed
    # Every booked øre is in one row or unmatched; the ledger's booked total agrees.
    status = ledger.as_of(day)
    assert result.booked_to_date == status.total.booked_to_date
    assert sum(r.booked_to_date.ore for r in result.all_rows()) + result.unmatched_amount.ore == (
        result.booked_to_date.ore
    )
    assert all(p.reason in POSTING_PROBLEMS for p in result.problems)
    json.loads(result.to_json())
    assert "1234" not in result.to_json()
    assert "4321" not in repr(result.problems)


def test_reconcile_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dispositions = tmp_path / "dispositions.csv"
    dispositions.write_text(
        "disposition_id,citizen_id,service,account,provider,start,end,unit,rate,quantity,"
        "probability\n"
        f"D1,{CPR},SEL108,,Bostedet,2024-01-01,,day,1000,,\n"
        "D3,B-3,SEL108,,,2024-01-15,,day,200,,\n",
        encoding="utf-8",
    )
    postings = tmp_path / "postings.csv"
    postings.write_text(
        "cpr;konto;dato;beløb;bevilling;leverandør\n"
        f"{CPR};5.38.50;31-01-2024;31.000,00;D1;Bostedet\n"
        "B-7;5.38.50;15-03-2024;77,00;;\n",
        encoding="cp1252",
    )
    arguments = ["reconcile", "--dispositions", str(dispositions), "--actuals", str(postings),
                 "--as-of", "2024-03-31", "--tolerance", "1.000,00"]  # fmt: skip
    assert main(arguments) == 0
    text = capsys.readouterr().out
    assert "010190-****" in text
    assert "1234" not in text
    assert "-60.000,00" in text  # D1: 31.000 booked against 91 × 1.000 computed
    assert main([*arguments, "--format", "json", "--days", "90"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["amount"] for p in data["unmatched"]] == ["77.00"]
    assert data["without_postings"] == []  # D3 has run 77 days, not more than 90
    assert [row["difference"] for row in data["differences"]] == ["-60000.00"]
    assert main([*arguments, "--tolerance", "ti kroner"]) == 2
    assert "--tolerance" in capsys.readouterr().err
