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

from pytest_designdoc.cli import USAGE_ERROR, main

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
    assert said.splitlines()[-1] == "designdoc: 1 doc, 3 goals: 1 met, 0 failed, 0 manual, 2 not run; 0 errors, 1 warning"
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
