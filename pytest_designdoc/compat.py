"""What pytest-designdoc needs from coverage.py that differs between the versions it supports.

Every reach past a public API of coverage.py, pytest-cov or pytest-xdist
lives here, one function per fact, so the rest of the code only calls
these and each is tested against the floor and the newest version.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

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
