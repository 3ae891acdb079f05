"""The ``designdoc`` section of pytest's terminal summary, rendered from the JSON v1 data like every format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .data import DocData, FindingData, ReportData
from .view import (
    doc_status_text,
    docs_worst_first,
    finding_counts,
    goal_figure,
    plural,
    printable,
    rows_with_reasons,
    summary_text,
    waiver_text,
)

_COLORS = {"error": "red", "warning": "yellow"}


@dataclass(frozen=True)
class Line:
    text: str
    color: str = ""
    """A pytest markup name (``red``, ``yellow``, ``green``) or empty."""


def finding_line(finding: FindingData) -> str:
    """``path:line CODE severity: message``, control and invisible characters escaped (:func:`printable`)."""
    waiver = waiver_text(finding)
    return printable(f"{finding['path']}:{finding['line']} {finding['code']} {finding['severity']}: "
                     f"{finding['message']}" + (f" — {waiver}" if waiver else ""))


def _finding(finding: FindingData, indent: str = "") -> Line:
    return Line(indent + finding_line(finding), _COLORS.get(finding["severity"], ""))


def summary_line(data: ReportData, *, strict: bool = False, evidence: Optional[str] = None) -> Line:
    summary = data["summary"]
    errors, warnings = summary["errors"], summary["warnings"]
    text = f"designdoc: {summary_text(data)}"
    if evidence is not None:
        text = (f"designdoc: evidence of {plural(summary['docs'], 'doc')} written to {evidence}; "
                f"designdoc merge decides the goals; {finding_counts(summary)}")
    note = data.get("coverage", {}).get("note")
    if summary["goals"].get("not_run") and note:
        text += f" ({note})"
    if errors or (strict and warnings):
        failing = "errors" if errors else "warnings (--designdoc-strict)"
        return Line(f"{text} — run failed on design doc checks ({failing})", "red")
    return Line(text, "yellow" if warnings else "green")


def render(data: ReportData, *, verbosity: int = 0, strict: bool = False,
           evidence: Optional[str] = None) -> list[Line]:
    """The section's lines: grouped per doc, errors first; what the docs say escaped (:func:`printable`).

    ``-q`` keeps one line per error and warning (no hints, no doc headers)
    and the closing line; ``-qq`` the closing line only; ``-v`` adds every
    doc, info findings, and each goal with its status.
    """
    shown = {"error", "warning"} | ({"info", "waived"} if verbosity > 0 else set())
    lines = _docs_lines(data, shown, verbosity)
    if verbosity >= -1:
        lines.extend(_finding(f) for f in _shown(data["findings"], shown))
    lines.append(summary_line(data, strict=strict, evidence=evidence))
    return [Line(printable(line.text), line.color) for line in lines]


def _shown(findings: list[FindingData], severities: set[str]) -> list[FindingData]:
    return [f for f in findings if f["severity"] in severities]


def _docs_lines(data: ReportData, shown: set[str], verbosity: int) -> list[Line]:
    """The docs' part of the section: their findings alone at ``-q``, nothing at ``-qq``, else :func:`_doc_lines`
    for each doc with a finding shown (for every doc when verbose)."""
    if verbosity == -1:
        return [_finding(f) for doc in docs_worst_first(data) for f in _shown(doc["findings"], shown)]
    if verbosity < -1:
        return []
    note = data.get("coverage", {}).get("note", "")
    lines: list[Line] = []
    for doc in docs_worst_first(data):
        findings = _shown(doc["findings"], shown)
        if findings or verbosity > 0:
            lines.extend(_doc_lines(doc, findings, verbose=verbosity > 0, note=note))
    return lines


def _doc_lines(doc: DocData, findings: list[FindingData], *, verbose: bool, note: str = "") -> list[Line]:
    """A doc's header, its findings (with hints for errors, for all when verbose), and its goals when verbose."""
    lines = [Line(f"{doc['path']} — {doc['key']}: {doc['title']} ({doc_status_text(doc)})", "bold")]
    for finding in findings:
        lines.extend(_finding_lines(finding, verbose))
    if verbose:
        lines.extend(_goal_lines(doc, note))
    return lines


def _finding_lines(finding: FindingData, verbose: bool) -> list[Line]:
    """A doc's finding, and below it its hint if it is an error or ``verbose``."""
    lines = [_finding(finding, "  ")]
    hint = finding.get("hint")
    if hint and (finding["severity"] == "error" or verbose):
        lines.append(Line(f"      hint: {hint}"))
    return lines


def _goal_lines(doc: DocData, note: str) -> list[Line]:
    """Each goal of the doc with its status, its figure and its reason."""
    lines = []
    for row, goals in rows_with_reasons(doc, note):
        for goal, reason in goals:
            said = [text for text in (goal_figure(goal), reason) if text]
            lines.append(Line(f"  {doc['path']}:{goal.get('line', doc.get('line', 0))} goal {goal['status']}: "
                              f"{goal['text']}" + "".join(f" — {text}" for text in said)))
    return lines
