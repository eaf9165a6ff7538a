"""Postings for the finance system (konteringer): payments with the municipality's account string.

A municipality posts an expense on an account string built from the authorised chart of
accounts — function (e.g. ``5.38.50``), dranst (1 = operation), grouping and kind (*art*) — and
its own dimensions (cost centre, activity, …): see *Budget- og regnskabssystem for kommuner*,
chapter 2, and kontoplanen.dk. How these parts are joined, and which values each service gets,
is the municipality's own: a :class:`PostingTemplate` (*konteringsskabelon*) holds it.

A template has a ``pattern`` with fields in braces, default values for fields, and values per
service that override the defaults. The fields ``function`` (the function of the
disposition's account in the ledger: ``5.38.39`` also for BPA's own account key
``5.38.39.002``, whose grouping comes from the template), ``service`` and ``provider`` come
from the payment; every other field must have a value for every service. Templates load
from TOML::

    pattern = "{function}-{dranst}-{grouping}-{art}-{cost_centre}"

    [defaults]
    dranst = "1"
    grouping = "001"
    art = "4.0"
    cost_centre = "51000"

    [services.SEL85]
    grouping = "002"

The values in this example are an example, not a recommendation: take yours from your
municipality's chart of accounts.
"""

from __future__ import annotations

import csv
import io
import os
import string
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Literal, TextIO

import attrs
import numpy as np
from numpy.typing import NDArray

from styringskerne.catalogue.services import account_function
from styringskerne.core.calendar import from_day_number
from styringskerne.core.errors import StyringskerneError
from styringskerne.core.masking import mask_text, masked_repr
from styringskerne.core.money import Money
from styringskerne.core.pseudonyms import Pseudonymiser
from styringskerne.engine import group_sum
from styringskerne.payments.payments import Payments

__all__ = [
    "MONTH_COLUMNS",
    "PAYMENT_COLUMNS",
    "PAYMENT_FIELDS",
    "PostingTemplate",
    "posting_rows",
    "write_postings",
]

PAYMENT_FIELDS: Final = ("function", "service", "provider")
"""Template fields that each payment fills in itself."""
PAYMENT_COLUMNS: Final = (
    "date",
    "account_string",
    "function",
    "disposition_id",
    "citizen_id",
    "amount",
)
"""Columns of the export with one row per payment."""
MONTH_COLUMNS: Final = ("month", "account_string", "function", "amount")
"""Columns of the export with one row per account string and month of payment."""
Per = Literal["payment", "month"]


def _frozen(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(values))


