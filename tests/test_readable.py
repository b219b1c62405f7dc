"""Readable output (issue 24, parts 1-2): what a verdict rests on in the report, the CLI
text and Markdown; charts with axis titles and units, legends in words, one unit per axis,
no-data spans, uncertainty, shared scales in compare views, period labels that fit;
text contrast of every colour pair; periods that agree with their years' bars."""

import json
import re
from importlib import resources

import pytest

import allyscope
from allyscope.presentation import charts, palette, verdict
from allyscope.presentation.report import render_report
from tests._browser import contrast

TEMPLATES = ("report.html.j2", "_assessment.html.j2", "dashboard.html", "dashboard_card.html.j2")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLYSCOPE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def d(cache):
    return allyscope.assess("IRN", "RUS", years=(1992, 2025)).as_dict()


@pytest.fixture(scope="module")
def html(d):
    return render_report(d, generated="2026-01-31")


def _template(name: str) -> str:
    return (resources.files("allyscope.presentation") / "templates" / name).read_text("utf-8")


def _figures(page: str) -> dict[str, dict]:
    """The plotly figures drawn by a report: {div id: {"data", "layout"}}."""
    out = {}
    for m in re.finditer(r"Plotly\.newPlot\((\"[^\"]+\"), (.+?)\)\);</script>", page):
        div = json.loads(m.group(1))
        text = m.group(2)
        data, end = json.JSONDecoder().raw_decode(text)
        layout, _ = json.JSONDecoder().raw_decode(text[end:].lstrip(", "))
        out[div] = {"data": data, "layout": layout}
    return out


# --- 1. what a verdict rests on ----------------------------------------------------------


def test_report_headline_has_robustness_carried_values_and_sources(d, html):
    cur = d["current"]
    verdict_box = html.split('<div class="verdict"', 1)[1].split("</div>", 1)[0]
    assert f"robustness {cur['robustness']:.2f}" in verdict_box
    last = d["by_year"][-1]
    for c, year in verdict.carried(last):
        assert f"<strong>{c.replace('_', ' ')}</strong> from {year}" in verdict_box
    for r in last["rests_on"]:
        assert verdict.dataset_label(r["dataset"]) in verdict_box
    assert f"{cur['year']} rests on:" in verdict_box


def test_every_carried_value_is_marked_in_the_criteria_table(d, html):
    table = html.split('<table class="criteria">', 1)[1].split("</table>", 1)[0]
    carried = [
        (y["year"], c, v["carried_from"])
        for y in d["by_year"]
        for c, v in y["criteria"].items()
        if v["carried_from"] is not None
    ]
    assert carried  # ATOP, rivalries, trade and votes end before 2025
    assert table.count('class="mark"') == len(carried)
    for _, _, frm in carried:
        assert f"from {frm}</small>" in table


def test_cli_text_and_markdown_show_robustness_and_carried_marks(d):
    from rich.console import Console

    from allyscope.presentation.assessment_view import markdown_view, rich_view

    console = Console(record=True, width=200)
    for part in rich_view(d):
        console.print(part)
    text = console.export_text()
    head = text.split("Periods", 1)[0]
    assert f"robustness {d['current']['robustness']:.2f}" in head
    assert "rests on:" in head and "carried past" in head
    assert verdict.CARRIED_MARK in text.split("By year", 1)[1]
    md = markdown_view(d)
    assert md.startswith("# ") and "robustness" in md.splitlines()[0]
    rows = [line for line in md.splitlines() if line.startswith("| 2025 |")]
    assert rows and verdict.CARRIED_MARK in rows[0]


def test_robustness_words():
    assert "every threshold set" in verdict.robustness_words(1.0)
    assert "only 33%" in verdict.robustness_words(0.33)
    assert verdict.robustness_words(None) == "robustness NA"


