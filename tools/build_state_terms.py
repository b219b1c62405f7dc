"""Build src/allyscope/documents/data/state_terms.csv: words that name a state, by language.

Run from the repository root (a development tool, not shipped):

    .venv/bin/python tools/build_state_terms.py

Sources, recorded per row in the ``source`` column:
- ``states``: names and aliases of allyscope's state table (src/allyscope/states/data);
- ``cldr``: territory names of the Unicode CLDR in English, Persian and Russian, read
  through Babel (the version is written in the row);
- ``cow_capitals``: the current capital of each COW state, from peacesciencer's
  ``cow_capitals`` (v1.2.9, the table allyscope ships as dataset ``cow_capitals``), as a
  metonym for its government ("Moscow said ...");
- ``curated``: adjectives and the USSR's names, and capitals in Persian and Russian, for
  the states most often discussed with Iran and Russia (tools/state_terms_curated.csv).
"""

from __future__ import annotations

import csv
from pathlib import Path

import babel
import polars as pl
from babel import Locale

from allyscope.sources.store import load

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/allyscope/documents/data/state_terms.csv"


def main() -> None:
    states = pl.read_csv(ROOT / "src/allyscope/states/data/states.csv", infer_schema_length=0)
    rows: set[tuple[int, str, str, str, str]] = set()
    iso2 = {}
    for r in states.iter_rows(named=True):
        cc = int(r["ccode"])
        if r["iso2"]:
            iso2.setdefault(r["iso2"], cc)
        for term in [r["name"], *(r["aliases"] or "").split("|")]:
            term = term.strip()
            if term and not (
                len(term) <= 3 and term.isupper() and term not in {"US", "UK", "PRC", "ROK"}
            ):
                rows.add((cc, "en", term, "name", "states"))
    cldr = f"cldr (Babel {babel.__version__})"
    for lang in ("en", "fa", "ru"):
        names = Locale(lang).territories
        for code, cc in iso2.items():
            name = names.get(code)
            if name:
                rows.add((cc, lang, name, "name", cldr))
    caps = (
        load("cow_capitals")
        .sort("enddate")
        .group_by("ccode")
        .last()
        .select("ccode", "capital")
    )
    for cc, cap in caps.iter_rows():
        cap = cap.replace(" D.C.", "").strip()
        rows.add((int(cc), "en", cap, "capital", "cow_capitals (peacesciencer 1.2.9)"))
    with open(ROOT / "tools/state_terms_curated.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.add((int(r["ccode"]), r["lang"], r["term"], r["kind"], "curated"))
    out = sorted(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ccode", "lang", "term", "kind", "source"])
        w.writerows(out)
    print(f"{len(out)} terms -> {OUT}")


if __name__ == "__main__":
    main()
