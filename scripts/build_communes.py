"""Convert the communes of npm `@etalab/decoupage-administratif` into knowledge/places/communes.json.

The agency finder must tell a département from a city name or a postal code on every turn,
offline. The npm package (INSEE's official geographic code plus La Poste postal codes) is the
source; this script keeps only what the parser needs so the committed file stays small and
reviewable, and so a package upgrade shows up as a readable diff.

Kept: current communes of metropolitan France, the DROM and Saint-Pierre-et-Miquelon (the
seed's exceptions name it), plus former communes now "déléguées" or "associées" (people keep
using the old name of a merged village); Paris, Lyon and Marseille keep all their arrondissement
postal codes on the commune row. Dropped: the other overseas collectivities, whose social
security is not the French general scheme.

Usage: .venv/bin/python scripts/build_communes.py [--check]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "node_modules" / "@etalab" / "decoupage-administratif"
OUTPUT = ROOT / "knowledge" / "places" / "communes.json"

# Bump when the data is re-checked; a date computed at run time would make the committed
# file impossible to reproduce.
CHECKED = "2026-11-23"
KEPT_ZONES = {"metro", "drom"}
KEPT_EXTRA_DEPARTEMENTS = {"975"}  # Saint-Pierre-et-Miquelon (zone "com")
CURRENT = "commune-actuelle"
FORMER = {"commune-deleguee", "commune-associee"}


def _load(name: str):
    with (PACKAGE_DIR / "data" / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _kept(record: dict) -> bool:
    return record.get("zone") in KEPT_ZONES or record.get("departement", record.get("code")) in KEPT_EXTRA_DEPARTEMENTS


def build() -> dict:
    """The output document, built only from the installed package."""
    version = json.loads((PACKAGE_DIR / "package.json").read_text(encoding="utf-8"))["version"]
    communes = [c for c in _load("communes.json") if _kept(c)]
    current_keys = {(c["nom"], c["departement"]) for c in communes if c["type"] == CURRENT}

    rows = []
    for commune in communes:
        if commune["type"] == CURRENT:
            rows.append([commune["nom"], commune["departement"], sorted(commune.get("codesPostaux", [])),
                         int(commune.get("population", 0))])
        elif commune["type"] in FORMER and (commune["nom"], commune["departement"]) not in current_keys:
            # A former commune has no postal code or population of its own: it only helps
            # to recognise the name.
            rows.append([commune["nom"], commune["departement"], [], 0])
            current_keys.add((commune["nom"], commune["departement"]))

    departements = [[d["code"], d["nom"], d["region"]] for d in _load("departements.json") if _kept(d)]
    region_codes = {d[2] for d in departements}
    regions = [[r["code"], r["nom"]] for r in _load("regions.json") if r["code"] in region_codes]
    return {
        "sources": [
            f"npm @etalab/decoupage-administratif {version} (Code officiel géographique INSEE, codes postaux "
            "La Poste, populations légales), converti par scripts/build_communes.py",
        ],
        "checked": CHECKED,
        "columns": ["nom", "departement", "codes_postaux", "population"],
        "communes": rows,
        "departements": departements,
        "regions": regions,
    }


def render(document: dict) -> str:
    """One row per line: compact, yet a package upgrade gives a line-by-line diff."""
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    for key in ("sources", "checked", "columns"):
        lines.append(f"{dump(key)}:{dump(document[key])},")
    for key in ("communes", "departements", "regions"):
        rows = document[key]
        lines.append(f"{dump(key)}:[")
        lines.extend(dump(row) + ("," if i < len(rows) - 1 else "") for i, row in enumerate(rows))
        lines.append("]" + ("," if key != "regions" else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = parser.parse_args(argv)
    if not (PACKAGE_DIR / "data" / "communes.json").is_file():
        print(f"Paquet introuvable : {PACKAGE_DIR} (lancez `make install`)", file=sys.stderr)
        return 2
    text = render(build())
    if args.check:
        same = OUTPUT.is_file() and OUTPUT.read_text(encoding="utf-8") == text
        print("communes.json à jour" if same else "communes.json diffère : lancez `make communes`")
        return 0 if same else 1
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)} : {text.count(chr(10))} lignes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
