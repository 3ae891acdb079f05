"""Sharded CI (SPEC §5a): what one job writes (``--designdoc-evidence``), and merging jobs into one run.

A job's evidence is the collection and outcomes of its tests (node ids,
relative to rootdir), the sha256 of each doc it read, and its coverage
data with the row contexts, serialised by coverage.py
(``CoverageData.dumps()``). ``designdoc merge`` reads the evidence of every
job, combines the outcomes (a test that ran anywhere ran; the worst outcome
wins) and the coverage data (paths remapped from each job's rootdir and
through the project's ``[paths]``), and evaluates once.
"""

from __future__ import annotations

import base64
import binascii
import os
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, cast

from .evidence import Evidence, EvidenceRecorder
from .evidence_data import CoverageEvidenceData, EvidenceFileData, ImportGraphData, RunData
from .codes import DD025
from .model import Finding
from .safepath import size_text

if TYPE_CHECKING:
    from coverage import CoverageData

    from .figures import CoverageAnalysis
    from .measure import CoverageOutcome

SCHEMA = "pytest-designdoc/evidence/v1"
MAX_COVERAGE_SCRIPT_BYTES = 256 * 1024 * 1024
"""The most a job's coverage data may decompress to: a zlib bomb stops here, not at the end of memory."""


class EvidenceError(Exception):
    """An evidence file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Shard:
    path: str
    """The evidence file, as given."""
    rootdir: str
    scope: str
    docs: dict[str, str]
    """Doc path → sha256 of the doc the job read."""
    run: RunData
    """The job's evidence recorder payload, outcomes included."""
    coverage: Optional[CoverageEvidenceData]
    payload: Optional[bytes] = None
    """``coverage.data`` decoded and checked: what ``CoverageData.loads`` may be given."""


def evidence_data(*, rootdir: str, created: str, scope: str, docs: dict[str, str], run: RunData,
                  outcome: Optional[CoverageOutcome], figures: Optional[CoverageAnalysis],
                  targets: Sequence[str]) -> EvidenceFileData:
    """One job's evidence file, as JSON data."""
    coverage: Optional[CoverageEvidenceData] = None
    if outcome is not None:
        from .measure import quiet

        with quiet():
            payload = outcome.data.dumps() if outcome.data is not None else None
        unmeasurable = {} if figures is None else {
            target: reason for target in sorted(targets) if (reason := figures.unmeasurable(target))}
        coverage = {
            "source": outcome.source,
            "problem": outcome.problem,
            "hint": outcome.hint,
            "count_branches": outcome.count_branches,
            "per_test_contexts": outcome.per_test_contexts,
            "tainted": sorted(outcome.tainted),
            "preimported": sorted(outcome.preimported),
            "imports": cast(ImportGraphData, outcome.imports.payload()),
            "unmeasurable": unmeasurable,
            "data": base64.b64encode(payload).decode("ascii") if payload is not None else None,
        }
    return {"schema": SCHEMA, "created": created, "rootdir": rootdir, "coverage_scope": scope,
            "docs": dict(sorted(docs.items())), "run": run, "coverage": coverage}


def read(path: str) -> Shard:
    """The evidence file ``path``, every field checked before anything uses it; EvidenceError names the field."""
    from .report.json import load_versioned
    from .shape import problem

    try:
        data = load_versioned(path, SCHEMA, "file", lambda data: problem(data, EvidenceFileData, ""),
                              hint="write it with pytest --designdoc --designdoc-evidence PATH")
    except ValueError as exc:
        raise EvidenceError(str(exc)) from None
    return shard(path, data)  # type: ignore[arg-type]


def shard(path: str, data: EvidenceFileData) -> Shard:
    """A job's evidence (checked against :class:`EvidenceFileData`), its coverage data decoded and checked."""
    if not os.path.isabs(data["rootdir"]):
        raise EvidenceError(f"{path} is not a valid {SCHEMA} file: rootdir {data['rootdir']!r} is not an absolute path")
    coverage = data["coverage"]
    payload = None
    if coverage is not None and coverage["data"] is not None:
        try:
            payload = coverage_payload(coverage["data"])
        except ValueError as exc:
            raise EvidenceError(f"{path} is not a valid {SCHEMA} file: coverage.data {exc}") from None
    return Shard(path, data["rootdir"], data["coverage_scope"], data["docs"], data["run"], coverage, payload)


