"""The charts of an assessment as plotly figures (plain JSON dicts), for the report and the dashboard.

One builder for both: the report inlines the figures, the dashboard fetches them from
``/api/view``. Everything drawn is a value of the assessment's JSON contract; what is
decided here is only how to draw it:

- every chart has one unit on its y axis (counts, shares and percentiles never share an
  axis), a y-axis title with that unit (from the indicator catalogue, ``indicators`` in the
  JSON) and an x-axis title, legends in words with the states' names, and the datasets it
  draws (name, version, coverage) in ``sources``;
- years in which none of a chart's series has a value are shaded and labelled "no data"
  (a source that has ended, a year the dyad did not exist), not left as lines that stop;
- the type timeline hatches the years whose criteria include a value carried past its
  source's end (``carried_from``) and labels its periods above the plot, in rows, so that
  the labels neither overlap nor leave the chart at the width given;
- the ideal points are drawn with their posterior interval (``ideal_points`` in the JSON);
- :func:`share_scales` gives charts of the same kind the same y range (compare views).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allyscope.assessment.typology import LADDER
from allyscope.presentation.palette import (
    DYAD_LINES,
    FONT,
    GRID,
    MUTED,
    NODATA_FILL,
    NODATA_TEXT,
    SIDE_A,
    SIDE_B,
    STATE_COLOURS,
    TEXT,
    TEXT_ON,
    TYPE_COLOURS,
    WHITE,
    band,
)
from allyscope.presentation.verdict import carried_text, number, words

#: Axis words for each unit of the indicator catalogue the charts use.
UNIT_WORDS = {
    "share 0-1": "0–1",
    "percentile 0-1": "0–1",
    "count": "count",
    "ideal point": "scale of Bailey et al.",
}
#: The longest y-axis title (characters) that fits the height of a chart.
MAX_AXIS_TITLE = 34
#: The unit word a legend entry ends with.
UNIT_SHORT = {
    "share 0-1": "share",
    "percentile 0-1": "percentile",
    "count": "count",
    "ideal point": "ideal point",
}
#: Each indicator in words; {a}, {b} are the states' names, {third} the reference third party.
LABELS = {
    "ideal_closeness_pct": "closeness of their UN ideal points",
    "un_agree_pct": "agreement of their UN roll-call votes",
    "third_opposition": "both far from {third} in UN votes",
    "arms_share_a_from_b": "{a}'s arms imports from {b}",
    "arms_share_b_from_a": "{b}'s arms imports from {a}",
    "common_rivals": "strategic rivals both have",
    "common_threats": "third states both face as a threat",
    "trade_share_a": "{a}'s trade with {b}",
    "trade_share_b": "{b}'s trade with {a}",
    "trade_pct": "{a}–{b} trade",
    "igos_pct": "intergovernmental organisations both belong to",
    "shared_orgs": "registry organisations both belong to",
    "reg_treaties": "cooperative treaties in force",
    "icews_events_pct": "events between them",
    "icews_coop_share": "cooperative share of their events",
}


@dataclass(frozen=True)
class Spec:
    """A chart of indicators with one unit: id, dimension, title, y-axis words, indicators."""

    id: str
    dimension: str
    title: str
    measure: str
    indicators: tuple[str, ...]


#: The indicator charts, by dimension; all indicators of a chart have the same unit.
SPECS = (
    Spec(
        "diplomatic-closeness",
        "diplomatic",
        "How close their votes in the UN General Assembly are",
        "percentile among all pairs",
        ("ideal_closeness_pct", "un_agree_pct", "third_opposition"),
    ),
    Spec(
        "security-arms",
        "security",
        "Arms each buys from the other",
        "share of its arms imports",
        ("arms_share_a_from_b", "arms_share_b_from_a"),
    ),
    Spec(
        "security-threats",
        "security",
        "Rivals and threats they share",
        "third states",
        ("common_rivals", "common_threats"),
    ),
    Spec(
        "economic-shares",
        "economic",
        "How much of its trade each does with the other",
        "share of its total trade",
        ("trade_share_a", "trade_share_b"),
    ),
    Spec(
        "economic-volume",
        "economic",
        "Their trade among all pairs of states",
        "percentile among all pairs",
        ("trade_pct",),
    ),
    Spec(
        "institutional-counts",
        "institutional",
        "Organisations and treaties they share",
        "number in force",
        ("shared_orgs", "reg_treaties"),
    ),
    Spec(
        "institutional-igos",
        "institutional",
        "Intergovernmental organisations in common, among all pairs",
        "percentile among all pairs",
        ("igos_pct",),
    ),
    Spec(
        "societal-events",
        "societal",
        "How much they deal with each other (ICEWS events)",
        "percentile among all pairs",
        ("icews_events_pct",),
    ),
    Spec(
        "societal-coop",
        "societal",
        "How cooperative their dealings are (ICEWS events)",
        "share of their events",
        ("icews_coop_share",),
    ),
)
DIMENSION_TITLES = {
    "diplomatic": "Diplomatic",
    "security": "Security",
    "economic": "Economic",
    "institutional": "Institutional",
    "societal": "Societal",
}
#: Plot width (px) the timeline's period labels are laid out for: the report's chart, and
#: the narrowest card of the dashboard (two dyads side by side).
REPORT_PLOT_PX = 640
DASHBOARD_PLOT_PX = 380
DASHBOARD_SINGLE_PLOT_PX = 600
LABEL_FONT_PX = 11
#: Width of a character of the label font, as a share of its size (generous for sans-serif).
CHAR_EM = 0.62
LABEL_ROW_PX = 22


def _layout(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "paper_bgcolor": WHITE,
        "plot_bgcolor": WHITE,
        "font": {"family": FONT, "size": 12, "color": TEXT},
        "margin": {"l": 64, "r": 12, "t": 12, "b": 48},
        "height": 380,
        "showlegend": True,
        "hoverlabel": {"bgcolor": WHITE, "font": {"color": TEXT}},
        "legend": {
            "orientation": "h",
            "yanchor": "top",
            "y": -0.3,
            "x": 0,
            "font": {"color": TEXT},
        },
    }
    base.update(kw)
    return base


def _axis(title: str, **kw: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"color": TEXT}},
        "gridcolor": GRID,
        "linecolor": MUTED,
        "tickfont": {"color": TEXT},
        "zeroline": False,
        **kw,
    }


def _xaxis(d: dict[str, Any]) -> dict[str, Any]:
    first, last = d["years"]
    span = last - first + 1
    return _axis(
        "year",
        range=[first - 0.5, last + 0.5],
        dtick=1 if span <= 12 else 2 if span <= 24 else 5,
        tickformat="d",
    )


def _names(d: dict[str, Any]) -> dict[str, str]:
    return {
        "a": d["dyad"]["a"]["name"],
        "b": d["dyad"]["b"]["name"],
        "third": d.get("third_party") or "the third party",
    }


def label(d: dict[str, Any], name: str, unit: str) -> str:
    """A legend entry in words, e.g. ``Iran's arms imports from Russia (share)``."""
    text = LABELS.get(name, words(name)).format(**_names(d))
    return f"{text} ({UNIT_SHORT.get(unit, unit)})"


