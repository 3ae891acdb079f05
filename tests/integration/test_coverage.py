"""Coverage goals in real pytest sessions (subprocess: coverage traces the whole process).

The figures are checked against coverage.py itself: a pytest-cov
``--cov-context=test`` run of the same tests, reported with
``coverage json --contexts`` narrowed to the row's contexts.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Callable

import pytest

from .helpers import Project, coverage_json, row_alone

pytest.importorskip("pytest_cov")

CALC = '''
def add(a, b):
    return a + b


def _scale(factor):
    return factor * 2


SCALE = _scale(1)  # runs _scale() when calc is first imported, whichever test file imports it


def divide(a, b):
    if b == 0:  # pragma: no cover
        raise ZeroDivisionError("b")
    if a < 0:
        a = -a
    return a / b


class Stack:
    """A stack."""

    def __init__(self):
        self.items = []

    def push(self, item):
        self.items.append(item)

    @property
    def top(self):
        return self.items[-1]

    class Frame:
        def depth(self):
            return 1

    async def drain(self):
        while self.items:
            self.items.pop()


def debug_only():
    raise AssertionError("never run")
'''

OTHER = '''
def helper(flag):
    if flag:
        return 1
    return 2
'''

TEST_ADD = '''
import pytest
from calc import Stack, add, divide
from other import helper


@pytest.mark.parametrize("half", [divide(8, 2)])  # runs divide() while this file is collected
def test_add(half):
    assert add(1, 2) == 3
    assert helper(True) == 1


def test_stack():
    stack = Stack()
    stack.push(1)
    assert stack.top == 1
'''

TEST_DIVIDE = '''
from calc import divide
from other import helper

FALLBACK = helper(False)  # module-level code: runs while this file is collected


def test_divide():
    assert divide(4, 2) == 2
'''

DOC = """
# CALC-1 - Calculator

## Files to Create

| File Path | Purpose |
|-----------|---------|
| `src/calc.py` | arithmetic |
| `src/other.py` | helpers |

## Test Strategy

| Test Type | Files | Coverage Goals |
|-----------|-------|----------------|
| Unit | `tests/test_add.py` | {add_goals} |
| Unit | `tests/test_divide.py` | {divide_goals} |
"""


def calculator(project: Project, add_goals: str = "50% of `calc.py`", divide_goals: str = "`divide()`") -> None:
    project.write("pyproject.toml", """
        [tool.pytest.ini_options]
        designdoc_paths = ["docs/**/*.md"]
        pythonpath = ["src"]
        filterwarnings = ["error"]
        addopts = ["--strict-markers"]

        [tool.coverage.run]
        branch = true
        source = ["src"]
        omit = ["src/omitted.py"]

        [tool.coverage.report]
        exclude_also = ["raise AssertionError"]
    """)
    project.write("src/calc.py", CALC)
    project.write("src/other.py", OTHER)
    project.write("tests/test_add.py", TEST_ADD)
    project.write("tests/test_divide.py", TEST_DIVIDE)
    project.doc("calc.md", DOC.format(add_goals=add_goals, divide_goals=divide_goals))


def report_goals(project: Project, validate_report: Callable[[Any], Any], name: str = "report.json") -> list[dict[str, Any]]:
    data = validate_report(project.path / name)
    return [goal for doc in data["docs"] for row in doc["rows"] for goal in row["goals"]]


GOALS = "100% line coverage of `calc.py`; 10% of `other.py`; 10% branches of `calc.py`; `Stack`; `Stack.top` 100%"
DIVIDE_GOALS = "10% of `calc.py`; 50% of `other.py`; 10% of the public API of `calc.py`"
ZERO = {"summary": {"percent_covered": 0.0}}


def measured(goals: list[dict[str, Any]]) -> list[float]:
    return [goal["actual"] for goal in goals if goal["kind"] == "percent" or goal.get("public")]


_REFERENCE: list[float] = []


@pytest.fixture
def reference(project: Project) -> list[float]:
    """Each row's figures as coverage.py reports them for that row's tests alone (computed once a process:
    every mode runs the same project)."""
    calculator(project, GOALS, DIVIDE_GOALS)
    if not _REFERENCE:
        _REFERENCE.extend(_row_figures(project))
    return list(_REFERENCE)


def _row_figures(project: Project) -> list[float]:
    add = row_alone(project, "tests/test_add.py")
    divide = row_alone(project, "tests/test_divide.py")
    return [
        percent(add["src/calc.py"], "line"),
        add["src/other.py"]["summary"]["percent_covered"],
        percent(add["src/calc.py"], "branch"),
        divide["src/calc.py"]["summary"]["percent_covered"],
        divide.get("src/other.py", ZERO)["summary"]["percent_covered"],
        public_api(divide["src/calc.py"]),
    ]


def public_api(file_report: dict[str, Any]) -> float:
    """coverage.py's total percentage (statements and branches) over the bodies of the public functions and
    methods, from its JSON function regions (names with no part starting with '_': dunders and private
    helpers left out)."""
    from coverage.results import Numbers

    total = Numbers()
    for name, region in file_report["functions"].items():
        if name and not any(part.startswith("_") for part in name.split(".")):
            summary = region["summary"]
            total += Numbers(n_statements=summary["num_statements"], n_missing=summary["missing_lines"],
                             n_branches=summary.get("num_branches", 0),
                             n_missing_branches=summary.get("missing_branches", 0))
    return total.pc_covered


def percent(file_report: dict[str, Any], metric: str) -> float:
    """coverage.py's statement or branch percentage from its JSON counts (older versions print only the total)."""
    from coverage.results import Numbers

    summary = file_report["summary"]
    if metric == "line":
        return Numbers(n_statements=summary["num_statements"], n_missing=summary["missing_lines"]).pc_covered
    return Numbers(n_branches=summary["num_branches"], n_missing_branches=summary["missing_branches"]).pc_covered


