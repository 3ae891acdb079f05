"""Paths confined to rootdir.

Every path a design doc names goes through here. Nothing outside rootdir is
ever stat'ed, listed or read: absolute paths and ``..`` are refused
lexically, and symlinks are followed one component at a time with
``lstat``/``readlink`` so that a link pointing out of rootdir is refused
before anything behind it is touched.

Every file the plugin and the ``designdoc`` command read goes through
:func:`read_file` (a path the user gave) or :func:`read_inside` (a path
inside rootdir): regular files only, never a byte past the bound.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from typing import Callable, Literal, Optional, Union

Kind = Literal["file", "dir", "other", "missing", "escape"]

_MAX_SYMLINKS = 40
_DRIVE = re.compile(r"^[A-Za-z]:")
_GLOB_MAGIC = re.compile(r"[*?[]")


@dataclass(frozen=True)
class Resolved:
    path: str
    """The path as written, normalised: rootdir-relative, ``/``-separated."""
    kind: Kind
    real: str = ""
    """Rootdir-relative path after following symlinks (empty unless found)."""


def normalize(raw: str) -> Optional[str]:
    """A doc's path text as a rootdir-relative ``/`` path, or None if it escapes."""
    text = raw.strip().replace("\\", "/")
    if text.startswith(("/", "~")) or _DRIVE.match(text):
        return None
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    return "/".join(parts)


def configured(root: str, raw: str) -> str:
    """A path from the project's configuration (ini, pyproject) as a rootdir-relative path inside the real ``root``.

    The one rule for configured paths, read or written: ValueError says what
    is wrong (absolute, ``~``, ``..``, a symlink on the way out of rootdir).
    Only a path typed on a command line may lead elsewhere.
    """
    path = normalize(raw)
    if not path:
        raise ValueError(f"{raw.strip()!r} is not a path relative to rootdir (no absolute paths, '~' or '..')")
    if resolve(root, path).kind == "escape":
        raise ValueError(f"{raw.strip()!r} leads out of rootdir through a symlink")
    return path


def has_magic(pattern: str) -> bool:
    return bool(_GLOB_MAGIC.search(pattern))


def real_root(rootdir: str) -> str:
    return os.path.realpath(rootdir)


def resolve(root: str, path: str) -> Resolved:
    """Follow ``path`` (normalised, relative) inside ``root`` (a real path)."""
    current: list[str] = []
    pending = _parts(path.split("/"))
    links = 0
    while pending:
        part = pending.pop(0)
        if part == "..":
            if not current:
                return Resolved(path, "escape")
            current.pop()
            continue
        candidate = os.path.join(root, *current, part)
        mode = _lstat_mode(candidate)
        if mode is None:
            return Resolved(path, "missing")
        if stat.S_ISLNK(mode):
            links += 1
            followed = _followed(root, candidate, current, pending) if links <= _MAX_SYMLINKS else "missing"
            if isinstance(followed, str):
                return Resolved(path, followed)
            current, pending = followed
            continue
        current.append(part)
        if not pending:
            return Resolved(path, _kind(mode), "/".join(current))
        if not stat.S_ISDIR(mode):
            return Resolved(path, "missing")
    return Resolved(path, "dir", "/".join(current))


def _parts(parts: list[str]) -> list[str]:
    return [part for part in parts if part not in ("", ".")]


def _followed(root: str, link: str, current: list[str], pending: list[str]) -> Union[Kind, tuple[list[str], list[str]]]:
    """The parts walked and the parts left once the symlink ``link`` (the last part walked) is followed; "missing"
    when it cannot be read, "escape" when it points outside ``root``."""
    try:
        target = os.readlink(link)
    except (OSError, ValueError):
        return "missing"
    if not os.path.isabs(target):
        return current, _parts(target.replace(os.sep, "/").split("/")) + pending
    inside = _relative_inside(root, target)
    return "escape" if inside is None else ([], _parts(inside) + pending)


def _lstat_mode(path: str) -> Optional[int]:
    try:
        return os.lstat(path).st_mode
    except (OSError, ValueError):
        return None


def _kind(mode: int) -> Kind:
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


class Unreadable(ValueError):
    """A file that is not read; the message says why."""


class Escapes(Unreadable):
    """The path leads out of rootdir: refused before anything behind it is touched."""


class Missing(Unreadable):
    """Nothing is there."""


class TooLarge(Unreadable):
    """Larger than the bound: not read past it."""


