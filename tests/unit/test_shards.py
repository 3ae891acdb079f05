"""Shard evidence and merging it, without a pytest session: the clock, the data and the paths are given."""

from __future__ import annotations

import base64
import os
import zlib
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest
from coverage import CoverageData

from pytest_designdoc.compat import close_data
from pytest_designdoc.evidence import EvidenceRecorder, Selection
from pytest_designdoc.measure import CoverageOutcome
from pytest_designdoc.shards import EvidenceError, Shard, evidence_data, merged_evidence, merged_outcome, shard


def _job(recorder: EvidenceRecorder) -> dict[str, Any]:
    return recorder.payload(outcomes=True)


def test_jobs_merge_by_test_id_and_the_worst_outcome_wins() -> None:
    first, second = EvidenceRecorder(), EvidenceRecorder()
    first.collected_items(["t/test_a.py::x", "t/test_a.py::y"])
    first.deselected_items(["t/test_a.py::z"])
    first.test_report("t/test_a.py::x", "passed")
    first.test_report("t/test_a.py::y", "passed")
    second.collected_items(["t/test_a.py::y", "t/test_a.py::z"])
    second.deselected_items(["t/test_a.py::x"])
    second.test_report("t/test_a.py::y", "failed")
    second.test_report("t/test_a.py::z", "skipped")
    second.selection = Selection(("-k",), frozenset({"t/test_b.py"}))
    second.marker("K-1", "t/test_a.py", 7, "t/test_a.py::z")
    merged = merged_evidence([Shard("1.json", "/a", "row", {}, _job(first), None),
                              Shard("2.json", "/b", "row", {}, _job(second), None),
                              Shard("3.json", "/c", "row", {}, {}, None)])
    seen = merged.file("t/test_a.py")
    assert (seen.collected, seen.deselected, seen.passed, seen.failed, seen.skipped) == (3, 0, 1, 1, 1)
    assert merged.selection == Selection(("-k",), frozenset({"t/test_b.py"}))
    assert (merged.marker_keys, merged.marked_nodeids) == ({"K-1": ("t/test_a.py", 7)}, {"K-1": ("t/test_a.py::z",)})


def test_incomplete_test_evidence_is_refused(tmp_path: Path) -> None:
    import json

    from pytest_designdoc.shards import read

    path = tmp_path / "1.json"
    path.write_text(json.dumps(evidence_data(rootdir="/a", created="", scope="row", docs={}, outcome=None,
                                             figures=None, targets=[], run={"considered": []})), encoding="utf-8")
    with pytest.raises(EvidenceError, match=r"1.json is not a valid pytest-designdoc/evidence/v1 file: run lacks "
                                            "collect_errors, deselected, marker_keys, selected"):
        read(str(path))


def _data(root: Path, *, arcs: bool = False) -> CoverageData:
    data = CoverageData(no_disk=True)
    data.set_context("tests/test_a.py")
    if arcs:
        data.add_arcs({str(root / "src" / "m.py"): {(-1, 1), (1, -1)}})
    else:
        data.add_lines({str(root / "src" / "m.py"): {1}})
    return data


def _job_with_coverage(name: str, root: Path, data_root: Optional[Path] = None, **overrides: Any) -> Shard:
    """A job at ``root`` whose coverage data measured files under ``data_root`` (default: ``root``)."""
    outcome = CoverageOutcome("alone", _data(data_root or root, arcs=overrides.pop("arcs", False)))
    evidence = evidence_data(rootdir=str(root), created="", scope="row", docs={}, run=EvidenceRecorder().payload(),
                             outcome=outcome, figures=None, targets=["src/m.py"])
    assert outcome.data is not None
    close_data(outcome.data)
    assert evidence["coverage"] is not None
    evidence["coverage"].update(overrides)  # type: ignore[typeddict-item]
    return shard(name, evidence)


@pytest.fixture
def closing() -> Iterator[Callable[[CoverageOutcome], CoverageOutcome]]:
    """Closes the merged data of the outcomes it is given when the test ends (Python 3.13 warns otherwise)."""
    outcomes: list[CoverageOutcome] = []
    yield lambda outcome: outcomes.append(outcome) or outcome
    for outcome in outcomes:
        if outcome.data is not None:
            close_data(outcome.data)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_jobs_data_at_another_path_lands_on_the_merges_files(project: Path, closing: Any) -> None:
    job = _job_with_coverage("1.json", Path("/ci/job-1/checkout"))
    outcome = closing(merged_outcome([job], str(project), ["src/m.py"], needs_branches=False))
    assert outcome.problem == ""
    assert outcome.data is not None and outcome.data.measured_files() == {str(project / "src" / "m.py")}
    assert outcome.data.measured_contexts() == {"tests/test_a.py"}


def test_the_projects_paths_remap_data_from_elsewhere(project: Path, closing: Any) -> None:
    (project / ".coveragerc").write_text("[paths]\nsource =\n    src/\n    /elsewhere/lib/\n", encoding="utf-8")
    data = CoverageData(no_disk=True)
    data.add_lines({"/elsewhere/lib/m.py": {1}})
    job = _job_with_coverage("1.json", Path("/ci/x"), data=base64.b64encode(data.dumps()).decode("ascii"))
    close_data(data)
    outcome = closing(merged_outcome([job], str(project), ["src/m.py"], needs_branches=False))
    assert outcome.data is not None
    assert {os.path.realpath(f) for f in outcome.data.measured_files()} == {str(project / "src" / "m.py")}


