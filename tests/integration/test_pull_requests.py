"""Design docs in pull requests: real pytest sessions over small git repositories made in the test."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from ..gitrepo import Repo
from .helpers import Project, row_alone

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

DOC = """
---
status: {status}
---
# PAY-1 - Payments

## Files to Create

| File Path | Purpose |
|-----------|---------|
| `src/pay.py` | payments |

## Files to Modify

| File Path | Changes Needed |
|-----------|---------------|
| `src/shop.py` | call pay() |
| `src/cart.py` | a pay button |

## Test Strategy

| Test Type | Files | Coverage Goals |
|-----------|-------|----------------|
| Unit | `tests/test_pay.py` | edge cases |
"""


@pytest.fixture
def repo(project: Project) -> Repo:
    """The project as a git repository whose history starts with shop.py and cart.py."""
    repo = Repo(project.path)
    repo.commit("the shop", {"src/shop.py": "def shop():\n    return 1\n", "src/cart.py": "def cart():\n    return 1\n",
                             ".gitignore": "__pycache__/\n.pytest_cache/\n"})
    return repo


def design(project: Project, repo: Repo, status: str = "implemented") -> str:
    """The doc committed, then the work: pay.py created, shop.py changed, cart.py not touched."""
    project.doc("pay.md", DOC.format(status=status))
    doc = repo.commit("design PAY-1")
    repo.commit("payments", {"src/pay.py": "def pay():\n    return 1\n", "src/shop.py": "def shop():\n    return 2\n",
                             "tests/test_pay.py": "def test_pay():\n    assert True\n"})
    return doc


@pytest.mark.parametrize(("status", "severity", "ret"), [
    ("implemented", "error", pytest.ExitCode.TESTS_FAILED),
    ("accepted", "warning", pytest.ExitCode.OK),
])
def test_a_file_to_modify_nothing_changed_since_the_doc_is_a_finding(
    project: Project, repo: Repo, status: str, severity: str, ret: pytest.ExitCode
) -> None:
    doc = design(project, repo, status)
    result = project.pytester.runpytest("--designdoc")
    date = repo.git("show", "-s", "--format=%cs", doc).strip()
    result.stdout.fnmatch_lines([
        f"  docs/design/pay.md:17 DD005 {severity}: src/cart.py has not changed since this doc was written "
        f"({doc[:7]}, {date})",
        *(["      hint: do the change the doc describes, or take the entry out of Files to Modify"]
          if severity == "error" else []),
    ])
    assert "src/shop.py has not changed" not in result.stdout.str()
    assert result.ret == ret


@pytest.mark.parametrize("status", ["draft", "proposed", "deprecated"])
def test_a_doc_whose_work_is_not_done_is_not_checked_against_history(project: Project, repo: Repo,
                                                                     status: str) -> None:
    design(project, repo, status)
    result = project.pytester.runpytest("--designdoc")
    assert "DD005" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


def test_an_implemented_doc_that_is_not_enforced_warns(project: Project, repo: Repo) -> None:
    project.doc("pay.md", DOC.format(status="implemented").replace("status: implemented",
                                                                   "status: implemented\nenforce: false"))
    repo.commit("design PAY-1", {"src/pay.py": "x = 1\n", "tests/test_pay.py": "def test_pay():\n    assert True\n"})
    result = project.pytester.runpytest("--designdoc")
    result.stdout.fnmatch_lines(["  docs/design/pay.md:18 DD005 warning: src/cart.py has not changed since this doc*"])
    assert result.ret == pytest.ExitCode.OK


def test_a_file_to_create_that_existed_before_the_doc_is_a_finding(project: Project, repo: Repo) -> None:
    project.doc("pay.md", DOC.format(status="implemented").replace("`src/pay.py` | payments", "`src/cart.py` | cart"))
    doc = repo.commit("design PAY-1", {"tests/test_pay.py": "def test_pay():\n    assert True\n"})
    repo.commit("work", {"src/cart.py": "def cart():\n    return 2\n", "src/shop.py": "def shop():\n    return 2\n"})
    result = project.pytester.runpytest("--designdoc")
    result.stdout.fnmatch_lines([
        f"  docs/design/pay.md:10 DD005 error: src/cart.py existed before this doc was written ({doc[:7]}, *): "
        "it is not a file to create",
        "      hint: move it to Files to Modify",
    ])


def test_the_work_in_the_working_tree_and_in_the_docs_own_commit_counts(project: Project, repo: Repo) -> None:
    """A squash-merged pull request adds the doc and its work in one commit; a local run sees uncommitted work."""
    project.doc("pay.md", DOC.format(status="implemented"))
    repo.commit("PAY-1 squashed", {"src/pay.py": "def pay():\n    return 1\n", "src/shop.py": "def shop():\n    return 2\n",
                                   "tests/test_pay.py": "def test_pay():\n    assert True\n"})
    project.write("src/cart.py", "def cart():\n    return 3\n")
    result = project.pytester.runpytest("--designdoc")
    assert "DD005" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


def test_renames_of_the_doc_and_the_file_are_followed(project: Project, repo: Repo) -> None:
    design(project, repo)
    repo.git("mv", "docs/design/pay.md", "docs/design/PAY-1-payments.md")
    repo.git("mv", "src/cart.py", "src/basket.py")
    (project.path / "docs/design/PAY-1-payments.md").write_text(
        DOC.format(status="implemented").replace("src/cart.py", "src/basket.py"), encoding="utf-8")
    repo.commit("rename")
    result = project.pytester.runpytest("--designdoc")
    assert "DD005" not in result.stdout.str(), "the rename changed basket.py after the doc"
    result.assert_outcomes(passed=1)


def test_an_uncommitted_doc_says_the_check_waits_for_its_commit(project: Project, repo: Repo) -> None:
    project.doc("pay.md", DOC.format(status="implemented"))
    project.write("src/pay.py", "def pay():\n    return 1\n")
    project.write("tests/test_pay.py", "def test_pay():\n    assert True\n")
    result = project.pytester.runpytest("--designdoc", "-v")
    result.stdout.fnmatch_lines([
        "  docs/design/pay.md:4 DD005 info: docs/design/pay.md is not committed yet, so its Files entries are not "
        "checked against git history",
    ])
    assert result.ret == pytest.ExitCode.OK


def test_a_shallow_clone_says_how_to_fetch_the_history_never_a_false_finding(
    project: Project, repo: Repo, pytester: pytest.Pytester
) -> None:
    design(project, repo)
    clone = pytester.path.parent / f"{pytester.path.name}-clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{pytester.path}", str(clone)], check=True)
    result = pytester.runpytest(str(clone), "--designdoc", "-v", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines([
        "  docs/design/pay.md:4 DD005 info: the Files entries were not checked against git history: this is a "
        "shallow clone*",
        "      hint: fetch the history: git fetch --unshallow (GitHub Actions: actions/checkout with fetch-depth: 0)",
    ])
    assert "src/cart.py has not changed" not in result.stdout.str()


def test_without_git_the_header_says_history_is_not_checked(project: Project) -> None:
    project.doc("pay.md", DOC.format(status="implemented"))
    for path in ("src/pay.py", "src/shop.py", "src/cart.py"):
        project.write(path, "x = 1\n")
    project.write("tests/test_pay.py", "def test_pay():\n    assert True\n")
    result = project.pytester.runpytest("--designdoc", "-v")
    result.stdout.fnmatch_lines(["designdoc: Files entries are not checked against git history: * is not in a git "
                                 "repository"])
    assert "DD005" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.OK


def test_lint_finds_the_same(project: Project, repo: Repo) -> None:
    design(project, repo)
    result = project.pytester.run(sys.executable, "-m", "pytest_designdoc", "lint")
    result.stdout.fnmatch_lines(["*docs/design/pay.md:17 DD005 error: src/cart.py has not changed since this doc*"])
    assert result.ret == 1


CALC_BASE = """\
def add(a, b):
    return a + b


