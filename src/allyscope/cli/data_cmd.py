"""Datasets: list them, show a spec, print citations, update from the official release."""

from __future__ import annotations

from typing import Annotated

import typer

from allyscope.cli.options import TableFormat

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)  # see cli/__init__.py


@app.command("list")
def list_(
    fmt: TableFormat = "text",
) -> None:
    """Every dataset with version, coverage and where the data in use comes from."""
    from allyscope.cli.render import check_format, print_csv, print_json, print_table
    from allyscope.sources.registry import curated_specs, registry
    from allyscope.sources.store import current_record, locate, years_in_use

    fmt = check_format(fmt)
    rows = []
    for s in [*registry().values(), *curated_specs().values()]:
        if s.cache_only and current_record(s.name) is None:
            version, origin, years = s.version, "not bundled", None
        else:
            loc = locate(s.name, verify=False)
            version, origin = loc.version, loc.origin
            years = years_in_use(s.name) if origin == "cache" else s.coverage
        rows.append(
            {
                "name": s.name,
                "version": version,
                "years": f"{years[0]}-{years[1]}" if years else None,
                "rows": s.snapshot.get("rows") if origin == "snapshot" else None,
                "in_use": origin,
                "updatable": "yes"
                if s.updatable
                else ("--file" if s.parser else ("curated" if origin == "package" else "no")),
                "title": s.title,
            }
        )
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(rows)
    else:
        print_table("datasets", list(rows[0]), [list(r.values()) for r in rows])


@app.command("info")
def info(
    name: Annotated[str, typer.Argument(help="dataset name (see `allyscope data list`)")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
) -> None:
    """The full spec of one dataset: source, version, columns, licence, citation."""
    from allyscope.cli.render import check_format, print_json
    from allyscope.sources.registry import spec
    from allyscope.sources.store import current_record, locate, years_in_use

    fmt = check_format(fmt, ("text", "json"))
    s = spec(name)
    if s.cache_only and current_record(name) is None:
        in_use = {"origin": "not bundled", "path": None, "version": None, "years": None}
    else:
        loc = locate(name, verify=False)
        years = years_in_use(name) if loc.origin == "cache" else s.coverage
        in_use = {
            "origin": loc.origin,
            "path": str(loc.path),
            "version": loc.version,
            "years": list(years),
        }
    d = s.as_dict() | {"in_use": in_use}
    if fmt == "json":
        print_json(d)
        return
    from rich.console import Console

    c = Console()
    c.print(f"[bold]{s.name}[/bold]: {s.title}")
    for k in ("version", "unit", "url", "sha256", "homepage", "licence", "snapshot_from", "notes"):
        v = d[k] if k != "version" else s.version
        if v:
            c.print(f"  [bold]{k}[/bold]: {v}")
    c.print(f"  [bold]coverage[/bold]: {s.coverage[0]}-{s.coverage[1]} (this release)")
    if in_use["path"] is None:
        c.print(f"  [bold]in use[/bold]: not bundled; `allyscope data update {name}` brings it in")
    else:
        lo, hi = in_use["years"]
        c.print(
            f"  [bold]in use[/bold]: {in_use['origin']} ({in_use['version']}), "
            f"{lo}-{hi}, {in_use['path']}"
        )
    if s.snapshot:
        c.print(
            f"  [bold]snapshot[/bold]: {s.snapshot['rows']} rows, sha256 {s.snapshot['sha256']}"
        )
    c.print("  [bold]columns[/bold]:")
    for col, desc in s.columns.items():
        c.print(f"    {col}: {desc}")
    c.print("  [bold]citation[/bold]:")
    c.print(s.citation, markup=False, highlight=False)


@app.command("cite")
def cite(
    names: Annotated[list[str] | None, typer.Argument(help="datasets (default: all)")] = None,
) -> None:
    """BibTeX for the datasets (deduplicated), ready for a .bib file."""
    from allyscope.sources.registry import curated_specs, registry, spec

    specs = [spec(n) for n in names] if names else [*registry().values(), *curated_specs().values()]
    seen: set[str] = set()
    for s in specs:
        for entry in s.citation.split("\n@"):
            text = entry if entry.startswith("@") else "@" + entry
            key = text.split("{", 1)[1].split(",", 1)[0].strip()
            if key not in seen:
                seen.add(key)
                typer.echo(text.strip() + "\n")


@app.command("update")
def update(
    name: Annotated[str, typer.Argument(help="dataset name")],
    file: Annotated[
        str | None,
        typer.Option("--file", help="parse this downloaded release instead of fetching it"),
    ] = None,
) -> None:
    """Download the official release into the user cache and use it from now on."""
    from allyscope.cli.render import note
    from allyscope.sources import update as upd

    loc = upd.update(name, file, progress=True)
    note(f"{name}: now using {loc.version} from {loc.path}")


@app.command("reset")
def reset(name: Annotated[str, typer.Argument(help="dataset name")]) -> None:
    """Go back to the bundled snapshot for a dataset."""
    from allyscope.cli.render import note
    from allyscope.sources import update as upd

    changed = upd.reset(name)
    note(f"{name}: {'back to' if changed else 'already using'} the bundled snapshot")
