"""Per-doc coverage files for pull-request coverage UIs: ``cobertura:DIR`` and ``lcov:DIR``.

One file per checked doc, named after its key, holding the files its
measured goals name, each as its rows measured it (SPEC §2 Row scope: the
contexts of the rows whose goals name the file, taken together). Codecov
flags and components or GitLab's coverage view then show design scopes.
They need the run's coverage data, so ``pytest`` and ``designdoc merge``
write them; a saved JSON report cannot.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence
from xml.sax.saxutils import quoteattr

from .view import plural

if TYPE_CHECKING:
    from ..evaluate import CoverageFigures, FileLines, RunCoverage
    from ..model import DocResult, GoalResult, Report
    from ..plan import DocPlan, Plan

_SUFFIX = {"cobertura": ".xml", "lcov": ".info"}


@dataclass(frozen=True)
class DocScope:
    """One doc's measured files and, for each, the test files of the rows whose goals name it."""

    key: str
    path: str
    files: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Written:
    notes: tuple[str, ...] = ()
    """What was written, and what was left out and why."""
    errors: tuple[str, ...] = ()
    """What could not be written: it fails the run."""


def doc_scopes(plan: Plan, report: Report) -> list[DocScope]:
    """The checked docs with a goal that was measured, and their files' scopes."""
    scopes = []
    for doc_plan, result in zip(plan.docs, report.docs):
        assert doc_plan.doc.path == result.doc.path
        files = _measured_files(doc_plan, result)
        if files:
            scopes.append(DocScope(result.doc.key, result.doc.path,
                                   {path: tuple(sorted(tests)) for path, tests in files.items()}))
    return scopes


def _measured_files(doc_plan: DocPlan, result: DocResult) -> dict[str, set[str]]:
    """Each file a measured goal of the doc names, with the test files of the rows whose goals name it."""
    files: dict[str, set[str]] = {}
    for row_plan, row in zip(doc_plan.rows, result.rows):
        for goal in row.goals:
            for path in _measured_goal_files(goal):
                files.setdefault(path, set()).update(row_plan.test_files)
    return files


def _measured_goal_files(goal: GoalResult) -> tuple[str, ...]:
    """The files a measured goal names (a symbol goal: its symbol's file); none for a goal not measured."""
    if goal.actual is None:
        return ()
    return goal.files or ((goal.symbol_file,) if goal.symbol_file else ())


def write(fmt: str, directory: str, plan: Plan, report: Report, coverage: RunCoverage) -> Written:
    """One ``fmt`` file per doc in ``directory``; notes say what was written and what was not."""
    what = f"{fmt} per-doc coverage ({directory})"
    figures = coverage.figures
    if figures is None:
        why = coverage.problem or "no goal of the docs checked needs coverage"
        return Written(notes=(f"{what}: nothing written: {why}",))
    scopes = doc_scopes(plan, report)
    if not scopes:
        return Written(notes=(f"{what}: nothing written: no doc has a measured coverage goal in this run",))
    if os.path.exists(directory) and not os.path.isdir(directory):
        return Written(errors=(f"cannot write {what}: {directory} is a file, not a directory",))
    names = _doc_file_names(plan, _SUFFIX[fmt])
    notes, errors = [], []
    for scope in scopes:
        lines, left_out = _scope_lines(scope, figures, row_scope=coverage.row_scope)
        notes += [f"{what}: {scope.key}: {path} left out: {why}" for path, why in left_out.items()]
        error = _write_doc(fmt, os.path.join(directory, names[scope.key]), scope, lines, report.rootdir)
        if error:
            errors.append(error)
    written = f"{what}: {plural(len(scopes) - len(errors), 'doc')} written"
    return Written((written, *_without_file(what, directory, names, scopes), *notes), tuple(errors))


def _doc_file_names(plan: Plan, suffix: str) -> dict[str, str]:
    """The file name of each checked doc, by its key (:func:`_file_names`)."""
    keys = [doc_plan.doc.key for doc_plan in plan.docs]
    return dict(zip(keys, _file_names(keys, suffix)))


