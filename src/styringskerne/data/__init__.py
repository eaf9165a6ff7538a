"""Shipped data files (medfølgende data): catalogues, rule sets and schedules as TOML.

Data a municipality owns lives here as examples; :func:`load` reads one file and
:func:`load_example` one of a named set, with an error naming the valid names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib import resources
from typing import Any

from styringskerne.errors import StyringskerneError

__all__ = ["load", "load_example"]


def load(path: str) -> dict[str, Any]:
    """Parse a shipped TOML file, by its path inside this folder (``"services.toml"``)."""
    text = resources.files("styringskerne.data").joinpath(path).read_text("utf-8")
    return tomllib.loads(text)


def load_example(folder: str, name: str, names: Sequence[str], *, what: str) -> dict[str, Any]:
    """Parse ``folder/name.toml`` if ``name`` is one of ``names``.

    Raises:
        StyringskerneError: naming the valid names.
    """
    if name not in names:
        raise StyringskerneError(f"no example {what} {name!r}; choose one of {', '.join(names)}")
    return load(f"{folder}/{name}.toml")
