"""--designdoc-select: only the chosen docs are checked, only their tests run, pytest counts the rest."""

from __future__ import annotations

import json

import pytest

from .helpers import Project


def _doc(key: str, test_file: str, source: str, goal: str = "") -> str:
    return f"""
    # {key} - {key.lower()}

    ## Files to Create

    | File Path | Purpose |
    |-----------|---------|
    | `{source}` | code |

    ## Test Strategy

    | Test Type | Files | Coverage Goals |
    |-----------|-------|----------------|
    | Unit | `{test_file}` | {goal or f"100% of `{source}`"} |
    """


def _write_two_docs(project: Project, goal: str = "") -> Project:
    project.write("src/auth.py", "def login():\n    return True\n")
    project.write("src/pay.py", "def charge():\n    return 1\n\ndef refund():\n    return -1\n")
    project.write("tests/test_auth.py", "from auth import login\n\ndef test_login():\n    assert login()\n")
    project.write("tests/test_pay.py", "from pay import charge\n\ndef test_charge():\n    assert charge()\n")
    project.write("tests/test_misc.py", """
        import pytest

        @pytest.mark.designdoc("AUTH-1")
        def test_linked():
            pass

        def test_other():
            pass
        """)
    project.doc("auth.md", _doc("AUTH-1", "tests/test_auth.py", "src/auth.py", goal))
    project.doc("pay.md", _doc("PAY-2", "tests/test_pay.py", "src/pay.py", goal))
    return project


@pytest.fixture
def two_docs(project: Project) -> Project:
    return _write_two_docs(project)


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["in-process", "xdist"])
def test_only_the_selected_docs_are_checked_and_only_their_tests_run(two_docs: Project, workers: list[str]) -> None:
    result = two_docs.pytester.runpytest_subprocess(
        "--designdoc", "--designdoc-select", "AUTH-*", "--designdoc-report", "json:report.json", *workers)
    # pytest-xdist's summary counts no deselected item, ours as little as -k's
    result.assert_outcomes(passed=2, deselected=0 if workers else 2)
    assert result.ret == 0, "PAY-2's failing goal is not checked"
    result.stdout.fnmatch_lines(["designdoc: 1 doc (AUTH-*; 1 not selected), 1 goal: 1 met, *; 0 errors, 0 warnings"])
    data = json.loads((two_docs.path / "report.json").read_text(encoding="utf-8"))
    assert [doc["key"] for doc in data["docs"]] == ["AUTH-1"]
    assert data["selection"] == {"keys": ["AUTH-*"], "not_selected": 1}


def test_selecting_the_other_doc_runs_its_tests_and_fails_its_goal(two_docs: Project) -> None:
    result = two_docs.pytester.runpytest_subprocess("--designdoc", "--designdoc-select", "PAY-2", "-v")
    result.assert_outcomes(passed=1, deselected=3)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["designdoc: 1 doc selected by PAY-2 (1 not selected) from docs/**/*.md; *",
                                 "*collected 4 items / 3 deselected / 1 selected",
                                 "tests/test_pay.py::test_charge PASSED*",
                                 "*DD010 error: 75.00% < 100% (total) of src/pay.py"])


def test_a_key_no_doc_has_is_a_usage_error_listing_the_keys(two_docs: Project) -> None:
    result = two_docs.pytester.runpytest("--designdoc", "--designdoc-select", "AUTH-1", "--designdoc-select", "BILL-*")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--designdoc-select BILL-* matches no design doc key (known keys: AUTH-1, PAY-2)"])


def test_waivers_of_docs_left_out_are_not_stale(two_docs: Project) -> None:
    two_docs.write("designdoc-waivers.yaml", """
        waivers:
          - {code: DD010, doc: PAY-2, reason: refunds untested, expires: 2999-01-01}
        """)
    result = two_docs.pytester.runpytest_subprocess("--designdoc", "--designdoc-select", "AUTH-1",
                                                    "-o", "designdoc_baseline=designdoc-waivers.yaml")
    assert result.ret == 0
    assert "stale waiver" not in result.stdout.str()
    result = two_docs.pytester.runpytest_subprocess("--designdoc", "-o", "designdoc_baseline=designdoc-waivers.yaml")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["designdoc: 2 docs, *; 0 errors, 0 warnings, 1 waived"])


