"""Which files and symbols a coverage goal measures (SPEC §2, Targets).

A named file resolves against the doc's Files tables by path suffix, then
against rootdir; no file named means the doc's Python source files. Symbols
are looked up with ``ast``. Problems are findings: DD011 (symbol not
found), DD013 (no measurable target, ambiguous target), DD030 (escapes
rootdir).
"""

from __future__ import annotations

import ast
import importlib.util
import os
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence, Union

from . import project_files, safepath
from .codes import DD011, DD013, DD015, DD030, Code
from .goals import looks_like_a_goal, parse_goal
from .kinds import goal_type
from .model import Finding, Goal, GoalKind, GoalStatus, Severity, Subject
from .symbols import (
    Import,
    Span,
    Symbol,
    SymbolSyntaxError,
    defined_names,
    find_symbol,
    import_of,
    parse_source,
    public_functions,
    public_imports,
    public_part,
    star_exports,
)

MAX_SOURCE_BYTES = 4 * 1024 * 1024

ParsedSource = Union[ast.Module, str]
"""A module's ast, or why it cannot be had."""


@dataclass(frozen=True)
class GoalPlan:
    """A goal with its targets resolved; ``status`` is set when it is decided statically."""

    goal: Goal
    files: tuple[str, ...] = ()
    """Rootdir-relative real paths of the Python files measured."""
    symbol: Optional[Symbol] = None
    symbol_file: Optional[str] = None
    status: Optional[GoalStatus] = None
    functions: tuple[tuple[str, tuple[Span, ...]], ...] = ()
    """A public-API goal of modules: each file and its public functions and methods."""
    reason: str = ""
    """Why ``status`` was decided statically, when no finding of the goal says it."""

    @property
    def function_parts(self) -> tuple[tuple[str, tuple[Span, ...]], ...]:
        """Each file and the functions a symbol or public-API goal measures; () for other goals."""
        if self.symbol is not None and self.symbol_file is not None:
            return ((self.symbol_file, self.symbol.functions),)
        return self.functions

    @property
    def measured(self) -> bool:
        return self.status is None and goal_type(self.goal).measured

    @property
    def line_range(self) -> Optional[tuple[int, int]]:
        """The symbol's first and last line, for the report."""
        return (self.symbol.line, self.symbol.end) if self.symbol else None


