"""The project's own Python files, for goals that name code the doc's Files tables do not list.

*Roots* are where a module path (``pkg/mod.py`` of ``pkg.mod:func``) may
start: rootdir, ``src/``, ``lib/``, and coverage.py's ``[run] source``
directories and their parents. *Source files* are the Python files under
``src/``, ``lib/``, coverage.py's source directories and rootdir's own
packages and modules, tests left out: a bare ``utils.py`` is looked for
among them. Nothing is read until a goal needs it.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from functools import cached_property
from typing import Callable, Optional, Union

from . import safepath

SOURCE_ROOTS = ("src", "lib")
MAX_SOURCE_FILES = 100_000
"""More Python files than this under the source dirs and a bare file name is not searched for."""


class ProjectFiles:
    def __init__(self, root: str, is_source: Callable[[str], bool], skip_dir: Callable[[str], bool] = lambda _: False,
                 coverage_config: Union[str, bool] = True) -> None:
        """``root`` is the real rootdir; ``coverage_config`` what ``coverage.Coverage(config_file=...)`` takes."""
        self.root = root
        self.is_source = is_source
        self.skip_dir = skip_dir
        self.coverage_config = coverage_config

    @cached_property
    def configured(self) -> tuple[str, ...]:
        """coverage.py's ``[run] source`` entries that are directories inside rootdir."""
        entries = _coverage_source(self.root, self.coverage_config)
        dirs = []
        for entry in entries:
            relative = os.path.relpath(os.path.join(self.root, entry), self.root).replace(os.sep, "/")
            path = safepath.normalize("" if relative == "." else relative)
            if path is not None and (not path or safepath.resolve(self.root, path).kind == "dir"):
                dirs.append(path)
        return tuple(dict.fromkeys(dirs))

    @cached_property
    def roots(self) -> tuple[str, ...]:
        parents = [path.rpartition("/")[0] for path in self.configured]
        candidates = ["", *SOURCE_ROOTS, *self.configured, *parents]
        return tuple(dict.fromkeys(path for path in candidates
                                   if not path or safepath.resolve(self.root, path).kind == "dir"))

    def module(self, path: str) -> Optional[safepath.Resolved]:
        """``pkg/mod.py`` under the first root that has it as a file (or as ``pkg/mod/__init__.py``)."""
        package = path.removesuffix(".py") + "/__init__.py" if path.endswith(".py") else None
        for root in self.roots:
            for candidate in (path, package):
                if candidate is None:
                    continue
                found = safepath.resolve(self.root, f"{root}/{candidate}" if root else candidate)
                if found.kind in ("file", "escape"):
                    return found
        return None

    @cached_property
    def files(self) -> Optional[tuple[str, ...]]:
        """The project's Python source files; None when there are more than :data:`MAX_SOURCE_FILES`."""
        patterns = [f"{directory}/**/*.py" if directory else "**/*.py" for directory in self._search_dirs()]
        found: dict[str, None] = {}
        for pattern in [*patterns, "*.py"]:
            for match in safepath.glob(self.root, pattern, self.skip_dir).matches:
                if match.kind == "file" and self.is_source(match.path):
                    found[match.path] = None
            if len(found) > MAX_SOURCE_FILES:
                return None
        return tuple(found)

    def _search_dirs(self) -> list[str]:
        """``src/``, ``lib/``, coverage.py's source dirs and rootdir's packages, none inside another."""
        if "" in self.configured:
            return [""]
        packages = safepath.glob(self.root, "*/__init__.py", self.skip_dir).matches
        candidates = [*SOURCE_ROOTS, *self.configured,
                      *(match.path.rpartition("/")[0] for match in packages if match.kind == "file")]
        dirs = [path for path in dict.fromkeys(candidates) if safepath.resolve(self.root, path).kind == "dir"]
        return [path for path in dirs if not any(path.startswith(parent + "/") for parent in dirs)]

    def ending_with(self, path: str) -> Optional[list[str]]:
        """Source files whose path is ``path`` or ends with ``/path``; None when there are too many to search."""
        if self.files is None:
            return None
        return [found for found in self.files if found == path or found.endswith("/" + path)]

    def like(self, path: str) -> list[str]:
        """Up to three source files whose name is ``path``'s name, or close to it."""
        files = self.files or ()
        name = path.rsplit("/", 1)[-1]
        by_name: dict[str, list[str]] = {}
        for found in files:
            by_name.setdefault(found.rsplit("/", 1)[-1], []).append(found)
        names = [name] if name in by_name else difflib.get_close_matches(name, list(by_name), n=3)
        return [found for close in names for found in by_name[close]][:3]


def _coverage_source(root: str, config_file: Union[str, bool]) -> list[str]:
    """coverage.py's configured ``[run] source`` (and ``source_dirs``), read from ``root``; [] when unreadable."""
    import coverage
    from coverage.exceptions import ConfigError

    unreadable = (coverage.CoverageException, ConfigError)  # not a CoverageException in coverage.py 7.7
    if isinstance(config_file, str):
        config_file = os.path.abspath(config_file)
    entries: list[str] = []
    try:
        with contextlib.chdir(root):
            cov = coverage.Coverage(data_file=None, config_file=config_file)
    except unreadable:
        return entries
    for option in ("run:source", "run:source_dirs"):
        try:
            value = cov.get_option(option)
        except unreadable:
            continue
        if isinstance(value, list):
            entries.extend(entry for entry in value if isinstance(entry, str))
    return entries
