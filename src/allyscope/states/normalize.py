"""Normalisation of state names for matching: case-, accent- and punctuation-insensitive."""

from __future__ import annotations

import re
import unicodedata

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
