"""Whose coverage measures the run, and the context switch per test file.

Three sources, never two tracers at once:

* pytest-cov (``--cov``): its Coverage object, looked up when used;
  with ``--cov-context=test`` it already labels every test.
* ``coverage run -m pytest``: ``Coverage.current()``.
* alone: our own Coverage, in memory (no data file), measuring only the
  files goals target, with the project's coverage configuration.

Under pytest-xdist each worker measures (or pytest-cov's worker does) and
the controller analyses the combined data once.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any, Iterator, Optional, Sequence

if TYPE_CHECKING:
    from coverage import Coverage

OWN = "alone"
PYTEST_COV = "pytest-cov"
COVERAGE_RUN = "coverage run"

_QUIET_SLUGS = [
    "module-not-measured", "module-not-imported", "no-data-collected", "include-ignored",
    "already-imported", "couldnt-parse", "no-ctracer", "dynamic-conflict", "no-sysmon",
]
_OWNER_FLAG = "_pytest_designdoc_owner"


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """coverage.py's warnings silenced: under ``filterwarnings = error`` they would fail the run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class Measurement:
    """One session's coverage source; created before initial conftests load."""

    def __init__(
        self,
        mode: str,
        pluginmanager: Any,
        *,
        own: Optional[Coverage] = None,
        per_test_contexts: bool = False,
        switch_contexts: bool = True,
    ) -> None:
        self.mode = mode
        self.pluginmanager = pluginmanager
        self.own = own
        self.per_test_contexts = per_test_contexts
        self.switch_contexts = switch_contexts and not per_test_contexts
        self.problem = ""
        self.own_started = False
        self.own_branch: Optional[bool] = None
        self.own_targets: Optional[frozenset[str]] = None
        """The only files our own coverage measures (None: someone else's coverage decides)."""
        self.preimported: frozenset[str] = frozenset()
        """Targets imported before measurement started: their import-time lines are lost."""
        self._label: Optional[str] = None
        self._analysis_setup: Optional[tuple[str, tuple[str, ...], bool]] = None
        self._merged = False

    @classmethod
    def start(
        cls,
        options: Any,
        pluginmanager: Any,
        root: str,
        targets: Sequence[str],
        *,
        needs_branches: bool,
        row_scope: bool,
        xdist_controller: bool,
    ) -> Measurement:
        """Pick the coverage source and, when it is ours, start measuring."""
        if getattr(options, "cov_source", None) and not getattr(options, "no_cov", False):
            measurement = cls(PYTEST_COV, pluginmanager, switch_contexts=row_scope,
                              per_test_contexts=getattr(options, "cov_context", None) == "test")
            measurement.preimported = _already_imported(root, targets)
            return measurement
        import coverage

        current = coverage.Coverage.current()
        if current is not None and not xdist_controller:
            if getattr(current, _OWNER_FLAG, False):
                measurement = cls(COVERAGE_RUN, pluginmanager, switch_contexts=False)
                measurement.problem = "an enclosing pytest-designdoc session is measuring this process"
                return measurement
            measurement = cls(COVERAGE_RUN, pluginmanager, switch_contexts=row_scope)
            measurement._analysis_setup = (root, tuple(targets), needs_branches)
            return measurement

        own, user_branch = _own_coverage(root, targets, needs_branches)
        measurement = cls(OWN, pluginmanager, own=own, switch_contexts=row_scope)
        measurement.own_branch = user_branch
        measurement.own_targets = frozenset(targets)
        measurement.preimported = _already_imported(root, targets)
        if not xdist_controller:
            with quiet():
                own.start()
            measurement.own_started = True
        return measurement

    # during the run ---------------------------------------------------

    def _pytest_cov_controller(self) -> Any:
        return getattr(self.pluginmanager.get_plugin("_cov"), "cov_controller", None)

    def tracer(self) -> Optional[Coverage]:
        """The Coverage object recording now, if any."""
        if self.mode == PYTEST_COV:
            controller = self._pytest_cov_controller()
            if controller is not None and controller.started:
                return controller.cov  # type: ignore[no-any-return]
            return None
        if self.mode == COVERAGE_RUN:
            import coverage

            return coverage.Coverage.current()
        return self.own if self.own_started else None

    def switch(self, label: str) -> None:
        if not self.switch_contexts or label == self._label:
            return
        tracer = self.tracer()
        if tracer is None:
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tracer.switch_context(label)
        self._label = label
        messages = [str(w.message).lower() for w in caught]
        ignored = not getattr(getattr(tracer, "_core", None), "supports_dynamic_contexts", True) or any(
            "sysmon" in m for m in messages)
        conflict = any("dynamic context" in m for m in messages)
        if ignored or conflict:
            self.switch_contexts = False
            self.problem = (
                "the active coverage does not record context switches "
                f"({'its core, sysmon, ignores them' if ignored else 'dynamic_context is configured'}): "
                "row-scoped figures are unavailable; use COVERAGE_CORE=ctrace, drop [run] dynamic_context "
                "or set designdoc_coverage_scope = suite"
            )

    def stop(self) -> None:
        if self.own is not None and self.own_started:
            with quiet():
                self.own.stop()
            self.own_started = False

    # xdist --------------------------------------------------------------

    def payload(self) -> Optional[bytes]:
        """A worker's own data for the controller; pytest-cov ships its own."""
        if self.own is None:
            return None
        with quiet():
            return self.own.get_data().dumps()

    def merge(self, payload: bytes) -> None:
        """Add one xdist worker's data (the workers measured with their own coverage)."""
        from coverage import CoverageData

        if self.own is None:
            if self._analysis_setup is None:
                return
            self.own, self.own_branch = _own_coverage(*self._analysis_setup)
        self._merged = True
        worker_data = CoverageData(no_disk=True)
        worker_data.loads(payload)
        with quiet():
            self.own.get_data().update(worker_data)

    def worker_lost(self, worker: str) -> None:
        self.problem = f"xdist worker {worker} went down: its coverage data is lost"

    def worker_done(self, worker: str, payload: Optional[bytes]) -> None:
        """A worker finished; under our own coverage it must have sent its data."""
        if payload is not None:
            self.merge(payload)
        elif self.mode == OWN:
            self.problem = (f"xdist worker {worker} sent no coverage data (another coverage measured it, "
                            "e.g. coverage run with patch = subprocess): use --cov, or run without -n")

    # after the run --------------------------------------------------------

    def coverage(self) -> Optional[Coverage]:
        """The Coverage object whose data holds the whole run."""
        if self.mode == PYTEST_COV:
            controller = self._pytest_cov_controller()
            return controller.cov if controller is not None else None
        if self._merged or self.mode == OWN:
            return self.own
        return self.tracer()

    def count_branches(self, cov: Coverage) -> bool:
        """Whether coverage.py's total for this project counts branches."""
        if self.own_branch is not None:
            return self.own_branch
        return bool(cov.config.branch)


def _own_coverage(root: str, targets: Sequence[str], needs_branches: bool) -> tuple[Coverage, bool]:
    """An in-memory Coverage with the project's configuration, measuring ``targets``; and the project's branch setting."""
    import coverage

    cov = coverage.Coverage(data_file=None, config_file=True, auto_data=False)
    user_branch = bool(cov.config.branch)
    cov.set_option("run:source", None)
    cov.set_option("run:source_pkgs", [])
    cov.set_option("run:include", [os.path.join(root, path) for path in targets])
    cov.set_option("run:branch", user_branch or needs_branches)
    cov.set_option("run:dynamic_context", None)
    if "core" in cov.config.__dict__:
        cov.set_option("run:core", "ctrace")  # sysmon ignores switch_context
    cov.set_option("run:disable_warnings", list(cov.config.disable_warnings) + _QUIET_SLUGS)
    setattr(cov, _OWNER_FLAG, True)
    return cov, user_branch


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
