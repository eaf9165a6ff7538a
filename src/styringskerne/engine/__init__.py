"""The vectorised core (beregningsmotor): pure functions on numpy arrays.

It imports nothing from the domain layer. Days are int64 day numbers (days since 1970-01-01),
amounts int64 øre, units and groups small integer codes. No function loops in Python over
segments or days, and no segments × days matrix is built.
"""

from styringskerne.engine.aggregate import (
    add_into,
    dense_codes,
    exact_sum,
    fraction_sums,
    group_rows_sum,
    group_sum,
    largest_remainder,
    stable_order,
)
from styringskerne.engine.columns import (
    UNIT_CODES,
    UNIT_DAY,
    UNIT_MONTH,
    UNIT_ONCE,
    UNIT_WEEK,
    SegmentColumns,
    build_segment_columns,
)
from styringskerne.engine.cumulative import cumulative_cost, rounded_ratio
from styringskerne.engine.daily import daily_by_group
from styringskerne.engine.labels import CodedLabels
from styringskerne.engine.limits import MAX_ORE, check_cost_limit
from styringskerne.engine.projection import (
    costs_between,
    cumulative_at,
    grouped_interval_costs,
    grouped_windowed_costs,
    interval_costs,
    windowed_interval_costs,
)

__all__ = [
    "MAX_ORE",
    "UNIT_CODES",
    "UNIT_DAY",
    "UNIT_MONTH",
    "UNIT_ONCE",
    "UNIT_WEEK",
    "CodedLabels",
    "SegmentColumns",
    "add_into",
    "build_segment_columns",
    "check_cost_limit",
    "costs_between",
    "cumulative_at",
    "cumulative_cost",
    "daily_by_group",
    "dense_codes",
    "exact_sum",
    "fraction_sums",
    "group_rows_sum",
    "group_sum",
    "grouped_interval_costs",
    "grouped_windowed_costs",
    "interval_costs",
    "largest_remainder",
    "rounded_ratio",
    "stable_order",
    "windowed_interval_costs",
]
