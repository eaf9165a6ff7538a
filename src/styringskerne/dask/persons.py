"""Rows gathered by person on Dask (pr. person): the shuffle behind forecasts and explanations.

The state refund (serviceloven § 176) is reckoned per citizen — per household for the
children of one household — and so are the outflow to the elderly area and a citizen's move
between dispositions. Before such figures are reckoned partition by partition, the rows are
shuffled so that each household, else each citizen, lies in one partition: every row gets a
partition number from a hash of its person, and two snapshots shuffled into the same number
of partitions put a person in the same partition in both. Frames already gathered so — a
file per municipality, say — are not shuffled: each partition's persons (or dispositions)
are hashed first, reading only the columns that make the key, and the shuffle is skipped
when no key lies in two partitions (and, for two snapshots, a key found in both lies in the
same partition of each).

A citizen written in two spellings (``0101901234`` and ``010190-1234``: one citizen to the
ledger, two texts to the shuffle), or rows of one disposition that disagree on citizen or
household, would put one person in two partitions. Each partition therefore reports a
128-bit hash of each disposition, citizen and household it holds, and the results are
refused when one lies in two partitions, rather than reckoned on a split person. The hashes
are checked in buckets (:func:`bucketed`), a task per bucket, so that no task holds the hashes
of a whole national ledger and the client receives only each bucket's answer.
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from styringskerne.core.errors import StyringskerneError
from styringskerne.ledger.ledger import DispositionLedger

__all__ = [
    "CHECK_BUCKETS",
    "bucket_count",
    "bucketed",
    "by_person",
    "check_aligned",
    "check_disjoint",
    "gathered_by_disposition",
    "gathered_by_person",
    "identities",
    "ledger_of",
]

PARTITION: Final = "__styringskerne_partition"
"""The column of each row's partition number (dropped before a ledger is built)."""
CHECK_BUCKETS: Final = 64
"""The most buckets the partitions' hashes are checked in, each bucket by a task of its own."""
_HASH_KEYS: Final = ("styringskerne-01", "styringskerne-02")
"""Two keys of pandas' 64-bit hash for long texts: labels are told apart by 128 bits."""
_WIDTH: Final = 64
"""Texts up to this many characters are hashed by their code points in whole columns."""
_SPLIT: Final = (
    "lies in two partitions once the rows are gathered by household and citizen: its rows "
    "disagree on citizen or household, or a citizen is written in two spellings (DDMMYYSSSS "
    "and DDMMYY-SSSS); write each citizen in one spelling and give every row of a disposition "
    "the same citizen and household"
)


def _hashes(texts: NDArray[Any]) -> NDArray[np.uint64]:
    """Two 64-bit hashes per text (one row each), from the characters' code points in whole
    columns (FNV-1a and a multiply-xorshift); texts longer than 64 characters by pandas'
    hash. Equal texts always hash alike, so a collision can only make two keys look the
    same: the check then shuffles or refuses, never reckons on a split person."""
    array = np.asarray(texts, dtype=str)
    size = array.size
    result = np.empty((size, 2), dtype=np.uint64)
    if size == 0:
        return result
    lengths = np.strings.str_len(array)
    long = lengths > _WIDTH
    if long.any():
        import pandas as pd

        values = array[long].astype(object)
        for column, key in enumerate(_HASH_KEYS):
            result[long, column] = pd.util.hash_array(values, hash_key=key, categorize=False)
    short = np.flatnonzero(~long)
    if short.size:
        kept = array[short].astype(f"<U{max(1, int(lengths[short].max()))}")
        codes = kept.view(np.uint32).reshape(short.size, -1)
        first = np.full(short.size, 0xCBF29CE484222325, dtype=np.uint64)
        second = lengths[short].astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        counts = lengths[short]
        for position in range(codes.shape[1]):
            # Only a text's own characters: the padding of shorter texts must not count, or
            # a text would hash differently beside longer ones.
            within = counts > position
            code = codes[:, position].astype(np.uint64)
            mixed_second = (second + code) * np.uint64(0xFF51AFD7ED558CCD)
            first = np.where(within, (first ^ code) * np.uint64(0x100000001B3), first)
            second = np.where(within, mixed_second ^ (mixed_second >> np.uint64(29)), second)
        result[short, 0], result[short, 1] = _mixed(first), _mixed(second)
    return result