class TargetResolver:
    """Resolves the goals of one doc; collects its findings in ``findings``."""

    def __init__(
        self,
        root: str,
        doc_path: str,
        listed_files: Sequence[str],
        is_source: Callable[[str], bool],
        trees: dict[str, ParsedSource],
        missing_sources: bool = False,
        resolved: Optional[dict[str, safepath.Resolved]] = None,
        project: Optional[project_files.ProjectFiles] = None,
    ) -> None:
        """``missing_sources``: the doc lists Python sources that do not exist (reported as DD003/DD004).

        ``project`` finds what the doc does not list: module paths under the
        source roots, bare file names among the project's source files.
        """
        self.root = root
        self.project = project or project_files.ProjectFiles(root, is_source)
        self.resolved = resolved if resolved is not None else {}
        """Paths the planner already followed (rootdir-relative → where they lead)."""
        self.doc_path = doc_path
        self.listed = list(dict.fromkeys(listed_files))
        self.sources = [real for real in map(self._real_file, self.listed) if real and is_source(real)]
        self.trees = trees
        self.missing_sources = missing_sources
        self.findings: list[Finding] = []
        self._subject = Subject()

    def _resolve(self, path: str) -> safepath.Resolved:
        if path not in self.resolved:
            self.resolved[path] = safepath.resolve(self.root, path)
        return self.resolved[path]

    def _real_file(self, path: str) -> Optional[str]:
        found = self._resolve(path)
        return found.real if found.kind == "file" else None

    def finding(self, code: Code, goal: Goal, message: str, hint: str = "", *,
                severity: Optional[Severity] = None) -> None:
        self.findings.append(code.finding(self.doc_path, goal.line, message, hint, self._subject, severity=severity))

    def resolve(self, goal: Goal, subject: Subject = Subject()) -> GoalPlan:
        """The goal's targets and symbol, as its kind resolves them; its findings are about ``subject`` (its row
        and place in it)."""
        self._subject = subject
        return goal_type(goal).plan(goal, self)

    def manual_plan(self, goal: Goal) -> GoalPlan:
        """A manual goal; DD015 when its text names what a coverage goal would."""
        named = looks_like_a_goal(goal.text)
        if named:
            self.finding(DD015, goal,
                         f"goal '{goal.text}' is not understood as a coverage goal, so nobody checks it "
                         f"(it names {named})", _unread_goal_hint(goal.text))
        return GoalPlan(goal, status=GoalStatus.MANUAL)

    def files_plan(self, goal: Goal, files: Sequence[str]) -> GoalPlan:
        return GoalPlan(goal, tuple(files))

    def goal_files(self, goal: Goal, *, by_module: bool = False) -> Union[list[str], GoalPlan]:
        """The files a goal measures: those it names, else the doc's Python sources; or its plan, when finding
        them decides it. ``by_module``: a goal that names a symbol may find it as ``pkg.mod.func`` under a source
        root when the doc lists no source."""
        if goal.files:
            named = self._named_files(goal)
            return named if named is not None else GoalPlan(goal, status=GoalStatus.UNMEASURABLE)
        if self.sources:
            return list(self.sources)
        if by_module and (found := self._by_module(goal) or self._module_goal(goal)):
            return found
        if self.missing_sources:
            return GoalPlan(goal, status=GoalStatus.UNMEASURABLE,
                            reason="the doc's Python source files do not exist yet (DD003/DD004): nothing to measure")
        self.finding(DD013, goal, f"goal '{goal.text}' has no measurable target",
                     "the doc lists no Python source file: name the file in the goal "
                     "(`90% of src/app.py`) or list it under Files to Create / Files to Modify",
                     severity=Severity.WARNING)
        return GoalPlan(goal, status=GoalStatus.UNMEASURABLE)

    def _named_files(self, goal: Goal) -> Optional[list[str]]:
        """The Python files of every target the goal names, in order; None when one of them has none."""
        files: list[str] = []
        for name in goal.files:
            paths = self.files_of(goal, name)
            if paths is None:
                return None
            files.extend(path for path in paths if path not in files)
        return files

    def files_of(self, goal: Goal, name: str) -> Optional[list[str]]:
        """The Python files a goal target names: one file, or each one a glob or a directory holds (as ``--cov=DIR``)."""
        path = safepath.normalize(name)
        if path and (safepath.has_magic(path) or self._resolve(path).kind == "dir"):
            return self._matched_files(goal, name, path if safepath.has_magic(path) else f"{path}/**/*.py")
        found = self.file(goal, name)
        return None if found is None else [found]

    def _matched_files(self, goal: Goal, name: str, pattern: str) -> Optional[list[str]]:
        found = safepath.glob(self.root, pattern, self.project.skip_dir)
        if found.escapes:
            self.finding(DD030, goal, f"goal target '{name}' matches {', '.join(sorted(found.escapes))}, which "
                         "escapes rootdir: refused, not read", "symlinks out of the project are not followed")
            return None
        files = sorted({match.real for match in found.matches if match.kind == "file" and match.real.endswith(".py")})
        if not files:
            self.finding(DD013, goal, f"goal target '{name}' matches no Python file",
                         "the goal names files that do not exist: were they renamed or moved? Write the glob or "
                         "directory from rootdir", severity=Severity.ERROR)
            return None
        return files

    def file(self, goal: Goal, name: str) -> Optional[str]:
        path = safepath.normalize(name)
        if path is None or not path:
            self.finding(DD030, goal, f"goal target '{name}' escapes rootdir: refused, not read",
                         "name files relative to rootdir, without '..', '~' or a leading '/'")
            return None
        candidates = self._candidates(path)
        if len(candidates) > 1:
            self.finding(DD013, goal, f"goal target '{name}' is ambiguous: "
                         f"it matches {', '.join(candidates)}", "write more of the path to pick one file",
                         severity=Severity.ERROR)
            return None
        found = self._resolve(candidates[0]) if candidates else safepath.Resolved(path, "missing")
        problem = self._file_problem(found, name, path)
        if problem is not None:
            code, severity, message, hint = problem
            self.finding(code, goal, message, hint, severity=severity)
            return None
        return found.real

    def _candidates(self, path: str) -> list[str]:
        """The files a goal's ``path`` may be: listed ones it names or ends, else itself, else project files."""
        listed = [p for p in self.listed if p == path] or [p for p in self.listed if p.endswith("/" + path)]
        if listed:
            return listed
        found = self._resolve(path)
        return [found.path] if found.kind != "missing" else self._in_project(path)

    def _in_project(self, path: str) -> list[str]:
        """The project's source files ``path`` ends (``utils.py``, ``pkg/mod.py`` as ``pkg/mod/__init__.py``)."""
        package = path.removesuffix(".py") + "/__init__.py" if path.endswith(".py") else ""
        return self.project.ending_with(path) or (self.project.ending_with(package) if package else None) or []

    def _file_problem(self, found: safepath.Resolved, name: str,
                      path: str) -> Optional[tuple[Code, Severity, str, str]]:
        if found.kind == "escape":
            return (DD030, Severity.ERROR, f"goal target '{name}' escapes rootdir: refused, not read",
                    "symlinks out of the project are not followed")
        if found.kind != "file":
            alike = [listed for listed in self.listed if listed.rsplit("/", 1)[-1] == path.rsplit("/", 1)[-1]]
            alike = alike or self.project.like(path)
            guess = f"did you mean {', '.join(alike)}? " if alike else ""
            unsearched = "" if self.project.files is not None else (
                f" (its source dirs hold more than {project_files.MAX_SOURCE_FILES} Python files: not searched)")
            return (DD013, Severity.ERROR, f"goal target '{name}' is not a file in the project{unsearched}",
                    f"{guess}the goal names a file that does not exist: was it renamed or moved? "
                    "Write its path from rootdir, or list it in the doc's Files tables")
        if not found.real.endswith(".py"):
            return (DD013, Severity.WARNING, f"goal target '{name}' is not a Python file",
                    "coverage.py measures Python source files only")
        return None

    def symbol(self, goal: Goal, files: list[str]) -> GoalPlan:
        assert goal.symbol is not None
        found = self._definitions(goal, goal.symbol, files)
        if found is None:
            return GoalPlan(goal, status=GoalStatus.UNMEASURABLE)
        by_module = None if found or goal.files else self._by_module(goal) or self._module_goal(goal)
        if by_module is not None:
            return by_module
        if not found:
            return self._symbol_not_found(goal, goal.symbol, files)
        if len(found) > 1:
            self.finding(DD013, goal, f"symbol '{goal.symbol}' is ambiguous: "
                         f"defined in {', '.join(path for path, _ in found)}",
                         f"name the file: `path/to/file.py::{goal.symbol}`", severity=Severity.ERROR)
            return GoalPlan(goal, status=GoalStatus.UNMEASURABLE)
        path, symbol = found[0]
        return self._symbol_plan(goal, path, symbol)

    def _definitions(self, goal: Goal, qualname: str, files: list[str]) -> Optional[list[tuple[str, Symbol]]]:
        """Where in ``files`` ``qualname`` is defined; None when one of them cannot be parsed (DD011)."""
        found: list[tuple[str, Symbol]] = []
        for path in files:
            tree = self.tree(goal, path)
            if tree is None:
                return None
            symbol = find_symbol(tree, qualname) or self._dotted(tree, path, qualname)
            if symbol is not None:
                found.append((path, symbol))
        return found

    def _symbol_not_found(self, goal: Goal, qualname: str, files: list[str]) -> GoalPlan:
        close = self._defined_elsewhere(qualname, files) or self._close_names(qualname, files)
        guess = f"did you mean {', '.join(close)}? " if close else ""
        self.finding(DD011, goal, f"symbol '{qualname}' not found in {', '.join(files)}",
                     f"{guess}the design names code that does not exist: was it renamed or moved? "
                     "Update the doc or write the code")
        return GoalPlan(goal, tuple(files), status=GoalStatus.FAILED)

    def _symbol_plan(self, goal: Goal, path: str, symbol: Symbol) -> GoalPlan:
        if goal.public:
            symbol = public_part(symbol)
            if not symbol.functions:
                return self._no_public_api(goal, f"'{symbol.qualname}' ({path})")
        return GoalPlan(goal, (path,), symbol, path)

    def public_api(self, goal: Goal, files: Sequence[str]) -> GoalPlan:
        """The public functions and methods of ``files`` taken together, with what their ``__init__`` re-exports."""
        by_file: dict[str, dict[str, Span]] = {}
        for path in files:
            parts = self._public_parts(goal, path)
            if parts is None:
                return GoalPlan(goal, status=GoalStatus.UNMEASURABLE)
            _merge_spans(by_file, parts)
        functions = [(path, tuple(spans.values())) for path, spans in by_file.items() if spans]
        if not functions:
            return self._no_public_api(goal, ", ".join(files) or "the doc's source files (private modules only)")
        measured = tuple(path for path, _ in functions)
        return GoalPlan(goal, measured, symbol_file=measured[0] if len(measured) == 1 else None,
                        functions=tuple(functions))

    def _public_parts(self, goal: Goal, path: str) -> Optional[list[tuple[str, tuple[Span, ...]]]]:
        """``path``'s public functions and, for a package's ``__init__.py``, what it re-exports; None: unparsable."""
        tree = self.tree(goal, path)
        if tree is None:
            return None
        parts = [(path, public_functions(tree))]
        if path.rsplit("/", 1)[-1] == "__init__.py":
            parts.extend(self._reexported(goal, path, tree))
        return parts

    def _reexported(self, goal: Goal, init: str, tree: ast.Module) -> list[tuple[str, tuple[Span, ...]]]:
        """What a package's ``__init__.py`` imports into its public API: each defining file and the functions."""
        parts = []
        for name in public_imports(tree):
            if name.name != "*":
                defined = self._definition(goal, init, name)
                if defined is not None:
                    parts.append((defined[0], public_part(defined[1]).functions))
            elif (imported := self._imported_module(goal, init, name)) is not None:
                path, module = imported
                parts.append((path, tuple(span for span in public_functions(module)
                                          if name.only is None or span.name.split(".")[0] in name.only)))
        return parts

    def _definition(self, goal: Goal, importer: str, name: Import) -> Optional[tuple[str, Symbol]]:
        """Where an imported name is defined in the project, following re-exports a few modules deep."""
        for _ in range(_MAX_REEXPORTS):
            imported = self._imported_module(goal, importer, name)
            if imported is None:
                return None
            path, module = imported
            symbol = find_symbol(module, name.name)
            if symbol is not None:
                return path, symbol
            further = import_of(module, name.name)
            if further is None:
                return None
            importer, name = path, further
        return None

    def _imported_module(self, goal: Goal, importer: str, name: Import) -> Optional[tuple[str, ast.Module]]:
        """The project's module a ``from ... import`` in ``importer`` reads, parsed; None outside the project."""
        path = self._imported_file(importer, name)
        module = self.tree(goal, path) if path is not None and path != importer else None
        return (path, module) if path is not None and module is not None else None

    def _imported_file(self, importer: str, name: Import) -> Optional[str]:
        """The project's Python file a ``from ... import`` in ``importer`` reads."""
        if not name.level:
            return self._module_file(name.module.split("."))
        package = importer.rpartition("/")[0]
        base = package.split("/") if package else []
        up = name.level - 1
        if up > len(base):
            return None
        stem = "/".join(base[:len(base) - up] + (name.module.split(".") if name.module else []))
        for candidate in (f"{stem}.py", f"{stem}/__init__.py") if stem else ():
            found = self._resolve(candidate)
            if found.kind == "file" and found.real.endswith(".py"):
                return found.real
        return None

    def _no_public_api(self, goal: Goal, where: str) -> GoalPlan:
        self.finding(DD013, goal, f"goal '{goal.text}' has nothing to measure: "
                     f"no public function or method in {where}",
                     "public means listed in a literal __all__, or named without a leading '_'",
                     severity=Severity.WARNING)
        return GoalPlan(goal, status=GoalStatus.UNMEASURABLE)

    def _by_module(self, goal: Goal) -> Optional[GoalPlan]:
        """``pkg.mod.func`` the doc does not list: ``pkg/mod.py`` under a source root, if it defines ``func``.

        A public-API goal may name the module itself (``public API of pkg.mod``).
        """
        assert goal.symbol is not None
        parts = goal.symbol.split(".")
        for cut in range(len(parts) if goal.public else len(parts) - 1, 0, -1):
            path = self._module_file(parts[:cut])
            if path is None:
                continue
            tree = self.tree(goal, path)
            if tree is None:
                return GoalPlan(goal, status=GoalStatus.UNMEASURABLE)
            if cut == len(parts):
                return self.public_api(goal, [path])
            found = self._reexported_symbol(goal, path, tree, ".".join(parts[cut:]))
            if found is not None:
                return self._symbol_plan(goal, *found)
        return None

    def _module_goal(self, goal: Goal) -> Optional[GoalPlan]:
        """``shop.cart 90%``: a percent of the module's file; ``shop 90%``: of every Python file of the package
        (as ``--cov=shop``), when no function or class has the name."""
        assert goal.symbol is not None
        if goal.required is None or goal.public:
            return None
        path = self._module_file(goal.symbol.split("."))
        if path is None:
            return None
        files = [path]
        if path.endswith("/__init__.py") or path == "__init__.py":
            files = self._matched_files(goal, goal.symbol, path.removesuffix("__init__.py") + "**/*.py") or files
        return GoalPlan(replace(goal, kind=GoalKind.PERCENT, symbol=None), tuple(files))

    def _reexported_symbol(self, goal: Goal, path: str, tree: ast.Module, qualname: str,
                           depth: int = 0) -> Optional[tuple[str, Symbol]]:
        """``qualname`` as the module at ``path`` has it: defined there, or imported into it from the project
        (``from ._core import Command``, ``from .more import *``), a few modules deep, as Python finds it."""
        symbol = find_symbol(tree, qualname)
        if symbol is not None:
            return path, symbol
        if depth >= _MAX_REEXPORTS:
            return None
        head, dot, rest = qualname.partition(".")
        for name in _imports_of(tree, head):
            imported = self._imported_module(goal, path, name)
            if imported is not None and (name.name != "*" or star_exports(imported[1], head)):
                found = self._reexported_symbol(goal, imported[0], imported[1],
                                                qualname if name.name == "*" else name.name + dot + rest, depth + 1)
                if found is not None:
                    return found
        return None

    def _module_file(self, module: Sequence[str]) -> Optional[str]:
        """The Python file of a dotted module name: a doc's source file, else one under a source root."""
        path = "/".join(module) + ".py"
        for wanted in (path, "/".join(module) + "/__init__.py"):
            listed = [source for source in self.sources if source == wanted or source.endswith("/" + wanted)]
            if len(listed) == 1:
                return listed[0]
        found = self.project.module(path)
        return found.real if found is not None and found.kind == "file" and found.real.endswith(".py") else None

    @staticmethod
    def _dotted(tree: ast.Module, path: str, qualname: str) -> Optional[Symbol]:
        """``pkg.mod.func`` as Python names it: the module part must be ``path``'s own dotted name."""
        parts = qualname.split(".")
        module = path[:-3].removesuffix("/__init__").split("/")
        for cut in range(len(parts) - 1, 0, -1):
            named = parts[:cut]
            if module[-len(named):] == named:
                symbol = find_symbol(tree, ".".join(parts[cut:]))
                if symbol is not None:
                    return symbol
        return None

    def _close_names(self, qualname: str, files: list[str]) -> list[str]:
        import difflib

        names = [name for path in files if isinstance(tree := self.trees.get(path), ast.Module)
                 for name in defined_names(tree)]
        last = qualname.rsplit(".", 1)[-1]
        return difflib.get_close_matches(qualname, names, n=3) or [name for name in names if name.endswith(
            "." + last) or name == last][:3]

    def tree(self, goal: Goal, path: str) -> Optional[ast.Module]:
        if path not in self.trees:
            self.trees[path] = self._read_tree(path)
        tree = self.trees[path]
        if isinstance(tree, str):
            self.finding(DD011, goal, f"cannot look up '{goal.symbol or goal.text}': {tree}",
                         "fix the source file so that Python can parse it")
            return None
        return tree

    def _defined_elsewhere(self, qualname: str, searched: Sequence[str]) -> list[str]:
        """Up to three ``path::name`` definitions of ``qualname`` in the project's other source files.

        A hint only: a goal is never resolved to code outside the files it
        names or its doc lists, where a same-named function may be unrelated.
        """
        last = qualname.rsplit(".", 1)[-1].encode()
        found: list[str] = []
        for path in (self.project.files or ())[:_MAX_FILES_FOR_HINTS]:
            if path in searched or len(found) == 3:
                continue
            tree = self._tree_naming(path, last)
            symbol = (find_symbol(tree, qualname) or self._dotted(tree, path, qualname)
                      if isinstance(tree, ast.Module) else None)
            if symbol is not None:
                found.append(f"{path}::{symbol.qualname}")
        return found

    def _tree_naming(self, path: str, name: bytes) -> Optional[ParsedSource]:
        """``path`` parsed (once a run), unless its bytes do not hold ``name``."""
        tree = self.trees.get(path)
        if tree is None:
            data = self._source_bytes(path)
            if isinstance(data, bytes) and name not in data:
                return None
            tree = self.trees[path] = self._read_tree(path, data)
        return tree

    def _source_bytes(self, path: str) -> Union[bytes, str]:
        """The file's bytes, or why they cannot be had."""
        try:
            return safepath.read_file(os.path.join(self.root, path), MAX_SOURCE_BYTES)
        except safepath.Unreadable as exc:
            return f"'{path}' is {exc}" if isinstance(exc, safepath.TooLarge) else f"'{path}' cannot be read ({exc})"

    def _read_tree(self, path: str, data: Union[bytes, str, None] = None) -> ParsedSource:
        data = self._source_bytes(path) if data is None else data
        if isinstance(data, str):
            return data
        try:
            source = importlib.util.decode_source(data)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            return f"'{path}' is not decodable Python source"
        try:
            return parse_source(source, path)
        except SymbolSyntaxError as exc:
            return str(exc)


