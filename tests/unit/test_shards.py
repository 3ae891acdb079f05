"""Shard evidence and merging it, without a pytest session: the clock, the data and the paths are given."""

from __future__ import annotations

import base64
import os
import zlib
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest
from coverage import CoverageData
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_designdoc.compat import close_data
from pytest_designdoc.measure import CoverageOutcome
from pytest_designdoc.record import RunRecorder, Selection
from pytest_designdoc.shards import EvidenceError, Shard, evidence_data, merged_outcome, merged_test_run, shard


def _job(recorder: RunRecorder) -> dict[str, Any]:
    return recorder.payload(outcomes=True)


def test_jobs_merge_by_test_id_and_the_worst_outcome_wins() -> None:
    first, second = RunRecorder(), RunRecorder()
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
    merged = merged_test_run([Shard("1.json", "/a", "row", {}, _job(first), None),
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
    evidence = evidence_data(rootdir=str(root), created="", scope="row", docs={}, run=RunRecorder().payload(),
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
    shards = [Shard(f"{n}.json", str(project), "row", {}, RunRecorder().payload(), None) if job is None
              else _job_with_coverage(f"{n}.json", project, **job) for n, job in enumerate(jobs, 1)]
    outcome = closing(merged_outcome(shards, str(project), ["src/m.py"], needs_branches=False))
    assert outcome.problem.startswith(problem) and outcome.hint


def test_an_evidence_file_round_trips_and_a_changed_doc_is_named(tmp_path: Path) -> None:
    import json

    from pytest_designdoc.shards import changed_docs, read

    path = tmp_path / "1.json"
    data = evidence_data(rootdir="/ci/a", created="", scope="row", docs={"docs/a.md": "1", "docs/b.md": "2"},
                         run=RunRecorder().payload(outcomes=True), outcome=None, figures=None, targets=[])
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


# Completeness: the pure checks over jobs given as data ---------------------------------------------------------

SUITE = [f"t/test_a.py::test_{n}" for n in range(6)]
COMMIT, OTHER = "a" * 40, "b" * 40


def _split(name: str, ran: list[str], *, collected: list[str] = SUITE, number: Optional[tuple[int, int]] = (1, 1),
           commit: Optional[str] = COMMIT, args: tuple[str, ...] = (".",), older: bool = False) -> Shard:
    """A job that collected ``collected``, ran ``ran`` and deselected the rest, checked as ``read`` checks it."""
    recorder = RunRecorder()
    recorder.collected_items([nodeid for nodeid in collected if nodeid in ran])
    recorder.deselected_items([nodeid for nodeid in collected if nodeid not in ran])
    for nodeid in ran:
        recorder.test_report(nodeid, "passed")
    data = evidence_data(rootdir="/ci", created="", scope="row", docs={}, run=_job(recorder), outcome=None,
                         figures=None, targets=[], commit=commit, shard=number, args=args)
    if older:
        for key in ("commit", "shard", "collection"):
            del data[key]  # type: ignore[misc]
    return shard(name, data)


def _checked(*jobs: Shard) -> Any:
    from pytest_designdoc.shards import CompletenessCheck

    check = CompletenessCheck()
    for job in jobs:
        check.add(job)
    return check.result()


def _thirds(**overrides: Any) -> list[Shard]:
    return [_split(f"{k}.json", SUITE[k - 1::3], number=(k, 3), **overrides) for k in (1, 2, 3)]


def test_jobs_that_ran_each_collected_test_once_are_complete() -> None:
    result = _checked(*_thirds())
    assert (result.problems, result.warnings, result.jobs, result.tests, result.incomplete) == ((), (), 3, 6, False)


def test_a_missing_shard_is_named_with_the_tests_no_job_ran() -> None:
    first, _, third = _thirds()
    assert _checked(first, third).problems == (
        "1 shard of 3 missing: 2",
        "2 tests collected ran in no job: t/test_a.py::test_1, t/test_a.py::test_4 (a test every job deselects counts "
        "too: leave a test out of the suite with --ignore or collect_ignore, in every job)")


def test_missing_shards_are_given_as_ranges() -> None:
    from pytest_designdoc.shards import _ranges

    jobs = [_split(f"{k}.json", SUITE, number=(k, 50)) for k in (1, 5, 9, 10, 50)]
    assert _checked(*jobs).problems[0] == "45 shards of 50 missing: 2-4, 6-8, 11-49"
    assert _ranges([1, 2, 3, 7, 9, 10]) == "1-3, 7, 9-10"


def test_a_duplicated_shard_names_both_files_and_the_tests_run_twice() -> None:
    jobs = _thirds()
    again = _split("again.json", SUITE[1::3], number=(2, 3))
    assert _checked(*jobs, again).problems == (
        "shard 2/3 is duplicated: 2.json, again.json",
        "2 tests ran in two jobs: t/test_a.py::test_1 (2.json, again.json), t/test_a.py::test_4 (2.json, again.json)")


def test_jobs_that_disagree_on_the_number_of_shards_or_name_none() -> None:
    jobs = [_split("1.json", SUITE[:3], number=(1, 2)), _split("2.json", SUITE[3:], number=(2, 3)),
            _split("3.json", [], number=None)]
    assert _checked(*jobs).problems == (
        "3.json named no shard while the other jobs did (give every job --designdoc-shard K/N)",
        "the jobs disagree on the number of shards: 2 in 1.json; 3 in 2.json",
        "1 shard of 2 missing: 2")


def test_a_job_on_another_commit_is_stale_against_the_majority() -> None:
    first, second, third = _thirds()
    stale = replace(second, commit=OTHER)
    assert _checked(first, stale, third).problems == (f"stale: 2.json ran on commit {'b' * 12}, 2 jobs on {'a' * 12}",)
    tie = _checked(replace(first, commit=OTHER), second)
    assert f"stale: 2.json ran on commit {'a' * 12}, 1 job on {'b' * 12}" in tie.problems, "a tie: the first file wins"


def test_jobs_without_git_are_said_not_compared() -> None:
    first, second, third = _thirds()
    assert _checked(first, replace(second, commit=None), third).warnings == (
        "2.json recorded no git commit (no git where it ran): not compared with the others' commit",)
    assert _checked(*_thirds(commit=None)).warnings == (
        "no job recorded a git commit (no git where they ran): stale jobs are found by their collection only",)


def test_a_job_that_collected_another_suite_is_stale() -> None:
    first, second, third = _thirds()
    grown = _split("2.json", SUITE[1::3], collected=[*SUITE, "t/test_a.py::test_new"], number=(2, 3))
    (problem,) = _checked(first, grown, third).problems
    assert problem.startswith("stale: 2.json collected another suite than 2 jobs (6 tests, fingerprint ")
    assert "): 2.json 7 tests, " in problem


def test_jobs_split_by_paths_are_checked_for_the_tests_they_collected() -> None:
    first = _split("1.json", SUITE[:3], collected=SUITE[:3], args=("t/test_a.py::test_0", "t/test_a.py::test_1",
                                                                   "t/test_a.py::test_2"), number=None)
    second = _split("2.json", SUITE[3:5], collected=SUITE[3:], args=("t/b",), number=None)
    result = _checked(first, second)
    assert result.warnings == (
        "the jobs collected from different paths (t/test_a.py::test_0 t/test_a.py::test_1 t/test_a.py::test_2; t/b): "
        "the merge checks the tests they collected, not that their paths cover the suite (collect the whole suite in "
        "every job and deselect a share, as pytest-split does, to have that proven)",)
    assert result.problems == ("1 test collected ran in no job: t/test_a.py::test_5 (a test every job deselects "
                               "counts too: leave a test out of the suite with --ignore or collect_ignore, in every "
                               "job)",)


def test_older_evidence_merges_with_a_warning_and_no_check() -> None:
    jobs = [_split("1.json", SUITE, older=True), _split("2.json", SUITE), _split("3.json", SUITE, older=True)]
    assert (jobs[0].collection, jobs[0].commit, jobs[0].number) == (None, None, None)
    result = _checked(*jobs)
    assert result.problems == ()
    assert result.warnings == ("completeness could not be checked: 1.json, 3.json hold evidence written before "
                               "pytest-designdoc recorded the collection, commit and shard (write it again with this "
                               "version)",)


def test_long_lists_are_cut_short_and_say_how_many_more() -> None:
    suite = [f"t/test_a.py::test_{n:02}" for n in range(20)]
    jobs = [_split(f"{k}.json", [], collected=suite, number=None) for k in range(1, 8)]
    jobs[6] = replace(jobs[6], commit=OTHER)
    jobs += [_split("8.json", suite, collected=suite, number=None, commit=OTHER)]
    problems = _checked(*jobs).problems
    assert problems[0] == f"stale: 7.json, 8.json ran on commit {'b' * 12}, 6 jobs on {'a' * 12}"
    assert _checked(*jobs[:7]).problems[-1].startswith(
        "20 tests collected ran in no job: t/test_a.py::test_00, t/test_a.py::test_01, t/test_a.py::test_02, "
        "t/test_a.py::test_03, t/test_a.py::test_04 and 15 more (")


def test_the_check_keeps_one_collection_per_suite_not_per_job() -> None:
    from pytest_designdoc.shards import CompletenessCheck

    check = CompletenessCheck()
    for job in _thirds():
        check.add(job)
    assert len(check._collections) == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(SUITE), unique=True), min_size=1, max_size=4))
