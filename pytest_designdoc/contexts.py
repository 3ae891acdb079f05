"""Coverage contexts for row scope (SPEC §2): their names, the plugin that switches them, the import-time rule.

One dynamic context per test file: ``tests/test_a.py`` while pytest
collects that file or runs one of its tests, ``tests/test_a.py::@designdoc[K-1]``
for its tests marked with doc keys, and :data:`OUTSIDE` for everything
else (start-up, session start, the first import of any module). A row's
figures count its test files' contexts, its doc's marked tests, the
outside context, and import-time statements from any context.
"""

from __future__ import annotations

import builtins
import re
import sys
from typing import TYPE_CHECKING, Any, Mapping, Optional, Protocol, Sequence

import pluggy

if TYPE_CHECKING:
    import pytest

hookimpl = pluggy.HookimplMarker("pytest")
"""``pytest.hookimpl``, without importing pytest here (``designdoc merge`` reads the context names too)."""

OUTSIDE = ""
"""The context of what runs outside any test file's collection or tests (it counts for every row)."""
DESIGNDOC_LABEL = "::@designdoc"
_MAX_PATTERNS_PER_REGEX = 200


def context_label(test_file: str, keys: Sequence[str] = ()) -> str:
    """The dynamic context for one test file's collection and tests (and the doc keys they are marked with)."""
    if not keys:
        return test_file
    return f"{test_file}{DESIGNDOC_LABEL}[{','.join(sorted(set(keys)))}]"


def row_contexts(test_files: Sequence[str], key: str, *, static_context: str, per_test: bool,
                 marked: Sequence[str] = ()) -> tuple[str, ...]:
    """Regexes of the contexts that count for a row: its test files, its doc's marked tests, the outside context.

    ``static_context`` is coverage.py's ``[run] context`` (stored names are
    then ``static|label``); ``per_test``: pytest-cov labels each test
    ``nodeid|phase`` itself, so marked tests are matched by node id.
    """
    patterns = ["^" + re.escape(static_context) + "$"]
    patterns.extend(r"(^|\|)" + re.escape(path) + r"(::|$)" for path in test_files)
    if per_test:
        nodeids = [re.escape(nodeid) for nodeid in marked]
        for start in range(0, len(nodeids), _MAX_PATTERNS_PER_REGEX):
            patterns.append(r"(^|\|)(" + "|".join(nodeids[start:start + _MAX_PATTERNS_PER_REGEX]) + r")\|")
    else:
        patterns.append(re.escape(DESIGNDOC_LABEL) + r"\[([^\]]*,)?" + re.escape(key) + r"[,\]]")
    return tuple(patterns)


class Switching(Protocol):
    """What switches contexts: a coverage source (``measure.CoverageSource``)."""

    @property
    def switching(self) -> bool: ...

    @property
    def label(self) -> str: ...

    @property
    def per_test_contexts(self) -> bool: ...

    def switch(self, label: str) -> None: ...

    def switch_outside(self) -> None: ...


class _NotSwitching:
    switching = False
    label = OUTSIDE
    per_test_contexts = False

    def switch(self, label: str) -> None:
        """Switches nothing."""

    def switch_outside(self) -> None:
        """Switches nothing."""


class ImportsOutside:
    """While installed, the first import of a module runs in the outside context.

    What a module's import runs — its body, and the functions its body calls
    (constants built by helper calls, registries) — is start-up work: it
    counts for every row, whichever test file happened to import the module
    first. What a test module's own body runs stays that file's: pytest
    imports test modules itself, not through ``import`` statements.
    """

    def __init__(self, source: Switching) -> None:
        self.source = source
        self.original: Any = None
        self._hook = self._import

    def install(self) -> None:
        if self.original is None:
            self.original = builtins.__import__
            builtins.__import__ = self._hook

    def uninstall(self) -> None:
        """Put the original back; if someone wrapped ours meanwhile, ours passes every import through."""
        if builtins.__import__ is self._hook:
            builtins.__import__ = self.original
        self.source = _NotSwitching()

    def _import(self, name: str, globals: Optional[Mapping[str, Any]] = None, locals: Any = None,
                fromlist: Optional[Sequence[str]] = (), level: int = 0) -> Any:
        if not self.source.switching or not imports_something_new(name, globals, fromlist or (), level):
            return self.original(name, globals, locals, fromlist, level)
        previous = self.source.label
        self.source.switch(OUTSIDE)
        try:
            return self.original(name, globals, locals, fromlist, level)
        finally:
            self.source.switch(previous)


def imports_something_new(name: str, globals: Optional[Mapping[str, Any]], fromlist: Sequence[str],
                          level: int) -> bool:
    """Whether this ``import`` statement loads a module that is not loaded yet."""
    if level:
        package = (globals or {}).get("__package__") or ""
        parts = package.rsplit(".", level - 1)
        if not package or len(parts) < level:
            return False  # let the import machinery raise its own error
        name = f"{parts[0]}.{name}" if name else parts[0]
    module = sys.modules.get(name)
    if module is None:
        return True
    if not fromlist or not hasattr(module, "__path__"):
        return False
    return any(item != "*" and not hasattr(module, item) and f"{name}.{item}" not in sys.modules
               for item in fromlist)


class ContextSwitcher:
    """The pytest plugin that switches: one context per test file, for its collection and its tests.

    Registered by the session only when row scope is on and something
    measures. What runs while pytest collects a test module (its
    module-level code, ``parametrize`` arguments) is that file's, like what
    its tests run; the first import of any other module, and everything
    else, runs in the outside context.
    """

    def __init__(self, source: Switching, item_keys: Mapping[str, Sequence[str]]) -> None:
        self.source = source
        self.item_keys = item_keys
        self.imports = ImportsOutside(source)
        self.imports.install()

    @hookimpl(wrapper=True, trylast=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        try:
            return (yield)
        finally:
            self.imports.uninstall()

    @hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Any:
        import pytest

        if not isinstance(collector, (pytest.Module, pytest.Class)):
            return (yield)
        self.source.switch(context_label(_file_of(collector.nodeid)))
        try:
            return (yield)
        finally:
            self.source.switch_outside()

    @hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> None:
        if self.source.per_test_contexts:
            return  # pytest-cov labels each test itself
        self.source.switch(context_label(_file_of(item.nodeid), self.item_keys.get(item.nodeid, ())))


def _file_of(nodeid: str) -> str:
    from .evidence import file_of

    return file_of(nodeid)
