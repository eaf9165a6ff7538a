"""HTML tables for notebooks (HTML-tabeller): how results show themselves in Jupyter.

A result's ``_repr_html_`` gives a title, a table of text cells (amounts already in the
Danish form, first column left, the rest right) and notes. Text is escaped and CPR numbers
masked, whatever the cells hold.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from styringskerne.core.masking import mask_text

__all__ = ["html_table"]


def html_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    notes: Sequence[str] = (),
) -> str:
    """An HTML table, escaped and masked.

    Examples:
        >>> html_table("Ledger", ["Account", "Expected"], [["5.38.50", "1.149,50"]])[:35]
        '<div><strong>Ledger</strong><table>'
    """

    def text(value: str) -> str:
        return html.escape(mask_text(value))

    head = "".join(f"<th>{text(column)}</th>" for column in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td style='text-align:{'right' if index else 'left'}'>{text(cell)}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    remarks = "".join(f"<p>{text(note)}</p>" for note in notes)
    return (
        f"<div><strong>{text(title)}</strong><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{remarks}</div>"
    )
