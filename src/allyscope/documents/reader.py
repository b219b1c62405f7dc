"""``allyscope.read``: ingest documents, split them into passages, code them, check claims.

The result (:class:`ReadResult`) holds the documents, passages with their codes, the
quantitative claims and the files skipped with their reasons. Its JSON form is the
interface other code uses::

    {"documents": [{"id", "path", "name", "format", "lang", "n_chars", "n_passages"}],
     "passages": [{"id", "doc", "start", "end", "lang", "text", "dimension", "role",
                   "framing", "states", "iso3", "years", "periods", "scores", "triggers"}],
     "claims": [{"text", "passage", "value", "unit", "year", "from", "to", "variable",
                 "verdict", "data_value", "source", "note"}],
     "skipped": [{"path", "reason"}],
     "summary": {...}}

``start``/``end`` are character offsets into the document's extracted text; ``states``
are COW codes (``iso3`` the same states as ISO3 codes); ``scores`` gives, per code family,
every value's score; ``triggers`` the keywords and nearest seed phrase behind each code.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from allyscope.documents.claims import TOLERANCE, Claim, check_claims, extract_claims
from allyscope.documents.codebook import Codebook, load_codebook
from allyscope.documents.coder import Code, Coder
from allyscope.documents.ingest import Document, Skipped, expand_paths, iter_documents
from allyscope.documents.mentions import periods_mentioned, states_mentioned, years_mentioned
from allyscope.documents.segment import Passage, segment
from allyscope.errors import InvalidInputError


@dataclass(frozen=True)
class CodedPassage:
    passage: Passage
    codes: dict[str, Code]
    states: list[int]
    years: list[int]
    periods: list[tuple[int, int]]

    def as_dict(self, iso3: dict[int, str]) -> dict[str, Any]:
        p = self.passage
        return {
            "id": p.id,
            "doc": p.doc,
            "start": p.start,
            "end": p.end,
            "lang": p.lang,
            "text": p.text,
            **{fam: code.value for fam, code in self.codes.items()},
            "states": self.states,
            "iso3": [iso3.get(c, str(c)) for c in self.states],
            "years": self.years,
            "periods": [list(p) for p in self.periods],
            "scores": {fam: code.scores for fam, code in self.codes.items()},
            "triggers": {fam: list(code.triggers) for fam, code in self.codes.items()},
        }


@dataclass
class ReadResult:
    documents: list[Document]
    passages: list[CodedPassage]
    claims: list[Claim]
    skipped: list[Skipped]
    codebook: Codebook
    method: str
    claims_checked: bool = False
    tolerance: float = TOLERANCE
    doc_passages: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        fams = {
            f.name: dict(Counter(p.codes[f.name].value for p in self.passages))
            for f in self.codebook.families
        }
        return {
            "documents": len(self.documents),
            "passages": len(self.passages),
            "skipped": len(self.skipped),
            "claims": len(self.claims),
            "claims_checked": self.claims_checked,
            "tolerance": self.tolerance,
            "verdicts": dict(Counter(c.verdict for c in self.claims if c.verdict)),
            "codes": fams,
            "coder": self.method,
            "codebook_version": self.codebook.version,
            "languages": dict(Counter(p.passage.lang for p in self.passages)),
        }

    def as_dict(self) -> dict[str, Any]:
        iso3 = iso3_by_ccode()
        return {
            "documents": [
                {**d.as_dict(), "n_passages": self.doc_passages.get(d.id, 0)}
                for d in self.documents
            ],
            "passages": [p.as_dict(iso3) for p in self.passages],
            "claims": [_claim_dict(c, iso3) for c in self.claims],
            "skipped": [s.as_dict() for s in self.skipped],
            "summary": self.summary(),
        }


def iso3_by_ccode() -> dict[int, str]:
    """COW code -> ISO3 code of the states that have one."""
    from allyscope.states.table import state_table

    t = state_table()
    return {
        int(c): str(i) for c, i in zip(t["ccode"].to_list(), t["iso3"].to_list(), strict=True) if i
    }


def _claim_dict(c: Claim, iso3: dict[int, str]) -> dict[str, Any]:
    return {
        "text": c.text,
        "passage": c.passage,
        "value": c.value,
        "unit": c.unit,
        "year": c.year,
        "from": iso3.get(c.origin) if c.origin else None,
        "to": iso3.get(c.destination) if c.destination else None,
        "variable": c.variable,
        "verdict": c.verdict,
        "data_value": c.data_value,
        "source": c.source,
        "note": c.note,
    }


def _main_dyad(passages: list[CodedPassage]) -> tuple[int, int] | None:
    counts = Counter(s for p in passages for s in p.states)
    top = [s for s, _ in counts.most_common(2)]
    return (top[0], top[1]) if len(top) == 2 else None


def read_documents(
    documents: Iterable[Document],
    *,
    skipped: list[Skipped] | None = None,
    check: bool = False,
    method: str = "embedding",
    codebook: Codebook | None = None,
    tolerance: float = TOLERANCE,
    progress: Callable[[int], None] | None = None,
    coder: Coder | None = None,
) -> ReadResult:
    """Code documents already read (see :func:`read` for files).

    ``coder`` reuses a :class:`Coder` across calls (its seed-phrase vectors are computed
    once); by default a new one is made for ``method`` and ``codebook``.
    """
    cb = coder.codebook if coder is not None else (codebook or load_codebook())
    coder = coder or Coder(cb, method=method)
    method = coder.method
    docs = list(documents)
    per_doc = [(d, segment(d)) for d in docs]
    flat = [p for _, ps in per_doc for p in ps]
    codes = coder.code(
        [p.text for p in flat],
        [p.lang for p in flat],
        progress=progress,
        docs=[p.doc for p in flat],
    )
    coder.save()
    coded = [
        CodedPassage(
            p, c, states_mentioned(p.text), years_mentioned(p.text), periods_mentioned(p.text)
        )
        for p, c in zip(flat, codes, strict=True)
    ]
    claims: list[Claim] = []
    by_doc: dict[str, list[CodedPassage]] = {}
    for cp in coded:
        by_doc.setdefault(cp.passage.doc, []).append(cp)
    for d in docs:
        ctx = _main_dyad(by_doc.get(d.id, []))
        for cp in by_doc.get(d.id, []):
            claims += extract_claims(cp.passage.text, cp.passage.id, ctx)
    if check:
        claims = check_claims(claims, tolerance)
    return ReadResult(
        docs,
        coded,
        claims,
        list(skipped or []),
        cb,
        method,
        check,
        tolerance,
        {d: len(v) for d, v in by_doc.items()},
    )


def read(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    check_claims: bool = False,
    method: str = "embedding",
    codebook: str | None = None,
    tolerance: float = TOLERANCE,
    on_file: Callable[[Document | Skipped], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReadResult:
    """Read, code and (optionally) check the documents at ``paths`` (files or folders).

    Files that cannot be read are listed in ``skipped`` with the reason; the rest are
    processed. ``method="lexicon"`` codes with keywords only (no embedding model).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if isinstance(paths, bytes | dict) or not isinstance(paths, Iterable):
        raise InvalidInputError(
            f"paths must be a file or folder name or a list of them, not {type(paths).__name__}"
        )
    paths = list(paths)
    bad = [p for p in paths if not isinstance(p, str | os.PathLike)]
    if bad:
        raise InvalidInputError(f"paths must be file or folder names, not {bad[0]!r}")
    if not isinstance(check_claims, bool):
        raise InvalidInputError(f"check_claims must be True or False, not {check_claims!r}")
    if method not in ("embedding", "lexicon"):
        raise InvalidInputError(f"method must be 'embedding' or 'lexicon', not {method!r}")
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or not 0 <= tolerance < 1
    ):
        raise InvalidInputError(f"tolerance must be a number from 0 to 1 (e.g. 0.1), not {tolerance!r}")
    if codebook is not None and not isinstance(codebook, str | os.PathLike):
        raise InvalidInputError(f"codebook must be a file name, not {codebook!r}")
    files, skipped = expand_paths(paths)
    docs: list[Document] = []
    for item in iter_documents(files):
        if on_file is not None:
            on_file(item)
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            docs.append(item)
    if not docs:
        shown = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3])
        more = f" (and {len(skipped) - 3} more)" if len(skipped) > 3 else ""
        raise InvalidInputError(
            f"none of the {len(skipped)} file(s) given could be read: {shown}{more}"
        )
    cb = load_codebook(codebook) if codebook else None
    return read_documents(
        docs,
        skipped=skipped,
        check=check_claims,
        method=method,
        codebook=cb,
        tolerance=tolerance,
        progress=progress,
    )
