"""Exports of coded documents for other tools.

- ``qdpx``: a REFI-QDA project (the exchange standard of QualCoder, ATLAS.ti, MAXQDA,
  NVivo): a zip with ``project.qde`` (QDA-XML 1.0) and each document's extracted text in
  ``sources/``. The codebook becomes a code tree (family -> value); each passage is a
  ``PlainTextSelection`` at its character offsets carrying its three codes. GUIDs are
  derived from the document and passage ids (UUID 5), so exporting twice gives the same
  project.
- ``matrix``: a CSV with one row per passage and one 0/1 column per code
  (``dimension:economic``, ``role:driver``, ...), plus ``state:<ISO3>`` columns for the
  states mentioned.
- ``evidence``: the passages as evidence items for a process-tracing case
  (``allyscope trace``), in YAML: dated, sourced, coded; the analyst adds the
  likelihoods or a Van Evera test before using them.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from allyscope.errors import InvalidInputError
from allyscope.fileio import write_atomic

if TYPE_CHECKING:
    from allyscope.documents.reader import ReadResult

EXPORTS = ("qdpx", "matrix", "evidence")
_NS = "urn:QDA-XML:project:1.0"
_ROOT = uuid.UUID("5b0b7d0e-3c1a-5f1e-9a55-616c6c79736f")


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_ROOT, "/".join(parts)))


def qdpx_bytes(result: ReadResult, project: str = "allyscope") -> bytes:
    """The REFI-QDA project as the bytes of a ``.qdpx`` zip."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    user = _guid("user", "allyscope")
    ET.register_namespace("", _NS)
    root = ET.Element(
        f"{{{_NS}}}Project",
        {"name": project, "origin": "allyscope", "creatingUserGUID": user, "creationDateTime": now},
    )
    users = ET.SubElement(root, f"{{{_NS}}}Users")
    ET.SubElement(users, f"{{{_NS}}}User", {"guid": user, "name": "allyscope automatic coder"})
    codes_el = ET.SubElement(ET.SubElement(root, f"{{{_NS}}}CodeBook"), f"{{{_NS}}}Codes")
    code_guid: dict[tuple[str, str], str] = {}
    for fam in result.codebook.families:
        fel = ET.SubElement(
            codes_el,
            f"{{{_NS}}}Code",
            {"guid": _guid("code", fam.name), "name": fam.name, "isCodable": "false"},
        )
        ET.SubElement(fel, f"{{{_NS}}}Description").text = fam.description
        for v in fam.values:
            g = _guid("code", fam.name, v.name)
            code_guid[(fam.name, v.name)] = g
            vel = ET.SubElement(
                fel,
                f"{{{_NS}}}Code",
                {"guid": g, "name": f"{fam.name}: {v.name}", "isCodable": "true"},
            )
            ET.SubElement(vel, f"{{{_NS}}}Description").text = v.description
    sources = ET.SubElement(root, f"{{{_NS}}}Sources")
    files: dict[str, str] = {}
    by_doc: dict[str, list] = {}
    for cp in result.passages:
        by_doc.setdefault(cp.passage.doc, []).append(cp)
    for doc in result.documents:
        sg = _guid("doc", doc.id)
        files[f"sources/{sg}.txt"] = doc.text
        src = ET.SubElement(
            sources,
            f"{{{_NS}}}TextSource",
            {
                "guid": sg,
                "name": doc.name,
                "plainTextPath": f"internal://{sg}.txt",
                "creatingUser": user,
                "creationDateTime": now,
            },
        )
        for cp in by_doc.get(doc.id, []):
            p = cp.passage
            sel = ET.SubElement(
                src,
                f"{{{_NS}}}PlainTextSelection",
                {
                    "guid": _guid("passage", p.id),
                    "name": p.id,
                    "startPosition": str(p.start),
                    "endPosition": str(p.end),
                    "creatingUser": user,
                    "creationDateTime": now,
                },
            )
            for fam, code in cp.codes.items():
                coding = ET.SubElement(
                    sel,
                    f"{{{_NS}}}Coding",
                    {
                        "guid": _guid("coding", p.id, fam),
                        "creatingUser": user,
                        "creationDateTime": now,
                    },
                )
                ET.SubElement(
                    coding, f"{{{_NS}}}CodeRef", {"targetGUID": code_guid[(fam, code.value)]}
                )
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", xml)
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def matrix_rows(result: ReadResult) -> tuple[list[str], list[list[object]]]:
    """Header and rows of the passage x code 0/1 matrix."""
    from allyscope.documents.reader import iso3_by_ccode

    codes = [(f.name, v.name) for f in result.codebook.families for v in f.values]
    iso_map = iso3_by_ccode()
    iso = sorted({iso_map.get(c, str(c)) for cp in result.passages for c in cp.states})
    header = (
        ["passage", "doc", "start", "end", "lang"]
        + [f"{f}:{v}" for f, v in codes]
        + [f"state:{i}" for i in iso]
    )
    rows = []
    for cp in result.passages:
        p = cp.passage
        mentioned = {iso_map.get(c, str(c)) for c in cp.states}
        rows.append(
            [p.id, p.doc, p.start, p.end, p.lang]
            + [int(cp.codes[f].value == v) for f, v in codes]
            + [int(i in mentioned) for i in iso]
        )
    return header, rows


def evidence_yaml(result: ReadResult) -> str:
    """The passages as candidate evidence items (YAML), for a case file."""
    from ruamel.yaml import YAML

    from allyscope.documents.evidence import evidence_items

    items = [
        {
            "id": i["id"],
            "statement": i["text"],
            "source": i["source"],
            "date": str(i["date"]) if i["date"] is not None else "",
            "note": f"coded {i['dimension']} / {i['role']} / {i['framing']} by allyscope "
            f"({result.method}); states {', '.join(i['states']) or 'none'}; add likelihoods "
            "or a test before using it in a case",
        }
        for i in evidence_items(result)
    ]
    buf = io.StringIO()
    y = YAML()
    y.width = 100
    y.dump({"evidence": items}, buf)
    return buf.getvalue()


def export(result: ReadResult, kind: str, path: str | Path) -> Path:
    """Write ``result`` as ``kind`` (qdpx, matrix or evidence) to ``path`` atomically."""
    if kind not in EXPORTS:
        raise InvalidInputError(f"unknown export {kind!r}; use one of {', '.join(EXPORTS)}")
    if kind == "qdpx":
        data = qdpx_bytes(result)
        return write_atomic(path, lambda p: Path(p).write_bytes(data))
    if kind == "matrix":
        header, rows = matrix_rows(result)

        def write(p: Path) -> None:
            with open(p, "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows(rows)

        return write_atomic(path, write)
    text = evidence_yaml(result)
    return write_atomic(path, lambda p: Path(p).write_text(text, encoding="utf-8"))
