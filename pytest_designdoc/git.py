"""What git knows about the project: when a doc was added, what changed since, which lines a diff changes.

git runs as a subprocess and is optional. Every question either gets an
answer or raises :class:`GitUnavailable` with the reason and the fix (no
git, not a repository, a base that is not fetched, history a shallow
clone lacks): callers turn that into an info line, never a guess.

Paths in and out are relative to the rootdir the object was made for,
``/``-separated; git's own paths (relative to its top level) are mapped.
Nothing outside the rootdir is reported.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

from . import safepath

_TIMEOUT = 120.0
_SAFE = ("--literal-pathspecs", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false")
"""Options for every call: paths are paths (never pathspec magic), plain UTF-8, no fsmonitor hook a
repository's config could name."""
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_FETCH_HINT = "fetch the history: git fetch --unshallow (GitHub Actions: actions/checkout with fetch-depth: 0)"


class GitUnavailable(Exception):
    """git cannot answer: ``reason`` says why, ``hint`` how to make it answer."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str
    """Committer date, YYYY-MM-DD."""

    @property
    def short(self) -> str:
        return self.sha[:7]

    def __str__(self) -> str:
        return f"{self.short}, {self.date}"


class Git:
    """One repository, seen from ``root`` (the rootdir, real path)."""

    def __init__(self, root: str) -> None:
        self.root = root
        try:
            toplevel, prefix, shallow = self._lines("rev-parse", "--show-toplevel", "--show-prefix",
                                                     "--is-shallow-repository", keep_empty=True)[:3]
        except ValueError:
            raise GitUnavailable("git gave no repository information", "run git rev-parse --show-toplevel") from None
        self.toplevel = toplevel
        self.prefix = prefix
        """The rootdir relative to git's top level ('' or ending in '/')."""
        self.shallow = shallow == "true"
        self._boundary: Optional[frozenset[str]] = None

    # running git ------------------------------------------------------

    def _run(self, *args: str) -> str:
        try:
            completed = subprocess.run(
                ["git", *_SAFE, *args], cwd=self.root, capture_output=True, timeout=_TIMEOUT, check=False,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
        except FileNotFoundError:
            raise GitUnavailable("git is not installed", "install git, or run where it is") from None
        except subprocess.TimeoutExpired:
            raise GitUnavailable(f"git {args[0]} took longer than {_TIMEOUT:.0f} s", "") from None
        except OSError as exc:
            raise GitUnavailable(f"git could not run ({exc})", "") from None
        if completed.returncode:
            message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
            first = message[0] if message else f"exit status {completed.returncode}"
            if "not a git repository" in first:
                raise GitUnavailable(f"{self.root} is not in a git repository", "run it in a git checkout")
            raise GitUnavailable(f"git {args[0]} failed: {first}", "")
        return completed.stdout.decode("utf-8", "surrogateescape")

    def _lines(self, *args: str, keep_empty: bool = False) -> list[str]:
        lines = self._run(*args).split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines if keep_empty else [line for line in lines if line]

    # history ----------------------------------------------------------

    def first_added(self, path: str) -> Optional[Commit]:
        """The commit that first added ``path`` (following renames); None when it was never committed.

        In a shallow clone every file looks added at the oldest commit it
        has: when that is where ``path`` appears, the history that would
        tell is missing.
        """
        lines = self._lines("log", "--follow", "--diff-filter=A", "--format=%H %cs", "--", path)
        if not lines:
            return None
        sha, _, date = lines[-1].partition(" ")
        if self.shallow and sha in self._shallow_boundary():
            raise GitUnavailable(f"this is a shallow clone, and its history starts where {path} appears "
                                 f"({sha[:7]})", _FETCH_HINT)
        return Commit(sha, date)

    def touched_since(self, path: str, since: Commit) -> bool:
        """Whether any commit from ``since`` on (itself included, renames followed) or the working tree changes ``path``."""
        parents = self._lines("rev-list", "--parents", "-n", "1", since.sha)[0].split()[1:]
        excluded = [f"^{parent}" for parent in parents]
        if self._lines("log", "--follow", "--format=%H", "-n", "1", "HEAD", *excluded, "--", path):
            return True
        return bool(self._run("status", "--porcelain=v1", "-z", "--", path))

    def existed_before(self, path: str, commit: Commit) -> bool:
        """Whether ``path`` was in the tree of a parent of ``commit`` (False for a root commit)."""
        parents = self._lines("rev-list", "--parents", "-n", "1", commit.sha)[0].split()[1:]
        if self.shallow and commit.sha in self._shallow_boundary():
            raise GitUnavailable(f"this is a shallow clone: what came before {commit.short} is missing", _FETCH_HINT)
        return any(self._lines("ls-tree", "--name-only", parent, "--", path) for parent in parents)

    def _shallow_boundary(self) -> frozenset[str]:
        if self._boundary is None:
            shallow = self._lines("rev-parse", "--git-path", "shallow")[0]
            try:
                with open(os.path.join(self.root, shallow), encoding="ascii") as handle:
                    self._boundary = frozenset(line.strip() for line in handle if line.strip())
            except OSError:
                self._boundary = frozenset()
        return self._boundary

    def head(self) -> str:
        """The commit checked out (HEAD), in full."""
        lines = self._lines("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        if not lines:
            raise GitUnavailable("the repository has no commit yet", "commit first")
        return lines[0]

    # diffs ------------------------------------------------------------

    def merge_base(self, ref: str) -> Commit:
        """Where HEAD left ``ref``: the commit a pull request's diff starts from."""
        if ref.startswith("-"):
            raise GitUnavailable(f"{ref!r} is not a git ref", "give a branch, tag or commit, e.g. origin/main")
        try:
            sha = self._lines("merge-base", ref, "HEAD")[0]
        except (GitUnavailable, IndexError):
            raise GitUnavailable(
                f"the base {ref!r} has no common commit with HEAD here (not fetched, or a shallow clone)",
                f"fetch it: git fetch origin {ref.split('/', 1)[-1]} (GitHub Actions: actions/checkout with "
                "fetch-depth: 0)") from None
        date = self._lines("show", "-s", "--format=%cs", sha)[0]
        return Commit(sha, date)

    def changed_lines(self, base: Commit, paths: Sequence[str] = ()) -> dict[str, frozenset[int]]:
        """The lines the working tree adds or changes against ``base``, per file (untracked files: every line)."""
        diff = self._run("diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--relative",
                         "--src-prefix=a/", "--dst-prefix=b/", base.sha, "--", *paths)
        changed = dict(added_lines(diff))
        for path in self.untracked(paths):
            resolved = safepath.resolve(self.root, path)
            if resolved.kind == "file":
                changed[path] = frozenset(range(1, _line_count(os.path.join(self.root, resolved.real)) + 1))
        return {path: lines for path, lines in changed.items() if lines}

    def changed_files(self, base: Commit) -> list[str]:
        """Every file the working tree changes against ``base`` (both names of a rename), and untracked ones."""
        fields = self._run("diff", "--name-status", "-z", "-M", "--relative", base.sha).split("\0")
        files: set[str] = set()
        position = 0
        while position < len(fields) - 1:
            status = fields[position]
            names = 2 if status[:1] in ("R", "C") else 1
            files.update(fields[position + 1:position + 1 + names])
            position += 1 + names
        files.update(self.untracked(()))
        return sorted(name for name in files if name)

    def untracked(self, paths: Iterable[str]) -> list[str]:
        return [name for name in self._run("ls-files", "--others", "--exclude-standard", "-z", "--", *paths)
                .split("\0") if name]


def head_commit(root: str) -> Optional[str]:
    """The commit ``root`` has checked out, or None when git cannot say (no git, not a repository, no commit)."""
    try:
        return Git(root).head()
    except GitUnavailable:
        return None


def added_lines(diff: str) -> Mapping[str, frozenset[int]]:
    """The new-side line numbers of each file's hunks in a ``git diff -U0`` patch."""
    result: dict[str, set[int]] = {}
    current: Optional[set[int]] = None
    for line in diff.split("\n"):
        if line.startswith("+++ "):
            target = _unquoted(line[4:])
            current = None if target == "/dev/null" or not target.startswith("b/") else \
                result.setdefault(target[2:], set())
        elif line.startswith("@@ ") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) if match.group(2) is not None else 1)
                current.update(range(start, start + count))
    return {path: frozenset(lines) for path, lines in result.items()}


_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unquoted(name: str) -> str:
    """A path as git prints it: C-quoted ("b/t\\tab") when it holds special characters."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    out = bytearray()
    body = name[1:-1]
    position = 0
    while position < len(body):
        char = body[position]
        if char == "\\" and position + 1 < len(body):
            following = body[position + 1]
            if following in "01234567" and position + 3 < len(body) + 1:
                out.append(int(body[position + 1:position + 4], 8) & 0xFF)
                position += 4
                continue
            out.extend(_ESCAPES.get(following, following).encode("utf-8"))
            position += 2
            continue
        out.extend(char.encode("utf-8", "surrogateescape"))
        position += 1
    return out.decode("utf-8", "surrogateescape")


def _line_count(filename: str) -> int:
    """Lines in a file, read in blocks (an untracked file may be large)."""
    count, last = 0, b"\n"
    try:
        with open(filename, "rb") as handle:
            while block := handle.read(1 << 16):
                count += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 0
    return count + (0 if last == b"\n" else 1)
