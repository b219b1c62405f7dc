"""Split a document into passages with stable ids and character offsets.

A passage is a paragraph: text between blank lines, or one line when the text writes a
paragraph per line (its median non-empty line is at least :data:`LINE_PARAGRAPH` characters
long, as in most web and word-processor exports). A paragraph longer than
:data:`MAX_CHARS` is cut into consecutive runs of whole sentences, each at most
:data:`MAX_CHARS` long (a longer single sentence stays whole). ``start``/``end`` are
offsets into the document's extracted text, so ``doc.text[start:end]`` is the passage
as written; ``text`` is its normalised form. The id is ``<document id>:<n>`` with ``n``
counting passages from 1, so the same file always gives the same ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from allyscope.documents.ingest import Document
from allyscope.documents.language import detect
from allyscope.documents.normalize import normalize

MAX_CHARS = 600
LINE_PARAGRAPH = 150
MIN_WORDS = 3
_PARAGRAPHS = re.compile(r"\S(?:.*?\S)?(?=\s*\n[ \t]*\n|\s*\Z)", re.S)
_LINES = re.compile(r"\S(?:[^\n]*\S)?")
# sentence end: . ! ? … ؟ (Persian) followed by space; not after common abbreviations or initials
_ABBREV = r"(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\bNo)(?<!\bvs)(?<!\betc)(?<!\bi\.e)(?<!\be\.g)(?<!\b[A-Z])(?<!\bт)(?<!\bг)"
_SENTENCE_END = re.compile(_ABBREV + r"[.!?…؟]+[\"'”»)\]]*\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Passage:
    id: str
    doc: str
    start: int
    end: int
    lang: str
    text: str


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as consecutive ``(start, end)`` spans that cover
    it (a sentence keeps the space after its end mark)."""
    end = len(text) if end is None else end
    spans = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        spans.append((pos, end))
    return spans


def _pack(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_CHARS:
        return [(start, end)]
    runs: list[tuple[int, int]] = []
    run_start, run_end = None, None
    for s, e in sentence_spans(text, start, end):
        if run_start is None:
            run_start, run_end = s, e
        elif e - run_start <= MAX_CHARS:
            run_end = e
        else:
            runs.append((run_start, run_end))  # type: ignore[arg-type]
            run_start, run_end = s, e
    if run_start is not None:
        runs.append((run_start, run_end))  # type: ignore[arg-type]
    return [(s, s + len(text[s:e].rstrip())) for s, e in runs]


def _paragraphs(text: str) -> list[re.Match[str]]:
    lengths = sorted(len(line.strip()) for line in text.splitlines() if line.strip())
    if lengths and lengths[len(lengths) // 2] >= LINE_PARAGRAPH:
        return list(_LINES.finditer(text))
    return list(_PARAGRAPHS.finditer(text))


def segment(doc: Document) -> list[Passage]:
    """The passages of ``doc`` in reading order (see the module docstring)."""
    text = doc.text
    out: list[Passage] = []
    for para in _paragraphs(text):
        for s, e in _pack(text, para.start(), para.end()):
            raw = text[s:e]
            if len(_WORD.findall(raw)) < MIN_WORDS:
                continue
            norm = normalize(raw)
            lang = detect(norm, default=doc.lang, prefer=doc.lang)
            out.append(Passage(f"{doc.id}:{len(out) + 1}", doc.id, s, e, lang, norm))
    return out
