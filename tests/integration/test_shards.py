"""Sharded CI: jobs write evidence, designdoc merge decides once, and agrees with an unsharded run."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_designdoc.cli import INCOMPLETE, USAGE_ERROR, main

from .helpers import Project

DOC = """
# CALC-1 - Calculator

## Files to Create

| File Path | Purpose |
|-----------|---------|
| `src/calc.py` | maths |

## Test Strategy

| Test Type | Files | Coverage Goals |
|-----------|-------|----------------|
| Unit | `tests/test_add.py` | `add()` |
| Unit | `tests/test_div.py` | 80% of `src/calc.py`; `div()` 100% |
"""

CALC = """
def add(a, b):
    return a + b


def div(a, b):
    if b == 0:
        raise ZeroDivisionError("b")
    return a / b
"""


@pytest.fixture
def calc(project: Project) -> Path:
    """The project in base/, and two checkouts of it at other paths (job1/, job2/), as CI jobs would have."""
    base = project.path / "base"
    for relpath, text in [("src/calc.py", CALC), ("docs/design/calc.md", DOC),
                          ("tests/test_add.py", "from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n"),
                          ("tests/test_div.py", "from calc import div\n\ndef test_div():\n    assert div(4, 2) == 2\n"),
                          ("pyproject.toml", '[tool.pytest.ini_options]\npythonpath = ["src"]\n')]:
        project.write(f"base/{relpath}", text)
    for job in ("job1", "job2"):
        shutil.copytree(base, project.path / job)
    return project.path


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--designdoc", *args],
                          cwd=cwd, capture_output=True, text=True, check=False)


def _merge(root: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["merge", *args, "--root", str(root)], stdout=out)
    return code, out.getvalue()


def _without_created(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    del data["created"]
    return data


@pytest.mark.parametrize(("job1", "job2"), [([], []), (["-n", "2"], ["--cov=src"])],
                         ids=["alone", "xdist and pytest-cov"])
def test_two_jobs_merge_to_what_one_unsharded_run_reports(calc: Path, job1: list[str], job2: list[str],
                                                          validate_report: Any) -> None:
    whole = _pytest(calc / "base", "--designdoc-report", f"json:{calc / 'whole.json'}")
    assert whole.returncode == 1, whole.stdout
    first = _pytest(calc / "job1", "--designdoc-evidence", "../one.json", "tests/test_add.py", *job1)
    second = _pytest(calc / "job2", "--designdoc-evidence", str(calc / "two.json"), "tests/test_div.py", *job2)
    for job in (first, second):
        assert job.returncode == 0, "a job decides no goal: the shortfall is the merge's to report\n" + job.stdout
        assert "designdoc merge decides the goals; 0 errors, 0 warnings" in job.stdout
    code, said = _merge(calc / "base", str(calc / "one.json"), str(calc / "two.json"),
                        "--designdoc-report", f"json:{calc / 'merged.json'}", "--report", f"md:{calc / 'merged.md'}")
    assert code == 1
    assert "DD010 error: div: 66.66% < 100% (total) of src/calc.py:5-8" in said
    validate_report(calc / "merged.json")
    assert (calc / "merged.md").is_file(), "merge takes pytest's spelling, --designdoc-report, and --report"
    assert _without_created(calc / "merged.json") == _without_created(calc / "whole.json")


def test_one_job_alone_leaves_the_other_rows_not_run(calc: Path) -> None:
    assert _pytest(calc / "job1", "--designdoc-evidence", "one.json", "tests/test_add.py").returncode == 0
    code, said = _merge(calc / "base", str(calc / "job1" / "one.json"))
    assert code == 0
    assert "DD014 warning: row not run in this session: tests/test_div.py not selected" in said
    assert said.splitlines()[-3:] == [
        "designdoc: 1 doc, 3 goals: 1 met, 0 failed, 0 manual, 2 not run; 0 errors, 1 warning",
        "designdoc merge: warning: no job recorded a git commit (no git where they ran): stale jobs are found by "
        "their collection only",
        "designdoc merge: complete: 1 job; each of the 1 test collected ran in exactly one",
    ]
    assert _merge(calc / "base", str(calc / "job1" / "one.json"), "--strict")[0] == 1


def test_a_doc_changed_between_the_jobs_and_the_merge_is_a_warning(calc: Path) -> None:
    assert _pytest(calc / "job1", "--designdoc-evidence", "one.json").returncode == 0
    with (calc / "base" / "docs" / "design" / "calc.md").open("a", encoding="utf-8") as doc:
        doc.write("\nEdited after the jobs ran.\n")
    code, said = _merge(calc / "base", str(calc / "job1" / "one.json"))
    assert code == 1
    assert f"docs/design/calc.md:1 DD025 warning: the doc differs from the one {calc / 'job1' / 'one.json'} ran " \
           "against" in said


def test_a_job_fails_on_its_own_static_errors_and_still_writes_its_evidence(calc: Path) -> None:
    doc = calc / "job1" / "docs" / "design" / "calc.md"
    doc.write_text(DOC.replace("| `src/calc.py` | maths |", "| `src/calc.py` | maths |\n| `src/later.py` | soon |"),
                   encoding="utf-8")
    job = _pytest(calc / "job1", "--designdoc-evidence", "one.json", "--designdoc-report", "json:r.json")
    assert job.returncode == 1
    assert "DD003 error: Files to Create entry 'src/later.py' is missing" in job.stdout
    assert "reports (designdoc_report / --designdoc-report) are not written by a job that writes evidence" in job.stdout
    assert json.loads((calc / "job1" / "one.json").read_text(encoding="utf-8"))["schema"] == \
        "pytest-designdoc/evidence/v1"
    assert not (calc / "job1" / "r.json").exists()


@pytest.mark.parametrize(("text", "message"), [
    (None, "cannot read"),
    ('{"schema": "something else"}', "is not a pytest-designdoc/evidence/v1 file"),
    ('{"schema": "pytest-designdoc/evidence/v1"}', "is not a valid pytest-designdoc/evidence/v1 file: the top level "
                                                   "lacks coverage, coverage_scope, created, docs, rootdir, run"),
    ("[1, 2", "cannot read"),
])
def test_evidence_that_cannot_be_used_is_refused(calc: Path, text: str | None, message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    evidence = calc / "bad.json"
    if text is not None:
        evidence.write_text(text, encoding="utf-8")
    assert _merge(calc / "base", str(evidence))[0] == USAGE_ERROR
    assert message in capsys.readouterr().err


# Shards that prove they are complete (SPEC §7) ------------------------------------------------------------

SPLIT_DOC = """
# APP-1 - App

