"""Plan + run record + coverage → report: findings and goal statuses. Pure.

Coverage figures come through the :class:`CoverageFigures` protocol, so
this module never touches coverage.py itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping, NoReturn, Optional, Protocol, Sequence

from .codes import DD002, DD013, DD014, DD031, Code
from .kinds import Judging, goal_type
from .model import (
    DesignDoc,
    DocResult,
    Finding,
    GoalResult,
    GoalStatus,
    Metric,
    Report,
    RowResult,
    Severity,
    Subject,
    TestFileOutcome,
)
from .plan import DocPlan, Plan, RowPlan, is_python_file
from .record import FileRecord, RunRecord
from .symbols import Span
from .targets import GoalPlan


@dataclass(frozen=True)
class RowScope:
    """What counts for a row: its test files' tests and the tests marked with its doc's key."""

    test_files: tuple[str, ...]
    key: str


@dataclass(frozen=True)
class Figure:
    actual: float
    """Unrounded percentage, 0-100, as coverage.py computes it."""
    missing: tuple[str, ...] = ()
    """What is not covered: ``path: line ranges`` per file, or unexecuted function names."""
    missing_lines: str = ""
    """For a symbol: its body's statements not executed, in coverage.py's format."""
    counted: bool = True
    """False when there was nothing to count (a pull request that changes no statement of the files)."""


class Unmeasurable(Exception):
    """Raised by :class:`CoverageFigures` when the data cannot decide a goal."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


@dataclass(frozen=True)
class FileLines:
    """A file's lines as coverage.py analysed them for a scope: what a per-doc Cobertura or LCOV file holds."""

    statements: frozenset[int]
    missing: frozenset[int]
    exits: Mapping[int, tuple[tuple[int, bool], ...]]
    """Branch line → each exit's destination and whether it was taken ({} without branch data)."""
    branches: bool = False
    """Whether branches were measured at all."""


class CoverageFigures(Protocol):
    def figure(self, files: Sequence[str], metric: Metric, scope: Optional[RowScope]) -> Figure:
        """Coverage of ``files`` taken together (like coverage.py's TOTAL)."""

    def symbol_figure(self, parts: Sequence[tuple[str, Sequence[Span]]], scope: Optional[RowScope],
                      metric: Metric = Metric.LINE) -> Figure:
        """Coverage of the bodies of each file's functions for ``metric``; ``missing`` names the ones never executed."""

    def changed_figure(self, files: Sequence[str], changed: Mapping[str, frozenset[int]],
                       scope: Optional[RowScope]) -> Figure:
        """Statement coverage of the ``changed`` lines of ``files`` taken together."""

    def file_lines(self, path: str, scope: Optional[RowScope]) -> FileLines:
        """``path``'s lines for ``scope`` (per-doc coverage files); Unmeasurable when the data cannot tell."""


@dataclass(frozen=True)
class ChangedLines:
    """What a pull request changes: the lines the working tree adds or changes against the merge base."""

    ref: str = ""
    """The base asked for (``--designdoc-base``); '' when none was: changed-lines goals are not run."""
    base: str = ""
    """The merge base, ``abc1234, 2026-10-01``."""
    lines: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """Rootdir-relative path → changed line numbers."""
    problem: str = ""
    """Why git could not tell (a base not fetched, no repository): the goals are unmeasurable, an error."""
    hint: str = ""


@dataclass(frozen=True)
class RunCoverage:
    """What the run's coverage can tell the evaluation: figures, or why goals cannot be decided."""

    figures: Optional[CoverageFigures] = None
    problem: str = ""
    """Why goals that need coverage cannot be decided although coverage ran: an error."""
    hint: str = ""
    note: str = ""
    """Shown with the closing line when goals are undecided."""
    source: str = ""
    """Whose coverage measured the run (``alone``, ``pytest-cov``, ``coverage run``); empty: none."""
    row_scope: bool = True
    preimported: frozenset[str] = frozenset()
    """Target files imported before coverage started."""
    changed: ChangedLines = ChangedLines()


