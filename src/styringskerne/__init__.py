"""styringskerne: exact, vectorised economic steering of the specialised social area.

The public API (styringskernens offentlige navne). Import from here; submodules hold the
details.
"""

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
from styringskerne.ledger import DIMENSIONS, DispositionLedger
from styringskerne.money import Money
from styringskerne.results import AmountSeries, AmountTable, LedgerRow, LedgerStatus, LedgerTable
from styringskerne.tariffs import PriceSegment, Tariff, TariffPrice, Unit

__version__ = "0.1.0"

__all__ = [
    "DIMENSIONS",
    "Actual",
    "AmountSeries",
    "AmountTable",
    "BudgetYear",
    "Citizen",
    "DateRange",
    "Disposition",
    "DispositionError",
    "DispositionLedger",
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
    "StyringskerneError",
    "Tariff",
    "TariffError",
    "TariffPrice",
    "Unit",
    "__version__",
    "age_on",
    "cpr_birth_date",
    "day_number",
    "from_day_number",
    "is_cpr_shaped",
    "mask_id",
    "parse_date",
]
