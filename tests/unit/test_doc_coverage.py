"""The per-doc coverage renderers and file names (the figures are tested against coverage.py in
tests/integration/test_doc_coverage.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from pytest_designdoc.evaluate import FileLines, RunCoverage, Unmeasurable, evaluate
from pytest_designdoc.figures import CoverageAnalysis
from pytest_designdoc.model import DesignDoc, Goal, GoalKind, Metric, Report, Status, TestRow
from pytest_designdoc.plan import DocPlan, Plan, RowPlan, TestPathCheck
from pytest_designdoc.record import RunRecorder
from pytest_designdoc.report.doc_coverage import DocScope, _file_names, cobertura, doc_scopes, lcov, write
from pytest_designdoc.targets import GoalPlan

SCOPE = DocScope("AUTH-1 -- <login>", "docs/design/a&b.md", {"src/a.py": ("tests/test_a.py",)})
LINES = {"src/a.py": FileLines(frozenset({1, 2, 3}), frozenset({3}), {2: ((-1, False), (3, False))}, True),
         "src/pkg/b.py": FileLines(frozenset(), frozenset(), {}, True)}


def test_keys_become_safe_distinct_file_names() -> None:
    assert _file_names(["AUTH-1", "auth-1", "a/b", "../..", "API v2"], ".xml") == [
        "AUTH-1.xml", "auth-1-2.xml", "a-b.xml", "doc.xml", "API-v2.xml"]


def test_cobertura_escapes_what_the_doc_names_and_counts_like_coverage_xml() -> None:
    root = ElementTree.fromstring(cobertura(SCOPE, LINES, "/r&d"))
    assert [s.text for s in root.iter("source")] == ["/r&d"]
    assert (root.attrib["lines-valid"], root.attrib["lines-covered"], root.attrib["line-rate"]) == ("3", "2", "0.6667")
    assert (root.attrib["branches-valid"], root.attrib["branch-rate"]) == ("2", "0")
    assert [p.attrib["name"] for p in root.iter("package")] == ["src", "src.pkg"]
    empty = [c for c in root.iter("class") if c.attrib["filename"] == "src/pkg/b.py"][0]
    assert (empty.attrib["line-rate"], empty.attrib["branch-rate"]) == ("1", "1"), "nothing to count is 1"
    unmeasured = ElementTree.fromstring(cobertura(SCOPE, {"src/a.py": FileLines(frozenset({1}), frozenset(), {})}, "/"))
    assert unmeasured.attrib["branch-rate"] == "0", "no branch data is 0, as coverage xml writes it"
    branch = [dict(line.attrib) for line in root.iter("line")][1]
    assert branch == {"number": "2", "hits": "1", "branch": "true", "condition-coverage": "0% (0/2)",
                      "missing-branches": "exit,3"}


def test_lcov_names_the_test_by_the_doc_and_marks_a_line_that_never_branched() -> None:
    text = lcov(SCOPE, LINES, "/r")
    assert text.splitlines()[:9] == ["TN:AUTH_1_____login_", "SF:src/a.py", "DA:1,1", "DA:2,1", "DA:3,0", "LF:3",
                                     "LH:2", "BRDA:2,0,0,-", "BRDA:2,0,1,-"]
    taken = lcov(SCOPE, {"src/a.py": FileLines(frozenset({2, 3}), frozenset(), {2: ((-1, True), (3, False))}, True)}, "/")
    assert "BRDA:2,0,0,0\nBRDA:2,0,1,1\n" in taken, "the exit from the function comes last, as in coverage lcov"
    assert text.count("end_of_record\n") == 2 and "BRF:2\nBRH:0\n" in text


def _two_docs() -> Plan:
    """CALC-1 measures calc.py with tests/test_add.py; CALC-2 with tests/test_scale.py."""
    docs = []
    for key, test_file in (("CALC-1", "tests/test_add.py"), ("CALC-2", "tests/test_scale.py")):
        goal = Goal("90% of calc.py", 9, GoalKind.PERCENT, metric=Metric.TOTAL, required=90.0, files=("calc.py",))
        row = TestRow(line=9, test_type="Unit", test_paths=(test_file,), goals=(goal,))
        doc = DesignDoc(path=f"docs/{key}.md", key=key, title="T", line=1, status=Status.ACCEPTED, rows=(row,))
        docs.append(DocPlan(doc, rows=(RowPlan(row, (TestPathCheck(test_file, (test_file,)),),
                                               (GoalPlan(goal, ("src/calc.py",)),)),)))
    return Plan(tuple(docs))


def _add_ran(analysis: CoverageAnalysis, root: Path) -> tuple[Plan, Report, RunCoverage]:
    """Both docs evaluated after tests/test_add.py alone ran."""
    plan = _two_docs()
    recorder = RunRecorder()
    recorder.collected_items(["tests/test_add.py::test_add"])
    recorder.test_report("tests/test_add.py::test_add", "passed")
    coverage = RunCoverage(analysis, source="alone")
    return plan, evaluate(plan, recorder.freeze(), coverage, rootdir=str(root), created="x"), coverage


def test_write_gives_each_measured_doc_its_rows_lines_and_removes_a_stale_file(
    analysis: CoverageAnalysis, tmp_path: Path
) -> None:
    plan, report, coverage = _add_ran(analysis, tmp_path)
    assert [scope.files for scope in doc_scopes(plan, report)] == [{"src/calc.py": ("tests/test_add.py",)}]
    out = tmp_path / "cov"
    out.mkdir()
    (out / "CALC-2.info").write_text("an earlier run's\n", encoding="utf-8")
    written = write("lcov", str(out), plan, report, coverage)
    assert written.errors == ()
    assert written.notes == (f"lcov per-doc coverage ({out}): 1 doc written",
                             f"lcov per-doc coverage ({out}): no file for CALC-2: no goal of theirs was measured in "
                             "this run (removed the earlier CALC-2.info)")
    assert [p.name for p in out.iterdir()] == ["CALC-1.info"]
    assert "DA:2,1\nDA:3,1\nDA:6,1\nDA:7,0\n" in (out / "CALC-1.info").read_text(encoding="utf-8")
    nothing = write("cobertura", str(out), plan, report, RunCoverage(problem="coverage stopped"))
    assert nothing.notes == (f"cobertura per-doc coverage ({out}): nothing written: coverage stopped",)
    blocked = write("cobertura", str(out / "CALC-1.info"), plan, report, coverage)
    assert blocked.errors == (f"cannot write cobertura per-doc coverage ({out / 'CALC-1.info'}): "
                              f"{out / 'CALC-1.info'} is a file, not a directory",)


class _Unanalysable:
    def file_lines(self, path: str, scope: object) -> FileLines:
        raise Unmeasurable("coverage.py cannot analyse it (a syntax error)")


def test_what_cannot_be_written_or_analysed_is_said(analysis: CoverageAnalysis, tmp_path: Path) -> None:
    plan, report, coverage = _add_ran(analysis, tmp_path)
    out = tmp_path / "cov"
    (out / "CALC-1.xml").mkdir(parents=True)
    blocked = write("cobertura", str(out), plan, report, coverage)
    assert len(blocked.errors) == 1 and blocked.errors[0].startswith(
        f"cannot write cobertura coverage of CALC-1 to {out / 'CALC-1.xml'}: ")
    assert blocked.notes[0] == f"cobertura per-doc coverage ({out}): 0 docs written"
    unanalysable = write("lcov", str(out), plan, report, RunCoverage(_Unanalysable(), source="alone"))  # type: ignore[arg-type]
    assert unanalysable.notes[:2] == (f"lcov per-doc coverage ({out}): 1 doc written",
                                      f"lcov per-doc coverage ({out}): no file for CALC-2: no goal of theirs was "
                                      "measured in this run")
    assert unanalysable.notes[2] == (f"lcov per-doc coverage ({out}): CALC-1: src/calc.py left out: coverage.py "
                                     "cannot analyse it (a syntax error)")
    unrun = evaluate(plan, RunRecorder().freeze(), coverage, rootdir=str(tmp_path), created="x")
    assert write("lcov", str(out), plan, unrun, coverage).notes == (
        f"lcov per-doc coverage ({out}): nothing written: no doc has a measured coverage goal in this run",)
