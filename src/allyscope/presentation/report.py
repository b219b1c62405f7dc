"""The self-contained HTML report of an assessment (renders its JSON dict; computes nothing).

One file, no external scripts, fonts or images: plotly.js is inlined once, every chart is a
plotly figure of :mod:`allyscope.presentation.charts` (the dashboard draws the same ones).
The verdict says what it rests on (robustness, the criteria carried past their source's end,
the datasets of the year); the charts have axis titles with units, legends in words,
sources and "no data" spans; the tables give drivers and obstacles for every period and the
criteria per year with carried values marked; the footer names the allyscope version, the
date and the fitted thresholds in words.

Two optional sections render what the documents layer computed: what given documents say
about the pair (:func:`allyscope.documents.evidence.dyad_evidence`: coded passages, counts,
claims checked against the data) and how each state spoke of the other in the UN General
Debate (:func:`allyscope.documents.corpus.corpus_view` rows).
"""

from __future__ import annotations

import datetime as _dt
from importlib import resources
from typing import Any

from allyscope.assessment.criteria import CRITERIA
from allyscope.presentation import charts as _charts
from allyscope.presentation import palette, verdict
from allyscope.presentation.palette import TYPE_COLOURS

#: Kept for callers of the old name: the type colours.
COLOURS = TYPE_COLOURS
#: plotly's options for every chart: no mode bar over the labels, resized with the page.
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
#: Coded passages listed in the documents section (all are counted).
MAX_ITEMS = 60


def script_json(obj: Any) -> str:
    """Strict JSON safe inside a <script> element: every ``<`` escaped, so none can close it."""
    from allyscope.jsonout import dumps

    return dumps(obj).replace("<", "\\u003c")


def plot_div(chart: dict[str, Any]) -> str:
    """A chart as a div and the script that draws it with the page's plotly.js."""
    div = f"plot-{chart['id']}"
    fig = chart["figure"]
    return (
        f'<div class="plot" id="{div}"></div>'
        '<script>document.addEventListener("DOMContentLoaded", () => Plotly.newPlot('
        f"{script_json(div)}, {script_json(fig['data'])}, {script_json(fig['layout'])}, "
        f"{script_json(PLOT_CONFIG)}));</script>"
    )


def environment() -> Any:
    """The Jinja environment of the report and the dashboard's fragments."""
    import jinja2

    from allyscope import __version__
    from allyscope.presentation.documents_view import money

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: (resources.files("allyscope.presentation") / "templates" / name).read_text(
                "utf-8"
            )
        ),
        autoescape=jinja2.select_autoescape(default=True),
    )
    env.filters["money"] = money
    env.filters["dataset_label"] = verdict.dataset_label
    env.globals.update(
        num=verdict.number,
        carried=verdict.carried,
        rests_on=verdict.rests_on,
        robustness_words=verdict.robustness_words,
        mark=verdict.CARRIED_MARK,
        carried_note=verdict.CARRIED_NOTE,
        colours=TYPE_COLOURS,
        text_on=palette.TEXT_ON,
        palette=palette,
        criteria=CRITERIA,
        version=__version__,
    )
    return env


def _context(d: dict[str, Any], generated: str | None) -> dict[str, Any]:
    return {
        "d": d,
        "generated": generated or _dt.date.today().isoformat(),
        "thresholds_in_words": verdict.threshold_words(d["thresholds"]),
    }


def render_report(
    d: dict[str, Any],
    evidence: dict[str, Any] | None = None,
    corpus: list[dict[str, Any]] | None = None,
    generated: str | None = None,
) -> str:
    """The report as one HTML string from an assessment dict (``Assessment.as_dict()``).

    ``evidence``: :func:`allyscope.documents.evidence.dyad_evidence` of documents read for
    the report; ``corpus``: rows of :func:`allyscope.documents.corpus.corpus_view`;
    ``generated``: the date printed in the footer (default today).
    """
    import plotly.offline

    figures = _charts.charts(d, _charts.REPORT_PLOT_PX)
    return environment().get_template("report.html.j2").render(
        **_context(d, generated),
        plotly_js=plotly.offline.get_plotlyjs(),
        charts=figures,
        plots={c["id"]: plot_div(c) for c in figures},
        dimensions=_charts.DIMENSION_TITLES,
        evidence=evidence,
        corpus=corpus,
        corpus_chart=_corpus_chart(corpus) if corpus else None,
        max_items=MAX_ITEMS,
    )


def render_card(d: dict[str, Any], figures: list[dict[str, Any]]) -> str:
    """The dashboard's view of one assessment: the report's pieces, each chart an empty
    slot that the page draws from its figure."""
    return environment().get_template("dashboard_card.html.j2").render(
        **_context(d, None), charts=figures, dimensions=_charts.DIMENSION_TITLES
    )


def _corpus_chart(rows: list[dict[str, Any]]) -> str:
    speakers = sorted({r["speaker"] for r in rows})
    traces = []
    for speaker, colour in zip(speakers, (palette.SIDE_A, palette.SIDE_B, *palette.DYAD_LINES), strict=False):
        mine = [r for r in rows if r["speaker"] == speaker]
        target = mine[0]["target"]
        traces.append(
            {
                "type": "scatter",
                "x": [r["year"] for r in mine],
                "y": [r["mention_share"] for r in mine],
                "mode": "lines+markers",
                "connectgaps": False,
                "line": {"color": colour},
                "name": f"{speaker} on {target}: share of its passages naming {target}",
                "customdata": [[r["mentions"], r["passages"], r["tone"]] for r in mine],
                "hovertemplate": "%{x}: %{customdata[0]} of %{customdata[1]} passages"
                "<br>tone %{customdata[2]}<extra>" + speaker + "</extra>",
            }
        )
    chart = {
        "id": "ungd",
        "figure": {
            "data": traces,
            "layout": _charts._layout(
                xaxis=_charts._axis("year", tickformat="d"),
                yaxis=_charts._axis(
                    "passages naming the other (share of its passages)", tickformat=".0%"
                ),
            ),
        },
    }
    return plot_div(chart)