def _scope_lines(scope: DocScope, figures: CoverageFigures, *,
                 row_scope: bool) -> tuple[dict[str, FileLines], dict[str, str]]:
    """The lines of each file of ``scope`` as its rows measured them (``row_scope``, else the whole run measured
    them); and why each file left out could not be measured."""
    from ..evaluate import RowScope, Unmeasurable

    lines: dict[str, FileLines] = {}
    left_out: dict[str, str] = {}
    for path, tests in sorted(scope.files.items()):
        try:
            lines[path] = figures.file_lines(path, RowScope(tests, scope.key) if row_scope else None)
        except Unmeasurable as exc:
            left_out[path] = exc.reason
    return lines, left_out


def _write_doc(fmt: str, target: str, scope: DocScope, lines: Mapping[str, FileLines], rootdir: str) -> str:
    """Write the ``fmt`` file of ``scope`` at ``target``; what kept it from being written, or ''."""
    from ..fileio import write_atomic

    try:
        write_atomic(target, _RENDERERS[fmt](scope, lines, rootdir))
    except OSError as exc:
        return f"cannot write {fmt} coverage of {scope.key} to {target}: {exc.strerror or exc}"
    return ""


def _without_file(what: str, directory: str, names: Mapping[str, str], scopes: Sequence[DocScope]) -> list[str]:
    """Remove the files an earlier run wrote for the docs without a scope; a note naming those docs, if any."""
    unwritten = sorted(set(names) - {scope.key for scope in scopes})
    removed = _remove_stale(directory, [names[key] for key in unwritten])
    if not unwritten:
        return []
    return [f"{what}: no file for {', '.join(unwritten)}: no goal of theirs was measured in this run"
            + (f" (removed the earlier {', '.join(removed)})" if removed else "")]


def _remove_stale(directory: str, names: Sequence[str]) -> list[str]:
    """Delete the files an earlier run wrote for docs this run has none for, so an upload glob ships none of them."""
    removed = []
    for name in names:
        path = os.path.join(directory, name)
        if os.path.isfile(path) and not os.path.islink(path):
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed.append(name)
    return removed


def _file_names(keys: Sequence[str], suffix: str) -> list[str]:
    """A file name per doc key: its characters safe in a file name, told apart when two keys meet."""
    names: list[str] = []
    for key in keys:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip(".-") or "doc"
        name, number = stem + suffix, 2
        while name.lower() in (taken.lower() for taken in names):
            name, number = f"{stem}-{number}{suffix}", number + 1
        names.append(name)
    return names


# Cobertura ----------------------------------------------------------------


def cobertura(scope: DocScope, files: Mapping[str, FileLines], rootdir: str) -> str:
    """Cobertura XML (coverage-04.dtd, as ``coverage xml`` writes it): a package per directory, a class per file."""
    packages: dict[str, list[str]] = {}
    for path in files:
        packages.setdefault(os.path.dirname(path).replace("/", ".") or ".", []).append(path)
    body = []
    for package, paths in sorted(packages.items()):
        classes = [_cobertura_class(path, files[path]) for path in sorted(paths)]
        counts = _Counts.of(files[path] for path in paths)
        body.append(f'\t\t<package name={quoteattr(package)} {counts.rates()} complexity="0">\n'
                    f'\t\t\t<classes>\n{"".join(classes)}\t\t\t</classes>\n\t\t</package>\n')
    total = _Counts.of(files.values())
    from .. import __version__

    return ('<?xml version="1.0" ?>\n'
            f'<coverage version="{__version__}" timestamp="{int(time.time() * 1000)}" '
            f'lines-valid="{total.statements}" lines-covered="{total.covered}" '
            f'branches-valid="{total.branches}" branches-covered="{total.taken}" {total.rates()} complexity="0">\n'
            f'\t<!-- pytest-designdoc: {_comment(scope)} -->\n'
            '\t<!-- Based on https://raw.githubusercontent.com/cobertura/web/master/htdocs/xml/coverage-04.dtd -->\n'
            f'\t<sources>\n\t\t<source>{_text(rootdir)}</source>\n\t</sources>\n'
            f'\t<packages>\n{"".join(body)}\t</packages>\n</coverage>\n')


