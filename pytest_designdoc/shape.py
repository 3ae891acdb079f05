"""Untrusted JSON checked against the TypedDicts that describe it (saved reports, shard evidence).

:func:`problem` walks the type, not the data, so deep nesting costs
nothing, and says where the first value that does not fit is
(``docs[0].findings[2].subject``). Beyond what a TypedDict says:

* ``Annotated[str, OneOf(...)]``: one of the given strings (a JSON Schema ``enum``);
* ``tuple[X, Y]``: a JSON array of exactly those items;
* a TypedDict listed in ``closed``: no other keys (``additionalProperties: false``).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any, Callable, Collection, Optional


@dataclass(frozen=True)
class OneOf:
    """``Annotated[str, OneOf("a", "b")]``: the only strings a field may hold."""

    values: tuple[str, ...]

    def __init__(self, *values: str) -> None:
        object.__setattr__(self, "values", values)


_MAX_KEY_SHOWN = 60


def problem(value: object, expected: Any, where: str, closed: Collection[type] = ()) -> str:
    """What keeps ``value`` from being an ``expected``, or ''; ``where`` names ``value`` in the message."""
    return _Checker(frozenset(closed)).problem(value, expected, where)


def key_text(key: str) -> str:
    """An object key as a message shows it: quoted, shortened."""
    shown = repr(key)
    return shown if len(shown) <= _MAX_KEY_SHOWN else shown[: _MAX_KEY_SHOWN - 2] + "…'"


class _Checker:
    def __init__(self, closed: frozenset[type]) -> None:
        self.closed = closed

    def problem(self, value: object, expected: Any, where: str) -> str:
        origin = typing.get_origin(expected)
        if origin in (typing.NotRequired, typing.Required):
            return self.problem(value, typing.get_args(expected)[0], where)
        if origin is typing.Annotated:
            return self._annotated(value, expected, where)
        if origin is typing.Union:
            return self._union(value, typing.get_args(expected), where)
        if origin in (list, tuple, dict):
            return self._container(value, origin, typing.get_args(expected), where)
        if isinstance(expected, type) and issubclass(expected, dict):
            return self._object(value, expected, where)
        if not _is_scalar(value, expected):
            return f"{_shown(where)} is not {getattr(expected, '__name__', expected)} ({type(value).__name__})"
        return ""

    def _union(self, value: object, options: tuple[Any, ...], where: str) -> str:
        options = tuple(option for option in options if value is None or option is not type(None))
        if len(options) == 1:  # Optional[X] holding something: what keeps it from being an X
            return self.problem(value, options[0], where)
        if any(not self.problem(value, option, where) for option in options):
            return ""
        return f"{_shown(where)} has the wrong type ({type(value).__name__})"

    def _container(self, value: object, origin: Any, args: tuple[Any, ...], where: str) -> str:
        if origin is list:
            return self._list(value, args[0], where)
        if origin is tuple:
            return self._tuple(value, args, where)
        return self._mapping(value, args[1], where)

    def _annotated(self, value: object, expected: Any, where: str) -> str:
        base, *extras = typing.get_args(expected)
        found = self.problem(value, base, where)
        for extra in extras:
            if not found and isinstance(extra, OneOf) and value not in extra.values:
                found = f"{_shown(where)} is not one of {', '.join(extra.values)} ({key_text(str(value))})"
        return found

    def _list(self, value: object, item: Any, where: str) -> str:
        if not isinstance(value, list):
            return f"{_shown(where)} is not a list"
        fits = _fast(item)
        if fits is not None and all(map(fits, value)):
            return ""  # a long list of test ids: checked at C speed; a misfit is found and named below
        return next((found for index, entry in enumerate(value)
                     if (found := self.problem(entry, item, f"{where}[{index}]"))), "")

    def _tuple(self, value: object, items: tuple[Any, ...], where: str) -> str:
        if not isinstance(value, list) or len(value) != len(items):
            return f"{_shown(where)} is not a list of {len(items)}"
        return next((found for index, (entry, item) in enumerate(zip(value, items))
                     if (found := self.problem(entry, item, f"{where}[{index}]"))), "")

    def _mapping(self, value: object, item: Any, where: str) -> str:
        if not isinstance(value, dict):
            return f"{_shown(where)} is not an object"
        fits = _fast(item)
        if fits is not None and all(map(fits, value.values())):
            return ""
        return next((found for key, entry in value.items()
                     if (found := self.problem(entry, item, f"{where}[{key_text(key)}]"))), "")

    def _object(self, value: object, expected: type, where: str) -> str:
        if not isinstance(value, dict):
            return f"{_shown(where)} is not an object"
        missing = sorted(getattr(expected, "__required_keys__", frozenset()) - value.keys())
        if missing:
            return f"{_shown(where)} lacks {', '.join(missing)}"
        hints = typing.get_type_hints(expected, include_extras=True)
        if expected in self.closed:
            unknown = sorted(key_text(key) for key in value.keys() - hints.keys())
            if unknown:
                return f"{_shown(where)} has unknown keys ({', '.join(unknown)})"
        return next((found for key, entry in value.items()
                     if key in hints and (found := self.problem(entry, hints[key], _member(where, key)))), "")


def _fast(expected: Any) -> Optional[Callable[[object], bool]]:
    """A quick test of whether a value fits ``expected`` (``str``, or one of a :class:`OneOf`), for long lists and
    mappings; None for other types. It only says yes: a value it refuses is checked the slow way, for the message."""
    if expected is str:
        return lambda value: isinstance(value, str)
    if typing.get_origin(expected) is typing.Annotated:
        base, *extras = typing.get_args(expected)
        if base is str and len(extras) == 1 and isinstance(extras[0], OneOf):
            allowed = frozenset(extras[0].values)
            return lambda value: isinstance(value, str) and value in allowed
    return None


def _shown(where: str) -> str:
    return where or "the top level"


def _member(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _is_scalar(value: object, expected: Any) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is type(None):
        return value is None
    return isinstance(value, expected)
