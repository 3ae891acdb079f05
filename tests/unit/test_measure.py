"""Coverage sources against stand-in Coverage objects (a real tracer here would fight the run's own)."""

from __future__ import annotations

import sys
import warnings
from typing import Any, Optional

import pytest
from coverage.exceptions import CoverageException, CoverageWarning

from pytest_designdoc.contexts import FirstImports, ImportGraph, context_label, imports_something_new
from pytest_designdoc.measure import (
    CoreChoice,
    SYSMON_PROBLEM,
    CoverageSource,
    choose_core,
    coverage_run_appends,
    is_xdist_worker,
    will_distribute,
)
from pytest_designdoc.model import percent_text


class StandInCoverage:
    def __init__(self, message: str = "", stopped: bool = False) -> None:
        self.message = message
        self.stopped = stopped
        self.switched: list[str] = []

    def switch_context(self, label: str) -> None:
        if self.stopped:
            raise CoverageException("Cannot switch context, coverage is not started")
        self.switched.append(label)
        if self.message:
            warnings.warn(self.message, CoverageWarning, stacklevel=2)


class StandInSource(CoverageSource):
    def __init__(self, cov: Optional[Any]) -> None:
        super().__init__(row_scope=True)
        self.cov = cov

    def tracer(self) -> Any:
        return self.cov


def test_the_context_switches_once_per_test_file() -> None:
    cov = StandInCoverage()
    source = StandInSource(cov)
    for nodeid_file, keys in [("t/test_a.py", []), ("t/test_a.py", []), ("t/test_b.py", ["K-2", "K-1", "K-1"]),
                              ("t/test_b.py", ["K-1", "K-2"]), ("t/test_a.py", [])]:
        source.switch(context_label(nodeid_file, keys))
    assert cov.switched == ["t/test_a.py", "t/test_b.py::@designdoc[K-1,K-2]", "t/test_a.py"]
    assert source.problem == ""


def test_a_configured_dynamic_context_is_a_problem_not_wrong_figures() -> None:
    cov = StandInCoverage("Conflicting dynamic contexts")
    source = StandInSource(cov)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        source.switch("t/test_a.py")
        source.switch("t/test_b.py")
    assert cov.switched == ["t/test_a.py"]
    assert source.problem.startswith("[run] dynamic_context is configured") and source.hint


class SysMonitor:
    """Named as coverage.py's sysmon tracer class."""


@pytest.mark.parametrize("core", [
    type("Core", (), {"supports_dynamic_contexts": False})(),
    type("Core", (), {"tracer_class": SysMonitor})(),
], ids=["coverage 7.17: supports_dynamic_contexts", "coverage 7.7: the SysMonitor tracer"])
@pytest.mark.parametrize("when", ["at start", "at the first switch (pytest-cov's worker starts later)"])
def test_a_sysmon_tracer_loses_row_scope_with_the_remedy(core: Any, when: str) -> None:
    cov = StandInCoverage()
    cov._core = core  # type: ignore[attr-defined]
    source = StandInSource(cov)
    if when == "at start":
        assert not source.check_core()
    source.switch("t/test_a.py")
    source.switch("t/test_b.py")
    assert source.problem == SYSMON_PROBLEM and "COVERAGE_CORE=ctrace" in source.hint and not source.switching
    assert cov.switched == ([] if when == "at start" else ["t/test_a.py"])


@pytest.mark.parametrize("core", [None, type("Core", (), {"supports_dynamic_contexts": True})(),
                                  type("Core", (), {"tracer_class": type("CTracer", (), {})})()],
                         ids=["not started", "coverage 7.17 ctrace", "coverage 7.7 ctrace"])
def test_a_tracer_that_records_contexts_keeps_row_scope(core: Any) -> None:
    cov = StandInCoverage()
    cov._core = core  # type: ignore[attr-defined]
    source = StandInSource(cov)
    assert source.check_core() and source.problem == ""
    source.switch("t/test_a.py")
    assert cov.switched == ["t/test_a.py"]


@pytest.mark.parametrize(("output", "problem"), [
    ({"data": None, "problem": "coverage stopped recording during the run", "hint": "do not stop it"},
     "coverage stopped recording during the run (on xdist worker gw1)"),
    (None, "xdist worker gw1 sent no coverage outcome"),
], ids=["the worker's problem", "nothing"])
def test_what_a_worker_could_not_measure_is_the_runs_problem(output: Any, problem: str) -> None:
    source = StandInSource(StandInCoverage())
    source.receive("gw1", output)
    assert source.problem == problem and source.hint


def test_a_workers_import_graph_joins_the_controllers() -> None:
    source = StandInSource(StandInCoverage())
    source.imports.loaded(["pkg"], "::@import:pkg")
    worker = ImportGraph()
    worker.imported("t/test_b.py", ["pkg", "other"])
    worker.loaded(["pkg", "other"], "::@import:other")
    source.receive("gw1", {"data": None, "problem": "", "hint": "", "imports": worker.payload()})
    assert source.imports.loaded_in == {"pkg": "::@import:pkg", "other": "::@import:other"}, "the first seen stays"
    assert source.imports.imports == {"t/test_b.py": {"pkg", "other"}}


