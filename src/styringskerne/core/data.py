"""Shipped data files (medfølgende data): catalogues, rule sets and schedules as TOML.

Data a municipality owns is shipped as examples beside the code that reads it: the service
catalogue in ``styringskerne/catalogue``, package catalogues in ``styringskerne/tariffs``,
competence rules and follow-up schedules in ``styringskerne/visitation``. :func:`load` reads one
file and :func:`load_example` one of a named set, with an error naming the valid names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib import resources
from typing import Any

from styringskerne.core.errors import StyringskerneError

__all__ = ["load", "load_example"]


def load(package: str, path: str) -> dict[str, Any]:
    """Parse a shipped TOML file by the package it lies in and its path there.

    Examples:
        >>> load("styringskerne.catalogue", "services.toml")["service"][0]["code"]
        'SEL82'
    """
    text = resources.files(package).joinpath(path).read_text("utf-8")
    return tomllib.loads(text)


def load_example(
    package: str, folder: str, name: str, names: Sequence[str], *, what: str
) -> dict[str, Any]:
    """Parse ``folder/name.toml`` in ``package`` if ``name`` is one of ``names``.

    Raises:
        StyringskerneError: naming the valid names.
    """
    if name not in names:
        raise StyringskerneError(f"no example {what} {name!r}; choose one of {', '.join(names)}")
    return load(package, f"{folder}/{name}.toml")
