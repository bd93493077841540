"""The HTML report in a real browser: headless Chromium opens every bundled scenario's report offline.

Debian's ``chromium`` is driven by Playwright with ``executable_path`` (no browser download). The test
is skipped only where no chromium binary exists; ``.ci/run`` installs it, so CI never skips it. Pages
and screenshots are left in ``tests/artefacts/browser/`` (git-ignored) to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.crisis import replay_scenario, reversals
from engine.files.scenarios import load_scenario
from engine.report.html import cell, report_html
from engine.report.view import timeline_view

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
ARTEFACTS = ROOT / "tests" / "artefacts" / "browser"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
#: as root Chromium needs --no-sandbox; the rest keep it from reaching for the network
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

#: skipped where no chromium exists (a developer's machine), never in CI (CI=true): .ci/run installs it
pytestmark = pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                                reason="no chromium binary (apt-get install chromium; .ci/run does)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # imported here: without chromium the module is skipped before Playwright is needed; with it, a
    # missing Playwright fails the test (pip install -e '.[browser]'), it does not skip it
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def _write(path: Path) -> tuple[Path, Any]:
    scenario = load_scenario(path)
    timeline = replay_scenario(scenario)
    view = timeline_view(scenario, timeline, reversals(scenario, timeline))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTEFACTS / f"{scenario.id}.html"
    out.write_text(report_html(view, timeline.law, datetime.now(UTC), source=f"scenarios/{path.name}"),
                   encoding="utf-8")
    return out, view


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_report_opens_offline_without_errors(browser: Any, path: Path) -> None:
    page_file, view = _write(path)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    errors: list[str] = []
    requests: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    assert errors == []
    assert requests == [page_file.as_uri()]  # the page asks for nothing else: no CDN, no font, no image

    # a headline per reading, the verdict grid with its legend, the timeline chart
    assert page.locator("#summary .headline").count() == len(view.readings)
    assert page.locator("#verdicts .legend").inner_text().startswith("Legend.")
    assert page.locator("svg.timeline-chart").count() == 1
    # every verdict, with its numbers, is in the grid
    grid = page.locator("table.grid").inner_text() if page.locator("table.grid").count() else ""
    for step in view.steps:
        for f in step.findings:
            if f.verdict != "info":
                assert cell(f) in grid, (step.at, f.code)
    # a chamber diagram for each sitting and vote whose seats are known
    sittings = [s for s in view.steps if s.event["type"] in ("parliament_convened", "vote")]
    diagrams = page.locator("figure.chamber svg.hemicycle")
    assert diagrams.count() == page.locator("figure.chamber").count()
    if sittings:
        assert diagrams.count() > 0
    for k in range(diagrams.count()):
        assert diagrams.nth(k).is_visible()
    # an explanation opens when its finding is clicked
    findings = page.locator("details.finding")
    if findings.count():
        first = findings.first
        assert not first.locator("dl.explanation").is_visible()
        first.locator("summary").click()
        assert first.locator("dl.explanation").is_visible()
        assert first.evaluate("d => d.open") is True
    page.screenshot(path=str(ARTEFACTS / f"{view.scenario.id}.png"), full_page=True)
    context.close()


def test_cambodia_2013_as_the_issue_asks(browser: Any) -> None:
    """The 23 September 2013 sitting: 68 present of 123, each reading's quorum line; each of its findings
    explained down to the rule's source."""
    page_file, _ = _write(ROOT / "scenarios" / "cambodia-2013.yaml")
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    page = context.new_page()
    page.goto(page_file.as_uri())
    figure = page.locator("figure.chamber").filter(has_text="2013-09-23 opening sitting")
    assert "68 present of 123" in figure.locator("figcaption").inner_text()
    assert figure.locator("circle").count() == 123
    assert figure.locator("g.threshold").count() == 2  # 120 and 82; the ruling party's reading needs none
    assert "VIOLATION 68 / 120 members" in page.locator("table.grid").inner_text()
    sitting = page.locator("article.step").filter(has_text="2013-09-23 — opening sitting")
    details = sitting.locator("details.finding")
    assert details.count() == 5
    for k in range(details.count()):
        d = details.nth(k)
        d.locator("summary").click()
        text = d.locator("dl.explanation").inner_text()
        assert "Sources of the rule" in text and "Sources of the event" in text
        assert "none given in the pack" not in text
    two_thirds = details.filter(has_text="two-thirds reading").locator("dl.explanation").inner_text()
    assert "2/3 × 123 (all members) = 82 → at least 82" in two_thirds
    page.locator("#chambers").screenshot(path=str(ARTEFACTS / "cambodia-2013-chambers.png"))
    context.close()
