"""Waivers (SPEC §5a): findings a team accepts for a while, with a reason, an owner and an expiry date.

A live waiver turns the findings it matches into severity ``waived``; an
expired one fails closed (the finding is an error again and names the
waiver); a waiver that matches nothing is stale. Every problem with the
waiver file is a DD024 finding on its line. Pure: the clock is a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable, Optional, Sequence

from . import safepath
from .codes import DD002, DD010, DD012, DD013, DD014, DD024, DD030
from .model import DocResult, Finding, GoalStatus, Report, Severity, Subject, Waived, Waiver

RUNTIME_CODES = frozenset(code.code for code in (DD002, DD010, DD012, DD013, DD014))
"""Codes only a test run can produce: a lint, or a run that did not run the doc's rows, cannot call their waivers stale."""

_REQUIRED = ("code", "doc", "reason", "expires")
_OPTIONAL = ("match", "owner")
_CODE_PATTERN = re.compile(r"^DD\d{3}$")
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}\Z", re.ASCII)
MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class WaiverFile:
    path: str
    """Rootdir-relative."""
    waivers: tuple[Waiver, ...] = ()
    findings: tuple[Finding, ...] = ()
    """Problems with the file or its entries (DD024, DD030)."""


def load(root: str, path: str) -> WaiverFile:
    """Read the waiver file ``path`` (rootdir-relative, already normalised) under the real ``root``."""
    try:
        text = safepath.read_inside(root, path, MAX_BYTES).decode("utf-8")
    except safepath.Escapes:
        return WaiverFile(path, findings=(DD030.finding(path, 1,
                                                        "waiver file escapes rootdir: refused, not read",
                                                        "keep designdoc_baseline inside the project"),))
    except safepath.Missing:
        return _broken(path, 1, f"waiver file '{path}' (designdoc_baseline) does not exist",
                       "write it with: designdoc baseline --reason TEXT --expires YYYY-MM-DD, "
                       "or remove designdoc_baseline")
    except safepath.TooLarge as exc:
        return _broken(path, 1, f"waiver file is {exc}", "split the waivers by removing fixed ones")
    except (safepath.Unreadable, UnicodeDecodeError) as exc:
        return _broken(path, 1, f"cannot read the waiver file: {exc}", "save it as UTF-8 text")
    return parse(path, text)