_MAX_FILES_FOR_HINTS = 5000
"""How many of the project's source files a not-found symbol is looked for in, for a hint."""
_MAX_REEXPORTS = 5
"""How many modules deep a package's re-exported name is followed to its definition."""


def _merge_spans(by_file: dict[str, dict[str, Span]], parts: Sequence[tuple[str, Sequence[Span]]]) -> None:
    """Add each file's functions to ``by_file``, one per name (a name re-exported twice counts once)."""
    for where, spans in parts:
        by_file.setdefault(where, {}).update((span.name, span) for span in spans)


def _imports_of(tree: ast.Module, name: str) -> list[Import]:
    """The import that brings ``name`` into the module, else its ``*`` imports that may."""
    named = import_of(tree, name)
    if named is not None:
        return [named]
    return [star for star in public_imports(tree) if star.name == "*" and (star.only is None or name in star.only)]


def _unread_goal_hint(text: str) -> str:
    """How to write the goal: without the backticks around all of it when that is what keeps it from being read."""
    inner = text.strip()
    if len(inner) > 2 and inner[0] == inner[-1] == "`" and "`" not in inner[1:-1]:
        unquoted = inner[1:-1].strip()
        if parse_goal(unquoted, 0).kind is not GoalKind.MANUAL:
            return f"backticks around the whole goal make it one piece of code: write it without them, {unquoted}"
    return ("write `90% of src/app.py`, `85% line coverage of src/app.py`, `login()`, "
            "`src/app.py::App.run 100%`; or plain words for a goal a person checks")