def size_text(max_bytes: int) -> str:
    return f"{max_bytes // (1024 * 1024)} MiB" if max_bytes >= 1024 * 1024 else f"{max_bytes} bytes"


def read_file(path: str, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes``; Unreadable says why not.

    Opened without blocking and checked with ``fstat`` before a byte is
    read, so a FIFO cannot hang the run and a device (``/dev/zero``) or a
    directory is refused, not read until memory runs out.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise Missing("it does not exist") from None
    except (OSError, ValueError) as exc:
        raise Unreadable(getattr(exc, "strerror", None) or str(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Unreadable("not a regular file")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise TooLarge(f"larger than {size_text(max_bytes)}")
    return data


def read_inside(root: str, path: str, max_bytes: int) -> bytes:
    """The bytes of ``path`` (rootdir-relative, normalised) under the real ``root``, through :func:`read_file`.

    Escapes when a symlink on the way leads out of rootdir; Missing when nothing is there.
    """
    found = resolve(root, path)
    if found.kind == "escape":
        raise Escapes("it leads out of rootdir through a symlink: refused, not read")
    if found.kind == "missing":
        raise Missing("it does not exist")
    return read_file(os.path.join(root, found.real), max_bytes)


def _relative_inside(root: str, target: str) -> Optional[list[str]]:
    target = os.path.normpath(target)
    if target == root:
        return []
    prefix = root.rstrip(os.sep) + os.sep
    if not target.startswith(prefix):
        return None
    return target[len(prefix) :].split(os.sep)


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name


@dataclass(frozen=True)
class GlobResult:
    matches: tuple[Resolved, ...]
    escapes: tuple[str, ...]


def glob(root: str, pattern: str, skip_dir: Callable[[str], bool] = lambda name: False) -> GlobResult:
    """Match a rootdir-relative glob (``*``, ``?``, ``[..]``, ``**``) inside ``root``.

    Hidden names match only a segment that starts with ``.``; ``**`` does not
    descend into symlinked directories nor into names ``skip_dir`` rejects.
    Symlinks that point out of rootdir are reported in ``escapes``.
    """
    if not has_magic(pattern):
        found = resolve(root, pattern)
        if found.kind == "escape":
            return GlobResult((), (pattern,))
        return GlobResult((found,) if found.kind != "missing" else (), ())

    segments = [seg for seg in pattern.split("/") if seg not in ("", ".")]
    matches: dict[str, Resolved] = {}
    escapes: set[str] = set()

    def visit(parts: tuple[str, ...], real: str, index: int, entry: Optional[os.DirEntry[str]] = None) -> None:
        """``parts`` as matched; ``real`` the same directory or file with symlinks resolved."""
        if index == len(segments):
            rel = "/".join(parts)
            if entry is not None and not entry.is_symlink():
                kind: Kind = "dir" if entry.is_dir() else "file" if entry.is_file() else "other"
                matches[rel] = Resolved(rel, kind, real)
                return
            found = resolve(root, rel)
            if found.kind == "escape":
                escapes.add(rel)
            elif found.kind != "missing":
                matches[rel] = found
            return
        segment = segments[index]
        if segment == "**":
            visit(parts, real, index + 1)
            for child in entries(real):
                if child.name.startswith(".") or skip_dir(child.name):
                    continue
                if child.is_dir(follow_symlinks=False):
                    visit(parts + (child.name,), _join(real, child.name), index)
            return
        if not has_magic(segment):
            step(parts + (segment,), real, index, None)
            return
        for child in entries(real):
            if child.name.startswith(".") and not segment.startswith("."):
                continue
            if fnmatch.fnmatchcase(child.name, segment):
                step(parts + (child.name,), real, index, child)

    def step(parts: tuple[str, ...], real_parent: str, index: int, entry: Optional[os.DirEntry[str]]) -> None:
        if index + 1 == len(segments):
            visit(parts, _join(real_parent, parts[-1]), index + 1, entry)
            return
        if entry is not None and not entry.is_symlink():
            if entry.is_dir():
                visit(parts, _join(real_parent, entry.name), index + 1)
            return
        found = resolve(root, "/".join(parts))
        if found.kind == "escape":
            escapes.add("/".join(parts))
        elif found.kind == "dir":
            visit(parts, found.real, index + 1)

    def entries(real_dir: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(os.path.join(root, real_dir) if real_dir else root) as it:
                return sorted(it, key=lambda e: e.name)
        except (OSError, ValueError):
            return []

    visit((), "", 0)
    return GlobResult(tuple(matches[k] for k in sorted(matches)), tuple(sorted(escapes)))
