"""Bayesian process tracing: posteriors along the evidence, weights of evidence, sensitivity.

For hypotheses H_1..H_k with priors and evidence items E_1..E_n (each observed or not):

- the posterior after item i is prior x prod_{j<=i} P(e_j | H), normalised, with
  P(e | H) = P(E | H) if E was observed and 1 - P(E | H) if it was looked for and absent;
- the weight of evidence of item i for H, in decibels (Good; Fairfield & Charman 2017), is
  10 log10 [P(e_i | H) / P(e_i | not H)], where P(e_i | not H) averages the other
  hypotheses by their posterior before item i (+-inf is reported as null with
  ``eliminates`` / ``decisive``);
- sensitivity: (1) 2,000 draws of every likelihood uniformly within its range (seeded):
  percentiles of each posterior and the share of draws in which each hypothesis is the most
  probable; (2) other priors: uniform, and each hypothesis at 0.6 with the rest sharing
  0.4; (3) leave-one-out: the leading hypothesis with each item dropped. A conclusion is
  called robust when the same hypothesis leads in at least 95% of draws, under every
  prior scenario and without any single item.
- dependence: items that share a source are flagged: their likelihoods are multiplied as
  if independent, which overstates the evidence if they are not.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allyscope.errors import InvalidInputError
from allyscope.tracing.case import Case, Evidence

DRAWS = 2_000
SEED = 20261123
ROBUST_SHARE = 0.95


def _lik_matrix(items: list[Evidence], names: list[str], which: str = "point") -> np.ndarray:
    """n_items x n_hyp matrix of P(e | H) (already turned to 1 - P for absent evidence)."""
    m = np.array([[getattr(e.likelihoods[h], which) for h in names] for e in items], dtype=float)
    obs = np.array([bool(e.observed) for e in items])
    return np.where(obs[:, None], m, 1.0 - m) if len(items) else m.reshape(0, len(names))


def _posterior(prior: np.ndarray, lik: np.ndarray) -> np.ndarray:
    """Posterior(s) for prior (k,) and likelihoods (..., n, k); NaN where all mass is lost."""
    with np.errstate(divide="ignore"):
        logp = np.log(prior) + np.log(lik).sum(axis=-2)
    top = logp.max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        w = np.exp(logp - top)
        return w / w.sum(axis=-1, keepdims=True)


@dataclass
class TraceResult:
    case: Case
    posterior: dict[str, float]
    path: list[dict[str, Any]]
    sensitivity: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case.title,
            "hypotheses": [
                {
                    "name": h.name,
                    "prior": h.prior,
                    "posterior": round(self.posterior[h.name], 6),
                    "description": h.description,
                }
                for h in self.case.hypotheses
            ],
            "evidence": self.path,
            "sensitivity": self.sensitivity,
            "warnings": self.warnings,
            "unverifiable": self.unverifiable,
        }


def _weights(before: np.ndarray, lik_row: np.ndarray, names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i, h in enumerate(names):
        others = np.delete(np.arange(len(names)), i)
        w = before[others]
        p_not = (
            float((lik_row[others] * w).sum() / w.sum())
            if w.sum() > 0
            else float(lik_row[others].mean())
        )
        p_h = float(lik_row[i])
        if p_h == 0 and p_not == 0:
            out[h] = None
        elif p_h == 0:
            out[h] = {"db": None, "eliminates": True}
        elif p_not == 0:
            out[h] = {"db": None, "decisive": True}
        else:
            out[h] = round(10 * math.log10(p_h / p_not), 2)
    return out


def trace(case: Case) -> TraceResult:
    """Run the inference on a validated case (query items must have been evaluated)."""
    names = case.names
    prior = np.array([h.prior for h in case.hypotheses])
    used = [e for e in case.evidence if e.observed is not None]
    unverifiable = [e.id for e in case.evidence if e.observed is None]
    lik = _lik_matrix(used, names)
    path: list[dict[str, Any]] = []
    current = prior.copy()
    for e, row in zip(used, lik, strict=True):
        weights = _weights(current, row, names)
        nxt = current * row
        if nxt.sum() == 0:
            raise InvalidInputError(
                f"{case.path}:{e.line}: after item {e.id!r} every hypothesis has probability 0: "
                "the evidence is impossible under all of them; check its likelihoods"
            )
        current = nxt / nxt.sum()
        path.append(
            {
                "id": e.id,
                "statement": e.statement,
                "date": e.date,
                "source": e.source,
                "observed": e.observed,
                "test": e.test,
                "likelihoods": {
                    h: (
                        r.point
                        if r.low == r.high
                        else {"point": r.point, "low": r.low, "high": r.high}
                    )
                    for h, r in e.likelihoods.items()
                },
                "weight_db": weights,
                "posterior_after": {
                    h: round(float(p), 6) for h, p in zip(names, current, strict=True)
                },
                "query": e.query_value or None,
                "note": e.note,
            }
        )
    posterior = {h: float(p) for h, p in zip(names, current, strict=True)}
    return TraceResult(
        case=case,
        posterior=posterior,
        path=path,
        sensitivity=sensitivity(case, used, prior),
        warnings=dependence_warnings(used),
        unverifiable=unverifiable,
    )


def sensitivity(case: Case, used: list[Evidence], prior: np.ndarray) -> dict[str, Any]:
    names = case.names
    k = len(names)
    rng = np.random.default_rng(SEED)
    low = _lik_matrix(used, names, "low")
    high = _lik_matrix(used, names, "high")
    lo, hi = np.minimum(low, high), np.maximum(low, high)  # 1 - p swaps the ends
    draws = lo[None] + (hi - lo)[None] * rng.random((DRAWS, *lo.shape))
    post = _posterior(prior, draws)
    valid = ~np.isnan(post).any(axis=1)
    post = post[valid]
    leader = post.argmax(axis=1)
    ranges = {
        h: {
            "p05": round(float(np.percentile(post[:, i], 5)), 4),
            "p50": round(float(np.percentile(post[:, i], 50)), 4),
            "p95": round(float(np.percentile(post[:, i], 95)), 4),
            "leads_share": round(float((leader == i).mean()), 4),
        }
        for i, h in enumerate(names)
    }
    point = _lik_matrix(used, names)
    scenarios = {"as given": prior, "uniform": np.full(k, 1.0 / k)}
    for i, h in enumerate(names):
        p = np.full(k, 0.4 / (k - 1)) if k > 1 else np.ones(1)
        p[i] = 0.6 if k > 1 else 1.0
        scenarios[f"{h} at 0.6"] = p
    priors_out = {}
    for label, p in scenarios.items():
        q = _posterior(p, point)
        priors_out[label] = {
            "prior": {h: round(float(x), 4) for h, x in zip(names, p, strict=True)},
            "posterior": {h: round(float(x), 4) for h, x in zip(names, q, strict=True)},
            "leader": names[int(np.nanargmax(q))],
        }
    loo = {}
    for j, e in enumerate(used):
        q = _posterior(prior, np.delete(point, j, axis=0))
        loo[e.id] = names[int(np.nanargmax(q))]
    base_leader = names[int(np.nanargmax(_posterior(prior, point)))]
    lead_share = ranges[base_leader]["leads_share"]
    robust = (
        lead_share >= ROBUST_SHARE
        and all(v["leader"] == base_leader for v in priors_out.values())
        and all(v == base_leader for v in loo.values())
    )
    pivotal = [i for i, v in loo.items() if v != base_leader]
    return {
        "draws": int(valid.sum()),
        "likelihood_ranges": ranges,
        "priors": priors_out,
        "leave_one_out": loo,
        "leader": base_leader,
        "robust": robust,
        "summary": (
            f"{base_leader} leads in {lead_share:.0%} of likelihood draws (robust needs "
            f"{ROBUST_SHARE:.0%}), under {sum(v['leader'] == base_leader for v in priors_out.values())} "
            f"of {len(priors_out)} prior scenarios, and after dropping any one item in "
            f"{len(loo) - len(pivotal)} of {len(loo)} cases"
            + (f" (pivotal: {', '.join(pivotal)})" if pivotal else "")
            + (": robust." if robust else ": not robust.")
        ),
    }


def dependence_warnings(items: list[Evidence]) -> list[str]:
    by_source: dict[str, list[str]] = defaultdict(list)
    for e in items:
        by_source[e.source].append(e.id)
    return [
        f"items {', '.join(ids)} share the source {src!r}: if they are not independent, "
        "multiplying their likelihoods overstates the evidence"
        for src, ids in by_source.items()
        if len(ids) > 1
    ]
