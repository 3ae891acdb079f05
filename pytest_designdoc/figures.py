"""Coverage figures for goals: coverage.py's analysis of what ran on behalf of a row.

A row's executed lines (and arcs) are, for each target file (SPEC §2,
Row scope):

* what the row's contexts recorded — the row's test files (collection and
  tests), the tests marked with its doc's key, and the context of what ran
  outside any test file (:data:`contexts.OUTSIDE`);
* import-time statements (outside function bodies) recorded in any context.

They are put in a one-file in-memory ``CoverageData`` and analysed by
coverage.py itself (``analysis_from_file_reporter``, ``Numbers``) with the
project's configuration, so the figures are the ones ``coverage report``
would print for that data.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, AbstractSet, Mapping, Optional, Sequence, Union

from .contexts import row_contexts
from .evaluate import Figure, FileLines, RowScope, RunCoverage, Unmeasurable
from .measure import CoverageOutcome, quiet
from .model import Metric
from .symbols import Span, SymbolSyntaxError, import_time_lines, parse_source

if TYPE_CHECKING:
    from coverage import Coverage, CoverageData
    from coverage.plugin import FileReporter
    from coverage.results import Analysis, Numbers

def run_coverage(outcome: CoverageOutcome, root: str, *, row_scope: bool,
                      marked: Optional[Mapping[str, Sequence[str]]] = None) -> RunCoverage:
    """What a coverage outcome tells the evaluation: figures, or the problem that keeps it from deciding."""
    if outcome.problem or outcome.data is None:
        problem = outcome.problem or f"{outcome.source} recorded nothing"
        return RunCoverage(problem=problem, hint=outcome.hint, note=f"coverage not measured: {problem}",
                                source=outcome.source, row_scope=row_scope)
    return RunCoverage(CoverageAnalysis(outcome, root, marked=marked), source=outcome.source,
                            row_scope=row_scope, preimported=outcome.preimported)


@dataclass(frozen=True)
class _FileAnalysis:
    statements: frozenset[int]
    excluded: int
    missing: frozenset[int]
    missing_text: str
    branches: Mapping[int, tuple[int, int]]
    """Branch line → (exits, exits taken), coverage.py's ``branch_stats()``."""
    exits: Mapping[int, tuple[tuple[int, bool], ...]]
    """Branch line → each exit's destination and whether it was taken."""


