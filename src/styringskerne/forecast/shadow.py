"""Shadow budgets for the outer years (skyggebudgetter).

The disposition ledger rolled into the years after the budget year with the same rules: known
dispositions (with their known future events), expected dispositions weighted by probability,
youths from the children's area and the outflow at 65 where a municipality uses it. This gives
the next budget's baseline from known citizens. Estimates and buffers belong to the current
year's forecast and are not rolled.

A price-and-wage index (pris- og lønfremskrivning) per year lifts the amounts from the price
level of the ledger's tariffs: the amounts of year Y+k are multiplied by the indices of the years
Y+1 … Y+k and rounded half-even per sub-area and line. Give 1 (the default) for a year whose
prices are already in the tariffs.

With a refund rule the shadow budgets are also net of the state refund for very expensive single
cases (serviceloven § 176): the rule's thresholds are held at the price level of the tariffs,
the refund is reckoned on the outer year's spend at that level and lifted with the same index
as the spend (a refund scales with spend and thresholds together).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs

from styringskerne.core.quantities import Exact, to_fraction
from styringskerne.forecast.forecast import Forecast, ForecastLine, Snapshot, make_forecast
from styringskerne.forecast.transitions import ColourRule
from styringskerne.ledger.refund import RefundRule

__all__ = ["shadow_budgets"]

_ROLLED = ("dispositions", "expected", "transitions", "outflow")


def shadow_budgets(
    snapshot: Snapshot,
    *,
    years: int = 3,
    index: Mapping[int, Exact] | None = None,
    sub_areas: Mapping[str, str] | None = None,
    colour_rule: ColourRule | None = None,
    refund: RefundRule | None = None,
) -> tuple[Forecast, ...]:
    """Shadow budgets for the ``years`` years after the snapshot's year (skyggebudget).

    Args:
        snapshot: what is known now.
        years: how many outer years (default 3: Y+1 … Y+3).
        index: the price-and-wage index per year, e.g. ``{2025: "1.021"}``; missing years are 1.
        sub_areas: a mapping from account to sub-area.
        colour_rule: maps youths' colour codes to probabilities.
        refund: the state refund rule whose thresholds are at the tariffs' price level; the
            shadow budgets then carry refund and net figures.

    Examples:
        >>> import datetime as dt
        >>> from styringskerne import Disposition, DispositionLedger
        >>> ledger = DispositionLedger([Disposition.at_rate(id="D1", citizen_id="B-1",
        ...     service="SEL108", rate="1.000,00", unit="day", start=dt.date(2020, 1, 1))])
        >>> outer = shadow_budgets(Snapshot(as_of=dt.date(2024, 8, 31), ledger=ledger),
        ...                        index={2025: "1.02"})
        >>> [(f.year, str(f.total_expected)) for f in outer]
        [(2025, '372.300,00 kr.'), (2026, '372.300,00 kr.'), (2027, '372.300,00 kr.')]
    """
    factors = {year: to_fraction(value, field="index") for year, value in (index or {}).items()}
    base = snapshot.as_of.year
    result = []
    factor = Fraction(1)
    for year in range(base + 1, base + years + 1):
        factor *= factors.get(year, Fraction(1))
        rule = None
        if refund is not None:
            held = attrs.evolve(
                refund.thresholds,
                year=year,
                source=f"{refund.thresholds.year} thresholds at the tariffs' price level",
            )
            rule = attrs.evolve(refund, thresholds=held)
        plain = make_forecast(
            snapshot, year=year, sub_areas=sub_areas, colour_rule=colour_rule, refund=rule
        )
        lines = tuple(
            ForecastLine(
                kind=line.kind,
                label=line.label,
                amounts={name: amount.multiply(factor) for name, amount in line.amounts.items()},
                assumptions=f"{line.assumptions}; index {factor} on the tariffs' prices",
            )
            for line in plain.lines
            if line.kind in _ROLLED
        )
        result.append(attrs.evolve(plain, lines=lines, refund_factor=factor))
    return tuple(result)
