"""Find a function, method or class in Python source with ``ast``.

A symbol's *body lines* are the lines of its own body: the docstring and
the bodies of nested functions and classes are left out (a nested
``def`` line stays, it runs when the outer body runs). A class's body
lines are its methods'; every method must run for a class goal.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional, Union

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
        node = _definition_in(scope, part)
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


def _definition_in(body: list[ast.stmt], name: str) -> Optional[_Definition]:
    """The last definition of ``name`` in ``body``, also inside ``if``/``try`` blocks."""
    found: Optional[_Definition] = None
    for statement in body:
        if isinstance(statement, _DEFINITIONS) and statement.name == name:
            found = statement
        elif isinstance(statement, (ast.If, ast.Try)) or type(statement).__name__ == "TryStar":
            for block in ("body", "orelse", "finalbody"):
                inner = _definition_in(getattr(statement, block, []), name)
                if inner is not None:
                    found = inner
            for handler in getattr(statement, "handlers", []):
                inner = _definition_in(handler.body, name)
                if inner is not None:
                    found = inner
    return found


def _span(name: str, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> Span:
    body = list(node.body)
    if body and _is_docstring(body[0]) and len(body) > 1:
        body = body[1:]
    ranges: list[tuple[int, int]] = []
    start = body[0].lineno if body else node.lineno
    for nested in _nested_definitions(body):
        header_end = nested.body[0].lineno - 1 if nested.body else nested.end_lineno or nested.lineno
        if start <= header_end:
            ranges.append((start, header_end))
        start = (nested.end_lineno or nested.lineno) + 1
    end = node.end_lineno or node.lineno
    if start <= end:
        ranges.append((start, end))
    return Span(name, node.lineno, end, tuple(ranges))


def _nested_definitions(body: list[ast.stmt]) -> list[_Definition]:
    nested: list[_Definition] = []
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, _DEFINITIONS):
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
