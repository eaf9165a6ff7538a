"""The notebook in the docs runs from top to bottom (issue "What controllers and notebook users
see" § 4): its code cells are executed in order in one namespace, as a kernel would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "notebooks" / "month-end.ipynb"


def test_the_notebook_runs_top_to_bottom() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    namespace: dict[str, Any] = {"__name__": "__notebook__"}
    cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert len(cells) >= 4
    for number, cell in enumerate(cells, start=1):
        assert cell["outputs"] == [], f"cell {number} is saved with outputs; clear them"
        source = "".join(cell["source"])
        exec(compile(source, f"{NOTEBOOK.name} cell {number}", "exec"), namespace)
    assert (namespace["folder"] / "november.xlsx").exists()
    assert namespace["change"].total_change.ore == 20_611_286  # 206.112,86 kr., by hand
