"""The pytest hooks: options, lifecycle, xdist glue, terminal summary.

Hooks here only wire the stages together (discover → parse → plan →
evidence → evaluate → report). Nothing heavy is imported unless
``--designdoc`` is given.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from typing import TYPE_CHECKING, Any, Iterator, Optional

import pytest

from .settings import DEFAULT_PATHS, DEFAULT_WAIVERS, Settings, no_docs, paths_origin

if TYPE_CHECKING:
    from .evaluate import RunCoverage
    from .figures import CoverageAnalysis
    from .finish import Finished
    from .history import Affected
    from .measure import CoreChoice, CoverageOutcome, CoverageSource
    from .model import Goal, Report
    from .plan import Plan
    from .record import RunRecord

PLUGIN_NAME = "designdoc-session"
RECORDER_NAME = "designdoc-recorder"
WRITER_NAME = "designdoc-writer"
SELECTION_NAME = "designdoc-select"
SWITCHER_NAME = "designdoc-contexts"
WORKER_KEY = "designdoc"
WORKER_COVERAGE_KEY = "designdoc_coverage"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("designdoc", "design docs as checks (pytest-designdoc)")
    group.addoption("--designdoc", action="store_true", default=False,
                    help="check the design docs against the code and tests (default: off).")
    group.addoption("--no-designdoc", action="store_true", default=False,
                    help="turn the design doc checks off for this run, even with --designdoc in addopts "
                         "(default: on when --designdoc is given).")
    group.addoption("--designdoc-path", action="append", default=None, metavar="GLOB",
                    help="glob of design docs relative to rootdir; repeatable; replaces designdoc_paths "
                         f"(default: {', '.join(DEFAULT_PATHS)}).")
    group.addoption("--designdoc-strict", action="store_true", default=False,
                    help="fail the run on warning findings too (default: only errors fail).")
    group.addoption("--designdoc-report", action="append", default=None, metavar="FORMAT:PATH",
                    help="write the traceability report, e.g. json:designdoc.json (json, md, html, junit, "
                         "sarif), or per-doc coverage files into a directory, cobertura:DIR or lcov:DIR; "
                         "repeatable (default: none).")
    group.addoption("--designdoc-select", action="append", default=None, metavar="KEY",
                    help="check only the docs with this key (glob, e.g. 'AUTH-*'; repeatable) and run only "
                         "their tests; the rest is deselected (default: all docs).")
    group.addoption("--designdoc-affected", default=None, metavar="REF",
                    help="pull requests: check only the docs whose doc file, Files entries or test files changed "
                         "since the merge base with REF, and run only their tests; a change no doc maps checks "
                         "every doc (default: every doc).")
    group.addoption("--designdoc-evidence", default=None, metavar="PATH",
                    help="sharded CI: write this job's evidence (outcomes, coverage with row contexts) to PATH "
                         "and leave the goals to 'designdoc merge' (default: decide them here).")
    group.addoption("--designdoc-shard", default=None, metavar="K/N",
                    help="sharded CI: this job is shard K of N (e.g. 3/50), recorded in its evidence so that "
                         "'designdoc merge' names missing and duplicate shards; the split itself is pytest-split's "
                         "or a matrix's (default: none).")
    group.addoption("--designdoc-base", default=None, metavar="REF",
                    help="pull requests: measure 'changed lines N%%' goals over what the working tree changes "
                         "against its merge base with REF, e.g. origin/main (default: designdoc_base, else none).")
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
    parser.addini("designdoc_base", type="string", default="",
                  help="git ref that 'changed lines N%' goals measure against, e.g. origin/main (default: none).")
    parser.addini("designdoc_github", type="string", default="auto",
                  help="GitHub Actions annotations and step summary: auto, true or false (default: auto).")
    parser.addini("designdoc_baseline", type="string", default="",
                  help="waiver file (YAML, relative to rootdir) of accepted findings with reason and "
                       f"expiry date (default: {DEFAULT_WAIVERS} when rootdir has one).")


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)
    pluginmanager.register(_EarlyStart(), "designdoc-early-start")


@pytest.hookimpl(trylast=True)
def pytest_designdoc_parse_goal(text: str, line: int) -> Goal:
    from .goals import parse_goal

    return parse_goal(text, line)


_session_key = pytest.StashKey["DesignDocPlugin"]()
"""The one session object: made in ``pytest_load_initial_conftests`` (or at configure), registered at configure."""


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> Any:
    """Plan before any coverage starts (pytest-cov starts in this hook): the core must be asked for first."""
    options = early_config.known_args_namespace
    if not _enabled(options):
        return (yield)
    plugin = DesignDocPlugin(early_config, Settings.from_config(early_config, options))
    plugin.run_static_stage()
    if not getattr(options, "collectonly", False):
        plugin.choose_core(options)
    early_config.stash[_session_key] = plugin
    from .compat import keeping_workers_data

    with keeping_workers_data(options):
        return (yield)


class _EarlyStart:
    """Starts measuring where pytest-cov starts: after its tryfirst hook, before conftests load (trylast).

    A plain hook implementation, registered apart from the wrapper above.
    """

    @staticmethod
    def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
        plugin = early_config.stash.get(_session_key, None)
        if plugin is not None and not getattr(early_config.known_args_namespace, "collectonly", False):
            plugin.start_measurement(early_config.known_args_namespace)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "designdoc(key): link this test to the design doc with that key.")
    if not _enabled(config.option):
        if not config.option.no_designdoc:
            _refuse_options_without_the_flag(config)
        return
    plugin = config.stash.get(_session_key, None)
    if plugin is None:
        plugin = config.stash[_session_key] = DesignDocPlugin(config, Settings.from_config(config))
    plugin.register()


def _enabled(options: Any) -> bool:
    """``--designdoc``, unless ``--no-designdoc`` (wherever each was given) turns it off."""
    return bool(getattr(options, "designdoc", False)) and not getattr(options, "no_designdoc", False)


def _refuse_options_without_the_flag(config: pytest.Config) -> None:
    """``--designdoc-report`` and friends typed without ``--designdoc`` would silently do nothing.

    Only the invocation's own arguments count: the same options in ini
    ``addopts`` stay quiet while the plugin is off.
    """
    given = sorted({arg.split("=", 1)[0] for arg in config.invocation_params.args
                    if isinstance(arg, str) and arg.startswith("--designdoc-")})
    if given:
        raise pytest.UsageError(f"{', '.join(given)} given without --designdoc: add --designdoc to check the "
                                "design docs, or drop the option")


def pytest_unconfigure(config: pytest.Config) -> None:
    plugin = config.stash.get(_session_key, None)
    if plugin is not None:
        plugin.unregister()
        del config.stash[_session_key]


def _marker_keys(item: pytest.Item) -> list[str]:
    """The keys of the item's ``designdoc("KEY")`` markers."""
    keys = []
    for mark in item.iter_markers("designdoc"):
        key = mark.args[0] if mark.args else mark.kwargs.get("key")
        if key is not None:
            keys.append(str(key))
    return keys