def test_coverage_stopped_by_a_test_is_a_problem_not_a_crash() -> None:
    source = StandInSource(StandInCoverage(stopped=True))
    source.switch("t/test_a.py")
    assert source.problem.startswith("coverage stopped recording during the run") and not source.switching
    source.lose("a later cause", "")
    assert source.problem.startswith("coverage stopped"), "the first cause is kept"


def test_nothing_is_switched_while_no_coverage_is_recording() -> None:
    source = StandInSource(None)
    assert source.check_core()
    source.switch("t/test_a.py")
    cov = StandInCoverage()
    source.cov = cov
    source.switch("t/test_a.py")
    assert cov.switched == ["t/test_a.py"]


@pytest.mark.parametrize(
    ("environ", "configured", "sysmon_default", "choice"),
    [
        ({}, None, True, CoreChoice(ask="ctrace")),
        ({}, None, False, CoreChoice()),
        ({"COVERAGE_CORE": "ctrace"}, None, True, CoreChoice()),
        ({}, "pytrace", True, CoreChoice()),
        ({"COVERAGE_CORE": "sysmon"}, None, True, CoreChoice()),
        ({}, "sysmon", True, CoreChoice()),
    ],
    ids=["3.14 default", "before 3.14", "env ctrace", "config pytrace", "env sysmon", "config sysmon"],
)
def test_row_scope_asks_for_ctrace_unless_the_user_chose_a_core(
    environ: dict[str, str], configured: Optional[str], sysmon_default: bool, choice: CoreChoice
) -> None:
    """A chosen core is the user's; whether it is sysmon in the end is read off the live tracer."""
    assert choose_core(environ, configured, sysmon_default) == choice


class Options:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


