"""The finding codes, defined once: code, title, severity, what it means.

SARIF's rules and the README's table come from here (a test keeps the
README, this catalogue and the codes the package emits equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .model import Finding, Severity, Subject


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    """One line, for SARIF rules and tool tips."""
    severity: str
    """``error``, ``warning``, or ``error / warning`` when it depends on the case."""
    what: str
    """The README's explanation (Markdown)."""

    def finding(self, path: str, line: int, message: str, hint: str = "", subject: Subject = Subject(), *,
                severity: Optional[Severity] = None) -> Finding:
        """A finding of this code at ``path:line``; its severity is the catalogue's unless the case decides it."""
        if severity is None:
            if self.severity not in (Severity.ERROR.value, Severity.WARNING.value):
                raise ValueError(f"{self.code} is {self.severity}: the caller chooses the severity")
            severity = Severity(self.severity)
        return Finding(self.code, severity, path, line, message, hint, subject)


CODES: tuple[Code, ...] = (
    Code('DD001', 'Listed test file or glob matches nothing', 'error',
         'listed test file, glob or directory matches nothing (or the directory has no test file)'),
    Code('DD002', 'Listed test file yields no test, or its tests were deselected or skipped', 'error / warning',
         'listed test file yields no test (error); its tests were all deselected or skipped (warning)'),
    Code('DD003', 'File listed in Files to Create is missing', 'error',
         'Files to Create entry is missing'),
    Code('DD004', 'File listed in Files to Modify is missing', 'error',
         'Files to Modify entry is missing'),
    Code('DD005', 'Git history contradicts a Files entry', 'error / warning',
         'a Files to Modify entry no commit changed since the doc was added, or a Files to Create entry that existed before it (error for `implemented` docs, warning for `accepted`); info when history cannot tell (an uncommitted doc, a shallow clone)'),
    Code('DD010', 'Coverage goal not met', 'error',
         'percent goal not met: actual, required, metric, files, missing lines'),
    Code('DD011', 'Symbol named by a goal not found', 'error',
         'symbol not found in its target files (or they do not parse)'),
    Code('DD012', "Symbol not executed by its row's tests", 'error',
         "symbol not executed by the row's tests (for a public-API goal: the public functions that did not run)"),
    Code('DD013', 'Goal cannot be measured', 'error / warning',
         'coverage could not decide a goal: lost worker, stopped coverage, sysmon core, target outside the measured source, target ambiguous or not found, with candidates (error); no measurable target or public function, target imported before coverage started (warning)'),
    Code('DD014', 'Row not run in this session', 'warning',
         'rows not run in this session (their test files not selected, run only in part by `-k`, `-m`, `--lf`, node ids, or stopped early by `-x`, `--maxfail`, a collection error), one per doc'),
    Code('DD015', 'Goal not understood', 'warning',
         'a goal that names a percent, a file, a function, backticked code or the public API but is not understood as a coverage goal: it is manual, and nobody checks it'),
    Code('DD020', 'Design doc structure or file problem', 'error / warning',
         'doc structure: table without its path column, malformed table, HTML table (warning), unreadable, binary '
         'or non-UTF-8 file'),
    Code('DD021', 'Front matter problem', 'error / warning',
         'front matter: invalid YAML, wrong types (error), unknown keys (warning)'),
    Code('DD022', 'Template leftover', 'warning',
         'template leftovers (`path/to/`, `Component 1`, …)'),
    Code('DD023', 'Duplicate design doc key', 'error',
         'two docs with the same key'),
    Code('DD024', 'Waiver problem', 'error / warning',
         'waiver file: unreadable, not YAML, an entry without `reason` or `expires` or with a bad date (error); a stale waiver that matches no finding, unknown keys (warning)'),
    Code('DD025', 'Shard evidence differs from the docs', 'warning',
         '`designdoc merge`: a doc differs from the one a job ran against (changed between the jobs and the merge, or new)'),
    Code('DD030', 'Path escapes rootdir', 'error',
         'path escapes rootdir (absolute, `..`, symlink out): refused, never read'),
    Code('DD031', 'Marker names an unknown design doc key', 'error',
         '`@pytest.mark.designdoc("KEY")` names an unknown key'),
)

BY_CODE = {entry.code: entry for entry in CODES}

(DD001, DD002, DD003, DD004, DD005, DD010, DD011, DD012, DD013, DD014, DD015, DD020, DD021, DD022, DD023, DD024,
 DD025, DD030, DD031) = CODES


def markdown_table() -> str:
    """The README's table of finding codes."""
    lines = ["| code | severity | what |", "|---|---|---|"]
    lines.extend(f"| {entry.code} | {entry.severity} | {entry.what} |" for entry in CODES)
    return "\n".join(lines)
