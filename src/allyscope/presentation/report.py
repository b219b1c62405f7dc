"""The self-contained HTML report of an assessment (renders its JSON dict; computes nothing).

One file, no external scripts, fonts or images: plotly.js is inlined once, every chart is a
plotly div. Charts: the type of the relationship per year on the ladder with the periods
shaded and the registry events marked; one chart per dimension with its indicators (missing
years are gaps, never zeros; each trace names its source coverage); who depends on whom.
Tables: drivers and obstacles per period, the criteria per year, events and sources.

Two optional sections render what the documents layer computed: what given documents say
about the pair (:func:`allyscope.documents.evidence.dyad_evidence`: coded passages, counts,
claims checked against the data) and how each state spoke of the other in the UN General
Debate (:func:`allyscope.documents.corpus.corpus_view` rows).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from allyscope.assessment.criteria import CRITERIA
from allyscope.assessment.typology import LADDER

COLOURS = {
    "rivalry": "#b2182b",
    "transactional": "#d6a76c",
    "convergence": "#c7d9a5",
    "tactical_alignment": "#7fbf7b",
    "strategic_partnership": "#2b83ba",
    "alliance": "#313695",
}
#: Coded passages listed in the documents section (all are counted).
MAX_ITEMS = 60
#: Indicators drawn per dimension (all are values in the assessment dict).
CHARTED = {
    "diplomatic": ("ideal_closeness_pct", "un_agree_pct", "third_opposition"),
    "security": (
        "arms_share_a_from_b",
        "arms_share_b_from_a",
        "common_rivals",
        "strategic_rivalry",
    ),
    "economic": ("trade_share_a", "trade_share_b", "trade_pct"),
    "institutional": ("igos_pct", "shared_orgs", "reg_treaties"),
    "societal": ("icews_events_pct", "icews_coop_share"),
}


def _fig_html(fig: Any) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False}))


def _timeline(d: dict[str, Any]) -> str:
    import plotly.graph_objects as go

    years = [y["year"] for y in d["by_year"]]
    fig = go.Figure()
    for t in LADDER:
        xs = [y["year"] for y in d["by_year"] if y["type"] == t]
        if not xs:
            continue
        fig.add_trace(
            go.Bar(
                x=xs,
                y=[LADDER.index(t) + 1] * len(xs),
                name=t.replace("_", " "),
                marker_color=COLOURS[t],
                customdata=[
                    [y["score"], y["confidence"], y["robustness"]]
                    for y in d["by_year"]
                    if y["type"] == t
                ],
                hovertemplate="%{x}: "
                + t
                + "<br>score %{customdata[0]}<br>confidence %{customdata[1]}"
                "<br>robustness %{customdata[2]}<extra></extra>",
            )
        )
    for p in d["periods"]:
        fig.add_vrect(
            x0=p["start"] - 0.5,
            x1=p["end"] + 0.5,
            fillcolor=COLOURS[p["type"]],
            opacity=0.12,
            line_width=0,
            annotation_text=f"{p['type'].replace('_', ' ')} (conf. {p['confidence']})",
            annotation_position="top left",
            annotation_font_size=10,
        )
    for e in d["events"]:
        fig.add_trace(
            go.Scatter(
                x=[e["year"]],
                y=[len(LADDER) + 0.6],
                mode="markers",
                marker={
                    "symbol": "triangle-down",
                    "size": 11,
                    "color": "#333" if e["direction"] > 0 else "#b2182b",
                },
                name=e["kind"],
                showlegend=False,
                hovertemplate=f"{e['date']}: {e['name']}<br>({e['kind']})<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="overlay",
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        yaxis={
            "tickvals": list(range(1, len(LADDER) + 1)),
            "ticktext": [t.replace("_", " ") for t in LADDER],
            "range": [0, len(LADDER) + 1],
        },
        xaxis={"range": [min(years) - 0.5, max(years) + 0.5], "dtick": 2 if len(years) > 12 else 1},
        legend={"orientation": "h", "y": -0.15},
    )
    return _fig_html(fig)


def _dimension(d: dict[str, Any], dim: str, meta: dict[str, dict[str, Any]]) -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    years = [y["year"] for y in d["by_year"]]
    for name in CHARTED[dim]:
        values = [y["dimensions"][dim]["indicators"].get(name) for y in d["by_year"]]
        m = meta[name]
        fig.add_trace(
            go.Scatter(
                x=years,
                y=values,
                mode="lines+markers",
                connectgaps=False,
                name=f"{name} ({m['coverage'][0]}-{m['coverage'][1]}, {', '.join(m['datasets'])})",
                hovertemplate="%{x}: %{y}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return _fig_html(fig)


def _asymmetry(d: dict[str, Any]) -> str:
    import plotly.graph_objects as go

    a, b = d["dyad"]["a"]["iso3"], d["dyad"]["b"]["iso3"]
    dims = [k for k, v in d["asymmetry"]["by_dimension"].items() if v["dependence"]]
    fig = go.Figure()
    for side in (a, b):
        fig.add_trace(
            go.Bar(
                x=dims,
                y=[d["asymmetry"]["by_dimension"][k]["dependence"][side] for k in dims],
                name=f"{side} depends on the other",
            )
        )
    fig.update_layout(barmode="group", height=300, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return _fig_html(fig)


def _corpus_chart(rows: list[dict[str, Any]]) -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    for speaker in sorted({r["speaker"] for r in rows}):
        mine = [r for r in rows if r["speaker"] == speaker]
        target = mine[0]["target"]
        fig.add_trace(
            go.Scatter(
                x=[r["year"] for r in mine],
                y=[r["mention_share"] for r in mine],
                mode="lines+markers",
                connectgaps=False,
                name=f"{speaker} on {target}: share of its passages naming {target}",
                customdata=[[r["mentions"], r["passages"], r["tone"]] for r in mine],
                hovertemplate="%{x}: %{customdata[0]} of %{customdata[1]} passages"
                "<br>tone %{customdata[2]}<extra>" + speaker + "</extra>",
            )
        )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.25},
        yaxis={"tickformat": ".0%"},
    )
    return _fig_html(fig)


def render_report(
    d: dict[str, Any],
    evidence: dict[str, Any] | None = None,
    corpus: list[dict[str, Any]] | None = None,
) -> str:
    """The report as one HTML string from an assessment dict (``Assessment.as_dict()``).

    ``evidence``: :func:`allyscope.documents.evidence.dyad_evidence` of documents read for
    the report; ``corpus``: rows of :func:`allyscope.documents.corpus.corpus_view`.
    """
    import jinja2
    import plotly.offline

    from allyscope.presentation.documents_view import money

    meta = {i["name"]: i for i in d["indicators"]}
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: (resources.files("allyscope.presentation") / "templates" / name).read_text(
                "utf-8"
            )
        ),
        autoescape=jinja2.select_autoescape(default=True),
    )
    env.filters["money"] = money
    periods = [f"{p['start']}-{p['end']}" for p in d["periods"]]
    return env.get_template("report.html.j2").render(
        d=d,
        plotly_js=plotly.offline.get_plotlyjs(),
        timeline=_timeline(d),
        dimensions={dim: _dimension(d, dim, meta) for dim in CHARTED},
        asymmetry=_asymmetry(d),
        periods=periods,
        colours=COLOURS,
        criteria=CRITERIA,
        evidence=evidence,
        corpus=corpus,
        corpus_chart=_corpus_chart(corpus) if corpus else None,
        max_items=MAX_ITEMS,
    )
