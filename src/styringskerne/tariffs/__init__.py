"""Tariffs (takster): prices, packages, special tariffs, cost-based tariffs and staffing."""
