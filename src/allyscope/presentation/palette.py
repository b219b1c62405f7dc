"""Colours of the report, the dashboard and their charts, in one place.

``TEXT_PAIRS`` lists every (text colour, background) pair the templates and charts use;
``tests/test_readable.py`` computes the WCAG contrast of each (at least 4.5:1) and checks
that the templates use no colour outside this module.
"""

from __future__ import annotations

WHITE = "#ffffff"
TEXT = "#222222"
#: Secondary text (captions, notes); 7:1 on white.
MUTED = "#595959"
GRID = "#e3e3e3"
PANEL = "#f6f6f6"  # the verdict box, the dashboard's form
HEADER = "#243447"  # the dashboard's title bar (white text)
ERROR = "#b2182b"
LINK = "#0b57a4"
NODATA_FILL = "#ebebeb"
NODATA_TEXT = "#4d4d4d"
#: Relationship types: bar and chip colours, and the text colour on each chip.
TYPE_COLOURS = {
    "rivalry": "#b2182b",
    "transactional": "#d6a76c",
    "convergence": "#c7d9a5",
    "tactical_alignment": "#7fbf7b",
    "strategic_partnership": "#1f6fa8",
    "alliance": "#313695",
}
TEXT_ON = {
    "rivalry": WHITE,
    "transactional": TEXT,
    "convergence": TEXT,
    "tactical_alignment": TEXT,
    "strategic_partnership": WHITE,
    "alliance": WHITE,
}
#: Lines: state A, state B (the same in every chart), then series of the pair.
SIDE_A = "#0072b2"
SIDE_B = "#d55e00"
#: A state's colour in every chart of a page: A and B, then the other pair of a compare view.
STATE_COLOURS = (SIDE_A, SIDE_B, "#8c510a", "#c51b7d")
DYAD_LINES = ("#009e73", "#6a3d9a", "#222222")


def band(colour: str, alpha: float = 0.2) -> str:
    """A state's colour, transparent: the posterior band of its ideal points."""
    h = colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"
FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif'

#: Every text colour on every background the templates and charts use.
TEXT_PAIRS: list[tuple[str, str, str]] = [
    (TEXT, WHITE, "body text, chart titles, axes, legends"),
    (TEXT, PANEL, "verdict box, dashboard form"),
    (MUTED, WHITE, "captions and notes"),
    (MUTED, PANEL, "notes in the verdict box"),
    (WHITE, HEADER, "dashboard title bar"),
    (ERROR, WHITE, "error message"),
    (LINK, WHITE, "links"),
    (LINK, PANEL, "links in the verdict box"),
    (NODATA_TEXT, NODATA_FILL, "'no data' on its shading"),
    *[(TEXT_ON[t], c, f"{t} chip and period label") for t, c in TYPE_COLOURS.items()],
]
