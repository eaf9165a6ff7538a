"""The change explanation's outputs read word for word: the dictionary and JSON forms, the
tidy columns, the notebook table, the frames and an explanation written by hand. One small
explanation is worked out by hand: three sub-areas, a CPR number as a citizen id, inside a
disposition id and in a note, and a sub-area with items but no change of its own."""

from __future__ import annotations

import json

import pytest

from styringskerne import Money
from styringskerne.forecast.change_items import ChangeItem
from styringskerne.forecast.explanation import ChangeExplanation
from styringskerne.forecast.forecast import CaseOnTheWay

CPR = "010190-1234"
MASKED = "010190-****"


def _explanation() -> ChangeExplanation:
    return ChangeExplanation(
        sub_area_changes={"5.38.50": Money(100_000), "5.38.52": Money(-25_000)},
        items=[
            ChangeItem(
                sub_area="5.38.50",
                reason="price",
                amount=Money(-5_000),
                citizen_id="B-2",
                disposition_id="D7",
            ),
            ChangeItem(
                sub_area="5.38.60", reason="estimate", amount=Money(3_000), label="estimate: øvrige"
            ),
            ChangeItem(
                sub_area="5.38.50",
                reason="new",
                amount=Money(120_000),
                citizen_id=CPR,
                disposition_id=f"D-{CPR}",
                label=f"from {CPR}",
            ),
        ],
        cases_on_the_way=(CaseOnTheWay(citizen_id=CPR, sub_area="5.38.52", note=f"on {CPR}"),),
    )


def _expected_dict(citizen: str, note: str) -> dict[str, object]:
    # Totals: change 1.000,00 − 250,00 = 750,00 kr.; explained 1.200 − 50 + 30 = 1.180,00
    # kr.; residual −430,00 kr. = −150,00 (5.38.50) − 250,00 (5.38.52) − 30,00 (5.38.60).
    return {
        "total": "750.00",
        "residual": "-430.00",
        "by_sub_area": {
            "5.38.50": {
                "change": "1000.00",
                "residual": "-150.00",
                "items": [
                    {"citizen_id": citizen, "reason": "new", "amount": "1200.00",
                     "disposition_id": f"D-{citizen}", "label": f"from {citizen}"},
                    {"citizen_id": "B-2", "reason": "price", "amount": "-50.00",
                     "disposition_id": "D7", "label": ""},
                ],
            },
            "5.38.52": {"change": "-250.00", "residual": "-250.00", "items": []},
            "5.38.60": {
                "change": "0.00",
                "residual": "-30.00",
                "items": [
                    {"citizen_id": None, "reason": "estimate", "amount": "30.00",
                     "disposition_id": None, "label": "estimate: øvrige"},
                ],
            },
        },
        "cases_on_the_way": [{"citizen_id": citizen, "sub_area": "5.38.52", "note": note}],
    }  # fmt: skip


def test_totals_and_residuals_by_hand() -> None:
    explanation = _explanation()
    assert explanation.total_change == Money(75_000)
    assert explanation.explained == Money(118_000)
    assert explanation.residual == Money(-43_000)
    assert explanation.residual_in("5.38.50") == Money(-15_000)
    assert explanation.residual_in("5.38.52") == Money(-25_000)
    assert explanation.residual_in("5.38.60") == Money(-3_000)
    assert explanation.residual_in("9.99") == Money(0)
    assert [item.reason for item in explanation.items_in("5.38.50")] == ["new", "price"]
    assert repr(explanation) == (
        "ChangeExplanation(total_change=750,00 kr., sub_areas=2, items=3, residual=-430,00 kr.)"
    )


def test_the_dictionary_and_json_forms_word_for_word() -> None:
    explanation = _explanation()
    masked = _expected_dict(MASKED, f"on {MASKED}")
    shown = _expected_dict(CPR, f"on {CPR}")
    assert explanation.to_dict() == masked
    assert explanation.to_dict(show_cpr=False) == masked
    assert explanation.to_dict(show_cpr=True) == shown
    # The keys in this order, indented by two, Danish letters as they are.
    assert explanation.to_json() == json.dumps(masked, indent=2, ensure_ascii=False)
    assert "øvrige" in explanation.to_json()
    assert explanation.to_json(indent=None) == json.dumps(masked, ensure_ascii=False)
    assert explanation.to_json(show_cpr=True) == json.dumps(shown, indent=2, ensure_ascii=False)
    assert "1234" not in explanation.to_json()