def coverage_payload(text: str) -> bytes:
    """``CoverageData.dumps()`` bytes from their base64 ``text``, checked before coverage.py sees them.

    ``dumps()`` is ``b"z"`` and the zlib of a SQL script that rebuilds the
    data; ``loads()`` decompresses it whole and runs the script. So the
    script is decompressed here with a bound, and run first in a scratch
    in-memory database that allows only what such a dump does (create
    tables and indexes, insert rows): no ``ATTACH``, ``VACUUM INTO``,
    ``PRAGMA``, trigger or function, nothing that reads or writes a file.
    ValueError says what is wrong.
    """
    try:
        payload = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not base64") from None
    if payload[:1] != b"z":
        raise ValueError("is not coverage.py's serialised data (CoverageData.dumps())")
    stream = zlib.decompressobj()
    try:
        script = stream.decompress(payload[1:], MAX_COVERAGE_SCRIPT_BYTES + 1)
    except zlib.error as exc:
        raise ValueError(f"is not zlib data ({exc})") from None
    if len(script) > MAX_COVERAGE_SCRIPT_BYTES:
        raise ValueError(f"decompresses to more than {size_text(MAX_COVERAGE_SCRIPT_BYTES)}")
    if not stream.eof or stream.unused_data:
        raise ValueError("is not one whole zlib stream")
    try:
        _dry_run(script.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("is not a SQL script (not UTF-8)") from None
    return payload


def _dry_run(script: str) -> None:
    import sqlite3

    connection = sqlite3.connect(":memory:")
    try:
        connection.set_authorizer(_what_a_dump_does)
        connection.executescript(script)
    except sqlite3.Error as exc:
        raise ValueError(f"is not coverage.py's SQLite data ({exc})") from None
    finally:
        connection.close()


def _what_a_dump_does(action: int, first: Optional[str], second: Optional[str], database: Optional[str],
                      trigger: Optional[str]) -> int:
    """SQLite authorizer: the statements ``Connection.iterdump()`` writes, and nothing else."""
    import sqlite3

    allowed = {sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_CREATE_TABLE, sqlite3.SQLITE_CREATE_INDEX,
               sqlite3.SQLITE_INSERT, sqlite3.SQLITE_DELETE, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_READ}
    if action in allowed and database in (None, "main") and trigger is None:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and first == "foreign_keys" and second is not None:
        return sqlite3.SQLITE_OK  # iterdump's "PRAGMA foreign_keys=OFF;" (Python 3.13)
    return sqlite3.SQLITE_DENY


def merged_evidence(shards: Sequence[Shard]) -> Evidence:
    recorder = EvidenceRecorder()
    for job in shards:
        recorder.merge_payload(job.run)
    return recorder.freeze()


def changed_docs(shards: Sequence[Shard], current: Mapping[str, str]) -> list[Finding]:
    """A warning per doc that differs between a job and the merge (the docs changed between them)."""
    findings = []
    for path, sha256 in sorted(current.items()):
        differs = [shard.path for shard in shards if shard.docs.get(path) != sha256]
        if differs:
            findings.append(DD025.finding(
                path, 1, f"the doc differs from the one {', '.join(differs)} ran against (changed between the jobs and "
                "the merge, or new)", "run the jobs and the merge on the same commit"))
    return findings


def merged_outcome(shards: Sequence[Shard], root: str, targets: Sequence[str], *,
                   needs_branches: bool) -> CoverageOutcome:
    """The jobs' coverage as one outcome, analysed with the project's configuration under ``root``."""
    from .contexts import ImportGraph
    from .measure import CoverageOutcome, own_coverage

    measured = [job for job in shards if job.coverage is not None]
    coverages = [job.coverage for job in shards if job.coverage is not None]
    if not coverages:
        return CoverageOutcome("alone", problem="no job measured coverage",
                               hint="run the jobs with pytest --designdoc --designdoc-evidence PATH")
    source = sorted(coverage["source"] for coverage in coverages)[0]
    problems = [(f"{job.path}: {coverage['problem']}", coverage["hint"]) for job, coverage in zip(measured, coverages)
                if coverage["problem"]]
    if problems:
        return CoverageOutcome(source, problem="; ".join(problem for problem, _ in problems), hint=problems[0][1])
    analyser, user_branch = own_coverage(root, targets, needs_branches, None)
    merged = _combined(measured, analyser, root)
    if isinstance(merged, tuple):
        return CoverageOutcome(source, problem=merged[0], hint=merged[1])
    unmeasurable: dict[str, tuple[str, str]] = {}
    imports = ImportGraph()
    for coverage in coverages:
        for target, (message, hint) in coverage["unmeasurable"].items():
            unmeasurable.setdefault(target, (message, hint))
        imports.merge(coverage.get("imports", {}))
    return CoverageOutcome(
        source, merged, analyser,
        count_branches=user_branch or any(c["count_branches"] for c in coverages),
        per_test_contexts=any(c["per_test_contexts"] for c in coverages),
        tainted=frozenset(t for c in coverages for t in c["tainted"]),
        preimported=frozenset.intersection(*(frozenset(c["preimported"]) for c in coverages)),
        unmeasurable=unmeasurable, imports=imports)


def _combined(measured: Sequence[Shard], analyser: Any, root: str) -> CoverageData | tuple[str, str]:
    """The jobs' data in one CoverageData, paths remapped; or the problem and its hint."""
    import sqlite3

    from coverage import CoverageData
    from coverage.exceptions import CoverageException

    from .compat import close_data
    from .measure import quiet

    parts: list[tuple[Shard, CoverageData]] = []
    merged = CoverageData(no_disk=True)
    try:
        with quiet():
            for job in measured:
                if job.payload is not None:
                    part = CoverageData(no_disk=True)
                    parts.append((job, part))
                    part.loads(job.payload)
            branches = {job.path: bool(part.has_arcs()) for job, part in parts}
            if len(set(branches.values())) > 1:
                close_data(merged)
                return ("the jobs measured differently: " + ", ".join(
                    f"{path} {'branches' if arcs else 'lines only'}" for path, arcs in branches.items()),
                    "measure every job the same way (all with --cov-branch / [run] branch, or none)")
            for job, part in parts:
                merged.update(part, map_path=_aliases(analyser, job.rootdir, root).map)
            return merged
    except (CoverageException, sqlite3.Error, ValueError, TypeError) as exc:
        close_data(merged)
        return (f"the jobs' coverage data does not merge ({exc})",
                "write the evidence again with this version of coverage.py")
    finally:
        for _, part in parts:
            close_data(part)


def _aliases(analyser: Any, job_root: str, root: str) -> Any:
    """The job's rootdir as this one, then the project's ``[paths]`` (as ``coverage combine`` reads them)."""
    from coverage.files import PathAliases

    aliases = PathAliases(relative=bool(analyser.config.relative_files))
    if os.path.normcase(job_root) != os.path.normcase(root):
        aliases.add(job_root, root)
    for paths in analyser.config.paths.values():
        for pattern in paths[1:]:
            aliases.add(pattern, paths[0])
    return aliases