def _frozen_services(values: Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    return MappingProxyType({key: MappingProxyType(dict(row)) for key, row in values.items()})


@masked_repr
@attrs.frozen(kw_only=True)
class PostingTemplate:
    """How a payment's account string is built per service (konteringsskabelon).

    Raises:
        StyringskerneError: for a pattern that is not valid, a value that is not text, a
            service value for a field the pattern does not have, or a pattern field without
            a value (naming the field and the services that lack it).

    Examples:
        >>> template = PostingTemplate(pattern="{function}.{grouping}-{art}",
        ...     defaults={"grouping": "001", "art": "4.0"}, services={"SEL85": {"grouping": "002"}})
        >>> template.account_string(function="5.38.39", service="SEL85", provider="")
        '5.38.39.002-4.0'
    """

    pattern: str
    defaults: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen)
    services: Mapping[str, Mapping[str, str]] = attrs.field(
        factory=dict, converter=_frozen_services
    )

    def __attrs_post_init__(self) -> None:
        fields = self.fields
        for where, values in [("defaults", self.defaults)] + [
            (f"services.{name}", row) for name, row in self.services.items()
        ]:
            for key, value in values.items():
                if not isinstance(value, str):
                    raise StyringskerneError(
                        f"posting template {where}.{key}: the value must be text (got "
                        f'{type(value).__name__}); write it in quotes, e.g. "001"'
                    )
                if key in PAYMENT_FIELDS:
                    raise StyringskerneError(
                        f"posting template {where}.{key}: '{key}' comes from each payment and "
                        "cannot be given a value"
                    )
                if key not in fields:
                    raise StyringskerneError(
                        f"posting template {where}.{key}: the pattern has no field '{key}' "
                        f"(its fields: {', '.join(fields) or 'none'})"
                    )
        missing = [
            name for name in fields if name not in PAYMENT_FIELDS and name not in self.defaults
        ]
        for name in missing:
            lacking = [service for service, row in self.services.items() if name not in row]
            if lacking or not self.services:
                raise StyringskerneError(
                    f"posting template: field '{name}' has no default and no value for "
                    f"{', '.join(lacking) if lacking else 'services not listed'}; add it to "
                    "[defaults]"
                )

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields of the pattern, in order."""
        try:
            parsed = list(string.Formatter().parse(self.pattern))
        except ValueError as error:
            raise StyringskerneError(
                f"posting template pattern {self.pattern!r} is not valid ({error}); write fields "
                "in braces, e.g. '{function}-{art}'"
            ) from None
        names: list[str] = []
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            if not name.isidentifier() or spec or conversion:
                raise StyringskerneError(
                    f"posting template pattern {self.pattern!r}: '{{{name}}}' is not a plain "
                    "field name; write fields like '{cost_centre}'"
                )
            if name not in names:
                names.append(name)
        return tuple(names)

    @classmethod
    def load(cls, source: str | os.PathLike[str]) -> PostingTemplate:
        """Read a template from a TOML file (see the module's documentation).

        Raises:
            StyringskerneError: for a file that cannot be read, is not TOML, or has no
                ``pattern``; and for the template errors above.
        """
        import tomllib

        from styringskerne.io.source import decode, read_bytes

        shown = mask_text(str(source))
        try:
            data = tomllib.loads(decode(read_bytes(source))[0])
        except tomllib.TOMLDecodeError as error:
            raise StyringskerneError(f"{shown}: not valid TOML ({error})") from None
        pattern = data.get("pattern")
        if not isinstance(pattern, str):
            raise StyringskerneError(
                f'{shown}: needs a text pattern, e.g. pattern = "{{function}}"'
            )
        defaults = data.get("defaults", {})
        services = data.get("services", {})
        if not isinstance(defaults, dict) or not isinstance(services, dict):
            raise StyringskerneError(f"{shown}: [defaults] and [services.X] must be tables")
        if not all(isinstance(row, dict) for row in services.values()):
            raise StyringskerneError(f"{shown}: each [services.X] must be a table")
        unknown = sorted(set(data) - {"pattern", "defaults", "services"})
        if unknown:
            raise StyringskerneError(
                f"{shown}: unknown key(s) {', '.join(unknown)}; use pattern, [defaults] and "
                "[services.X]"
            )
        return cls(pattern=pattern, defaults=defaults, services=services)

    def account_string(self, *, function: str, service: str, provider: str) -> str:
        """The account string for one payment."""
        values = {**self.defaults, **self.services.get(service, {})}
        values.update(function=function, service=service, provider=provider)
        lacking = [name for name in self.fields if name not in values]
        if lacking:
            raise StyringskerneError(
                f"posting template: service {service!r} has no value for "
                f"{', '.join(lacking)}; add [services.{service}] or a default"
            )
        return self.pattern.format_map(values)


def posting_rows(
    payments: Payments,
    template: PostingTemplate,
    *,
    per: Per = "payment",
    show_cpr: bool = False,
    pseudonyms: Pseudonymiser | None = None,
) -> list[dict[str, str]]:
    """The postings as rows of text (amounts in kroner with a point, e.g. ``"1234.50"``).

    ``per="payment"`` gives one row per payment (:data:`PAYMENT_COLUMNS`): each citizen as a
    pseudonym (``pseudonyms``, by default one with a random key, so pseudonyms hold within
    these rows only) and CPR numbers in disposition ids masked, unless ``show_cpr``;
    ``per="month"`` one row per account string and month of payment (:data:`MONTH_COLUMNS`),
    with no person in it.

    Raises:
        StyringskerneError: for an unknown ``per``.
    """
    if per not in ("payment", "month"):
        raise StyringskerneError(f"'per' must be payment|month (got {per!r})")
    strings = _account_strings(payments, template)
    if per == "payment":
        if show_cpr:
            citizens = list(payments.citizen)
        else:
            pseudonym = pseudonyms if pseudonyms is not None else Pseudonymiser.random()
            # One keyed hash per citizen, not per payment.
            known = {citizen: pseudonym(citizen) for citizen in set(payments.citizen)}
            citizens = [known[citizen] for citizen in payments.citizen]
        return [
            {
                "date": from_day_number(day).isoformat(),
                "account_string": text,
                "function": account_function(account),
                "disposition_id": disposition if show_cpr else mask_text(disposition),
                "citizen_id": citizen,
                "amount": Money(amount).to_string(),
            }
            for day, text, account, disposition, citizen, amount in zip(
                payments.date.tolist(),
                strings.tolist(),
                payments.account,
                payments.disposition,
                citizens,
                payments.amount.tolist(),
                strict=True,
            )
        ]
    months = payments.date.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    texts, text_code = np.unique(strings, return_inverse=True)
    # One function per distinct account (BPA's 5.38.39.002 posts under 5.38.39).
    raw, raw_code = np.unique(np.array(payments.account, dtype=np.str_), return_inverse=True)
    functions = np.array([account_function(str(a)) for a in raw.tolist()], dtype=np.str_)
    accounts, function_code = np.unique(functions, return_inverse=True)
    account_code = function_code.ravel()[raw_code.ravel()] if raw.size else raw_code.ravel()
    label_code = text_code.ravel() * max(accounts.size, 1) + account_code.ravel()
    count = max(texts.size * accounts.size, 1)
    cells, cell_code = np.unique(months * count + label_code, return_inverse=True)
    sums = group_sum(cell_code.ravel(), payments.amount, cells.size)
    rows = []
    for cell, total in zip(cells.tolist(), sums.tolist(), strict=True):
        month, label = divmod(cell, count)
        text, account = (str(v) for v in (texts[label // max(accounts.size, 1)],
                                          accounts[label % max(accounts.size, 1)]))  # fmt: skip
        rows.append(
            {
                "month": f"{1970 + month // 12}-{month % 12 + 1:02d}",
                "account_string": text,
                "function": account,
                "amount": Money(total).to_string(),
            }
        )
    return rows


def _account_strings(payments: Payments, template: PostingTemplate) -> NDArray[np.str_]:
    """Each payment's account string, built once per distinct account, service and provider."""
    if not len(payments):
        return np.zeros(0, dtype=np.str_)
    key = np.zeros(len(payments), dtype=np.int64)
    for values in (payments.account, payments.service, payments.provider):
        labels, codes = np.unique(np.array(values, dtype=np.str_), return_inverse=True)
        key = key * labels.size + codes.ravel()
    _, first, code = np.unique(key, return_index=True, return_inverse=True)
    built = [
        template.account_string(
            function=account_function(payments.account[row]),
            service=payments.service[row],
            provider=payments.provider[row],
        )
        for row in first.tolist()
    ]
    result: NDArray[np.str_] = np.array(built, dtype=np.str_)[code.ravel()]
    return result


def write_postings(
    payments: Payments,
    template: PostingTemplate,
    stream: TextIO | None = None,
    *,
    per: Per = "payment",
    show_cpr: bool = False,
    pseudonyms: Pseudonymiser | None = None,
) -> str:
    """Write the postings as CSV to ``stream`` (or only return the text); returns the text.

    Citizens are pseudonyms unless ``show_cpr`` (see :func:`posting_rows`).
    """
    buffer = io.StringIO()
    columns = PAYMENT_COLUMNS if per == "payment" else MONTH_COLUMNS
    rows = posting_rows(payments, template, per=per, show_cpr=show_cpr, pseudonyms=pseudonyms)
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    if stream is not None:
        stream.write(text)
    return text