def parse(path: str, text: str) -> WaiverFile:
    """The waivers in ``text``, and a finding for every problem, at its line.

    Read from YAML's node tree (``yaml.compose`` with the safe loader): every
    value stays text, so a bad date is a finding on its line, not an exception.
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return _not_yaml(path, exc)
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag.endswith(":null")):
        return WaiverFile(path)
    entries = _entry_nodes(root)
    if entries is None:
        return _broken(path, 1, "waiver file must be a mapping with a 'waivers:' list",
                       "see the waiver format in docs/usage.md")
    findings = _ignored_keys(path, _mapping(root), ("waivers",), "top-level", "the waiver file has one key, 'waivers'")
    waivers = [waiver for waiver in (_waiver(path, node, findings) for node in entries) if waiver is not None]
    return WaiverFile(path, tuple(waivers), tuple(findings))


def _not_yaml(path: str, exc: Exception) -> WaiverFile:
    mark = getattr(exc, "problem_mark", None)
    return _broken(path, mark.line + 1 if mark else 1, f"waiver file is not valid YAML: {_first_line(exc)}",
                   "see the waiver format in docs/usage.md")


def _entry_nodes(root: Any) -> Optional[list[Any]]:
    """The nodes of the file's ``waivers:`` list (none when the key is absent or null); None unless the file is a
    mapping with such a list."""
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return None
    entries = _mapping(root).get("waivers")
    if entries is None:
        return []
    if isinstance(entries[1], yaml.SequenceNode):
        return list(entries[1].value)
    return [] if _is_null(entries[1]) else None


def _ignored_keys(path: str, fields: dict[str, tuple[Any, Any]], known: Sequence[str], where: str,
                  hint: str) -> list[Finding]:
    """A warning for each key of ``fields`` that is not ``known``: ``unknown {where} key '…' ignored``."""
    return [DD024.finding(path, _line(key), f"unknown {where} key '{name}' ignored", hint, severity=Severity.WARNING)
            for name, (key, _) in fields.items() if name not in known]


def _waiver(path: str, node: Any, findings: list[Finding]) -> Optional[Waiver]:
    """The waiver an entry of the file writes; None when it waives nothing. Its problems go to ``findings``."""
    import yaml

    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        findings.append(_error(path, line, "waiver entry is not a mapping",
                               "each entry has code, doc, reason, expires (and match, owner)"))
        return None
    fields = _mapping(node)
    findings.extend(_ignored_keys(path, fields, _REQUIRED + _OPTIONAL, "waiver",
                                  f"known keys: {', '.join(_REQUIRED + _OPTIONAL)}"))
    wrong = [name for name, (_, value) in fields.items() if not isinstance(value, yaml.ScalarNode)]
    if wrong:
        findings.append(_error(path, line, f"waiver {', '.join(wrong)} must be text: it waives nothing",
                               "write one value per key"))
        return None
    return _text_waiver(path, line, fields, findings)


def _text_waiver(path: str, line: int, fields: dict[str, tuple[Any, Any]],
                 findings: list[Finding]) -> Optional[Waiver]:
    """The waiver of an entry whose values are all text; None, with an error in ``findings``, when a required value
    is missing, the date is not one or the code is not a finding code."""
    values = {name: "" if _is_null(value) else str(value.value).strip() for name, (_, value) in fields.items()}
    missing = [name for name in _REQUIRED if not values.get(name)]
    if missing:
        findings.append(_error(path, line, f"waiver without {', '.join(missing)}: it waives nothing",
                               "every waiver needs code, doc, a reason and an expires date (YYYY-MM-DD)"))
        return None
    expires = iso_date(values["expires"])
    if expires is None:
        findings.append(_error(path, _line(fields["expires"][0]),
                               f"waiver expires {values['expires']!r} is not a date: it waives nothing",
                               "write the date as YYYY-MM-DD"))
        return None
    if not _CODE_PATTERN.match(values["code"]):
        findings.append(_error(path, _line(fields["code"][0]),
                               f"waiver code {values['code']!r} is not a finding code (DD001, DD010, …): it waives "
                               "nothing", "see the finding codes in the README"))
        return None
    return Waiver(code=values["code"], doc=values["doc"], reason=values["reason"], expires=expires.isoformat(),
                  path=path, line=line, match=values.get("match", ""), owner=values.get("owner", ""))


def iso_date(text: str) -> Optional[date]:
    """``YYYY-MM-DD`` as a date; None for anything else (``20990331`` and ``2099-W01-1`` too, which
    ``date.fromisoformat`` takes since Python 3.11)."""
    if not _DATE_PATTERN.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _mapping(node: Any) -> dict[str, tuple[Any, Any]]:
    """A mapping node's entries by key text: (key node, value node)."""
    return {str(getattr(key, "value", "")): (key, value) for key, value in node.value}


def _is_null(node: Any) -> bool:
    return bool(getattr(node, "tag", "").endswith(":null"))


def _line(node: Any) -> int:
    return int(node.start_mark.line) + 1


def _broken(path: str, line: int, message: str, hint: str) -> WaiverFile:
    return WaiverFile(path, findings=(_error(path, line, message, hint),))


