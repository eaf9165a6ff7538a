"""Reconciliation of postings against dispositions (afstemning af bogføring mod dispositioner).

A controller closing a month asks three things of the finance system's postings: which postings
pay no disposition at all, which granted dispositions have had no posting for a while, and where
what was booked differs from what the dispositions cost. :func:`reconcile` answers all three for
a budget year as of a date, exactly and on arrays.

How postings are matched:

- A posting that names a disposition (``disposition_id``, *bevilling*) belongs to it. If the
  disposition is not in the ledger, the posting is *unmatched* (``unknown-disposition``); if it
  is, but the posting's citizen, account or provider differ from the disposition's, it still
  belongs to it and is listed as a *mismatch* (``citizen-differs``, ``account-differs``,
  ``provider-differs``).
- A posting without a disposition id belongs to its citizen and account, as the ledger has always
  matched postings. If no disposition of the ledger has that citizen and account, it is
  unmatched (``no-disposition``).

Booked against computed: every disposition named by a posting is one row (its postings against
its cost to date); every citizen and account with postings without an id is one row (those
postings against the cost of that citizen's dispositions on the account that no posting names).
A granted disposition that no posting reaches by either route is listed *without postings* once
it has run more than ``days_without_postings`` days in the year. So every booked
øre is in exactly one row or among the unmatched postings, and every computed øre of a granted
disposition in exactly one row or among the dispositions without postings.

Only granted dispositions (probability 1) are reconciled: an expected disposition is not yet
paid, so its computed cost counts as nil here (it still counts, weighted, in the ledger's
columns). Booked and computed are *to date*: postings dated 1 January to the as-of date against
the cost of those days; reconcile as of the last day of a month whose postings are closed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.core.calendar import (
    as_of_in_year,
    day_number,
    from_day_number,
)
from styringskerne.core.cpr import mask_id
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.html import html_table
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import Money, to_money
from styringskerne.core.tabular import arrow_table, pandas_frame
from styringskerne.engine import exact_sum, group_sum, interval_costs
from styringskerne.ledger.ledger import NO_DISPOSITION, UNKNOWN_DISPOSITION

if TYPE_CHECKING:
    from styringskerne.core.money import MoneyLike
    from styringskerne.ledger.ledger import DispositionLedger

__all__ = [
    "DEFAULT_DAYS_WITHOUT_POSTINGS",
    "POSTING_PROBLEMS",
    "BookedAgainstComputed",
    "DispositionWithoutPostings",
    "PostingProblem",
    "Reconciliation",
    "reconcile",
]

DEFAULT_DAYS_WITHOUT_POSTINGS: Final = 45
"""Assumption (no source states it): a granted disposition paid monthly has had a posting
within a month and a half of its first day."""

UNMATCHED: Final = ("unknown-disposition", "no-disposition")
MISMATCHED: Final = ("citizen-differs", "account-differs", "provider-differs")
POSTING_PROBLEMS: Final = (*UNMATCHED, *MISMATCHED)
"""The reasons a posting is listed, unmatched ones first."""
_NO_TOLERANCE: Final = Money(0)


def _masked(value: str | None) -> str:
    return repr(None if value is None else mask_id(value))


def _shown(value: str | None, *, citizen: bool, show_cpr: bool) -> str | None:
    if value is None or show_cpr:
        return value
    return mask_id(value) if citizen else mask_text(value)


@masked_repr
@attrs.frozen(kw_only=True)
class PostingProblem:
    """A posting that pays no disposition, or pays one it does not agree with (afstemningsfejl).

    ``reason`` is one of :data:`POSTING_PROBLEMS`; ``detail`` says what the disposition holds,
    CPR numbers masked.
    """

    reason: str
    citizen_id: str = attrs.field(repr=_masked)
    account: str
    date: dt.date
    amount: Money
    disposition_id: str | None = attrs.field(repr=lambda v: repr(v and mask_text(v)))
    provider: str | None
    detail: str

    @property
    def unmatched(self) -> bool:
        """True when the posting is booked on no disposition at all."""
        return self.reason in UNMATCHED

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, str | None]:
        """Plain values; the amount as a decimal string, CPR numbers masked unless asked."""
        return {
            "reason": self.reason,
            "citizen_id": _shown(self.citizen_id, citizen=True, show_cpr=show_cpr),
            "account": self.account,
            "date": self.date.isoformat(),
            "amount": self.amount.to_string(),
            "disposition_id": _shown(self.disposition_id, citizen=False, show_cpr=show_cpr),
            "provider": self.provider,
            "detail": self.detail,
        }


@masked_repr
@attrs.frozen(kw_only=True)
class DispositionWithoutPostings:
    """A granted disposition with cost to date and no posting yet (disposition uden bogføring)."""

    disposition_id: str = attrs.field(repr=lambda v: repr(mask_text(v)))
    citizen_id: str = attrs.field(repr=_masked)
    account: str
    provider: str | None
    first_day: dt.date
    """Its first day in the budget year."""
    days: int
    """Days it has run in the year: ``first_day`` to the as-of date, both counted."""
    computed_to_date: Money

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, str | int | None]:
        """Plain values; the amount as a decimal string, CPR numbers masked unless asked."""
        return {
            "disposition_id": _shown(self.disposition_id, citizen=False, show_cpr=show_cpr),
            "citizen_id": _shown(self.citizen_id, citizen=True, show_cpr=show_cpr),
            "account": self.account,
            "provider": self.provider,
            "first_day": self.first_day.isoformat(),
            "days": self.days,
            "computed_to_date": self.computed_to_date.to_string(),
        }


@masked_repr
@attrs.frozen(kw_only=True)
class BookedAgainstComputed:
    """Booked against computed to date for one disposition, or for one citizen and account
    where postings name no disposition (bogført mod beregnet).

    ``disposition_id`` is ``None`` for a citizen-and-account row.
    """

    disposition_id: str | None = attrs.field(repr=lambda v: repr(v and mask_text(v)))
    citizen_id: str = attrs.field(repr=_masked)
    account: str
    booked_to_date: Money
    computed_to_date: Money

    @property
    def difference(self) -> Money:
        """Booked − computed: positive when more was booked than the dispositions cost."""
        return self.booked_to_date - self.computed_to_date

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, str | None]:
        """Plain values; amounts as decimal strings, CPR numbers masked unless asked."""
        return {
            "disposition_id": _shown(self.disposition_id, citizen=False, show_cpr=show_cpr),
            "citizen_id": _shown(self.citizen_id, citizen=True, show_cpr=show_cpr),
            "account": self.account,
            "booked_to_date": self.booked_to_date.to_string(),
            "computed_to_date": self.computed_to_date.to_string(),
            "difference": self.difference.to_string(),
        }


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class _Rows:
    """Every booked-against-computed row as columns (built into objects only when read)."""

    disposition: NDArray[Any]
    citizen: NDArray[Any]
    account: NDArray[Any]
    booked: NDArray[np.int64]
    computed: NDArray[np.int64]

    def objects(self, keep: NDArray[np.bool_]) -> tuple[BookedAgainstComputed, ...]:
        return tuple(
            BookedAgainstComputed(
                disposition_id=disposition or None,
                citizen_id=citizen,
                account=account,
                booked_to_date=Money(booked),
                computed_to_date=Money(computed),
            )
            for disposition, citizen, account, booked, computed in zip(
                self.disposition[keep].tolist(),
                self.citizen[keep].tolist(),
                self.account[keep].tolist(),
                self.booked[keep].tolist(),
                self.computed[keep].tolist(),
                strict=True,
            )
        )


_AMOUNTS = frozenset({"amount", "booked_to_date", "computed_to_date", "difference"})
_POSTING_KEYS = ("reason", "citizen_id", "account", "date", "amount", "disposition_id",
                 "provider", "detail")  # fmt: skip
_TABLE_KEYS: Final = {
    "differences": ("disposition_id", "citizen_id", "account", "booked_to_date",
                    "computed_to_date", "difference"),
    "unmatched": _POSTING_KEYS,
    "mismatched": _POSTING_KEYS,
    "without_postings": ("disposition_id", "citizen_id", "account", "provider", "first_day",
                         "days", "computed_to_date"),
}  # fmt: skip


@masked_repr
@attrs.frozen(kw_only=True, eq=False)
class Reconciliation:
    """Postings reconciled against dispositions as of a date (afstemning pr. dato).

    Attributes:
        problems: postings that match no disposition or disagree with the one they name.
        without_postings: granted dispositions with no posting after ``days_without_postings``.
        differences: booked against computed rows whose difference exceeds ``tolerance``
            (in absolute value), largest first.
    """

    year: int
    as_of: dt.date
    tolerance: Money
    days_without_postings: int
    problems: tuple[PostingProblem, ...] = attrs.field(repr=False)
    without_postings: tuple[DispositionWithoutPostings, ...] = attrs.field(repr=False)
    differences: tuple[BookedAgainstComputed, ...] = attrs.field(repr=False)
    booked_to_date: Money
    """Every posting of the year up to the as-of date."""
    computed_to_date: Money
    """The cost to date of the granted dispositions."""
    _rows: _Rows = attrs.field(repr=False, alias="rows")

    @property
    def unmatched(self) -> tuple[PostingProblem, ...]:
        """Postings booked on no disposition."""
        return tuple(problem for problem in self.problems if problem.unmatched)

    @property
    def mismatched(self) -> tuple[PostingProblem, ...]:
        """Postings that name a disposition whose citizen, account or provider differ."""
        return tuple(problem for problem in self.problems if not problem.unmatched)

    @property
    def unmatched_amount(self) -> Money:
        """The sum of the unmatched postings."""
        return Money(sum(problem.amount.ore for problem in self.unmatched))

    @property
    def row_count(self) -> int:
        """How many booked-against-computed rows there are, within tolerance or not."""
        return int(self._rows.booked.size)

    def all_rows(self) -> tuple[BookedAgainstComputed, ...]:
        """Every booked-against-computed row (one object each: mind a national ledger)."""
        return self._rows.objects(np.ones(self.row_count, dtype=bool))

    def to_dict(self, *, show_cpr: bool = False) -> dict[str, Any]:
        """The lists and totals as plain values, amounts as decimal strings."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "tolerance": self.tolerance.to_string(),
            "days_without_postings": self.days_without_postings,
            "booked_to_date": self.booked_to_date.to_string(),
            "computed_to_date": self.computed_to_date.to_string(),
            "unmatched_amount": self.unmatched_amount.to_string(),
            "unmatched": [p.to_dict(show_cpr=show_cpr) for p in self.unmatched],
            "mismatched": [p.to_dict(show_cpr=show_cpr) for p in self.mismatched],
            "without_postings": [d.to_dict(show_cpr=show_cpr) for d in self.without_postings],
            "differences": [row.to_dict(show_cpr=show_cpr) for row in self.differences],
        }

    def to_json(self, *, show_cpr: bool = False, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as JSON text."""
        return json.dumps(self.to_dict(show_cpr=show_cpr), indent=indent, ensure_ascii=False)

    def to_columns(
        self,
        *,
        table: Literal["differences", "unmatched", "mismatched", "without_postings"] = (
            "differences"
        ),
        show_cpr: bool = False,
    ) -> dict[str, list[Any]]:
        """One of the reconciliation's lists as columns, by the tidy rule of
        :mod:`styringskerne.core.tabular`: amounts as ``*_ore``, dates as days."""
        rows: tuple[Any, ...] = {
            "differences": self.differences,
            "unmatched": self.unmatched,
            "mismatched": self.mismatched,
            "without_postings": self.without_postings,
        }[table]
        dicts = [row.to_dict(show_cpr=show_cpr) for row in rows]
        result: dict[str, list[Any]] = {}
        for key in _TABLE_KEYS[table]:
            values = [row[key] for row in dicts]
            if key in _AMOUNTS:
                result[f"{key}_ore"] = [Money.of(value).ore for value in values]
            elif key in ("date", "first_day"):
                result[key] = [dt.date.fromisoformat(value) for value in values]
            else:
                result[key] = values
        return result

    def to_arrow(
        self,
        *,
        table: Literal["differences", "unmatched", "mismatched", "without_postings"] = (
            "differences"
        ),
        show_cpr: bool = False,
    ) -> Any:
        """A ``pyarrow.Table`` of :meth:`to_columns`."""
        return arrow_table(self.to_columns(table=table, show_cpr=show_cpr))

    def _repr_html_(self) -> str:
        rows = [
            ["Postings on no disposition", str(len(self.unmatched)),
             self.unmatched_amount.format_danish(unit="")],
            ["Postings that disagree with their disposition", str(len(self.mismatched)),
             Money.total(p.amount for p in self.mismatched).format_danish(unit="")],
            [f"Dispositions without postings after {self.days_without_postings} days",
             str(len(self.without_postings)),
             Money.total(d.computed_to_date for d in self.without_postings).format_danish(unit="")],
            [f"Differences above {self.tolerance.format_danish()}", str(len(self.differences)),
             Money.total(r.difference for r in self.differences).format_danish(unit="")],
        ]  # fmt: skip
        return html_table(
            f"Reconciliation {self.year} as of {self.as_of.isoformat()} (kr.)",
            ["List", "Rows", "Amount"],
            rows,
            ["Each list: .to_pandas(table='unmatched' | 'mismatched' | 'without_postings' | "
             "'differences')"],
        )  # fmt: skip

    def to_pandas(
        self,
        *,
        table: Literal["differences", "unmatched", "mismatched", "without_postings"] = (
            "differences"
        ),
        show_cpr: bool = False,
    ) -> Any:
        """A ``pandas.DataFrame`` of :meth:`to_columns`."""
        return pandas_frame(self.to_columns(table=table, show_cpr=show_cpr))


def reconcile(
    ledger: DispositionLedger,
    day: dt.date,
    *,
    year: int | None = None,
    days_without_postings: int = DEFAULT_DAYS_WITHOUT_POSTINGS,
    tolerance: MoneyLike = _NO_TOLERANCE,
) -> Reconciliation:
    """Reconcile the ledger's postings against its dispositions as of ``day`` (afstemning).

    Args:
        ledger: dispositions and postings.
        day: the as-of date (inclusive); best the last day of a closed month.
        year: the budget year (default: the year of ``day``).
        days_without_postings: list a granted disposition without postings when it has run
            more than this many days in the year, the as-of date counted (default 45, an
            assumption).
        tolerance: list a booked-against-computed row when its difference is larger than this
            in absolute value (default 0: every difference).

    Raises:
        StyringskerneError: if ``day`` is not in ``year``, the days are negative or the
            tolerance is negative.
    """
    day, budget_year = as_of_in_year(day, year)
    if isinstance(days_without_postings, bool) or not isinstance(days_without_postings, int):
        raise StyringskerneError(
            f"'days_without_postings' must be a whole number of days (got "
            f"{days_without_postings!r})"
        )
    if days_without_postings < 0:
        raise StyringskerneError(
            f"'days_without_postings' must be 0 or more (got {days_without_postings})"
        )
    limit = to_money(tolerance)
    if limit.ore < 0:
        raise StyringskerneError(f"'tolerance' must be 0 or more (got {limit})")
    first = day_number(dt.date(budget_year.year, 1, 1))
    facts = _Facts.of(ledger, first, day_number(day) + 1)
    postings = ledger.postings
    window = np.flatnonzero((postings.day >= first) & (postings.day <= day_number(day)))
    match = _Matching.of(ledger, facts, window)
    rows = _rows(facts, match, postings.amount[window])
    difference = rows.booked - rows.computed
    listed = rows.objects(np.abs(difference) > limit.ore)
    return Reconciliation(
        year=budget_year.year,
        as_of=day,
        tolerance=limit,
        days_without_postings=days_without_postings,
        problems=_problems(ledger, facts, match, window),
        without_postings=_without_postings(
            facts, match, first, day_number(day), days_without_postings
        ),
        differences=tuple(sorted(listed, key=lambda row: -abs(row.difference.ore))),
        booked_to_date=Money(int(exact_sum(postings.amount[window]))),
        computed_to_date=Money(int(exact_sum(facts.computed[facts.granted]))),
        rows=rows,
    )


@masked_repr
@attrs.frozen(eq=False)
class _Facts:
    """Each disposition's codes, first day, and granted cost to date (one entry each)."""

    labels: dict[str, NDArray[Any]]
    citizen: NDArray[np.int64]
    account: NDArray[np.int64]
    provider: NDArray[np.int64]
    first_day: NDArray[np.int64]
    granted: NDArray[np.bool_]
    computed: NDArray[np.int64]
    pair: NDArray[np.int64]
    accounts: int

    @classmethod
    def of(cls, ledger: DispositionLedger, first: int, cut: int) -> _Facts:
        segments = ledger.columns
        codes: dict[str, NDArray[np.int64]] = {}
        labels: dict[str, NDArray[Any]] = {}
        for name in ("disposition", "citizen", "account", "provider"):
            codes[name], labels[name] = ledger.groups(name)
        disposition_of = codes["disposition"]
        count = labels["disposition"].size
        # Citizen, account, provider and probability are the disposition's own: any of its
        # segments gives them.
        _, one = np.unique(disposition_of, return_index=True)
        granted_segment = segments.probability_numerator == segments.probability_denominator
        costs = interval_costs(segments, [first, cut])[:, 0]
        first_day = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first_day, disposition_of, segments.start)
        accounts = max(labels["account"].size, 1)
        return cls(
            labels=labels,
            citizen=codes["citizen"][one],
            account=codes["account"][one],
            provider=codes["provider"][one],
            first_day=first_day,
            granted=granted_segment[one],
            computed=group_sum(disposition_of, np.where(granted_segment, costs, 0), count),
            pair=codes["citizen"][one] * accounts + codes["account"][one],
            accounts=accounts,
        )


