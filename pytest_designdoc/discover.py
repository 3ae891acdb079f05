"""Which Markdown files are design docs: glob, read safely, parse."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from . import safepath
from .codes import DD020, DD030
from .model import DesignDoc, Finding, Severity
from .parse import DocParser, decode

MAX_DOC_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Discovery:
    docs: tuple[DesignDoc, ...]
    findings: tuple[Finding, ...]
    """Problems with files that could not be read as docs at all."""


def discover(
    root: str,
    patterns: Sequence[str],
    parser: DocParser,
    skip_dir: Callable[[str], bool] = lambda name: False,
) -> Discovery:
    """Find and parse the design docs under ``root`` (a real path)."""
    paths: dict[str, safepath.Resolved] = {}
    findings: list[Finding] = []
    for pattern in patterns:
        found = safepath.glob(root, pattern, skip_dir)
        for match in found.matches:
            paths.setdefault(match.path, match)
        for escape in found.escapes:
            findings.append(
                DD030.finding(escape, 1, "symlink points outside rootdir: refused, not read",
                              "design docs must live inside the project")
            )
    docs: list[DesignDoc] = []
    for path in sorted(paths):
        doc, problem = read_doc(root, paths[path], parser)
        if doc is not None:
            docs.append(doc)
        if problem is not None:
            findings.append(problem)
    return Discovery(tuple(docs), tuple(findings))


def read_doc(root: str, resolved: safepath.Resolved, parser: DocParser) -> tuple[Optional[DesignDoc], Optional[Finding]]:
    path = resolved.path

    def unreadable(message: str, hint: str, severity: Severity = Severity.WARNING) -> tuple[None, Finding]:
        return None, DD020.finding(path, 1, message, hint, severity=severity)

    if resolved.kind == "dir":
        return unreadable("matches a design doc pattern but is a directory", "rename it or narrow designdoc_paths")
    if resolved.kind != "file":
        return unreadable("not a regular file: not read", "design docs must be regular files")
    try:
        data = safepath.read_file(os.path.join(root, resolved.real), MAX_DOC_BYTES)
    except safepath.Unreadable as exc:
        if isinstance(exc, safepath.TooLarge):
            return unreadable(f"{exc}: not parsed", "split the design doc or exclude the file from designdoc_paths")
        return unreadable(f"cannot be read: {exc}", "check the file's permissions")
    text, problem = decode(data)
    if text is None:
        lossy = data.decode("utf-8", errors="replace").replace("\x00", "")
        doc = parser.parse(path, lossy)
        severity = Severity.ERROR if doc is not None else Severity.WARNING
        return unreadable(f"{problem}: not checked", "save design docs as UTF-8 text", severity)
    return parser.parse(path, text, hashlib.sha256(data).hexdigest()), None
