"""Offline language identification (py3langid, whose model ships inside the package)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_LETTERS = re.compile(r"[^\W\d_]")
_PERSIAN_ONLY = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")  # پ چ ژ گ ک ی
MIN_LETTERS = 12


@lru_cache(maxsize=1)
def _identifier() -> Any:
    import py3langid

    return py3langid


def detect(text: str, default: str = "und", prefer: str | None = None) -> str:
    """ISO 639-1 code of ``text``'s language, or ``default`` when there are too few letters.

    Persian written in Arabic script is told from Arabic by its own letters
    (پ چ ژ گ and the Persian forms of kaf and yeh), which py3langid sometimes misses on
    short passages. With ``prefer`` (the document's language), a passage keeps it when it
    is among py3langid's three most likely languages, so a short English passage of an
    English article is not labelled Pidgin.
    """
    sample = text[:20000]
    if len(_LETTERS.findall(sample)) < MIN_LETTERS:
        return default
    ident = _identifier()
    if prefer is not None:
        ranked = [code for code, _ in ident.rank(sample)[:3]]
        lang = prefer if prefer in ranked else ranked[0]
    else:
        lang, _ = ident.classify(sample)
    if lang in {"ar", "ur", "ps"} and _PERSIAN_ONLY.search(sample):
        return "fa"
    return str(lang)
