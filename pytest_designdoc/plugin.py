"""The pytest hooks: options, lifecycle, xdist glue, terminal summary.

Hooks here only wire the stages together (discover → parse → plan →
evidence → evaluate → report). Nothing heavy is imported unless
``--designdoc`` is given.
"""

from __future__ import annotations

import fnmatch
import os
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Optional

import pytest

from .settings import DEFAULT_PATHS, Settings

if TYPE_CHECKING:
    from .evaluate import CoverageFigures
    from .evidence import EvidenceRecorder
    from .measure import Measurement
    from .model import Goal, Report
    from .plan import Plan

PLUGIN_NAME = "designdoc-session"
WORKER_KEY = "designdoc"
WORKER_COVERAGE_KEY = "designdoc_coverage"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("designdoc", "design docs as checks (pytest-designdoc)")
    group.addoption("--designdoc", action="store_true", default=False,
                    help="check the design docs against the code and tests (default: off).")
    group.addoption("--designdoc-path", action="append", default=None, metavar="GLOB",
                    help="glob of design docs relative to rootdir; repeatable; replaces designdoc_paths "
                         f"(default: {', '.join(DEFAULT_PATHS)}).")
    group.addoption("--designdoc-strict", action="store_true", default=False,
                    help="fail the run on warning findings too (default: only errors fail).")
    group.addoption("--designdoc-report", action="append", default=None, metavar="FORMAT:PATH",
                    help="write the traceability report, e.g. json:designdoc.json; repeatable "
                         "(default: none).")
    group.addoption("--designdoc-coverage-scope", default=None, choices=("row", "suite"),
                    help="what coverage counts for a row's goals (default: row).")
    parser.addini("designdoc_paths", type="linelist", default=list(DEFAULT_PATHS),
                  help=f"globs of design docs relative to rootdir (default: {', '.join(DEFAULT_PATHS)}).")
    parser.addini("designdoc_strict", type="bool", default=False,
                  help="fail the run on warning findings too (default: false).")
    parser.addini("designdoc_coverage_scope", type="string", default="row",
                  help="'row' (coverage of each row's own tests) or 'suite' (default: row).")
    parser.addini("designdoc_report", type="linelist", default=[],
                  help="reports to write, FORMAT:PATH relative to rootdir (default: none).")
    parser.addini("designdoc_github", type="string", default="auto",
                  help="GitHub Actions annotations and step summary: auto, true or false (default: auto).")
    parser.addini("designdoc_baseline", type="string", default="",
                  help="baseline file of accepted findings (reserved, not used yet; default: none).")


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(trylast=True)
def pytest_designdoc_parse_goal(text: str, line: int) -> Goal:
    from .goals import parse_goal

    return parse_goal(text, line)


_plugin_key = pytest.StashKey["DesignDocPlugin"]()
_early_key = pytest.StashKey["DesignDocPlugin"]()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """Plan and start measuring here, where pytest-cov starts, before conftests import the code."""
    options = early_config.known_args_namespace
    if not getattr(options, "designdoc", False):
        return
    plugin = DesignDocPlugin(early_config, Settings.from_config(early_config, options))
    plugin.run_static_stage()
    if not getattr(options, "collectonly", False):
        plugin.start_measurement(options)
    early_config.stash[_early_key] = plugin


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "designdoc(key): link this test to the design doc with that key.")
    if not config.getoption("designdoc", False):
        return
    plugin = config.stash.get(_early_key, None)
    if plugin is None:
        plugin = DesignDocPlugin(config, Settings.from_config(config))
    else:
        del config.stash[_early_key]
    config.stash[_plugin_key] = plugin
    config.pluginmanager.register(plugin, PLUGIN_NAME)


def pytest_unconfigure(config: pytest.Config) -> None:
    plugin = config.stash.get(_plugin_key, None)
    if plugin is not None:
        config.pluginmanager.unregister(plugin)
        del config.stash[_plugin_key]


def _marker_keys(item: pytest.Item) -> list[str]:
    """The keys of the item's ``designdoc("KEY")`` markers."""
    keys = []
    for mark in item.iter_markers("designdoc"):
        key = mark.args[0] if mark.args else mark.kwargs.get("key")
        if key is not None:
            keys.append(str(key))
    return keys


def _is_xdist_controller(options: Any) -> bool:
    """Whether pytest-xdist will run the tests in workers (only workers measure then)."""
    if "PYTEST_XDIST_WORKER" in os.environ:
        return False
    return bool(getattr(options, "numprocesses", None)) or getattr(options, "dist", "no") not in ("no", None)


