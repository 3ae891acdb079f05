"""Coverage contexts for row scope (SPEC §2): their names, the plugin that switches them, the import rule.

One dynamic context per test file: ``tests/test_a.py`` while pytest
collects that file or runs one of its tests, ``tests/test_a.py::@designdoc[K-1]``
for its tests marked with doc keys, and :data:`OUTSIDE` for everything
else (start-up, session start). The first import of a module from a test
file's code runs in a context of its own, ``::@import:pkg.mod``, and the
:class:`ImportGraph` records who imported what: a row counts the imports
its own test files reach, whichever test file happened to load the module
first, and no other (what ``pkg.mod``'s import ran is that row's as if it
ran alone, and not a row's that never imports it). A row's figures count
its test files' contexts, its doc's marked tests, the outside context, the
imports its files reach, and import-time statements from any context.
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
IMPORT_LABEL = "::@import:"
_MAX_PATTERNS_PER_REGEX = 200


def context_label(test_file: str, keys: Sequence[str] = ()) -> str:
    """The dynamic context for one test file's collection and tests (and the doc keys they are marked with)."""
    if not keys:
        return test_file
    return f"{test_file}{DESIGNDOC_LABEL}[{','.join(sorted(set(keys)))}]"


def import_label(module: str) -> str:
    """The context a module's first import runs in, when a test file's code imports it."""
    return f"{IMPORT_LABEL}{module}"


def row_contexts(test_files: Sequence[str], key: str, *, static_context: str, per_test: bool,
                 marked: Sequence[str] = (), imports: Sequence[str] = ()) -> tuple[str, ...]:
    """Regexes of the contexts that count for a row: its test files, its doc's marked tests, the outside
    context, and the import contexts (``imports``, from :meth:`ImportGraph.reached`) its files reach.

    ``static_context`` is coverage.py's ``[run] context`` (stored names are
    then ``static|label``); ``per_test``: pytest-cov labels each test
    ``nodeid|phase`` itself, so marked tests are matched by node id.
    """
    patterns = ["^" + re.escape(static_context) + "$"]
    patterns.extend(r"(^|\|)" + re.escape(path) + r"(::|$)" for path in test_files)
    if per_test:
        patterns.extend(_alternatives([re.escape(nodeid) for nodeid in marked], r"\|"))
    else:
        patterns.append(re.escape(DESIGNDOC_LABEL) + r"\[([^\]]*,)?" + re.escape(key) + r"[,\]]")
    patterns.extend(_alternatives([re.escape(label) for label in sorted(imports)], "$"))
    return tuple(patterns)


def _alternatives(escaped: Sequence[str], end: str) -> list[str]:
    """``(^|[|])(a|b|…)END`` regexes (a context name or ``static|name``), a bounded number of alternatives each."""
    return [r"(^|\|)(" + "|".join(escaped[start:start + _MAX_PATTERNS_PER_REGEX]) + r")" + end
            for start in range(0, len(escaped), _MAX_PATTERNS_PER_REGEX)]


def owns(label: str, test_files: Sequence[str], key: str) -> bool:
    """Whether code run under context ``label`` is a row's: one of its test files', or a test marked with its key."""
    path, _, marked = label.partition(DESIGNDOC_LABEL)
    return path in test_files or (marked.startswith("[") and key in marked[1:-1].split(","))


class ImportGraph:
    """Who imported what, and in which context each module's first import ran (under row scope)."""

    def __init__(self) -> None:
        self.loaded_in: dict[str, str] = {}
        """Module name → the import context its first import ran in."""
        self.imports: dict[str, set[str]] = {}
        """A context (a test file's, or an import's) → the modules its code imported."""

    def imported(self, owner: str, modules: Sequence[str]) -> None:
        self.imports.setdefault(owner, set()).update(modules)

    def loaded(self, modules: Sequence[str], label: str) -> None:
        for module in modules:
            self.loaded_in.setdefault(module, label)

    def reached(self, test_files: Sequence[str], key: str) -> frozenset[str]:
        """The import contexts a row reaches: its own code's imports, their imports, and so on."""
        return self.reach(test_files, key)[0]

    def reach(self, test_files: Sequence[str], key: str) -> tuple[frozenset[str], frozenset[str]]:
        """The import contexts and the modules a row reaches."""
        pending = [module for owner, modules in self.imports.items() if owns(owner, test_files, key)
                   for module in modules]
        seen: set[str] = set()
        labels: set[str] = set()
        while pending:
            module = pending.pop()
            if module in seen:
                continue
            seen.add(module)
            label = self.loaded_in.get(module)
            if label is not None and label not in labels:
                labels.add(label)
                pending.extend(self.imports.get(label, ()))
        return frozenset(labels), frozenset(seen)

    def loaded_from(self, path: str) -> list[str]:
        """The modules a test file's import loaded from the file ``path`` (rootdir-relative), as Python names them."""
        stem = path[:-len("/__init__.py")] if path.endswith("/__init__.py") else path.removesuffix(".py")
        return [module for module in self.loaded_in
                if stem == module.replace(".", "/") or stem.endswith("/" + module.replace(".", "/"))]

    def payload(self) -> dict[str, Any]:
        """What an xdist worker or a shard job sends: plain lists and strings."""
        return {"loaded_in": dict(sorted(self.loaded_in.items())),
                "imports": {owner: sorted(modules) for owner, modules in sorted(self.imports.items())}}

    def merge(self, payload: Mapping[str, Any]) -> None:
        """Another process's graph joins this one (a module loaded in two workers keeps the first context seen)."""
        for module, label in payload.get("loaded_in", {}).items():
            self.loaded_in.setdefault(str(module), str(label))
        for owner, modules in payload.get("imports", {}).items():
            self.imported(str(owner), [str(module) for module in modules])