def _runs(years: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted years, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for y in years:  # the assessed years: a few dozen
        if runs and y == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs


def no_data(d: dict[str, Any], has: dict[int, bool]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Shapes and labels shading the assessed years in which ``has`` is false or absent."""
    first, last = d["years"]
    empty = [y for y in range(first, last + 1) if not has.get(y)]
    shapes, notes = [], []
    for lo, hi in _runs(empty):
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": lo - 0.5,
                "x1": hi + 0.5,
                "y0": 0,
                "y1": 1,
                "fillcolor": NODATA_FILL,
                "line": {"width": 0},
                "layer": "below",
            }
        )
        narrow = hi - lo < 2
        notes.append(
            {
                "x": (lo + hi) / 2,
                "y": 0.5 if narrow else 0.97,
                "xref": "x",
                "yref": "paper",
                "text": "no data",
                "showarrow": False,
                "textangle": -90 if narrow else 0,
                "yanchor": "middle" if narrow else "top",
                "font": {"size": 10, "color": NODATA_TEXT},
                "name": "no-data",
            }
        )
    return shapes, notes


def _meta(d: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in d["indicators"]}


def _versions(d: dict[str, Any]) -> dict[str, str]:
    return {s["dataset"]: s["version"] for s in d["sources"]}


def _source_line(d: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    """Where each series comes from: ``datasets with versions, first–last years`` (once each)."""
    meta, versions = _meta(d), _versions(d)
    lines: list[str] = []
    for n in names:
        m = meta[n]
        sets = ", ".join(f"{ds} {versions.get(ds, '').split(' (', 1)[0]}".strip() for ds in m["datasets"])
        line = f"{sets}, {m['coverage'][0]}–{m['coverage'][1]}"
        if line not in lines:
            lines.append(line)
    return lines


def _value_range(values: list[float], unit: str) -> list[float]:
    """The y range of a chart: 0-1 percentiles fixed; shares and counts from 0 to above the top."""
    if unit == "percentile 0-1":
        return [0.0, 1.05]
    top = max(values, default=0.0)
    if unit == "count":
        return [0.0, max(top, 1.0) * 1.15]
    return [0.0, max(top, 0.01) * 1.15]


#: The colours of state A and state B (compare views give a state the same colour in both).
Sides = tuple[str, str]


def _colour(name: str, i: int, sides: Sides) -> str:
    if name.endswith(("_a_from_b", "_share_a")) or name == "ideal_a":
        return sides[0]
    if name.endswith(("_b_from_a", "_share_b")) or name == "ideal_b":
        return sides[1]
    return DYAD_LINES[i % len(DYAD_LINES)]


def indicator_chart(
    d: dict[str, Any], spec: Spec, sides: Sides = (SIDE_A, SIDE_B)
) -> dict[str, Any]:
    """A chart of ``spec``'s indicators (one unit) over the assessed years."""
    meta = _meta(d)
    units = {meta[n]["unit"] for n in spec.indicators}
    if len(units) != 1:
        raise ValueError(f"chart {spec.id} mixes units {sorted(units)}")
    unit = units.pop()
    years = [y["year"] for y in d["by_year"]]
    traces, values, has = [], [], {}
    for i, n in enumerate(spec.indicators):
        ys = [y["dimensions"][spec.dimension]["indicators"].get(n) for y in d["by_year"]]
        values += [v for v in ys if v is not None]
        for yr, v in zip(years, ys, strict=True):
            has[yr] = has.get(yr, False) or v is not None
        name = label(d, n, unit)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": years,
                "y": ys,
                "connectgaps": False,
                "name": name,
                "line": {"color": _colour(n, i, sides), "width": 2},
                "marker": {"size": 5},
                "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>",
            }
        )
    shapes, notes = no_data(d, has)
    return {
        "id": spec.id,
        "dimension": spec.dimension,
        "title": spec.title,
        "unit": unit,
        "sources": _source_line(d, spec.indicators),
        "figure": {
            "data": traces,
            "layout": _layout(
                xaxis=_xaxis(d),
                yaxis=_axis(
                    f"{spec.measure} ({UNIT_WORDS[unit]})",
                    range=_value_range(values, unit),
                    **({"dtick": 1, "tickformat": "d"} if unit == "count" and max(values, default=0) <= 8 else {}),
                ),
                shapes=shapes,
                annotations=notes,
            ),
        },
    }


