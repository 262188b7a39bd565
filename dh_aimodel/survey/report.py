"""The survey's outputs: a table on stdout, and JSON, CSV and a self-contained
HTML page (``templates/survey.html.j2``: inline CSS, no script, no external
URL, so it can be mailed or attached to a bug as one file).

Every output is made of the same sorted records and the same counts
(:func:`counts`: packages per model family and per recommended area), so
they agree; files are written atomically.  Nothing here reads a .deb.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dh_aimodel.survey.record import NO_ADVICE, NO_MODELS
from dh_aimodel.tree.atomic import write_atomic

#: Areas from the most to the least favourable, then the packages without advice.
AREAS = ("main", "contrib", "non-free", "none", NO_ADVICE, NO_MODELS)
#: The family of a model file no family recognised (lint found it by its format).
UNRECOGNISED = "unrecognised"
#: Bumped when the JSON output changes shape.
JSON_FORMAT = 1

CSV_COLUMNS = ("package", "version", "architecture", "section", "source", "installed_size",
               "size", "sha256", "path", "area", "worst", "models", "families", "errors",
               "warnings")


@dataclass(frozen=True, slots=True)
class FamilyCount:
    family: str
    title: str
    kind: str
    #: Packages that ship at least one model of the family.
    packages: int
    #: Models, a model of several files (a unit) counted once.
    models: int


@dataclass(frozen=True, slots=True)
class Counts:
    packages: int
    with_models: int
    families: tuple[FamilyCount, ...]
    #: (area, packages), in :data:`AREAS` order, then any other area by name.
    areas: tuple[tuple[str, int], ...]


def _family(model: Mapping[str, Any]) -> str:
    return model["family"] or UNRECOGNISED


def _families_of(record: Mapping[str, Any]) -> list[str]:
    return sorted({_family(m) for m in record["models"]})


def counts(records: Sequence[Mapping[str, Any]]) -> Counts:
    """Packages per family and per area; models per family (units counted once)."""
    packages: dict[str, int] = {}
    models: dict[str, int] = {}
    about: dict[str, tuple[str, str]] = {}
    areas: dict[str, int] = {}
    for r in records:
        areas[r["area"]] = areas.get(r["area"], 0) + 1
        units: dict[str, set[str]] = {}
        for m in r["models"]:
            fam = _family(m)
            units.setdefault(fam, set()).add(m["unit"] or m["path"])
            about.setdefault(fam, (m["title"] or "files no family recognised",
                                   m["kind"] or "model"))
        for fam, found in units.items():
            packages[fam] = packages.get(fam, 0) + 1
            models[fam] = models.get(fam, 0) + len(found)
    fams = tuple(FamilyCount(f, *about[f], packages[f], models[f])
                 for f in sorted(packages, key=lambda f: (-packages[f], f)))
    order = {a: i for i, a in enumerate(AREAS)}
    return Counts(len(records), sum(1 for r in records if r["models"]), fams,
                  tuple(sorted(areas.items(), key=lambda a: (order.get(a[0], len(AREAS)), a[0]))))


def _severities(record: Mapping[str, Any], severity: str) -> int:
    return sum(1 for d in record["diagnostics"]
               if d["severity"] == severity and not d["overridden"])


# -- the table ----------------------------------------------------------------------

def _columns(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n"
                   for r in rows)


def table(records: Sequence[Mapping[str, Any]], failed: Sequence[Mapping[str, Any]]) -> str:
    """One line per package, then the counts and the failures, for a terminal."""
    c = counts(records)
    rows = [("PACKAGE", "VERSION", "ARCH", "AREA", "MODELS", "FAMILIES", "E", "W")]
    rows += [(r["package"], r["version"] or "", r["architecture"] or "", r["area"],
              str(len(r["models"])), ",".join(_families_of(r)) or "-",
              str(_severities(r, "error")), str(_severities(r, "warning")))
             for r in records]
    out = _columns(rows) if records else ""
    out += (f"\n{c.packages} packages, {c.with_models} with models, "
            f"{len(failed)} failed\n")
    if c.families:
        out += "\n" + _columns([("FAMILY", "KIND", "PACKAGES", "MODELS")] + [
            (f.family, f.kind, str(f.packages), str(f.models)) for f in c.families])
    if c.areas:
        out += "\n" + _columns([("AREA", "PACKAGES")] + [(a, str(n)) for a, n in c.areas])
    if failed:
        out += "\nfailed:\n" + "".join(f"  {e['message']}\n" for e in failed)
    return out


# -- files ----------------------------------------------------------------------------

def as_json(records: Sequence[Mapping[str, Any]], failed: Sequence[Mapping[str, Any]]) -> str:
    c = counts(records)
    return json.dumps({
        "format": JSON_FORMAT,
        "packages": list(records),
        "failed": list(failed),
        "families": [{"family": f.family, "title": f.title, "kind": f.kind,
                      "packages": f.packages, "models": f.models} for f in c.families],
        "areas": [{"area": a, "packages": n} for a, n in c.areas],
    }, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def as_csv(records: Sequence[Mapping[str, Any]]) -> str:
    """One row per package; ``families`` joined by spaces."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        worst = r["advice"]["worst"] if r["advice"] else ""
        writer.writerow([r["package"], r["version"], r["architecture"], r["section"],
                         r["source"], r["installed_size"], r["size"], r["sha256"], r["path"],
                         r["area"], worst, len(r["models"]), " ".join(_families_of(r)),
                         _severities(r, "error"), _severities(r, "warning")])
    return buf.getvalue()


def _size(n: int | None) -> str:
    if n is None:
        return ""
    if n < 1024:
        return f"{n} B"
    value, unit = n / 1024, "KiB"
    for bigger in ("MiB", "GiB", "TiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"


def as_html(records: Sequence[Mapping[str, Any]], failed: Sequence[Mapping[str, Any]]) -> str:
    from dh_aimodel.packaging.render import render

    rows = [{**r, "size_text": _size(r["size"]),
             "models": [{**m, "size_text": _size(m["size"])} for m in r["models"]],
             "findings": [d for d in r["diagnostics"] if not d["overridden"]],
             "area_class": r["area"].replace(" ", "-")}
            for r in records]
    return render("survey.html.j2", counts=counts(records), packages=rows, failed=failed)


def write_outputs(records: Sequence[Mapping[str, Any]], failed: Sequence[Mapping[str, Any]],
                  *, json_file: Path | None = None, csv_file: Path | None = None,
                  html_file: Path | None = None) -> None:
    if json_file is not None:
        write_atomic(json_file, as_json(records, failed))
    if csv_file is not None:
        write_atomic(csv_file, as_csv(records))
    if html_file is not None:
        write_atomic(html_file, as_html(records, failed))
