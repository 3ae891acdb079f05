"""Design docs → what to check: files on disk, test files per row.

Everything here is a question to the file system inside rootdir; the
answers are findings (DD001, DD003, DD004, DD023, DD030) and the
resolved test files each row claims.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, Union

from . import safepath
from .codes import DD001, DD003, DD004, DD023, DD030
from .kinds import goal_type
from .model import DesignDoc, FileCheck, Finding, Metric, Section, Subject, TestRow
from .project_files import ProjectFiles
from .targets import GoalPlan, ParsedSource, TargetResolver


@dataclass(frozen=True)
class TestPathCheck:
    """One path as a Test Strategy row lists it, and the files it stands for."""

    __test__ = False

    spec: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class RowPlan:
    row: TestRow
    paths: tuple[TestPathCheck, ...]
    goals: tuple[GoalPlan, ...] = ()

    @property
    def test_files(self) -> tuple[str, ...]:
        return tuple(sorted({f for p in self.paths for f in p.files}))


@dataclass(frozen=True)
class DocPlan:
    doc: DesignDoc
    files: tuple[FileCheck, ...] = ()
    rows: tuple[RowPlan, ...] = ()
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Plan:
    docs: tuple[DocPlan, ...]
    findings: tuple[Finding, ...] = ()
    history_note: str = ""
    """Why the docs' Files entries were not checked against git history ('' when they were, or had none)."""

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(d.doc.key for d in self.docs)

    def select(self, patterns: Sequence[str]) -> tuple[Plan, list[str]]:
        """The plan of the docs whose key matches a glob of ``patterns``, and the globs that match no key."""
        from fnmatch import fnmatchcase

        unmatched = [pattern for pattern in patterns if not any(fnmatchcase(key, pattern) for key in self.keys)]
        docs = tuple(d for d in self.docs if any(fnmatchcase(d.doc.key, pattern) for pattern in patterns))
        paths = {d.doc.path for d in docs}
        return Plan(docs, tuple(f for f in self.findings if f.path in paths), self.history_note), unmatched

    def only(self, keys: frozenset[str]) -> Plan:
        """The plan of the docs whose key is one of ``keys``."""
        docs = tuple(d for d in self.docs if d.doc.key in keys)
        paths = {d.doc.path for d in docs}
        return Plan(docs, tuple(f for f in self.findings if f.path in paths), self.history_note)

    def measured_goals(self) -> list[GoalPlan]:
        """Percent and symbol goals of checked docs (drafts too) that need coverage data."""
        return [
            goal
            for doc in self.docs
            if doc.doc.checked
            for row in doc.rows
            for goal in row.goals
            if goal.measured
        ]

    def coverage_targets(self) -> list[str]:
        """The rootdir-relative files coverage must measure, in plan order."""
        return list(dict.fromkeys(path for goal in self.measured_goals() for path in goal.files))

    def changed_targets(self) -> list[str]:
        """The files whose changed lines a ``changed lines N%`` goal measures, in plan order."""
        return list(dict.fromkeys(path for goal in self.measured_goals() if goal.goal.metric is Metric.CHANGED
                                  for path in goal.files))

    def needs_branches(self) -> bool:
        return any(goal_type(goal.goal).needs_branches(goal.goal) for goal in self.measured_goals())


_MISSING = {
    Section.CREATE: (DD003, "Files to Create"),
    Section.MODIFY: (DD004, "Files to Modify"),
}


def is_python_file(path: str) -> bool:
    return path.endswith(".py")


def plan(
    docs: Sequence[DesignDoc],
    root: str,
    is_test_file: Callable[[str], bool],
    skip_dir: Callable[[str], bool] = lambda name: False,
    extra_findings: Sequence[Finding] = (),
    coverage_config: Union[str, bool] = True,
) -> Plan:
    """Resolve every doc's files and test paths against ``root`` (a real path).

    ``coverage_config`` is the coverage.py configuration whose ``[run] source``
    directories are searched for code a goal names and the doc does not list.
    """
    by_key: dict[str, list[DesignDoc]] = defaultdict(list)
    for doc in docs:
        by_key[doc.key].append(doc)
    duplicates: dict[str, list[Finding]] = defaultdict(list)
    for key, same in by_key.items():
        if len(same) > 1:
            for doc in same:
                others = ", ".join(o.path for o in same if o is not doc)
                duplicates[doc.path].append(
                    DD023.finding(doc.path, doc.line, f"duplicate key '{key}' (also in {others})",
                                  "give each design doc its own key (H1 or front matter 'key:')")
                )
    planner = _Planner(root, is_test_file, skip_dir, coverage_config)
    doc_plans = [planner.doc(doc, duplicates.get(doc.path, [])) for doc in docs]
    return Plan(tuple(doc_plans), tuple(extra_findings))


