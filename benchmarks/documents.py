"""Benchmark: coding throughput (passages per second) of `allyscope read`'s coder.

    python benchmarks/documents.py [--speeches 12] [--repeat 3]

Input: real text, the bundled UN General Debate speeches (``ungd_speeches``) of Iran and
Russia from 2013 on, split into passages by allyscope's segmenter (the same passages for
every job). Jobs, timed in one process, interleaved, on the same passages:

- keyword baseline: the codebook's keyword stems counted per passage, the top value
  taken (allyscope's ``--coder lexicon``; no model);
- embedding coder, empty cache: multilingual-e5-small embeddings computed for every
  passage (a first read of new documents), then the fitted model applied;
- embedding coder, warm cache: the same passages again (embeddings read from the cache);
- full read pipeline, warm cache: coding plus state mentions, years and claim extraction.

The seed phrases are embedded once before timing (they are cached after a first use).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--speeches", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.environ["ALLYSCOPE_CACHE"] = tempfile.mkdtemp()  # nothing read from a user's cache
    import polars as pl

    from allyscope.documents.coder import Coder
    from allyscope.documents.embeddings import EmbeddingStore
    from allyscope.documents.ingest import document_from_text
    from allyscope.documents.reader import read_documents
    from allyscope.documents.segment import segment
    from allyscope.sources.store import load

    speeches = (
        load("ungd_speeches")
        .filter(pl.col("iso3").is_in(["IRN", "RUS"]), pl.col("year") >= 2013)
        .sort("year", "iso3")
        .head(args.speeches)
    )
    docs = [
        document_from_text(t, name=f"{i}:{y}")
        for i, y, t in speeches.select("iso3", "year", "text").iter_rows()
    ]
    passages = [p for d in docs for p in segment(d)]
    texts, langs = [p.text for p in passages], [p.lang for p in passages]
    names = [p.doc for p in passages]  # each passage read with its neighbours, as `read` does
    n = len(texts)
    chars = sum(len(t) for t in texts)
    emb = Coder(method="embedding", store=EmbeddingStore(use_disk=False))
    emb.code(texts[:1], langs[:1])  # the seed phrases are embedded once, outside the timings
    phrases = dict(emb._embedder()._vectors)

    times: dict[str, list[float]] = {}

    def timed(name: str, fn) -> None:
        t0 = time.perf_counter()
        fn()
        times.setdefault(name, []).append(time.perf_counter() - t0)

    lex = Coder(method="lexicon")
    for _ in range(args.repeat):
        timed("keyword baseline (--coder lexicon)", lambda: lex.code(texts, langs))
        store = EmbeddingStore(use_disk=False)
        store._vectors.update(phrases)
        emb._store = store
        timed("embedding coder, empty cache", lambda: emb.code(texts, langs, docs=names))
        timed("embedding coder, warm cache", lambda: emb.code(texts, langs, docs=names))
        timed("full read pipeline, warm cache", lambda: read_documents(docs, coder=emb))

    base = statistics.median(times["keyword baseline (--coder lexicon)"])
    print(
        f"{n} passages ({chars / n:.0f} characters on average) from {len(docs)} UNGD speeches; "
        f"{platform.machine()}, {os.cpu_count()} cores; median of {args.repeat}"
    )
    print(f"{'job':<36} {'seconds':>8} {'passages/s':>11} {'time / baseline':>16}")
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"{name:<36} {m:8.2f} {n / m:11.1f} {m / base:16.1f}")


if __name__ == "__main__":
    main()
