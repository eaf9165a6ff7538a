"""Bundled example data (eksempeldata): a synthetic municipality for demos, docs and tests."""

from styringskerne.examples.month import ExampleMonth, example_month
from styringskerne.examples.municipality import (
    IKAST_BRANDE_PACKAGES,
    ExampleMunicipality,
    example_municipality,
)

__all__ = [
    "IKAST_BRANDE_PACKAGES",
    "ExampleMonth",
    "ExampleMunicipality",
    "example_month",
    "example_municipality",
]