def divide(a, b):
    if b == 0:
        raise ZeroDivisionError("b")
    return a / b
"""
CALC_HEAD = """\
def add(a, b):
    total = a + b
    return total


def divide(a, b):
    if b == 0:
        raise ZeroDivisionError("no")
    return a / b


def scale(x, factor):
    return x * factor
"""
CHANGED_DOC = """
# CALC-1 - Calculator

## Files to Create

| File Path | Purpose |
|-----------|---------|
| `src/calc.py` | arithmetic |
| `src/other.py` | helpers |

## Test Strategy

| Test Type | Files | Coverage Goals |
|-----------|-------|----------------|
| Unit | `tests/test_add.py` | changed lines of `calc.py` 50% |
| Unit | `tests/test_divide.py` | new code in `calc.py` fully covered |
| Unit | `tests/test_other.py` | changed lines of `other.py` 90% |
"""


@pytest.fixture
def pull_request(project: Project) -> Repo:
    """A project on a feature branch whose work changes calc.py (add's body, divide's message, a new scale())."""
    project.write("pyproject.toml", """
        [tool.pytest.ini_options]
        designdoc_paths = ["docs/**/*.md"]
        pythonpath = ["src"]
        filterwarnings = ["error"]

        [tool.coverage.run]
        source = ["src"]
    """)
    repo = Repo(project.path)
    project.doc("calc.md", CHANGED_DOC)
    repo.commit("base", {"src/calc.py": CALC_BASE, "src/other.py": "def helper():\n    return 1\n",
                         "tests/test_add.py": "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
                         "tests/test_divide.py": "from calc import divide\n\n\ndef test_divide():\n"
                                                 "    assert divide(4, 2) == 2\n",
                         "tests/test_other.py": "from other import helper\n\n\ndef test_helper():\n"
                                                "    assert helper() == 1\n",
                         ".gitignore": "__pycache__/\n.pytest_cache/\n.coverage\ncov.json\n*.json\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("work", {"src/calc.py": CALC_HEAD})
    repo.git("checkout", "-q", "main")
    repo.commit("main moves on", {"README": "main\n"})
    repo.git("checkout", "-q", "feature")
    return repo


def _changed_by_git(repo: Repo, path: str) -> set[int]:
    """The new-side lines of ``git diff -U0`` against the merge base with main, read here on their own."""
    import re

    base = repo.git("merge-base", "main", "HEAD").strip()
    lines: set[int] = set()
    for start, count in re.findall(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", repo.git("diff", "-U0", base, "--", path),
                                   re.MULTILINE):
        lines.update(range(int(start), int(start) + int(count or 1)))
    return lines


def _changed_truth(project: Project, repo: Repo, test_file: str) -> float:
    """coverage.py's per-line data for the row's test file alone, over the statements the diff changes."""
    from coverage.results import Numbers

    report = row_alone(project, test_file)["src/calc.py"]
    changed = _changed_by_git(repo, "src/calc.py")
    executed, missing = set(report["executed_lines"]) & changed, set(report["missing_lines"]) & changed
    return Numbers(n_statements=len(executed | missing), n_missing=len(missing)).pc_covered


_TRUTH: list[float] = []


@pytest.mark.parametrize("command", [
    ["-m", "pytest"], ["-m", "pytest", "--cov", "--cov-report="], ["-m", "pytest", "-n", "2"],
    ["-m", "pytest", "-n", "2", "--cov", "--cov-report="], ["-m", "coverage", "run", "-m", "pytest"],
], ids=["alone", "pytest-cov", "xdist", "xdist and pytest-cov", "coverage run"])
def test_changed_lines_goals_measure_the_rows_tests_over_what_the_pull_request_changes(
    project: Project, pull_request: Repo, validate_report: Callable[[Path], Any], command: list[str]
) -> None:
    if not _TRUTH:  # the same project in every mode: coverage.py's figures once a process
        _TRUTH.extend([_changed_truth(project, pull_request, "tests/test_add.py"),
                       _changed_truth(project, pull_request, "tests/test_divide.py")])
    truth = list(_TRUTH)
    assert truth == pytest.approx([60.0, 20.0]), "the project is what the test says it is"
    result = project.pytester.run(sys.executable, *command, "--designdoc", "--designdoc-base", "main",
                                  "--designdoc-report", "json:report.json")
    goals = [goal for doc in validate_report(project.path / "report.json")["docs"] for row in doc["rows"]
             for goal in row["goals"]]
    assert [goal["actual"] for goal in goals[:2]] == pytest.approx(truth, abs=1e-9)
    assert [goal["status"] for goal in goals] == ["met", "failed", "met"]
    assert goals[2]["actual"] is None and goals[2]["reason"].startswith("no changed lines in its files since ")
    assert all(goal["metric"] == "changed" for goal in goals)
    base = pull_request.git("merge-base", "main", "HEAD").strip()
    result.stdout.fnmatch_lines([
        f"  docs/design/calc.md:15 DD010 error: 20.00% < 100% (changed lines since {base[:7]}, *) of src/calc.py",
        "      hint: measured over the row's tests; missing: src/calc.py: 2-3, 8, 13",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_uncommitted_work_counts_as_changed(project: Project, pull_request: Repo,
                                            validate_report: Callable[[Path], Any]) -> None:
    project.write("src/other.py", "def helper():\n    value = 1\n    return value\n")
    project.pytester.runpytest_subprocess("--designdoc", "--designdoc-base", "main",
                                          "--designdoc-report", "json:report.json")
    goals = [goal for doc in validate_report(project.path / "report.json")["docs"] for row in doc["rows"]
             for goal in row["goals"]]
    assert (goals[2]["status"], goals[2]["actual"]) == ("met", 100.0)


def test_without_a_base_changed_lines_goals_are_not_run_and_say_which_option(project: Project,
                                                                           pull_request: Repo) -> None:
    result = project.pytester.runpytest_subprocess("--designdoc")
    result.stdout.fnmatch_lines([
        "  docs/design/calc.md:14 DD013 warning: goal 'changed lines of `calc.py` 50%' measures what a pull request "
        "changes, and no base was given",
        "designdoc: 1 doc, 3 goals: 0 met, 0 failed, 0 manual, 3 not run; 0 errors, 3 warnings",
    ])
    assert result.ret == pytest.ExitCode.OK


def test_a_base_git_does_not_know_is_an_error_that_says_how_to_fetch_it(project: Project,
                                                                      pull_request: Repo) -> None:
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-base", "origin/main")
    result.stdout.fnmatch_lines([
        "  docs/design/calc.md:14 DD013 error: goal 'changed lines of `calc.py` 50%' cannot be measured: the lines "
        "changed since origin/main are unknown: the base 'origin/main' has no common commit with HEAD here*",
        "      hint: fetch it: git fetch origin main (GitHub Actions: actions/checkout with fetch-depth: 0)",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def _two_docs(project: Project) -> Repo:
    """PAY-1 (pay.py, test_pay.py) and SHOP-1 (shop.py, test_shop.py) on main; a feature branch from there."""
    repo = Repo(project.path)
    for key, name in (("PAY-1", "pay"), ("SHOP-1", "shop")):
        project.doc(f"{name}.md", f"""
            ---
            status: accepted
            ---
            # {key} - {name}

            ## Files to Create

            | File Path | Purpose |
            |-----------|---------|
            | `src/{name}.py` | {name} |

            ## Test Strategy

            | Test Type | Files | Coverage Goals |
            |-----------|-------|----------------|
            | Unit | `tests/test_{name}.py` | edge cases |
        """)
        project.write(f"src/{name}.py", "def run():\n    return 1\n")
        project.write(f"tests/test_{name}.py", f"def test_{name}_one():\n    assert True\n\n\n"
                                               f"def test_{name}_two():\n    assert True\n")
    project.write("tests/conftest.py", "")
    repo.commit("two features", {".gitignore": "__pycache__/\n.pytest_cache/\n"})
    repo.git("checkout", "-q", "-b", "feature")
    return repo


@pytest.mark.parametrize(("changed", "passed", "deselected", "note"), [
    ({"src/pay.py": "def run():\n    return 2\n"}, 2, 2,
     "designdoc: --designdoc-affected main: 1 of 2 docs affected by the changes (PAY-1)"),
    ({"tests/test_shop.py": "def test_shop_one():\n    assert True\n"}, 1, 2,
     "designdoc: --designdoc-affected main: 1 of 2 docs affected by the changes (SHOP-1)"),
    ({"docs/design/pay.md": None}, 2, 2, "designdoc: --designdoc-affected main: 1 of 2 docs affected*(PAY-1)"),
    ({"tests/conftest.py": "import os\n"}, 4, 0,
     "designdoc: --designdoc-affected main: every doc is checked: tests/conftest.py changed, and no doc maps it"),
    ({"README.md": "prose\n"}, 0, 4,
     "designdoc: --designdoc-affected main: 0 of 2 docs affected by the changes: nothing to check*"),
], ids=["a Files entry", "a test file", "the doc", "conftest.py", "prose only"])
def test_affected_checks_only_the_docs_a_change_touches_and_runs_only_their_tests(
    project: Project, changed: dict[str, Any], passed: int, deselected: int, note: str
) -> None:
    repo = _two_docs(project)
    for path, text in changed.items():
        if text is None:
            (project.path / path).write_text((project.path / path).read_text() + "\nMore design.\n")
        else:
            project.write(path, text)
    repo.commit("the pull request")
    result = project.pytester.runpytest("--designdoc", "--designdoc-affected", "main",
                                        "--designdoc-report", "json:report.json")
    result.assert_outcomes(passed=passed, deselected=deselected)
    result.stdout.fnmatch_lines([note])
    selection = json.loads((project.path / "report.json").read_text(encoding="utf-8")).get("selection")
    keys = [key for key in ("PAY-1", "SHOP-1") if f"({key})" in note]
    assert selection == (None if "every doc" in note else {"keys": keys, "not_selected": 2 - len(keys)})


def test_affected_without_a_base_git_knows_checks_every_doc_and_says_why(project: Project) -> None:
    _two_docs(project)
    result = project.pytester.runpytest("--designdoc", "--designdoc-affected", "origin/main")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["designdoc: --designdoc-affected origin/main: every doc is checked: the changes are "
                                 "unknown (the base 'origin/main' has no common commit with HEAD here*"])