def _cobertura_class(path: str, lines: FileLines) -> str:
    rows = []
    for number in sorted(lines.statements):
        hits = 0 if number in lines.missing else 1
        attributes = f'number="{number}" hits="{hits}"'
        exits = lines.exits.get(number)
        if exits:
            taken = sum(1 for _, was_taken in exits if was_taken)
            attributes += (f' branch="true" condition-coverage="{100 * taken // len(exits)}% ({taken}/{len(exits)})"')
            missed = ["exit" if to < 0 else str(to) for to, was_taken in exits if not was_taken]
            if missed:
                attributes += f' missing-branches="{",".join(missed)}"'
        rows.append(f"\t\t\t\t\t\t<line {attributes}/>\n")
    counts = _Counts.of((lines,))
    return (f'\t\t\t\t<class name={quoteattr(os.path.basename(path))} filename={quoteattr(path)} complexity="0" '
            f'{counts.rates()}>\n\t\t\t\t\t<methods/>\n\t\t\t\t\t<lines>\n{"".join(rows)}'
            '\t\t\t\t\t</lines>\n\t\t\t\t</class>\n')


@dataclass(frozen=True)
class _Counts:
    statements: int = 0
    covered: int = 0
    branches: int = 0
    taken: int = 0
    measured_branches: bool = False

    @classmethod
    def of(cls, files: Iterable[FileLines]) -> _Counts:
        counts = cls()
        for lines in files:
            exits = [was_taken for line_exits in lines.exits.values() for _, was_taken in line_exits]
            counts = _Counts(counts.statements + len(lines.statements),
                             counts.covered + len(lines.statements - lines.missing),
                             counts.branches + len(exits), counts.taken + sum(exits),
                             counts.measured_branches or lines.branches)
        return counts

    def rates(self) -> str:
        """Cobertura's rates as coverage.py writes them: 1 when there is nothing to count, a branch rate of 0
        when branches were not measured."""
        branch_rate = _rate(self.taken, self.branches) if self.measured_branches else "0"
        return f'line-rate="{_rate(self.covered, self.statements)}" branch-rate="{branch_rate}"'


def _rate(hit: int, total: int) -> str:
    return "1" if total == 0 else f"{hit / total:.4g}"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _comment(scope: DocScope) -> str:
    """The XML comment naming the doc (``--`` cannot appear in a comment)."""
    return _text(f"the rows of {scope.key} ({scope.path})").replace("--", "- -")


# LCOV ---------------------------------------------------------------------


def lcov(scope: DocScope, files: Mapping[str, FileLines], rootdir: str) -> str:
    """LCOV tracefile: the doc's key as test name, a record per file (path relative to rootdir)."""
    records = []
    for path in sorted(files):
        lines = files[path]
        out = [f"TN:{_test_name(scope.key)}", f"SF:{path}"]
        out.extend(f"DA:{number},{0 if number in lines.missing else 1}" for number in sorted(lines.statements))
        out.extend((f"LF:{len(lines.statements)}", f"LH:{len(lines.statements - lines.missing)}"))
        branches = taken = 0
        for number in sorted(lines.exits):
            exits = sorted(lines.exits[number], key=lambda exit: (exit[0] < 0, exit[0]))  # exits last, as coverage lcov
            none_taken = not any(was_taken for _, was_taken in exits)  # LCOV's "-": the line never branched
            for index, (_, was_taken) in enumerate(exits):
                out.append(f"BRDA:{number},0,{index},{'-' if none_taken else int(was_taken)}")
                branches, taken = branches + 1, taken + int(was_taken)
        if branches:
            out.extend((f"BRF:{branches}", f"BRH:{taken}"))
        out.append("end_of_record")
        records.append("\n".join(out) + "\n")
    return "".join(records)


def _test_name(key: str) -> str:
    """LCOV test names are word characters (genhtml refuses others)."""
    return re.sub(r"\W", "_", key, flags=re.ASCII)


_RENDERERS: dict[str, Callable[[DocScope, Mapping[str, FileLines], str], str]] = {
    "cobertura": cobertura, "lcov": lcov}

