"""Per-doc coverage files: ``--designdoc-report cobertura:DIR`` and ``lcov:DIR``, equal to coverage.py's own
``coverage xml`` / ``coverage lcov`` of each doc's tests run alone."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from .helpers import Project

CALC = """
def add(a, b):
    if a < 0:
        a = -a
    return a + b


def divide(a, b):
    if b == 0:
        raise ZeroDivisionError("b")
    return a / b
"""


def _doc(key: str, test_file: str) -> str:
    return f"""
    # {key} - {key.lower()}

    ## Files to Create

    | File Path | Purpose |
    |-----------|---------|
    | `src/calc.py` | the calculator |

    ## Test Strategy

    | Test Type | Files | Coverage Goals |
    |-----------|-------|----------------|
    | Unit | `{test_file}` | `src/calc.py` 10% |
    """


@pytest.fixture
def calculator(project: Project) -> Project:
    project.write("pyproject.toml", """
        [tool.pytest.ini_options]
        designdoc_paths = ["docs/**/*.md"]
        pythonpath = ["src"]

        [tool.coverage.run]
        branch = true
        """)
    project.write("src/calc.py", CALC)
    project.write("tests/test_add.py", "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n")
    project.write("tests/test_divide.py", "from calc import divide\n\n\ndef test_divide():\n"
                                          "    assert divide(4, 2) == 2\n")
    project.doc("add.md", _doc("ADD-1", "tests/test_add.py"))
    project.doc("divide.md", _doc("DIV-1", "tests/test_divide.py"))
    return project


def _alone(project: Project, test_file: str, name: str) -> tuple[Path, Path]:
    """coverage.py's XML and LCOV of ``test_file`` run alone (the truth a doc's files must equal)."""
    result = project.pytester.run(sys.executable, "-m", "coverage", "run", "--data-file", f".{name}", "-m", "pytest",
                                  test_file, "-p", "no:designdoc", "-W", "ignore::pytest.PytestConfigWarning")
    assert result.ret == 0, result.stdout.str()
    for command in (["xml", "-o", f"{name}.xml"], ["lcov", "-o", f"{name}.info"]):
        done = project.pytester.run(sys.executable, "-m", "coverage", *command, "--data-file", f".{name}",
                                    "--include", "src/*")
        assert done.ret == 0, done.stderr.str()
    return project.path / f"{name}.xml", project.path / f"{name}.info"


def _xml_lines(path: Path) -> dict[str, list[dict[str, str]]]:
    """Each class's filename → its ``<line>`` attributes."""
    root = ElementTree.parse(path).getroot()
    return {cls.attrib["filename"].removeprefix("src/"): [dict(line.attrib) for line in cls.iter("line")]
            for cls in root.iter("class")}


def _lcov_lines(path: Path) -> dict[str, tuple[list[str], list[tuple[str, str]], list[str]]]:
    """Each record's file → its DA lines, its branch lines as (line, taken) and its totals."""
    records = {}
    for record in path.read_text(encoding="utf-8").split("end_of_record\n")[:-1]:
        fields = [line.split(":", 1) for line in record.splitlines()]
        source = next(value for name, value in fields if name == "SF")
        branches = sorted((value.split(",")[0], value.split(",")[3]) for name, value in fields if name == "BRDA")
        records[source.removeprefix("src/")] = (
            [value for name, value in fields if name == "DA"], branches,
            [f"{name}:{value}" for name, value in fields if name in ("LF", "LH", "BRF", "BRH")])
    return records


@pytest.mark.parametrize("command", [
    ["-m", "pytest"], ["-m", "pytest", "--cov", "--cov-report="], ["-m", "pytest", "-n", "2"],
    ["-m", "coverage", "run", "-m", "pytest"],
], ids=["alone", "pytest-cov", "xdist", "coverage run"])
def test_each_docs_files_equal_coverage_pys_report_of_its_tests_alone(calculator: Project,
                                                                      command: list[str]) -> None:
    result = calculator.pytester.run(sys.executable, *command, "--designdoc", "--designdoc-report", "cobertura:cov",
                                     "--designdoc-report", "lcov:cov")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["designdoc: cobertura per-doc coverage (*cov): 2 docs written",
                                 "designdoc: lcov per-doc coverage (*cov): 2 docs written"])
    assert sorted(p.name for p in (calculator.path / "cov").iterdir()) == [
        "ADD-1.info", "ADD-1.xml", "DIV-1.info", "DIV-1.xml"]
    lines_of_add_if = []
    for key, test_file in (("ADD-1", "tests/test_add.py"), ("DIV-1", "tests/test_divide.py")):
        xml_truth, lcov_truth = _alone(calculator, test_file, key.lower())
        ours = _xml_lines(calculator.path / "cov" / f"{key}.xml")
        assert ours == _xml_lines(xml_truth)
        assert _lcov_lines(calculator.path / "cov" / f"{key}.info") == _lcov_lines(lcov_truth)
        lines_of_add_if.append(ours["calc.py"][1])
    assert lines_of_add_if == [  # each doc's own tests, not the other doc's
        {"number": "2", "hits": "1", "branch": "true", "condition-coverage": "50% (1/2)", "missing-branches": "3"},
        {"number": "2", "hits": "0", "branch": "true", "condition-coverage": "0% (0/2)", "missing-branches": "3,4"}]


