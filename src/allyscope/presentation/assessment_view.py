"""Text (Rich) and Markdown views of an assessment, rendered from its JSON contract (a dict).

Nothing here computes a figure: every number shown is a value of the dict
:meth:`allyscope.assessment.Assessment.as_dict` returns.
"""

from __future__ import annotations

from typing import Any

from allyscope.assessment.criteria import CRITERIA
from allyscope.presentation import verdict

CRITERIA_SHOWN = CRITERIA  # every criterion of the JSON contract, in its order
TOP = 5
CRITERIA_TEXT = ("commitment", "convergence", "shared_threat", "friction")
SHORT = {
    "commitment": "commit",
    "convergence": "conv",
    "shared_threat": "threat",
    "friction": "fric",
}


def _fmt(v: Any) -> str:
    if v is None:
        return "NA"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def _headline(d: dict[str, Any]) -> str:
    return verdict.headline(d)


def _basis(d: dict[str, Any]) -> list[str]:
    """What the headline year rests on: robustness in words, carried criteria, sources."""
    last = verdict.last_year(d)
    if last is None:
        return []
    lines = [verdict.robustness_words(d["current"].get("robustness"))]
    kept = verdict.carried_text(last)
    if kept:
        lines.append(f"{verdict.CARRIED_MARK} carried past its source's end: {kept}")
    lines.append(verdict.rests_on_text(last))
    return lines


def _crit(v: dict[str, Any]) -> str:
    """A criterion's value, marked when it is carried past its source's end."""
    mark = verdict.CARRIED_MARK if v.get("carried_from") is not None else ""
    return _fmt(v["value"]) + mark


def _dependence(d: dict[str, Any]) -> list[str]:
    asym = d["asymmetry"]
    lines = [f"more dependent overall: {asym['more_dependent'] or 'NA'}"]
    for dim, v in asym["by_dimension"].items():
        if v["dependence"] is None:
            lines.append(f"{dim}: NA (no data in the range)")
            continue
        dep = ", ".join(f"{k} {val:.3f}" for k, val in v["dependence"].items())
        lines.append(
            f"{dim} ({v['years'][0]}-{v['years'][1]}): {dep} -> {v['more_dependent'] or 'equal'}"
        )
    return lines


def _items(items: list[dict[str, Any]], period: str) -> list[dict[str, Any]]:
    return [i for i in items if i["period"] == period][:TOP]


def rich_view(d: dict[str, Any]) -> list[Any]:
    """Rich renderables: headline, periods, years, asymmetry, drivers/obstacles of the last period."""
    from rich import box
    from rich.panel import Panel
    from rich.table import Table

    out: list[Any] = [Panel(_headline(d), style="bold"), "\n".join(_basis(d))]
    pt = Table(title="Periods", header_style="bold")
    for c in ("years", "type", "confidence", "robustness", "starts at"):
        pt.add_column(c)
    for p in d["periods"]:
        pt.add_row(
            f"{p['start']}-{p['end']}",
            p["type"],
            _fmt(p["confidence"]),
            _fmt(p.get("robustness")),
            p["starts_at"],
        )
    out.append(pt)
    yt = Table(
        title="By year (criteria values; NA = no data; json/markdown give all criteria)",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    yt.add_column("year", no_wrap=True, min_width=4)
    yt.add_column("type", no_wrap=True, min_width=21)
    for c in ("score", "conf", "robust", *[SHORT.get(c, c) for c in CRITERIA_TEXT]):
        yt.add_column(c, justify="right", no_wrap=True, min_width=max(len(c), 4))
    for y in d["by_year"]:
        yt.add_row(
            str(y["year"]),
            y["type"],
            _fmt(y["score"]),
            _fmt(y["confidence"]),
            _fmt(y.get("robustness")),
            *[_crit(y["criteria"][c]) for c in CRITERIA_TEXT],
        )
    out.append(yt)
    out.append(verdict.CARRIED_NOTE)
    out.append(Panel("\n".join(_dependence(d)), title="Who needs whom"))
    if d["periods"]:
        last = d["periods"][-1]
        label = f"{last['start']}-{last['end']}"
        dt = Table(title=f"Drivers and obstacles, {label}", header_style="bold")
        for c in ("", "indicator", "value", "source"):
            dt.add_column(c, overflow="fold")
        for kind, items in (("+", d["drivers"]), ("-", d["obstacles"])):
            for i in _items(items, label):
                reg = str(i["indicator"]).startswith("registry:")
                value = i["description"] if reg else _fmt(i["value"])
                dt.add_row(
                    kind,
                    str(i["indicator"]).removeprefix("registry:"),
                    str(value)[:40],
                    str(i["source"]),
                )
        out.append(dt)
    missing = d["by_year"][-1]["missing_sources"] if d["by_year"] else []
    if missing:
        out.append(f"Sources without data for {d['by_year'][-1]['year']}: {', '.join(missing)}")
    return out


def markdown_view(d: dict[str, Any]) -> str:
    """The same content as Markdown (for reports, issues, notebooks)."""
    lines = [
        f"# {_headline(d)}",
        "",
        *[f"- {line}" for line in _basis(d)],
        "",
        "## Periods",
        "",
        "| years | type | confidence | robustness | starts at |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {p['start']}-{p['end']} | {p['type']} | {_fmt(p['confidence'])} "
        f"| {_fmt(p.get('robustness'))} | {p['starts_at']} |"
        for p in d["periods"]
    ]
    lines += [
        "",
        "## By year",
        "",
        "| year | type | score | confidence | robustness | " + " | ".join(CRITERIA_SHOWN) + " |",
        "|---" * (5 + len(CRITERIA_SHOWN)) + "|",
    ]
    for y in d["by_year"]:
        vals = " | ".join(_crit(y["criteria"][c]) for c in CRITERIA_SHOWN)
        lines.append(
            f"| {y['year']} | {y['type']} | {_fmt(y['score'])} | {_fmt(y['confidence'])} "
            f"| {_fmt(y.get('robustness'))} | {vals} |"
        )
    lines += ["", verdict.CARRIED_NOTE + ".", "", "## Who needs whom", ""] + [f"- {s}" for s in _dependence(d)]
    for title, items in (("Drivers", d["drivers"]), ("Obstacles", d["obstacles"])):
        lines += [
            "",
            f"## {title}",
            "",
            "| period | indicator | value | source |",
            "|---|---|---|---|",
        ]
        for p in d["periods"]:
            for i in _items(items, f"{p['start']}-{p['end']}"):
                lines.append(
                    f"| {i['period']} | {i['indicator']} | {_fmt(i['value'])} | {i['source']} |"
                )
    lines += ["", "## Sources", ""] + [f"- {s['dataset']} {s['version']}" for s in d["sources"]]
    return "\n".join(lines) + "\n"
