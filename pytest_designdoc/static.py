"""The static stage, shared by the plugin and ``designdoc lint``: discover → parse → plan.

What it needs from the pytest configuration is a :class:`Layout`: which
files are test files, which directories to skip, and where coverage.py's
configuration is (its ``[run] source`` directories hold code goals name).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Sequence, Union

if TYPE_CHECKING:
    from .model import Goal
    from .plan import Plan

PYTEST_PYTHON_FILES = ("test_*.py", "*_test.py")
PYTEST_NORECURSE = ("*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")


@dataclass(frozen=True)
class Layout:
    """pytest's ``python_files`` and ``norecursedirs``, as the project configures them."""

    python_files: tuple[str, ...] = PYTEST_PYTHON_FILES
    norecursedirs: tuple[str, ...] = PYTEST_NORECURSE
    coverage_config: Union[str, bool] = True
    """coverage.py's configuration file (``--cov-config``), or True for its usual search."""

    def skip_dir(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in self.norecursedirs)

    def is_test_file(self, path: str) -> bool:
        name = path.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatch(name, pattern) for pattern in self.python_files)


def static_stage(root: str, patterns: Sequence[str], layout: Layout,
                 parse_goal: Optional[Callable[[str, int], Goal]] = None) -> Plan:
    """The docs ``patterns`` find under ``root`` (a real path), parsed and resolved against the disk."""
    from .discover import discover
    from .parse import DocParser
    from .plan import plan

    from dataclasses import replace

    from .history import checked_against_history

    parser = DocParser(parse_goal) if parse_goal is not None else DocParser()
    found = discover(root, patterns, parser, layout.skip_dir)
    planned = plan(found.docs, root, layout.is_test_file, layout.skip_dir, found.findings, layout.coverage_config)
    checked = checked_against_history(planned, root)
    return replace(checked.plan, history_note=checked.note)