class DesignDocPlugin:
    """The session: the plan, the coverage source, the evaluation and the exit status.

    Recording the run and writing reports are plugins of their own, registered with
    this one (``recording``, ``writer``); context switching is registered
    only when a row-scope source switches contexts.
    """

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        from . import safepath
        from .compat import coverage_config_file
        from .static import Layout

        self.config = config
        self.settings = settings
        self.rootpath = config.rootpath
        self.root = safepath.real_root(str(self.rootpath))
        self.recording = RecorderPlugin(config)
        self.writer = ReportWriter(config, settings)
        self.plan: Optional[Plan] = None
        self.source: Optional[CoverageSource] = None
        self.core: Optional[CoreChoice] = None
        self.distributing = False
        self.report: Optional[Report] = None
        self.layout = Layout(tuple(config.getini("python_files")), tuple(config.getini("norecursedirs")),
                             coverage_config_file(config.option))
        self._goal_parsers = 0
        self.measured_targets: list[str] = []
        """The files coverage was started for."""
        self.unselected_keys: frozenset[str] = frozenset()
        """Keys of the docs ``--designdoc-select`` or ``--designdoc-affected`` left out."""
        self.affected: Optional[Affected] = None
        self.selection = DocSelection(self) if settings.select or settings.affected else None

    def register(self) -> None:
        manager = self.config.pluginmanager
        manager.register(self, PLUGIN_NAME)
        manager.register(self.recording, RECORDER_NAME)
        manager.register(self.writer, WRITER_NAME)
        if self.selection is not None:
            manager.register(self.selection, SELECTION_NAME)

    def unregister(self) -> None:
        for plugin in (self.selection, self.writer, self.recording, self):
            if plugin is not None and self.config.pluginmanager.is_registered(plugin):
                self.config.pluginmanager.unregister(plugin)

    # static stage -------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        from .compat import is_xdist_worker

        if self.plan is None or self._goal_parsers != self._count_goal_parsers():
            self.run_static_stage()  # conftest.py files may parse goals too; they are loaded now
            self._measure_what_conftest_goals_name()
        source = self.source
        if source is None:
            return
        worker = hasattr(self.config, "workerinput")
        if self.distributing != self.config.pluginmanager.has_plugin("dsession") or worker != is_xdist_worker():
            source.lose("pytest-designdoc could not tell before the run whether pytest-xdist runs the tests "
                        "in workers", "report this with your -n/--dist/--tx options")
        if source.switching:
            from .contexts import ContextSwitcher

            switcher = ContextSwitcher(source, self.recording.item_keys)
            self.config.pluginmanager.register(switcher, SWITCHER_NAME)
            self.config.add_cleanup(switcher.imports.uninstall)

    def _measure_what_conftest_goals_name(self) -> None:
        """Goals a conftest.py parser made name files coverage was not started for: start it now (targets
        imported before then get DD013), or, when it measures other files already, say those goals are lost."""
        assert self.plan is not None
        targets = self.plan.coverage_targets()
        if self.source is None:
            self.start_measurement(self.config.option)
            return
        unmeasured = sorted(set(targets) - set(self.measured_targets))
        if unmeasured:
            self.source.lose(f"a conftest.py's pytest_designdoc_parse_goal made goals on {', '.join(unmeasured)} "
                             "after coverage had started for other files",
                             "implement the hook in a plugin that loads before conftest.py files (-p NAME or an "
                             "entry point)")

    def run_static_stage(self) -> None:
        from .static import static_stage

        self._goal_parsers = self._count_goal_parsers()
        self.plan = static_stage(self.root, self.settings.paths, self.layout, self._parse_goal)
        if self.settings.select:
            self._select(self.plan)
        elif not self.plan.docs and not self.plan.findings:
            origin = "--designdoc-path" if self.settings.paths_from_command_line else paths_origin(
                str(self.config.inipath) if self.config.inipath else None)
            raise pytest.UsageError(f"--designdoc {no_docs(self.settings.paths, origin, str(self.rootpath))}")
        elif self.settings.affected:
            self._keep_affected(self.plan, self.settings.affected)

    def _select(self, everything: Plan) -> None:
        """``--designdoc-select``: only the docs whose keys its globs match; a glob that matches none is an error."""
        self.plan, unmatched = everything.select(self.settings.select)
        self.unselected_keys = everything.keys - self.plan.keys
        if unmatched:
            known = ", ".join(sorted(everything.keys)) or "none"
            raise pytest.UsageError(f"--designdoc-select {', '.join(unmatched)} matches no design doc key "
                                    f"(known keys: {known})")

    def _keep_affected(self, everything: Plan, ref: str) -> None:
        """``--designdoc-affected``: only the docs the change since ``ref`` touches, or all of them."""
        from .history import affected_docs

        self.affected = affected_docs(everything, self.root, ref)
        if not self.affected.whole_run:
            self.plan = everything.only(self.affected.keys)
            self.unselected_keys = everything.keys - self.plan.keys
        elif self.selection is not None:  # a change no doc maps: the whole run, nothing deselected
            if self.config.pluginmanager.is_registered(self.selection):
                self.config.pluginmanager.unregister(self.selection)
            self.selection = None

    @property
    def selected(self) -> tuple[str, ...]:
        """What chose the docs checked: ``--designdoc-select``'s globs, or the keys the change affects."""
        if self.settings.select:
            return self.settings.select
        if self.affected is not None and not self.affected.whole_run:
            return tuple(sorted(self.affected.keys))
        return ()

    def _parse_goal(self, text: str, line: int) -> Goal:
        """The goal parsers' answer, or a usage error naming them when one raises or answers with no Goal."""
        from .kinds import GoalType
        from .model import Goal

        hook = self.config.hook.pytest_designdoc_parse_goal
        try:
            goal = hook(text=text, line=line)
        except Exception as exc:
            raise pytest.UsageError(f"a pytest_designdoc_parse_goal hook raised {type(exc).__name__}: {exc} "
                                    f"(goal {text!r}, doc line {line}; hooks: {_hook_places(hook)})") from exc
        if not isinstance(goal, Goal):
            raise pytest.UsageError(f"a pytest_designdoc_parse_goal hook returned {type(goal).__name__}, not a "
                                    f"pytest_designdoc.model.Goal or None (goal {text!r}, doc line {line}; hooks: "
                                    f"{_hook_places(hook)})")
        if goal.goal_type is not None and not isinstance(goal.goal_type, GoalType):
            raise pytest.UsageError(f"a pytest_designdoc_parse_goal hook returned a Goal whose goal_type is "
                                    f"{type(goal.goal_type).__name__}, not a pytest_designdoc.kinds.GoalType "
                                    f"(goal {text!r}, doc line {line}; hooks: {_hook_places(hook)})")
        return goal

    def _count_goal_parsers(self) -> int:
        return len(self.config.hook.pytest_designdoc_parse_goal.get_hookimpls())

    def choose_core(self, options: Any) -> None:
        """Before any coverage starts: row scope needs a core that records context switches."""
        assert self.plan is not None
        if self.plan.coverage_targets() and self.settings.coverage_scope == "row":
            from .compat import coverage_config_file
            from .measure import request_core

            with _coverage_configuration():
                self.core = request_core(coverage_config_file(options))
            if self.core.ask:
                previous = os.environ.get("COVERAGE_CORE")
                self.config.add_cleanup(lambda: _restore_env("COVERAGE_CORE", previous))

    def start_measurement(self, options: Any) -> None:
        """Measure coverage only when a checked doc has a percent or symbol goal."""
        assert self.plan is not None
        targets = self.plan.coverage_targets()
        if not targets:
            return
        from .measure import CoreChoice, start_source, will_distribute

        self.measured_targets = targets
        self.distributing = will_distribute(options)
        with _coverage_configuration():
            self.source = start_source(
                options,
                self.config.pluginmanager,
                self.root,
                targets,
                needs_branches=self.plan.needs_branches(),
                row_scope=self.settings.coverage_scope == "row",
                distributing=self.distributing,
                core=self.core or CoreChoice(),
            )
        self.config.add_cleanup(self.source.close)

    def pytest_report_header(self, config: pytest.Config) -> Optional[list[str]]:
        if _verbosity(config) > 0 and self.plan is not None:
            from .report.view import plural

            coverage = ""
            if self.source is not None:
                coverage = f"; coverage: {self.source.name}, {self.settings.coverage_scope} scope"
                if self.core is not None and self.core.ask:
                    coverage += f", core {self.core.ask} (asked for: the sysmon core ignores row contexts)"
            selected = (f" selected by {', '.join(self.selected)} ({len(self.unselected_keys)} not selected)"
                        if self.selected else "")
            waivers = f"; waivers: {self.settings.baseline}" if self.settings.baseline else ""
            lines = [f"designdoc: {plural(len(self.plan.docs), 'doc')}{selected} from {', '.join(self.settings.paths)}"
                     f"{coverage}{waivers}"]
            if self.plan.history_note:
                lines.append(f"designdoc: {self.plan.history_note}")
            return lines
        return None

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        """Innermost wrapper: this runs before pytest-cov's wrapper saves and combines its data."""
        try:
            return (yield)
        finally:
            if self.source is not None:
                self.source.switch_outside()
                self.source.end_of_run()

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """An xdist worker finished: its run record and its coverage outcome join the run's (a lost one is a loss)."""
        output = getattr(node, "workeroutput", None)
        worker = getattr(getattr(node, "gateway", None), "id", "?")
        if output is not None and WORKER_KEY in output:
            self.recording.recorder.merge_payload(output[WORKER_KEY])
            if self.source is not None:
                self.source.receive(worker, output.get(WORKER_COVERAGE_KEY))
        elif self.source is not None:
            self.source.worker_lost(worker)

    # evaluation and reports --------------------------------------------

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            if self.source is not None:
                self.config.workeroutput[WORKER_COVERAGE_KEY] = self.source.worker_output()  # type: ignore[attr-defined]
            return
        if self.plan is None:
            return
        from .finish import Run, finish, finish_job

        collect_only = bool(self.config.option.collectonly)
        run = Run(self.root, str(self.rootpath), collect_only=collect_only, selection=self.selected,
                  unselected_keys=self.unselected_keys)
        if self.settings.evidence:
            finished = finish_job(self.plan, self.settings, run)
            errors, written = self._write_evidence(run)
            self.writer.show(finished, evidence=written, errors=errors)
        else:
            record = self.recording.recorder.freeze()
            finished = finish(self.plan, record, self._run_coverage(record, collect_only), self.settings,
                              run, announce=lambda report: self.config.hook.pytest_designdoc_report(
                                  report=report, config=self.config))
            self.writer.show(finished, notes=(self.affected.note(len(self.plan.docs) + len(self.unselected_keys)),)
                             if self.affected is not None else ())
        self.report = finished.report
        if self.writer.failing and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def _write_evidence(self, run: Any) -> tuple[tuple[str, ...], str]:
        """A shard job writes its evidence file (the merge decides its goals): what could not be written, and the
        evidence as the terminal names it (with its shard number and commit)."""
        import json

        from . import shards
        from .fileio import write_atomic
        from .git import head_commit

        assert self.plan is not None
        outcome, figures = self._job_coverage() if not run.collect_only else (None, None)
        commit = head_commit(self.root)
        data = shards.evidence_data(
            rootdir=self.root, created=run.created, scope=self.settings.coverage_scope,
            docs={doc_plan.doc.path: doc_plan.doc.sha256 for doc_plan in self.plan.docs},
            run=self.recording.recorder.payload(outcomes=True), outcome=outcome, figures=figures,
            targets=self.plan.coverage_targets(), commit=commit, shard=self.settings.shard,
            args=self.recording.collection_args())
        path = self.settings.evidence or ""
        shard = f"shard {self.settings.shard[0]}/{self.settings.shard[1]}, " if self.settings.shard else ""
        written = (f"{path} ({shard}commit {commit[:12]})" if commit else
                   f"{path} ({shard}no git commit: the merge cannot tell a job run on another commit by it)")
        try:
            write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        except OSError as exc:
            return (f"cannot write the evidence {self.settings.evidence}: {exc.strerror or exc}",), path
        return (), written

    def _job_coverage(self) -> tuple[Optional[CoverageOutcome], Optional[CoverageAnalysis]]:
        outcome = self._outcome()
        if outcome is None or outcome.problem or outcome.data is None:
            return outcome, None
        from .figures import CoverageAnalysis

        return outcome, CoverageAnalysis(outcome, self.root)

    def _outcome(self) -> Optional[CoverageOutcome]:
        """What the run's coverage source hands over (None: nothing measured this run)."""
        if self.source is None:
            return None
        from coverage.exceptions import CoverageException

        from .measure import CoverageOutcome

        try:
            return self.source.outcome()
        except CoverageException as exc:
            return CoverageOutcome(self.source.name, problem=f"coverage.py failed to hand over its data ({exc})",
                                   hint="run again with -p no:randomly to see whether a test corrupts coverage's "
                                        "state")

    def _run_coverage(self, record: RunRecord, collect_only: bool) -> RunCoverage:
        """What the run's coverage can tell the evaluation: figures, or why there are none."""
        from .evaluate import RunCoverage

        row_scope = self.settings.coverage_scope == "row"
        if collect_only:
            return RunCoverage(note="coverage is not measured with --collect-only", row_scope=row_scope)
        outcome = self._outcome()
        if outcome is None:
            return RunCoverage(row_scope=row_scope)
        from .figures import run_coverage
        from .history import with_changed_lines

        assert self.plan is not None
        measured = run_coverage(outcome, self.root, row_scope=row_scope, marked=record.marked_nodeids)
        return with_changed_lines(measured, self.plan, self.root, self.settings.base)


