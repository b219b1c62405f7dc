"""Text normalisation for Persian, Russian and English passages.

Two levels:

- :func:`normalize` keeps the text readable (it is what passages show and what the
  embedding model reads): Arabic code points that Persian writes differently become their
  Persian forms (yeh ``ي``/``ى`` -> ``ی``, kaf ``ك`` -> ``ک``), Arabic-Indic and Persian
  digits become ASCII digits, tatweel and short-vowel marks go, the zero-width non-joiner
  (ZWNJ) is kept only between letters; in Russian ``ё`` stays but stress marks and soft
  hyphens go; whitespace runs collapse to one space.
- :func:`fold` is for matching codebook phrases: :func:`normalize`, then lower case,
  ``ё`` -> ``е`` and every ZWNJ removed (so ``می‌شود``, ``میشود`` and ``می شود`` can match
  one phrase once spaces are also folded by the phrase compiler).

Both map one source character to at most one output character except for whitespace
runs, so a passage's offsets always refer to the original text, never to these forms.
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"

_TRANSLATE = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # alef maksura -> Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
        "\u0640": None,  # tatweel
        "\u00ad": None,  # soft hyphen
        "\u0301": None,  # combining acute (Russian stress mark)
        "\u200b": None,  # zero-width space
        "\ufeff": None,  # byte order mark
        "\u00a0": " ",
        "\u202f": " ",
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
    }
)
_HARAKAT = re.compile("[\u064b-\u0652\u0670]")
_ZWNJ_OUTSIDE_LETTERS = re.compile(rf"(?<!\w){ZWNJ}+|{ZWNJ}+(?!\w)")
_ZWNJ_RUNS = re.compile(f"{ZWNJ}{{2,}}")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Readable normal form (see the module docstring); language-independent and idempotent."""
    out = text.translate(_TRANSLATE)
    out = _HARAKAT.sub("", out)
    out = _ZWNJ_RUNS.sub(ZWNJ, out)
    out = _ZWNJ_OUTSIDE_LETTERS.sub("", out)
    return _SPACES.sub(" ", out).strip()


def fold(text: str) -> str:
    """Matching form: :func:`normalize`, lower case, ``ё`` -> ``е``, no ZWNJ, NFC."""
    out = normalize(text).lower().replace("ё", "е").replace(ZWNJ, "")
    return unicodedata.normalize("NFC", out)