## Files to Create

| File Path | Purpose |
|-----------|---------|
| `src/app.py` | maths |

## Test Strategy

| Test Type | Files | Coverage Goals |
|-----------|-------|----------------|
| Unit | `tests/test_app.py` | `double()` |
"""

SPLITTER = """
import pytest


def pytest_addoption(parser):
    parser.addoption("--group", type=int, default=0)
    parser.addoption("--groups", type=int, default=0)


def pytest_collection_modifyitems(config, items):
    # pytest-split's and pytest-shard's way: every job collects the suite and deselects all but its share
    group, groups = config.getoption("group"), config.getoption("groups")
    if groups:
        kept = [item for index, item in enumerate(items) if index % groups == group - 1]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
"""


def _suite(tests: int) -> str:
    return "from app import double\n" + "".join(f"\n\ndef test_{n}():\n    assert double({n}) == {2 * n}\n"
                                                   for n in range(tests))


@pytest.fixture
def split(project: Project) -> Project:
    """Six tests in one file, split over jobs by deselection (--group K --groups N), as pytest-split does."""
    project.write("src/app.py", "def double(x):\n    return 2 * x\n")
    project.write("tests/test_app.py", _suite(6))
    project.write("conftest.py", SPLITTER)
    project.doc("app.md", SPLIT_DOC)
    return project


def _job(project: Project, k: int, n: int, *args: str, evidence: str = "") -> pytest.RunResult:
    """Job K of N: writes e{K}.json (or ``evidence``) with --designdoc-shard K/N; it must pass."""
    result = project.pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:randomly", "--designdoc", f"--group={k}", f"--groups={n}",
        "--designdoc-shard", f"{k}/{n}", "--designdoc-evidence", evidence or f"e{k}.json", *args)
    assert result.ret == 0, result.stdout.str()
    return result


def _merged(project: Project, *names: str) -> tuple[int, str]:
    return _merge(project.path, *(str(project.path / name) for name in names))


@pytest.mark.parametrize("second", [(), ("-n", "2"), ("--cov=src",)], ids=["alone", "xdist", "pytest-cov"])
def test_three_shards_that_ran_each_test_once_are_complete(split: Project, second: tuple[str, ...]) -> None:
    for k in (1, 2, 3):
        result = _job(split, k, 3, *(second if k == 2 else ()))
        result.stdout.fnmatch_lines([f"designdoc: evidence of 1 doc written to *e{k}.json (shard {k}/3, no git commit: "
                                     "the merge cannot tell a job run on another commit by it); designdoc merge *"])
    written = [json.loads((split.path / f"e{k}.json").read_text(encoding="utf-8")) for k in (1, 2, 3)]
    assert [data["shard"] for data in written] == [{"index": k, "count": 3} for k in (1, 2, 3)]
    assert {data["collection"]["fingerprint"] for data in written} == {written[0]["collection"]["fingerprint"]}, \
        "the same collection in every job, whatever each deselects (and under xdist)"
    assert [(data["collection"]["tests"], data["collection"]["args"], data["commit"]) for data in written] == \
        [(6, ["."], None)] * 3
    code, said = _merged(split, "e1.json", "e2.json", "e3.json")
    assert code == 0, said
    assert "designdoc merge: complete: 3 jobs; each of the 6 tests collected ran in exactly one" in said
    assert "incomplete" not in said


def test_a_missing_shard_makes_the_merge_incomplete_not_failed(split: Project) -> None:
    _job(split, 1, 3)
    _job(split, 3, 3)
    code, said = _merged(split, "e1.json", "e3.json")
    assert code == INCOMPLETE == 6
    assert "designdoc merge: incomplete: 1 shard of 3 missing: 2" in said
    assert "designdoc merge: incomplete: 2 tests collected ran in no job: tests/test_app.py::test_1, " \
           "tests/test_app.py::test_4 (a test every job deselects counts too" in said
    assert said.splitlines()[-1] == ("designdoc merge: incomplete (2 of the checks above): the verdict covers only "
                                     "what the jobs ran; exit 6")
    assert "designdoc: 1 doc, 1 goal: 1 met" in said, "what ran is still evaluated and reported"


def test_a_shard_given_twice_is_named_and_its_tests_ran_in_two_jobs(split: Project) -> None:
    for k in (1, 2, 3):
        _job(split, k, 3)
    _job(split, 2, 3, evidence="again.json")
    code, said = _merged(split, "e1.json", "e2.json", "again.json", "e3.json")
    assert code == INCOMPLETE
    assert f"designdoc merge: incomplete: shard 2/3 is duplicated: {split.path / 'e2.json'}, " \
           f"{split.path / 'again.json'}" in said
    assert f"designdoc merge: incomplete: 2 tests ran in two jobs: tests/test_app.py::test_1 ({split.path / 'e2.json'}" \
           f", {split.path / 'again.json'}), tests/test_app.py::test_4" in said


def test_a_job_that_collected_another_suite_is_stale(split: Project) -> None:
    _job(split, 1, 2)
    split.write("tests/test_app.py", _suite(7))
    _job(split, 2, 2)
    code, said = _merged(split, "e1.json", "e2.json")
    assert code == INCOMPLETE
    e1, e2 = split.path / "e1.json", split.path / "e2.json"
    assert f"designdoc merge: incomplete: stale: {e2} collected another suite than 1 job (6 tests, fingerprint " in said
    assert f"{e2} 7 tests, " in said


def test_a_job_on_another_commit_is_stale_and_names_both_commits(split: Project) -> None:
    from tests.gitrepo import Repo

    repo = Repo(split.path)
    first = repo.commit("first")
    _job(split, 1, 3)
    _job(split, 2, 3)
    second = repo.commit("second", {"README.md": "changed, no test changed\n"})
    result = _job(split, 3, 3)
    result.stdout.fnmatch_lines([f"*written to */e3.json (shard 3/3, commit {second[:12]}); designdoc merge *"])
    code, said = _merged(split, "e1.json", "e2.json", "e3.json")
    assert code == INCOMPLETE, said
    assert f"designdoc merge: incomplete: stale: {split.path / 'e3.json'} ran on commit {second[:12]}, 2 jobs on " \
           f"{first[:12]}" in said
    assert "no git commit" not in said


def test_an_incomplete_merge_whose_goals_fail_says_both_and_exits_incomplete(split: Project) -> None:
    split.doc("app.md", SPLIT_DOC.replace("`double()`", "`double()`; 100% of `src/app.py`").replace(
        "| `src/app.py` | maths |", "| `src/app.py` | maths |\n| `src/other.py` | more |"))
    split.write("src/other.py", "def never():\n    return 1\n")
    split.write("src/app.py", "def double(x):\n    return 2 * x\n\n\ndef unused():\n    return 0\n")
    _job(split, 1, 2)
    code, said = _merged(split, "e1.json")
    assert code == INCOMPLETE
    assert "DD010 error" in said
    assert said.splitlines()[-1].endswith("the verdict covers only what the jobs ran; the goals failed too; exit 6")


def test_older_evidence_still_merges_and_says_completeness_was_not_checked(split: Project) -> None:
    for k in (1, 2):
        _job(split, k, 2)
        path = split.path / f"e{k}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        for key in ("commit", "shard", "collection"):
            del data[key]
        path.write_text(json.dumps(data), encoding="utf-8")
    code, said = _merged(split, "e1.json", "e2.json")
    assert code == 0, said
    assert f"designdoc merge: warning: completeness could not be checked: {split.path / 'e1.json'}, " \
           f"{split.path / 'e2.json'} hold evidence written before pytest-designdoc recorded the collection" in said
    assert "complete:" not in said


def test_in_github_actions_each_incompleteness_is_an_error_annotation(split: Project,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _job(split, 2, 2)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    code, said = _merged(split, "e2.json")
    assert code == INCOMPLETE
    assert "::error title=designdoc merge incomplete::1 shard of 2 missing: 1" in said.splitlines()
    assert "::warning title=designdoc merge::no job recorded a git commit (no git where they ran): stale jobs are " \
           "found by their collection only" in said.splitlines()


@pytest.mark.parametrize(("value", "message"), [
    ("0/3", "'0/3': the shard number K must be 1 to N (3); shards count from 1"),
    ("4/3", "'4/3': the shard number K must be 1 to N (3)"),
    ("1/0", "'1/0': the number of shards N must be 1 to 10,000"),
    ("3", "'3' is not K/N (this job's shard number and the number of shards, e.g. 3/50)"),
    ("a/b", "'a/b' is not K/N"),
    ("-1/3", "'-1/3' is not K/N"),
])
def test_a_bad_shard_number_is_a_usage_error(split: Project, value: str, message: str) -> None:
    result = split.pytester.runpytest("--designdoc", f"--designdoc-shard={value}", "--designdoc-evidence", "e.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--designdoc-shard: {message}*"])
    assert not (split.path / "e.json").exists()


def test_a_shard_number_without_evidence_is_a_usage_error(split: Project) -> None:
    result = split.pytester.runpytest("--designdoc", "--designdoc-shard", "1/2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--designdoc-shard labels the evidence a job writes: give --designdoc-evidence "
                                 "PATH too*"])
