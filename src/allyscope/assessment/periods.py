"""Periods: spans of years in which the relationship is roughly stable.

Break points come from two places: change points that ``ruptures`` (PELT, RBF cost,
minimum segment 3 years) finds in the standardised yearly series of score, convergence,
shared threat, depth and commitment; and the years in which a registry row (a treaty
entering into force, a rupture, a restoration) starts to bear on the dyad. Each segment
takes the type most of its years have; neighbouring segments of the same type merge.
A period's confidence is the mean yearly confidence times the share of its years whose
own type is the period's type (``agreement``); ``robustness`` is the mean share of the
calibration grid's threshold sets that give each year its type.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter

import numpy as np
import polars as pl

from allyscope.assessment.typology import LADDER
from allyscope.errors import OutputError
from allyscope.fileio import write_text_atomic
from allyscope.sources.store import cache_dir

SIGNALS = ("score", "c_convergence", "c_shared_threat", "c_depth", "c_commitment")
MIN_SIZE = 3
PENALTY = 3.0


def _pelt(m: np.ndarray) -> list[int]:
    """ruptures' PELT breakpoints of ``m``, memoised on disk by the signal's bytes.

    Importing ruptures (and SciPy) costs more than a second, so a signal already seen is
    answered from ``<cache>/derived/changepoints/`` without importing it.
    """
    key = hashlib.sha256(
        m.astype(np.float64).round(9).tobytes() + f"{m.shape}|rbf|{MIN_SIZE}|{PENALTY}".encode()
    ).hexdigest()[:24]
    path = cache_dir() / "derived" / "changepoints" / f"{key}.json"
    with contextlib.suppress(OSError, ValueError, RecursionError):
        cached = json.loads(path.read_bytes().decode("utf-8"))
        # trusted only as ruptures gives it: increasing ints that end at the signal's length
        n = len(m)
        if (
            isinstance(cached, list)
            and cached
            and all(type(i) is int and 0 < i <= n for i in cached)
            and cached == sorted(set(cached))
            and cached[-1] == n
        ):
            return cached
    import ruptures as rpt

    bkps = [int(i) for i in rpt.Pelt(model="rbf", min_size=MIN_SIZE).fit(m).predict(pen=PENALTY)]
    with contextlib.suppress(OSError, OutputError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(bkps))
    return bkps


def change_points(years: pl.DataFrame) -> list[int]:
    """Years that start a new segment according to ruptures (not including the first year)."""
    if years.height < 2 * MIN_SIZE:
        return []
    x = years.select(
        [pl.col(c).cast(pl.Float64).forward_fill().backward_fill().fill_null(0.0) for c in SIGNALS]
    )
    m = x.to_numpy()
    sd = m.std(axis=0)
    m = (m - m.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    bkps = _pelt(m)
    yr = years["year"].to_list()
    return [yr[i] for i in bkps if i < len(yr)]


def registry_breaks(years: pl.DataFrame) -> list[int]:
    """Years in which the set of registry rows bearing on the dyad gains a row."""
    ids = years["reg_ids"].to_list()
    yr = years["year"].to_list()
    return [yr[i] for i in range(1, len(yr)) if set(ids[i] or []) - set(ids[i - 1] or [])]


def periods(years: pl.DataFrame) -> list[dict[str, object]]:
    """Periods over the classified in-range years (columns year, type, confidence, signals)."""
    if years.height == 0:
        return []
    data_cps, reg_cps = set(change_points(years)), set(registry_breaks(years))
    cps = data_cps | reg_cps
    yr = years["year"].to_list()
    types = years["type"].to_list()
    conf = years["confidence"].to_list()
    robust = years["robustness"].to_list() if "robustness" in years.columns else None
    starts = [0] + [i for i in range(1, len(yr)) if yr[i] in cps or yr[i] != yr[i - 1] + 1]
    bounds = list(zip(starts, [*starts[1:], len(yr)], strict=True))
    segs: list[dict[str, object]] = []
    for lo, hi in bounds:
        counts = Counter(types[lo:hi])
        top = max(counts.items(), key=lambda kv: (kv[1], LADDER.index(kv[0])))[0]
        if segs and segs[-1]["type"] == top and segs[-1]["_hi"] == lo:
            segs[-1]["_hi"] = hi
        else:
            segs.append({"type": top, "_lo": lo, "_hi": hi})
    out = []
    for s in segs:
        lo, hi = int(s["_lo"]), int(s["_hi"])  # type: ignore[call-overload]
        agree = sum(t == s["type"] for t in types[lo:hi]) / (hi - lo)
        c = float(np.mean([v for v in conf[lo:hi]]))
        out.append(
            {
                "start": yr[lo],
                "end": yr[hi - 1],
                "type": s["type"],
                "confidence": round(c * agree, 2),
                "agreement": round(agree, 2),
                "robustness": round(float(np.mean(robust[lo:hi])), 2) if robust else None,
                "starts_at": "registry event"
                if yr[lo] in reg_cps
                else "change point"
                if yr[lo] in data_cps
                else "type change"
                if lo > 0
                else "range start",
            }
        )
    return out
