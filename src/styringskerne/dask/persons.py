"""Rows gathered by person on Dask (pr. person): the shuffle behind forecasts and explanations.

The state refund (serviceloven § 176) is reckoned per citizen — per household for the
children of one household — and so are the outflow to the elderly area and a citizen's move
between dispositions. Before such figures are reckoned partition by partition, the rows are
shuffled so that each household, else each citizen, lies in one partition: every row gets a
partition number from a hash of its person, and two snapshots shuffled into the same number
of partitions put a person in the same partition in both.

A citizen written in two spellings (``0101901234`` and ``010190-1234``: one citizen to the
ledger, two texts to the shuffle), or rows of one disposition that disagree on citizen or
household, would put one person in two partitions. Each partition therefore reports a
128-bit hash of each disposition, citizen and household it holds, and the results are
refused when one lies in two partitions, rather than reckoned on a split person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from styringskerne.core.errors import StyringskerneError
from styringskerne.ledger.ledger import DispositionLedger

__all__ = ["by_person", "check_aligned", "check_disjoint", "identities", "ledger_of"]

PARTITION: Final = "__styringskerne_partition"
"""The column of each row's partition number (dropped before a ledger is built)."""
_HASH_KEYS: Final = ("styringskerne-01", "styringskerne-02")
"""Two keys of pandas' 64-bit hash: labels are told apart by 128 bits."""
_SPLIT: Final = (
    "lies in two partitions after the shuffle by household and citizen: its rows disagree on "
    "citizen or household, or a citizen is written in two spellings (DDMMYYSSSS and "
    "DDMMYY-SSSS); write each citizen in one spelling and give every row of a disposition the "
    "same citizen and household"
)


def _hashes(texts: NDArray[Any]) -> NDArray[np.uint64]:
    """Two 64-bit hashes per text (one row each)."""
    import pandas as pd

    values = np.asarray(texts, dtype=object)
    return np.stack(
        [pd.util.hash_array(values, hash_key=key, categorize=True) for key in _HASH_KEYS], axis=1
    ).astype(np.uint64)


def _numbered(frame: Any, partitions: int) -> Any:
    """One partition's rows with their partition number: of the household where one is given
    (the children of one household are summed for the refund), else of the citizen."""
    citizen = "c " + frame["citizen_id"].astype(str).str.strip()
    person = citizen
    if "household" in frame.columns:
        household = frame["household"].fillna("").astype(str).str.strip()
        person = ("h " + household).where(household != "", citizen)
    number = _hashes(person.to_numpy(dtype=object))[:, 0] % np.uint64(partitions)
    return frame.assign(**{PARTITION: number.astype(np.int64)})


def by_person(frame: Any, partitions: int) -> Any:
    """The dask dataframe's rows in ``partitions`` partitions, each person in one, the same
    person in the same partition for any frame."""
    numbered = frame.map_partitions(_numbered, partitions)
    return numbered.shuffle(on=PARTITION, npartitions=partitions)


def ledger_of(frame: Any) -> DispositionLedger:
    """The ledger of one shuffled partition's rows (an empty ledger for none)."""
    if len(frame) == 0:
        return DispositionLedger([])
    rows = frame.drop(columns=[PARTITION], errors="ignore").reset_index(drop=True)
    return DispositionLedger.from_pandas(rows)


def identities(ledger: DispositionLedger) -> NDArray[np.uint64]:
    """The 128-bit hash (two columns) of each disposition, citizen and household of a ledger;
    the dispositions first, in the order of the ledger's disposition labels."""
    labels = [
        f"{name[0]} {label}"
        for name in ("disposition", "citizen", "household")
        for label in ledger.groups(name)[1].astype(str).tolist()
        if label != "" or name != "household"
    ]
    if not labels:
        return np.zeros((0, 2), dtype=np.uint64)
    return _hashes(np.array(labels, dtype=object))


def check_disjoint(parts: Sequence[NDArray[np.uint64]]) -> None:
    """Refuse partitions that share a disposition, citizen or household."""
    every = np.concatenate([*parts, np.zeros((0, 2), dtype=np.uint64)])
    if every.shape[0] and np.unique(every, axis=0).shape[0] != every.shape[0]:
        raise StyringskerneError(f"a disposition, citizen or household {_SPLIT}")


def check_aligned(
    before: Sequence[NDArray[np.uint64]], after: Sequence[NDArray[np.uint64]]
) -> None:
    """Refuse two snapshots' partitions that hold one disposition in different partitions
    (its citizen or household changed between them): its items would not be matched."""
    keys = np.concatenate([*before, *after, np.zeros((0, 2), dtype=np.uint64)])
    where = np.concatenate(
        [np.full(part.shape[0], index) for index, part in enumerate(before)]
        + [np.full(part.shape[0], index) for index, part in enumerate(after)]
        + [np.zeros(0, dtype=np.int64)]
    )
    if keys.shape[0] < 2:
        return
    order = np.lexsort((keys[:, 1], keys[:, 0]))
    keys, where = keys[order], where[order]
    same = (keys[1:] == keys[:-1]).all(axis=1)
    if (same & (where[1:] != where[:-1])).any():
        raise StyringskerneError(
            "a disposition, citizen or household changed partition between the two snapshots: "
            "its citizen or household differs between them, or it " + _SPLIT
        )
