"""Keeps docs/seeds.md true: every artefact listed as reproduced or modelled names a test, and
every test named exists; the seed places the project's issue lists are all in the table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATUSES = {"reproduced", "modelled", "assumption", "not modelled"}


def table() -> list[tuple[str, str, str, str]]:
    text = (ROOT / "docs" / "seeds.md").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith(("| Artefact", "|---")):
            continue
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        assert len(cells) == 4, line
        rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


def existing_tests() -> set[str]:
    names = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        names |= set(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    return names


def test_every_reproduced_or_modelled_artefact_has_a_test_that_exists() -> None:
    existing = existing_tests()
    rows = table()
    assert len(rows) > 50
    for artefact, _, status, tests in rows:
        assert status in STATUSES, (artefact, status)
        named = re.findall(r"`(test_\w+)`", tests)
        if status in ("reproduced", "modelled"):
            assert named, f"{artefact}: {status} but no test named"
        missing = [name for name in named if name not in existing]
        assert not missing, f"{artefact}: no such test {missing}"
        if status == "not modelled":
            assert tests, f"{artefact}: say why it is not modelled"
            assert not named, f"{artefact}: not modelled, yet it names a test"


def test_the_seed_places_are_all_in_the_table() -> None:
    """The boxes and tables the reports are read for each have a row."""
    artefacts = " ".join(row[0] for row in table())
    for place in ("Tabel 1.1", "Tabel 4.1", "Tabel 4.2", "Tabel 4.3", "Boks 4.2", "Boks 4.3",
                  "Boks 4.4", "Boks 4.5", "Boks 5.1", "Figur 6.1", "Boks 6.1", "Boks 6.2",
                  "Boks 6.3", "Tabel 7.1", "Boks 7.2", "Boks 7.3", "Boks 7.5", "Boks 7.6",
                  "Bilagstabel 1", "Bilagstabel 2", "Bilagstabel 3", "Bilagstabel 4"):  # fmt: skip
        assert place in artefacts, place
