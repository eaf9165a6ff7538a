"""styringskerne: exact, vectorised economic steering of the specialised social area.

The public API (styringskernens offentlige navne). Import from here; submodules hold the
details.
"""

from styringskerne.budget.frame import (
    Action,
    BudgetFrame,
    SteeringAssumption,
    VarianceExplanation,
    YearResult,
    assumptions_from_ledger,
)
from styringskerne.catalogue.services import ServiceCatalogue, ServiceType
from styringskerne.core.calendar import (
    BudgetYear,
    DateRange,
    day_number,
    from_day_number,
    parse_date,
)
from styringskerne.core.cpr import age_on, cpr_birth_date, is_cpr_shaped, mask_id
from styringskerne.core.errors import (
    AmountOverflowError,
    DispositionError,
    ImportFailedError,
    MoneyError,
    RowError,
    SourceError,
    StyringskerneError,
    TariffError,
)
from styringskerne.core.limits import MAX_ORE
from styringskerne.core.money import Money
from styringskerne.dispositions import Actual, Citizen, Disposition
from styringskerne.forecast.explanation import ChangeExplanation, ChangeItem, explain_change
from styringskerne.forecast.forecast import (
    Buffer,
    CaseOnTheWay,
    Estimate,
    Forecast,
    ForecastLine,
    Snapshot,
    make_forecast,
)
from styringskerne.forecast.shadow import shadow_budgets
from styringskerne.forecast.transitions import ColourRule, YouthTransition
from styringskerne.kpi.figures import (
    average_price,
    citizens_at,
    full_year_persons,
    inflow_outflow,
    length_of_stay,
    occupancy,
    progression,
    purchases_and_sales,
)
from styringskerne.ledger.ledger import DIMENSIONS, DispositionLedger, LedgerImport
from styringskerne.ledger.reconciliation import Reconciliation, reconcile
from styringskerne.ledger.results import (
    AmountSeries,
    AmountTable,
    LedgerRow,
    LedgerStatus,
    LedgerTable,
)
from styringskerne.steering import (
    Activity,
    ActivityBased,
    ActivityBasedWithFixedFrame,
    Frame,
    RegulatedFrame,
)
from styringskerne.tariffs.costing import CarryForwardRule, CostBudget, settle_year
from styringskerne.tariffs.packages import Package, PackageCatalogue, example_catalogue
from styringskerne.tariffs.prices import (
    PriceSegment,
    Tariff,
    TariffPrice,
    Unit,
    cost_based_day_price,
)
from styringskerne.tariffs.specialtariff import SpecialTariffApplication, SpecialTariffGrant
from styringskerne.tariffs.staffing import WorkingTime, hourly_price, weekly_staff_hours
from styringskerne.visitation.competence import Decision, Rule, RuleSet, example_rules
from styringskerne.visitation.crosssector import SplitRule, spend_by_area, spend_by_family
from styringskerne.visitation.followup import (
    FlexibleFollowUp,
    FollowUpCase,
    FollowUpSchedule,
    follow_up_status,
    most_expensive,
)
from styringskerne.visitation.ladder import (
    Target,
    citizen_steps,
    ladder_distribution,
    measure_target,
    movements,
)
from styringskerne.visitation.recommendation import (
    Alternative,
    Goal,
    Recommendation,
    RecommendationPolicy,
)

__version__ = "0.1.0"

__all__ = [
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
    "Estimate",
    "FlexibleFollowUp",
    "FollowUpCase",
    "FollowUpSchedule",
    "Forecast",
    "ForecastLine",
    "Frame",
    "Goal",
    "ImportFailedError",
    "LedgerImport",
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
    "__version__",
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
    "purchases_and_sales",
    "reconcile",
    "settle_year",
    "shadow_budgets",
    "spend_by_area",
    "spend_by_family",
    "weekly_staff_hours",
]
