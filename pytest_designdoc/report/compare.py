"""``designdoc compare BASE.json HEAD.json``: what a pull request changes in the design's verdicts.

Two saved JSON v1 reports (the base branch's run and the head's) become
one Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``:
per doc, goals newly failing and newly met, figures that moved, findings
that appeared or went. A goal met on base that is failed or unmeasurable
on head is a regression: the command exits 1.

Docs are matched by key (else path); goals by their row's test files and
their text, so editing a doc's line numbers changes nothing; findings by
code, doc and message with its figures set aside (a DD010 whose figure
moved is the same finding, its figure is a goal's change).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Optional

from ..model import percent_text
from .data import DocData, FindingData, GoalData, ReportData
from .markdown import cell, code
from .view import plural

_NOT_MET = ("failed", "unmeasurable")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ICON = {"failing": "❌", "met": "✅", "up": "🔼", "down": "🔽", "new": "➕", "removed": "➖"}


@dataclass(frozen=True)
class GoalChange:
    row: str
    text: str
    base: Optional[GoalData]
    head: Optional[GoalData]

    @property
    def kind(self) -> str:
        """``failing``, ``met``, ``up``, ``down``, ``new``, ``removed``, or '' when nothing a reader needs changed."""
        if self.base is None:
            return "new"
        if self.head is None:
            return "removed"
        before, after = self.base["status"], self.head["status"]
        if before == "met" and after in _NOT_MET:
            return "failing"
        if before != "met" and after == "met":
            return "met"
        delta = self.delta
        if delta:
            return "up" if delta > 0 else "down"
        return ""

    @property
    def delta(self) -> Optional[float]:
        before = self.base.get("actual") if self.base else None
        after = self.head.get("actual") if self.head else None
        if before is None or after is None or before == after:
            return None
        return float(after) - float(before)


@dataclass(frozen=True)
class DocComparison:
    key: str
    title: str
    path: str
    goals: tuple[GoalChange, ...]
    new_findings: tuple[FindingData, ...]
    removed_findings: tuple[FindingData, ...]
    added: bool = False
    removed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.new_findings or self.removed_findings
                    or any(goal.kind for goal in self.goals))


@dataclass(frozen=True)
class Comparison:
    docs: tuple[DocComparison, ...]

    def count(self, kind: str) -> int:
        return sum(1 for doc in self.docs for goal in doc.goals if goal.kind == kind)

    @property
    def regressions(self) -> int:
        """Goals met on base that head fails (or cannot measure): the comparison fails."""
        return self.count("failing")


def compare(base: ReportData, head: ReportData) -> Comparison:
    base_docs = {_doc_id(doc): doc for doc in base["docs"]}
    head_docs = {_doc_id(doc): doc for doc in head["docs"]}
    docs = []
    for doc_id in sorted(base_docs.keys() | head_docs.keys()):
        before, after = base_docs.get(doc_id), head_docs.get(doc_id)
        shown = after or before
        assert shown is not None
        base_findings, head_findings = _findings(before), _findings(after)
        docs.append(DocComparison(
            key=shown["key"], title=shown["title"], path=shown["path"],
            goals=tuple(_goal_changes(before, after)),
            new_findings=tuple(f for k, f in sorted(head_findings.items()) if k not in base_findings),
            removed_findings=tuple(f for k, f in sorted(base_findings.items()) if k not in head_findings),
            added=before is None, removed=after is None))
    return Comparison(tuple(docs))


def _doc_id(doc: DocData) -> str:
    return doc["key"] or doc["path"]


def _goals(doc: Optional[DocData]) -> dict[tuple[str, str, int], tuple[str, GoalData]]:
    """Each goal under (row label, text, occurrence): line numbers move when a doc is edited, these do not."""
    goals: dict[tuple[str, str, int], tuple[str, GoalData]] = {}
    if doc is None:
        return goals
    seen: Counter[tuple[str, str]] = Counter()
    for row in doc["rows"]:
        label = row["type"] + ": " + ", ".join(t["path"] for t in row["test_files"])
        for goal in row["goals"]:
            seen[(label, goal["text"])] += 1
            goals[(label, goal["text"], seen[(label, goal["text"])])] = (label, goal)
    return goals


def _goal_changes(before: Optional[DocData], after: Optional[DocData]) -> Iterable[GoalChange]:
    base_goals, head_goals = _goals(before), _goals(after)
    for key in sorted(base_goals.keys() | head_goals.keys()):
        label, text, _ = key
        yield GoalChange(label, text, base_goals.get(key, ("", None))[1], head_goals.get(key, ("", None))[1])


def _findings(doc: Optional[DocData]) -> dict[tuple[str, str, str], FindingData]:
    if doc is None:
        return {}
    return {(f["code"], f["path"], _NUMBER.sub("#", f["message"])): f for f in doc["findings"]
            if f["severity"] in ("error", "warning")}


# Markdown ----------------------------------------------------------------------

_HEADINGS = (("failing", "newly failing"), ("met", "newly met"), ("up", "figures up"), ("down", "figures down"),
             ("new", "new goals"), ("removed", "removed goals"))


def markdown(comparison: Comparison) -> str:
    verdict = "❌" if comparison.regressions else "✅"
    new = sum(len(doc.new_findings) for doc in comparison.docs)
    gone = sum(len(doc.removed_findings) for doc in comparison.docs)
    summary = (f"{plural(comparison.count('failing'), 'goal')} newly failing, {comparison.count('met')} newly met, "
               f"{plural(comparison.count('up'), 'figure')} up, {comparison.count('down')} down; "
               f"{plural(new, 'new finding')}, {gone} removed.")
    lines = [f"## {verdict} pytest-designdoc: head against base", "", summary, ""]
    changed = [doc for doc in comparison.docs if doc.changed]
    if not changed:
        lines += ["No design doc's verdicts changed.", ""]
    for doc in changed:
        lines += _doc_section(doc)
    return "\n".join(lines).rstrip("\n") + "\n"


def _doc_section(doc: DocComparison) -> list[str]:
    state = " (new doc)" if doc.added else " (removed)" if doc.removed else ""
    lines = [f"### {cell(doc.key)} — {cell(doc.title)}{state}", "", code(doc.path), ""]
    lines += _goal_counts(doc) if doc.added or doc.removed else _goal_table(doc)
    for title, findings, icon in (("New findings", doc.new_findings, _ICON["new"]),
                                  ("Removed findings", doc.removed_findings, _ICON["removed"])):
        if findings:
            lines += [f"{title}:", ""]
            lines += [f"- {icon} {code(f['path'] + ':' + str(f['line']))} **{f['code']}** {f['severity']}: "
                      f"{cell(f['message'])}" for f in findings]
            lines.append("")
    return lines


def _goal_counts(doc: DocComparison) -> list[str]:
    """A doc only one side has: how many goals, by status."""
    shown = [goal.head if doc.added else goal.base for goal in doc.goals]
    statuses = Counter(goal["status"] for goal in shown if goal is not None)
    listed = ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in sorted(statuses.items()))
    return [f"{plural(len(doc.goals), 'goal')}{f': {listed}' if listed else ''}.", ""]


def _goal_table(doc: DocComparison) -> list[str]:
    """The goals that changed, newly failing first."""
    order = [kind for kind, _ in _HEADINGS]
    changes = sorted((goal for goal in doc.goals if goal.kind), key=lambda g: (order.index(g.kind), g.row, g.text))
    if not changes:
        return []
    lines = ["| | Goal | Row | Base | Head | Change |", "|---|---|---|---|---|---|"]
    for goal in changes:
        delta = f"{goal.delta:+.2f}" if goal.delta is not None else ""
        lines.append(f"| {_ICON[goal.kind]} {dict(_HEADINGS)[goal.kind]} | {cell(goal.text)} | {cell(goal.row)} | "
                     f"{_state(goal.base)} | {_state(goal.head)} | {delta} |")
    return lines + [""]


def _state(goal: Optional[GoalData]) -> str:
    if goal is None:
        return "—"
    actual = goal.get("actual")
    figure = f"{percent_text(actual)}% " if isinstance(actual, (int, float)) else ""
    return f"{figure}{goal['status'].replace('_', ' ')}"
