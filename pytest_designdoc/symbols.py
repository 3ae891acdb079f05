"""Find a function, method or class in Python source with ``ast``.

A symbol's *body lines* are the lines of its own body: the docstring and
the bodies of nested functions and classes are left out (a nested
``def`` line stays, it runs when the outer body runs). A class's body
lines are its methods'; every method must run for a class goal.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator, Optional, TypeGuard, Union

_Definition = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Span:
    """A function (or one method of a class): where it is, what its body is."""

    name: str
    line: int
    end: int
    body: tuple[tuple[int, int], ...]
    """Inclusive line ranges of the body, nested definitions' bodies excluded."""

    def body_lines(self, statements: frozenset[int]) -> frozenset[int]:
        return frozenset(n for n in statements if any(lo <= n <= hi for lo, hi in self.body))


@dataclass(frozen=True)
class Symbol:
    qualname: str
    kind: str
    """``function`` or ``class``."""
    line: int
    end: int
    functions: tuple[Span, ...]
    """The function itself, or each method defined in the class body."""


class SymbolSyntaxError(ValueError):
    pass


def parse_source(source: str, filename: str) -> ast.Module:
    try:
        return ast.parse(source, filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        where = f" at line {exc.lineno}" if isinstance(exc, SyntaxError) and exc.lineno else ""
        raise SymbolSyntaxError(f"'{filename}' does not parse{where}") from exc


def find_symbol(tree: ast.Module, qualname: str) -> Optional[Symbol]:
    """The definition ``qualname`` (``f``, ``Class.method``, ``Outer.Inner``) names."""
    scope: list[ast.stmt] = tree.body
    node: Optional[_Definition] = None
    for part in qualname.split("."):
        node = _definitions(scope).get(part)
        if node is None:
            return None
        scope = node.body
    assert node is not None
    end = node.end_lineno or node.lineno
    if isinstance(node, ast.ClassDef):
        methods = tuple(
            _span(f"{qualname}.{child.name}", child)
            for child in node.body
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
        )
        return Symbol(qualname, "class", node.lineno, end, methods)
    return Symbol(qualname, "function", node.lineno, end, (_span(qualname, node),))


def defined_names(tree: ast.Module) -> list[str]:
    """The qualified names of the module's functions and classes, and of their classes' methods."""
    names = []
    for node in tree.body:
        if isinstance(node, _DEFINITIONS):
            names.append(node.name)
            if isinstance(node, ast.ClassDef):
                names.extend(f"{node.name}.{child.name}" for child in node.body if isinstance(child, _DEFINITIONS))
    return names


def public_functions(tree: ast.Module) -> tuple[Span, ...]:
    """The module's public API: its public functions and the public methods of its public classes.

    Public is what ``__all__`` lists when it is a literal list of names,
    otherwise a name without a leading ``_``; methods are public without
    a leading ``_`` (``__init__`` and other dunders are left out).
    """
    exported = _literal_all(tree)
    spans: list[Span] = []
    for name, node in _definitions(tree.body).items():
        if (name in exported) if exported is not None else not name.startswith("_"):
            spans.extend(_public_spans(name, node))
    return tuple(spans)


@dataclass(frozen=True)
class Import:
    """``from {'.' * level}{module} import {name}``: a name a package's ``__init__`` makes public."""

    level: int
    module: str
    name: str
    """The imported name as its module defines it, or ``*``."""
    only: Optional[frozenset[str]] = None
    """For ``*``: the names the importing module's ``__all__`` keeps public (None: every public name)."""


def public_imports(tree: ast.Module) -> tuple[Import, ...]:
    """The ``from ... import`` names the module re-exports: public by ``__all__``, or by their name there."""
    exported = _literal_all(tree)
    found: dict[str, Import] = {}
    for statement in _import_froms(tree.body):
        for alias in statement.names:
            name = alias.asname or alias.name
            if alias.name == "*" or ((name in exported) if exported is not None else not name.startswith("_")):
                only = exported if alias.name == "*" else None
                key = f"*{statement.level}{statement.module}" if alias.name == "*" else name
                found.setdefault(key, Import(statement.level, statement.module or "", alias.name, only))
    return tuple(found.values())


def star_exports(tree: ast.Module, name: str) -> bool:
    """Whether ``from module import *`` of this module binds ``name``: its ``__all__``, else no leading ``_``."""
    exported = _literal_all(tree)
    return name in exported if exported is not None else not name.startswith("_")


def import_of(tree: ast.Module, name: str) -> Optional[Import]:
    """The ``from ... import`` that binds ``name`` in the module, if one does."""
    for statement in _import_froms(tree.body):
        for alias in statement.names:
            if (alias.asname or alias.name) == name and alias.name != "*":
                return Import(statement.level, statement.module or "", alias.name)
    return None


def _import_froms(body: list[ast.stmt]) -> Iterator[ast.ImportFrom]:
    """The module-level ``from ... import`` statements, a ``try`` body's before its fallbacks.

    Imports under ``if TYPE_CHECKING:`` bind nothing at run time and are left out.
    """
    for statement in body:
        if isinstance(statement, ast.ImportFrom):
            yield statement
        elif isinstance(statement, ast.If) and not _is_type_checking(statement.test):
            yield from _import_froms(statement.body)
            yield from _import_froms(statement.orelse)
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            for block in ("body", "orelse", "finalbody"):
                yield from _import_froms(getattr(statement, block, []))
            for handler in getattr(statement, "handlers", []):
                yield from _import_froms(handler.body)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def public_part(symbol: Symbol) -> Symbol:
    """A class symbol with only its public methods (a function symbol as it is)."""
    if symbol.kind != "class":
        return symbol
    public = tuple(span for span in symbol.functions if not span.name.rsplit(".", 1)[-1].startswith("_"))
    return Symbol(symbol.qualname, symbol.kind, symbol.line, symbol.end, public)


def _public_spans(qualname: str, node: _Definition) -> list[Span]:
    if not isinstance(node, ast.ClassDef):
        return [_span(qualname, node)]
    return [span for name, child in _definitions(node.body).items() if not name.startswith("_")
            for span in _public_spans(f"{qualname}.{name}", child)]


def _definitions(body: list[ast.stmt]) -> dict[str, _Definition]:
    """The functions and classes ``body`` defines, by name, also inside ``if``/``try`` blocks; the last one wins."""
    found: dict[str, _Definition] = {}
    for statement in body:
        if isinstance(statement, _DEFINITIONS):
            found[statement.name] = statement
        elif isinstance(statement, (ast.If, ast.Try)) or type(statement).__name__ == "TryStar":
            blocks = [getattr(statement, block, []) for block in ("body", "orelse", "finalbody")]
            for block in blocks + [handler.body for handler in getattr(statement, "handlers", [])]:
                found.update(_definitions(block))
    return found


def _literal_all(tree: ast.Module) -> Optional[frozenset[str]]:
    """The names of a literal ``__all__ = [...]``; None when there is none or it is computed."""
    assigned = [statement for statement in tree.body if _assigns_all(statement)]
    if len(assigned) != 1 or assigned[0].value is None or isinstance(assigned[0], ast.AugAssign):
        return None
    try:
        names = ast.literal_eval(assigned[0].value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(names, (list, tuple)) and all(isinstance(name, str) for name in names):
        return frozenset(names)
    return None


def _assigns_all(statement: ast.stmt) -> TypeGuard[Union[ast.Assign, ast.AugAssign, ast.AnnAssign]]:
    if not isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        return False
    return any(isinstance(target, ast.Name) and target.id == "__all__" for target in _targets(statement))


def _targets(statement: Union[ast.Assign, ast.AugAssign, ast.AnnAssign]) -> list[ast.expr]:
    return statement.targets if isinstance(statement, ast.Assign) else [statement.target]


def _span(name: str, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> Span:
    body = list(node.body)
    if body and _is_docstring(body[0]) and len(body) > 1:
        body = body[1:]
    ranges: list[tuple[int, int]] = []
    start = body[0].lineno if body else node.lineno
    for nested in _nested_definitions(body):
        header_end = _header_end(nested)
        if start <= header_end:
            ranges.append((start, header_end))
        start = (nested.end_lineno or nested.lineno) + 1
    end = node.end_lineno or node.lineno
    if start <= end:
        ranges.append((start, end))
    return Span(name, node.lineno, end, tuple(ranges))


def _header_end(definition: _Definition) -> int:
    """The last line of a function's ``def`` (decorators and signature)."""
    if definition.body:
        return definition.body[0].lineno - 1
    return definition.end_lineno or definition.lineno


def _nested_definitions(body: list[ast.stmt]) -> list[_Definition]:
    """The outermost functions defined in ``body``, in nested classes too: their bodies are theirs.

    A nested class's own body (its assignments, its methods' ``def`` lines)
    runs when the function runs, so it stays the function's, as in
    coverage.py's function regions.
    """
    nested: list[_Definition] = []
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                nested.append(node)
    outermost: list[_Definition] = []
    for node in sorted(nested, key=lambda n: n.lineno):
        if outermost and (outermost[-1].end_lineno or 0) >= node.lineno:
            continue
        outermost.append(node)
    return outermost


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def import_time_lines(tree: ast.Module, line_count: int) -> frozenset[int]:
    """Lines that run when the module is imported: everything outside function bodies.

    Module and class bodies, ``def``/``class`` lines, decorators and default
    values run once per process, in whichever context imported the module
    first; only function bodies run on behalf of a caller.
    """
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            header_end = max(node.lineno, node.body[0].lineno - 1)
            inside.update(range(header_end + 1, (node.end_lineno or node.lineno) + 1))
    return frozenset(n for n in range(1, line_count + 1) if n not in inside)