def _mixed(value: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """Every bit of a hash made to depend on every other (MurmurHash3's finaliser), so that
    a partition number taken from the low bits spreads the persons evenly."""
    value = value ^ (value >> np.uint64(33))
    value = value * np.uint64(0xFF51AFD7ED558CCD)
    value = value ^ (value >> np.uint64(33))
    value = value * np.uint64(0xC4CEB9FE1A85EC53)
    return value ^ (value >> np.uint64(33))


def _persons(frame: Any) -> Any:
    """Each row's person: the household where one is given (the children of one household
    are summed for the refund), else the citizen; as written, blanks around stripped."""
    citizen = "c " + frame["citizen_id"].astype(str).str.strip()
    if "household" not in frame.columns:
        return citizen
    household = frame["household"].fillna("").astype(str).str.strip()
    return ("h " + household).where(household != "", citizen)


def _numbered(frame: Any, partitions: int) -> Any:
    """One partition's rows with the partition number of their person."""
    number = _hashes(_persons(frame).to_numpy(dtype=object))[:, 0] % np.uint64(partitions)
    return frame.assign(**{PARTITION: number.astype(np.int64)})


def by_person(frame: Any, partitions: int) -> Any:
    """The dask dataframe's rows in ``partitions`` partitions, each person in one, the same
    person in the same partition for any frame."""
    numbered = frame.map_partitions(_numbered, partitions)
    return numbered.shuffle(on=PARTITION, npartitions=partitions)


def _keys_of(frame: Any, kind: str, buckets: int) -> tuple[NDArray[np.uint64], ...]:
    """The distinct 128-bit hashes of one partition's dispositions or persons (as written,
    blanks around stripped), in ``buckets`` buckets (:func:`bucketed`)."""
    import pandas as pd

    if kind == "disposition":
        keys = "d " + frame["disposition_id"].astype(str).str.strip()
    else:
        keys = _persons(frame)
    distinct = pd.unique(keys.to_numpy(dtype=object))
    hashes = _hashes(distinct) if len(distinct) else np.zeros((0, 2), dtype=np.uint64)
    return bucketed(hashes, buckets)


def bucket_count(partitions: int) -> int:
    """How many buckets the hashes of ``partitions`` partitions are checked in: one per
    partition, at most :data:`CHECK_BUCKETS`."""
    return max(1, min(partitions, CHECK_BUCKETS))


def _partition_keys(frame: Any, kind: str, buckets: int) -> list[Any]:
    """Each partition's distinct dispositions or persons, hashed in ``buckets`` buckets on
    the workers (delayed; only the columns that make the key are read)."""
    dask: Any = importlib.import_module("dask")
    columns = ["disposition_id"] if kind == "disposition" else ["citizen_id"]
    if kind == "person" and "household" in frame.columns:
        columns.append("household")
    keys_of = dask.delayed(_keys_of, nout=buckets)
    return [keys_of(part, kind, buckets) for part in frame[columns].to_delayed()]


def _disjoint_by_bucket(parts: Sequence[Any], buckets: int) -> list[Any]:
    """A delayed answer per bucket: whether no key of that bucket is in two partitions."""
    dask: Any = importlib.import_module("dask")
    return [dask.delayed(_disjoint)([part[bucket] for part in parts]) for bucket in range(buckets)]


def gathered_by_disposition(frame: Any) -> Any:
    """The frame as it is when no disposition lies in two partitions (a file per
    municipality, say), else shuffled on the disposition id. The check runs on the workers,
    a task per bucket of hashes: the client receives only the answers."""
    dask: Any = importlib.import_module("dask")
    buckets = bucket_count(frame.npartitions)
    answers = dask.compute(
        *_disjoint_by_bucket(_partition_keys(frame, "disposition", buckets), buckets)
    )
    if all(answers):
        return frame
    return frame.shuffle(on="disposition_id")


def gathered_by_person(frames: Sequence[Any]) -> list[Any]:
    """The frames as they are when each holds every person in one partition and, for two
    frames, a person in the same partition of both; else shuffled by person into the same
    number of partitions (see :func:`by_person`). The checks run on the workers, a task per
    bucket of hashes, each frame's hashes computed once."""
    dask: Any = importlib.import_module("dask")
    counts = {frame.npartitions for frame in frames}
    count = max(counts)
    if len(counts) == 1:
        buckets = bucket_count(count)
        keys = [_partition_keys(frame, "person", buckets) for frame in frames]
        checks = [check for parts in keys for check in _disjoint_by_bucket(parts, buckets)]
        if len(keys) == 2:
            checks += [
                dask.delayed(_aligned)(
                    [part[bucket] for part in keys[0]], [part[bucket] for part in keys[1]]
                )
                for bucket in range(buckets)
            ]
        if all(dask.compute(*checks)):
            return list(frames)
    return [by_person(frame, count) for frame in frames]


def ledger_of(frame: Any) -> DispositionLedger:
    """The ledger of one shuffled partition's rows (an empty ledger for none)."""
    if len(frame) == 0:
        return DispositionLedger([])
    rows = frame.drop(columns=[PARTITION], errors="ignore").reset_index(drop=True)
    return DispositionLedger.from_pandas(rows)


def identities(ledger: DispositionLedger) -> NDArray[np.uint64]:
    """The 128-bit hash (two columns) of each disposition, citizen and household of a ledger;
    the dispositions first, in the order of the ledger's disposition labels."""
    labels = []
    for name in ("disposition", "citizen", "household"):
        texts = ledger.groups(name)[1].astype(str)
        if name == "household":
            texts = texts[texts != ""]
        labels.append(np.strings.add(f"{name[0]} ", texts))
    every = np.concatenate([*labels, np.zeros(0, dtype=str)])
    return _hashes(every)


def _equal_pairs(keys: NDArray[np.uint64]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Pairs of rows ``(i, j)`` of ``keys`` (two columns) with ``keys[i] == keys[j]``: every
    row equal to another is in a pair with one of them. Sorted on the first column only;
    rows in runs of more than two equal first columns (a collision, or a key three times)
    are sorted on both."""
    none = np.zeros(0, dtype=np.intp)
    if keys.shape[0] < 2:
        return none, none
    order = np.argsort(keys[:, 0], kind="stable")
    first = keys[order, 0]
    tie = np.r_[False, first[1:] == first[:-1], False]
    starts = np.flatnonzero(tie[1:] & ~tie[:-1])  # a run of equal first columns begins
    ends = np.flatnonzero(~tie[1:] & tie[:-1])  # … and ends (exclusive)
    if not starts.size:
        return none, none
    length = ends - starts + 1
    pair = starts[length == 2]
    left, right = order[pair], order[pair + 1]
    same = keys[left, 1] == keys[right, 1]
    lefts, rights = [left[same]], [right[same]]
    longer = np.flatnonzero(length > 2)
    if longer.size:
        rows = np.concatenate([order[starts[k] : ends[k] + 1] for k in longer.tolist()])
        inner = rows[np.lexsort((keys[rows, 1], keys[rows, 0]))]
        equal = (keys[inner[1:]] == keys[inner[:-1]]).all(axis=1)
        lefts.append(inner[:-1][equal])
        rights.append(inner[1:][equal])
    return np.concatenate(lefts), np.concatenate(rights)


def _disjoint(parts: Sequence[NDArray[np.uint64]]) -> bool:
    """Whether no key is in two partitions (each partition's keys distinct)."""
    every = np.concatenate([*parts, np.zeros((0, 2), dtype=np.uint64)])
    return _equal_pairs(every)[0].size == 0


def _aligned(before: Sequence[NDArray[np.uint64]], after: Sequence[NDArray[np.uint64]]) -> bool:
    """Whether every key found in both lies in the same partition of each (keys distinct
    within each side)."""
    keys = np.concatenate([*before, *after, np.zeros((0, 2), dtype=np.uint64)])
    where = np.concatenate(
        [np.full(part.shape[0], index) for index, part in enumerate(before)]
        + [np.full(part.shape[0], index) for index, part in enumerate(after)]
        + [np.zeros(0, dtype=np.int64)]
    )
    left, right = _equal_pairs(keys)
    return not bool((where[left] != where[right]).any())


def bucketed(keys: NDArray[np.uint64], count: int) -> tuple[NDArray[np.uint64], ...]:
    """One partition's hashes (:func:`identities`) split by their second column into
    ``count`` buckets. Equal keys share a bucket, so partitions are disjoint (or aligned)
    exactly when they are so bucket by bucket: each bucket is checked by a task of its own
    and no task holds every hash of a national ledger."""
    bucket = keys[:, 1] % np.uint64(count)
    order = np.argsort(bucket, kind="stable")
    bounds = np.searchsorted(bucket[order], np.arange(count + 1, dtype=np.uint64)).tolist()
    return tuple(keys[order[low:high]] for low, high in itertools.pairwise(bounds))


def check_disjoint(parts: Sequence[NDArray[np.uint64]]) -> None:
    """Refuse partitions that share a disposition, citizen or household."""
    if not _disjoint(parts):
        raise StyringskerneError(f"a disposition, citizen or household {_SPLIT}")


def check_aligned(
    before: Sequence[NDArray[np.uint64]], after: Sequence[NDArray[np.uint64]]
) -> None:
    """Refuse two snapshots' partitions that hold one disposition, citizen or household in
    different partitions (its citizen or household changed between them): its items would
    not be matched."""
    if not _aligned(before, after):
        raise StyringskerneError(
            "a disposition, citizen or household changed partition between the two snapshots: "
            "its citizen or household differs between them, or it " + _SPLIT
        )
