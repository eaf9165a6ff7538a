"""A label column kept as its texts and each row's number (kodede etiketter).

A national file holds a million rows but only a few distinct accounts, services and
providers, and one id per disposition. A reader that has already numbered each column's
texts (the columnar CSV reader does) hands them on as :class:`CodedLabels`, so the ledger
sorts the distinct texts only, never a million-row column of text.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

__all__ = ["CodedLabels"]


@attrs.frozen(eq=False)
class CodedLabels:
    """A label column (etiketkolonne) as texts and each row's position among them.

    Attributes:
        texts: the texts a row may have (a text may appear more than once).
        codes: each row's position in ``texts``.

    Examples:
        >>> import numpy as np
        >>> column = CodedLabels(np.array(["b", "a", "b", "c"]), np.array([0, 1, 2, 0]))
        >>> column.values().tolist(), column.take(np.array([1, 2])).values().tolist()
        (['b', 'a', 'b', 'b'], ['a', 'b'])
    """

    texts: NDArray[Any] = attrs.field(repr=False)
    codes: NDArray[np.int64] = attrs.field(repr=False)

    def __len__(self) -> int:
        return int(self.codes.size)

    def __repr__(self) -> str:
        return f"CodedLabels(rows={self.codes.size}, texts={self.texts.size})"

    def values(self) -> NDArray[Any]:
        """Each row's text, as one array."""
        return self.texts[self.codes]

    def take(self, rows: NDArray[Any]) -> CodedLabels:
        """The labels of some rows (an index array or a mask), sharing the texts."""
        return CodedLabels(self.texts, self.codes[rows])
