"""Plan + evidence → report: findings and goal statuses. Pure."""

from __future__ import annotations

from .evidence import Evidence
from .model import (
    DocResult,
    Finding,
    GoalKind,
    GoalResult,
    GoalStatus,
    Report,
    RowResult,
    Severity,
    TestFileOutcome,
)
from .plan import DocPlan, Plan, RowPlan, is_python_file


def evaluate(plan: Plan, evidence: Evidence, *, rootdir: str, created: str, collect_only: bool = False) -> Report:
    docs = tuple(_doc(doc_plan, evidence, collect_only) for doc_plan in plan.docs)
    findings = list(plan.findings)
    keys = plan.keys
    for key, (path, line) in sorted(evidence.marker_keys.items()):
        if key not in keys:
            findings.append(
                Finding("DD031", Severity.ERROR, path, line, f"marker designdoc({key!r}) names an unknown key",
                        f"known keys: {', '.join(sorted(keys)) or 'none'}")
            )
    return Report(rootdir=rootdir, created=created, docs=docs, findings=tuple(sorted(findings, key=lambda f: f.sort_key)))


def _doc(doc_plan: DocPlan, evidence: Evidence, collect_only: bool) -> DocResult:
    doc = doc_plan.doc
    if not doc.checked:
        return DocResult(doc)
    findings = list(doc.findings) + list(doc_plan.findings)
    rows = []
    for row_plan in doc_plan.rows:
        row_result, row_findings = _row(doc.path, row_plan, evidence, collect_only)
        rows.append(row_result)
        findings.extend(row_findings)
    if not doc.enforced:
        findings = [f.demoted() for f in findings]
    return DocResult(doc, doc_plan.files, tuple(rows), tuple(sorted(findings, key=lambda f: f.sort_key)))


def _row(path: str, row_plan: RowPlan, evidence: Evidence, collect_only: bool) -> tuple[RowResult, list[Finding]]:
    findings: list[Finding] = []
    line = row_plan.row.line

    def finding(code: str, severity: Severity, message: str, hint: str) -> None:
        findings.append(Finding(code, severity, path, line, message, hint))

    outcomes: list[TestFileOutcome] = []
    not_selected: list[str] = []
    for check in row_plan.paths:
        if not check.files:
            outcomes.append(TestFileOutcome(check.spec, exists=False))
    for test_file in row_plan.test_files:
        seen = evidence.file(test_file)
        outcomes.append(
            TestFileOutcome(
                test_file,
                exists=True,
                selected=seen.considered and seen.collected > seen.deselected,
                collected=seen.collected,
                passed=seen.passed,
                failed=seen.failed,
                skipped=seen.skipped,
                deselected=seen.deselected,
                collect_error=seen.collect_error,
            )
        )
        if not is_python_file(test_file) or seen.collect_error:
            continue
        if not seen.considered:
            not_selected.append(test_file)
        elif seen.collected == 0:
            finding("DD002", Severity.ERROR, f"listed test file '{test_file}' yields no test",
                    "pytest collected nothing from it: check its test names and the python_files, "
                    "python_classes and python_functions settings")
        elif seen.deselected == seen.collected:
            finding("DD002", Severity.WARNING, f"all {seen.collected} tests of '{test_file}' were deselected",
                    "the row's tests did not run in this session (-k, -m or --deselect)")
        elif not collect_only and evidence.ran_tests and seen.skipped and not (seen.passed or seen.failed):
            finding("DD002", Severity.WARNING, f"all tests of '{test_file}' were skipped",
                    "a row whose tests never run checks nothing")
    if not_selected:
        finding("DD014", Severity.WARNING, f"row not run in this session: {', '.join(not_selected)} not selected",
                "its goals are not_run; run pytest on these files to check the row")
    goals = tuple(
        GoalResult(goal, GoalStatus.MANUAL if goal.kind is GoalKind.MANUAL else GoalStatus.NOT_RUN)
        for goal in row_plan.row.goals
    )
    return RowResult(row_plan.row, tuple(outcomes), goals), findings