def _expected_columns(citizen: str) -> dict[str, list[object]]:
    # Each sub-area in order: its items largest first, then its residual when not zero.
    rows = [
        ("5.38.50", "new", citizen, f"D-{citizen}", f"from {citizen}", 120_000),
        ("5.38.50", "price", "B-2", "D7", "", -5_000),
        ("5.38.50", "residual", None, None, "", -15_000),
        ("5.38.52", "residual", None, None, "", -25_000),
        ("5.38.60", "estimate", None, None, "estimate: øvrige", 3_000),
        ("5.38.60", "residual", None, None, "", -3_000),
    ]
    names = ("sub_area", "reason", "citizen_id", "disposition_id", "label", "amount_ore")
    return {name: [row[k] for row in rows] for k, name in enumerate(names)}


def test_the_tidy_columns_and_frames_word_for_word() -> None:
    explanation = _explanation()
    assert explanation.to_columns() == _expected_columns(MASKED)
    assert explanation.to_columns(show_cpr=True) == _expected_columns(CPR)
    assert sum(explanation.to_columns()["amount_ore"]) == 75_000
    pandas = pytest.importorskip("pandas")
    frame = explanation.to_pandas().to_dict("list")
    # pandas shows a missing text as NaN.
    assert {
        name: [None if pandas.isna(value) else value for value in values]
        for name, values in frame.items()
    } == _expected_columns(MASKED)
    assert explanation.to_pandas(show_cpr=True)["citizen_id"].tolist()[0] == CPR
    pytest.importorskip("pyarrow")
    assert explanation.to_arrow().to_pydict() == _expected_columns(MASKED)
    assert explanation.to_arrow(show_cpr=True).to_pydict() == _expected_columns(CPR)


def test_a_sub_area_without_a_residual_has_no_residual_row() -> None:
    explanation = ChangeExplanation(
        sub_area_changes={"a": Money(7), "b": Money(0)},
        items=[ChangeItem(sub_area="a", reason="new", amount=Money(7))],
    )
    assert explanation.to_columns() == {
        "sub_area": ["a"],
        "reason": ["new"],
        "citizen_id": [None],
        "disposition_id": [None],
        "label": [""],
        "amount_ore": [7],
    }


def test_the_notebook_table_shows_every_sub_area_with_its_reasons() -> None:
    page = _explanation()._repr_html_()
    assert page.startswith(
        "<div><strong>Change of the forecast: 750,00 kr. (+ = more spend)</strong>"
    )
    head = "".join(
        f"<th>{name}</th>" for name in ("Sub-area", "Change", "Items", "By reason", "Unexplained")
    )
    assert f"<thead><tr>{head}</tr></thead>" in page

    def row(*cells: str) -> str:
        return "<tr>" + "".join(
            f"<td style='text-align:{'right' if k else 'left'}'>{cell}</td>"
            for k, cell in enumerate(cells)
        ) + "</tr>"  # fmt: skip

    # The reasons largest first, whatever the order of the items.
    assert row("5.38.50", "1.000,00", "2", "new 1.200,00, price -50,00", "-150,00") in page
    assert row("5.38.52", "-250,00", "0", "", "-250,00") in page
    # A sub-area with items but no change of its own is shown too.
    assert row("5.38.60", "0,00", "1", "estimate 30,00", "-30,00") in page
    assert "<p>Per citizen: .items_in(sub_area) or .to_pandas()</p>" in page
    assert "1234" not in page


def test_an_explanation_by_hand() -> None:
    items = [ChangeItem(sub_area="x", reason="new", amount=Money(5))]
    box = ChangeExplanation.by_hand(total_change=Money(8), items=items)
    assert box.sub_area_changes == {"total": Money(8)}
    assert box.residual == Money(3)
    named = ChangeExplanation.by_hand(total_change=Money(8), items=items, sub_area="x")
    assert named.sub_area_changes == {"x": Money(8)}
    assert named.residual_in("x") == Money(3)


def test_the_notebook_table_lists_reasons_by_size_then_name() -> None:
    # price (−5,00) is larger than new (+1,00) though its name comes later; ended (+2,00)
    # and other (−2,00) are equally large and go by their names.
    items = [
        ChangeItem(sub_area="a", reason=reason, amount=Money(ore))
        for reason, ore in (("new", 100), ("other", -200), ("price", -500), ("ended", 200))
    ]
    page = ChangeExplanation(sub_area_changes={"a": Money(-400)}, items=items)._repr_html_()
    assert ">price -5,00, ended 2,00, other -2,00, new 1,00<" in page
