"""Evidence items from coded documents, and what the documents say about one dyad.

An evidence item is a coded passage with its source (document name and character
offsets), its date (the latest year it names, if any), its codes and the states it
names. :func:`evidence_items` gives them for every passage (the ``--export evidence``
YAML for a process-tracing case file is built from them); :func:`dyad_evidence` keeps
the passages that bear on one pair of states and counts them, for the assessment report.

Schema of :func:`dyad_evidence` (a JSON-ready dict)::

    {"dyad": [iso3_a, iso3_b], "coder": str, "codebook_version": str,
     "reliability": {family: {"cv10_kappa", "holdout_kappa"}} | {},
     "documents": [{"id", "name", "lang", "passages", "items"}],
     "items": [{"id", "doc_id", "doc", "source", "date", "years", "dimension", "role",
                "framing", "scores", "states", "text"}],
     "counts": {dimension: {"driver", "obstacle", "neutral"}},
     "framing": {"strategic", "tactical", "none"},
     "claims": [claim dicts as in ``ReadResult.as_dict()``], "verdicts": {verdict: n},
     "passages": n, "skipped": [{"path", "reason"}]}

A passage bears on the dyad when it names A or B and its dimension is not ``none``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from allyscope.documents.reader import ReadResult, iso3_by_ccode

DIMENSIONS = ("diplomatic", "security", "economic", "institutional", "societal")
FAMILIES = ("dimension", "role", "framing")
ROLES = ("driver", "obstacle", "neutral")
FRAMINGS = ("strategic", "tactical", "none")


def evidence_items(result: ReadResult, d: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every coded passage of ``result`` as an evidence item (see the module docstring);
    ``d`` is ``result.as_dict()`` when the caller has it already."""
    d = result.as_dict() if d is None else d
    names = {doc["id"]: doc["name"] for doc in d["documents"]}
    items = []
    for p in d["passages"]:
        name = names.get(p["doc"], p["doc"])
        items.append(
            {
                "id": p["id"],
                "doc_id": p["doc"],
                "doc": name,
                "source": f"{name}, characters {p['start']}-{p['end']}",
                "date": max(p["years"]) if p["years"] else None,
                "years": p["years"],
                "dimension": p["dimension"],
                "role": p["role"],
                "framing": p["framing"],
                "scores": {f: round(p["scores"][f][p[f]], 3) for f in FAMILIES},
                "states": p["iso3"],
                "text": p["text"],
            }
        )
    return items


def _reliability(method: str) -> dict[str, dict[str, float]]:
    """The shipped coder's agreement with the hand-coded gold set, per family."""
    if method != "embedding":
        return {}
    from allyscope.documents.coder import fitted_model

    _, meta = fitted_model()
    cv, hold = meta.get("chosen_cv10_kappa", {}), meta.get("holdout_kappa", {})
    return {
        f: {"cv10_kappa": round(cv[f], 3), "holdout_kappa": round(hold[f], 3)}
        for f in cv
        if f in hold
    }


def dyad_evidence(result: ReadResult, a: int, b: int) -> dict[str, Any]:
    """What the documents in ``result`` say about the dyad of COW codes ``a`` and ``b``."""
    iso = iso3_by_ccode()
    d = result.as_dict()
    wanted = {iso.get(a, str(a)), iso.get(b, str(b))}
    items = [
        i
        for i in evidence_items(result, d)
        if i["dimension"] != "none" and wanted.intersection(i["states"])
    ]
    per_doc = Counter(i["doc_id"] for i in items)
    roles = Counter((i["dimension"], i["role"]) for i in items)
    return {
        "dyad": [iso.get(a, str(a)), iso.get(b, str(b))],
        "coder": result.method,
        "codebook_version": result.codebook.version,
        "reliability": _reliability(result.method),
        "documents": [
            {
                "id": doc["id"],
                "name": doc["name"],
                "lang": doc["lang"],
                "passages": doc["n_passages"],
                "items": per_doc.get(doc["id"], 0),
            }
            for doc in d["documents"]
        ],
        "items": items,
        "counts": {dim: {r: roles.get((dim, r), 0) for r in ROLES} for dim in DIMENSIONS},
        "framing": {f: sum(1 for i in items if i["framing"] == f) for f in FRAMINGS},
        "claims": d["claims"],
        "verdicts": d["summary"]["verdicts"],
        "passages": d["summary"]["passages"],
        "skipped": d["skipped"],
    }