class RecorderPlugin:
    """Records what pytest collected and ran of the listed test files, and which tests carry markers."""

    def __init__(self, config: pytest.Config) -> None:
        from .record import RunRecorder

        self.config = config
        self.rootpath = config.rootpath
        self.recorder: RunRecorder = RunRecorder()
        self.item_keys: dict[str, list[str]] = {}
        """Node id → keys of its designdoc markers (only items that have some)."""
        self._selected: tuple[str, ...] = ()

    def _relative(self, path: os.PathLike[str] | str) -> Optional[str]:
        try:
            return os.path.relpath(path, self.rootpath).replace(os.sep, "/")
        except ValueError:
            return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        from .record import command_line_selection

        self._selected = self._selected_prefixes()
        cli_args = list(self.config.invocation_params.args) + shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))
        self.recorder.selection = command_line_selection(cli_args, self._relative_arg)

    def _relative_arg(self, arg: str) -> Optional[str]:
        """A command-line path as rootdir-relative, or None when it lies outside rootdir."""
        relative = self._relative(os.path.join(self.config.invocation_params.dir, arg))
        return None if relative is None or relative.startswith("..") else relative

    def collection_args(self) -> list[str]:
        """The paths and node ids the run collected from, rootdir-relative where they lie inside it."""
        args = []
        for arg in self.config.args:
            path, sep, rest = str(arg).partition("::")
            relative = self._relative_arg(path)
            args.append(f"{relative}{sep}{rest}" if relative is not None else str(arg))
        return sorted(args)

    def _selected_prefixes(self) -> tuple[str, ...]:
        """The rootdir-relative paths this run was asked to collect."""
        relatives = (self._relative_arg(arg.split("::", 1)[0]) for arg in self.config.args)
        return tuple("" if relative == "." else relative for relative in relatives if relative is not None)

    def pytest_collect_file(self, file_path: Any, parent: pytest.Collector) -> None:
        # pytest offers every file of a visited directory, also the siblings
        # of a file named on the command line: only those inside the run's
        # arguments count (a test module also counts through its report).
        relative = self._relative(file_path)
        if relative is not None and any(
            not prefix or relative == prefix or relative.startswith(prefix + "/") for prefix in self._selected
        ):
            self.recorder.file_considered(relative)

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Any:
        """The tests a collector yields, before an outer wrapper drops some of them.

        pytest's ``--lf`` drops the tests of a file that did not fail last
        time from its collection report, without ``pytest_deselected``: the
        innermost wrapper sees them, so the row knows they were left out.
        """
        report = yield
        self.recorder.produced(item.nodeid for item in report.result or () if isinstance(item, pytest.Item))
        return report

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
        from .evaluate import is_marker_key

        self.recorder.collected_items(item.nodeid for item in session.items)
        for item in session.items:
            keys = _marker_keys(item)
            labelled = [key for key in keys if is_marker_key(key)]  # others credit nothing (DD031)
            if labelled:
                self.item_keys[item.nodeid] = labelled
            for key in keys:
                path, line, _ = item.location
                self.recorder.marker(key, path.replace(os.sep, "/"), (line or 0) + 1, item.nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.recorder.test_report(report.nodeid, report.outcome)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            self.config.workeroutput[WORKER_KEY] = self.recorder.payload()  # type: ignore[attr-defined]


class DocSelection:
    """``--designdoc-select``: runs only the tests of the selected docs; pytest counts the rest as deselected."""

    def __init__(self, session: DesignDocPlugin) -> None:
        self.session = session

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        plan = self.session.plan
        assert plan is not None, "planned before collection"
        files = {test_file for doc in plan.docs for row in doc.rows for test_file in row.test_files}
        keys = plan.keys
        kept: list[pytest.Item] = []
        deselected: list[pytest.Item] = []
        for item in items:
            wanted = item.nodeid.split("::", 1)[0] in files or not keys.isdisjoint(_marker_keys(item))
            (kept if wanted else deselected).append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept


class ReportWriter:
    """The terminal's ``designdoc`` section of a finished run (the files were written by :func:`finish.finish`)."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.finished: Optional[Finished] = None
        self.evidence: Optional[str] = None
        """In a shard job: where its evidence went; reports are left to ``designdoc merge``."""
        self.errors: tuple[str, ...] = ()
        self.notes: tuple[str, ...] = ()

    def show(self, finished: Finished, *, evidence: Optional[str] = None, errors: tuple[str, ...] = (),
             notes: tuple[str, ...] = ()) -> None:
        """What the terminal summary shows: the run's end, what chose its docs, where a shard's evidence went."""
        self.finished, self.evidence, self.errors, self.notes = finished, evidence, finished.errors + errors, notes

    @property
    def failing(self) -> bool:
        return bool(self.finished is not None and (self.finished.failing or self.errors))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.finished is None:
            return
        from .report.terminal import render

        terminalreporter.section("designdoc")
        from .report.view import printable

        for note in self.notes:
            terminalreporter.write_line(printable(f"designdoc: {note}"), yellow=True)
        for line in render(self.finished.data, verbosity=_verbosity(self.config), strict=self.settings.strict,
                           evidence=self.evidence):
            terminalreporter.write_line(line.text, **({line.color: True} if line.color else {}))
        for note in self.finished.notes:
            terminalreporter.write_line(printable(f"designdoc: {note}"))
        if self.evidence is not None and self.settings.reports:
            terminalreporter.write_line("designdoc: reports (designdoc_report / --designdoc-report) are not written by "
                                        "a job that writes evidence: designdoc merge writes them", yellow=True)
        for error in self.errors:
            terminalreporter.write_line(f"designdoc: {error}", red=True)
        for annotation in self.finished.annotations:
            terminalreporter.write_line(annotation)


def _hook_places(hook: Any) -> str:
    """Where each implementation of ``hook`` but the built-in one is defined, ``path:line``."""
    places = []
    for impl in reversed(hook.get_hookimpls()):
        code = getattr(impl.function, "__code__", None)
        if code is not None and impl.function is not pytest_designdoc_parse_goal:
            places.append(f"{code.co_filename}:{code.co_firstlineno}")
    return ", ".join(places) or "none but the built-in one"


def _verbosity(config: pytest.Config) -> int:
    """``Config.get_verbosity()``, which pytest has since 8.0."""
    get_verbosity = getattr(config, "get_verbosity", None)
    return int(get_verbosity() if get_verbosity is not None else config.getoption("verbose"))


@contextlib.contextmanager
def _coverage_configuration() -> Iterator[None]:
    """coverage.py's configuration cannot be read: a usage error naming the problem, not a traceback."""
    from coverage.exceptions import ConfigError, CoverageException

    try:
        yield
    except (ConfigError, CoverageException) as exc:
        raise pytest.UsageError(f"pytest-designdoc: coverage.py cannot use its configuration: {exc}") from None


def _restore_env(name: str, value: Optional[str]) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