class DesignDocPlugin:
    """Per-session state: the plan, the evidence recorder, the report."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        from .evidence import EvidenceRecorder

        self.config = config
        self.settings = settings
        self.rootpath = config.rootpath
        self.recorder: EvidenceRecorder = EvidenceRecorder()
        self.plan: Optional[Plan] = None
        self.measurement: Optional[Measurement] = None
        self.report: Optional[Report] = None
        self.write_errors: list[str] = []
        self.annotations: list[str] = []
        self._norecurse: list[str] = list(config.getini("norecursedirs"))
        self._python_files: list[str] = list(config.getini("python_files"))
        self._selected: tuple[str, ...] = ()
        self._goal_parsers = 0
        self._item_keys: dict[str, list[str]] = {}
        """Node id → keys of its designdoc markers (only items that have some)."""

    def _relative(self, path: os.PathLike[str] | str) -> Optional[str]:
        try:
            return os.path.relpath(path, self.rootpath).replace(os.sep, "/")
        except ValueError:
            return None

    def _skip_dir(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in self._norecurse)

    def _is_test_file(self, path: str) -> bool:
        name = path.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatch(name, pattern) for pattern in self._python_files)

    # static stage -------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._selected = self._selected_prefixes()
        if self.plan is None or self._goal_parsers != self._count_goal_parsers():
            self.run_static_stage()  # conftest.py files may parse goals too; they are loaded now

    def run_static_stage(self) -> None:
        from . import safepath
        from .discover import discover
        from .parse import DocParser
        from .plan import plan

        hook = self.config.hook
        self._goal_parsers = self._count_goal_parsers()
        parser = DocParser(lambda text, line: hook.pytest_designdoc_parse_goal(text=text, line=line))
        self.root = safepath.real_root(str(self.rootpath))
        found = discover(self.root, self.settings.paths, parser, self._skip_dir)
        self.plan = plan(found.docs, self.root, self._is_test_file, self._skip_dir, found.findings)

    def _count_goal_parsers(self) -> int:
        return len(self.config.hook.pytest_designdoc_parse_goal.get_hookimpls())

    def start_measurement(self, options: Any) -> None:
        """Measure coverage only when an enforced doc has a percent or symbol goal."""
        assert self.plan is not None
        targets = self.plan.coverage_targets()
        if not targets:
            return
        from .measure import Measurement

        self.measurement = Measurement.start(
            options,
            self.config.pluginmanager,
            self.root,
            targets,
            needs_branches=self.plan.needs_branches(),
            row_scope=self.settings.coverage_scope == "row",
            xdist_controller=_is_xdist_controller(options),
        )
        self.config.add_cleanup(self.measurement.stop)

    def pytest_report_header(self, config: pytest.Config) -> Optional[str]:
        if config.get_verbosity() > 0 and self.plan is not None:
            coverage = (f"; coverage: {self.measurement.mode}, {self.settings.coverage_scope} scope"
                        if self.measurement is not None else "")
            from .report.view import plural

            return f"designdoc: {plural(len(self.plan.docs), 'doc')} from {', '.join(self.settings.paths)}{coverage}"
        return None

    # evidence -------------------------------------------------------------

    def _selected_prefixes(self) -> tuple[str, ...]:
        """The rootdir-relative paths this run was asked to collect."""
        prefixes = []
        for arg in self.config.args:
            relative = self._relative(os.path.join(self.config.invocation_params.dir, arg.split("::", 1)[0]))
            if relative is not None and not relative.startswith(".."):
                prefixes.append("" if relative == "." else relative)
        return tuple(prefixes)

    def pytest_collect_file(self, file_path: Any, parent: pytest.Collector) -> None:
        # pytest offers every file of a visited directory, also the siblings
        # of a file named on the command line: only those inside the run's
        # arguments count (a test module also counts through its report).
        relative = self._relative(file_path)
        if relative is not None and any(
            not prefix or relative == prefix or relative.startswith(prefix + "/") for prefix in self._selected
        ):
            self.recorder.file_considered(relative)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not report.nodeid or "::" in report.nodeid:
            return
        if report.failed:
            self.recorder.collect_error(report.nodeid)
        elif report.nodeid.endswith(".py"):
            self.recorder.file_considered(report.nodeid)
            if report.skipped:
                self.recorder.collect_skipped(report.nodeid)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.recorder.deselected_items(item.nodeid for item in items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.recorder.collected_items(item.nodeid for item in session.items)
        for item in session.items:
            keys = _marker_keys(item)
            if keys:
                self._item_keys[item.nodeid] = keys
            for key in keys:
                path, line, _ = item.location
                self.recorder.marker(key, path.replace(os.sep, "/"), (line or 0) + 1, item.nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.recorder.test_report(report.nodeid, report.outcome)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> None:
        if self.measurement is not None and self.measurement.switch_contexts:
            from .evidence import file_of
            from .figures import context_label

            nodeid = item.nodeid
            self.measurement.switch(context_label(file_of(nodeid), self._item_keys.get(nodeid, ())))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        try:
            return (yield)
        finally:
            if self.measurement is not None:
                self.measurement.stop()

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", None)
        worker = getattr(getattr(node, "gateway", None), "id", "?")
        if output is None or WORKER_KEY not in output:
            if self.measurement is not None:
                self.measurement.worker_lost(worker)
            return
        self.recorder.merge_payload(output.get(WORKER_KEY))
        if self.measurement is not None:
            self.measurement.worker_done(worker, output.get(WORKER_COVERAGE_KEY))

    # evaluation and reports --------------------------------------------

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            output = self.config.workeroutput  # type: ignore[attr-defined]
            output[WORKER_KEY] = self.recorder.payload()
            if self.measurement is not None:
                output[WORKER_COVERAGE_KEY] = self.measurement.payload()
            return
        if self.plan is None:
            return
        from .evaluate import evaluate
        from .model import Severity

        created = datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        collect_only = bool(self.config.option.collectonly)
        evidence = self.recorder.freeze()
        figures, problem, note = self._coverage_figures(evidence, collect_only)
        preimported = self.measurement.preimported if self.measurement is not None else frozenset()
        self.report = evaluate(
            self.plan,
            evidence,
            rootdir=str(self.rootpath),
            created=created,
            collect_only=collect_only,
            figures=figures,
            row_scope=self.settings.coverage_scope == "row",
            coverage_problem=problem,
            coverage_note=note,
            preimported=preimported,
            coverage_source=self.measurement.mode if self.measurement is not None else "",
        )
        self.config.hook.pytest_designdoc_report(report=self.report, config=self.config)
        self._write_reports(self.report)
        failing = self.report.count(Severity.ERROR) or (
            self.settings.strict and self.report.count(Severity.WARNING)
        ) or self.write_errors
        if failing and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _coverage_figures(self, evidence: Any, collect_only: bool) -> tuple[Optional[CoverageFigures], str, str]:
        """The figures to decide goals with, or why there are none: (figures, problem, note)."""
        if collect_only:
            return None, "", "coverage is not measured with --collect-only"
        measurement = self.measurement
        if measurement is None:
            return None, "", ""
        if measurement.problem:
            return None, measurement.problem, f"coverage not measured: {measurement.problem}"
        cov = measurement.coverage()
        if cov is None:
            problem = f"{measurement.mode} did not measure this run"
            return None, problem, f"coverage not measured: {problem}"
        from .figures import CoverageAnalysis

        figures = CoverageAnalysis(
            cov,
            self.root,
            count_branches=measurement.count_branches(cov),
            per_test_contexts=measurement.per_test_contexts,
            marked=evidence.marked_nodeids,
            measured=measurement.own_targets,
        )
        return figures, "", ""

    def _write_reports(self, report: Report) -> None:
        from .report import github, render
        from .report.json import to_dict, write_atomic

        data = to_dict(report)
        for target in self.settings.reports:
            try:
                write_atomic(target.path, render(target.format, data))
            except OSError as exc:
                self.write_errors.append(f"cannot write {target.format} report {target.path}: {exc.strerror or exc}")
        if github.enabled(self.settings.github, os.environ):
            self.annotations = github.workflow_commands(data)
            try:
                github.append_step_summary(render("md", data))
            except OSError as exc:
                self.write_errors.append(f"cannot write the GitHub step summary: {exc.strerror or exc}")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is None:
            return
        from .report.terminal import render

        terminalreporter.section("designdoc")
        for line in render(self.report, verbosity=self.config.get_verbosity(), strict=self.settings.strict):
            terminalreporter.write_line(line.text, **({line.color: True} if line.color else {}))
        for error in self.write_errors:
            terminalreporter.write_line(f"designdoc: {error}", red=True)
        for annotation in self.annotations:
            terminalreporter.write_line(annotation)
