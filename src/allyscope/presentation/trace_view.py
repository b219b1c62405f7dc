"""Text (Rich) and Markdown views of a process-tracing result (from its JSON dict)."""

from __future__ import annotations

from typing import Any


def _w(v: Any) -> str:
    if v is None:
        return "NA"
    if isinstance(v, dict):
        return "-inf" if v.get("eliminates") else "+inf"
    return f"{v:+.1f}"


def rich_view(d: dict[str, Any]) -> list[Any]:
    from rich import box
    from rich.panel import Panel
    from rich.table import Table

    names = [h["name"] for h in d["hypotheses"]]
    out: list[Any] = [Panel(d["case"] or "process tracing", style="bold")]
    ht = Table(title="Hypotheses", header_style="bold")
    for c in ("hypothesis", "prior", "posterior", "p05-p95 over likelihood ranges", "leads in"):
        ht.add_column(c)
    rng = d["sensitivity"]["likelihood_ranges"]
    for h in d["hypotheses"]:
        r = rng[h["name"]]
        ht.add_row(
            h["name"],
            f"{h['prior']:.2f}",
            f"{h['posterior']:.3f}",
            f"{r['p05']:.3f}-{r['p95']:.3f}",
            f"{r['leads_share']:.0%}",
        )
    out.append(ht)
    et = Table(
        title="Evidence (weight of evidence in dB; posterior after the item)",
        header_style="bold",
        box=box.SIMPLE_HEAD,
    )
    et.padding = (0, 1)
    et.collapse_padding = True
    et.pad_edge = False
    et.add_column("item", no_wrap=True, max_width=26)
    et.add_column("obs", no_wrap=True, min_width=3)
    for i, _ in enumerate(names, 1):
        et.add_column(f"dB H{i}", justify="right", no_wrap=True, min_width=5)
    for i, _ in enumerate(names, 1):
        et.add_column(f"P H{i}", justify="right", no_wrap=True, min_width=4)
    for e in d["evidence"]:
        et.add_row(
            e["id"][:26],
            "yes" if e["observed"] else "no",
            *[_w(e["weight_db"][h]) for h in names],
            *[f"{e['posterior_after'][h]:.2f}" for h in names],
        )
    out.append(et)
    out.append("  ".join(f"H{i} = {h}" for i, h in enumerate(names, 1)))
    notes = [d["sensitivity"]["summary"], *d["warnings"]]
    if d["unverifiable"]:
        notes.append(
            f"unverifiable (no data for their years, left out): {', '.join(d['unverifiable'])}"
        )
    out.append(Panel("\n".join(notes), title="Sensitivity and warnings"))
    return out


def markdown_view(d: dict[str, Any]) -> str:
    names = [h["name"] for h in d["hypotheses"]]
    rng = d["sensitivity"]["likelihood_ranges"]
    lines = [
        f"# {d['case'] or 'Process tracing'}",
        "",
        "## Hypotheses",
        "",
        "| hypothesis | prior | posterior | p05-p95 | leads in |",
        "|---|---|---|---|---|",
    ]
    for h in d["hypotheses"]:
        r = rng[h["name"]]
        lines.append(
            f"| {h['name']} | {h['prior']:.2f} | {h['posterior']:.3f} | {r['p05']:.3f}-{r['p95']:.3f} "
            f"| {r['leads_share']:.0%} |"
        )
    lines += [
        "",
        "## Evidence",
        "",
        "| item | observed | "
        + " | ".join(f"dB {h}" for h in names)
        + " | "
        + " | ".join(f"P({h})" for h in names)
        + " | source |",
        "|---" * (3 + 2 * len(names)) + "|",
    ]
    for e in d["evidence"]:
        lines.append(
            f"| {e['id']} | {'yes' if e['observed'] else 'no'} | "
            + " | ".join(_w(e["weight_db"][h]) for h in names)
            + " | "
            + " | ".join(f"{e['posterior_after'][h]:.3f}" for h in names)
            + f" | {e['source']} |"
        )
    lines += ["", "## Sensitivity", "", d["sensitivity"]["summary"], ""]
    for label, v in d["sensitivity"]["priors"].items():
        lines.append(
            f"- priors {label}: leader {v['leader']} ({', '.join(f'{k} {x:.3f}' for k, x in v['posterior'].items())})"
        )
    lines += [f"- warning: {w}" for w in d["warnings"]]
    if d["unverifiable"]:
        lines.append(f"- unverifiable, left out: {', '.join(d['unverifiable'])}")
    return "\n".join(lines) + "\n"