class CoverageAnalysis:
    """Figures from the data one coverage source recorded in this session."""

    def __init__(self, outcome: CoverageOutcome, root: str, *,
                 marked: Optional[Mapping[str, Sequence[str]]] = None) -> None:
        assert outcome.data is not None and outcome.analyser is not None
        self.outcome = outcome
        self.data: CoverageData = outcome.data
        self.cov: Coverage = outcome.analyser
        self.root = root
        self.marked = marked or {}
        self._static_context = self.cov.config.context or ""
        self._cache: dict[tuple[str, Optional[tuple[str, ...]], bool], _FileAnalysis] = {}
        self._reporters: dict[str, FileReporter] = {}
        self._import_time: dict[str, frozenset[int]] = {}
        self._has_arcs: Optional[bool] = None
        self._omit: Union[re.Pattern[str], bool, None] = None
        self._data_files: Optional[frozenset[str]] = None

    # contexts ---------------------------------------------------------

    def contexts(self, scope: Optional[RowScope]) -> Optional[tuple[str, ...]]:
        """Regexes of the contexts that count for ``scope``; None is every context."""
        if scope is None:
            return None
        return row_contexts(scope.test_files, scope.key, static_context=self._static_context,
                            per_test=self.outcome.per_test_contexts, marked=self.marked.get(scope.key, ()),
                            imports=tuple(self.outcome.imports.reached(scope.test_files, scope.key)))

    # analysis ---------------------------------------------------------

    def unmeasurable(self, path: str) -> Optional[tuple[str, str]]:
        """Why ``path`` cannot be measured from this data (message, hint), or None when it can."""
        try:
            self._check(path, os.path.join(self.root, path))
        except Unmeasurable as exc:
            return exc.reason, exc.hint
        return None

    def _analysis(self, path: str, scope: Optional[RowScope]) -> _FileAnalysis:
        filename = os.path.join(self.root, path)
        self._check(path, filename)
        contexts = self.contexts(scope)
        from_any = scope is None or self._reaches(path, scope)
        key = (path, contexts, from_any)
        if key not in self._cache:
            self._cache[key] = self._analyze(path, filename, contexts, import_time_from_any=from_any)
        return self._cache[key]

    def _reaches(self, path: str, scope: RowScope) -> bool:
        """Whether ``path``'s import-time statements count for the row from any context.

        They do (def lines are never missing whichever file imported the
        module first), unless the import graph knows that a test file's code
        loaded the module and the row's test files never import it: then it
        is not the row's, as it would not be if the row ran alone.
        """
        graph = self.outcome.imports
        modules = graph.loaded_from(path)
        if not modules:
            return True
        return not graph.reach(scope.test_files, scope.key)[1].isdisjoint(modules)

    def _check(self, path: str, filename: str) -> None:
        """Raise Unmeasurable when this data cannot decide ``path``."""
        known = self.outcome.unmeasurable.get(path)
        if known is not None:
            raise Unmeasurable(*known)
        measured = self.outcome.measured
        if measured is not None and path not in measured:
            raise Unmeasurable(f"'{path}' was not measured: it became a target after coverage started",
                               "a conftest.py goal parser named it; name it in a goal of the doc itself")
        if path in self.outcome.tainted:
            raise Unmeasurable(f"the coverage data holds what an earlier run recorded in '{path}' (coverage run -a), "
                               "and it cannot be told apart from this run's",
                               "run coverage without -a (merge runs afterwards with coverage combine), "
                               "or use pytest --cov --cov-append")
        if self._omitted(filename):
            raise Unmeasurable(f"'{path}' is omitted by the coverage configuration ([run] or [report] omit)",
                               "coverage.py does not count it: drop the goal or the omit pattern")
        if measured is None and filename not in self._files_in_data() and not self._would_measure(filename):
            raise Unmeasurable(f"'{path}' is outside what this run's coverage measures (its source or include)",
                               "widen --cov / [run] source to include it")

    def _analyze(self, path: str, filename: str, contexts: Optional[tuple[str, ...]], *,
                 import_time_from_any: bool = True) -> _FileAnalysis:
        from coverage import CoverageData
        from coverage.exceptions import CoverageException
        from coverage.results import analysis_from_file_reporter

        from .compat import close_data

        row = CoverageData(no_disk=True)
        try:
            with quiet():
                lines, arcs = self._recorded(path, filename, contexts, import_time_from_any)
                if self.has_arcs():
                    row.add_arcs({filename: arcs})
                else:
                    row.add_lines({filename: lines})
                analysis = analysis_from_file_reporter(row, 0, self._reporter(filename), filename)
                branches = analysis.branch_stats() if self.has_arcs() else {}
                exits = _exits(analysis) if self.has_arcs() else {}
                missing_text = analysis.missing_formatted()
        except (CoverageException, OSError, SyntaxError, RecursionError, MemoryError, SymbolSyntaxError) as exc:
            raise Unmeasurable(f"coverage.py cannot analyse it ({exc})") from exc
        finally:
            close_data(row)
        return _FileAnalysis(frozenset(analysis.statements), len(analysis.excluded), frozenset(analysis.missing),
                             missing_text, branches, exits)

    def _recorded(self, path: str, filename: str, contexts: Optional[tuple[str, ...]],
                  import_time_from_any: bool = True) -> tuple[set[int], set[tuple[int, int]]]:
        """What ran on behalf of ``contexts``: their lines and arcs, plus import-time ones from any context."""
        data = self.data
        try:
            data.set_query_contexts(list(contexts) if contexts is not None else None)
            lines = set(data.lines(filename) or ())
            arcs = set(data.arcs(filename) or ()) if self.has_arcs() else set()
            if contexts is not None and import_time_from_any:
                data.set_query_contexts(None)
                self._add_import_time(path, filename, lines, arcs)
        finally:
            data.set_query_contexts(None)
        return lines, arcs

    def _add_import_time(self, path: str, filename: str, lines: set[int], arcs: set[tuple[int, int]]) -> None:
        """Add the import-time lines (and arcs between them) any context recorded: the module ran them once."""
        at_import = self._import_time_lines(path, filename)
        lines.update(n for n in self.data.lines(filename) or () if n in at_import)
        if self.has_arcs():
            arcs.update(arc for arc in self.data.arcs(filename) or ()
                        if abs(arc[0]) in at_import and abs(arc[1]) in at_import)

    def _import_time_lines(self, path: str, filename: str) -> frozenset[int]:
        if path not in self._import_time:
            with open(filename, encoding="utf-8", errors="replace") as handle:
                source = handle.read()
            self._import_time[path] = import_time_lines(parse_source(source, path), source.count("\n") + 1)
        return self._import_time[path]

    def _reporter(self, filename: str) -> FileReporter:
        if filename not in self._reporters:
            from coverage.python import PythonFileReporter

            self._reporters[filename] = PythonFileReporter(filename, self.cov)
        return self._reporters[filename]

    def _files_in_data(self) -> frozenset[str]:
        """Real paths of the files this session's data knows."""
        if self._data_files is None:
            with quiet():
                names = self.data.measured_files()
            self._data_files = frozenset(os.path.realpath(name) for name in names)
        return self._data_files

    def _would_measure(self, filename: str) -> bool:
        """A file the data does not know would have been measured had it run: then it is simply 0%.

        With a configured ``source`` coverage.py reports every file of it,
        run or not, so a file missing from the data lies outside it.
        """
        config = self.cov.config
        if config.source or config.source_pkgs:
            return False
        if config.run_include:
            return self._matches(filename, list(config.run_include))
        return True

    def _omitted(self, filename: str) -> bool:
        if self._omit is None:
            config = self.cov.config
            self._omit = _globs(list(config.run_omit or []) + list(config.report_omit or []))
        return isinstance(self._omit, re.Pattern) and bool(self._omit.match(filename))

    @staticmethod
    def _matches(filename: str, patterns: list[str]) -> bool:
        regex = _globs(patterns)
        return isinstance(regex, re.Pattern) and bool(regex.match(filename))

    def has_arcs(self) -> bool:
        if self._has_arcs is None:
            with quiet():
                self._has_arcs = bool(self.data.has_arcs())
        return self._has_arcs

    def _counts_branches(self, metric: Metric) -> bool:
        """Branch goals count branches; total counts them when the project's coverage does."""
        return metric is Metric.BRANCH or (metric is Metric.TOTAL and self.outcome.count_branches)

    def _numbers(self, analysis: _FileAnalysis, metric: Metric, lines: Optional[AbstractSet[int]] = None) -> Numbers:
        """coverage.py's counts of ``analysis`` for ``metric``, of the statements in ``lines`` only if given."""
        from coverage.results import Numbers

        statements, excluded, missing = _statement_counts(analysis, lines) if metric is not Metric.BRANCH else (0, 0, 0)
        branches, partial, missing_branches = (_branch_counts(analysis, lines) if self._counts_branches(metric)
                                               else (0, 0, 0))
        return Numbers(n_files=1, n_statements=statements, n_excluded=excluded, n_missing=missing,
                       n_branches=branches, n_partial_branches=partial, n_missing_branches=missing_branches)

    # the CoverageFigures protocol ------------------------------------

    def figure(self, files: Sequence[str], metric: Metric, scope: Optional[RowScope]) -> Figure:
        from coverage.results import Numbers

        self._check_metric(metric)
        total = Numbers()
        missing = []
        for path in files:
            analysis = self._analysis(path, scope)
            total += self._numbers(analysis, metric)
            what = self._missing_text(analysis, analysis.statements, metric, analysis.missing_text)
            if what:
                missing.append(f"{path}: {what}")
        return Figure(total.pc_covered, tuple(missing))

    def symbol_figure(self, parts: Sequence[tuple[str, Sequence[Span]]], scope: Optional[RowScope],
                      metric: Metric = Metric.LINE) -> Figure:
        from coverage.results import Numbers, format_lines

        self._check_metric(metric)
        total = Numbers()
        unexecuted = []
        missing_lines = []
        for path, functions in parts:
            analysis = self._analysis(path, scope)
            statements: set[int] = set()
            for function in functions:
                body = function.body_lines(analysis.statements)
                statements |= body
                total += self._numbers(analysis, metric, body)
                if body and body & analysis.missing == body:
                    unexecuted.append(function.name if len(parts) == 1 else f"{path}::{function.name}")
            lines = self._missing_text(analysis, statements, metric,
                                       format_lines(statements, statements & analysis.missing))
            if len(parts) == 1 or lines:
                missing_lines.append(lines if len(parts) == 1 else f"{path}: {lines}")
        return Figure(total.pc_covered, tuple(unexecuted), "; ".join(missing_lines))

    def changed_figure(self, files: Sequence[str], changed: Mapping[str, frozenset[int]],
                       scope: Optional[RowScope]) -> Figure:
        from coverage.results import Numbers, format_lines

        total = Numbers()
        missing = []
        for path in files:
            lines = changed.get(path, frozenset())
            analysis = self._analysis(path, scope)
            total += self._numbers(analysis, Metric.LINE, lines)
            statements = analysis.statements & lines
            if statements & analysis.missing:
                missing.append(f"{path}: {format_lines(analysis.statements, statements & analysis.missing)}")
        return Figure(total.pc_covered, tuple(missing), counted=bool(total.n_statements))

    def file_lines(self, path: str, scope: Optional[RowScope]) -> FileLines:
        """``path``'s statements, missing lines and branch exits for ``scope``; Unmeasurable when this data cannot tell."""
        analysis = self._analysis(path, scope)
        return FileLines(analysis.statements, analysis.missing, analysis.exits, self.has_arcs())

    def _check_metric(self, metric: Metric) -> None:
        if metric is Metric.BRANCH and not self.has_arcs():
            raise Unmeasurable("branch coverage was not measured",
                               "turn on branch measurement: [run] branch = true, or --cov-branch")

    def _missing_text(self, analysis: _FileAnalysis, lines: AbstractSet[int], metric: Metric,
                      missing_lines: str) -> str:
        """What of ``lines`` did not run, for ``metric``: the missing lines, the branch lines not fully taken."""
        parts = []
        if metric is not Metric.BRANCH and missing_lines:
            parts.append(missing_lines)
        if self._counts_branches(metric):
            partial = [line for line, (exits, taken) in sorted(analysis.branches.items())
                       if line in lines and taken < exits and (metric is Metric.BRANCH or line not in analysis.missing)]
            if partial:
                parts.append("branches at " + ", ".join(map(str, partial)))
        return ", ".join(parts)