def evaluate(
    plan: Plan,
    record: RunRecord,
    coverage: RunCoverage = RunCoverage(),
    *,
    rootdir: str,
    created: str,
    collect_only: bool = False,
) -> Report:
    judge = _GoalJudge(coverage)
    docs = tuple(_doc(doc_plan, record, collect_only, judge) for doc_plan in plan.docs)
    findings = list(plan.findings)
    keys = plan.keys
    for key, (path, line) in sorted(record.marker_keys.items()):
        if not is_marker_key(key):
            findings.append(
                DD031.finding(path, line, f"marker designdoc({key!r}) is not one key: it credits nothing",
                              "one key per marker: @pytest.mark.designdoc('A') and @pytest.mark.designdoc('B')",
                              Subject(test=path)))
        elif key not in keys:
            findings.append(
                DD031.finding(path, line, f"marker designdoc({key!r}) names an unknown key",
                              f"known keys: {', '.join(sorted(keys)) or 'none'}")
            )
    return Report(rootdir=rootdir, created=created, docs=docs, findings=tuple(sorted(findings, key=lambda f: f.sort_key)),
                  coverage_note=coverage.note, coverage_source=coverage.source,
                  coverage_scope="row" if coverage.row_scope else "suite")


def is_marker_key(key: str) -> bool:
    """A ``designdoc("KEY")`` argument that names one key (a comma or bracket would reach other docs' rows)."""
    return bool(key) and not any(character in key for character in ",[]")


def static_findings(plan: Plan) -> list[Finding]:
    """What the docs and the file system alone say (``designdoc lint``): no run, no coverage."""
    found = list(plan.findings)
    for doc_plan in plan.docs:
        if doc_plan.doc.checked:
            found.extend(_as_enforced(doc_plan.doc, list(doc_plan.doc.findings) + list(doc_plan.findings)))
    return sorted(found, key=lambda f: f.sort_key)


def static_report(plan: Plan, *, rootdir: str, created: str, note: str = "") -> Report:
    """The static findings as a report, per doc (a job writing shard evidence decides nothing else)."""
    docs = tuple(DocResult(doc_plan.doc, findings=tuple(sorted(
        _as_enforced(doc_plan.doc, list(doc_plan.doc.findings) + list(doc_plan.findings)), key=lambda f: f.sort_key)
        if doc_plan.doc.checked else ())) for doc_plan in plan.docs)
    return Report(rootdir=rootdir, created=created, docs=docs, findings=tuple(plan.findings), coverage_note=note)


def _as_enforced(doc: DesignDoc, findings: list[Finding]) -> list[Finding]:
    """Findings of draft, proposed and ``enforce: false`` docs are warnings."""
    return findings if doc.enforced else [f.demoted() for f in findings]


def _doc(doc_plan: DocPlan, record: RunRecord, collect_only: bool, judge: _GoalJudge) -> DocResult:
    doc = doc_plan.doc
    if not doc.checked:
        return DocResult(doc)
    findings = list(doc.findings) + list(doc_plan.findings)
    rows = []
    not_run: list[tuple[int, int, str]] = []
    lost = False
    for index, row_plan in enumerate(doc_plan.rows):
        outcome = _row(doc_plan, index, record, collect_only, judge)
        rows.append(outcome.result)
        findings.extend(outcome.findings)
        lost = lost or outcome.lost
        if outcome.why_not_run:
            not_run.append((index, row_plan.row.line, outcome.why_not_run))
    if not_run:
        findings.append(_rows_not_run(doc.path, not_run))
    if lost:
        findings.append(DD013.finding(doc.path, doc.line,
                                      f"coverage goals could not be measured: {judge.coverage.problem}",
                                      judge.coverage.hint, severity=Severity.ERROR))
    findings = _as_enforced(doc, findings)
    return DocResult(doc, doc_plan.files, tuple(rows), tuple(sorted(findings, key=lambda f: f.sort_key)))


def _rows_not_run(path: str, not_run: list[tuple[int, int, str]]) -> Finding:
    """One DD014 per doc for its rows whose goals were not decided in this run: (row index, line, why)."""
    if len(not_run) == 1:
        message = f"row not run in this session: {not_run[0][2]}"
    else:
        message = f"{len(not_run)} rows not run in this session: " + "; ".join(
            f"line {line}: {why}" for _, line, why in not_run)
    return DD014.finding(path, not_run[0][1], message,
                         "their coverage goals are not_run; run the rows' test files whole to check them",
                         Subject(row=not_run[0][0]))


@dataclass(frozen=True)
class _RowOutcome:
    result: RowResult
    findings: tuple[Finding, ...]
    why_not_run: str
    """Why its goals were not run ('' when they were)."""
    lost: bool
    """A goal was left unmeasurable by the coverage problem (the doc gets one DD013 for it)."""


