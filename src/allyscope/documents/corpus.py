"""Corpus views: how one state speaks of another, year by year.

``ungd``: the UN General Debate speeches bundled with allyscope (dataset
``ungd_speeches``: 20 states, 1946-2024). For a pair of states A and B, each of A's
speeches is split into passages; the passages that mention B (names, adjectives, the
capital as metonym; see :mod:`allyscope.documents.mentions`) are coded, and the year's
row counts them. The same is done for B speaking of A.

Output schema (one row per speaker-year, Polars)::

    speaker (ISO3), target (ISO3), ccode1 (speaker), ccode2 (target), year,
    passages (in the speech), mentions (passages naming the target), mention_share,
    diplomatic, security, economic, institutional, societal (mentioning passages coded so),
    driver, obstacle, strategic, tactical, tone ((driver - obstacle) / mentions)

A year with no speech is absent from the corpus and its counts are null (NA), never 0;
a speech that does not mention the target has ``mentions = 0`` and null ``tone``.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from allyscope.documents.coder import Coder
from allyscope.documents.ingest import document_from_text
from allyscope.documents.mentions import states_mentioned
from allyscope.documents.segment import segment
from allyscope.errors import CoverageError, InvalidInputError

CORPORA = ("ungd",)
DIMENSIONS = ("diplomatic", "security", "economic", "institutional", "societal")


def _speeches(a: int, b: int, years: Iterable[int] | None) -> pl.DataFrame:
    from allyscope.sources.store import load

    df = load("ungd_speeches").filter(pl.col("ccode").is_in([a, b]))
    if years is not None:
        df = df.filter(pl.col("year").is_in(list(years)))
    return df.sort("year", "ccode")


def corpus_view(
    corpus: str,
    a: str | int,
    b: str | int,
    years: Iterable[int] | None = None,
    method: str = "embedding",
) -> pl.DataFrame:
    """Per speaker-year: how A speaks of B and B of A in ``corpus`` (see the module docstring)."""
    if corpus not in CORPORA:
        raise InvalidInputError(f"unknown corpus {corpus!r}; allyscope ships: {', '.join(CORPORA)}")
    from allyscope.states import resolve_dyad

    sa, sb = resolve_dyad(a, b)
    yrs = sorted(set(years)) if years is not None else None
    speeches = _speeches(sa.cow, sb.cow, yrs)
    speakers = set(speeches["ccode"].to_list())
    if not speakers:
        raise CoverageError(
            f"the bundled {corpus} corpus has no speeches by {sa.iso3 or sa.name} or "
            f"{sb.iso3 or sb.name}{' in those years' if yrs else ''}; it covers 20 states "
            "(see `allyscope data info ungd_speeches`)"
        )
    iso = {sa.cow: sa.iso3 or str(sa.cow), sb.cow: sb.iso3 or str(sb.cow)}
    rows: list[dict[str, object]] = []
    picked: list[tuple[int, str, str]] = []  # (row index, text, lang)
    for year, ccode, text in speeches.select("year", "ccode", "text").iter_rows():
        target = sb.cow if ccode == sa.cow else sa.cow
        doc = document_from_text(text, name=f"ungd:{iso[ccode]}:{year}")
        passages = segment(doc)
        hits = [p for p in passages if target in states_mentioned(p.text)]
        rows.append(
            {
                "speaker": iso[ccode],
                "target": iso[target],
                "ccode1": ccode,
                "ccode2": target,
                "year": year,
                "passages": len(passages),
                "mentions": len(hits),
            }
        )
        picked += [(len(rows) - 1, p.text, p.lang) for p in hits]
    coder = Coder(method=method)
    codes = coder.code([t for _, t, _ in picked], [lg for _, _, lg in picked]) if picked else []
    coder.save()
    counts: dict[int, dict[str, int]] = {}
    for (i, _, _), c in zip(picked, codes, strict=True):
        bucket = counts.setdefault(i, {})
        for fam in ("dimension", "role", "framing"):
            bucket[c[fam].value] = bucket.get(c[fam].value, 0) + 1
    for i, r in enumerate(rows):
        bucket = counts.get(i, {})
        for key in (*DIMENSIONS, "driver", "obstacle", "strategic", "tactical"):
            r[key] = bucket.get(key, 0)
    df = pl.DataFrame(
        rows, schema_overrides={"year": pl.Int16, "ccode1": pl.Int16, "ccode2": pl.Int16}
    )
    return df.with_columns(
        mention_share=pl.col("mentions") / pl.col("passages"),
        tone=pl.when(pl.col("mentions") > 0)
        .then((pl.col("driver") - pl.col("obstacle")) / pl.col("mentions"))
        .otherwise(None),
    ).select(
        "speaker",
        "target",
        "ccode1",
        "ccode2",
        "year",
        "passages",
        "mentions",
        "mention_share",
        *DIMENSIONS,
        "driver",
        "obstacle",
        "strategic",
        "tactical",
        "tone",
    )