def test_the_files_are_valid_cobertura_and_lcov(calculator: Project) -> None:
    calculator.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "cobertura:cov",
                                             "--designdoc-report", "lcov:cov")
    root = ElementTree.parse(calculator.path / "cov" / "ADD-1.xml").getroot()
    assert root.tag == "coverage"
    assert [(k, root.attrib[k]) for k in ("lines-valid", "lines-covered", "branches-valid", "branches-covered")] == [
        ("lines-valid", "8"), ("lines-covered", "4"), ("branches-valid", "4"), ("branches-covered", "1")]
    assert root.attrib["line-rate"] == "0.5" and root.attrib["branch-rate"] == "0.25"
    assert [s.text for s in root.iter("source")] == [str(calculator.path)]
    assert [(p.attrib["name"], [c.attrib["filename"] for c in p.iter("class")]) for p in root.iter("package")] == [
        ("src", ["src/calc.py"])]
    assert "ADD-1 (docs/design/add.md)" in (calculator.path / "cov" / "ADD-1.xml").read_text(encoding="utf-8")
    lcov = (calculator.path / "cov" / "ADD-1.info").read_text(encoding="utf-8")
    assert lcov.startswith("TN:ADD_1\nSF:src/calc.py\nDA:1,1\n")
    assert re.findall(r"^(LF|LH|BRF|BRH):(\d+)$", lcov, re.MULTILINE) == [
        ("LF", "8"), ("LH", "4"), ("BRF", "4"), ("BRH", "1")]


def test_a_doc_whose_goals_were_not_measured_gets_no_file_and_the_run_says_so(calculator: Project) -> None:
    calculator.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "lcov:cov")
    (calculator.path / "cov" / "notes.txt").write_text("not ours", encoding="utf-8")
    result = calculator.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "lcov:cov",
                                                      "tests/test_add.py")
    result.stdout.fnmatch_lines(["designdoc: lcov per-doc coverage (*cov): 1 doc written",
                                 "designdoc: lcov per-doc coverage (*cov): no file for DIV-1: no goal of theirs was "
                                 "measured in this run (removed the earlier DIV-1.info)"])
    assert sorted(p.name for p in (calculator.path / "cov").iterdir()) == ["ADD-1.info", "notes.txt"], \
        "an upload glob ships no stale doc; what is not a doc's file stays"


def test_without_coverage_goals_nothing_is_written_and_the_run_says_why(project: Project) -> None:
    project.standard()
    result = project.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "cobertura:cov")
    result.stdout.fnmatch_lines(["designdoc: cobertura per-doc coverage (*cov): nothing written: no goal of the "
                                 "docs checked needs coverage"])
    assert result.ret == 0
    assert not (project.path / "cov").exists()


def test_a_directory_that_cannot_be_written_fails_the_run(calculator: Project) -> None:
    (calculator.path / "cov").write_text("a file, not a directory", encoding="utf-8")
    result = calculator.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "lcov:cov")
    result.stdout.fnmatch_lines(["designdoc: cannot write lcov per-doc coverage (*cov): *cov is a file, not a "
                                 "directory"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result = calculator.pytester.runpytest_subprocess("--designdoc", "--designdoc-report", "cobertura:coverage.xml")
    result.stderr.fnmatch_lines(["*--designdoc-report: 'cobertura:coverage.xml': cobertura writes one file per doc "
                                 "into a directory; give the directory, e.g. cobertura:designdoc-coverage"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_designdoc_merge_writes_them_from_shards(calculator: Project) -> None:
    for number, test_file in ((1, "tests/test_add.py"), (2, "tests/test_divide.py")):
        job = calculator.pytester.runpytest_subprocess("--designdoc", f"--designdoc-evidence=job{number}.json",
                                                       test_file)
        assert job.ret == 0, job.stdout.str()
    merged = calculator.pytester.run(sys.executable, "-m", "pytest_designdoc", "merge", "job1.json", "job2.json",
                                     "--report", "lcov:cov")
    assert merged.ret == 0, merged.stderr.str()
    merged.stdout.fnmatch_lines(["designdoc merge: lcov per-doc coverage (*cov): 2 docs written"])
    _, truth = _alone(calculator, "tests/test_add.py", "add")
    assert _lcov_lines(calculator.path / "cov" / "ADD-1.info") == _lcov_lines(truth)