def test_periods_never_contradict_their_years_bars_in_the_report(cache):
    """Every bar of the timeline lies in a period of its own type (report figure), and the
    periods do not move when the window moves."""
    for a, b, years in (("IRN", "RUS", (1992, 2025)), ("IND", "PAK", (1990, 2020)), ("USA", "GBR", (2000, 2025))):
        d = allyscope.assess(a, b, years=years).as_dict()
        fig = _figures(render_report(d))["plot-timeline"]
        kind = {
            (round(s["x0"] + 0.5), round(s["x1"] - 0.5)): s["fillcolor"]
            for s in fig["layout"]["shapes"]
            if s.get("opacity") and s["fillcolor"] in palette.TYPE_COLOURS.values()
        }
        assert len(kind) == len(d["periods"])
        for trace in fig["data"]:
            if trace["type"] != "bar" or trace["x"] == [None]:
                continue
            colour = trace["marker"]["color"]
            for year in trace["x"]:
                (span,) = [s for s in kind if s[0] <= year <= s[1]]
                assert kind[span] == colour, (a, b, year)
        later = allyscope.assess(a, b, years=(years[0] + 7, years[1])).as_dict()
        for p in later["periods"]:
            whole = [q for q in d["periods"] if q["start"] <= p["start"] <= q["end"]]
            assert whole and whole[0]["type"] == p["type"] and whole[0]["end"] == p["end"]


def test_footer_names_version_date_and_thresholds_in_words(d, html):
    footer = html.split("<footer", 1)[1]
    assert f"allyscope {allyscope.__version__}" in footer and "2026-01-31" in footer
    assert "{'convergence'" not in html and '{"convergence"' not in footer
    th = d["thresholds"]
    assert f"at least {th['convergence']:.2f}" in footer
    assert f"at least {th['durability']} consecutive years" in footer


# --- 2. charts a reader can read ---------------------------------------------------------

UNIT_WORD = {
    "share 0-1": "share",
    "percentile 0-1": "percentile",
    "count": "count",
    "ideal point": "ideal point",
    "type": "type",
}


def test_every_chart_has_axis_titles_with_units_and_sources(d):
    for c in charts.charts(d):
        lay = c["figure"]["layout"]
        x, y = lay["xaxis"]["title"]["text"], lay["yaxis"]["title"]["text"]
        assert x, c["id"]
        assert UNIT_WORD[c["unit"]] in y, (c["id"], y)
        assert len(y) <= charts.MAX_AXIS_TITLE, (c["id"], y)
        assert c["sources"] and all(s.strip() for s in c["sources"])


def test_counts_shares_and_percentiles_never_share_an_axis(d):
    meta = {i["name"]: i for i in d["indicators"]}
    for spec in charts.SPECS:
        assert len({meta[n]["unit"] for n in spec.indicators}) == 1, spec.id
        assert meta[spec.indicators[0]]["unit"] in charts.UNIT_WORDS


def test_legends_are_words_with_the_states_names(d):
    figs = {c["id"]: c for c in charts.charts(d)}
    names = [t["name"] for c in figs.values() for t in c["figure"]["data"] if t.get("name")]
    assert not [n for n in names if "_" in n]  # no column names
    arms = [t["name"] for t in figs["security-arms"]["figure"]["data"]]
    assert arms == ["Iran's arms imports from Russia (share)", "Russia's arms imports from Iran (share)"]
    assert "Iran's dependence on Russia (share)" in [
        t["name"] for t in figs["asymmetry"]["figure"]["data"]
    ]


def test_years_without_data_are_shaded_not_left_blank(d):
    figs = {c["id"]: c for c in charts.charts(d)}
    trade = figs["economic-shares"]["figure"]["layout"]
    (shade,) = [s for s in trade["shapes"] if s["fillcolor"] == palette.NODATA_FILL]
    assert (shade["x0"], shade["x1"]) == (2014.5, 2025.5)  # COW trade ends in 2014
    assert [a["text"] for a in trade["annotations"]] == ["no data"]
    societal = figs["societal-events"]["figure"]["layout"]  # ICEWS: 2002-2014
    spans = [(s["x0"], s["x1"]) for s in societal["shapes"]]
    assert spans == [(1991.5, 2001.5), (2014.5, 2025.5)]
    # a year the dyad did not exist is no data on the timeline too
    early = allyscope.assess("UKR", "RUS", years=(1988, 1995)).as_dict()
    tl = charts.timeline(early)["figure"]["layout"]
    assert early["years_without_rows"] == [1988, 1989, 1990]
    assert any(s["x0"] == 1987.5 and s["x1"] == 1990.5 for s in tl["shapes"])
    assert "no data" in [a["text"] for a in tl["annotations"]]