def ideal_chart(d: dict[str, Any], sides: Sides = (SIDE_A, SIDE_B)) -> dict[str, Any]:
    """Both states' UN ideal points with their posterior interval, segment by segment.

    A segment is a run of consecutive years with one estimate (all votes; final-passage
    votes only in 2024): the two estimates are different measures and are not joined.
    """
    ip = d["ideal_points"]
    names = _names(d)
    rows = ip["by_year"]
    traces: list[dict[str, Any]] = []
    has: dict[int, bool] = {}
    values: list[float] = []
    for side, colour in zip(("a", "b"), sides, strict=True):
        pts = [r for r in rows if r[side] is not None]
        segments: list[list[dict[str, Any]]] = []
        for r in pts:  # the assessed years: a few dozen
            if segments and r["year"] == segments[-1][-1]["year"] + 1 and r["measure"] == segments[-1][-1]["measure"]:
                segments[-1].append(r)
            else:
                segments.append([r])
        for k, seg in enumerate(segments):
            xs = [r["year"] for r in seg]
            for yr in xs:
                has[yr] = True
            lo = [r[side]["low"] for r in seg]
            hi = [r[side]["high"] for r in seg]
            mid = [r[side]["ideal"] for r in seg]
            values += [v for v in lo + hi if v is not None]
            final = seg[0]["measure"] != "all votes"
            band_name = f"{names[side]}: 90% interval"
            group = f"ideal-{side}"
            if len(seg) == 1:  # one year: its interval as a vertical bar
                traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "x": [xs[0], xs[0]],
                        "y": [lo[0], hi[0]],
                        "line": {"width": 6, "color": band(colour)},
                        "name": band_name,
                        "showlegend": False,
                        "legendgroup": group + "-band",
                        "hoverinfo": "skip",
                    }
                )
                lo, hi = [None], [None]  # the band traces below draw nothing
            traces += [
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": lo,
                    "line": {"width": 0, "color": colour},
                    "hoverinfo": "skip",
                    "showlegend": False,
                    "legendgroup": group + "-band",
                },
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": hi,
                    "fill": "tonexty",
                    "fillcolor": band(colour),
                    "line": {"width": 0, "color": colour},
                    "name": band_name,
                    "showlegend": k == 0,
                    "legendgroup": group + "-band",
                    "hoverinfo": "skip",
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": xs,
                    "y": mid,
                    "name": f"{names[side]} (ideal point)",
                    "showlegend": k == 0,
                    "legendgroup": group,
                    "line": {"color": colour, "width": 2},
                    "marker": {
                        "size": 6,
                        "symbol": "circle-open" if final else "circle",
                        "color": colour,
                    },
                    "customdata": [[r[side]["low"], r[side]["high"], r["measure"]] for r in seg],
                    "hovertemplate": "%{x}: %{y}<br>interval %{customdata[0]} to %{customdata[1]}"
                    "<br>%{customdata[2]}<extra>" + names[side] + "</extra>",
                },
            ]
    shapes, notes = no_data(d, has)
    lo_v, hi_v = (min(values), max(values)) if values else (-1.0, 1.0)
    return {
        "id": "diplomatic-ideal",
        "dimension": "diplomatic",
        "title": "Where each stands in the UN General Assembly, with its uncertainty",
        "unit": "ideal point",
        "sources": [f"{ip['dataset']}, 1946–2024"],
        "note": f"Bands: 90% interval ({ip['interval']})."
        + (
            " Open markers: years estimated from final-passage votes only, another measure,"
            " not joined to the line."
            if any(r["measure"] != "all votes" for r in rows)
            else ""
        ),
        "figure": {
            "data": traces,
            "layout": _layout(
                xaxis=_xaxis(d),
                yaxis=_axis(
                    "ideal point (US at the top)",
                    range=[lo_v - 0.25, hi_v + 0.25],
                ),
                shapes=shapes,
                annotations=notes,
            ),
        },
    }


