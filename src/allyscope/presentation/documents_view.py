"""Text (Rich) and Markdown views of a read result (from its JSON dict)."""

from __future__ import annotations

from typing import Any

MAX_PASSAGES = 40


def money(v: float | None, unit: str) -> str:
    """A claim's value as written for readers: $770m for 770000000 USD."""
    if v is None:
        return "NA"
    if unit == "USD":
        return f"${v / 1e6:,.0f}m"
    return f"{v:g} {unit}"


def _code_counts(d: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (fam, ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])))
        for fam, counts in d["summary"]["codes"].items()
    ]


def rich_view(d: dict[str, Any]) -> list[Any]:
    from rich import box
    from rich.table import Table

    s = d["summary"]
    out: list[Any] = [
        f"[bold]{s['documents']} document(s), {s['passages']} passages, {s['claims']} claims, "
        f"{s['skipped']} skipped[/] (coder: {s['coder']}, codebook {s['codebook_version']})"
    ]
    codes = Table(title="Codes", header_style="bold", box=box.SIMPLE_HEAD)
    codes.add_column("family")
    codes.add_column("passages per value")
    for fam, text in _code_counts(d):
        codes.add_row(fam, text)
    out.append(codes)
    if d["claims"]:
        ct = Table(title="Quantitative claims", header_style="bold", box=box.SIMPLE_HEAD)
        for c in ("claim", "year", "from", "to", "verdict", "data", "source / note"):
            ct.add_column(c, overflow="fold")
        for c in d["claims"]:
            src = c["source"]
            where = (
                f"{src.get('dataset', '')} {src.get('version', '')} {src.get('column', '')}".strip()
            )
            ct.add_row(
                c["text"],
                str(c["year"] or "NA"),
                c["from"] or "",
                c["to"] or "",
                c["verdict"] or "not checked",
                money(c["data_value"], c["unit"]),
                f"{where}; {c['note']}".strip("; "),
            )
        out.append(ct)
    pt = Table(
        title=f"Passages (first {min(MAX_PASSAGES, len(d['passages']))} of {len(d['passages'])})",
        header_style="bold",
        box=box.SIMPLE_HEAD,
    )
    for c in ("id", "lang", "dimension", "role", "framing", "states", "text"):
        pt.add_column(c, overflow="fold")
    for p in d["passages"][:MAX_PASSAGES]:
        text = p["text"] if len(p["text"]) <= 160 else p["text"][:157] + "..."
        pt.add_row(
            p["id"], p["lang"], p["dimension"], p["role"], p["framing"], " ".join(p["iso3"]), text
        )
    out.append(pt)
    if d["skipped"]:
        st = Table(title="Skipped files", header_style="bold", box=box.SIMPLE_HEAD)
        st.add_column("file", overflow="fold")
        st.add_column("reason", overflow="fold")
        for sk in d["skipped"]:
            st.add_row(sk["path"], sk["reason"])
        out.append(st)
    return out


def markdown_view(d: dict[str, Any]) -> str:
    s = d["summary"]
    lines = [
        f"# Documents read: {s['documents']}",
        "",
        f"{s['passages']} passages, {s['claims']} claims, {s['skipped']} files skipped "
        f"(coder: {s['coder']}).",
        "",
        "| family | passages per value |",
        "|---|---|",
    ]
    lines += [f"| {fam} | {text} |" for fam, text in _code_counts(d)]
    if d["claims"]:
        lines += [
            "",
            "| claim | year | from | to | verdict | data | note |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {c['text']} | {c['year'] or 'NA'} | {c['from'] or ''} | {c['to'] or ''} | "
            f"{c['verdict'] or 'not checked'} | {money(c['data_value'], c['unit'])} | {c['note']} |"
            for c in d["claims"]
        ]
    if d["skipped"]:
        lines += ["", "Skipped:", ""] + [f"- {sk['path']}: {sk['reason']}" for sk in d["skipped"]]
    return "\n".join(lines) + "\n"
