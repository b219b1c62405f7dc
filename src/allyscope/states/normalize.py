"""Normalisation of state names for matching: case-, accent- and punctuation-insensitive."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

_APOSTROPHES = re.compile(r"[’'`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_TOKEN_SUBSTITUTES = {"saint": "st", "sainte": "ste"}


def normalize_name(text: str) -> str:
    """Return the matching key of a state name or code.

    >>> normalize_name("Côte d’Ivoire") == normalize_name("Cote d'Ivoire")
    True
    >>> normalize_name("St. Kitts & Nevis") == normalize_name("Saint Kitts and Nevis")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    lowered = _APOSTROPHES.sub("", stripped.casefold().replace("&", " and "))
    tokens = _NON_WORD.sub(" ", lowered).split()
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(_TOKEN_SUBSTITUTES.get(t, t) for t in tokens)


def normalize_names(names: pl.Series) -> pl.Series:
    """:func:`normalize_name` of every value (null stays null), vectorised.

    ASCII values, nearly all names in event and country data, are normalised with Polars
    string expressions (for ASCII text NFKD and accent stripping change nothing and
    casefolding is lowercasing); the others go through :func:`normalize_name` one by one.
    """
    import polars as pl

    words = (
        pl.col("v")
        .str.to_lowercase()
        .str.replace_all("&", " and ", literal=True)
        .str.replace_all(r"['`]", "")
        .str.replace_all(r"[^0-9a-z]+", " ")
        .str.strip_chars()
        .str.replace(r"^the(?: |$)", "")
        .str.replace_all(r"\bsaint\b", "st")
        .str.replace_all(r"\bsainte\b", "ste")
    )
    frame = pl.DataFrame({"v": names.cast(pl.String)})
    ascii_ = pl.col("v").str.contains(r"^[\x00-\x7f]*$")
    out = frame.select(pl.when(ascii_).then(words).alias("key"), ascii_.alias("a"))
    other = frame.filter(~out["a"] & frame["v"].is_not_null())["v"].unique()
    if other.len():
        fixed = pl.DataFrame(
            {"v": other, "k": [normalize_name(v) for v in other.to_list()]},
            schema={"v": pl.String, "k": pl.String},
        )
        key = frame.join(fixed, on="v", how="left", maintain_order="left")["k"]
        out = out.with_columns(pl.when(pl.col("a")).then(pl.col("key")).otherwise(key))
    return out["key"].alias(names.name)