def test_the_merge_is_complete_exactly_when_each_test_ran_in_one_job(shares: list[list[str]]) -> None:
    jobs = [_split(f"{k}.json", share, number=None) for k, share in enumerate(shares, 1)]
    runs = Counter(nodeid for share in shares for nodeid in share)
    exactly_once = set(runs) == set(SUITE) and set(runs.values()) == {1}
    assert _checked(*jobs).incomplete is not exactly_once


# RunRecord fields of the completeness checks: each one checked, hostile values named -------------------------


def _evidence(**fields: Any) -> dict[str, Any]:
    recorder = RunRecorder()
    recorder.collected_items(SUITE[:1])
    recorder.test_report(SUITE[0], "passed")
    data: dict[str, Any] = dict(evidence_data(rootdir="/ci", created="", scope="row", docs={}, run=_job(recorder),
                                              outcome=None, figures=None, targets=[], commit=COMMIT, shard=(2, 3)))
    data.update(fields)
    return data


@pytest.mark.parametrize(("fields", "problem"), [
    ({"commit": "HEAD"}, "commit 'HEAD' is not a git commit id (40 or 64 hex digits)"),
    ({"commit": "A" * 40}, f"commit '{'A' * 40}' is not a git commit id"),
    ({"commit": "a" * 100}, f"commit '{'a' * 57}…' is not a git commit id"),
    ({"commit": 7}, "commit is not str (int)"),
    ({"shard": {"index": 0, "count": 3}}, "shard.index 0 is not 1 to shard.count (3)"),
    ({"shard": {"index": 4, "count": 3}}, "shard.index 4 is not 1 to shard.count (3)"),
    ({"shard": {"index": 1, "count": 10_001}}, "shard.count 10001 is not 1 to 10000"),
    ({"shard": {"index": True, "count": 3}}, "shard.index is not int (bool)"),
    ({"shard": [2, 3]}, "shard is not an object"),
    ({"collection": {"fingerprint": "0" * 64, "tests": 1, "args": []}},
     "collection.fingerprint is not the sha256 of the test ids in run (the file was edited, or cut short)"),
    ({"collection": {"fingerprint": "0" * 64, "tests": 2, "args": []}},
     "collection.tests 2 is not the number of test ids in run (1)"),
    ({"collection": {"fingerprint": "0" * 64, "tests": 1}}, "collection lacks args"),
    ({"collection": {"fingerprint": "0" * 64, "tests": 1, "args": [1]}}, "collection.args[0] is not str (int)"),
], ids=["ref", "upper", "long", "type", "index 0", "index > count", "count", "bool", "list", "fingerprint", "tests",
        "args missing", "args type"])
