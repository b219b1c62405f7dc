"""States and years a passage mentions.

State terms (names, adjectives, capitals standing for governments) come from
``data/state_terms.csv``, each row with its source (see tools/build_state_terms.py).
Matching is on the folded text (:func:`allyscope.documents.normalize.fold`):

- English terms match whole words ("Iran" but not "Iranian", which is its own term);
  all-capital abbreviations ("US", "UK", "USSR") match case-sensitively so that the
  pronoun "us" is not the United States;
- Persian terms match whole words with the common suffixes (ی، یان، ها، های، ان);
- Russian terms match the start of a word, names reduced to their stem by dropping a final
  vowel or й (Россия -> Росси: России, Россией, Российский), so case endings match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import polars as pl

from allyscope.documents.normalize import fold, normalize

_YEARS = re.compile(r"(?<![\d.,$€£])(1[89]\d\d|20\d\d)(?:s\b|-?ies\b)?(?![\d%])")


def _ru_stem(term: str) -> str:
    t = fold(term)
    if " " not in t and len(t) >= 5 and t[-1] in "аяйеоыь":
        return t[:-1]
    return t


_WORDS = re.compile(r"\w+")
_FA_SUFFIXES = ("یان", "های", "ها", "ان", "ی")
_PREFIX = 4


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    ccode: int
    prefix: bool  # Russian: the last word may be the start of a longer word


@dataclass(frozen=True)
class _Matcher:
    index: dict[str, list[_Term]]  # first word (Russian: its first letters) -> terms
    exact: re.Pattern[str] | None
    exact_ccode: dict[str, int]


def state_terms() -> pl.DataFrame:
    """The term table: ``ccode, lang, term, kind, source``."""
    path = resources.files("allyscope.documents") / "data" / "state_terms.csv"
    with resources.as_file(path) as p:
        return pl.read_csv(p, schema_overrides={"ccode": pl.Int32})


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    index: dict[str, list[_Term]] = {}
    exact_ccode: dict[str, int] = {}
    for cc, lang, term, _kind, _src in state_terms().iter_rows():
        if lang == "en" and term.isupper() and len(term.replace(".", "")) <= 5:
            exact_ccode.setdefault(normalize(term), cc)
            continue
        words = tuple(_WORDS.findall(_ru_stem(term) if lang == "ru" else fold(term)))
        if not words:
            continue
        entry = _Term(words, cc, prefix=lang == "ru")
        key = words[0][:_PREFIX] if lang == "ru" else words[0]
        index.setdefault(key, []).append(entry)
    for terms in index.values():
        terms.sort(key=lambda t: len(t.words), reverse=True)  # "Soviet Union" before "Soviet"
    exact = None
    if exact_ccode:
        alts = sorted(exact_ccode, key=len, reverse=True)
        exact = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, alts)) + r")(?!\w)")
    return _Matcher(index, exact, exact_ccode)


def _word_matches(term_word: str, word: str, prefix: bool) -> bool:
    if prefix:
        return word.startswith(term_word)
    if word == term_word:
        return True
    return any(word == term_word + suf for suf in _FA_SUFFIXES)


def _candidates(word: str, index: dict[str, list[_Term]]) -> list[_Term]:
    out = list(index.get(word, ()))
    out += index.get(word[:_PREFIX], ()) if len(word) >= _PREFIX else ()
    for suf in _FA_SUFFIXES:
        if word.endswith(suf) and len(word) > len(suf) + 1:
            out += index.get(word[: -len(suf)], ())
    return sorted(out, key=lambda t: len(t.words), reverse=True)


def states_mentioned(text: str) -> list[int]:
    """Sorted COW codes of the states ``text`` names (see the module docstring)."""
    matcher = _matcher()
    words = _WORDS.findall(fold(text))
    found: set[int] = set()
    covered = 0  # words before this index belong to a longer term already matched
    for i, word in enumerate(words):
        if i < covered:
            continue
        for term in _candidates(word, matcher.index):
            n = len(term.words)
            if i + n <= len(words) and all(
                _word_matches(tw, w, term.prefix and j == n - 1) if j == n - 1 else tw == w
                for j, (tw, w) in enumerate(zip(term.words, words[i : i + n], strict=True))
            ):
                found.add(term.ccode)
                covered = i + n
                break
    if matcher.exact is not None:
        found.update(
            matcher.exact_ccode[m.group(0)] for m in matcher.exact.finditer(normalize(text))
        )
    return sorted(found)


_NUMBER_RUN = re.compile(r"\d+(?:[-/–]\d+)+")
_YEAR_LIKE = re.compile(r"1[89]\d\d|20\d\d")


def _is_code(run: str) -> bool:
    """True for a run of hyphen- or slash-joined numbers that is not a year or a span of
    years ("2011-2014", "2022/23"): a DOI, ISSN, ISBN or page range such as "2071-8160"."""
    parts = re.split(r"[-/–]", run)
    if len(parts) > 2:
        return True
    first, second = parts
    if not _YEAR_LIKE.fullmatch(first):
        return True
    return not (_YEAR_LIKE.fullmatch(second) or len(second) == 2)


def years_mentioned(text: str) -> list[int]:
    """Years (1800-2099) a passage names; a decade ("1990s") gives its first year.

    Numbers inside identifiers (DOI, ISSN, ISBN: "10.24833/2071-8160-2023") are not years.
    """
    norm = _NUMBER_RUN.sub(
        lambda m: " " * len(m.group(0)) if _is_code(m.group(0)) else m.group(0), normalize(text)
    )
    return sorted({int(m.group(1)) for m in _YEARS.finditer(norm)})


_Y = r"(1[89]\d\d|20\d\d)"
_PERIODS = re.compile(
    r"(?:from|between|since)?\s*"
    + _Y
    + r"\s*(?:-|–|—|to|until|till|and|through)\s*"
    + _Y
    + r"(?![\d%])"
    r"|\b(?:the\s+)?" + _Y + r"s\b",
    re.I,
)


def periods_mentioned(text: str) -> list[tuple[int, int]]:
    """Spans of years a passage names: "from 2011 to 2022", "2012-2021", "the 1990s"."""
    out = set()
    for m in _PERIODS.finditer(normalize(text)):
        if m.group(3):
            start = int(m.group(3))
            out.add((start, start + 9))
        else:
            a, b = int(m.group(1)), int(m.group(2))
            if a < b:
                out.add((a, b))
    return sorted(out)
