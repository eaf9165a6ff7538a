"""Keeps docs/architecture.md's layout list honest: it names exactly the modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "styringskerne"


def documented() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("<!-- layout:start -->")[1].split("<!-- layout:end -->")[0]
    return set(re.findall(r"`styringskerne/([^`]+)`", block))


def present() -> set[str]:
    names = {path.name for path in PACKAGE.glob("*.py")}
    names |= {
        f"{path.name}/"
        for path in PACKAGE.iterdir()
        if path.is_dir() and path.name != "__pycache__"
    }
    return names


def test_layout_list_matches_the_package() -> None:
    assert documented() == present()


def test_every_api_page_points_at_a_module() -> None:
    for page in (ROOT / "docs" / "api").glob("*.md"):
        for module in re.findall(r"^::: (\S+)", page.read_text(encoding="utf-8"), flags=re.M):
            path = ROOT / "src" / Path(*module.split("."))
            assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), module
