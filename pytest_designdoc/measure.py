"""Whose coverage measures the run, what this session recorded, and the context switches.

One coverage source per session, never two tracers at once:

* :class:`OwnCoverage` — ours, in memory (no data file), measuring only the
  files goals target, with the project's coverage configuration.
* :class:`PytestCovSource` — pytest-cov's Coverage (its ``_cov`` plugin),
  looked up when used; with ``--cov-context=test`` it labels every test.
* :class:`CoverageRunSource` — ``coverage run -m pytest``: ``Coverage.current()``.
* :class:`WorkersSource` — the xdist controller: the workers measure, and
  what each recorded is merged here.

After the run a source gives one frozen :class:`CoverageOutcome`: the data
this session recorded, or why there is none. A source that cannot decide
says so (``problem``, with a remedy): goals are then ``unmeasurable`` and
the run fails, never a silent pass.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Optional, Sequence

from .compat import (
    conflicting_dynamic_context,
    has_core_option,
    is_xdist_worker,
    pytest_cov,
    pytest_cov_coverage,
    pytest_cov_options,
    sysmon_is_default,
)
from .contexts import OUTSIDE, ImportGraph

if TYPE_CHECKING:
    from coverage import Coverage, CoverageData

OWN = "alone"
PYTEST_COV = "pytest-cov"
COVERAGE_RUN = "coverage run"

_QUIET_SLUGS = [
    "module-not-measured", "module-not-imported", "no-data-collected", "include-ignored",
    "already-imported", "couldnt-parse", "no-ctracer", "dynamic-conflict", "no-sysmon",
]
_OWNER_FLAG = "_pytest_designdoc_owner"
_STOPPED_HINT = ("do not stop coverage inside tests (mock it), or set designdoc_coverage_scope = suite "
                 "for whole-suite figures")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """coverage.py's warnings silenced: under ``filterwarnings = error`` they would fail the run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@dataclass(frozen=True)