def old_unrelated_data(project: Project) -> None:
    """A .coverage from an earlier run that executed what no row's tests execute."""
    project.write("old_run.py", """
        import sys
        sys.path.insert(0, "src")
        import calc, other
        calc.divide(-4, 2)
        other.helper(False)
        try:
            calc.debug_only()
        except AssertionError:
            pass
    """)
    result = project.pytester.run(sys.executable, "-m", "coverage", "run", "old_run.py")
    assert result.ret == 0, result.stderr.str()


PYTEST = ["pytest"]
COVERAGE_RUN = ["coverage", "run", "-m", "pytest"]
MODES = {
    "alone": (PYTEST, []),
    "pytest-cov": (PYTEST, ["--cov=src", "--cov-report="]),
    "bare --cov with configured source": (PYTEST, ["--cov", "--cov-report="]),
    "pytest-cov per-test contexts": (PYTEST, ["--cov", "--cov-context=test", "--cov-report="]),
    "pytest-cov disabled": (PYTEST, ["--cov=src", "--no-cov"]),
    "--cov-append after unrelated old data": (PYTEST, ["--cov", "--cov-append", "--cov-report="]),
    "xdist": (PYTEST, ["-n", "2"]),
    "xdist and bare --cov": (PYTEST, ["-n", "2", "--cov", "--cov-report="]),
    "xdist and per-test contexts": (PYTEST, ["-n", "2", "--cov=src", "--cov-context=test", "--cov-report="]),
    "-n 0 --dist load": (PYTEST, ["-n", "0", "--dist", "load"]),
    "-n 0 --dist load and --cov": (PYTEST, ["-n", "0", "--dist", "load", "--cov", "--cov-report="]),
    "coverage run": (COVERAGE_RUN, []),
    "coverage run and xdist": (COVERAGE_RUN, ["-n", "2"]),
    "row scope given explicitly": (PYTEST, ["--designdoc-coverage-scope", "row"]),
}


@pytest.mark.parametrize(("command", "args"), list(MODES.values()), ids=list(MODES))
def test_row_figures_are_coverage_pys_for_the_rows_tests_in_every_mode(
    project: Project, reference: list[float], validate_report: Callable[[Any], Any], command: list[str],
    args: list[str],
) -> None:
    if "-n" in args:
        pytest.importorskip("xdist")
    if "--cov-append" in args:
        old_unrelated_data(project)
        before = coverage_json(project, ".*")["files"]["src/calc.py"]["executed_lines"]
    result = project.pytester.run(sys.executable, "-m", *command, "--designdoc",
                                  "--designdoc-report", "json:report.json", *args)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    goals = report_goals(project, validate_report)
    assert measured(goals) == pytest.approx(reference, abs=1e-9)
    uses_pytest_cov = any(a.startswith("--cov") for a in args) and "--no-cov" not in args
    source = "pytest-cov" if uses_pytest_cov else "coverage run" if command == COVERAGE_RUN and "-n" not in args \
        else "alone"
    assert validate_report(project.path / "report.json")["coverage"] == {"source": source, "scope": "row"}
    percent = [goal for goal in goals if goal["kind"] == "percent"]
    assert [g["status"] for g in percent] == ["met" if g["actual"] >= g["required"] else "failed" for g in percent]
    assert [goal["status"] for goal in goals if goal["kind"] == "symbol" and not goal.get("public")] == [
        "failed", "met"]
    result.stdout.fnmatch_lines([
        "  docs/design/calc.md:14 DD010 error: 83.33% < 100% (line) of src/calc.py",
        "      hint: measured over the row's tests; missing: src/calc.py: 16, 35, 38-39",
    ])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert "Traceback" not in result.stderr.str(), "nothing left open or unraisable (Python 3.13 warns of both)"
    if "--cov-append" in args:
        after = coverage_json(project, ".*")["files"]["src/calc.py"]["executed_lines"]
        assert set(before) <= set(after), "the user's data file keeps the earlier run's data"
    elif uses_pytest_cov or command == COVERAGE_RUN:
        assert (project.path / ".coverage").exists()
    else:
        assert not list(project.path.glob(".coverage*")), "the plugin alone leaves no data file"