def _label_rows(
    d: dict[str, Any], plot_px: int
) -> tuple[list[dict[str, Any]], int]:
    """Period labels above the timeline, laid out in rows so that none overlaps another or
    leaves the plot at ``plot_px`` wide; returns (annotations, rows used)."""
    first, last = d["years"]
    x_lo, x_hi = first - 0.5, last + 0.5
    px_per_year = plot_px / (x_hi - x_lo)
    rows: list[list[tuple[float, float]]] = []
    placed = []
    for p in d["periods"]:
        text = words(p["type"])
        width = (len(text) * CHAR_EM * LABEL_FONT_PX + 10) / px_per_year  # in years
        centre = (p["start"] + p["end"]) / 2
        left = min(max(centre - width / 2, x_lo), x_hi - width)
        span = (left, left + width)
        free = [
            i
            for i, row in enumerate(rows)
            if all(span[1] <= s[0] - 0.2 or span[0] >= s[1] + 0.2 for s in row)
        ]
        if free:
            r = free[0]
            rows[r].append(span)
        else:
            rows.append([span])
            r = len(rows) - 1
        placed.append((p, text, left + width / 2, r))
    n = len(rows)
    notes = [
        {
            # the label sits at x (data) above the plot, a thin line down to its period
            "x": (p["start"] + p["end"]) / 2,
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "ax": x,
            "axref": "x",
            "ay": -(LABEL_ROW_PX // 2 + 6 + (n - 1 - r) * LABEL_ROW_PX),
            "ayref": "pixel",
            "showarrow": True,
            "arrowhead": 0,
            "arrowwidth": 1,
            "arrowcolor": MUTED,
            "text": text,
            "bgcolor": TYPE_COLOURS[p["type"]],
            "font": {"size": LABEL_FONT_PX, "color": TEXT_ON[p["type"]]},
            "borderpad": 2,
            "hovertext": f"{p['start']}–{p['end']} {text}: confidence {number(p['confidence'])}, "
            f"robustness {number(p.get('robustness'))}, starts at {p['starts_at']}",
            "name": "period",
        }
        for p, text, x, r in placed
    ]
    return notes, n


def timeline(d: dict[str, Any], plot_px: int = REPORT_PLOT_PX) -> dict[str, Any]:
    """The type per year on the ladder: periods shaded and labelled, carried years hatched,
    registry events marked, years without a row shaded as no data."""
    by_year = d["by_year"]
    traces: list[dict[str, Any]] = []
    for t in LADDER:
        mine = [y for y in by_year if y["type"] == t]
        if not mine:
            continue
        traces.append(
            {
                "type": "bar",
                "x": [y["year"] for y in mine],
                "y": [LADDER.index(t) + 1] * len(mine),
                "name": words(t),
                "width": 0.85,
                "marker": {
                    "color": TYPE_COLOURS[t],
                    "line": {"width": 0},
                    "pattern": {
                        "shape": ["/" if carried_text(y) else "" for y in mine],
                        "fgcolor": TEXT,
                        "fgopacity": 0.45,
                        "size": 6,
                        "solidity": 0.25,
                    },
                },
                "customdata": [
                    [
                        number(y["score"]),
                        number(y["confidence"]),
                        number(y.get("robustness")),
                        carried_text(y) or "nothing",
                    ]
                    for y in mine
                ],
                "hovertemplate": "%{x}: "
                + words(t)
                + "<br>score %{customdata[0]}, confidence %{customdata[1]}, robustness "
                "%{customdata[2]}<br>carried past a source's end: %{customdata[3]}<extra></extra>",
            }
        )
    if any(carried_text(y) for y in by_year):
        traces.append(
            {
                "type": "bar",
                "x": [None],
                "y": [None],
                "name": "hatched: rests on a value carried past its source's end",
                "marker": {
                    "color": WHITE,
                    "line": {"width": 1, "color": MUTED},
                    "pattern": {"shape": "/", "fgcolor": TEXT, "fgopacity": 0.6, "size": 6},
                },
                "hoverinfo": "skip",
            }
        )
    shown = {1: False, -1: False}
    for e in d["events"]:
        kind = 1 if e["direction"] > 0 else -1
        traces.append(
            {
                "type": "scatter",
                "x": [e["year"]],
                "y": [len(LADDER) + 0.55],
                "mode": "markers",
                "marker": {
                    "symbol": "triangle-down",
                    "size": 11,
                    "color": TEXT if kind > 0 else TYPE_COLOURS["rivalry"],
                },
                "name": "registry event" if kind > 0 else "hostile registry event",
                "legendgroup": f"event{kind}",
                "showlegend": not shown[kind],
                "hovertemplate": f"{e['date']}: {e['name']}<br>({e['kind']})<extra></extra>",
            }
        )
        shown[kind] = True
    shapes = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": p["start"] - 0.5,
            "x1": p["end"] + 0.5,
            "y0": 0,
            "y1": 1,
            "fillcolor": TYPE_COLOURS[p["type"]],
            "opacity": 0.13,
            "line": {"width": 0},
            "layer": "below",
        }
        for p in d["periods"]
    ]
    present = {y["year"]: True for y in by_year}
    gap_shapes, gap_notes = no_data(d, present)
    labels, rows = _label_rows(d, plot_px)
    top = 14 + rows * LABEL_ROW_PX
    return {
        "id": "timeline",
        "dimension": None,
        "title": "The type, year by year, with its periods",
        "unit": "type",
        "sources": [
            "types: allyscope's criteria and rules (docs/assessment.md) over the sources "
            "listed with each year",
            "triangles: dated rows of the treaty registry",
        ],
        "figure": {
            "data": traces,
            "layout": _layout(
                barmode="overlay",
                bargap=0.15,
                height=400 + top,
                margin={"l": 92, "r": 12, "t": top, "b": 48},
                xaxis=_xaxis(d),
                yaxis=_axis(
                    "type",
                    tickvals=list(range(1, len(LADDER) + 1)),
                    ticktext=[words(t).replace(" ", "<br>") for t in LADDER],
                    range=[0, len(LADDER) + 1],
                    showgrid=False,
                ),
                shapes=shapes + gap_shapes,
                annotations=labels + gap_notes,
                legend={
                    "orientation": "h",
                    "yanchor": "top",
                    "y": -0.22,
                    "x": 0,
                    "font": {"color": TEXT},
                },
            ),
        },
    }