def test_hostile_completeness_fields_are_one_error_naming_the_field(tmp_path: Path, fields: dict[str, Any],
                                                                     problem: str) -> None:
    import json

    from pytest_designdoc.shards import read

    path = tmp_path / "1.json"
    path.write_text(json.dumps(_evidence(**fields)), encoding="utf-8")
    with pytest.raises(EvidenceError) as refused:
        read(str(path))
    assert str(refused.value).startswith(f"{path} is not a valid pytest-designdoc/evidence/v1 file: ")
    assert problem in str(refused.value)


def test_good_completeness_fields_round_trip(tmp_path: Path) -> None:
    import json

    from pytest_designdoc.shards import fingerprint, read

    path = tmp_path / "1.json"
    path.write_text(json.dumps(_evidence(commit="c" * 64)), encoding="utf-8")
    job = read(str(path))
    assert (job.commit, job.number) == ("c" * 64, (2, 3))
    assert job.collection == {"fingerprint": fingerprint(SUITE[:1]), "tests": 1, "args": []}
    path.write_text(json.dumps(_evidence(commit=None, shard=None)), encoding="utf-8")
    assert (read(str(path)).commit, read(str(path)).number) == (None, None)
    assert fingerprint(["b", "a"]) == fingerprint(["a", "b"]) != fingerprint(["a"])
    assert fingerprint(["\ud800"]), "a lone surrogate in a test id (JSON allows it) hashes"