def _row(doc_plan: DocPlan, index: int, record: RunRecord, collect_only: bool, judge: _GoalJudge) -> _RowOutcome:
    row_plan = doc_plan.rows[index]
    path = doc_plan.doc.path
    run = _RowRun.of(row_plan, record, collect_only=collect_only)
    findings = [DD002.finding(path, row_plan.row.line, message, hint, Subject(test=test_file, row=index),
                              severity=severity)
                for test_file, (severity, message, hint) in run.problems]
    scope = RowScope(row_plan.test_files, doc_plan.doc.key) if run.ran and not collect_only else None
    verdicts = [judge.judge(goal, scope, path, Subject(row=index, goal=number))
                for number, goal in enumerate(row_plan.goals)]
    findings.extend(finding for verdict in verdicts for finding in verdict.findings)
    return _RowOutcome(RowResult(row_plan.row, tuple(run.outcomes), tuple(verdict.result for verdict in verdicts)),
                       tuple(findings), "; ".join(_not_run_reasons(row_plan, run)),
                       any(verdict.lost for verdict in verdicts))


def _not_run_reasons(row_plan: RowPlan, run: _RowRun) -> list[str]:
    """Why the row's goals were not decided: test files left out or run in part, or none listed."""
    reasons = [f"{', '.join(run.not_selected)} not selected"] if run.not_selected else []
    if any(goal.measured for goal in row_plan.goals):
        reasons.extend(run.partial)
        if not row_plan.paths:
            reasons.append("it lists no test file, so nothing can meet its coverage goals")
    return reasons


@dataclass
class _RowRun:
    """What the session did with one row's test files."""

    outcomes: list[TestFileOutcome] = field(default_factory=list)
    not_selected: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    """``path partly selected (how)`` for each test file a selection ran only in part."""
    problems: list[tuple[str, tuple[Severity, str, str]]] = field(default_factory=list)
    """(test file, DD002 problem) pairs."""

    @classmethod
    def of(cls, row_plan: RowPlan, record: RunRecord, *, collect_only: bool = False) -> _RowRun:
        measured = any(goal.measured for goal in row_plan.goals)  # only such a row gets a DD014
        run = cls([TestFileOutcome(check.spec, exists=False) for check in row_plan.paths if not check.files])
        for test_file in row_plan.test_files:
            run._add(test_file, record, collect_only=collect_only, measured=measured)
        return run

    def _add(self, test_file: str, record: RunRecord, *, collect_only: bool, measured: bool) -> None:
        seen = record.file(test_file)
        self.outcomes.append(_outcome(test_file, seen))
        if not is_python_file(test_file) or seen.collect_error:
            return
        narrowed = record.selection.partial(test_file, seen)
        if narrowed:
            self.partial.append(_narrowed(test_file, seen, narrowed))
        if not collect_only:
            self._stopped_early(test_file, seen)
        if not seen.considered:
            self.not_selected.append(test_file)
            return
        problem = _test_file_problem(test_file, seen, narrowed, ran_tests=record.ran_tests and not collect_only,
                                     in_dd014=bool(narrowed) and measured)
        if problem is not None:
            self.problems.append((test_file, problem))

    def _stopped_early(self, test_file: str, seen: FileRecord) -> None:
        selected = seen.collected - seen.deselected
        unrun = selected - (seen.passed + seen.failed + seen.skipped)
        if unrun > 0:
            self.partial.append(f"{unrun} of the {selected} selected tests of {test_file} did not run "
                                "(the session stopped early: -x, --maxfail, a collection error or an interrupt)")

    @property
    def ran(self) -> bool:
        """Every test file of the row ran whole (and at least one had a test selected)."""
        return bool(self.outcomes) and not self.not_selected and not self.partial and any(
            outcome.selected for outcome in self.outcomes)


def _outcome(test_file: str, seen: FileRecord) -> TestFileOutcome:
    return TestFileOutcome(test_file, exists=True, selected=seen.considered and seen.collected > seen.deselected,
                           collected=seen.collected, passed=seen.passed, failed=seen.failed, skipped=seen.skipped,
                           deselected=seen.deselected, collect_error=seen.collect_error)


def _narrowed(test_file: str, seen: FileRecord, how: str) -> str:
    """What the command line's selection did to ``test_file``, for DD014."""
    if seen.collected and seen.deselected == seen.collected:
        return f"all {seen.collected} tests of {test_file} deselected ({how})"
    return f"{test_file} partly selected ({how})"


def _test_file_problem(
    test_file: str, seen: FileRecord, narrowed: str, *, ran_tests: bool, in_dd014: bool = False
) -> Optional[tuple[Severity, str, str]]:
    """DD002 for a listed test file pytest looked at: (severity, message, hint), or None.

    ``in_dd014``: the row's DD014 says what the command line's selection did, so DD002 does not repeat it.
    """
    if seen.collect_skipped:
        return (Severity.WARNING, f"'{test_file}' was skipped at collection",
                "a row whose tests never run checks nothing; see the skip reason with -rs")
    if seen.collected == 0 and not narrowed:
        return (Severity.ERROR, f"listed test file '{test_file}' yields no test",
                "pytest collected nothing from it: check its test names and the python_files, "
                "python_classes and python_functions settings")
    return _none_ran(test_file, seen, ran_tests=ran_tests, in_dd014=in_dd014)


