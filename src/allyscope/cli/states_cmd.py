"""Resolve state names and codes (COW, ISO, names, aliases) or list the state system."""

from __future__ import annotations

from typing import Annotated

import typer

from allyscope.cli.options import TableFormat
from allyscope.cli.render import check_format, print_csv, print_json, print_table


def states(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="names or codes, e.g. 'Islamic Republic of Iran' USSR DPRK 630"),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", "-y", help="pick the state of that year (DEU in 1980 = West Germany)"
        ),
    ] = None,
    fmt: TableFormat = "text",
    list_all: Annotated[
        bool, typer.Option("--list", help="list every state of the COW system")
    ] = False,
) -> None:
    from allyscope.errors import InvalidInputError
    from allyscope.states import all_states, resolve

    fmt = check_format(fmt)
    if list_all:
        found = [("", s) for s in all_states()]
        if year is not None:
            found = [(q, s) for q, s in found if s.member_in(year)]
    else:
        if not names:
            raise InvalidInputError("give at least one state name or code, or --list")
        found = [(q, resolve(q, year)) for q in names]
    rows = []
    for q, s in found:
        d = s.as_dict()
        rows.append({"input": q, **d} if not list_all else d)
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(
            [
                {k: v for k, v in r.items() if k != "membership"} | {"membership": s.spells_text()}
                for r, (_, s) in zip(rows, found, strict=True)
            ]
        )
    else:
        head = ([] if list_all else ["input"]) + [
            "cow",
            "iso3",
            "iso2",
            "abb",
            "name",
            "gw",
            "member",
        ]
        body = [
            ([] if list_all else [q])
            + [s.cow, s.iso3, s.iso2, s.stateabb, s.name, s.gw, s.spells_text()]
            for q, s in found
        ]
        print_table(None, head, body)
