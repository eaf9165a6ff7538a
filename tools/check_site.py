"""Fails the docs build when the built site shows a raw Sphinx role (``:class:`…```).

Usage: ``python tools/check_site.py SITE_FOLDER``; prints each page and role found.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_RAW = re.compile(r":(?:class|func|meth|data|mod|attr|exc|obj):(?:<code>|`)")


def main(site: str) -> int:
    found = [
        (page, match.group(0))
        for page in sorted(Path(site).rglob("*.html"))
        for match in _RAW.finditer(page.read_text(encoding="utf-8"))
    ]
    for page, role in found:
        print(f"{page}: raw role {role!r} in the built site", file=sys.stderr)
    if not list(Path(site).rglob("*.html")):
        print(f"{site}: no pages; build the site first", file=sys.stderr)
        return 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