def test_coverage_run_append_cannot_tell_old_data_apart_and_says_so(project: Project) -> None:
    calculator(project, "`divide()`", "`helper()`")
    old_unrelated_data(project)
    result = project.pytester.run(sys.executable, "-m", "coverage", "run", "-a", "-m", "pytest", "--designdoc")
    result.stdout.fnmatch_lines([
        "*:14 DD013 error: goal '`divide()`' cannot be measured: the coverage data holds what an earlier run "
        "recorded in 'src/calc.py' (coverage run -a)*",
        "      hint: run coverage without -a (merge runs afterwards with coverage combine), "
        "or use pytest --cov --cov-append",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.parametrize("args", [[], ["--cov", "--cov-report="], ["-n", "2"], ["-n", "2", "--cov", "--cov-report="]],
                         ids=["alone", "pytest-cov", "xdist", "xdist and pytest-cov"])
def test_a_test_that_stops_coverage_is_an_error_not_a_crash(
    project: Project, validate_report: Callable[[Any], Any], args: list[str]
) -> None:
    calculator(project, "`add()`", "`divide()`")
    project.write("tests/test_add.py", """
        import coverage
        from calc import add


        def test_add():
            assert add(1, 2) == 3


        def test_stops_coverage():
            coverage.Coverage.current().stop()
    """)
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json",
                                                   "-p", "no:randomly", *args)
    result.stdout.fnmatch_lines([
        "*calc.md:1 DD013 error: coverage goals could not be measured: coverage stopped recording during the run*",
        "      hint: do not stop coverage inside tests (mock it)*",
    ])
    assert "INTERNALERROR" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert {g["status"] for g in report_goals(project, validate_report)} == {"unmeasurable"}


def test_a_command_line_selection_leaves_rows_not_run_and_the_configured_one_does_not(
    project: Project, validate_report: Callable[[Any], Any]
) -> None:
    calculator(project, "90% of `calc.py`", "`divide()`")
    partial = project.pytester.runpytest_subprocess("--designdoc", "-k", "test_stack or test_divide",
                                                    "--designdoc-report", "json:report.json")
    partial.stdout.fnmatch_lines([
        "*calc.md:14 DD014 warning: row not run in this session: tests/test_add.py partly selected (-k)",
    ])
    assert partial.ret == pytest.ExitCode.OK, "a subset never fails a row"
    assert [g["status"] for g in report_goals(project, validate_report)] == ["not_run", "met"]
    nodeid = project.pytester.runpytest_subprocess("--designdoc", "tests/test_add.py::test_stack",
                                                   "tests/test_divide.py")
    nodeid.stdout.fnmatch_lines(["*DD014 warning: row not run in this session: tests/test_add.py partly selected "
                                 "(node ids on the command line)"])

    project.write("pyproject.toml", (project.path / "pyproject.toml").read_text().replace(
        'addopts = ["--strict-markers"]', 'addopts = ["--strict-markers", "-m", "not slow"]\nmarkers = ["slow"]'))
    project.write("tests/test_divide.py", TEST_DIVIDE + "\n\n@pytest.mark.slow\ndef test_slow():\n    pass\n")
    project.write("tests/test_divide.py", "import pytest\n" + (project.path / "tests/test_divide.py").read_text())
    configured = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    assert "DD014" not in configured.stdout.str()
    assert [g["status"] for g in report_goals(project, validate_report)] == ["failed", "met"]


def test_drafts_are_measured_and_their_shortfalls_warn(project: Project, validate_report: Callable[[Any], Any]) -> None:
    calculator(project, "100% of `calc.py`", "`helper()`")
    doc = project.path / "docs/design/calc.md"
    doc.write_text("---\nstatus: draft\n---\n" + doc.read_text())
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    result.stdout.fnmatch_lines(["*calc.md:17 DD010 warning: *% < 100% (total) of src/calc.py"])
    assert result.ret == pytest.ExitCode.OK
    assert [g["status"] for g in report_goals(project, validate_report)] == ["failed", "met"]


def test_a_never_imported_target_inside_the_measured_source_is_zero_percent(
    project: Project, validate_report: Callable[[Any], Any]
) -> None:
    calculator(project, "50% of `src/unused.py`", "`divide()`")
    project.write("src/unused.py", "def unused():\n    return 1\n")
    for args in ([], ["--cov", "--cov-report="]):
        result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json", *args)
        result.stdout.fnmatch_lines(["*calc.md:14 DD010 error: 0.00% < 50% (total) of src/unused.py"])
        assert report_goals(project, validate_report)[0]["actual"] == 0.0


def test_pytest_cov_reports_and_fail_under_are_unchanged(project: Project) -> None:
    calculator(project)
    args = ["--cov=src", "--cov-branch", "--cov-report=term", "--cov-fail-under=99"]
    plain = project.pytester.runpytest_subprocess(*args)
    with_designdoc = project.pytester.runpytest_subprocess("--designdoc", *args)

    def cov_lines(result: pytest.RunResult) -> list[str]:
        lines = result.stdout.lines
        start = next(i for i, line in enumerate(lines) if "coverage:" in line)
        end = next(i for i, line in enumerate(lines) if "Required test coverage" in line)
        return lines[start:end + 1]

    assert cov_lines(with_designdoc) == cov_lines(plain)
    assert plain.ret == with_designdoc.ret == pytest.ExitCode.TESTS_FAILED


def test_row_scope_counts_only_the_rows_tests_and_suite_scope_counts_all(
    project: Project, validate_report: Callable[[Any], Any]
) -> None:
    calculator(project, "`helper()`", "`Stack.push`; 100% of `other.py`")
    row = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    assert row.ret == pytest.ExitCode.TESTS_FAILED
    assert [g["status"] for g in report_goals(project, validate_report)] == ["met", "failed", "failed"]
    row.stdout.fnmatch_lines([
        "  docs/design/calc.md:15 DD010 error: 66.66% < 100% (total) of src/other.py",
        "  docs/design/calc.md:15 DD012 error: 'Stack.push' at src/calc.py:26-27 not executed by the row's tests",
        "      hint: write a test in this row that calls it, or link one with @pytest.mark.designdoc('CALC-1')",
    ])
    suite = project.pytester.runpytest_subprocess(
        "--designdoc", "--designdoc-coverage-scope", "suite", "--designdoc-report", "json:report.json"
    )
    assert [g["status"] for g in report_goals(project, validate_report)] == ["met", "met", "met"]
    assert suite.ret == pytest.ExitCode.OK


@pytest.mark.parametrize("args", [[], ["--cov=src", "--cov-context=test", "--cov-report="]], ids=["alone", "per-test"])
def test_marked_tests_count_for_every_row_of_their_doc(
    project: Project, validate_report: Callable[[Any], Any], args: list[str]
) -> None:
    calculator(project, "`divide()`", "`add()`")
    project.write("tests/test_linked.py", """
        import pytest
        from calc import add, divide


        @pytest.mark.designdoc("CALC-1")
        def test_both():
            assert add(divide(2, 1), 1) == 3.0


        def test_unlinked():
            assert divide(-2, 1) == 2.0
    """)
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json", *args)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert [g["status"] for g in report_goals(project, validate_report)] == ["met", "met"]


@pytest.mark.parametrize(
    ("goal", "status", "line"),
    [
        ("`Stack.Frame.depth`", "failed",
         "*DD012 error: 'Stack.Frame.depth' at src/calc.py:34-35 not executed by the row's tests"),
        ("`Stack`", "failed",
         "*DD012 error: methods of 'Stack' (Stack.drain) at src/calc.py:20-39 not executed by the row's tests"),
        ("`src/calc.py::Stack.push`", "met", "*0 errors*"),
        ("`calc:add` 100%", "met", "*0 errors*"),
        ("`Stack.pop`", "failed", "*DD011 error: symbol 'Stack.pop' not found in src/calc.py, src/other.py"),
        ("`debug_only()`", "met", "*0 errors*"),
        ("90% of `README.txt`", "unmeasurable", "*DD013 error: goal target 'README.txt' is not a file in the project"),
        ("each file ≥ 60%", "failed", "*DD010 error: 16.66% < 60% (total) of src/other.py"),
        ("90% of `src/omitted.py`", "unmeasurable",
         "*DD013 error: goal '90% of `src/omitted.py`' cannot be measured: 'src/omitted.py' is omitted by the coverage*"),
    ],
)
def test_symbol_and_percent_goal_forms(
    project: Project, validate_report: Callable[[Any], Any], goal: str, status: str, line: str
) -> None:
    calculator(project, "`add()`", "`divide()`")
    project.write("tests/test_add.py", TEST_ADD.replace("assert helper(True) == 1", "pass"))
    project.write("src/omitted.py", "X = 1\n")
    project.doc("more.md", f"# M-1 - More\n\n## Files to Modify\n\n| File |\n|--|\n| `src/calc.py` |\n| `src/other.py` |\n\n"
                f"## Test Strategy\n\n| Type | Files | Coverage Goals |\n|--|--|--|\n| Unit | `tests/test_add.py` | {goal} |\n")
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    result.stdout.fnmatch_lines([line])
    more = [d for d in validate_report(project.path / "report.json")["docs"] if d["key"] == "M-1"]
    assert more[0]["rows"][0]["goals"][0]["status"] == status


def test_rows_not_selected_are_not_run_and_nothing_is_measured_without_goals(
    project: Project, validate_report: Callable[[Any], Any]
) -> None:
    calculator(project, "100% of `calc.py`", "100% of `calc.py`")
    result = project.pytester.runpytest_subprocess("--designdoc", "tests/test_divide.py", "-v")
    result.stdout.fnmatch_lines([
        "designdoc: 1 doc from docs/**/*.md; coverage: alone, row scope",
        "*DD014 warning: row not run in this session: tests/test_add.py not selected",
        "*1 failed, 0 manual, 1 not run*",
    ])
    collect = project.pytester.runpytest_subprocess("--designdoc", "--collect-only")
    collect.stdout.fnmatch_lines(["*2 not run*(coverage is not measured with --collect-only)"])
    project.doc("calc.md", "# CALC-1 - C\n\n## Tests\n\n| Type | Files | Goals |\n|--|--|--|\n| U | `tests/test_add.py` | prose |\n")
    unmeasured = project.pytester.runpytest_subprocess("--designdoc", "-v")
    assert "coverage:" not in unmeasured.stdout.str()


def test_a_crashed_xdist_worker_is_reported_not_guessed(project: Project) -> None:
    pytest.importorskip("xdist")
    calculator(project, "`add()`", "`divide()`")
    project.write("tests/test_crash.py", "import os\n\ndef test_crash():\n    os._exit(3)\n")
    result = project.pytester.runpytest_subprocess("--designdoc", "-n", "2")
    result.stdout.fnmatch_lines([
        "*DD013 error: coverage goals could not be measured: xdist worker gw* went down, and its coverage data with it",
        "*0 met, 0 failed, 0 manual, 0 not run, 2 unmeasurable*",
    ])
    assert "INTERNALERROR" not in result.stdout.str()


def test_no_cover_tests_count_for_nothing_and_the_users_data_file_is_untouched(project: Project) -> None:
    calculator(project, "`add()`", "`Stack.push`")
    project.write("tests/test_divide.py", TEST_DIVIDE + """
import pytest
from calc import Stack


@pytest.mark.no_cover
def test_unmeasured():
    Stack().push(1)
""")
    with_cov = project.pytester.runpytest_subprocess("--designdoc", "--cov=src", "--cov-report=")
    with_cov.stdout.fnmatch_lines(["*DD012 error: 'Stack.push' at src/calc.py:26-27 not executed by the row's tests"])
    assert with_cov.ret == pytest.ExitCode.TESTS_FAILED

    (project.path / ".coverage").write_bytes(b"the user's own data")
    alone = project.pytester.runpytest_subprocess("--designdoc")
    alone.stdout.fnmatch_lines(["*2 met*; 0 errors*"])
    assert (project.path / ".coverage").read_bytes() == b"the user's own data"
    assert sorted(p.name for p in project.path.glob(".coverage*")) == [".coverage"]


def test_a_target_imported_before_coverage_started_is_a_warning(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    calculator(project, "10% of `other.py`", "`divide()`")
    monkeypatch.setenv("PYTHONPATH", str(project.path / "src"))
    result = project.pytester.runpytest_subprocess("--designdoc", "-p", "other")
    result.stdout.fnmatch_lines([
        "*:14 DD013 warning: 'src/other.py' was imported before coverage started, so its import-time lines "
        "count as missed (as with pytest --cov)",
    ])
    assert result.ret == pytest.ExitCode.OK


def test_a_target_outside_pytest_covs_source_is_an_unmeasurable_error(
    project: Project, validate_report: Callable[[Any], Any]
) -> None:
    calculator(project, "`add()`; 50% of `calc.py`", "`divide()`")
    result = project.pytester.runpytest_subprocess(
        "--designdoc", "--cov=tests", "--cov-report=", "--designdoc-report", "json:report.json")
    result.stdout.fnmatch_lines([
        "*DD013 error: goal '50% of `calc.py`' cannot be measured: 'src/calc.py' is outside what this run's "
        "coverage measures*",
        "      hint: widen --cov / [run] source to include it",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert {g["status"] for g in report_goals(project, validate_report)} == {"unmeasurable"}


SYSMON_ADD_GOALS = "100% line coverage of `calc.py`; 10% of `other.py`; `Stack`; `Stack.top` 100%"
SYSMON_DIVIDE_GOALS = "10% of `calc.py`; 50% of `other.py`"
_SYSMON_TRUTH: dict[bool, list[float]] = {}


def _sysmon_truth(project: Project, branch: bool) -> list[float]:
    """coverage.py's own figures for the rows (each test file alone, per-test contexts, the ctrace core)."""
    if branch not in _SYSMON_TRUTH:
        add = row_alone(project, "tests/test_add.py")
        divide = row_alone(project, "tests/test_divide.py")
        _SYSMON_TRUTH[branch] = [
            percent(add["src/calc.py"], "line"),
            add["src/other.py"]["summary"]["percent_covered"],
            divide["src/calc.py"]["summary"]["percent_covered"],
            divide.get("src/other.py", ZERO)["summary"]["percent_covered"],
        ]
    return _SYSMON_TRUTH[branch]


@pytest.mark.parametrize("branch", [True, False], ids=["branch", "lines"])
@pytest.mark.parametrize("choice", ["COVERAGE_CORE=sysmon", "[run] core = sysmon"])
@pytest.mark.parametrize(("command", "args"), [MODES["alone"], MODES["pytest-cov"], MODES["coverage run"],
                                               MODES["xdist"], MODES["xdist and bare --cov"]],
                         ids=["alone", "pytest-cov", "coverage run", "xdist", "xdist and pytest-cov"])
def test_a_sysmon_choice_is_exact_where_coverage_falls_back_and_an_error_where_it_measures(
    project: Project, validate_report: Callable[[Any], Any], monkeypatch: pytest.MonkeyPatch, command: list[str],
    args: list[str], choice: str, branch: bool,
) -> None:
    """The user's sysmon is used when coverage.py can: it records each line once per process, so row scope is
    an error naming the remedy. Where coverage.py cannot (no sys.monitoring before 3.12, branches before 3.14)
    it falls back to ctrace itself, and the figures are coverage.py's own. Never a figure from sysmon."""
    import coverage
    import coverage.env

    if choice.startswith("[run]") and "core" not in coverage.Coverage(data_file=None).config.__dict__:
        pytest.skip(f"coverage {coverage.__version__} has no [run] core option")
    calculator(project, SYSMON_ADD_GOALS, SYSMON_DIVIDE_GOALS)
    config = project.path / "pyproject.toml"
    config.write_text(config.read_text().replace("branch = true\n", f"branch = {str(branch).lower()}\n"))
    truth = _sysmon_truth(project, branch)
    chosen = 'core = "sysmon"\n' if choice.startswith("[run]") else ""
    # coverage.py warns where it falls back, and the project turns warnings into errors: as a user would, quiet it.
    config.write_text(config.read_text().replace("source = [", f'{chosen}disable_warnings = ["no-sysmon"]\nsource = ['))
    if not chosen:
        monkeypatch.setenv("COVERAGE_CORE", "sysmon")
    result = project.pytester.run(sys.executable, "-m", *command, "--designdoc",
                                  "--designdoc-report", "json:report.json", *args)
    goals = report_goals(project, validate_report)
    behaviour = coverage.env.PYBEHAVIOR
    if behaviour.pep669 and (not branch or getattr(behaviour, "branch_right_left", False)):
        result.stdout.fnmatch_lines([
            "*calc.md:1 DD013 error: coverage goals could not be measured: coverage.py measures this run with the "
            "sysmon core*row-scoped figures are impossible*",
            "      hint: use the ctrace core (COVERAGE_CORE=ctrace, or [run] core = \"ctrace\"), or "
            "designdoc_coverage_scope = suite for whole-suite figures",
        ])
        assert {goal["status"] for goal in goals if goal["kind"] != "manual"} == {"unmeasurable"}
    else:
        assert measured(goals) == pytest.approx(truth, abs=1e-9)
        assert [goal["status"] for goal in goals if goal["kind"] == "symbol"] == ["failed", "met"]
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_a_marker_key_with_a_comma_credits_nothing(project: Project, validate_report: Callable[[Any], Any]) -> None:
    calculator(project, "`Stack.Frame.depth`", "`divide()`")
    project.write("tests/test_linked.py", """
        import pytest
        from calc import Stack


        @pytest.mark.designdoc("CALC-1,OTHER-2")
        def test_depth():
            assert Stack.Frame().depth() == 1
    """)
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    result.stdout.fnmatch_lines([
        "*DD012 error: 'Stack.Frame.depth' at src/calc.py:34-35 not executed by the row's tests",
        "tests/test_linked.py:5 DD031 error: marker designdoc('CALC-1,OTHER-2') is not one key: it credits nothing",
    ])
    assert [g["status"] for g in report_goals(project, validate_report)] == ["failed", "met"]


def test_code_the_doc_does_not_list_is_measured_where_python_finds_it(
    project: Project, validate_report: Callable[[Any], Any]
) -> None:
    project.write("src/shop/__init__.py", "")
    project.write("src/shop/cart.py", "def total(prices):\n    return sum(prices)\n")
    project.write("src/shop/pricing.py", "def discount(price):\n    return price * 0.9\n\n\ndef unused():\n    return 0\n")
    project.write("tests/test_cart.py", "from shop.cart import total\nfrom shop.pricing import discount\n\n\n"
                  "def test_total():\n    assert total([discount(10)]) == 9\n")
    project.doc("shop.md", "# SHOP-1 - Shop\n\n## Files to Modify\n\n| File |\n|--|\n| `src/shop/cart.py` |\n\n"
                "## Test Strategy\n\n| Type | Files | Coverage Goals |\n|--|--|--|\n"
                "| Unit | `tests/test_cart.py` | shop.pricing.discount; `shop.pricing:unused`; 100% of pricing.py |\n")
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    result.stdout.fnmatch_lines([
        "*shop.md:13 DD010 error: 75.00% < 100% (total) of src/shop/pricing.py",
        "*hint: measured over the row's tests; missing: src/shop/pricing.py: 6",
        "*shop.md:13 DD012 error: 'unused' at src/shop/pricing.py:5-6 not executed by the row's tests",
    ])
    goals = report_goals(project, validate_report)
    assert [(goal["status"], goal.get("file") or goal["files"]) for goal in goals] == [
        ("met", "src/shop/pricing.py"), ("failed", "src/shop/pricing.py"), ("failed", ["src/shop/pricing.py"])]


@pytest.mark.parametrize("args", [[], ["--cov", "--cov-report="], ["-n", "2"]], ids=["alone", "cov", "xdist"])
def test_a_package_or_directory_goal_is_coverage_pys_total_of_its_files(
    project: Project, validate_report: Callable[[Any], Any], args: list[str]
) -> None:
    from coverage.results import Numbers

    project.write("pyproject.toml", """
        [tool.pytest.ini_options]
        designdoc_paths = ["docs/**/*.md"]
        pythonpath = ["src"]

        [tool.coverage.run]
        source = ["src/shop"]
        """)
    project.write("src/shop/__init__.py", "from .cart import total\n")
    project.write("src/shop/cart.py", "def total(prices):\n    return sum(prices)\n\n\ndef empty():\n    return 0\n")
    project.write("src/shop/pricing.py", "def discount(price):\n    return price * 0.9\n")
    project.write("tests/test_cart.py", "from shop import total\n\n\ndef test_total():\n    assert total([9]) == 9\n")
    project.write("tests/test_pricing.py", "from shop.pricing import discount\n\n\ndef test_discount():\n"
                  "    assert discount(10) == 9\n")
    project.doc("shop.md", "# SHOP-1 - Shop\n\n## Test Strategy\n\n| Type | Files | Coverage Goals |\n|--|--|--|\n"
                "| Unit | `tests/test_cart.py` | `shop` 90% |\n| Unit | `tests/test_cart.py` | 90% of `src/shop/` |\n")
    truth = row_alone(project, "tests/test_cart.py")
    package = ("src/shop/__init__.py", "src/shop/cart.py", "src/shop/pricing.py")
    total = Numbers(n_statements=sum(truth[path]["summary"]["num_statements"] for path in package),
                    n_missing=sum(truth[path]["summary"]["missing_lines"] for path in package))
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json", *args)
    goals = report_goals(project, validate_report)
    assert [(goal["status"], goal["files"]) for goal in goals] == [("failed", list(package))] * 2
    assert [goal["actual"] for goal in goals] == [pytest.approx(total.pc_covered, abs=1e-9)] * 2
    assert total.pc_covered == pytest.approx(4 / 7 * 100), "the row's tests never import pricing.py: none of it counts"
    result.stdout.fnmatch_lines(["*shop.md:7 DD010 error: 57.14% < 90% (total) of src/shop/__init__.py, "
                                 "src/shop/cart.py, src/shop/pricing.py"])


API = '''
def total(prices):
    return sum(prices)


def discount(price, rate):
    if rate > 1:
        raise ValueError(rate)
    return price * (1 - rate)


def _round(value):
    return round(value, 2)


class Cart:
    def add(self, price):
        self.price = price

    def clear(self):
        self.price = 0

    def _audit(self):
        return self.price
'''


@pytest.mark.parametrize("mode", ["alone", "cov", "xdist"])
def test_public_api_goals_count_the_public_functions_and_methods(
    project: Project, validate_report: Callable[[Any], Any], mode: str
) -> None:
    project.write("src/shop.py", API)
    project.write("tests/test_shop.py", "from shop import Cart, discount, total\n\n\n"
                  "def test_shop():\n    assert total([discount(10, 0.5)]) == 5\n    Cart().add(1)\n")
    project.doc("shop.md", "# SHOP-2 - Shop\n\n## Files to Create\n\n| File |\n|--|\n| `src/shop.py` |\n\n"
                "## Test Strategy\n\n| Type | Files | Coverage Goals |\n|--|--|--|\n"
                "| Unit | `tests/test_shop.py` | all public functions of shop.py covered; 100% of public API; "
                "public methods of Cart executed; 50% of the public API |\n")
    options = {"alone": [], "cov": ["--cov=src"], "xdist": ["-n", "2"]}[mode]
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json", *options)
    result.stdout.fnmatch_lines([
        "*shop.md:13 DD010 error: public API: 66.66% < 100% (total) of src/shop.py",
        "*hint: measured over the row's tests; missing: 7, 20",
        "*shop.md:13 DD012 error: public functions and methods of src/shop.py not executed by the row's tests: "
        "Cart.clear",
        "*shop.md:13 DD012 error: public methods of 'Cart' (Cart.clear) at src/shop.py:15-23 not executed by "
        "the row's tests",
    ])
    goals = report_goals(project, validate_report)
    assert [(goal["status"], goal.get("public"), goal.get("actual")) for goal in goals] == [
        ("failed", True, pytest.approx(200 / 3)), ("failed", True, pytest.approx(200 / 3)),
        ("failed", True, 50.0), ("met", True, pytest.approx(200 / 3))]


@pytest.mark.parametrize("stop", ["-x", "collection error"])
def test_a_session_that_stopped_early_leaves_its_rows_not_run(
    project: Project, validate_report: Callable[[Any], Any], stop: str
) -> None:
    calculator(project, "90% of `calc.py`", "`divide()`")
    if stop == "-x":
        project.write("tests/test_add.py", "def test_first():\n    assert False\n\n\n" + TEST_ADD)
        args = ["-x"]
    else:
        project.write("tests/test_broken.py", "import not_a_module_anywhere\n")
        args = []
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json", *args)
    result.stdout.fnmatch_lines(["*calc.md:14 DD014 warning: * did not run (the session stopped early: *"])
    assert result.ret != pytest.ExitCode.OK
    assert "DD010" not in result.stdout.str() and "DD012" not in result.stdout.str()
    assert [g["status"] for g in report_goals(project, validate_report)] == ["not_run", "not_run"]


@pytest.mark.parametrize("scope", ["row", "suite"])
def test_a_coverage_configuration_coverage_cannot_read_is_a_usage_error(project: Project, scope: str) -> None:
    calculator(project)
    project.write(".coveragerc", "[run]\nbranch = maybe\n")
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-coverage-scope", scope)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: pytest-designdoc: coverage.py cannot use its configuration: Couldn't read "
                                 "config file .coveragerc: *maybe*"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_packages_public_api_is_what_its_init_re_exports(
    project: Project, validate_report: Callable[[Any], Any]
) -> None:
    project.write("src/shop/__init__.py", "from ._cart import Cart\nfrom ._prices import *\n")
    project.write("src/shop/_cart.py", "class Cart:\n    def add(self):\n        return 1\n\n    def clear(self):\n"
                                       "        return 0\n\n\ndef _audit():\n    return 2\n")
    project.write("src/shop/_prices.py", "def total():\n    return 3\n")
    project.write("tests/test_shop.py", "from shop import Cart, total\n\n\n"
                  "def test_shop():\n    assert Cart().add() + total() == 4\n")
    project.doc("shop.md", "# SHOP-3 - Shop\n\n## Files to Create\n\n| File |\n|--|\n| `src/shop/__init__.py` |\n\n"
                "## Test Strategy\n\n| Type | Files | Coverage Goals |\n|--|--|--|\n"
                "| Unit | `tests/test_shop.py` | all public functions of shop covered |\n")
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "json:report.json")
    result.stdout.fnmatch_lines([
        "*shop.md:13 DD012 error: public functions and methods of 'shop' (src/shop/_cart.py, src/shop/_prices.py) "
        "not executed by the row's tests: src/shop/_cart.py::Cart.clear"])
    (goal,) = report_goals(project, validate_report)
    assert (goal["status"], goal["files"], goal["actual"]) == (
        "failed", ["src/shop/_cart.py", "src/shop/_prices.py"], pytest.approx(200 / 3))


URLUTILS = '''
def parse_url(text):
    return text.split(":")


DEFAULT = parse_url("")  # runs parse_url() when urlutils is first imported, by whichever test file
'''


@pytest.mark.parametrize(("command", "args"), [MODES["alone"], MODES["pytest-cov"], MODES["xdist"],
                                               MODES["coverage run"]],
                         ids=["alone", "pytest-cov", "xdist", "coverage run"])
def test_what_a_modules_import_runs_counts_only_for_rows_whose_files_import_it(
    project: Project, validate_report: Callable[[Any], Any], command: list[str], args: list[str]
) -> None:
    """Found on boltons: urlutils calls parse_url() at import; a row whose tests never import urlutils got its
    body (and its import-time lines) because another test file imported it. Alone, that row measures 0%."""
    project.write("pyproject.toml", """
        [tool.pytest.ini_options]
        designdoc_paths = ["docs/**/*.md"]
        pythonpath = ["src"]

        [tool.coverage.run]
        source = ["src"]
    """)
    project.write("src/pkg/__init__.py", "")
    project.write("src/pkg/urlutils.py", URLUTILS)
    project.write("src/pkg/dictutils.py", "def merge(a, b):\n    return {**a, **b}\n")
    project.write("tests/test_dictutils.py", "from pkg.dictutils import merge\n\n\ndef test_merge():\n"
                                             "    assert merge({1: 2}, {3: 4}) == {1: 2, 3: 4}\n")
    project.write("tests/test_urlutils.py", "from pkg import urlutils\n\n\ndef test_parse():\n"
                                            "    assert urlutils.parse_url('a:b') == ['a', 'b']\n")
    project.doc("pkg.md", """
        # PKG-1 - Utilities

        ## Files to Modify

        | File Path | Changes |
        |---|---|
        | `src/pkg/urlutils.py` | parse |
        | `src/pkg/dictutils.py` | merge |

        ## Test Strategy

        | Test Type | Files | Coverage Goals |
        |---|---|---|
        | Unit | `tests/test_dictutils.py` | `pkg.urlutils.parse_url`; 20% line coverage of `urlutils.py` |
        | Unit | `tests/test_urlutils.py` | `pkg.urlutils.parse_url`; 100% of `urlutils.py` |
    """)
    truth = row_alone(project, "tests/test_dictutils.py").get("src/pkg/urlutils.py", ZERO)["summary"]
    assert truth["percent_covered"] == 0.0, "run alone, the dictutils row never imports urlutils"
    result = project.pytester.run(sys.executable, "-m", *command, "--designdoc", "--designdoc-report",
                                  "json:report.json", *args)
    goals = report_goals(project, validate_report)
    assert [(goal["status"], goal.get("actual")) for goal in goals] == [
        ("failed", 0.0), ("failed", 0.0), ("met", 100.0), ("met", 100.0)]
    result.stdout.fnmatch_lines(["*DD012 error: 'pkg.urlutils.parse_url' at src/pkg/urlutils.py:1-2 not executed "
                                 "by the row's tests*"])
