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
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence

from .evidence import Evidence, EvidenceRecorder
from .model import Finding, Severity

if TYPE_CHECKING:
    from coverage import CoverageData

    from .figures import CoverageAnalysis
    from .measure import CoverageOutcome

SCHEMA = "pytest-designdoc/evidence/v1"
CODE = "DD025"


class EvidenceError(Exception):
    """An evidence file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Shard:
    path: str
    """The evidence file, as given."""
    rootdir: str
    scope: str
    docs: Mapping[str, str]
    """Doc path → sha256 of the doc the job read."""
    run: Mapping[str, Any]
    """The job's evidence recorder payload, outcomes included."""
    coverage: Optional[Mapping[str, Any]]


def evidence_data(*, rootdir: str, created: str, scope: str, docs: Mapping[str, str], run: Mapping[str, Any],
                  outcome: Optional[CoverageOutcome], figures: Optional[CoverageAnalysis],
                  targets: Sequence[str]) -> dict[str, Any]:
    """One job's evidence file, as JSON data."""
    coverage: Optional[dict[str, Any]] = None
    if outcome is not None:
        from .measure import quiet

        with quiet():
            payload = outcome.data.dumps() if outcome.data is not None else None
        unmeasurable = {} if figures is None else {
            target: list(reason) for target in sorted(targets) if (reason := figures.unmeasurable(target))}
        coverage = {
            "source": outcome.source,
            "problem": outcome.problem,
            "hint": outcome.hint,
            "count_branches": outcome.count_branches,
            "per_test_contexts": outcome.per_test_contexts,
            "tainted": sorted(outcome.tainted),
            "preimported": sorted(outcome.preimported),
            "unmeasurable": unmeasurable,
            "data": base64.b64encode(payload).decode("ascii") if payload is not None else None,
        }
    return {"schema": SCHEMA, "created": created, "rootdir": rootdir, "coverage_scope": scope,
            "docs": dict(sorted(docs.items())), "run": dict(run), "coverage": coverage}


def read(path: str) -> Shard:
    from .report.json import load_versioned

    try:
        data = load_versioned(path, SCHEMA, "file (write it with pytest --designdoc --designdoc-evidence)")
    except ValueError as exc:
        raise EvidenceError(str(exc)) from None
    try:
        return Shard(path, str(data["rootdir"]), str(data["coverage_scope"]), dict(data["docs"]), dict(data["run"]),
                     data["coverage"])
    except (KeyError, TypeError, ValueError) as exc:
        raise EvidenceError(f"{path} is incomplete ({exc!r})") from exc


def merged_evidence(shards: Sequence[Shard]) -> Evidence:
    recorder = EvidenceRecorder()
    for shard in shards:
        try:
            recorder.merge_payload(dict(shard.run))
        except (KeyError, TypeError, ValueError) as exc:
            raise EvidenceError(f"{shard.path}: its test evidence is incomplete ({exc!r})") from exc
    return recorder.freeze()


def changed_docs(shards: Sequence[Shard], current: Mapping[str, str]) -> list[Finding]:
    """A warning per doc that differs between a job and the merge (the docs changed between them)."""
    findings = []
    for path, sha256 in sorted(current.items()):
        differs = [shard.path for shard in shards if shard.docs.get(path) != sha256]
        if differs:
            findings.append(Finding(
                CODE, Severity.WARNING, path, 1,
                f"the doc differs from the one {', '.join(differs)} ran against (changed between the jobs and the "
                "merge, or new)", "run the jobs and the merge on the same commit"))
    return findings


def merged_outcome(shards: Sequence[Shard], root: str, targets: Sequence[str], *,
                   needs_branches: bool) -> CoverageOutcome:
    """The jobs' coverage as one outcome, analysed with the project's configuration under ``root``."""
    from .measure import CoverageOutcome, _own_coverage

    measured = [(shard, shard.coverage) for shard in shards if shard.coverage is not None]
    if not measured:
        return CoverageOutcome("alone", problem="no job measured coverage",
                               hint="run the jobs with pytest --designdoc --designdoc-evidence PATH")
    source = sorted(str(coverage["source"]) for _, coverage in measured)[0]
    problems = [(f"{shard.path}: {coverage['problem']}", str(coverage.get("hint", ""))) for shard, coverage in measured
                if coverage.get("problem")]
    if problems:
        return CoverageOutcome(source, problem="; ".join(problem for problem, _ in problems), hint=problems[0][1])
    analyser, user_branch = _own_coverage(root, targets, needs_branches, None)
    merged = _combined([(shard, coverage) for shard, coverage in measured], analyser, root)
    if isinstance(merged, tuple):
        return CoverageOutcome(source, problem=merged[0], hint=merged[1])
    coverages = [coverage for _, coverage in measured]
    unmeasurable: dict[str, tuple[str, str]] = {}
    for coverage in coverages:
        for target, (message, hint) in coverage.get("unmeasurable", {}).items():
            unmeasurable.setdefault(target, (message, hint))
    return CoverageOutcome(
        source, merged, analyser,
        count_branches=user_branch or any(c.get("count_branches") for c in coverages),
        per_test_contexts=any(c.get("per_test_contexts") for c in coverages),
        tainted=frozenset(t for c in coverages for t in c.get("tainted", ())),
        preimported=frozenset.intersection(*(frozenset(c.get("preimported", ())) for c in coverages)),
        unmeasurable=unmeasurable)


def _combined(measured: Sequence[tuple[Shard, Mapping[str, Any]]], analyser: Any,
              root: str) -> CoverageData | tuple[str, str]:
    """The jobs' data in one CoverageData, paths remapped; or the problem and its hint."""
    from coverage import CoverageData
    from coverage.exceptions import CoverageException

    from .measure import quiet

    from .compat import close_data

    parts: list[tuple[Shard, CoverageData]] = []
    merged = CoverageData(no_disk=True)
    try:
        with quiet():
            for shard, coverage in measured:
                if coverage.get("data") is not None:
                    part = CoverageData(no_disk=True)
                    parts.append((shard, part))
                    part.loads(base64.b64decode(coverage["data"]))
            branches = {shard.path: bool(part.has_arcs()) for shard, part in parts}
            if len(set(branches.values())) > 1:
                close_data(merged)
                return ("the jobs measured differently: " + ", ".join(
                    f"{path} {'branches' if arcs else 'lines only'}" for path, arcs in branches.items()),
                    "measure every job the same way (all with --cov-branch / [run] branch, or none)")
            for shard, part in parts:
                merged.update(part, map_path=_aliases(analyser, shard.rootdir, root).map)
            return merged
    except (CoverageException, ValueError, TypeError) as exc:
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