@masked_repr
@attrs.frozen(eq=False)
class _Matching:
    """How the postings in the window (by position in it) meet the dispositions."""

    named: NDArray[np.int64]
    """Each posting's disposition code (or none/unknown)."""
    pair: NDArray[np.int64]
    """Each posting's citizen-and-account key."""
    by_pair: NDArray[np.bool_]
    """Postings without an id whose citizen and account some disposition has."""

    @classmethod
    def of(cls, ledger: DispositionLedger, facts: _Facts, window: NDArray[np.intp]) -> _Matching:
        postings = ledger.postings
        pair = postings.citizen[window] * facts.accounts + postings.account[window]
        named = postings.disposition[window]
        by_pair = (named == NO_DISPOSITION) & np.isin(pair, facts.pair)
        return cls(named=named, pair=pair, by_pair=by_pair)


def _problems(
    ledger: DispositionLedger, facts: _Facts, match: _Matching, window: NDArray[np.intp]
) -> tuple[PostingProblem, ...]:
    """Unmatched postings, then postings that disagree with their disposition, each by date."""
    postings = ledger.postings
    found: list[tuple[int, str, str]] = [
        (position, "unknown-disposition", "no disposition of the ledger has this id")
        for position in np.flatnonzero(match.named == UNKNOWN_DISPOSITION).tolist()
    ]
    found += [
        (position, "no-disposition", "no disposition has this citizen and account")
        for position in np.flatnonzero((match.named == NO_DISPOSITION) & ~match.by_pair).tolist()
    ]
    matched = np.flatnonzero(match.named >= 0)
    target = match.named[matched]
    for field, posted, held in (
        ("citizen", postings.citizen, facts.citizen),
        ("account", postings.account, facts.account),
    ):
        differs = posted[window[matched]] != held[target]
        for position, code in zip(matched[differs].tolist(), target[differs].tolist(), strict=True):
            value = str(facts.labels[field][held[code]])
            shown = mask_id(value) if field == "citizen" else value
            found.append((position, f"{field}-differs", f"the disposition's {field} is {shown}"))
    posted_provider = postings.provider[window[matched]]
    held_provider = facts.labels["provider"][facts.provider[target]].astype(str)
    differs = (posted_provider != "") & (held_provider != "") & (posted_provider != held_provider)
    found += [
        (position, "provider-differs", f"the disposition's provider is {provider}")
        for position, provider in zip(
            matched[differs].tolist(), held_provider[differs].tolist(), strict=True
        )
    ]
    found.sort(key=lambda item: (POSTING_PROBLEMS.index(item[1]), int(window[item[0]])))
    citizens, accounts = facts.labels["citizen"], facts.labels["account"]
    problems = []
    for position, reason, detail in found:
        row = int(window[position])
        problems.append(
            PostingProblem(
                reason=reason,
                citizen_id=str(citizens[postings.citizen[row]]),
                account=str(accounts[postings.account[row]]),
                date=from_day_number(postings.day[row]),
                amount=Money(int(postings.amount[row])),
                disposition_id=str(postings.disposition_id[row]) or None,
                provider=str(postings.provider[row]) or None,
                detail=detail,
            )
        )
    return tuple(problems)