@pytest.mark.parametrize(("jobs", "problem"), [
    ([None], "no job measured coverage"),
    ([{"problem": "xdist worker gw1 went down", "hint": "run again"}], "1.json: xdist worker gw1 went down"),
    ([{}, {"arcs": True}], "the jobs measured differently: 1.json lines only, 2.json branches"),
    ([{"data": base64.b64encode(b"z" + zlib.compress(b"CREATE TABLE coverage_schema (version integer); INSERT INTO "
                                                     b"coverage_schema VALUES (99);")).decode("ascii")}],
     "the jobs' coverage data does not merge"),
], ids=["none", "a job's problem", "lines and branches", "another coverage.py's schema"])
def test_what_keeps_the_jobs_coverage_from_deciding_is_a_problem(project: Path, jobs: list[Any],
                                                                  problem: str, closing: Any) -> None:
    shards = [Shard(f"{n}.json", str(project), "row", {}, EvidenceRecorder().payload(), None) if job is None
              else _job_with_coverage(f"{n}.json", project, **job) for n, job in enumerate(jobs, 1)]
    outcome = closing(merged_outcome(shards, str(project), ["src/m.py"], needs_branches=False))
    assert outcome.problem.startswith(problem) and outcome.hint


def test_an_evidence_file_round_trips_and_a_changed_doc_is_named(tmp_path: Path) -> None:
    import json

    from pytest_designdoc.shards import changed_docs, read

    path = tmp_path / "1.json"
    data = evidence_data(rootdir="/ci/a", created="", scope="row", docs={"docs/a.md": "1", "docs/b.md": "2"},
                         run=EvidenceRecorder().payload(outcomes=True), outcome=None, figures=None, targets=[])
    path.write_text(json.dumps(data), encoding="utf-8")
    shard = read(str(path))
    assert (shard.rootdir, shard.scope, dict(shard.docs), shard.coverage) == (
        "/ci/a", "row", {"docs/a.md": "1", "docs/b.md": "2"}, None)
    (changed,) = changed_docs([shard], {"docs/a.md": "1", "docs/b.md": "3"})
    assert (changed.code, changed.path, changed.severity.value) == ("DD025", "docs/b.md", "warning")


def _dumped(script: bytes) -> str:
    return base64.b64encode(b"z" + zlib.compress(script)).decode("ascii")


@pytest.mark.parametrize(("text", "problem"), [
    ("!!", "is not base64"),
    (base64.b64encode(b"x").decode(), "is not coverage.py's serialised data (CoverageData.dumps())"),
    (base64.b64encode(b"znot zlib").decode(), "is not zlib data (Error -3 while decompressing data: incorrect header "
                                              "check)"),
    (base64.b64encode(b"z" + zlib.compress(b"CREATE TABLE t (x);")[:-4]).decode(), "is not one whole zlib stream"),
    (base64.b64encode(b"z" + zlib.compress(b"CREATE TABLE t (x);") + b"more").decode(), "is not one whole zlib stream"),
    (_dumped(b"\xff\xfe"), "is not a SQL script (not UTF-8)"),
    (_dumped(b"CREATE TABLE t (x"), "is not coverage.py's SQLite data (incomplete input)"),
    (_dumped(b"ATTACH DATABASE 'out.db' AS o;"), "is not coverage.py's SQLite data (not authorized)"),
    (_dumped(b"VACUUM INTO 'out.db';"), "is not coverage.py's SQLite data (authorization denied)"),
    (_dumped(b"PRAGMA writable_schema = ON;"), "is not coverage.py's SQLite data (not authorized)"),
    (_dumped(b"CREATE TABLE t (x); CREATE TRIGGER g AFTER INSERT ON t BEGIN DELETE FROM t; END;"),
     "is not coverage.py's SQLite data (not authorized)"),
    (_dumped(b"CREATE TABLE t (x); INSERT INTO t VALUES (load_extension('evil'));"),
     "is not coverage.py's SQLite data (not authorized to use function: load_extension)"),
    (_dumped(b"CREATE TEMP TABLE t (x);"), "is not coverage.py's SQLite data (not authorized)"),
], ids=["base64", "prefix", "zlib", "truncated", "trailing bytes", "utf-8", "sql", "attach", "vacuum into", "pragma",
        "trigger", "function", "temp table"])
def test_coverage_data_is_checked_before_coverage_py_runs_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             text: str, problem: str) -> None:
    from pytest_designdoc.shards import coverage_payload

    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError) as refused:
        coverage_payload(text)
    assert str(refused.value) == problem
    assert list(tmp_path.iterdir()) == [], "nothing was written"


def test_coverage_data_as_dumps_writes_it_passes(tmp_path: Path) -> None:
    from pytest_designdoc.shards import MAX_COVERAGE_SCRIPT_BYTES, coverage_payload

    for arcs in (False, True):
        data = _data(tmp_path, arcs=arcs)
        dumped = data.dumps()
        close_data(data)
        assert coverage_payload(base64.b64encode(dumped).decode("ascii")) == dumped
    with_pragma = b"PRAGMA foreign_keys=OFF;\n" + zlib.decompress(dumped[1:])
    assert coverage_payload(_dumped(with_pragma)), "Python 3.13's iterdump starts so"
    assert MAX_COVERAGE_SCRIPT_BYTES == 256 * 1024 * 1024


def test_a_coverage_data_bomb_stops_at_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_designdoc import shards

    monkeypatch.setattr(shards, "MAX_COVERAGE_SCRIPT_BYTES", 1000)
    with pytest.raises(ValueError, match="decompresses to more than 1000 bytes"):
        shards.coverage_payload(_dumped(b" " * 1001))
    assert shards.coverage_payload(_dumped(b" " * 1000))