@pytest.mark.parametrize(
    ("options", "distributes"),
    [
        (Options(numprocesses=2, dist="no"), True),
        (Options(numprocesses=0, dist="load"), False),
        (Options(numprocesses=None, dist="load", tx=[]), False),
        (Options(numprocesses=None, dist="load", tx=["popen"]), True),
        (Options(numprocesses="auto"), True),
        (Options(numprocesses="auto", usepdb=True), False),
        (Options(numprocesses=2, collectonly=True), False),
        (Options(), False),
    ],
    ids=["-n 2", "-n 0 --dist load", "--dist load", "--dist load --tx", "-n auto", "-n auto --pdb",
         "--collect-only", "no xdist"],
)
def test_xdist_distributes_by_its_own_rule(
    options: Options, distributes: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # this test may run in a worker itself
    assert will_distribute(options) is distributes


def test_a_worker_is_told_from_a_process_that_inherited_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setattr("sys.orig_argv", ["python", "-u", "-c", "import sys;exec(eval(sys.stdin.readline()))"])
    assert is_xdist_worker() and not will_distribute(Options(numprocesses=2))
    monkeypatch.setattr("sys.orig_argv", ["python", "-m", "pytest", "-n", "2"])
    assert not is_xdist_worker() and will_distribute(Options(numprocesses=2))


@pytest.mark.parametrize(
    ("argv", "appends"),
    [
        (["python", "-m", "coverage", "run", "-a", "-m", "pytest"], True),
        (["python", "/venv/bin/coverage", "run", "--rcfile", "x.cfg", "--append", "-m", "pytest"], True),
        (["python", "-m", "coverage", "run", "-am", "pytest"], True),
        (["python", "-m", "coverage", "run", "-m", "pytest", "-a"], False),
        (["python", "-m", "coverage", "run", "--source=src", "-m", "pytest"], False),
        (["python", "-m", "pytest"], False),
    ],
)
def test_coverage_run_append_is_read_from_the_command_line(argv: list[str], appends: bool) -> None:
    assert coverage_run_appends(argv) is appends


@pytest.mark.parametrize(
    ("actual", "required", "text"),
    [(89.996, None, "89.99"), (89.74, 90.0, "89.74"), (90.0, 90.0, "90.00"), (0.29, None, "0.29"),
     (90.007, 90.005, "90.007"), (100.0, 100.0, "100.00")],
)
def test_figures_are_cut_never_rounded_up(actual: float, required: Optional[float], text: str) -> None:
    assert percent_text(actual, required) == text


@pytest.mark.parametrize(
    ("name", "fromlist", "level", "package", "new"),
    [
        ("os", (), 0, "", False),
        ("surely_not_a_module_xyz", (), 0, "", True),
        ("json", ("loads",), 0, "", False),
        ("json", ("surely_not_a_submodule",), 0, "", True),
        ("os", ("anything",), 0, "", False),
        ("decoder", (), 1, "json", False),
        ("", ("decoder",), 1, "json", False),
        ("nope", (), 3, "json", False),
    ],
    ids=["loaded", "new", "attribute of a package", "new submodule", "attribute of a module", "relative loaded",
         "from . import", "beyond the top"],
)
def test_only_an_import_that_loads_a_new_module_runs_outside(
    name: str, fromlist: tuple[str, ...], level: int, package: str, new: bool
) -> None:
    import json.decoder  # noqa: F401

    assert imports_something_new(name, {"__package__": package}, fromlist, level) is new


def test_a_first_import_runs_in_its_own_context_and_the_hook_comes_off() -> None:
    import builtins

    cov = StandInCoverage()
    source = StandInSource(cov)
    source.switch("t/test_a.py")
    imports = FirstImports(source)
    original = builtins.__import__
    imports.install()
    try:
        import json  # noqa: F401  (loaded already: no switch, but t/test_a.py imports it)
        import surely_not_a_module_xyz  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        pass
    finally:
        imports.uninstall()
    assert builtins.__import__ is original
    assert cov.switched == ["t/test_a.py", "::@import:surely_not_a_module_xyz", "t/test_a.py"]
    assert source.imports.imports.get("t/test_a.py") == {"json"}


def test_imports_from_the_outside_context_stay_outside() -> None:
    cov = StandInCoverage()
    source = StandInSource(cov)
    imports = FirstImports(source)
    imports.install()
    try:
        import surely_not_a_module_xyz  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        pass
    finally:
        imports.uninstall()
    assert cov.switched == [] and source.imports.imports == {}


def test_a_row_reaches_the_imports_of_its_own_files_and_theirs_only() -> None:
    """urlutils was loaded while test_urlutils.py was collected; test_dictutils.py never imports it."""
    graph = ImportGraph()
    graph.imported("tests/test_urlutils.py", ["boltons", "boltons.urlutils"])
    graph.loaded(["boltons"], "::@import:boltons")
    graph.loaded(["boltons.urlutils", "boltons.typeutils"], "::@import:boltons.urlutils")
    graph.imported("::@import:boltons.urlutils", ["socket"])
    graph.loaded(["socket"], "::@import:socket")
    graph.imported("tests/test_dictutils.py", ["boltons", "boltons.dictutils"])
    graph.loaded(["boltons.dictutils"], "::@import:boltons.dictutils")
    graph.imported("tests/test_later.py::@designdoc[URL-1]", ["boltons.urlutils"])
    assert graph.reached(("tests/test_urlutils.py",), "X-1") == {
        "::@import:boltons", "::@import:boltons.urlutils", "::@import:socket"}
    assert graph.reached(("tests/test_dictutils.py",), "X-1") == {"::@import:boltons", "::@import:boltons.dictutils"}
    assert graph.reached(("tests/test_other.py",), "URL-1") == {"::@import:boltons.urlutils", "::@import:socket"}

    assert graph.reached(("tests/test_other.py",), "X-1") == frozenset()


def test_a_package_and_its_submodule_load_in_contexts_of_their_own(tmp_path: Any, monkeypatch: Any) -> None:
    """``import pkg.urlutils`` loads pkg first: its __init__'s work is pkg's, not pkg.urlutils' (a row that
    imports only pkg, or pkg.dictutils, must not get urlutils' import-time work)."""
    package = tmp_path / "pkg_first_imports"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "urlutils.py").write_text("import pkg_first_imports.helpers\n")
    (package / "helpers.py").write_text("")
    (package / "dictutils.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    cov = StandInCoverage()
    source = StandInSource(cov)
    source.switch("t/test_url.py")
    imports = FirstImports(source)
    imports.install()
    try:
        import pkg_first_imports.urlutils  # noqa: F401
        source.switch("t/test_dict.py")
        from pkg_first_imports import dictutils  # noqa: F401
    finally:
        imports.uninstall()
        for name in [name for name in sys.modules if name.startswith("pkg_first_imports")]:
            del sys.modules[name]
    graph = source.imports
    assert graph.loaded_in == {"pkg_first_imports": "::@import:pkg_first_imports",
                               "pkg_first_imports.urlutils": "::@import:pkg_first_imports.urlutils",
                               "pkg_first_imports.helpers": "::@import:pkg_first_imports.helpers",
                               "pkg_first_imports.dictutils": "::@import:pkg_first_imports.dictutils"}
    assert graph.reached(("t/test_dict.py",), "K") == {"::@import:pkg_first_imports",
                                                       "::@import:pkg_first_imports.dictutils"}
    assert graph.reached(("t/test_url.py",), "K") == {"::@import:pkg_first_imports",
                                                      "::@import:pkg_first_imports.urlutils",
                                                      "::@import:pkg_first_imports.helpers"}


@pytest.mark.parametrize(("path", "modules"), [
    ("src/pkg/urlutils.py", ["pkg.urlutils"]),
    ("src/pkg/__init__.py", ["pkg"]),
    ("pkg/urlutils.py", ["pkg.urlutils"]),
    ("src/other.py", []),
    ("src/xpkg/urlutils.py", []),
])
def test_a_target_file_is_found_among_the_modules_test_files_loaded(path: str, modules: list[str]) -> None:
    graph = ImportGraph()
    graph.loaded(["pkg", "pkg.urlutils"], "::@import:pkg.urlutils")
    assert graph.loaded_from(path) == modules
