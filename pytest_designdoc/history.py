"""The doc against git history (SPEC §7): work a doc says was done, that history says was not.

For a doc whose status is ``implemented`` (error) or ``accepted``
(warning), a Files to Modify entry that nothing changed since the commit
that first added the doc, and a Files to Create entry that existed before
that commit, are DD005 findings: a phantom completion. The doc's own
commit counts as a change (a squash-merged pull request adds the doc and
its work at once), and so does the working tree.

When history cannot tell (an uncommitted doc, a shallow clone), the doc
gets one info finding saying the check did not run and how to make it
run; a project without git gets none (the ``-v`` header says so).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional, Sequence

from .codes import DD005
from .model import FileCheck, Finding, Section, Severity, Status, Subject

if TYPE_CHECKING:
    from .evaluate import ChangedLines, RunCoverage
    from .git import Commit, Git
    from .plan import DocPlan, Plan

_CHECKED = {Status.IMPLEMENTED: Severity.ERROR, Status.ACCEPTED: Severity.WARNING}


@dataclass(frozen=True)
class HistoryCheck:
    plan: Plan
    note: str = ""
    """Why no doc was checked against history at all ('' when git answered)."""


def checked_against_history(plan: Plan, root: str) -> HistoryCheck:
    """``plan`` with DD005 findings (and infos where history cannot tell) added to its docs."""
    docs = [doc for doc in plan.docs if _severity(doc) is not None and doc.files]
    if not docs:
        return HistoryCheck(plan)
    from .git import Git, GitUnavailable

    try:
        git = Git(root)
    except GitUnavailable as exc:
        return HistoryCheck(plan, f"Files entries are not checked against git history: {exc.reason}")
    found = {doc.doc.path: _doc_findings(doc, git) for doc in docs}
    return HistoryCheck(replace(plan, docs=tuple(
        replace(doc, findings=doc.findings + found[doc.doc.path]) if found.get(doc.doc.path) else doc
        for doc in plan.docs)))


def _severity(doc: DocPlan) -> Optional[Severity]:
    if not doc.doc.checked:
        return None
    severity = _CHECKED.get(doc.doc.status)
    if severity is Severity.ERROR and not doc.doc.enforce:
        return Severity.WARNING
    return severity


def _doc_findings(doc: DocPlan, git: Git) -> tuple[Finding, ...]:
    from .git import GitUnavailable

    severity = _severity(doc)
    assert severity is not None
    path = doc.doc.path
    try:
        added = git.first_added(path)
        if added is None:
            return (DD005.finding(
                path, doc.doc.line, f"{path} is not committed yet, so its Files entries are not checked against git history",
                "commit the doc; the check runs from then on", severity=Severity.INFO),)
        return tuple(DD005.finding(path, entry.line, message, hint, Subject(file=entry.path), severity=severity)
                     for entry in doc.files if entry.exists
                     for message, hint in [_contradiction(entry, added, git)] if message)
    except GitUnavailable as exc:
        return (DD005.finding(path, doc.doc.line,
                              f"the Files entries were not checked against git history: {exc.reason}", exc.hint,
                              severity=Severity.INFO),)


def _contradiction(entry: FileCheck, added: Commit, git: Git) -> tuple[str, str]:
    """What history says against ``entry`` (message, hint), or ('', '')."""
    files = entry.matches or (entry.path,)
    if entry.section is Section.MODIFY and not any(git.touched_since(name, added) for name in files):
        return (f"{entry.path} has not changed since this doc was written ({added})",
                "do the change the doc describes, or take the entry out of Files to Modify")
    if entry.section is Section.CREATE and all(git.existed_before(name, added) for name in files):
        return (f"{entry.path} existed before this doc was written ({added}): it is not a file to create",
                "move it to Files to Modify")
    return "", ""


def with_changed_lines(coverage: RunCoverage, plan: Plan, root: str, ref: str) -> RunCoverage:
    """``coverage`` with the lines the plan's changed-lines goals measure, when it has such goals."""
    from dataclasses import replace

    targets = plan.changed_targets()
    return replace(coverage, changed=changed_lines(root, ref, targets)) if targets else coverage


def changed_lines(root: str, ref: str, paths: Sequence[str]) -> ChangedLines:
    """The lines the working tree adds or changes in ``paths`` against its merge base with ``ref`` (SPEC §7)."""
    from .evaluate import ChangedLines
    from .git import Git, GitUnavailable

    if not ref:
        return ChangedLines()
    try:
        git = Git(root)
        base = git.merge_base(ref)
        lines = git.changed_lines(base, paths)
    except GitUnavailable as exc:
        return ChangedLines(ref, problem=f"the lines changed since {ref} are unknown: {exc.reason}", hint=exc.hint)
    return ChangedLines(ref, str(base), lines)


PROSE = (".md", ".rst")
"""Changed files that cannot change a test's outcome: prose (a design doc among them is mapped by its doc)."""


@dataclass(frozen=True)
class Affected:
    """``--designdoc-affected REF``: the docs a change touches, or why the whole run is checked."""

    ref: str
    keys: frozenset[str] = frozenset()
    """The keys of the docs whose doc file, Files entries or test files changed."""
    whole_run: str = ""
    """Why every doc is checked ('' when only ``keys`` are)."""

    def note(self, docs: int) -> str:
        """The line that says what ``--designdoc-affected`` did."""
        if self.whole_run:
            return f"--designdoc-affected {self.ref}: every doc is checked: {self.whole_run}"
        return (f"--designdoc-affected {self.ref}: {len(self.keys)} of {docs} docs affected by the changes"
                + (f" ({', '.join(sorted(self.keys))})" if self.keys else ": nothing to check, every test deselected"))


def affected_docs(plan: Plan, root: str, ref: str) -> Affected:
    """Which docs the changes since the merge base with ``ref`` touch; a change no doc maps checks them all."""
    from .git import Git, GitUnavailable

    try:
        git = Git(root)
        changed = set(git.changed_files(git.merge_base(ref)))
    except GitUnavailable as exc:
        return Affected(ref, whole_run=f"the changes are unknown ({exc.reason}; {exc.hint})" if exc.hint else
                        f"the changes are unknown ({exc.reason})")
    mapped: set[str] = set()
    keys = set()
    for doc in plan.docs:
        paths = _mapped_paths(doc)
        mapped |= paths
        if paths & changed:
            keys.add(doc.doc.key)
    unmapped = sorted(path for path in changed - mapped if not path.endswith(PROSE))
    if unmapped:
        shown = ", ".join(unmapped[:3]) + (f" and {len(unmapped) - 3} more" if len(unmapped) > 3 else "")
        return Affected(ref, whole_run=f"{shown} changed, and no doc maps {'it' if len(unmapped) == 1 else 'them'}")
    return Affected(ref, frozenset(keys))


def _mapped_paths(doc: DocPlan) -> set[str]:
    """The doc's own file, its Files entries (what a glob matches too) and its rows' test files."""
    paths = {doc.doc.path}
    for entry in doc.files:
        paths.add(entry.path)
        paths.update(entry.matches)
    for row in doc.rows:
        paths.update(row.test_files)
    return paths
