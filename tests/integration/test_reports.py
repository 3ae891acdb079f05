"""Report files and GitHub Actions output from real pytest sessions."""

from __future__ import annotations

import json
from typing import Any, Callable
from xml.etree import ElementTree

import pytest

from .helpers import Project


def broken_doc(project: Project) -> None:
    project.standard()
    project.doc("more.md", """
        # APP-2 - More

        ## Test Strategy

        | Test Type | Files | Coverage Goals |
        |---|---|---|
        | Unit | `tests/test_missing.py` | edge cases |
    """)


def test_every_format_is_written_from_one_run(project: Project, validate_report: Callable[[Any], Any]) -> None:
    broken_doc(project)
    args = [f"--designdoc-report={fmt}:out/report.{fmt}" for fmt in ("json", "md", "html", "junit", "sarif")]
    result = project.pytester.runpytest("--designdoc", *args)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    out = project.path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html", "report.json", "report.junit", "report.md", "report.sarif"]
    data = validate_report(out / "report.json")
    assert data["summary"]["errors"] == 1
    (finding,) = [f for doc in data["docs"] for f in doc["findings"]]
    assert finding["subject"] == {"test": "tests/test_missing.py", "row": 0}
    assert "**DD001** listed test file 'tests/test\\_missing.py' does not exist" in (out / "report.md").read_text()
    junit = (out / "report.junit").read_text()
    assert 'failures="1"' in junit and 'name="document"' not in junit
    assert '<testcase classname="APP-2" name="tests: tests/test_missing.py">\n    <failure type="DD001"' in junit
    sarif = json.loads((out / "report.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["DD001"]
    assert "APP-2 — More" in (out / "report.html").read_text()


def test_github_actions_annotations_and_step_summary(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_doc(project)
    summary = project.path / "step-summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = project.pytester.runpytest("--designdoc", "-q")
    result.stdout.fnmatch_lines([
        "::error file=docs/design/more.md,line=7,title=DD001::listed test file 'tests/test_missing.py' does not exist"
        "%0Awrite the tests the design promises, or update the Test Strategy row",
    ])
    text = summary.read_text()
    assert text.startswith("earlier step\n## ❌ pytest-designdoc\n")
    assert "| ❌ | `APP-2` More |" in text

    quiet = project.pytester.runpytest("--designdoc", "-q", "-o", "designdoc_github=false")
    assert "::error" not in quiet.stdout.str()
    assert summary.read_text() == text


def test_github_output_is_off_outside_actions(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_doc(project)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(project.path / "summary.md"))
    result = project.pytester.runpytest("--designdoc")
    assert "::error" not in result.stdout.str()
    assert not (project.path / "summary.md").exists()


def test_every_goal_not_met_says_why_in_every_format(project: Project, validate_report: Callable[[Any], Any]) -> None:
    """The example's case: a draft whose source file is not written yet, a manual goal, an unfilled template."""
    from pytest_designdoc.report.view import GOAL_STATUS_MEANINGS

    project.standard()
    project.doc("gift.md", """
        ---
        status: draft
        ---
        # GIFT-1 - Gift cards

        ## Files to Create

        | File Path | Purpose |
        |-----------|---------|
        | `src/giftcards.py` | balances |

        ## Test Strategy

        | Test Type | Files | Coverage Goals |
        |-----------|-------|----------------|
        | Unit | `tests/test_app.py` | 90% line coverage; balance never negative |
    """)
    project.doc("template.md", "# [FEATURE_KEY] - Feature Design\n\n## Files to Create\n\n| File Path |\n|--|\n| `x.py` |\n")
    args = [f"--designdoc-report={fmt}:out/report.{fmt}" for fmt in ("json", "md", "html", "junit")]
    result = project.pytester.runpytest("--designdoc", "-v", *args)
    why = "the doc's Python source files do not exist yet (DD003/DD004): nothing to measure"
    result.stdout.fnmatch_lines([
        "docs/design/gift.md — GIFT-1: Gift cards (draft, not enforced: findings are warnings)",
        f"  docs/design/gift.md:16 goal unmeasurable: 90% line coverage — {why}",
        "  docs/design/gift.md:16 goal manual: balance never negative — a person checks it: no coverage figure decides it",
        "docs/design/template.md — FEATURE_KEY: Feature Design (template, not checked)",
    ])
    out = project.path / "out"
    data = validate_report(out / "report.json")
    goals = {goal["text"]: goal for doc in data["docs"] for row in doc["rows"] for goal in row["goals"]}
    assert goals["90% line coverage"]["reason"] == why
    assert all(goal.get("reason") for goal in goals.values() if goal["status"] != "met")
    assert f"why: {why}" in (out / "report.md").read_text(encoding="utf-8")
    skipped = ElementTree.parse(out / "report.junit").getroot().find("testcase[@name='90% line coverage']/skipped")
    assert skipped is not None and skipped.get("message") == f"unmeasurable: {why}"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"why: {why.replace(chr(39), '&#x27;')}" in html
    assert '<article class="doc unchecked" data-state="unchecked"' in html
    assert 'Feature Design <span class="status">template, not checked</span>' in html
    assert 'id="legend"' in html and all(f"<b>{status.replace('_', ' ')}</b>" in html for status in GOAL_STATUS_MEANINGS)
