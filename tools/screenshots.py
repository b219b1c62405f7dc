"""Take the screenshots of docs/report.md: the report and the dashboard in headless Chromium.

    .venv/bin/python tools/screenshots.py            # writes docs/img/*.png

Needs Debian's chromium (/usr/bin/chromium) and playwright (the test extra). The report is
Iran-Russia 1992-2025 on the bundled data; the dashboard runs on a free loopback port.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"


def main() -> None:
    from playwright.sync_api import sync_playwright

    import allyscope
    from allyscope.presentation.report import render_report

    sys.path.insert(0, str(ROOT))
    from tests.test_webapp import live_server

    IMG.mkdir(parents=True, exist_ok=True)
    report = ROOT / ".tmp" / "iran-russia.html"
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        render_report(allyscope.assess("IRN", "RUS", years=(1992, 2025)).as_dict()), "utf-8"
    )
    with sync_playwright() as p, live_server() as base:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.goto(report.as_uri())
        page.wait_for_selector("figure.chart .main-svg")
        page.wait_for_timeout(1000)
        page.screenshot(path=IMG / "report-iran-russia.png", full_page=True,
                        clip={"x": 0, "y": 0, "width": 1200, "height": 2700})
        table = page.locator("table.criteria")
        box = table.bounding_box()
        page.screenshot(path=IMG / "report-criteria-carried.png", full_page=True,
                        clip={"x": 0, "y": box["y"] + box["height"] - 620, "width": 1200, "height": 700})
        footer = page.locator("footer").bounding_box()
        page.screenshot(path=IMG / "report-footer.png", full_page=True,
                        clip={"x": 0, "y": footer["y"] - 10, "width": 1200, "height": footer["height"] + 20})

        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.goto(f"{base}/", timeout=120_000)
        page.wait_for_selector(".main-svg", timeout=120_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=IMG / "dashboard-iran-russia.png")
        page.locator(".download").first.scroll_into_view_if_needed()
        page.locator(".download").first.screenshot(path=IMG / "dashboard-download.png")
        page.goto(f"{base}/?a=IRN&b=RUS&c=RUS&d=CHN&years=2005-2025", timeout=120_000)
        page.wait_for_selector(".card:nth-child(2) .main-svg", timeout=120_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=IMG / "dashboard-compare-irn-rus-rus-chn.png", full_page=True,
                        clip={"x": 0, "y": 0, "width": 1280, "height": 2600})
        page.fill("#a", "India")
        page.fill("#b", "Pakistan")
        page.fill("#c", "")
        page.fill("#d", "")
        page.fill("#years", "2000-2014")
        page.click("#go")
        page.wait_for_selector("text=India – Pakistan", timeout=120_000)
        page.wait_for_timeout(1000)
        page.screenshot(path=IMG / "dashboard-picked-ind-pak.png")
        page.click("#rank")
        page.wait_for_selector("text=Partners of Iran in 2023", timeout=120_000)
        page.screenshot(path=IMG / "dashboard-rank-iran-2023.png")
        browser.close()
    for f in sorted(IMG.glob("*.png")):
        print(f.relative_to(ROOT), f.stat().st_size)


if __name__ == "__main__":
    main()
