"""Read documents from files: plain text, Markdown, HTML, PDF and Word (.docx).

Each readable file becomes a :class:`Document` whose ``text`` is the text extracted from
it; passages keep character offsets into that text. A file that cannot be read (empty,
binary, encrypted, image-only PDF, unknown encoding, too large) becomes a
:class:`Skipped` record with the reason and what to do; it never stops the others.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from allyscope.documents.language import detect
from allyscope.errors import InvalidInputError

SUPPORTED = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
MAX_BYTES = 64 * 1024 * 1024
MIN_TEXT_CHARS = 20


@dataclass(frozen=True)
class Document:
    """One document: its id (content hash), where it came from, and its extracted text."""

    id: str
    path: str
    name: str
    format: str
    lang: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "path": self.path,
            "name": self.name,
            "format": self.format,
            "lang": self.lang,
            "n_chars": len(self.text),
        }


@dataclass(frozen=True)
class Skipped:
    """A file that was not read, and why."""

    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


class UnreadableFile(Exception):
    """Raised by a reader; becomes a :class:`Skipped` record (never reaches the user)."""


def document_from_text(
    text: str, name: str = "<text>", fmt: str = "text", path: str = ""
) -> Document:
    """A :class:`Document` from text already in memory (used for corpora and tests)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Document(id=digest, path=path, name=name, format=fmt, lang=detect(text), text=text)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary content (NUL bytes), not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise UnreadableFile("unknown text encoding; convert the file to UTF-8 (e.g. with iconv)")
    return str(best)


def _read_html(data: bytes) -> str:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(_decode(data))
    for node in tree.css("script, style, noscript, nav, header, footer, aside, form"):
        node.decompose()
    body = tree.body or tree.root
    if body is None:
        return ""
    blocks = [
        n.text(deep=True, separator=" ").strip()
        for n in body.css("h1, h2, h3, h4, h5, h6, p, li, blockquote, td, pre")
    ]
    blocks = [b for b in blocks if b]
    if not blocks:
        return body.text(separator="\n").strip()
    return "\n\n".join(blocks)


def _read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted PDF; save an unencrypted copy (e.g. qpdf --decrypt)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise UnreadableFile(f"not a readable PDF ({exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if len(text) < MIN_TEXT_CHARS and pages:
        raise UnreadableFile(
            f"PDF has no text layer ({len(pages)} page(s), image-only); run OCR first "
            "(e.g. ocrmypdf) and read the result"
        )
    return text


def _read_docx(data: bytes) -> str:
    import zipfile

    from docx import Document as DocxDocument

    try:
        doc = DocxDocument(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"not a readable .docx file ({exc})") from None
    parts = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
    for table in doc.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                parts.append(" | ".join(cells))
    return "\n\n".join(parts)


def read_file(path: Path) -> Document:
    """Read one file; raises :class:`UnreadableFile` with the reason if it cannot be."""
    fmt = SUPPORTED.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableFile(
            f"unsupported file type {path.suffix or '(none)'!r}; allyscope reads "
            + ", ".join(sorted(SUPPORTED))
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(
                f"file is {size / 2**20:.0f} MiB, above the {MAX_BYTES // 2**20} MiB limit; split it"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise UnreadableFile("empty file")
    if fmt == "html":
        text = _read_html(data)
    elif fmt == "pdf":
        text = _read_pdf(data)
    elif fmt == "docx":
        text = _read_docx(data)
    else:
        text = _decode(data)
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise UnreadableFile(f"no text to read (fewer than {MIN_TEXT_CHARS} characters)")
    digest = hashlib.sha256(data).hexdigest()[:12]
    return Document(
        id=digest, path=str(path), name=path.name, format=fmt, lang=detect(text), text=text
    )


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Skipped]]:
    """Files named by ``paths`` (folders are searched recursively for supported files)."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    given = [Path(p) for p in paths]
    if not given:
        raise InvalidInputError("no documents given; name files or folders to read")
    for p in given:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED)
            if not found:
                skipped.append(Skipped(str(p), "folder has no .txt/.md/.html/.pdf/.docx files"))
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            skipped.append(Skipped(str(p), "no such file or folder"))
    seen: set[Path] = set()
    unique = [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]
    return unique, skipped


def iter_documents(files: list[Path]) -> Iterator[Document | Skipped]:
    """Read ``files`` one by one, yielding a Document or a Skipped record for each."""
    for f in files:
        try:
            yield read_file(f)
        except UnreadableFile as exc:
            yield Skipped(str(f), str(exc))