class _Planner:
    def __init__(self, root: str, is_test_file: Callable[[str], bool], skip_dir: Callable[[str], bool],
                 coverage_config: Union[str, bool]) -> None:
        self.root = root
        self.is_test_file = is_test_file
        self.skip_dir = skip_dir
        self.project = ProjectFiles(root, self.is_source, skip_dir, coverage_config)
        self.trees: dict[str, ParsedSource] = {}
        self.resolved: dict[str, safepath.Resolved] = {}
        self.globbed: dict[str, safepath.GlobResult] = {}
        """What each path or glob of the docs matched: docs list the same files, the file system stays put."""

    def doc(self, doc: DesignDoc, findings: list[Finding]) -> DocPlan:
        if not doc.checked:
            return DocPlan(doc)
        self.findings = list(findings)
        self.path = doc.path
        checks = tuple(self.file_check(entry.section, entry.path, entry.line) for entry in doc.files)
        listed = [m for c in checks for m in c.matches]
        missing = any(not c.exists and self.is_source(c.path) for c in checks)
        targets = TargetResolver(self.root, doc.path, listed, self.is_source, self.trees, missing, self.resolved,
                                 self.project)
        rows = tuple(
            RowPlan(
                row,
                tuple(self.test_path(spec, row.line, index) for spec in row.test_paths),
                tuple(targets.resolve(goal, Subject(row=index, goal=number)) for number, goal in enumerate(row.goals)),
            )
            for index, row in enumerate(doc.rows)
        )
        return DocPlan(doc, checks, rows, tuple(self.findings + targets.findings))

    def is_source(self, path: str) -> bool:
        """A Python file of the project's code, not its tests."""
        return is_python_file(path) and not self.is_test_file(path) and path.rsplit("/", 1)[-1] != "conftest.py"

    def refuse(self, raw: str, line: int, subject: Subject) -> None:
        self.findings.append(
            DD030.finding(self.path, line, f"path '{raw}' escapes rootdir: refused, not read",
                          "list paths relative to rootdir, without '..', '~' or a leading '/'", subject)
        )

    def matches(self, raw: str, line: int, subject: Subject) -> Optional[tuple[safepath.Resolved, ...]]:
        """What ``raw`` matches inside rootdir; None when nothing did and it was refused (DD030), not missing."""
        path = safepath.normalize(raw)
        if path is None:
            self.refuse(raw, line, subject)
            return None
        found = self.globbed.get(path)
        if found is None:
            found = self.globbed[path] = safepath.glob(self.root, path, self.skip_dir)
        for escape in found.escapes:
            self.refuse(escape, line, subject)
        for match in found.matches:
            self.resolved[match.path] = match
        return None if found.escapes and not found.matches else found.matches

    def file_check(self, section: Section, raw: str, line: int) -> FileCheck:
        subject = Subject(file=raw)
        matches = self.matches(raw, line, subject)
        if matches == ():
            code, title = _MISSING[section]
            pattern = " (glob matches nothing)" if safepath.has_magic(raw) else ""
            self.findings.append(
                code.finding(self.path, line, f"{title} entry '{raw}' is missing{pattern}",
                             "create the file, or update the design doc if it moved or was renamed", subject)
            )
        return FileCheck(section, raw, line, bool(matches), tuple(m.path for m in matches or ()))

    def test_path(self, raw: str, line: int, row: int) -> TestPathCheck:
        files: list[str] = []
        subject = Subject(test=raw, row=row)
        matches = self.matches(raw, line, subject)
        for match in matches or ():
            if match.kind == "dir":
                inside = safepath.glob(self.root, f"{match.path}/**/*", self.skip_dir)
                tests = [m.path for m in inside.matches if m.kind == "file" and self.is_test_file(m.path)]
                if not tests:
                    self.findings.append(
                        DD001.finding(self.path, line, f"test directory '{raw}' holds no test file",
                                      "add tests there, or list the test files themselves", subject)
                    )
                files.extend(tests)
            else:
                files.append(match.path)
        if matches == ():
            what = "glob matches nothing" if safepath.has_magic(raw) else "does not exist"
            self.findings.append(
                DD001.finding(self.path, line, f"listed test file '{raw}' {what}",
                              "write the tests the design promises, or update the Test Strategy row", subject)
            )
        return TestPathCheck(raw, tuple(sorted(set(files))))