class Switching(Protocol):
    """What switches contexts: a coverage source (``measure.CoverageSource``), with its import graph."""

    @property
    def imports(self) -> ImportGraph: ...

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
    imports = ImportGraph()

    def switch(self, label: str) -> None:
        """Switches nothing."""

    def switch_outside(self) -> None:
        """Switches nothing."""


class FirstImports:
    """While installed, a module's first import from a test file's code runs in its own context.

    What a module's import runs (its body, and the functions its body calls:
    constants built by helper calls, registries) belongs to the rows whose
    test files import that module, directly or through other modules, as it
    would if each row ran alone; the graph says which. Imports from the
    outside context (start-up, conftest) stay there: they count for every
    row. What a test module's own body runs stays that file's: pytest
    imports test modules itself, not through ``import`` statements.
    """

    def __init__(self, source: Switching) -> None:
        self.source = source
        self.original: Any = None
        self._hook = self._import
        self.paused = False
        """Set while pytest-cov labels a running test itself (``--cov-context=test``): its context stays."""
        self._switching = False

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
        source = self.source
        owner = source.label
        if not source.switching or self.paused or self._switching or owner == OUTSIDE:
            return self.original(name, globals, locals, fromlist, level)
        target = absolute_name(name, globals, level)
        if target is not None and imports_something_new(name, globals, fromlist or (), level):
            self._load_one_by_one(target, fromlist or ())
        module = self.original(name, globals, locals, fromlist, level)
        if target is not None:
            source.imports.imported(owner, _named(target, fromlist or ()))
        return module

    def _load_one_by_one(self, target: str, fromlist: Sequence[str]) -> None:
        """Load each module the statement loads in a context of its own: ``a``, then ``a.b``, then ``a.b.c``,
        then each submodule the fromlist takes. Python loads them in this order anyway; one at a time, each
        module's import-time work is told apart from its parent package's."""
        parts = target.split(".")
        for end in range(1, len(parts) + 1):
            module = ".".join(parts[:end])
            if module not in sys.modules:
                self._loaded_alone(module, module, ())
        loaded = sys.modules.get(target)
        for item in fromlist:
            submodule = f"{target}.{item}"
            if item != "*" and loaded is not None and not hasattr(loaded, item) and submodule not in sys.modules:
                self._loaded_alone(submodule, target, (item,))

    def _loaded_alone(self, module: str, name: str, fromlist: Sequence[str]) -> None:
        """``module`` loaded by importing ``name`` (absolute) with ``fromlist``, in its own import context."""
        owner = self.source.label
        label = import_label(module)
        before = set(sys.modules)
        self._switch(label)
        try:
            self.original(name, None, None, fromlist, 0)
        finally:
            self._switch(owner)
            self.source.imports.imported(owner, [module] if module in sys.modules else [])
            self.source.imports.loaded(sorted(set(sys.modules) - before), label)

    def _switch(self, label: str) -> None:
        """Switch, passing through what the switch itself imports (coverage.py's and ours): that is not the row's."""
        self._switching = True
        try:
            self.source.switch(label)
        finally:
            self._switching = False


def absolute_name(name: str, globals: Optional[Mapping[str, Any]], level: int) -> Optional[str]:
    """The absolute module name an ``import`` statement names (None when the import machinery will refuse it)."""
    if not level:
        return name
    package = (globals or {}).get("__package__") or ""
    parts = package.rsplit(".", level - 1)
    if not package or len(parts) < level:
        return None
    return f"{parts[0]}.{name}" if name else parts[0]


def _named(target: str, fromlist: Sequence[str]) -> list[str]:
    """The loaded modules an import statement reaches: the target, its parents, the submodules it takes."""
    parts = target.split(".")
    names = [".".join(parts[:end]) for end in range(1, len(parts) + 1)]
    names.extend(f"{target}.{item}" for item in fromlist if item != "*" and f"{target}.{item}" in sys.modules)
    return [name for name in names if name in sys.modules]


def imports_something_new(name: str, globals: Optional[Mapping[str, Any]], fromlist: Sequence[str],
                          level: int) -> bool:
    """Whether this ``import`` statement loads a module that is not loaded yet."""
    absolute = absolute_name(name, globals, level)
    if absolute is None:
        return False  # let the import machinery raise its own error
    name = absolute
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
        self.imports = FirstImports(source)
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

    @hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Any:
        if self.source.per_test_contexts:  # pytest-cov labels each test itself: its imports are the test's
            self.imports.paused = True
            try:
                return (yield)
            finally:
                self.imports.paused = False
        self.source.switch(context_label(_file_of(item.nodeid), self.item_keys.get(item.nodeid, ())))
        return (yield)


def _file_of(nodeid: str) -> str:
    from .record import file_of

    return file_of(nodeid)
