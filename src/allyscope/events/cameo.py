"""CAMEO event codes as data: code, root, quad class, Goldstein score, label (``data/cameo.csv``).

Sources (``data/SOURCES.md``): codes and labels from the CAMEO codebook 1.1b3 (Schrodt
2012) with the event texts ICEWS writes as aliases; Goldstein scores from GDELT's
``CAMEO.goldsteinscale.txt`` (Goldstein 1992 mapped onto CAMEO). Quad classes by root code:
verbal cooperation 01-05, material cooperation 06-08, verbal conflict 09-13, material
conflict 14-20 (the four-class reading of CAMEO used by Phoenix/PETRARCH and GDELT clients;
GDELT's own files carry their own ``QuadClass``, which the GDELT readers use instead).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import polars as pl

#: Quad class number -> output column.
QUADS = {1: "verb_coop", 2: "matl_coop", 3: "verb_conf", 4: "matl_conf"}
QUAD_TITLES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
#: Root codes of each quad class (the rule behind the ``quad`` column of cameo.csv).
QUAD_ROOTS = {1: (1, 5), 2: (6, 8), 3: (9, 13), 4: (14, 20)}

_NOT_SPECIFIED = re.compile(r",?\s*not spec(ified)? below\s*$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")


@cache
def cameo_table() -> pl.DataFrame:
    """One row per CAMEO code: code (text, leading zeros kept), root, quad, goldstein, label."""
    path = resources.files("allyscope.events") / "data" / "cameo.csv"
    with resources.as_file(path) as p:
        df = pl.read_csv(
            p,
            schema_overrides={
                "code": pl.String,
                "root": pl.String,
                "quad": pl.Int8,
                "goldstein": pl.Float64,
            },
        )
    return df.with_columns(pl.col("aliases", "basis").fill_null(""))


def label_key(text: str) -> str:
    """Matching key of an event text: case, underscores, punctuation and 'not specified below' ignored.

    >>> label_key("Arrest,_detain,_or_charge_with_legal_action")
    'arrest detain or charge with legal action'
    >>> label_key("Make statement, not specified below") == label_key("Make_statement")
    True
    """
    t = _NOT_SPECIFIED.sub("", text.replace("_", " ").strip())
    return " ".join(_NON_WORD.sub(" ", t.casefold()).split())


@cache
def label_table() -> pl.DataFrame:
    """``key`` (see :func:`label_key`) -> ``code``; a detailed code wins over a root heading."""
    rows: dict[str, tuple[int, str]] = {}
    for code, label, aliases in cameo_table().select("code", "label", "aliases").iter_rows():
        rank = 1 if len(code) == 2 else 0  # "CONSULT" (04) yields to "Consult" (040)
        for text in [label, *[a for a in aliases.split("|") if a]]:
            key = label_key(text)
            if key not in rows or rank < rows[key][0]:
                rows[key] = (rank, code)
    return pl.DataFrame(
        {"key": list(rows), "code": [c for _, c in rows.values()]},
        schema={"key": pl.String, "code": pl.String},
    )


def codes_for_labels(labels: pl.Series) -> pl.DataFrame:
    """``label`` -> ``code`` (null if unknown) for the distinct values of ``labels``."""
    distinct = labels.drop_nulls().unique().to_list()
    frame = pl.DataFrame(
        {"label": distinct, "key": [label_key(x) for x in distinct]},
        schema={"label": pl.String, "key": pl.String},
    )
    return frame.join(label_table(), on="key", how="left").select("label", "code")


#: POLECAT (PLOVER) ``Quad Code`` texts -> quad class.
PLOVER_QUADS = {
    "verbal cooperation": 1,
    "material cooperation": 2,
    "verbal conflict": 3,
    "material conflict": 4,
}