#: Per asymmetry dimension: what dependence means there, and the indicator naming its source.
DEPENDENCE = {
    "economic": ("share of its total trade", "trade_share_a"),
    "security": ("share of its major-arms imports", "arms_dep_a"),
    "capability": ("the partner's share of their combined capabilities", "cinc_a"),
}


def asymmetry_chart(d: dict[str, Any], sides: Sides = (SIDE_A, SIDE_B)) -> dict[str, Any]:
    """Each side's dependence on the other per dimension (the asymmetry's own figures)."""
    names = _names(d)
    a, b = d["dyad"]["a"], d["dyad"]["b"]
    dims = [(k, v) for k, v in d["asymmetry"]["by_dimension"].items() if v["dependence"]]
    cats = [
        f"{k}<br>{DEPENDENCE.get(k, (k, ''))[0]}<br>{v['years'][0]}–{v['years'][1]}" for k, v in dims
    ]
    traces = [
        {
            "type": "bar",
            "x": cats,
            "y": [v["dependence"][side["iso3"]] for _, v in dims],
            "name": f"{side['name']}'s dependence on {other} (share)",
            "marker": {"color": colour},
            "hovertemplate": "%{y}<extra>" + side["name"] + "</extra>",
        }
        for side, other, colour in ((a, names["b"], sides[0]), (b, names["a"], sides[1]))
    ]
    values = [v["dependence"][s] for _, v in dims for s in (a["iso3"], b["iso3"])]
    sources = _source_line(d, tuple(DEPENDENCE[k][1] for k, _ in dims if k in DEPENDENCE))
    return {
        "id": "asymmetry",
        "dimension": None,
        "title": "Who depends on whom",
        "unit": "share 0-1",
        "sources": sources,
        "figure": {
            "data": traces,
            "layout": _layout(
                barmode="group",
                height=320,
                margin={"l": 64, "r": 12, "t": 12, "b": 80},
                xaxis=_axis("dimension (what dependence is there; years averaged)"),
                yaxis=_axis(
                    "dependence, share (0–1)", range=_value_range(values, "share 0-1")
                ),
                legend={"orientation": "h", "yanchor": "top", "y": -0.38, "x": 0},
            ),
        },
    }


