"""Design docs in pull requests: real pytest sessions over small git repositories made in the test."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from ..gitrepo import Repo
from .helpers import Project

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