class CoverageOutcome:
    """What the session's coverage recorded, or why there is nothing to decide goals with."""

    source: str
    data: Optional[CoverageData] = None
    """This session's data only (never what an earlier run left in the data file)."""
    analyser: Optional[Coverage] = None
    """The Coverage whose configuration (exclusions, omit, source) analyses ``data``."""
    count_branches: bool = False
    """Whether the project's own coverage counts branches in its total."""
    per_test_contexts: bool = False
    measured: Optional[frozenset[str]] = None
    """The only files measured (our own coverage); None: the analyser's source decides."""
    tainted: frozenset[str] = frozenset()
    """Targets that have data from before this session mixed into ``data``."""
    preimported: frozenset[str] = frozenset()
    """Targets imported before measuring started: their import-time lines are lost."""
    unmeasurable: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Targets known to be unmeasurable (from a shard's evidence), with the message and hint."""
    problem: str = ""
    hint: str = ""
    imports: ImportGraph = field(default_factory=ImportGraph)
    """Who imported what under row scope: which import contexts each row reaches."""


# -- the core ---------------------------------------------------------------


@dataclass(frozen=True)
class CoreChoice:
    ask: Optional[str] = None
    """The core to ask for before any coverage starts (``ctrace``), if any."""


def choose_core(environ: Mapping[str, str], configured: Optional[str], sysmon_default: bool) -> CoreChoice:
    """Row scope needs a core that records context switches; sysmon ignores them.

    Where coverage.py would pick sysmon by default (Python 3.14+), ask for
    ctrace. A core the user chose is theirs: whether coverage.py really
    uses sysmon (it falls back to ctrace where sysmon cannot measure
    branches, before Python 3.14, or is missing) is seen on the live
    tracer, and a sysmon tracer makes row scope an error, not a guess.
    """
    if environ.get("COVERAGE_CORE") or configured or not sysmon_default:
        return CoreChoice()
    return CoreChoice(ask="ctrace")


SYSMON_PROBLEM = ("coverage.py measures this run with the sysmon core (COVERAGE_CORE, [run] core, or its default on "
                  "Python 3.14+), which ignores context switches: row-scoped figures are impossible")
CORE_HINT = ("use the ctrace core (COVERAGE_CORE=ctrace, or [run] core = \"ctrace\"), or "
             "designdoc_coverage_scope = suite for whole-suite figures")


def request_core(config_file: Any) -> CoreChoice:
    """Decide the core and, when asking for ctrace, set ``COVERAGE_CORE`` for pytest-cov and xdist workers."""
    import coverage
    import coverage.env

    with quiet():
        configured = getattr(coverage.Coverage(data_file=None, config_file=config_file).config, "core", None)
    choice = choose_core(os.environ, configured, sysmon_is_default())
    if choice.ask:
        os.environ["COVERAGE_CORE"] = choice.ask
    return choice


# -- sources ------------------------------------------------------------------


class CoverageSource:
    """One session's coverage in this process: switch contexts, then hand over what was recorded."""

    name = ""

    def __init__(self, row_scope: bool) -> None:
        self.switching = row_scope
        self.problem = ""
        self.hint = ""
        self.preimported: frozenset[str] = frozenset()
        self._label: Optional[str] = None
        self._opened: list[CoverageData] = []
        """Data this source made (merged payloads): closed with the source, never someone else's."""
        self.imports = ImportGraph()
        """What the first-import hook saw (and, on the xdist controller, what the workers' saw)."""

    @property
    def per_test_contexts(self) -> bool:
        """The source labels each test itself (pytest-cov ``--cov-context=test``)."""
        return False

    def tracer(self) -> Optional[Coverage]:
        """The Coverage object that records this process now, if any."""
        return None

    @property
    def label(self) -> str:
        """The context switched to last (the outside context before any switch)."""
        return OUTSIDE if self._label is None else self._label

    def lose(self, problem: str, hint: str) -> None:
        """Measurement can no longer decide goals: keep the first cause, switch nothing more."""
        if not self.problem:
            self.problem, self.hint = problem, hint
        self.switching = False

    def switch(self, label: str) -> None:
        if not self.switching or label == self._label:
            return
        tracer = self.tracer()
        if tracer is None:
            return
        from coverage.exceptions import CoverageException

        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                tracer.switch_context(label)
        except CoverageException as exc:
            self.lose(f"coverage stopped recording during the run ({exc}), so later tests were not measured",
                      _STOPPED_HINT)
            return
        self._label = label
        messages = [str(w.message).lower() for w in caught]
        if not self.check_core():
            return
        if conflicting_dynamic_context(messages):
            self.lose("[run] dynamic_context is configured, so coverage ignores the row contexts",
                      "drop [run] dynamic_context (use --cov-context=test), or designdoc_coverage_scope = suite")

    def check_core(self) -> bool:
        """Whether the live tracer records context switches; a sysmon tracer loses row scope (with the remedy)."""
        tracer = self.tracer()
        if not self.switching or tracer is None:
            return True
        from .compat import ignores_contexts

        if ignores_contexts(tracer):
            self.lose(SYSMON_PROBLEM, CORE_HINT)
            return False
        return True

    def switch_outside(self) -> None:
        """Back to the context of what runs outside any test file's collection or tests."""
        self.switch(OUTSIDE)

    def end_of_run(self) -> None:
        """In this process, as the run loop ends (before pytest-cov saves and combines its data)."""
        tracer = self.tracer()
        if tracer is None:
            return
        import coverage

        if coverage.Coverage.current() is not tracer:
            self.lose("coverage stopped recording during the run (a test or fixture stopped it), "
                      "so what ran afterwards was not measured", _STOPPED_HINT)

    def payload(self) -> Optional[bytes]:
        """The coverage data an xdist worker sends the controller (None: nothing to send)."""
        return None

    def worker_output(self) -> dict[str, Any]:
        """What an xdist worker sends the controller: its data, and why it cannot decide, if it cannot."""
        return {"data": self.payload(), "problem": self.problem, "hint": self.hint, "imports": self.imports.payload()}

    def receive(self, worker: str, output: Any) -> None:
        """One xdist worker finished and sent its :meth:`worker_output`: its problem is the run's problem too."""
        if not isinstance(output, Mapping):
            self.lose(f"xdist worker {worker} sent no coverage outcome", "run again; report it if it persists")
            return
        if output.get("problem"):
            self.lose(f"{output['problem']} (on xdist worker {worker})", str(output.get("hint") or ""))
        if isinstance(output.get("imports"), Mapping):
            self.imports.merge(output["imports"])
        self.receive_data(worker, output.get("data"))

    def receive_data(self, worker: str, payload: Optional[bytes]) -> None:
        """The coverage data one xdist worker recorded (None: it sent none)."""

    def worker_lost(self, worker: str) -> None:
        self.lose(f"xdist worker {worker} went down, and its coverage data with it",
                  "find the test that kills its worker process (os._exit, a segfault); run again")

    def stop(self) -> None:
        """Stop what this source started (only our own coverage)."""

    def close(self) -> None:
        """After the session: stop, and close the data this source opened (pytest-cov's stays open)."""
        self.stop()
        from .compat import close_data

        while self._opened:
            close_data(self._opened.pop())

    def _merged(self, payloads: Iterable[bytes]) -> CoverageData:
        data = _merged(payloads)
        self._opened.append(data)
        return data

    def outcome(self) -> CoverageOutcome:
        raise NotImplementedError


class OwnCoverage(CoverageSource):
    """Our own Coverage, in memory, measuring only the goal targets."""

    name = OWN

    def __init__(self, root: str, targets: Sequence[str], *, needs_branches: bool, row_scope: bool,
                 core: Optional[str]) -> None:
        super().__init__(row_scope)
        self.cov, self.user_branch = own_coverage(root, targets, needs_branches, core)
        self.targets = frozenset(targets)
        self.preimported = _already_imported(root, targets)
        self.running = False

    def start(self) -> None:
        with quiet():
            self.cov.start()
        self.running = True

    def tracer(self) -> Optional[Coverage]:
        return self.cov if self.running else None

    def end_of_run(self) -> None:
        super().end_of_run()
        self.stop()

    def stop(self) -> None:
        if self.running:
            with quiet():
                self.cov.stop()
            self.running = False

    def close(self) -> None:
        super().close()
        from .compat import close_data

        with quiet():
            close_data(self.cov.get_data())

    def payload(self) -> Optional[bytes]:
        return _dumps(self.cov)

    def outcome(self) -> CoverageOutcome:
        with quiet():
            data = self.cov.get_data()
        return CoverageOutcome(OWN, data, self.cov, self.user_branch, measured=self.targets,
                               preimported=self.preimported, problem=self.problem, hint=self.hint,
                               imports=self.imports)


class PytestCovSource(CoverageSource):
    """pytest-cov's Coverage, looked up when used (its workers start theirs at session start).

    With ``--cov-append`` pytest-cov combines this session's data into the
    earlier data file, so what this session recorded is taken before it
    does: at the end of the run loop, in every process that ran tests.
    """

    name = PYTEST_COV

    def __init__(self, plugin: Any, options: Any, root: str, targets: Sequence[str], *, row_scope: bool) -> None:
        super().__init__(row_scope)
        self.plugin = plugin
        self.append, self._per_test = pytest_cov_options(options)
        self.preimported = _already_imported(root, targets)
        self.snapshots: list[bytes] = []

    @property
    def per_test_contexts(self) -> bool:
        return self._per_test

    def tracer(self) -> Optional[Coverage]:
        # Not ``controller.started``: pytest-cov's controller for -n/--dist never sets it, also when
        # -n 0 runs the tests in this process. Its no_cover pause only spans a test's call phase.
        cov: Optional[Coverage] = pytest_cov_coverage(self.plugin)
        return cov

    def end_of_run(self) -> None:
        super().end_of_run()
        tracer = self.tracer()
        if self.append and tracer is not None:
            self.snapshots.append(_dumps(tracer))

    def payload(self) -> Optional[bytes]:
        return self.snapshots[0] if self.snapshots else None

    def receive_data(self, worker: str, payload: Optional[bytes]) -> None:
        if not self.append:
            return  # pytest-cov combines the workers' data itself
        if payload is None:
            self.lose(f"xdist worker {worker} sent no coverage data", "run again; report it if it persists")
        else:
            self.snapshots.append(payload)

    def outcome(self) -> CoverageOutcome:
        cov = pytest_cov_coverage(self.plugin)
        if cov is None:
            return CoverageOutcome(PYTEST_COV, problem=self.problem or "pytest-cov did not measure this run",
                                   hint=self.hint or "check pytest-cov's own output")
        with quiet():
            data = self._merged(self.snapshots) if self.append else cov.get_data()
            arcs = bool(data.has_arcs())
        return CoverageOutcome(PYTEST_COV, data, cov, arcs, self._per_test, preimported=self.preimported,
                               problem=self.problem, hint=self.hint, imports=self.imports)


class CoverageRunSource(CoverageSource):
    """``coverage run -m pytest``: the Coverage that runs this process."""

    name = COVERAGE_RUN

    def __init__(self, cov: Coverage, root: str, targets: Sequence[str], *, row_scope: bool) -> None:
        super().__init__(row_scope)
        self.cov = cov
        self.tainted = _recorded_before(cov, root, targets)

    def tracer(self) -> Optional[Coverage]:
        return self.cov

    def payload(self) -> Optional[bytes]:
        return _dumps(self.cov)

    def outcome(self) -> CoverageOutcome:
        with quiet():
            data = self.cov.get_data()
            arcs = bool(data.has_arcs())
        return CoverageOutcome(COVERAGE_RUN, data, self.cov, arcs, tainted=self.tainted,
                               problem=self.problem, hint=self.hint, imports=self.imports)


class NestedSource(CoverageSource):
    """A pytest session inside a process that an enclosing pytest-designdoc session measures."""

    name = COVERAGE_RUN

    def __init__(self) -> None:
        super().__init__(row_scope=False)
        self.lose("an enclosing pytest-designdoc session is measuring this process",
                  "run this session in its own process (pytester's runpytest_subprocess)")

    def outcome(self) -> CoverageOutcome:
        return CoverageOutcome(self.name, problem=self.problem, hint=self.hint)


class WorkersSource(CoverageSource):
    """The xdist controller: each worker measured its tests; their data is merged here."""

    name = OWN

    def __init__(self, root: str, targets: Sequence[str], *, needs_branches: bool) -> None:
        super().__init__(row_scope=False)
        self.setup = (root, tuple(targets), needs_branches)
        self.payloads: list[bytes] = []

    def receive_data(self, worker: str, payload: Optional[bytes]) -> None:
        if payload is None:
            self.lose(f"xdist worker {worker} sent no coverage data (another coverage measured it, "
                      "e.g. coverage run with patch = subprocess)", "use --cov, or run without -n")
        else:
            self.payloads.append(payload)

    def outcome(self) -> CoverageOutcome:
        root, targets, needs_branches = self.setup
        analyser, user_branch = own_coverage(root, targets, needs_branches, None)
        from coverage.exceptions import CoverageException

        try:
            data = self._merged(self.payloads)
        except CoverageException as exc:
            return CoverageOutcome(OWN, problem=f"the workers' coverage data does not merge ({exc})",
                                   hint="run without -n to see which worker measured differently")
        return CoverageOutcome(OWN, data, analyser, user_branch, measured=frozenset(targets),
                               problem=self.problem, hint=self.hint, imports=self.imports)


def start_source(
    options: Any,
    pluginmanager: Any,
    root: str,
    targets: Sequence[str],
    *,
    needs_branches: bool,
    row_scope: bool,
    distributing: bool,
    core: CoreChoice,
) -> CoverageSource:
    """Pick this session's coverage source; when it is ours, start measuring."""
    source = _pick_source(options, pluginmanager, root, targets, needs_branches, row_scope, distributing, core)
    source.check_core()
    return source


def _pick_source(options: Any, pluginmanager: Any, root: str, targets: Sequence[str], needs_branches: bool,
                 row_scope: bool, distributing: bool, core: CoreChoice) -> CoverageSource:
    cov_plugin = pytest_cov(pluginmanager)
    if cov_plugin is not None:
        return PytestCovSource(cov_plugin, options, root, targets, row_scope=row_scope)
    if distributing:
        return WorkersSource(root, targets, needs_branches=needs_branches)
    import coverage

    current = coverage.Coverage.current()
    if current is not None:
        if getattr(current, _OWNER_FLAG, False):
            return NestedSource()
        return CoverageRunSource(current, root, targets, row_scope=row_scope)
    own = OwnCoverage(root, targets, needs_branches=needs_branches, row_scope=row_scope, core=core.ask)
    own.start()
    return own


def will_distribute(options: Any) -> bool:
    """Whether pytest-xdist will run the tests in worker processes (its own rule, read before it applies it)."""
    if getattr(options, "collectonly", False) or is_xdist_worker():
        return False
    workers = getattr(options, "numprocesses", None)
    if workers in ("auto", "logical"):
        return not getattr(options, "usepdb", False)
    if workers is not None:
        return bool(workers)
    dist = "load" if getattr(options, "distload", False) else getattr(options, "dist", "no")
    return dist not in ("no", None) and bool(getattr(options, "tx", None))


# -- helpers --------------------------------------------------------------


def own_coverage(root: str, targets: Sequence[str], needs_branches: bool,
                  core: Optional[str]) -> tuple[Coverage, bool]:
    """An in-memory Coverage with the project's configuration, measuring ``targets``; and the project's branch setting."""
    import coverage

    with quiet():
        cov = coverage.Coverage(data_file=None, config_file=True, auto_data=False)
    user_branch = bool(cov.config.branch)
    cov.set_option("run:source", None)
    cov.set_option("run:source_pkgs", [])
    cov.set_option("run:include", [os.path.join(root, path) for path in targets])
    cov.set_option("run:branch", user_branch or needs_branches)
    cov.set_option("run:dynamic_context", None)
    if core and has_core_option(cov):
        cov.set_option("run:core", core)
    cov.set_option("run:disable_warnings", list(cov.config.disable_warnings) + _QUIET_SLUGS)
    setattr(cov, _OWNER_FLAG, True)
    return cov, user_branch


def _dumps(cov: Coverage) -> bytes:
    """What ``cov`` recorded so far, serialised by coverage.py (``CoverageData.dumps()``)."""
    with quiet():
        return cov.get_data().dumps()


def _merged(payloads: Iterable[bytes]) -> CoverageData:
    """One in-memory CoverageData holding every payload (``CoverageData.dumps()`` bytes)."""
    from coverage import CoverageData

    from .compat import close_data

    merged = CoverageData(no_disk=True)
    for payload in payloads:
        part = CoverageData(no_disk=True)
        try:
            part.loads(payload)
            merged.update(part)
        finally:
            close_data(part)
    return merged


def _already_imported(root: str, targets: Sequence[str]) -> frozenset[str]:
    """The targets some module already loaded from (pytest itself imports ``packaging``, for one)."""
    wanted = {os.path.join(root, path): path for path in targets}
    found = set()
    for module in list(sys.modules.values()):
        filename = getattr(module, "__file__", None)
        if isinstance(filename, str) and filename.startswith(root):
            path = wanted.get(os.path.realpath(filename))
            if path is not None:
                found.add(path)
    return frozenset(found)


_RUN_OPTIONS_WITH_VALUES = {"--concurrency", "--context", "--data-file", "--debug", "--include", "--omit",
                            "--rcfile", "--save-signal", "--source"}


def coverage_run_appends(argv: Sequence[str]) -> bool:
    """Whether ``argv`` (``sys.orig_argv``) is ``coverage run -a …``: earlier data is loaded into this run."""
    try:
        position = list(argv).index("run") + 1
    except ValueError:
        return False
    while position < len(argv):
        arg = argv[position]
        if arg in ("-a", "--append"):
            return True
        if arg == "-m" or not arg.startswith("-") or arg == "--":
            return False
        if _short_flags_append(arg):
            return True
        position += 2 if arg in _RUN_OPTIONS_WITH_VALUES else 1
    return False


def _short_flags_append(arg: str) -> bool:
    """Whether ``arg`` is short flags of ``coverage run`` joined (``-ap``), ``-a`` among them."""
    return not arg.startswith("--") and "a" in arg[1:] and set(arg[1:]) <= set("aLmp")


def _recorded_before(cov: Coverage, root: str, targets: Sequence[str]) -> frozenset[str]:
    """Targets that ``coverage run -a`` loaded earlier data for (it sits in this run's data, inseparable)."""
    if not coverage_run_appends(getattr(sys, "orig_argv", ())):
        return frozenset()
    path = os.path.abspath(cov.config.data_file)
    if not os.path.exists(path):
        return frozenset()
    from coverage import CoverageData
    from coverage.exceptions import CoverageException

    earlier = CoverageData(basename=path)
    try:
        with quiet():
            earlier.read()
            files = {os.path.realpath(name) for name in earlier.measured_files() if earlier.lines(name)}
    except (CoverageException, OSError):
        return frozenset(targets)
    finally:
        from .compat import close_data

        close_data(earlier)
    return frozenset(path for path in targets if os.path.join(root, path) in files)
