"""aimodel-families(7), rendered from the family data (``data/families/*.yaml``).

The page is generated, not written, so that the families a reviewer reads
about are exactly the ones the tool recognises; tools/gen-families-man
writes it and a test fails when it is out of date.
"""

from __future__ import annotations

from itertools import groupby

from dh_aimodel import __version__
from dh_aimodel.formats.families import Family, families
from dh_aimodel.packaging.render import render

#: The page's date: changed by hand when the page's own text changes, so the
#: output depends on the data alone.
DATE = "2026-12-07"


def _shown_magic(magic: bytes) -> str:
    """Leading bytes as the page shows them: text when printable (line ends
    and tabs written as escapes), else hex."""
    text = magic.decode("latin-1")
    shown = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if magic.isascii() and shown.isprintable():
        return f'"{shown}"'
    return "0x" + magic.hex()


def _entry(f: Family) -> dict[str, object]:
    return {"id": f.id, "title": f.title, "kind": f.kind, "reason": f.reason.rstrip("."),
            "doc": f.doc.strip(), "magic": [_shown_magic(m) for m in f.magic],
            "names": list(f.names), "formats": list(f.formats), "format": f.format}


def families_page() -> str:
    """The roff text of aimodel-families(7)."""
    ordered = sorted(families().values(), key=lambda f: (f.domain, f.id))
    domains = [(domain, [_entry(f) for f in fams])
               for domain, fams in groupby(ordered, key=lambda f: f.domain)]
    return render("aimodel-families.7.j2", domains=domains, date=DATE, version=__version__)
