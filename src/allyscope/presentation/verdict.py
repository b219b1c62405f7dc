"""What a verdict rests on, in words: shared by the CLI text, Markdown, the report and the dashboard.

Every number here is a value of the assessment's JSON contract (``Assessment.as_dict()``),
formatted, never derived: the robustness of the last year, the criteria carried past their
source's end (``carried_from``), the datasets the year rests on (``rests_on``) and the
fitted thresholds.
"""

from __future__ import annotations

from typing import Any

#: The mark put after a value carried past its source's end (the CLI, Markdown and HTML).
CARRIED_MARK = "†"
CARRIED_NOTE = (
    f"{CARRIED_MARK} carried past its source's end: the last observed value, kept for a few "
    "years (JSON: carried_from)"
)


def words(name: str) -> str:
    """``tactical_alignment`` -> ``tactical alignment``."""
    return str(name).replace("_", " ")


def number(v: Any, digits: int = 2) -> str:
    """A value as printed: NA for missing, yes/no for booleans, ``digits`` decimals for floats."""
    if v is None:
        return "NA"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def last_year(d: dict[str, Any]) -> dict[str, Any] | None:
    """The by_year entry of the headline year (``current``)."""
    year = d["current"]["year"]
    return next((y for y in reversed(d["by_year"]) if y["year"] == year), None)


def robustness_words(r: float | None) -> str:
    """What a robustness value says, e.g. ``robustness 0.33: 33% of the threshold sets agree``."""
    if r is None:
        return "robustness NA"
    if r >= 1:
        return "robustness 1.00: every threshold set of the calibration gives this type"
    return (
        f"robustness {r:.2f}: only {r:.0%} of the calibration's threshold sets give this type"
        if r < 0.5
        else f"robustness {r:.2f}: {r:.0%} of the calibration's threshold sets give this type"
    )


def carried(year: dict[str, Any]) -> list[tuple[str, int]]:
    """(criterion, year it comes from) for each criterion of a year carried past its source."""
    return [
        (c, v["carried_from"])
        for c, v in year["criteria"].items()
        if v.get("carried_from") is not None
    ]


def carried_text(year: dict[str, Any]) -> str:
    """``convergence from 2023, shared threat from 2020`` (empty when nothing is carried)."""
    return ", ".join(f"{words(c)} from {y}" for c, y in carried(year))


def dataset_label(ds: str) -> str:
    """A dataset with its version, without the version's parenthetical note."""
    return ds.split(" (", 1)[0]


def rests_on(year: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(observed, carried): the datasets the year's criteria read, in words.

    Observed: ``treaty_registry 2025.1``; carried: ``atop 5.1, from 2018 (commitment)``.
    """
    observed = [dataset_label(r["dataset"]) for r in year.get("rests_on", []) if r["carried_from"] is None]
    kept = [
        f"{dataset_label(r['dataset'])}, from {r['carried_from']} "
        f"({', '.join(words(c) for c in r['criteria'])})"
        for r in year.get("rests_on", [])
        if r["carried_from"] is not None
    ]
    return observed, kept


def rests_on_text(year: dict[str, Any]) -> str:
    """One sentence: what the year rests on, observed and carried."""
    observed, kept = rests_on(year)
    text = f"{year['year']} rests on: {', '.join(observed) or 'no observed source'}"
    if kept:
        text += f"; carried past their end: {'; '.join(kept)}"
    return text


def headline(d: dict[str, Any]) -> str:
    """The verdict in one line: type, score, confidence and robustness of the last year."""
    a, b, cur = d["dyad"]["a"], d["dyad"]["b"], d["current"]
    return (
        f"{a['name']} ({a['iso3']}) – {b['name']} ({b['iso3']}), {d['years'][0]}-{d['years'][1]}: "
        f"in {cur['year']} a {words(cur['type'])} (score {number(cur['score'])}, "
        f"confidence {number(cur['confidence'])}, robustness {number(cur.get('robustness'))})"
    )


def threshold_words(th: dict[str, Any]) -> list[str]:
    """The fitted thresholds as sentences (docs/assessment.md, typology), in the dict's order."""
    known = {
        "convergence": lambda v: (
            f"convergence: UN voting closeness (three-year mean of the percentile among all "
            f"pairs) of at least {v:.2f} counts as converging"
        ),
        "depth": lambda v: (
            f"depth: arms dependence of at least {v:.2f} (that share of one side's major-arms "
            "imports from the other), against a threat both face or with regular deliveries, "
            "makes a tactical alignment"
        ),
        "durability": lambda v: (
            f"durability: a de facto strategic partnership needs at least {v} consecutive "
            "years of cooperation"
        ),
        "breadth": lambda v: (
            f"breadth: a de facto strategic partnership also needs cooperation in at least {v} "
            f"dimension{'s' if v != 1 else ''} above the baseline of all pairs"
        ),
        "practice_years": lambda v: (
            "practice: a de facto strategic partnership also needs security practice (defence "
            f"cooperation or arms deliveries) in at least {v} of the last five years"
        ),
    }
    return [known[k](v) if k in known else f"{words(k)}: {v}" for k, v in th.items()]
