"""What every rendered format says, computed once from the JSON v1 data.

The JSON report is the source of truth: Markdown, HTML, JUnit and SARIF
are rendered from its dict (``report.json.to_dict``, or a saved file), so
``designdoc report`` can re-render any saved report.
"""

from __future__ import annotations

import unicodedata

from ..codes import DD013, DD014
from ..model import GOAL_STATUS_ORDER, Severity, percent_text
from .data import DocData, FindingData, GoalData, ReportData, RowData, SummaryData, TestFileData

STATUS_ORDER = tuple(status.value for status in GOAL_STATUS_ORDER)
SEVERITY_ORDER = {severity.value: severity.rank for severity in Severity}


def printable(text: str) -> str:
    """``text`` safe for a terminal or a log: invisible and control characters escaped as Python writes them.

    As pytest escapes test ids: an ESC sequence from a doc cannot drive the
    terminal, and a zero-width space or a bidi override in a path shows
    (``src/a\\u200b.py``) instead of hiding. Spaces of every kind stay.
    """
    if text.isprintable():
        return text
    return "".join(character if character.isprintable() or unicodedata.category(character) == "Zs"
                   else _escaped(character) for character in text)


def _escaped(character: str) -> str:
    code = ord(character)
    return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(character) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_text(data: ReportData) -> str:
    """The closing line, as the terminal prints it (without the run verdict)."""
    summary = data["summary"]
    goals = summary["goals"]
    parts = [f"{goals.get('met', 0)} met", f"{goals.get('failed', 0)} failed", f"{goals.get('manual', 0)} manual",
             f"{goals.get('not_run', 0)} not run"]
    if goals.get("unmeasurable"):
        parts.append(f"{goals['unmeasurable']} unmeasurable")
    selection = data.get("selection")
    selected = (f" ({', '.join(selection['keys']) or 'no doc affected'}; {selection['not_selected']} not selected)"
                if selection else "")
    return (f"{plural(summary['docs'], 'doc')}{selected}, {plural(sum(goals.values()), 'goal')}: {', '.join(parts)}; "
            f"{finding_counts(summary)}")


def finding_counts(summary: SummaryData) -> str:
    """``2 errors, 1 warning, 3 waived`` (waived only when there are some)."""
    waived = f", {summary['waived']} waived" if summary.get("waived") else ""
    return f"{plural(summary['errors'], 'error')}, {plural(summary['warnings'], 'warning')}{waived}"


def waiver_text(finding: FindingData) -> str:
    """``waived until 2027-03-31 by auth-team (waivers.yaml:3): reason``, or '' for a finding no waiver accepts."""
    waiver = finding.get("waiver")
    if waiver is None:
        return ""
    owner = f" by {waiver['owner']}" if waiver.get("owner") else ""
    return f"waived until {waiver['expires']}{owner} ({waiver['path']}:{waiver['line']}): {waiver['reason']}"


def doc_errors(doc: DocData) -> int:
    return sum(1 for f in doc["findings"] if f["severity"] == "error")


def doc_warnings(doc: DocData) -> int:
    return sum(1 for f in doc["findings"] if f["severity"] == "warning")


def docs_worst_first(data: ReportData) -> list[DocData]:
    """Docs with errors first, then warnings, then the rest; by path within each."""
    return sorted(data["docs"], key=lambda d: (-min(doc_errors(d), 1), -min(doc_warnings(d), 1), d["path"]))


def doc_state(doc: DocData) -> str:
    """``failed``, ``warning`` or ``ok``: the doc's worst finding; ``unchecked`` for a template or deprecated doc."""
    if doc_errors(doc):
        return "failed"
    if doc_warnings(doc):
        return "warning"
    return "ok" if doc.get("checked", True) else "unchecked"


def doc_status_text(doc: DocData) -> str:
    """The doc's status as every format shows it: ``accepted``, ``template, not checked`` …"""
    if doc.get("template"):
        return "template, not checked"
    if not doc.get("checked", True):
        return f"{doc['status']}, not checked"
    if not doc["enforced"]:
        return f"{doc['status']}, not enforced: findings are warnings"
    return doc["status"]


def findings_in_order(findings: list[FindingData]) -> list[FindingData]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f["severity"], 3), f["path"], f["line"], f["code"]))


def all_findings(data: ReportData) -> list[FindingData]:
    return findings_in_order([f for d in data["docs"] for f in d["findings"]] + list(data["findings"]))