def _error(path: str, line: int, message: str, hint: str) -> Finding:
    return DD024.finding(path, line, message, hint, severity=Severity.ERROR)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class WaiverJudge:
    """Applies the waivers to findings, remembering which waivers matched."""

    def __init__(self, waivers: Sequence[Waiver], today: date) -> None:
        self.waivers = tuple(waivers)
        self.today = today
        self.used: set[int] = set()

    def judge(self, key: str, finding: Finding, goal_text: str = "") -> Finding:
        """``finding`` of the doc ``key``, waived by a live waiver, or an error naming the expired one.

        ``match`` is looked for in the finding's file or test, the text of its goal, and its message.
        """
        if finding.severity not in (Severity.ERROR, Severity.WARNING):
            return finding
        matching = self._matching(key, finding, goal_text)
        if not matching:
            return finding
        self.used.update(matching)
        return self._verdict(finding, [self.waivers[index] for index in matching])

    def _matching(self, key: str, finding: Finding, goal_text: str) -> list[int]:
        """The indexes of the waivers of the finding's code and doc whose ``match`` (if any) its texts contain."""
        texts = [text for text in (finding.subject.file, finding.subject.test, goal_text) if text]
        texts.append(finding.message)
        return [index for index, waiver in enumerate(self.waivers)
                if waiver.code == finding.code and waiver.doc == key
                and (not waiver.match or any(waiver.match in text for text in texts))]

    def _verdict(self, finding: Finding, waivers: Sequence[Waiver]) -> Finding:
        """``finding`` waived by the first of ``waivers`` still live; if none is, an error naming the one that
        expired last."""
        live = [waiver for waiver in waivers if date.fromisoformat(waiver.expires) >= self.today]
        if live:
            return replace(finding, severity=Severity.WAIVED, waived=Waived(live[0], finding.severity))
        expired = max(waivers, key=lambda waiver: waiver.expires)
        return replace(finding, severity=Severity.ERROR,
                       message=f"{finding.message} (waiver {expired.where} expired on {expired.expires})",
                       hint=f"fix it, or renew the waiver at {expired.where} with a new reason and expires date")

    def stale(self, decided: Callable[[Waiver], Optional[str]]) -> list[Finding]:
        """A warning per waiver that matched nothing where this run could have produced its finding.

        ``decided`` returns why the waiver is stale ('' for the usual
        reason), or None when this run cannot tell.
        """
        findings = []
        for index, waiver in enumerate(self.waivers):
            if index in self.used:
                continue
            why = decided(waiver)
            if why is None:
                continue
            match = f" matching '{waiver.match}'" if waiver.match else ""
            findings.append(DD024.finding(waiver.path, waiver.line,
                                          f"stale waiver: {waiver.code} in {waiver.doc}{match} matches no finding{why}",
                                          "remove it: the finding it waived is gone", severity=Severity.WARNING))
        return findings


def apply_to_report(report: Report, waivers: WaiverFile, today: date,
                    unchecked_keys: frozenset[str] = frozenset(), *, stale: bool = True) -> Report:
    """``report`` with the waivers applied, their stale ones and the waiver file's problems added.

    ``unchecked_keys``: docs this run did not check (``--designdoc-select``); their waivers are not stale.
    ``stale=False``: this run cannot call any waiver stale (a job writing shard evidence).
    """
    judge = WaiverJudge(waivers.waivers, today)
    docs = []
    for result in report.docs:
        findings = tuple(judge.judge(result.doc.key, finding, _goal_text(result, finding.subject))
                         for finding in result.findings)
        docs.append(replace(result, findings=findings))
    by_key = {result.doc.key: result for result in report.docs}

    def decided(waiver: Waiver) -> Optional[str]:
        result = by_key.get(waiver.doc)
        if result is None:
            return None if waiver.doc in unchecked_keys else f" (no checked doc has the key '{waiver.doc}')"
        ran = all(goal.status is not GoalStatus.NOT_RUN for row in result.rows for goal in row.goals) and all(
            test_file.selected or not test_file.exists for row in result.rows for test_file in row.test_files)
        return "" if waiver.code not in RUNTIME_CODES or ran else None

    extra = tuple(waivers.findings) + (tuple(judge.stale(decided)) if stale else ())
    return replace(report, docs=tuple(docs), findings=tuple(report.findings) + extra)


def apply_to_lint(findings: Sequence[Finding], keys_by_path: dict[str, str], waivers: WaiverFile,
                  today: date) -> list[Finding]:
    """``designdoc lint``'s findings with the waivers applied; only waivers of static codes can be stale."""
    judge = WaiverJudge(waivers.waivers, today)
    judged = [judge.judge(keys_by_path[f.path], f) if f.path in keys_by_path else f for f in findings]
    known = set(keys_by_path.values())

    def decided(waiver: Waiver) -> Optional[str]:
        if waiver.doc not in known:
            return f" (no doc has the key '{waiver.doc}')"
        return None if waiver.code in RUNTIME_CODES else ""

    return sorted([*judged, *waivers.findings, *judge.stale(decided)], key=lambda f: f.sort_key)


