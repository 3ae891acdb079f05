"""Waivers in real sessions: live ones pass the run, expired ones fail it, stale and bad ones are flagged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .helpers import Project

DOC = """
# APP-1 - The app

## Files to Create

| File Path | Purpose |
|-----------|---------|
| `src/app.py` | login |
| `src/later.py` | next sprint |

## Test Strategy

| Test Type | Files | Coverage Goals |
|-----------|-------|----------------|
| Unit | `tests/test_app.py` | 100% of `src/app.py` |
"""

APP = """
def login(ok):
    if ok:
        return True
    return False
"""

TESTS = """
from app import login

def test_login():
    assert login(True)
"""


def _waivers(*entries: str) -> str:
    return "waivers:\n" + "".join(entries)


def _entry(code: str, expires: str, match: str = "", doc: str = "APP-1") -> str:
    text = f"  - code: {code}\n    doc: {doc}\n    reason: planned for the next sprint\n    owner: app-team\n"
    if match:
        text += f"    match: {match}\n"
    return text + f"    expires: {expires}\n"


@pytest.fixture
def waived_project(project: Project) -> Project:
    project.write("src/app.py", APP)
    project.write("tests/test_app.py", TESTS)
    project.doc("app.md", DOC)
    project.write("pyproject.toml", """
        [tool.pytest.ini_options]
        designdoc_paths = ["docs/**/*.md"]
        designdoc_baseline = "designdoc-waivers.yaml"
        pythonpath = ["src"]
        """)
    return project


def _report(project: Project) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project.path / "report.json").read_text(encoding="utf-8"))
    return data


def test_live_waivers_pass_the_run_and_every_format_says_so(waived_project: Project, validate_report: Any) -> None:
    waived_project.write("designdoc-waivers.yaml", _waivers(_entry("DD003", "2999-12-31", "src/later.py"),
                                                            _entry("DD010", "2999-12-31")))
    result = waived_project.pytester.runpytest_subprocess(
        "--designdoc", "--designdoc-report", "json:report.json", "--designdoc-report", "junit:report.xml", "-v")
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    result.stdout.fnmatch_lines([
        "*docs/design/app.md:8 DD003 waived: Files to Create entry 'src/later.py' is missing — waived until "
        "2999-12-31 by app-team (designdoc-waivers.yaml:2): planned for the next sprint",
        "designdoc: 1 doc, 1 goal: 0 met, 1 failed, 0 manual, 0 not run; 0 errors, 0 warnings, 2 waived",
    ])
    data = validate_report(waived_project.path / "report.json")
    assert data["summary"]["waived"] == 2 and data["summary"]["errors"] == 0
    (dd010,) = [f for f in data["docs"][0]["findings"] if f["code"] == "DD010"]
    assert dd010["severity"] == "waived"
    assert dd010["waiver"] == {"severity": "error", "reason": "planned for the next sprint", "owner": "app-team",
                               "expires": "2999-12-31", "path": "designdoc-waivers.yaml", "line": 8}
    junit = (waived_project.path / "report.xml").read_text(encoding="utf-8")
    assert 'failures="0"' in junit and "DD010 waived until 2999-12-31" in junit


def test_an_expired_waiver_fails_closed_and_names_the_waiver(waived_project: Project) -> None:
    waived_project.write("designdoc-waivers.yaml", _waivers(_entry("DD003", "2020-01-31", "src/later.py"),
                                                            _entry("DD010", "2999-12-31")))
    result = waived_project.pytester.runpytest_subprocess("--designdoc")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "*docs/design/app.md:8 DD003 error: Files to Create entry 'src/later.py' is missing "
        "(waiver designdoc-waivers.yaml:2 expired on 2020-01-31)",
        "*hint: fix it, or renew the waiver at designdoc-waivers.yaml:2 with a new reason and expires date",
        "designdoc: *; 1 error, 0 warnings, 1 waived — run failed*",
    ])


def test_a_waiver_that_matches_nothing_is_a_stale_warning(waived_project: Project) -> None:
    waived_project.write("src/later.py", "")
    waived_project.write("designdoc-waivers.yaml", _waivers(_entry("DD003", "2999-12-31", "src/later.py"),
                                                            _entry("DD010", "2999-12-31"),
                                                            _entry("DD001", "2999-12-31", doc="GONE-9")))
    result = waived_project.pytester.runpytest_subprocess("--designdoc")
    assert result.ret == 0
    result.stdout.fnmatch_lines([
        "designdoc-waivers.yaml:2 DD024 warning: stale waiver: DD003 in APP-1 matching 'src/later.py' matches no "
        "finding",
        "designdoc-waivers.yaml:13 DD024 warning: stale waiver: DD001 in GONE-9 matches no finding "
        "(no checked doc has the key 'GONE-9')",
        "designdoc: *; 0 errors, 2 warnings, 1 waived",
    ])
    assert waived_project.pytester.runpytest_subprocess("--designdoc", "--designdoc-strict").ret == 1


def test_a_run_that_cannot_decide_a_goal_does_not_call_its_waiver_stale(waived_project: Project) -> None:
    waived_project.write("designdoc-waivers.yaml", _waivers(_entry("DD003", "2999-12-31", "src/later.py"),
                                                            _entry("DD010", "2999-12-31")))
    result = waived_project.pytester.runpytest_subprocess("--designdoc", "--collect-only")
    assert result.ret == 0
    assert "stale waiver" not in result.stdout.str()


@pytest.mark.parametrize(("waivers", "expected"), [
    (None, "designdoc-waivers.yaml:1 DD024 error: waiver file 'designdoc-waivers.yaml' (designdoc_baseline) does "
           "not exist"),
    ("waivers:\n  - code: DD003\n    doc: APP-1\n    expires: 2999-12-31\n",
     "designdoc-waivers.yaml:2 DD024 error: waiver without reason: it waives nothing"),
    ("waivers:\n  - code: DD003\n    doc: APP-1\n    reason: r\n    expires: soon\n",
     "designdoc-waivers.yaml:5 DD024 error: waiver expires 'soon' is not a date: it waives nothing"),
    ("waivers: [\n", "designdoc-waivers.yaml:2 DD024 error: waiver file is not valid YAML: *"),
    ("waivers:\n  - code: DD003\n    doc: APP-1\n    reason: r\n    expires: 29991231\n",
     "designdoc-waivers.yaml:5 DD024 error: waiver expires '29991231' is not a date: it waives nothing"),
    ("waivers:\n  - code: DD003\n    doc: APP-1\n    reason: r\n    expires: 2999-W01-1\n",
     "designdoc-waivers.yaml:5 DD024 error: waiver expires '2999-W01-1' is not a date: it waives nothing"),
], ids=["missing file", "no reason", "bad date", "bad yaml", "basic format date", "week date"])
def test_a_bad_waiver_file_is_an_error_on_its_line(waived_project: Project, waivers: str | None,
                                                   expected: str) -> None:
    if waivers is not None:
        waived_project.write("designdoc-waivers.yaml", waivers)
    result = waived_project.pytester.runpytest_subprocess("--designdoc")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*DD003 error: Files to Create entry 'src/later.py' is missing", expected])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_a_waiver_file_outside_rootdir_is_a_usage_error(waived_project: Project) -> None:
    result = waived_project.pytester.runpytest("--designdoc", "-o", "designdoc_baseline=../waivers.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*designdoc_baseline*'../waivers.yaml' is not a path relative to rootdir*"])


def test_lint_applies_the_waivers_too(waived_project: Project) -> None:
    from pytest_designdoc.cli import main

    waived_project.write("designdoc-waivers.yaml", _waivers(_entry("DD003", "2999-12-31", "src/later.py"),
                                                            _entry("DD010", "2999-12-31")))
    import io

    out = io.StringIO()
    assert main(["lint", "--root", str(waived_project.path)], stdout=out) == 0
    assert out.getvalue().splitlines()[-1] == "designdoc lint: 1 doc; 0 errors, 0 warnings, 1 waived"


def _baseline(project: Project, *args: str) -> str:
    import io

    from pytest_designdoc.cli import main

    out = io.StringIO()
    assert main(["baseline", *args, "--root", str(project.path)], stdout=out) == 0
    return out.getvalue()


def test_baseline_round_trip_accepts_today_and_only_ever_shrinks(waived_project: Project) -> None:
    pytester = waived_project.pytester
    assert pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json").ret == 1
    waivers = waived_project.path / "designdoc-waivers.yaml"
    said = _baseline(waived_project, str(waived_project.path / "report.json"), "--reason", "adopting designdoc",
                     "--expires", "2999-06-30", "--owner", "app-team")
    assert said.splitlines() == [f"designdoc baseline: wrote 2 waivers to {waivers} (0 kept, 2 added, 0 removed)",
                                 "designdoc baseline: pytest --designdoc and designdoc lint apply it"]
    written = waivers.read_text(encoding="utf-8")
    assert written.splitlines()[2:] == [
        "waivers:",
        "- code: DD003",
        "  doc: APP-1",
        "  match: src/later.py",
        "  reason: adopting designdoc",
        "  owner: app-team",
        "  expires: '2999-06-30'",
        "- code: DD010",
        "  doc: APP-1",
        "  match: 100% of `src/app.py`",
        "  reason: adopting designdoc",
        "  owner: app-team",
        "  expires: '2999-06-30'",
    ]

    result = pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["designdoc: *; 0 errors, 0 warnings, 2 waived"])

    _baseline(waived_project, str(waived_project.path / "report.json"), "--reason", "again",
              "--expires", "3999-01-01")
    assert waivers.read_text(encoding="utf-8") == written, "re-running never renews or widens a waiver"

    waived_project.write("src/later.py", "")
    result = pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["designdoc-waivers.yaml:4 DD024 warning: stale waiver: DD003 in APP-1 *"])
    said = _baseline(waived_project, str(waived_project.path / "report.json"), "--reason", "r",
                     "--expires", "2999-06-30")
    assert said.splitlines()[0].endswith("(1 kept, 0 added, 1 removed)")
    assert "DD003" not in waivers.read_text(encoding="utf-8")


def test_baseline_from_a_lint_keeps_waivers_a_lint_cannot_judge(waived_project: Project) -> None:
    waived_project.write("designdoc-waivers.yaml", _waivers(_entry("DD010", "2999-12-31")))
    said = _baseline(waived_project, "--reason", "adopting", "--expires", "2999-06-30")
    assert said.splitlines()[0].endswith("(1 kept, 1 added, 0 removed)"), "the DD010 waiver stays: a lint measures nothing"
    assert waived_project.pytester.runpytest_subprocess("--designdoc").ret == 0


def test_the_ratchet_works_in_one_step(waived_project: Project) -> None:
    """Without designdoc_baseline, the file designdoc baseline writes is the one the next run reads."""
    pytester = waived_project.pytester
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ndesigndoc_paths = ["docs/**/*.md"]\npythonpath = ["src"]\n')
    assert pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json").ret == 1
    said = _baseline(waived_project, "report.json", "--reason", "adopting", "--expires", "2999-06-30")
    assert said.splitlines()[1] == ("designdoc baseline: pytest --designdoc and designdoc lint apply it (rootdir's "
                                    "designdoc-waivers.yaml, read when designdoc_baseline is not set)")
    result = pytester.runpytest_subprocess("--designdoc", "-v")
    result.stdout.fnmatch_lines(["designdoc: 1 doc from docs/**/*.md; coverage: *; waivers: designdoc-waivers.yaml",
                                 "designdoc: *; 0 errors, 0 warnings, 2 waived"])
    assert result.ret == 0

    (waived_project.path / "designdoc-waivers.yaml").unlink()
    said = _baseline(waived_project, "report.json", "--reason", "adopting", "--expires", "2999-06-30",
                     "-o", "ci/waivers.yaml")
    pyproject = waived_project.path / "pyproject.toml"
    assert said.splitlines()[1] == (
        "designdoc baseline: pytest --designdoc and designdoc lint read designdoc-waivers.yaml, not this file: add "
        f'designdoc_baseline = "ci/waivers.yaml" to [tool.pytest.ini_options] in {pyproject}')
    assert pytester.runpytest_subprocess("--designdoc").ret == 1
    line = said.splitlines()[1].split(": add ", 1)[1].split(" to [tool.pytest.ini_options] in ")[0]
    pyproject.write_text(pyproject.read_text().replace("[tool.pytest.ini_options]\n",
                                                       f"[tool.pytest.ini_options]\n{line}\n"))
    assert pytester.runpytest_subprocess("--designdoc").ret == 0, "doing what it says is enough"


@pytest.mark.parametrize(("args", "message"), [
    (["--reason", "r", "--expires", "someday"], "--expires 'someday' is not a date (YYYY-MM-DD)"),
    (["--reason", "r", "--expires", "29990331"], "--expires '29990331' is not a date (YYYY-MM-DD)"),
    (["--reason", "r", "--expires", "2999-W01-1"], "--expires '2999-W01-1' is not a date (YYYY-MM-DD)"),
    (["--reason", "r", "--expires", "2001-01-01"], "--expires 2001-01-01 is in the past"),
    (["--reason", "  ", "--expires", "2999-01-01"], "--reason is empty"),
    (["nothing.json", "--reason", "r", "--expires", "2999-01-01"], "cannot read nothing.json"),
])
def test_baseline_refuses_what_would_not_hold(waived_project: Project, args: list[str], message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_designdoc.cli import USAGE_ERROR, main

    assert main(["baseline", *args, "--root", str(waived_project.path)]) == USAGE_ERROR
    assert message in capsys.readouterr().err
    assert not (waived_project.path / "designdoc-waivers.yaml").exists()
