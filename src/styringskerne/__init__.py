"""styringskerne: exact, vectorised economic steering of the specialised social area.

The public API (styringskernens offentlige navne). Import from here; submodules hold the
details.
"""

from styringskerne.budget import (
    Action,
    BudgetFrame,
    SteeringAssumption,
    VarianceExplanation,
    YearResult,
    assumptions_from_ledger,
)
from styringskerne.calendar import BudgetYear, DateRange, day_number, from_day_number, parse_date
from styringskerne.catalogue import ServiceCatalogue, ServiceType
from styringskerne.cpr import age_on, cpr_birth_date, is_cpr_shaped, mask_id
from styringskerne.dispositions import Actual, Citizen, Disposition
from styringskerne.errors import (
    DispositionError,
    ImportFailedError,
    MoneyError,
    RowError,
    StyringskerneError,
    TariffError,
)
from styringskerne.explanation import ChangeExplanation, ChangeItem, explain_change
from styringskerne.forecast import (
    Buffer,
    CaseOnTheWay,
    Estimate,
    Forecast,
    ForecastLine,
    Snapshot,
    make_forecast,
)
from styringskerne.ledger import DIMENSIONS, DispositionLedger
from styringskerne.money import Money
from styringskerne.results import AmountSeries, AmountTable, LedgerRow, LedgerStatus, LedgerTable
from styringskerne.shadow import shadow_budgets
from styringskerne.tariffs import PriceSegment, Tariff, TariffPrice, Unit
from styringskerne.transitions import ColourRule, YouthTransition

__version__ = "0.1.0"

__all__ = [
    "DIMENSIONS",
    "Action",
    "Actual",
    "AmountSeries",
    "AmountTable",
    "BudgetFrame",
    "BudgetYear",
    "Buffer",
    "CaseOnTheWay",
    "ChangeExplanation",
    "ChangeItem",
    "Citizen",
    "ColourRule",
    "DateRange",
    "Disposition",
    "DispositionError",
    "DispositionLedger",
    "Estimate",
    "Forecast",
    "ForecastLine",
    "ImportFailedError",
    "LedgerRow",
    "LedgerStatus",
    "LedgerTable",
    "Money",
    "MoneyError",
    "PriceSegment",
    "RowError",
    "ServiceCatalogue",
    "ServiceType",
    "Snapshot",
    "SteeringAssumption",
    "StyringskerneError",
    "Tariff",
    "TariffError",
    "TariffPrice",
    "Unit",
    "VarianceExplanation",
    "YearResult",
    "YouthTransition",
    "__version__",
    "age_on",
    "assumptions_from_ledger",
    "cpr_birth_date",
    "day_number",
    "explain_change",
    "from_day_number",
    "is_cpr_shaped",
    "make_forecast",
    "mask_id",
    "parse_date",
    "shadow_budgets",
]
