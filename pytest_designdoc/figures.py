"""Coverage figures for goals: coverage.py's analysis of a row's contexts.

A row's data is the measured data narrowed with
``CoverageData.set_query_contexts`` to the empty context (imports,
collection) and the contexts of the row's tests; the figures are
coverage.py's own analysis of that data (``analysis2``, ``branch_stats``)
rolled up with :class:`coverage.results.Numbers`, so they equal what
``coverage report --contexts`` prints for the same contexts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Optional, Sequence, Union

from .evaluate import Figure, RowScope, Unmeasurable
from .measure import quiet
from .model import Metric
from .symbols import Span

if TYPE_CHECKING:
    from coverage import Coverage
    from coverage.results import Numbers

DESIGNDOC_LABEL = "::@designdoc"
_MAX_PATTERNS_PER_REGEX = 200


def context_label(test_file: str, keys: Sequence[str]) -> str:
    """The dynamic context for the tests of one file (and the doc keys they are marked with)."""
    if not keys:
        return test_file
    return f"{test_file}{DESIGNDOC_LABEL}[{','.join(sorted(set(keys)))}]"


@dataclass(frozen=True)
class _FileAnalysis:
    statements: frozenset[int]
    excluded: int
    missing: frozenset[int]
    missing_text: str
    branches: Mapping[int, tuple[int, int]]


class CoverageAnalysis:
    """Figures from one Coverage object's data (ours, pytest-cov's or ``coverage run``'s)."""

    def __init__(
        self,
        cov: Coverage,
        root: str,
        *,
        count_branches: bool,
        per_test_contexts: bool = False,
        marked: Optional[Mapping[str, Sequence[str]]] = None,
        measured: Optional[frozenset[str]] = None,
    ) -> None:
        self.cov = cov
        self.root = root
        self.count_branches = count_branches
        self.per_test_contexts = per_test_contexts
        self.marked = marked or {}
        self.measured = measured
        self.precision: int = cov.config.precision
        static = cov.config.context or ""
        self._empty_context = "^" + re.escape(static) + "$"
        self._cache: dict[tuple[str, Optional[tuple[str, ...]]], _FileAnalysis] = {}
        self._has_arcs: Optional[bool] = None
        self._omit: Union[re.Pattern[str], bool, None] = None
        self._data_files: Optional[frozenset[str]] = None

    # contexts ---------------------------------------------------------

    def contexts(self, scope: Optional[RowScope]) -> Optional[tuple[str, ...]]:
        """Regexes of the contexts that count for ``scope``; None is every context."""
        if scope is None:
            return None
        patterns = [self._empty_context]
        patterns.extend(r"(^|\|)" + re.escape(path) + r"(::|$)" for path in scope.test_files)
        if self.per_test_contexts:
            nodeids = [re.escape(nodeid) for nodeid in self.marked.get(scope.key, ())]
            for start in range(0, len(nodeids), _MAX_PATTERNS_PER_REGEX):
                chunk = nodeids[start:start + _MAX_PATTERNS_PER_REGEX]
                patterns.append(r"(^|\|)(" + "|".join(chunk) + r")\|")
        else:
            patterns.append(re.escape(DESIGNDOC_LABEL) + r"\[([^\]]*,)?" + re.escape(scope.key) + r"[,\]]")
        return tuple(patterns)

    # analysis ---------------------------------------------------------

    def _analysis(self, path: str, scope: Optional[RowScope]) -> _FileAnalysis:
        if self.measured is not None and path not in self.measured:
            raise Unmeasurable(f"'{path}' was not measured: it became a target after coverage started",
                               "a conftest.py goal parser named it; name it in a goal of the doc itself")
        if self._omitted(os.path.join(self.root, path)):
            raise Unmeasurable(f"'{path}' is omitted by the coverage configuration ([run] or [report] omit)",
                               "coverage.py does not count it: drop the goal or the omit pattern")
        if self.measured is None and os.path.join(self.root, path) not in self._files_in_data():
            raise Unmeasurable(f"the coverage data has nothing on '{path}'",
                               "it is outside the --cov / [run] source that measured this run, or it was never "
                               "imported; widen the source, or import it in the row's tests")
        contexts = self.contexts(scope)
        key = (path, contexts)
        if key not in self._cache:
            self._cache[key] = self._analyze(os.path.join(self.root, path), contexts)
        return self._cache[key]

    def _analyze(self, filename: str, contexts: Optional[tuple[str, ...]]) -> _FileAnalysis:
        from coverage.exceptions import CoverageException

        with quiet():
            data = self.cov.get_data()
            data.set_query_contexts(list(contexts) if contexts is not None else None)
            try:
                _, statements, excluded, missing, missing_text = self.cov.analysis2(filename)
                branches = self.cov.branch_stats(filename) if self.has_arcs() else {}
            except (CoverageException, OSError, SyntaxError, RecursionError, MemoryError) as exc:
                raise Unmeasurable(f"coverage.py cannot analyse it ({exc})") from exc
            finally:
                data.set_query_contexts(None)
        return _FileAnalysis(frozenset(statements), len(excluded), frozenset(missing), missing_text, branches)

    def _files_in_data(self) -> frozenset[str]:
        """Real paths of the files the (someone else's) coverage data knows; its source decides."""
        if self._data_files is None:
            with quiet():
                names = self.cov.get_data().measured_files()
            self._data_files = frozenset(os.path.realpath(name) for name in names)
        return self._data_files

    def _omitted(self, filename: str) -> bool:
        if self._omit is None:
            from coverage.files import globs_to_regex, prep_patterns

            config = self.cov.config
            patterns = prep_patterns(list(config.run_omit or []) + list(config.report_omit or []))
            self._omit = globs_to_regex(patterns) if patterns else False
        return isinstance(self._omit, re.Pattern) and bool(self._omit.match(filename))

    def has_arcs(self) -> bool:
        if self._has_arcs is None:
            with quiet():
                self._has_arcs = bool(self.cov.get_data().has_arcs())
        return self._has_arcs

    def _counts_branches(self, metric: Metric) -> bool:
        """Branch goals count branches; total counts them when the project's coverage does."""
        return metric is Metric.BRANCH or (metric is Metric.TOTAL and self.count_branches)

    def _numbers(self, analysis: _FileAnalysis, metric: Metric) -> Numbers:
        from coverage.results import Numbers

        statements = metric is not Metric.BRANCH
        branches = self._counts_branches(metric)
        return Numbers(
            precision=self.precision,
            n_files=1,
            n_statements=len(analysis.statements) if statements else 0,
            n_excluded=analysis.excluded if statements else 0,
            n_missing=len(analysis.missing) if statements else 0,
            n_branches=sum(exits for exits, _ in analysis.branches.values()) if branches else 0,
            n_partial_branches=sum(1 for exits, taken in analysis.branches.values() if 0 < taken < exits)
            if branches else 0,
            n_missing_branches=sum(exits - taken for exits, taken in analysis.branches.values()) if branches else 0,
        )

    # the CoverageFigures protocol ------------------------------------

    def figure(self, files: Sequence[str], metric: Metric, scope: Optional[RowScope]) -> Figure:
        from coverage.results import Numbers

        if metric is Metric.BRANCH and not self.has_arcs():
            raise Unmeasurable("branch coverage was not measured",
                               "turn on branch measurement: [run] branch = true, or --cov-branch")
        total = Numbers(precision=self.precision)
        missing = []
        for path in files:
            analysis = self._analysis(path, scope)
            total += self._numbers(analysis, metric)
            parts = []
            if metric is not Metric.BRANCH and analysis.missing_text:
                parts.append(analysis.missing_text)
            if self._counts_branches(metric):
                partial = [line for line, (exits, taken) in sorted(analysis.branches.items())
                           if taken < exits and (metric is Metric.BRANCH or line not in analysis.missing)]
                if partial:
                    parts.append("branches at " + ", ".join(map(str, partial)))
            if parts:
                missing.append(f"{path}: {', '.join(parts)}")
        return Figure(total.pc_covered, tuple(missing))

    def symbol_figure(self, path: str, functions: Sequence[Span], scope: Optional[RowScope]) -> Figure:
        from coverage.results import Numbers, format_lines

        analysis = self._analysis(path, scope)
        total = Numbers(precision=self.precision)
        unexecuted = []
        statements: set[int] = set()
        for function in functions:
            body = function.body_lines(analysis.statements)
            body_missing = body & analysis.missing
            statements |= body
            total += Numbers(precision=self.precision, n_files=1, n_statements=len(body),
                             n_missing=len(body_missing))
            if body and body_missing == body:
                unexecuted.append(function.name)
        missing_lines = format_lines(statements, statements & analysis.missing)
        return Figure(total.pc_covered, tuple(unexecuted), missing_lines)

    def meets(self, actual: float, required: float) -> bool:
        from coverage.results import should_fail_under

        return not should_fail_under(actual, required, self.precision)