def _none_ran(test_file: str, seen: FileRecord, *, ran_tests: bool,
              in_dd014: bool) -> Optional[tuple[Severity, str, str]]:
    """DD002 for a test file whose tests were all deselected or all skipped."""
    if seen.collected and seen.deselected == seen.collected and not in_dd014:
        return (Severity.WARNING, f"all {seen.collected} tests of '{test_file}' were deselected",
                "the row's tests did not run in this session (-k, -m or --deselect)")
    if ran_tests and seen.skipped and not (seen.passed or seen.failed):
        return (Severity.WARNING, f"all tests of '{test_file}' were skipped", "a row whose tests never run checks nothing")
    return None


@dataclass(frozen=True)
class _Verdict:
    """A goal's result and the findings that explain it."""

    result: GoalResult
    findings: tuple[Finding, ...] = ()
    lost: bool = False
    """Left unmeasurable by the coverage problem, which the doc reports once."""


class _GoalJudge:
    """Decides percent and symbol goals from coverage figures."""

    def __init__(self, coverage: RunCoverage) -> None:
        self.coverage = coverage
        self.row_scope = coverage.row_scope
        self.warned: set[tuple[str, str]] = set()
        """(doc, target) pairs already warned about an import before coverage started: one warning each."""

    def judge(self, plan: GoalPlan, scope: Optional[RowScope], path: str, subject: Subject = Subject()) -> _Verdict:
        goal = plan.goal
        if plan.status is not None:
            return _Verdict(_undecided(plan, plan.status))
        if scope is None:
            return _Verdict(_undecided(plan, GoalStatus.NOT_RUN))
        if self.coverage.problem:
            return _Verdict(_undecided(plan, GoalStatus.UNMEASURABLE), lost=True)
        figures = self.coverage.figures
        if figures is None:
            return _Verdict(_undecided(plan, GoalStatus.NOT_RUN))
        if goal.metric is Metric.CHANGED and not self.coverage.changed.ref:
            return _Verdict(replace(_undecided(plan, GoalStatus.NOT_RUN), reason="no --designdoc-base to compare with"),
                            (DD013.finding(path, goal.line, f"goal '{goal.text}' measures what a pull request changes, "
                                           "and no base was given", "run with --designdoc-base REF (e.g. origin/main; "
                                           "ini designdoc_base)", subject, severity=Severity.WARNING),))
        kind = goal_type(goal)
        findings = self._imported_early(plan, path, subject) if kind.counts_whole_files else []

        def failed(code: Code, message: str, hint: str) -> None:
            findings.append(code.finding(path, goal.line, message, hint, subject, severity=Severity.ERROR))

        judging = Judging(figures, scope, scope if self.row_scope else None, self.coverage.changed, failed,
                          _unmeasurable)
        try:
            result = kind.decide(plan, judging)
        except Unmeasurable as exc:
            failed(DD013, f"goal '{goal.text}' cannot be measured: {exc.reason}", exc.hint)
            result = _undecided(plan, GoalStatus.UNMEASURABLE)
        return _Verdict(result, tuple(findings))

    def _imported_early(self, plan: GoalPlan, path: str, subject: Subject) -> list[Finding]:
        """A warning for each target imported before coverage started, once per doc."""
        findings = []
        for early in sorted(set(plan.files) & self.coverage.preimported):
            if (path, early) not in self.warned:
                self.warned.add((path, early))
                findings.append(DD013.finding(
                    path, plan.goal.line,
                    f"'{early}' was imported before coverage started, so its import-time lines count as "
                    "missed (as with pytest --cov)",
                    "pytest or a plugin imports it first; run `coverage run -m pytest --designdoc` "
                    "to measure it from the start", subject, severity=Severity.WARNING))
        return findings


def _unmeasurable(reason: str, hint: str) -> NoReturn:
    raise Unmeasurable(reason, hint)


def _undecided(plan: GoalPlan, status: GoalStatus) -> GoalResult:
    """A goal whose status comes without figures (manual, not run, unmeasurable, or decided statically)."""
    return GoalResult(plan.goal, status, files=plan.files, symbol_file=plan.symbol_file, line_range=plan.line_range,
                      reason=plan.reason if plan.status is status else "")