def goal_figure(goal: GoalData) -> str:
    """What a measured goal's figure is: ``93.75% ≥ 90% (line)``, ``76.92% of its body's statements ran``; or ''.

    A percent names its metric as the goal grammar does (``line``, ``branch``, ``total``: what ``coverage
    report`` prints); a symbol goal without one is decided by whether its body ran, and its figure is the
    share of the body's statements that did.
    """
    actual = goal.get("actual")
    if actual is None:
        return ""
    required = goal.get("required")
    if required is None:
        whose = "their bodies'" if goal.get("public") else "its body's"
        return f"{percent_text(actual)}% of {whose} statements ran"
    sign = "≥" if goal["status"] == "met" else "<"
    metric = goal.get("metric", "line")
    return f"{percent_text(actual, required)}% {sign} {required:g}% ({'changed lines' if metric == 'changed' else metric})"


MANUAL_REASON = "a person checks it: no coverage figure decides it"

GOAL_STATUS_MEANINGS = {
    "met": "the figure reaches the goal, or the code it names ran",
    "failed": "the figure falls short, or the code it names does not exist or never ran",
    "unmeasurable": "coverage could not decide it; its reason says why and what to change",
    "not_run": "its row's tests did not all run in this session, so it is not decided",
    "manual": "not machine-checkable: a person checks it",
}
"""What each goal status means, as the HTML legend and docs/usage.md say it."""

DOC_STATE_MEANINGS = {
    "failed": "has errors",
    "warning": "has warnings",
    "ok": "clean",
    "unchecked": "not checked: a template or a deprecated doc",
}


def goal_reasons(doc: DocData, note: str = "") -> dict[tuple[int, int], str]:
    """Why each goal that is not met has its status, by (row, goal) index.

    Its own finding first, then the reason the report gives it, then its
    row's DD014, the doc's coverage problem or the run's coverage note.
    """
    own, rows, lost = _finding_reasons(doc)
    fallback = {"not_run": note or "its row's tests did not run in this session", "manual": MANUAL_REASON,
                "unmeasurable": lost or note or "no coverage data decides it"}
    reasons = {}
    for row_index, row in enumerate(doc["rows"]):
        for goal_index, goal in enumerate(row["goals"]):
            reason = _goal_reason(goal, own.get((row_index, goal_index), ""), rows.get(row_index, ""), fallback)
            if reason:
                reasons[(row_index, goal_index)] = reason
    return reasons


def _finding_reasons(doc: DocData) -> tuple[dict[tuple[int, int], str], dict[int, str], str]:
    """The first message of each goal's own finding, of each row's DD014, and of the doc's DD013."""
    own: dict[tuple[int, int], str] = {}
    rows: dict[int, str] = {}
    lost = ""
    for finding in findings_in_order(doc["findings"]):
        subject = finding.get("subject", {})
        row_at, goal_at = subject.get("row"), subject.get("goal")
        if row_at is not None and goal_at is not None:
            own.setdefault((row_at, goal_at), finding["message"])
        elif row_at is not None and finding["code"] == DD014.code:
            rows.setdefault(row_at, finding["message"])
        elif row_at is None and finding["code"] == DD013.code:
            lost = lost or finding["message"]
    return own, rows, lost


def _goal_reason(goal: GoalData, own: str, row: str, fallback: dict[str, str]) -> str:
    """A goal's reason ('' when met): ``own``, the report's, ``row``'s for a goal not run, else its status's."""
    status = goal["status"]
    if status == "met":
        return ""
    return own or goal.get("reason") or (row if status == "not_run" else "") or fallback.get(status, "")


def rows_with_reasons(doc: DocData, note: str = "") -> list[tuple[RowData, list[tuple[GoalData, str]]]]:
    """Each row of the doc with its goals, each with its reason (:func:`goal_reasons`; '' for none)."""
    reasons = goal_reasons(doc, note)
    return [(row, [(goal, reasons.get((row_index, goal_index), "")) for goal_index, goal in enumerate(row["goals"])])
            for row_index, row in enumerate(doc["rows"])]


def goal_details(goal: GoalData) -> str:
    """The goal's figure and what it names, ``; ``-joined ('' for neither)."""
    return "; ".join(detail for detail in (goal_figure(goal), goal_target(goal)) if detail)


def goal_target(goal: GoalData) -> str:
    symbol_file = goal.get("file")
    if goal["kind"] == "symbol" and symbol_file:
        lines = goal.get("line_range")
        return f"{symbol_file}:{lines[0]}-{lines[1]}" if lines else symbol_file
    return ", ".join(goal.get("files") or [])


def test_file_counts(test_file: TestFileData) -> str:
    if not test_file["exists"]:
        return "missing"
    if not test_file.get("selected", True) and not test_file["collected"]:
        return "not run"
    parts = [f"{test_file['collected']} collected"]
    for name in ("passed", "failed", "skipped", "deselected"):
        if test_file[name]:
            parts.append(f"{test_file[name]} {name}")
    return ", ".join(parts)


def anchor(path: str, line: int) -> str:
    """A stable HTML id for a doc line."""
    safe = "".join(c if c.isalnum() else "-" for c in path)
    return f"L-{safe}-{line}"
