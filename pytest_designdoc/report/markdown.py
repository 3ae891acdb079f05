"""The traceability matrix as GitHub-flavoured Markdown (fit for ``$GITHUB_STEP_SUMMARY``)."""

from __future__ import annotations

from collections import Counter

from ..kinds import first_ranges
from .data import DocData, FindingData, GoalData, ReportData
from .view import (
    STATUS_ORDER,
    doc_errors,
    doc_state,
    doc_status_text,
    doc_warnings,
    docs_worst_first,
    findings_in_order,
    goal_details,
    plural,
    rows_with_reasons,
    summary_text,
    test_file_counts,
    waiver_text,
)

_MISSING_RANGES = 20
_STATE_ICON = {"failed": "❌", "warning": "⚠️", "ok": "✅", "unchecked": "➖"}
_GOAL_ICON = {"met": "✅", "failed": "❌", "manual": "📝", "not_run": "⏸️", "unmeasurable": "❔"}
_SEVERITY_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️", "waived": "💤"}


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"})


def cell(text: str) -> str:
    """Prose safe inside a table cell: Markdown and HTML escaped, line breaks as <br>.

    Every line boundary Python knows (``\x1e``, ``\u2028`` …) is one: some
    Markdown parsers split lines on them too, which would break the table.
    """
    return " <br>".join(line.translate(_MARKDOWN_SPECIAL) for line in text.splitlines())


def code(text: str) -> str:
    """A code span; only the table's pipe needs escaping inside it.

    A backslash before a pipe has no spelling in a code span that GitHub's
    table rows keep whole (``\\\\|`` ends the cell): such text is written as
    escaped prose instead, exactly as it reads.
    """
    if "\\|" in text:
        return cell(text)
    inner = " ".join(text.split()).replace("|", "\\|")
    fence = "``" if "`" in inner else "`"
    pad = " " if "`" in inner else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def render(data: ReportData) -> str:
    summary = data["summary"]
    verdict = "❌" if summary["errors"] else "⚠️" if summary["warnings"] else "✅"
    lines = [f"## {verdict} pytest-designdoc", "", summary_text(data), ""]
    coverage = data.get("coverage")
    if coverage:
        note = f" — {coverage['note']}" if coverage.get("note") else ""
        lines += [f"Coverage: {coverage.get('source', 'not measured')}, {coverage['scope']} scope{note}", ""]
    docs = docs_worst_first(data)
    if docs:
        lines += ["| | Doc | Status | Files | Test files | Goals | Findings |", "|---|---|---|---|---|---|---|"]
        for doc in docs:
            lines.append(_overview_row(doc))
        lines.append("")
    orphans = findings_in_order(data["findings"])
    if orphans:
        lines += ["### Findings outside any doc", ""]
        lines += [_finding_item(f) for f in orphans]
        lines.append("")
    for doc in docs:
        lines += _doc_section(doc, data.get("coverage", {}).get("note", ""))
    return "\n".join(lines).rstrip("\n") + "\n"


def _overview_row(doc: DocData) -> str:
    files = doc["files"]
    present = sum(1 for f in files if f["exists"])
    test_files = [t for row in doc["rows"] for t in row["test_files"]]
    tests_ok = sum(1 for t in test_files if t["exists"])
    return (f"| {_STATE_ICON[doc_state(doc)]} | {code(doc['key'])} {cell(doc['title'])} | {cell(doc_status_text(doc))} | "
            f"{present}/{len(files)} | {tests_ok}/{len(test_files)} | {_goal_counts(doc)} | {_finding_counts(doc)} |")


def _goal_counts(doc: DocData) -> str:
    """``2 met, 1 not run``: the doc's goals by status, in status order; — for none."""
    counts = Counter(goal["status"] for row in doc["rows"] for goal in row["goals"])
    return ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in STATUS_ORDER if counts[s]) or "—"


def _finding_counts(doc: DocData) -> str:
    """``1 error, 2 warnings``: the doc's errors and warnings, those there are; — for none."""
    severities = ((doc_errors(doc), "error"), (doc_warnings(doc), "warning"))
    return ", ".join(plural(n, noun) for n, noun in severities if n) or "—"


def _finding_item(finding: FindingData) -> str:
    hint = f" — _{cell(finding['hint'])}_" if finding.get("hint") else ""
    if finding.get("waiver"):
        hint = f" — _{cell(waiver_text(finding))}_"
    return (f"- {_SEVERITY_ICON.get(finding['severity'], '')} {code(finding['path'] + ':' + str(finding['line']))} "
            f"**{finding['code']}** {cell(finding['message'])}{hint}")


def _doc_section(doc: DocData, note: str = "") -> list[str]:
    digest = f" · sha256 `{doc['sha256'][:12]}`" if doc.get("sha256") else ""
    lines = [f"### {_STATE_ICON[doc_state(doc)]} {cell(doc['key'])} — {cell(doc['title'])}", "",
             f"{code(doc['path'])} · {cell(doc_status_text(doc))}{digest}", ""]
    findings = findings_in_order(doc["findings"])
    if findings:
        lines += [_finding_item(f) for f in findings]
        lines.append("")
    return lines + _files_table(doc) + _rows_table(doc, note)


def _files_table(doc: DocData) -> list[str]:
    """The doc's Files entries and whether each exists; nothing when it has none."""
    if not doc["files"]:
        return []
    lines = ["| Section | File | Exists |", "|---|---|---|"]
    for entry in doc["files"]:
        lines.append(f"| {entry['section']} | {code(entry['path'])} | {'✅' if entry['exists'] else '❌'} |")
    return lines + [""]


def _rows_table(doc: DocData, note: str) -> list[str]:
    """The doc's test strategy rows: their test files and their goals, each with its reason; nothing without rows."""
    if not doc["rows"]:
        return []
    lines = ["| Line | Type | Test files | Goals |", "|---|---|---|---|"]
    for row, goals in rows_with_reasons(doc, note):
        tests = "<br>".join(f"{code(t['path'])} {cell(test_file_counts(t))}" for t in row["test_files"]) or "—"
        goal_texts = "<br>".join(_goal_text(goal, reason) for goal, reason in goals) or "—"
        lines.append(f"| {row['line']} | {cell(row['type'])} | {tests} | {goal_texts} |")
    return lines + [""]


def _goal_text(goal: GoalData, reason: str = "") -> str:
    details = goal_details(goal)
    text = f"{_GOAL_ICON.get(goal['status'], '')} {cell(goal['text'])} — {goal['status'].replace('_', ' ')}"
    if details:
        text += f" ({cell(details)})"
    if goal.get("missing") and goal["status"] == "failed":
        text += f"<br>missing: {cell(first_ranges(goal['missing'], _MISSING_RANGES))}"
    if reason:
        text += f"<br>why: {cell(reason)}"
    return text
