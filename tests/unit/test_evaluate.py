"""Evidence and evaluation without a pytest session."""

from __future__ import annotations

from pytest_designdoc.evaluate import evaluate
from pytest_designdoc.evidence import EvidenceRecorder
from pytest_designdoc.model import DesignDoc, GoalKind, GoalStatus, Goal, Severity, Status, TestRow
from pytest_designdoc.plan import DocPlan, Plan, RowPlan, TestPathCheck


def test_a_test_outcome_is_its_worst_phase() -> None:
    recorder = EvidenceRecorder()
    recorder.collected_items(["t/test_a.py::ok", "t/test_a.py::bad_teardown", "t/test_a.py::skip"])
    for nodeid, outcome in [
        ("t/test_a.py::ok", "passed"), ("t/test_a.py::ok", "passed"),
        ("t/test_a.py::bad_teardown", "passed"), ("t/test_a.py::bad_teardown", "failed"),
        ("t/test_a.py::skip", "skipped"),
    ]:
        recorder.test_report(nodeid, outcome)
    seen = recorder.freeze().file("t/test_a.py")
    assert (seen.collected, seen.passed, seen.failed, seen.skipped) == (3, 1, 1, 1)


def test_worker_payloads_merge_without_double_counting() -> None:
    worker = EvidenceRecorder()
    worker.file_considered("t/test_a.py")
    worker.collected_items(["t/test_a.py::x"])
    worker.deselected_items(["t/test_a.py::y"])
    worker.marker("K-1", "t/test_a.py", 3)
    controller = EvidenceRecorder()
    controller.merge_payload(worker.payload())
    controller.merge_payload(worker.payload())
    controller.merge_payload(None)
    evidence = controller.freeze()
    assert evidence.file("t/test_a.py").collected == 2
    assert evidence.file("t/test_a.py").deselected == 1
    assert evidence.marker_keys == {"K-1": ("t/test_a.py", 3)}


def _plan(status: Status = Status.ACCEPTED) -> Plan:
    row = TestRow(line=9, test_type="Unit", test_paths=("t/test_a.py", "t/test_b.py"),
                  goals=(Goal("90%", 9, GoalKind.PERCENT, required=90.0), Goal("prose", 9, GoalKind.MANUAL)))
    doc = DesignDoc(path="docs/a.md", key="K-1", title="T", line=1, status=status, rows=(row,))
    checks = (TestPathCheck("t/test_a.py", ("t/test_a.py",)), TestPathCheck("t/test_b.py", ("t/test_b.py",)))
    return Plan((DocPlan(doc, rows=(RowPlan(row, checks),)),))


def test_evaluate_empty_unselected_and_unknown_marker() -> None:
    recorder = EvidenceRecorder()
    recorder.file_considered("t/test_a.py")
    recorder.marker("NOPE", "t/test_c.py", 4)
    report = evaluate(_plan(), recorder.freeze(), rootdir="/r", created="2026-11-25T00:00:00Z")
    found = [(f.code, f.severity, f.line) for f in report.all_findings()]
    assert found == [
        ("DD002", Severity.ERROR, 9),
        ("DD031", Severity.ERROR, 4),
        ("DD014", Severity.WARNING, 9),
    ]
    (row,) = report.docs[0].rows
    assert [g.status for g in row.goals] == [GoalStatus.NOT_RUN, GoalStatus.MANUAL]
    assert [(t.path, t.selected) for t in row.test_files] == [("t/test_a.py", False), ("t/test_b.py", False)]


def test_draft_findings_are_warnings() -> None:
    recorder = EvidenceRecorder()
    recorder.file_considered("t/test_a.py")
    report = evaluate(_plan(Status.DRAFT), recorder.freeze(), rootdir="/r", created="x")
    assert {f.severity for f in report.all_findings()} == {Severity.WARNING}