def charts(
    d: dict[str, Any], plot_px: int = REPORT_PLOT_PX, sides: Sides = (SIDE_A, SIDE_B)
) -> list[dict[str, Any]]:
    """Every chart of an assessment, in reading order: timeline, dimensions, asymmetry."""
    out = [timeline(d, plot_px)]
    for spec in SPECS:
        if spec.id == "diplomatic-closeness" and d.get("ideal_points"):
            out.append(ideal_chart(d, sides))
        out.append(indicator_chart(d, spec, sides))
    out.append(asymmetry_chart(d, sides))
    return out


def state_colours(results: list[dict[str, Any]]) -> list[Sides]:
    """The colours of each view's two states: a state keeps its colour across views."""
    given: dict[int, str] = {}
    free = list(STATE_COLOURS)
    out: list[Sides] = []
    for r in results:
        pair = []
        for side in ("a", "b"):
            cow = r["dyad"][side]["cow"]
            if cow not in given:
                given[cow] = free.pop(0)
            pair.append(given[cow])
        out.append((pair[0], pair[1]))
    return out


def share_scales(views: list[list[dict[str, Any]]]) -> None:
    """Give charts of the same id in several views (compare) the union of their y ranges
    and the same plot height."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for view in views:
        for c in view:
            by_id.setdefault(c["id"], []).append(c)
    for same in by_id.values():
        if len(same) > 1:  # the same plot height: the top margin holds the period labels
            top = max(c["figure"]["layout"]["margin"]["t"] for c in same)
            for c in same:
                lay = c["figure"]["layout"]
                lay["height"] += top - lay["margin"]["t"]
                lay["margin"] = {**lay["margin"], "t": top}
        ranges = [c["figure"]["layout"]["yaxis"].get("range") for c in same]
        if len(same) < 2 or any(r is None for r in ranges):
            continue
        union = [min(r[0] for r in ranges), max(r[1] for r in ranges)]
        for c in same:
            c["figure"]["layout"]["yaxis"]["range"] = list(union)