def _exits(analysis: Analysis) -> dict[int, tuple[tuple[int, bool], ...]]:
    """Each branch line's exits (destination, taken), from coverage.py's own arc analysis."""
    taken = analysis.executed_branch_arcs()
    missed = analysis.missing_branch_arcs()
    return {line: tuple(sorted([(to, True) for to in taken.get(line, ())] + [(to, False) for to in missed.get(line, ())]))
            for line in analysis.branch_stats()}


def _globs(patterns: list[str]) -> Union[re.Pattern[str], bool]:
    from coverage.files import globs_to_regex, prep_patterns

    prepared = prep_patterns(patterns)
    return globs_to_regex(prepared) if prepared else False


def _statement_counts(analysis: _FileAnalysis, lines: Optional[AbstractSet[int]]) -> tuple[int, int, int]:
    """Statements, excluded and missing of ``analysis``, of the statements in ``lines`` only if given."""
    if lines is None:
        return len(analysis.statements), analysis.excluded, len(analysis.missing)
    return len(analysis.statements & lines), 0, len(analysis.missing & lines)


def _branch_counts(analysis: _FileAnalysis, lines: Optional[AbstractSet[int]]) -> tuple[int, int, int]:
    """Branches, partial branches and missing branches, of the branch lines in ``lines`` only if given."""
    branches = [stats for line, stats in analysis.branches.items() if lines is None or line in lines]
    return (sum(exits for exits, _ in branches), sum(1 for exits, taken in branches if 0 < taken < exits),
            sum(exits - taken for exits, taken in branches))
