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
import re
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
#: Text extracted from one document, at most (about 2,500 pages; split longer ones).
MAX_TEXT_CHARS = 5_000_000
#: A .docx (a zip) unpacked, at most: all its parts, and its XML parts (what is parsed).
MAX_DOCX_UNPACKED = 256 * 1024 * 1024
MAX_DOCX_XML = 16 * 1024 * 1024
#: Pages of a PDF read, at most.
MAX_PDF_PAGES = 5_000


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


def _too_much_text(n: int) -> UnreadableFile:
    return UnreadableFile(
        f"more than {MAX_TEXT_CHARS:,} characters of text (at least {n:,}); split the document"
    )


class _TextBudget:
    """Collects the text blocks of one document; refuses more than ``MAX_TEXT_CHARS``."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0

    def add(self, block: str) -> None:
        if block:
            self.parts.append(block)
            self.n += len(block)
            if self.n > MAX_TEXT_CHARS:
                raise _too_much_text(self.n)

    def join(self) -> str:
        return "\n\n".join(self.parts)


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


#: Elements nested deeper than this are refused: the HTML parser's time grows with the
#: square of the depth (200,000 nested divs took 98 s); browsers stop at a few hundred.
MAX_HTML_DEPTH = 5_000
# start and end tags, less void elements and those whose end tag is usually left out
_TAG = re.compile(
    r"<(/?)(?!(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|p|li|"
    r"dd|dt|td|th|tr|option)[\s/>])[a-z]",
    re.IGNORECASE,
)


def _nesting_depth(html: str) -> int:
    """How deep the tags of ``html`` nest at most (counted from its tags, before parsing)."""
    depth = top = 0
    for slash in _TAG.findall(html):
        depth += -1 if slash else 1
        top = max(top, depth)
    return top


def _read_html(data: bytes) -> str:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    html = _decode(data)
    if _nesting_depth(html) > MAX_HTML_DEPTH:
        raise UnreadableFile(
            f"HTML elements nested more than {MAX_HTML_DEPTH:,} deep; not a page to read"
        )
    tree = HTMLParser(html)
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

    text = _TextBudget()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted PDF; save an unencrypted copy (e.g. qpdf --decrypt)")
        n_pages = len(reader.pages)
        if n_pages > MAX_PDF_PAGES:
            raise UnreadableFile(
                f"PDF has {n_pages:,} pages, above the {MAX_PDF_PAGES:,}-page limit; split it"
            )
        for page in reader.pages:
            text.add((page.extract_text() or "").strip())
    except PdfReadError as exc:
        raise UnreadableFile(f"not a readable PDF ({exc})") from None
    if text.n < MIN_TEXT_CHARS and n_pages:
        raise UnreadableFile(
            f"PDF has no text layer ({n_pages} page(s), image-only); run OCR first "
            "(e.g. ocrmypdf) and read the result"
        )
    return text.join()


def _check_docx_size(data: bytes) -> None:
    """Refuse a .docx whose parts unpack past the limits, before anything is unpacked.

    The sizes are those the zip declares: :mod:`zipfile` never inflates a member past its
    declared size (a member that lies fails its CRC check and the file is skipped).
    """
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    if xml > MAX_DOCX_XML or total > MAX_DOCX_UNPACKED:
        what, size, limit = (
            ("XML", xml, MAX_DOCX_XML) if xml > MAX_DOCX_XML else ("parts", total, MAX_DOCX_UNPACKED)
        )
        raise UnreadableFile(
            f".docx unpacks to {size / 2**20:,.0f} MiB of {what} from {len(data) / 2**20:.1f} MiB "
            f"on disk, above the {limit // 2**20} MiB limit (a decompression bomb, or split it)"
        )


def _read_docx(data: bytes) -> str:
    import zipfile
    import zlib

    from docx import Document as DocxDocument
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    text = _TextBudget()
    try:
        _check_docx_size(data)
        doc = DocxDocument(io.BytesIO(data))
        for p in doc.paragraphs:
            text.add(p.text.strip())
        for table in doc.tables:
            for row in table.rows:
                cells = [c.text.strip() for c in row.cells if c.text.strip()]
                text.add(" | ".join(cells))
    except LxmlError as exc:  # bad namespace, entity expansion, a huge text node, bad XML
        raise UnreadableFile(f"not a readable .docx file (its XML: {exc})") from None
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OpcError, PythonDocxError) as exc:
        raise UnreadableFile(f"not a readable .docx file ({exc})") from None
    return text.join()


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
    reader = {"html": _read_html, "pdf": _read_pdf, "docx": _read_docx}.get(fmt, _decode)
    try:
        text = reader(data)
    except UnreadableFile:
        raise
    except (RecursionError, MemoryError) as exc:
        raise UnreadableFile(f"too complex to read ({type(exc).__name__})") from None
    except Exception as exc:  # a parser's own error on a malformed file: skip this file only
        raise UnreadableFile(f"not a readable {fmt} file ({type(exc).__name__}: {exc})") from None
    if len(text) > MAX_TEXT_CHARS:
        raise _too_much_text(len(text))
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
