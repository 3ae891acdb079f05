"""What pytest-designdoc needs from coverage.py that differs between the versions it supports.

Every reach past a public API of coverage.py, pytest-cov or pytest-xdist
lives here, one function per fact, so the rest of the code only calls
these and each is tested against the floor and the newest version.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:
    from coverage import CoverageData


def close_data(data: CoverageData) -> None:
    """Close every SQLite connection ``data`` holds, in-memory ones too.

    Python 3.13 warns (``ResourceWarning``) about a connection that is
    garbage-collected open, and ``filterwarnings = error`` turns that into a
    failed run. coverage.py closes in-memory databases itself only in its later 7.x
    releases (``close(force=True)``, 7.11 has it, 7.10.0 not); before,
    ``CoverageData`` has no ``close``, so their connections are closed here.
    """
    close: Any = getattr(data, "close", None)
    if close is not None and "force" in inspect.signature(close).parameters:
        close(force=True)
        return
    databases = getattr(data, "_dbs", None)
    if not isinstance(databases, dict):
        return
    for database in databases.values():
        connection = getattr(database, "con", None)
        if connection is not None:
            connection.close()
            database.con = None
    databases.clear()


def ignores_contexts(cov: Any) -> bool:
    """Whether the started Coverage ``cov`` records each line once per process, whatever the context (sysmon).

    coverage.py tells it as ``Core.supports_dynamic_contexts`` in its
    newest releases (7.17 has it, 7.15.0 not); before, its sysmon core is the one whose tracer is ``SysMonitor``. A
    Coverage that has not started yet has no core: it records nothing to
    misattribute yet.
    """
    core = getattr(cov, "_core", None)
    if core is None:
        return False
    supports = getattr(core, "supports_dynamic_contexts", None)
    if isinstance(supports, bool):
        return not supports
    return getattr(getattr(core, "tracer_class", None), "__name__", "") == "SysMonitor"


def has_core_option(cov: Any) -> bool:
    """Whether this coverage.py has the ``[run] core`` option (7.9 added it; ``COVERAGE_CORE`` works in all)."""
    return "core" in vars(getattr(cov, "config", object()))


def sysmon_is_default() -> bool:
    """Whether coverage.py picks the sysmon core when nobody chose one (7.9+ on Python 3.14+)."""
    import coverage.env

    return bool(getattr(coverage.env, "SYSMON_DEFAULT", False))


def conflicting_dynamic_context(messages: Iterable[str]) -> bool:
    """Whether coverage.py warned that ``[run] dynamic_context`` overrides our context switches."""
    return any("conflicting dynamic contexts" in message.lower() for message in messages)


# pytest-cov ---------------------------------------------------------------------


def pytest_cov(pluginmanager: Any) -> Any:
    """pytest-cov's plugin when it measures this run (``--cov``, not ``--no-cov``), else None."""
    plugin = pluginmanager.get_plugin("_cov")
    if plugin is None or getattr(plugin, "_disabled", False):
        return None
    return plugin


def pytest_cov_coverage(plugin: Any) -> Any:
    """The Coverage pytest-cov measures with now (its workers start theirs at session start), or None."""
    return getattr(getattr(plugin, "cov_controller", None), "cov", None)


def pytest_cov_options(options: Any) -> tuple[bool, bool]:
    """pytest-cov's ``--cov-append`` and whether ``--cov-context=test`` labels every test."""
    return bool(getattr(options, "cov_append", False)), getattr(options, "cov_context", None) == "test"


def coverage_config_file(options: Any) -> Any:
    """pytest-cov's ``--cov-config`` when given, else True (coverage.py's own search for its configuration)."""
    return getattr(options, "cov_config", None) or True


@contextlib.contextmanager
def keeping_workers_data(options: Any) -> Iterator[None]:
    """On an xdist worker, pytest-cov's ``pytest_load_initial_conftests`` leaves earlier data files alone.

    There pytest-cov starts a controller's Coverage, and starting it erases
    every ``.coverage.*`` file (parallel mode): the data files of workers
    that already record contexts among them. pytest-cov's own worker
    Coverage, started at session start, is unchanged; ``--cov-append`` is
    put back when the hook returns.
    """
    if not (is_xdist_worker() and getattr(options, "cov_source", None) and hasattr(options, "cov_append")):
        yield
        return
    append, options.cov_append = options.cov_append, True
    try:
        yield
    finally:
        options.cov_append = append


# pytest-xdist -------------------------------------------------------------------


def is_xdist_worker() -> bool:
    """Whether this process is a pytest-xdist worker, before pytest-xdist says so (``config.workerinput``).

    A worker is started by execnet with its bootstrap on the command line;
    the environment variable alone is inherited by any process a test starts.
    """
    return "PYTEST_XDIST_WORKER" in os.environ and any(
        "exec(eval(sys.stdin.readline()))" in arg for arg in getattr(sys, "orig_argv", ()))
