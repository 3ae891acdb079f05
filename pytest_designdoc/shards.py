"""Sharded CI (SPEC §5a): what one job writes (``--designdoc-evidence``), and merging jobs into one run.

A job's evidence is the collection and outcomes of its tests (node ids,
relative to rootdir), the sha256 of each doc it read, and its coverage
data with the row contexts, serialised by coverage.py
(``CoverageData.dumps()``). ``designdoc merge`` reads the evidence of every
job, combines the outcomes (a test that ran anywhere ran; the worst outcome
wins) and the coverage data (paths remapped from each job's rootdir and
through the project's ``[paths]``), and evaluates once.

A job also records what proves the jobs complete (SPEC §7, Shards): the git
commit it ran on, its ``--designdoc-shard K/N``, and its collection's
fingerprint (the sha256 of every test id collected, before any deselection,
so the same in every job of one suite). :class:`CompletenessCheck` reads the
jobs one at a time, keeping what the check needs (one collection per distinct
fingerprint, which job ran each test), not the jobs' evidence.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence, cast

from .codes import DD025
from .evidence_file import (
    CollectionData,
    CoverageEvidenceData,
    EvidenceFileData,
    ImportGraphData,
    RunData,
    ShardNumberData,
)
from .model import Finding
from .record import RunRecord, RunRecorder
from .safepath import size_text
from .settings import MAX_SHARDS

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
    commit: Optional[str] = None
    """The git commit the job ran on (None: no git there, or older evidence)."""
    number: Optional[tuple[int, int]] = None
    """``--designdoc-shard K/N`` as ``(K, N)``."""
    collection: Optional[CollectionData] = None
    """None: evidence older than the completeness checks."""

    def without_run(self) -> Shard:
        """The job without its test ids (merged already) and its coverage data's text (decoded as ``payload``):
        what the coverage merge still needs."""
        coverage = None if self.coverage is None else cast(CoverageEvidenceData, {**self.coverage, "data": None})
        return replace(self, run=cast(RunData, {}), coverage=coverage)


def fingerprint(nodeids: Iterable[str]) -> str:
    """sha256 of the sorted test ids, each followed by a newline."""
    ordered = sorted(nodeids)
    text = "\n".join(ordered) + "\n" if ordered else ""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def collected_ids(run: RunData) -> set[str]:
    """Every test the job collected, run or deselected (an evidence file's selected leaves out those with outcomes)."""
    return {*run.get("selected", ()), *run.get("deselected", ()), *run.get("outcomes", {})}


def collection_data(nodeids: Iterable[str], args: Sequence[str]) -> CollectionData:
    ids = set(nodeids)
    return {"fingerprint": fingerprint(ids), "tests": len(ids), "args": sorted(args)}


def evidence_data(*, rootdir: str, created: str, scope: str, docs: dict[str, str], run: RunData,
                  outcome: Optional[CoverageOutcome], figures: Optional[CoverageAnalysis],
                  targets: Sequence[str], commit: Optional[str] = None,
                  shard: Optional[tuple[int, int]] = None, args: Sequence[str] = ()) -> EvidenceFileData:
    """One job's evidence file, as JSON data; its collection is that of ``run`` (collected from ``args``)."""
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
    number: Optional[ShardNumberData] = None if shard is None else {"index": shard[0], "count": shard[1]}
    return {"schema": SCHEMA, "created": created, "rootdir": rootdir, "coverage_scope": scope,
            "docs": dict(sorted(docs.items())), "run": run, "coverage": coverage, "commit": commit,
            "shard": number, "collection": collection_data(collected_ids(run), args)}


def read(path: str) -> Shard:
    """The evidence file ``path``, every field checked before anything uses it; EvidenceError names the field."""
    from .fileio import load_versioned
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
    return Shard(path, data["rootdir"], data["coverage_scope"], data["docs"], data["run"], coverage, payload,
                 _commit(path, data), _number(path, data), _collection(path, data))


_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def _invalid(path: str, what: str) -> EvidenceError:
    return EvidenceError(f"{path} is not a valid {SCHEMA} file: {what}")


def _commit(path: str, data: EvidenceFileData) -> Optional[str]:
    from .shape import key_text

    commit = data.get("commit")
    if commit is not None and not _COMMIT.fullmatch(commit):
        raise _invalid(path, f"commit {key_text(commit)} is not a git commit id (40 or 64 hex digits)")
    return commit


def _number(path: str, data: EvidenceFileData) -> Optional[tuple[int, int]]:
    number = data.get("shard")
    if number is None:
        return None
    index, count = number["index"], number["count"]
    if not 1 <= count <= MAX_SHARDS:
        raise _invalid(path, f"shard.count {count} is not 1 to {MAX_SHARDS}")
    if not 1 <= index <= count:
        raise _invalid(path, f"shard.index {index} is not 1 to shard.count ({count})")
    return index, count


def _collection(path: str, data: EvidenceFileData) -> Optional[CollectionData]:
    collection = data.get("collection")
    if collection is None:
        return None
    ids = collected_ids(data["run"])
    if collection["tests"] != len(ids):
        raise _invalid(path, f"collection.tests {collection['tests']} is not the number of test ids in run "
                             f"({len(ids)})")
    if collection["fingerprint"] != fingerprint(ids):
        raise _invalid(path, "collection.fingerprint is not the sha256 of the test ids in run (the file was edited, "
                             "or cut short)")
    return collection


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


def merged_test_run(shards: Sequence[Shard]) -> RunRecord:
    recorder = RunRecorder()
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
    from .measure import CoverageOutcome, own_coverage

    measured = [job for job in shards if job.coverage is not None]
    coverages = [job.coverage for job in shards if job.coverage is not None]
    if not coverages:
        return CoverageOutcome("alone", problem="no job measured coverage",
                               hint="run the jobs with pytest --designdoc --designdoc-evidence PATH")
    source = sorted(coverage["source"] for coverage in coverages)[0]
    problem = _jobs_problem(measured, coverages)
    if problem:
        return CoverageOutcome(source, problem=problem[0], hint=problem[1])
    analyser, user_branch = own_coverage(root, targets, needs_branches, None)
    merged = _combined(measured, analyser, root)
    if isinstance(merged, tuple):
        return CoverageOutcome(source, problem=merged[0], hint=merged[1])
    return CoverageOutcome(source, merged, analyser, **_pooled(coverages, counts_branches=user_branch))


def _jobs_problem(measured: Sequence[Shard], coverages: Sequence[Mapping[str, Any]]) -> Optional[tuple[str, str]]:
    """What kept the jobs from measuring, job by job, and the first job's hint; None when they all measured."""
    problems = [(f"{job.path}: {coverage['problem']}", coverage["hint"]) for job, coverage in zip(measured, coverages)
                if coverage["problem"]]
    if not problems:
        return None
    return "; ".join(problem for problem, _ in problems), problems[0][1]


def _pooled(coverages: Sequence[Mapping[str, Any]], *, counts_branches: bool) -> dict[str, Any]:
    """What the jobs' coverage records say together: the rest of the merged outcome.

    ``counts_branches``: the project's configuration counts branches whatever the jobs did.
    """
    from .contexts import ImportGraph

    unmeasurable: dict[str, tuple[str, str]] = {}
    imports = ImportGraph()
    for coverage in coverages:
        for target, (message, hint) in coverage["unmeasurable"].items():
            unmeasurable.setdefault(target, (message, hint))
        imports.merge(coverage.get("imports", {}))
    return {"count_branches": counts_branches or any(coverage["count_branches"] for coverage in coverages),
            "per_test_contexts": any(coverage["per_test_contexts"] for coverage in coverages),
            "tainted": frozenset(target for coverage in coverages for target in coverage["tainted"]),
            "preimported": frozenset.intersection(*(frozenset(coverage["preimported"]) for coverage in coverages)),
            "unmeasurable": unmeasurable, "imports": imports}


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


# completeness (SPEC §7, Shards) -----------------------------------------------------------------------------

SHOWN = 5
"""How many test ids or shard numbers a message names before it says how many more."""


@dataclass(frozen=True)
class Completeness:
    """What the merge proved about the jobs: each problem makes it incomplete; a warning says what it could not check."""

    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    jobs: int = 0
    tests: int = 0
    """Tests in the jobs' collection (0 when it could not be checked)."""

    @property
    def incomplete(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class _Job:
    path: str
    commit: Optional[str]
    number: Optional[tuple[int, int]]
    fingerprint: Optional[str]
    tests: int
    args: tuple[str, ...]


class CompletenessCheck:
    """Fed the jobs one at a time (:meth:`add`); :meth:`result` names missing, duplicate and stale shards,
    tests that ran in no job and tests that ran in two.

    It keeps one set of test ids per distinct collection (one, when the jobs
    are of one suite) and which job ran each test: memory grows with the
    suite, not with the number of jobs.
    """

    def __init__(self) -> None:
        self._jobs: list[_Job] = []
        self._collections: dict[str, frozenset[str]] = {}
        self._ran_in: dict[str, int] = {}
        """Test id → the first job that ran it."""
        self._twice: dict[str, tuple[int, int]] = {}
        """Test id → the first two jobs that ran it."""

    def add(self, job: Shard) -> None:
        index = len(self._jobs)
        collection = job.collection
        if collection is not None and collection["fingerprint"] not in self._collections:
            self._collections[collection["fingerprint"]] = frozenset(collected_ids(job.run))
        self._jobs.append(_Job(job.path, job.commit, job.number, collection["fingerprint"] if collection else None,
                               collection["tests"] if collection else 0,
                               tuple(collection["args"]) if collection else ()))
        for nodeid in job.run.get("outcomes", {}):
            first = self._ran_in.setdefault(nodeid, index)
            if first != index:
                self._twice.setdefault(nodeid, (first, index))

    def result(self) -> Completeness:
        jobs = self._jobs
        older = [job.path for job in jobs if job.fingerprint is None]
        if older:
            return Completeness(warnings=(
                f"completeness could not be checked: {_names(older)} {'holds' if len(older) == 1 else 'hold'} "
                "evidence written before pytest-designdoc recorded the collection, commit and shard (write "
                "it again with this version)",), jobs=len(jobs))
        problems: list[str] = []
        warnings: list[str] = []
        self._numbers(problems)
        self._commits(problems, warnings)
        collected = self._fingerprints(problems, warnings)
        not_run = sorted(collected - self._ran_in.keys())
        if not_run:
            problems.append(f"{_count(len(not_run), 'test')} collected ran in no job: {_listed(not_run)} (a test every "
                            "job deselects counts too: leave a test out of the suite with --ignore or collect_ignore, "
                            "in every job)")
        if self._twice:
            twice = sorted(self._twice.items())
            shown = [f"{nodeid} ({jobs[first].path}, {jobs[second].path})" for nodeid, (first, second) in
                     twice[:SHOWN]]
            more = f" and {len(twice) - SHOWN:,} more" if len(twice) > SHOWN else ""
            problems.append(f"{_count(len(twice), 'test')} ran in two jobs: {', '.join(shown)}{more}")
        return Completeness(tuple(problems), tuple(warnings), len(jobs), len(collected))

    def _numbers(self, problems: list[str]) -> None:
        numbered = [(job.path, job.number) for job in self._jobs if job.number is not None]
        if not numbered:
            return
        unnumbered = [job.path for job in self._jobs if job.number is None]
        if unnumbered:
            problems.append(f"{_names(unnumbered)} named no shard while the other jobs did (give every job "
                            "--designdoc-shard K/N)")
        counts = [count for _, (_, count) in numbered]
        if len(set(counts)) > 1:
            problems.append(_disagreeing_counts(numbered))
        problems.extend(_shard_gaps(numbered, _majority(counts)))

    def _commits(self, problems: list[str], warnings: list[str]) -> None:
        known = [(job.path, job.commit) for job in self._jobs if job.commit is not None]
        unknown = [job.path for job in self._jobs if job.commit is None]
        if not known:
            warnings.append("no job recorded a git commit (no git where they ran): stale jobs are found by their "
                            "collection only")
            return
        if unknown:
            where = "it" if len(unknown) == 1 else "they"
            warnings.append(f"{_names(unknown)} recorded no git commit (no git where {where} ran): not compared with "
                            "the others' commit")
        problems.extend(_stale_commits(known))

    def _fingerprints(self, problems: list[str], warnings: list[str]) -> frozenset[str]:
        """Stale jobs by collection (among jobs collecting from the same paths); the tests the jobs collected."""
        groups: dict[tuple[str, ...], list[_Job]] = {}
        for job in self._jobs:
            groups.setdefault(job.args, []).append(job)
        if len(groups) > 1:
            warnings.append(_different_paths(list(groups)))
        collected: set[str] = set()
        for members in groups.values():
            prints = [job.fingerprint for job in members]
            reference = _majority(prints)
            collected.update(self._collections[reference])
            stale = [job for job in members if job.fingerprint != reference]
            if stale:
                problems.append(_stale_collection(members, stale, reference))
        return frozenset(collected)


def _disagreeing_counts(numbered: Sequence[tuple[str, tuple[int, int]]]) -> str:
    counts = dict.fromkeys(count for _, (_, count) in numbered)
    return "the jobs disagree on the number of shards: " + "; ".join(
        f"{n} in {_names([path for path, (_, count) in numbered if count == n])}" for n in counts)


def _shard_gaps(numbered: Sequence[tuple[str, tuple[int, int]]], count: int) -> list[str]:
    """The duplicated and missing shards among the jobs numbered K/``count``."""
    by_index: dict[int, list[str]] = {}
    for path, (index, of) in numbered:
        if of == count:
            by_index.setdefault(index, []).append(path)
    problems = [f"shard {index}/{count} is duplicated: {_names(paths)}"
                for index, paths in sorted(by_index.items()) if len(paths) > 1]
    missing = [index for index in range(1, count + 1) if index not in by_index]
    if missing:
        problems.append(f"{_count(len(missing), 'shard')} of {count} missing: {_ranges(missing)}")
    return problems


def _stale_commits(known: Sequence[tuple[str, str]]) -> list[str]:
    """A problem per commit other than the one most jobs ran on."""
    commits = [commit for _, commit in known]
    commit = _majority(commits)
    stale = [(path, other) for path, other in known if other != commit]
    return [f"stale: {_names([path for path, other in stale if other == stale_commit])} ran on commit "
            f"{stale_commit[:12]}, {_count(len(known) - len(stale), 'job')} on {commit[:12]}"
            for stale_commit in dict.fromkeys(other for _, other in stale)]


def _different_paths(argses: Sequence[tuple[str, ...]]) -> str:
    shown = "; ".join(" ".join(args) or "the default" for args in argses[:SHOWN])
    more = "; …" if len(argses) > SHOWN else ""
    return (f"the jobs collected from different paths ({shown}{more}): the merge checks the tests they collected, "
            "not that their paths cover the suite (collect the whole suite in every job and deselect a share, as "
            "pytest-split does, to have that proven)")


def _stale_collection(members: Sequence[_Job], stale: Sequence[_Job], reference: str) -> str:
    tests = next(job.tests for job in members if job.fingerprint == reference)
    return (f"stale: {_names([job.path for job in stale])} collected another suite than "
            f"{_count(len(members) - len(stale), 'job')} ({_count(tests, 'test')}, fingerprint {reference[:12]}): "
            + "; ".join(f"{job.path} {_count(job.tests, 'test')}, {(job.fingerprint or '')[:12]}"
                        for job in stale[:SHOWN]))


def _majority(values: Sequence[Any]) -> Any:
    """The most common of ``values``; between equals, the first (the files are in the order given)."""
    counts = Counter(values)
    top = max(counts.values())
    return next(value for value in values if counts[value] == top)


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _names(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:SHOWN])
    return shown + (f" and {len(paths) - SHOWN:,} more" if len(paths) > SHOWN else "")


def _listed(nodeids: Sequence[str]) -> str:
    return _names(nodeids)


def _ranges(numbers: Sequence[int]) -> str:
    """``1, 4-7, 9`` for the sorted ``numbers``."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def read_jobs(paths: Sequence[str]) -> tuple[list[Shard], RunRecord, Completeness]:
    """The jobs' evidence, read one file at a time: the jobs (without their test ids), the merged run record and
    the completeness check. EvidenceError names a file that cannot be used."""
    recorder = RunRecorder()
    check = CompletenessCheck()
    jobs = []
    for path in paths:
        job = read(path)
        recorder.merge_payload(job.run)
        check.add(job)
        jobs.append(job.without_run())
    return jobs, recorder.freeze(), check.result()
