"""Helpers of the browser tests: WCAG contrast, and the page-side checks they run in Chromium."""

from __future__ import annotations

import re
import shutil

CHROMIUM = shutil.which("chromium")


def _channel(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of ``#rrggbb`` or ``rgb(r, g, b)``."""
    if colour.startswith("#"):
        h = colour.lstrip("#")
        if len(h) == 3:
            h = "".join(x * 2 for x in h)
        r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    else:
        r, g, b = (float(x) for x in re.findall(r"[\d.]+", colour)[:3])
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


#: In the page: every piece of visible text with its colour and the background behind it.
#: HTML text: the computed colour on the first opaque background of it or its ancestors;
#: plotly's SVG text: its fill on the annotation's box when it has one, else the white chart.
TEXT_COLOURS_JS = """
() => {
  const opaque = c => c && c !== "transparent" && !/rgba\\([^)]*,\\s*0\\)$/.test(c);
  const bgOf = el => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (opaque(bg)) return bg;
    }
    return "rgb(255, 255, 255)";
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest("svg, script, style, datalist, option")) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") continue;
    out.push({text: n.textContent.trim().slice(0, 40), fg: getComputedStyle(el).color, bg: bgOf(el)});
  }
  for (const t of document.querySelectorAll("svg.main-svg text")) {
    if (!t.textContent.trim() || !t.getBoundingClientRect().width) continue;
    const box = t.closest("g.annotation") && t.closest("g.annotation").querySelector("rect.bg");
    const fill = box && parseFloat(getComputedStyle(box).fillOpacity) > 0 ? getComputedStyle(box).fill : "";
    out.push({text: t.textContent.trim().slice(0, 40), fg: getComputedStyle(t).fill,
              bg: opaque(fill) && fill !== "none" ? fill : "rgb(255, 255, 255)"});
  }
  return out;
}
"""

#: In the page: each plotly chart's axis titles and its period labels' boxes.
CHART_TEXT_JS = """
() => [...document.querySelectorAll("figure.chart")].map(f => {
  const svg = f.querySelector("svg.main-svg");
  const box = svg ? svg.getBoundingClientRect() : null;
  return {
    id: f.dataset.chartId,
    source: (f.querySelector(".source") || {}).textContent || "",
    x: [...f.querySelectorAll(".g-xtitle text")].map(t => t.textContent),
    y: [...f.querySelectorAll(".g-ytitle text")].map(t => t.textContent),
    legend: [...f.querySelectorAll(".legendtext")].map(t => t.textContent),
    svg: box && {left: box.left, right: box.right, top: box.top, bottom: box.bottom},
    labels: [...f.querySelectorAll("g.annotation")].filter(a => a.querySelector("rect.bg") &&
        parseFloat(getComputedStyle(a.querySelector("rect.bg")).fillOpacity) > 0)
      .map(a => { const r = a.querySelector("rect.bg").getBoundingClientRect();
                  return {text: a.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }),
  };
})
"""


def low_contrast(items: list[dict[str, str]], minimum: float = 4.5) -> list[str]:
    """The text items below ``minimum`` contrast, as readable lines (empty when all pass)."""
    return [
        f"{i['text']!r}: {i['fg']} on {i['bg']} = {contrast(i['fg'], i['bg']):.2f}"
        for i in items
        if contrast(i["fg"], i["bg"]) < minimum
    ]


def overlaps(boxes: list[dict[str, float]]) -> list[tuple[str, str]]:
    """Pairs of boxes (with ``text``) that overlap by more than a pixel."""
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
                and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
            ):
                out.append((a["text"], b["text"]))
    return out
