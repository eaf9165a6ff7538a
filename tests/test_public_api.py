"""Pins the public API: a change to these names is a deliberate, reviewed change."""

from __future__ import annotations

import importlib

import styringskerne

PUBLIC = [
    "DIMENSIONS",
    "MAX_ORE",
    "Action",
    "Activity",
    "ActivityBased",
    "ActivityBasedWithFixedFrame",
    "Actual",
    "Alternative",
    "AmountOverflowError",
    "AmountSeries",
    "AmountTable",
    "BudgetFrame",
    "BudgetYear",
    "Buffer",
    "CarryForwardRule",
    "CaseOnTheWay",
    "ChangeExplanation",
    "ChangeItem",
    "Citizen",
    "ColourRule",
    "CostBudget",
    "DateRange",
    "Decision",
    "Disposition",
    "DispositionError",
    "DispositionLedger",
    "LedgerImport",
    "Estimate",
    "FlexibleFollowUp",
    "FollowUpCase",
    "FollowUpSchedule",
    "Forecast",
    "ForecastLine",
    "Frame",
    "Goal",
    "ImportFailedError",
    "LedgerRow",
    "LedgerStatus",
    "LedgerTable",
    "Money",
    "MoneyError",
    "Package",
    "PackageCatalogue",
    "PriceSegment",
    "Recommendation",
    "RecommendationPolicy",
    "Reconciliation",
    "RegulatedFrame",
    "RowError",
    "Rule",
    "RuleSet",
    "ServiceCatalogue",
    "ServiceType",
    "Snapshot",
    "SourceError",
    "SpecialTariffApplication",
    "SpecialTariffGrant",
    "SplitRule",
    "SteeringAssumption",
    "StyringskerneError",
    "Target",
    "Tariff",
    "TariffError",
    "TariffPrice",
    "Unit",
    "VarianceExplanation",
    "WorkingTime",
    "YearResult",
    "YouthTransition",
    "age_on",
    "assumptions_from_ledger",
    "average_price",
    "citizen_steps",
    "citizens_at",
    "cost_based_day_price",
    "cpr_birth_date",
    "day_number",
    "example_catalogue",
    "example_rules",
    "explain_change",
    "follow_up_status",
    "from_day_number",
    "full_year_persons",
    "hourly_price",
    "inflow_outflow",
    "is_cpr_shaped",
    "ladder_distribution",
    "length_of_stay",
    "make_forecast",
    "mask_id",
    "measure_target",
    "most_expensive",
    "movements",
    "occupancy",
    "parse_date",
    "progression",
    "reconcile",
    "purchases_and_sales",
    "settle_year",
    "shadow_budgets",
    "spend_by_area",
    "spend_by_family",
    "weekly_staff_hours",
    "__version__",
]


def test_public_names_are_pinned() -> None:
    assert sorted(styringskerne.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(styringskerne, name), name


def test_every_error_is_a_value_error_under_one_root() -> None:
    for name in (
        "AmountOverflowError",
        "DispositionError",
        "ImportFailedError",
        "MoneyError",
        "SourceError",
        "TariffError",
    ):
        error = getattr(styringskerne, name)
        assert issubclass(error, styringskerne.StyringskerneError)
    assert issubclass(styringskerne.StyringskerneError, ValueError)


def test_every_public_docstring_names_its_danish_term() -> None:
    """House rule: each public docstring names its Danish term in its first line."""
    missing = []
    for name in PUBLIC:
        item = getattr(styringskerne, name)
        if name.startswith("__") or name == "DIMENSIONS":
            continue
        first_line = (item.__doc__ or "").strip().splitlines()[0]
        if "(" not in first_line:
            missing.append(f"{name}: {first_line}")
    assert not missing, missing


def test_engine_imports_nothing_from_the_domain_layer() -> None:
    import ast
    import pathlib

    engine = pathlib.Path(importlib.import_module("styringskerne.engine").__file__).parent
    allowed = {"styringskerne.engine", "styringskerne.core.errors", "styringskerne.core.limits"}
    for path in engine.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("styringskerne"):
                assert any((node.module or "").startswith(a) for a in allowed), (path, node.module)