def test_selection_deselects_in_process_and_the_terminal_counts_it(project: Project) -> None:
    result = _write_two_docs(project, "edge cases").pytester.runpytest("--designdoc", "--designdoc-select", "AUTH-1")
    result.assert_outcomes(passed=2, deselected=2)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["designdoc: 1 doc (AUTH-1; 1 not selected), 1 goal: 0 met, 0 failed, 1 manual, *"])


@pytest.mark.parametrize("key", ["", " "])
def test_an_empty_select_is_a_usage_error_not_every_doc(two_docs: Project, key: str) -> None:
    result = two_docs.pytester.runpytest("--designdoc", "--designdoc-select", key)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--designdoc-select: give a doc key or a glob of keys (an empty one would select "
                                 "every doc, silently)"])


LOGIN_DOC = """
# APP-1 - The app

## Files to Create

| File Path | Purpose |
|-----------|---------|
| `src/app.py` | login |

## Test Strategy

| Test Type | Files | Coverage Goals |
|-----------|-------|----------------|
| Unit | `tests/test_app.py` | `login()` |
| Unit | `tests/test_other.py` | edge cases |
"""

BROKEN_THEN_FIXED = """
import os

from app import login


def test_login():
    assert login()


def test_flaky():
    assert os.environ.get("FIXED") == "1"
"""


@pytest.fixture
def fixed_after_a_failure(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A run in which tests/test_app.py::test_flaky failed; it is fixed now (FIXED=1). Only test_login runs login()."""
    project.write("src/app.py", "def login():\n    return True\n")
    project.write("tests/test_app.py", BROKEN_THEN_FIXED)
    project.write("tests/test_other.py", "def test_other():\n    pass\n")
    project.doc("app.md", LOGIN_DOC)
    first = project.pytester.runpytest_subprocess("--designdoc")
    first.assert_outcomes(passed=2, failed=1)
    monkeypatch.setenv("FIXED", "1")
    return project


@pytest.mark.parametrize(("option", "passed"), [("--lf", 1), ("--last-failed", 1), ("--sw", 2)])
@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["in-process", "xdist"])
def test_a_row_whose_tests_last_failed_left_out_is_not_run(fixed_after_a_failure: Project, option: str, passed: int,
                                                           workers: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    if option == "--sw":
        if workers:
            pytest.skip("--sw runs in one process only")
        monkeypatch.delenv("FIXED")
        fixed_after_a_failure.pytester.runpytest_subprocess("--designdoc", "--sw").assert_outcomes(passed=1, failed=1)
        monkeypatch.setenv("FIXED", "1")
    result = fixed_after_a_failure.pytester.runpytest_subprocess("--designdoc", option, *workers)
    result.assert_outcomes(passed=passed)
    assert result.ret == 0, "no false red: test_login, which runs login(), was left out"
    assert "DD012" not in result.stdout.str()
    result.stdout.fnmatch_lines([
        f"*app.md:13 DD014 warning: row not run in this session: tests/test_app.py partly selected ({option})",
        "designdoc: 1 doc, 2 goals: 0 met, 0 failed, 1 manual, 1 not run; 0 errors, 1 warning",
    ])


@pytest.mark.parametrize("option", ["--ff", "--failed-first", "--nf", "--new-first"])
def test_a_row_that_ff_or_nf_only_reorder_stays_decided(fixed_after_a_failure: Project, option: str) -> None:
    result = fixed_after_a_failure.pytester.runpytest_subprocess("--designdoc", option)
    result.assert_outcomes(passed=3)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["designdoc: 1 doc, 2 goals: 1 met, 0 failed, 1 manual, 0 not run; 0 errors, "
                                 "0 warnings"])


def test_lf_without_a_recorded_failure_runs_everything_and_decides(fixed_after_a_failure: Project) -> None:
    assert fixed_after_a_failure.pytester.runpytest_subprocess("--designdoc").ret == 0  # no failure recorded now
    result = fixed_after_a_failure.pytester.runpytest_subprocess("--designdoc", "--lf")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["designdoc: 1 doc, 2 goals: 1 met, 0 failed, 1 manual, 0 not run; 0 errors, "
                                 "0 warnings"])
