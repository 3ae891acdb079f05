"""The HTML report in a real headless Chromium (Playwright driving the system browser).

Skipped, with the reason, when Playwright or a Chromium is missing; ``.ci/run``
installs Debian's ``chromium`` first when it can. Set ``DESIGNDOC_SCREENSHOT``
to a file path to keep the screenshot.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from pytest_designdoc.report import render

SAMPLE = Path(__file__).parent.parent / "unit" / "data" / "report-sample.json"


def _chromium() -> str:
    for candidate in (os.environ.get("DESIGNDOC_CHROMIUM"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and os.path.exists(candidate):
            return candidate
    pytest.skip("no Chromium installed (apt-get install chromium, or set DESIGNDOC_CHROMIUM)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = _chromium()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    page = tmp_path / "report.html"
    page.write_text(render("html", json.loads(SAMPLE.read_text(encoding="utf-8"))), encoding="utf-8")
    return page


def visible_docs(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "article.doc", "docs => docs.filter(d => d.offsetParent !== null).map(d => d.querySelector('h2').id)")


def test_filters_and_search_work_with_no_console_errors_or_requests(browser: Any, report_file: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")

    assert problems == []
    assert requests == [report_file.as_uri()], "the page loads nothing but itself"
    assert page.is_visible("#filters")
    assert page.inner_text("#shown") == "2 of 2 docs shown"
    assert len(visible_docs(page)) == 2

    page.uncheck("input[data-state=failed]")
    assert visible_docs(page) == ["L-docs-design-CALC-2-draft-md-4"]
    page.check("input[data-state=failed]")
    page.fill("#search", "calc-1")
    assert visible_docs(page) == ["L-docs-design-CALC-1-calculator-md-1"]
    page.fill("#search", "tests/test_divide.py")
    assert page.inner_text("#shown") == "1 of 2 docs shown"
    page.fill("#search", "")

    met = "li.goal.met"
    assert page.locator(met).count() == 2 and page.locator(met).first.is_visible()
    page.uncheck("input[data-goal=met]")
    assert not page.locator(met).first.is_visible()
    page.check("input[data-goal=met]")

    page.click("ul.findings a >> nth=0")
    assert page.evaluate("location.hash") == "#L-docs-design-CALC-1-calculator-md-8"
    target = page.locator(":target")
    assert target.count() == 1 and "src/missing.py" in target.inner_text()

    shot = os.environ.get("DESIGNDOC_SCREENSHOT") or str(report_file.with_suffix(".png"))
    page.goto(report_file.as_uri())
    page.screenshot(path=shot, full_page=True)
    assert os.path.getsize(shot) > 10_000
    assert problems == []
    page.close()


def test_the_page_reads_without_scripts(browser: Any, report_file: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(report_file.as_uri())
    assert not page.is_visible("#filters"), "filters need scripts, so they stay hidden without them"
    assert len(visible_docs(page)) == 2
    assert "63.64% < 100%" in page.inner_text("body")
    context.close()
