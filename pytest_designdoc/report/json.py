"""The v1 JSON report, the source of truth for every other format."""

from __future__ import annotations

from typing import cast

from ..model import DocResult, Finding, GoalResult, Report, RowResult, Severity
from .data import CoverageData, DocData, FindingData, GoalData, ReportData, RowData, SubjectData, SummaryData

SCHEMA = "pytest-designdoc/report/v1"


def summary(report: Report) -> SummaryData:
    return {
        "docs": len(report.docs),
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "waived": report.count(Severity.WAIVED),
        "goals": {status.value: count for status, count in report.goal_counts().items()},
    }


def to_dict(report: Report) -> ReportData:
    data: ReportData = {
        "schema": SCHEMA,
        "created": report.created,
        "rootdir": report.rootdir,
        "summary": summary(report),
        "docs": [_doc(doc, report.coverage_note) for doc in sorted(report.docs, key=lambda d: d.doc.path)],
        "findings": [finding_dict(f) for f in report.findings],
    }
    if report.coverage_source or report.coverage_note:
        coverage: CoverageData = {"scope": report.coverage_scope}
        if report.coverage_source:
            coverage["source"] = report.coverage_source
        if report.coverage_note:
            coverage["note"] = report.coverage_note
        data["coverage"] = coverage
    if report.selection or report.not_selected:
        data["selection"] = {"keys": list(report.selection), "not_selected": report.not_selected}
    return data


def _doc(result: DocResult, note: str = "") -> DocData:
    """A doc's dict; each goal that is not met says why (``reason``)."""
    from .view import goal_reasons

    data = _doc_fields(result)
    for (row, goal), reason in goal_reasons(data, note).items():
        data["rows"][row]["goals"][goal]["reason"] = reason
    return data


def _doc_fields(result: DocResult) -> DocData:
    doc = result.doc
    return {
        "path": doc.path,
        "key": doc.key,
        "title": doc.title,
        "line": doc.line,
        "status": doc.status.value,
        "enforced": doc.enforced,
        "checked": doc.checked,
        "template": doc.is_template,
        "owners": list(doc.owners),
        "sha256": doc.sha256,
        "files": [
            {"section": f.section.value, "path": f.path, "line": f.line, "exists": f.exists, "matches": list(f.matches)}
            for f in result.files
        ],
        "rows": [_row(row) for row in result.rows],
        "findings": [finding_dict(f) for f in result.findings],
    }


def _row(result: RowResult) -> RowData:
    return {
        "line": result.row.line,
        "type": result.row.test_type,
        "columns": {name: value for name, value in result.row.columns},
        "test_files": [
            {
                "path": t.path,
                "exists": t.exists,
                "selected": t.selected,
                "collected": t.collected,
                "passed": t.passed,
                "failed": t.failed,
                "skipped": t.skipped,
                "deselected": t.deselected,
            }
            for t in result.test_files
        ],
        "goals": [_goal(goal) for goal in result.goals],
    }


def _goal(result: GoalResult) -> GoalData:
    from ..kinds import goal_type

    goal = result.goal
    kind = goal_type(goal)
    data: GoalData = {"text": goal.text, "line": goal.line, "kind": goal.kind.value, "status": result.status.value}
    kind.report_fields(result, data)
    if result.missing and kind.measured:
        data["missing"] = result.missing
    if result.reason:
        data["reason"] = result.reason
    return data


def finding_dict(finding: Finding) -> FindingData:
    data: FindingData = {
        "code": finding.code,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
    }
    if finding.hint:
        data["hint"] = finding.hint
    subject = finding.subject.as_dict()
    if subject:
        data["subject"] = cast(SubjectData, subject)
    if finding.waived is not None:
        waiver = finding.waived.waiver
        data["waiver"] = {"severity": finding.waived.severity.value, "reason": waiver.reason, "expires": waiver.expires,
                          "path": waiver.path, "line": waiver.line}
        if waiver.owner:
            data["waiver"]["owner"] = waiver.owner
    return data


def load_report(path: str) -> ReportData:
    """A saved v1 report, every field checked; ValueError says what keeps it from being one."""
    from ..fileio import load_versioned
    from .data import problem

    return cast(ReportData, load_versioned(path, SCHEMA, "report", problem))