def _rows(facts: _Facts, match: _Matching, amounts: NDArray[np.int64]) -> _Rows:
    """Dispositions named by a posting, then citizen-and-account pairs of postings without an
    id against the cost of the pair's granted dispositions that no posting names."""
    count = facts.granted.size
    matched = match.named >= 0
    target = match.named[matched]
    booked_by_id = group_sum(target, amounts[matched], count)
    named = np.flatnonzero(np.bincount(target, minlength=count) > 0)
    pairs, inverse = np.unique(match.pair[match.by_pair], return_inverse=True)
    booked_by_pair = group_sum(inverse.astype(np.int64).ravel(), amounts[match.by_pair], pairs.size)
    slot, in_pair = _pair_slots(facts, match, pairs)
    computed_by_pair = group_sum(slot[in_pair], facts.computed[in_pair], pairs.size)
    labels = facts.labels
    return _Rows(
        disposition=np.concatenate(
            [labels["disposition"][named].astype(str), np.full(pairs.size, "")]
        ).astype(object),
        citizen=np.concatenate(
            [labels["citizen"][facts.citizen[named]], labels["citizen"][pairs // facts.accounts]]
        ).astype(object),
        account=np.concatenate(
            [labels["account"][facts.account[named]], labels["account"][pairs % facts.accounts]]
        ).astype(object),
        booked=np.concatenate([booked_by_id[named], booked_by_pair]).astype(np.int64),
        computed=np.concatenate([facts.computed[named], computed_by_pair]).astype(np.int64),
    )


def _pair_slots(
    facts: _Facts, match: _Matching, pairs: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Each disposition's slot in ``pairs`` and whether its pair's postings reach it: it is
    granted, no posting names it, and its citizen and account have postings without an id."""
    count = facts.granted.size
    named_any = np.bincount(match.named[match.named >= 0], minlength=count) > 0
    slot = np.searchsorted(pairs, facts.pair)
    in_pair = ~named_any & facts.granted & (slot < pairs.size)
    in_pair[in_pair] = pairs[slot[in_pair]] == facts.pair[in_pair]
    return slot, in_pair


def _without_postings(
    facts: _Facts, match: _Matching, first: int, as_of: int, days: int
) -> tuple[DispositionWithoutPostings, ...]:
    """Granted dispositions that no posting reaches, with cost to date, ``days`` old or more."""
    count = facts.granted.size
    named_any = np.bincount(match.named[match.named >= 0], minlength=count) > 0
    pairs = np.unique(match.pair[match.by_pair])
    _, in_pair = _pair_slots(facts, match, pairs)
    start = np.maximum(facts.first_day, first)
    silent = ~named_any & facts.granted & ~in_pair & (facts.computed > 0)
    silent &= as_of - start + 1 > days
    labels = facts.labels
    return tuple(
        DispositionWithoutPostings(
            disposition_id=str(labels["disposition"][code]),
            citizen_id=str(labels["citizen"][facts.citizen[code]]),
            account=str(labels["account"][facts.account[code]]),
            provider=str(labels["provider"][facts.provider[code]]) or None,
            first_day=from_day_number(start[code]),
            days=int(as_of - start[code] + 1),
            computed_to_date=Money(int(facts.computed[code])),
        )
        for code in np.flatnonzero(silent).tolist()
    )
