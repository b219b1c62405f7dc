"""Assess a dyad: alliance, strategic partnership, tactical alignment, convergence, transactional or rivalry, per year and period."""

from __future__ import annotations

import typer

from allyscope.cli.render import check_format, print_json, print_view
from allyscope.errors import InvalidInputError

FORMATS = ("text", "json", "markdown")


def assess(
    a: str = typer.Argument(
        ..., help="first state: name, ISO3/ISO2 or COW code (e.g. IRN, Iran, 630)"
    ),
    b: str = typer.Argument(..., help="second state"),
    years: str = typer.Option(
        None, "--years", help="year or range, e.g. 1992-2025 (default: the last 34 years)"
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text (a table), json or markdown"),
    third: str = typer.Option(
        "USA", "--third", help="reference third party for shared-threat measures"
    ),
) -> None:
    """Assess the relationship of A and B per year, per period and per dimension."""
    f = check_format(fmt, FORMATS)
    from allyscope.assessment import assess as run

    d = run(a, b, years=years, third=third).as_dict()
    print_view(d, f, "allyscope.presentation.assessment_view")


def rank(
    state: str = typer.Argument(..., help="the state whose partners to rank"),
    year: int = typer.Option(..., "--year", help="the year to rank, e.g. 2023"),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or csv"),
    top: int = typer.Option(0, "--top", help="show only the first N partners (0: all)"),
) -> None:
    """List STATE's partners in a year by relationship type, then score."""
    f = check_format(fmt, ("text", "json", "csv"))
    if top < 0:
        raise InvalidInputError(f"--top {top}: give 0 (all partners) or a positive number")
    from allyscope.assessment import rank as run

    r = run(state, year)
    if top > 0:
        r = r.head(top)
    rows = r.drop("a", "b", "iso3_a", "name_a").to_dicts()
    if f == "json":
        print_json(rows)
    elif f == "csv":
        from allyscope.cli.render import print_csv

        print_csv(rows)
    else:
        from allyscope.cli.render import print_table

        cols = ["rank", "iso3_b", "name_b", "type", "score", "confidence"]
        print_table(
            f"Partners of {r['name_a'][0] if r.height else state} in {year}",
            cols,
            [[row[c] for c in cols] for row in rows],
        )


def validate(
    fmt: str = typer.Option("text", "--format", "-f", help="text or json"),
    write: bool = typer.Option(
        False, "--write", help="replace the shipped calibration with this fit"
    ),
) -> None:
    """Refit the typology on the reference dyad-years and dyads; report accuracy, leave-one-dyad-out and flicker."""
    f = check_format(fmt, ("text", "json"))
    from allyscope.assessment.calibration import validate as run
    from allyscope.assessment.calibration import write_calibration

    v = run()
    d = v.as_dict()
    if write:
        d["written"] = str(write_calibration(v))
    if f == "json":
        print_json(d)
        return
    from allyscope.cli.render import print_table

    cols = ["dyad", "check_year", "expected", "predicted", "correct", "span_accuracy"]
    print_table("Reference dyads", cols, [[x[c] for c in cols] for x in d["dyads"]])  # type: ignore[index]
    misses = [x for x in d["dyad_years"] if not x["exact"]]  # type: ignore[union-attr]
    cols = ["dyad", "year", "expected", "predicted", "acceptable_match", "leave_one_dyad_out"]
    print_table(
        "Reference dyad-years not typed exactly",
        cols,
        [
            [x[c] if c != "acceptable_match" else ("yes" if x[c] else "no") for c in cols]
            for x in misses
        ],
    )
    loo = d["leave_one_dyad_out"]
    fl = d["flicker"]
    typer.echo(
        f"dyad-years exact: {d['dyad_years_exact']}; exact or acceptable: "
        f"{d['dyad_years_exact_or_acceptable']}; middle rungs exact: {d['middle_rungs_exact']}; "
        f"reference dyads: {d['reference_dyads_check_year']}; leave one dyad out: "
        f"{loo['exact']} exact, {loo['exact_or_acceptable']} acceptable, "  # type: ignore[index]
        f"{loo['middle_rungs_exact']} middle; blips per 100 dyad-years: "  # type: ignore[index]
        f"{fl['blips_per_100_dyad_years']}; thresholds: {d['thresholds']}; "  # type: ignore[index]
        f"shipped calibration is the current fit: {d['shipped_calibration_is_current_fit']}"
    )
