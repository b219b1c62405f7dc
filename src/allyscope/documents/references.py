"""Reference-list entries: passages that cite a work rather than say something.

An article's bibliography names states in its titles ("Iran-Russia Alliance:
Opportunities, Limits, and Conflict in the Middle East") and would otherwise be coded by
topic. The coder gives such passages each family's fallback code (``none`` / ``neutral``
/ ``none``), the value the gold set's rules give front and back matter, with the trigger
``reference-list entry``.

A passage is an entry when it is short (at most :data:`MAX_CHARS`) and either opens like
one, with an author ("Katz, Mark N (2023), ...", "Mosalmanian Ghobadiani, Rahim and ...
(2008)", "Hansjörg Blöchliger and Olivier Durand-Lasserve (2018), ...") followed by a year
in parentheses near the start, or carries two of: a DOI, a web address, volume/issue/page marks ("Vol. 16, No. 2,
pp. 18-25"), "accessed on", "available at", a language note ("[in Persian]").
"""

from __future__ import annotations

import re

MAX_CHARS = 600
TRIGGER = "reference-list entry"

# "Surname, Given ... (2023)": a capitalised name and a comma, then a year in parentheses
# within 80 characters, with no two lower-case words in a row before it (an author list
# has at most "and" between names; a sentence such as "Consequently, Iraq's full
# compliance with resolution 687 (1991)" has many)
_AUTHOR_YEAR = re.compile(
    r"^\s*(?:\d+[.)]\s*)?(?P<authors>(?:[^\W\d_][\w'’.-]*\s){0,2}[^\W\d_][\w'’.-]*,\s*"
    r"[^\W\d_][^\n]{0,80}?)\(\s*(?:1[89]|20)\d\d[a-z]?\s*\)"
)
# "Given Surname and Given Surname (2018)": capitalised names only, no comma
_NAMES_YEAR = re.compile(
    r"^\s*(?P<authors>(?:[A-Z][\w'’.-]*\s+){1,3}and\s+(?:[A-Z][\w'’.-]*\s+){1,3})"
    r"\(\s*(?:1[89]|20)\d\d[a-z]?\s*\)\s*,"
)
_LOWER_RUN = re.compile(r"(?<![\w'’])[a-z][\w'’]*\s+[a-z][\w'’]*")
_MARKERS = (
    re.compile(r"\bdoi\s*:?\s*10\.\d{4,9}/|\b10\.\d{4,9}/\S+", re.I),
    re.compile(r"https?://|\bwww\.", re.I),
    re.compile(r"\b(?:vol|no|pp)\.\s*\d+.{0,40}\b(?:no|pp)\.\s*\d", re.I),
    re.compile(r"\b(?:accessed|retrieved)\b(?:\s+on)?", re.I),
    re.compile(r"\bavai?l?able\s+(?:at|from)\b", re.I),
    re.compile(r"\[\s*in\s+(?:persian|farsi|russian|arabic)\s*\]", re.I),
)


def is_reference(text: str) -> bool:
    """True if ``text`` reads as an entry of a reference list (see the module docstring)."""
    if len(text) > MAX_CHARS:
        return False
    m = _AUTHOR_YEAR.search(text) or _NAMES_YEAR.search(text)
    if m and m.group("authors")[0].isupper() and not _LOWER_RUN.search(m.group("authors")):
        return True
    return sum(1 for m in _MARKERS if m.search(text)) >= 2