def test_ideal_points_are_drawn_with_their_posterior_interval(d):
    fig = charts.ideal_chart(d)
    bands = [t for t in fig["figure"]["data"] if t.get("fill") == "tonexty"]
    assert len(bands) >= 2  # each side, one per run of one estimate
    rows = {r["year"]: r for r in d["ideal_points"]["by_year"]}
    band = bands[0]
    assert band["y"] == [rows[x]["a"]["high"] for x in band["x"]]
    assert "percentile of the posterior" in fig["note"]
    # 2024 (final-passage votes only) is drawn apart, its interval as a bar
    singles = [t for t in fig["figure"]["data"] if t.get("x") == [2024, 2024]]
    assert len(singles) == 2 and singles[0]["y"] == [rows[2024]["a"]["low"], rows[2024]["a"]["high"]]


def test_compare_views_share_their_y_scales(d, cache):
    other = allyscope.assess("RUS", "CHN", years=(1992, 2025)).as_dict()
    sides = charts.state_colours([d, other])
    assert sides[0][1] == sides[1][0]  # Russia has one colour in both views
    assert len({*sides[0], *sides[1]}) == 3
    views = [charts.charts(x, charts.DASHBOARD_PLOT_PX, s) for x, s in zip([d, other], sides, strict=True)]
    charts.share_scales(views)
    arms = [
        {t["name"]: t["line"]["color"] for t in v[3]["figure"]["data"]} for v in views
    ]  # security-arms: each state's own colour
    assert arms[0]["Russia's arms imports from Iran (share)"] == arms[1]["Russia's arms imports from China (share)"]
    for left, right in zip(*views, strict=True):
        assert left["id"] == right["id"]
        ll, rl = left["figure"]["layout"], right["figure"]["layout"]
        assert ll["yaxis"]["range"] == rl["yaxis"]["range"], left["id"]
        assert ll["height"] - ll["margin"]["t"] == rl["height"] - rl["margin"]["t"]


@pytest.mark.parametrize("width", [charts.DASHBOARD_PLOT_PX, charts.DASHBOARD_SINGLE_PLOT_PX, charts.REPORT_PLOT_PX])
def test_period_labels_neither_overlap_nor_leave_the_plot(d, width):
    """At the width they are laid out for (the browser tests measure the drawn boxes)."""
    notes, rows = charts._label_rows(d, width)
    first, last = d["years"]
    px = width / (last - first + 1)
    boxes = []
    for n in notes:
        w = (len(n["text"]) * charts.CHAR_EM * charts.LABEL_FONT_PX + 10) / px
        assert first - 0.5 - 1e-9 <= n["ax"] - w / 2 and n["ax"] + w / 2 <= last + 0.5 + 1e-9
        boxes.append((n["ay"], n["ax"] - w / 2, n["ax"] + w / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[0] != b[0] or a[2] <= b[1] or b[2] <= a[1], (a, b)
    assert len(notes) == len(d["periods"]) and rows <= 4


# --- contrast ----------------------------------------------------------------------------


@pytest.mark.parametrize(("fg", "bg", "where"), palette.TEXT_PAIRS)
def test_text_contrast_is_at_least_4_5(fg, bg, where):
    assert contrast(fg, bg) >= 4.5, f"{where}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"


def test_templates_take_every_colour_from_the_palette():
    for name in TEMPLATES:
        text = _template(name)
        css = re.sub(r"&#\d+;", "", text)  # character references are not colours
        assert not re.findall(r"#[0-9a-fA-F]{3,8}\b", css), name


def test_chart_text_colours_have_contrast_on_their_background(d):
    """Every font colour of every figure on the background it is drawn on."""

    def fonts(o, bg):
        if isinstance(o, dict):
            here = o.get("bgcolor", bg) if isinstance(o.get("bgcolor"), str) else bg
            if isinstance(o.get("font"), dict) and "color" in o["font"]:
                yield o["font"]["color"], here
            for k, v in o.items():
                if k != "font":
                    yield from fonts(v, here)
        elif isinstance(o, list):
            for v in o:
                yield from fonts(v, bg)

    pairs = set()
    for c in charts.charts(d):
        pairs |= set(fonts(c["figure"]["layout"], palette.WHITE))
    assert (palette.NODATA_TEXT, palette.WHITE) in pairs
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (fg, bg)
    assert contrast(palette.NODATA_TEXT, palette.NODATA_FILL) >= 4.5  # drawn on the shading