def applied(report: Report, root: str, path: str, *, unchecked_keys: frozenset[str] = frozenset(),
            stale: bool = True) -> Report:
    """``report`` with the waiver file ``path`` (rootdir-relative, under the real ``root``) applied as of today."""
    return apply_to_report(report, load(root, path), today_utc(), unchecked_keys, stale=stale)


def _goal_text(result: DocResult, subject: Subject) -> str:
    if subject.row is None or subject.goal is None or subject.row >= len(result.rows):
        return ""
    goals = result.rows[subject.row].goals
    return goals[subject.goal].goal.text if subject.goal < len(goals) else ""


@dataclass(frozen=True)
class Current:
    """A finding to baseline: its doc's key and, for a goal's finding, the goal's text."""

    key: str
    finding: Finding
    goal_text: str = ""
    each_file: bool = False
    """The goal is checked for every file apart (``each file ≥ 80%``): its findings differ by file."""

    @property
    def match(self) -> str:
        """What a new waiver for it matches: its Files entry or test path, its goal, or its message.

        A shortfall of an ``each file`` goal is matched by its file (``of src/a.py``): waiving the goal's
        text would waive every other file's shortfall of that goal too, the ones that come later included.
        """
        subject = self.finding.subject
        if self.each_file and self.finding.code == DD010.code and " of " in self.finding.message:
            return "of " + self.finding.message.rsplit(" of ", 1)[1]
        return subject.file or subject.test or self.goal_text or self.finding.message


@dataclass(frozen=True)
class Baseline:
    waivers: tuple[Waiver, ...]
    kept: int
    added: int
    removed: int


def baseline(current: Sequence[Current], existing: Sequence[Waiver], *, reason: str, expires: date, owner: str,
             path: str, undecidable: Callable[[Waiver], bool] = lambda waiver: False) -> Baseline:
    """The waiver file's new entries: the existing waivers that still match, untouched, and one per new finding.

    A finding an existing waiver matches (live or expired) gets no new one, so
    re-running never widens or renews a waiver; waivers that match nothing
    are dropped unless ``undecidable`` says this source cannot tell.
    """
    judge = WaiverJudge(existing, date.min)
    added: dict[tuple[str, str, str], Waiver] = {}
    for entry in current:
        finding = entry.finding
        if finding.severity not in (Severity.ERROR, Severity.WARNING):
            continue
        if judge.judge(entry.key, finding, entry.goal_text) is not finding:
            continue
        match = entry.match
        added.setdefault((entry.key, finding.code, match), Waiver(
            code=finding.code, doc=entry.key, reason=reason, expires=expires.isoformat(), path=path, line=0,
            match=match, owner=owner))
    kept = [waiver for index, waiver in enumerate(existing) if index in judge.used or undecidable(waiver)]
    waivers = sorted([*kept, *added.values()], key=lambda w: (w.doc, w.code, w.match, w.expires))
    return Baseline(tuple(waivers), len(kept), len(added), len(existing) - len(kept))


def dump(waivers: Sequence[Waiver]) -> str:
    """The waiver file's text, one entry per waiver in the given order."""
    import yaml

    entries = []
    for waiver in waivers:
        entry = {"code": waiver.code, "doc": waiver.doc}
        if waiver.match:
            entry["match"] = waiver.match
        entry["reason"] = waiver.reason
        if waiver.owner:
            entry["owner"] = waiver.owner
        entry["expires"] = waiver.expires
        entries.append(entry)
    header = ("# Accepted design-doc findings (pytest-designdoc waivers). Each one fails the run again after its\n"
              "# expires date; fix the finding and delete its entry. Written by: designdoc baseline\n")
    body: str = yaml.safe_dump({"waivers": entries}, sort_keys=False, allow_unicode=True, width=10_000)
    return header + body


def today_utc() -> date:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).date()
