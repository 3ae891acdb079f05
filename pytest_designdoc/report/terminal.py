"""The ``designdoc`` section of pytest's terminal summary."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import DocResult, Finding, GoalStatus, Report, Severity, percent_text
from .json import summary
from .view import summary_text


_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow"}


@dataclass(frozen=True)
class Line:
    text: str
    color: str = ""
    """A pytest markup name (``red``, ``yellow``, ``green``) or empty."""


def finding_line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line} {finding.code} {finding.severity.value}: {finding.message}"


def summary_line(report: Report, *, strict: bool = False) -> Line:
    counts = summary(report)
    errors, warnings = counts["errors"], counts["warnings"]
    text = f"designdoc: {summary_text({'summary': counts})}"
    if counts["goals"][GoalStatus.NOT_RUN.value] and report.coverage_note:
        text += f" ({report.coverage_note})"
    if errors or (strict and warnings):
        failing = "errors" if errors else "warnings (--designdoc-strict)"
        return Line(f"{text} — run failed on design doc checks ({failing})", "red")
    return Line(text, "yellow" if warnings else "green")


def render(report: Report, *, verbosity: int = 0, strict: bool = False) -> list[Line]:
    """The section's lines: grouped per doc, errors first.

    ``-q`` keeps one line per error and warning (no hints, no doc headers)
    and the closing line; ``-qq`` the closing line only; ``-v`` adds every
    doc, info findings, and each goal with its status.
    """
    lines: list[Line] = []
    if verbosity < 0:
        if verbosity == -1:
            lines.extend(Line(finding_line(f), _COLORS.get(f.severity, "")) for f in report.all_findings()
                         if f.severity in (Severity.ERROR, Severity.WARNING))
        lines.append(summary_line(report, strict=strict))
        return lines
    shown = {Severity.ERROR, Severity.WARNING} | ({Severity.INFO} if verbosity > 0 else set())
    for result in sorted(report.docs, key=lambda d: (-_worst(d.findings), d.doc.path)):
        findings = [f for f in result.findings if f.severity in shown]
        if findings or verbosity > 0:
            lines.extend(_doc_lines(result, findings, verbose=verbosity > 0))
    lines.extend(Line(finding_line(f), _COLORS.get(f.severity, "")) for f in report.findings if f.severity in shown)
    lines.append(summary_line(report, strict=strict))
    return lines


def _doc_lines(result: DocResult, findings: list[Finding], *, verbose: bool) -> list[Line]:
    """A doc's header, its findings (with hints for errors, for all when verbose), and its goals when verbose."""
    doc = result.doc
    state = doc.status.value
    if doc.is_template:
        state = "template, not checked"
    elif not doc.checked:
        state += ", not checked"
    elif not doc.enforced:
        state += ", not enforced: findings are warnings"
    lines = [Line(f"{doc.path} — {doc.key}: {doc.title} ({state})", "bold")]
    for finding in findings:
        lines.append(Line("  " + finding_line(finding), _COLORS.get(finding.severity, "")))
        if finding.hint and (finding.severity is Severity.ERROR or verbose):
            lines.append(Line(f"      hint: {finding.hint}"))
    if verbose:
        for goal in (goal for row in result.rows for goal in row.goals):
            actual = f" (actual {percent_text(goal.actual)}%)" if goal.actual is not None else ""
            lines.append(Line(f"  {doc.path}:{goal.goal.line} goal {goal.status.value}: {goal.goal.text}{actual}"))
    return lines


def _worst(findings: tuple[Finding, ...]) -> int:
    return 2 if any(f.severity is Severity.ERROR for f in findings) else 1 if findings else 0
