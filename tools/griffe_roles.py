"""A Griffe extension for the docs build: Sphinx roles in docstrings become links.

The library's docstrings say ``:class:`Money``` and ``:meth:`~Forecast.to_columns``` (they
read well in ``help()`` and an editor). mkdocstrings writes Markdown, where such a role would
stand as raw text; this extension rewrites each role to a cross-reference such as
``[Money][styringskerne.core.money.Money]`` when the target is on an API page, and to plain
code otherwise, so the built site shows no role (``tools/check_site.py`` checks it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|data|mod|attr|exc|obj):`(~?)([^`]+)`")
_API = Path(__file__).resolve().parent.parent / "docs" / "api"


def _documented_modules() -> set[str]:
    modules: set[str] = set()
    for page in _API.glob("*.md"):
        modules |= set(re.findall(r"^::: (\S+)", page.read_text(encoding="utf-8"), flags=re.M))
    return modules


class SphinxRoles(griffe.Extension):
    """Rewrites Sphinx roles in every docstring of the package once it is loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.modules = _documented_modules()

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self._walk(pkg)

    def _walk(self, obj: griffe.Object) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(lambda m: self._link(obj, m), obj.docstring.value)
        for member in obj.members.values():
            if not member.is_alias:
                self._walk(member)  # type: ignore[arg-type]

    def _link(self, obj: griffe.Object, match: re.Match[str]) -> str:
        short, name = match.group(1) == "~", match.group(2).strip()
        title = name.rsplit(".", 1)[-1] if short else name
        path = self._resolve(obj, name)
        if path is None or not self._on_a_page(path):
            return f"`{title}`"
        return f"[`{title}`][{path}]"

    def _resolve(self, obj: griffe.Object, name: str) -> str | None:
        if name.startswith("styringskerne."):
            return name
        first, _, rest = name.partition(".")
        scope: griffe.Object | None = obj
        while scope is not None:
            found = scope.members.get(first)
            if found is not None:
                path = found.target_path if found.is_alias else found.path  # type: ignore[union-attr]
                return f"{path}.{rest}" if rest else path
            scope = scope.parent
        return None

    def _on_a_page(self, path: str) -> bool:
        for module in self.modules:
            if path == module:
                return True
            if path.startswith(module + "."):
                inner = path[len(module) + 1 :].split(".")
                return not any(part.startswith("_") for part in inner)
        return False
