"""``designdoc merge`` against ``coverage combine`` on the same two shards of a real suite.

Prepare the suite first (``benchmarks/prepare_packaging.sh``), then run with its interpreter:

    /tmp/designdoc-bench/venv/bin/python benchmarks/bench_shards.py \\
        --project /tmp/designdoc-bench/packaging-26.4 --cov-source packaging

The suite's test files are split in two shards (alternately, by path). Each
shard runs once as a job would in CI: ``pytest --designdoc --cov=SOURCE
--cov-branch --designdoc-evidence`` with its own ``COVERAGE_FILE``. Then,
``--rounds`` times each, alternately: ``coverage combine --keep`` of the two
data files and ``designdoc merge`` of the two evidence files (wall time and
peak RSS of the process), with ``coverage report`` of the combined data as
the analysis a merge also does. Finally one unsharded run of the same command
writes the JSON report the merged one must equal (apart from ``created``).

With ``--synthetic DIR`` it writes a suite of ``--tests`` tests (10,000) in
DIR instead, and the evidence of ``--shards`` jobs (50) split the way
pytest-split splits (every job collects the whole suite and deselects all
but its share), written by the plugin's own ``shards.evidence_data`` with
the commit and ``--designdoc-shard K/N``, and each job's coverage data also
as a ``.coverage`` file. (Generated, not run: 50 pytest runs that each
collect 10,000 tests take longer than the merge is worth timing.) Then
``coverage combine`` of the 50 data files against ``designdoc merge`` of
the 50 evidence files (which also proves the shards complete), the merge of
the first 10 and 25 files to show how time and memory grow with the number
of jobs, and a merge with one shard left out, which must exit 6:

    .venv/bin/python benchmarks/bench_shards.py --synthetic /tmp/designdoc-bench-shards
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import time
from typing import Any


def timed(command: list[str], cwd: str, env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB, exit status of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def test_files(project: str) -> list[str]:
    found = glob.glob("tests/**/test_*.py", root_dir=project, recursive=True)
    return sorted(found)


def without_created(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    del data["created"]
    return data


MODULES = 20
FUNCTIONS = 30


def write_suite(root: str, tests: int) -> list[str]:
    """``tests`` tests in files of 100 over ``MODULES`` modules of ``synth``, a design doc whose goals need coverage,
    a git commit; the test ids in collection order."""
    files = max(MODULES, tests // 100)
    for folder in ("src/synth", "tests", "docs/design"):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    with open(os.path.join(root, "src", "synth", "__init__.py"), "w", encoding="utf-8"):
        pass
    for m in range(MODULES):
        body = "".join(f"\n\ndef f{n}(x):\n    if x > {n}:\n        return x - {n}\n    return {n} - x\n"
                       for n in range(FUNCTIONS))
        with open(os.path.join(root, "src", "synth", f"m{m}.py"), "w", encoding="utf-8") as handle:
            handle.write(body)
    ids = []
    for f in range(files):
        lines = [f"from synth import m{f % MODULES}\n"]
        for t in range(tests // files):
            lines.append(f"\ndef test_{t}():\n    assert m{f % MODULES}.f{t % FUNCTIONS}({t}) >= 0\n")
            ids.append(f"tests/test_{f:03}.py::test_{t}")
        with open(os.path.join(root, "tests", f"test_{f:03}.py"), "w", encoding="utf-8") as handle:
            handle.write("".join(lines))
    rows = "".join(f"| Unit | `tests/test_{m:03}.py` | 30% of `src/synth/m{m}.py` |\n" for m in range(MODULES))
    creates = "".join(f"| `src/synth/m{m}.py` | module |\n" for m in range(MODULES))
    with open(os.path.join(root, "docs", "design", "synth.md"), "w", encoding="utf-8") as handle:
        handle.write(f"# SYN-1 - Synthetic\n\n## Files to Create\n\n| File Path | Purpose |\n|---|---|\n{creates}\n"
                     f"## Test Strategy\n\n| Test Type | Files | Coverage Goals |\n|---|---|---|\n{rows}")
    with open(os.path.join(root, "pyproject.toml"), "w", encoding="utf-8") as handle:
        handle.write('[tool.pytest.ini_options]\npythonpath = ["src"]\n')
    identity = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com", "GIT_COMMITTER_NAME": "b",
                "GIT_COMMITTER_EMAIL": "b@example.com"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "suite"]):
        subprocess.run(["git", *command], cwd=root, env=identity, check=True)
    return ids


def write_shards(root: str, out: str, ids: list[str], n: int) -> None:
    """Job K of N ran every Nth test (pytest-split's way: all collected, the rest deselected): its evidence file as
    the plugin writes it (``shards.evidence_data``, with the commit and ``--designdoc-shard K/N``) and the same
    coverage data as a ``.coverage`` file for ``coverage combine``."""
    import hashlib
    import json

    from coverage import CoverageData

    from pytest_designdoc.git import head_commit
    from pytest_designdoc.measure import CoverageOutcome
    from pytest_designdoc.record import RunRecorder, file_of
    from pytest_designdoc.shards import evidence_data

    commit = head_commit(root)
    with open(os.path.join(root, "docs", "design", "synth.md"), "rb") as handle:
        docs = {"docs/design/synth.md": hashlib.sha256(handle.read()).hexdigest()}
    for k in range(1, n + 1):
        ran = ids[k - 1::n]
        recorder = RunRecorder()
        for path in sorted({file_of(nodeid) for nodeid in ids}):
            recorder.file_considered(path)
        recorder.produced(ids)
        recorder.collected_items(ran)
        for nodeid in ran:
            recorder.test_report(nodeid, "passed")
        data = CoverageData(basename=os.path.join(out, f".coverage.shard{k}"))
        by_file: dict[str, set[int]] = {}
        for nodeid in ran:
            test_file, name = nodeid.split("::")
            t = int(name.removeprefix("test_"))
            f = int(test_file[len("tests/test_"):-3])
            function = t % FUNCTIONS
            first = 3 + 6 * function
            by_file.setdefault(test_file, set()).update(
                {first + 1, first + 2} if t > function else {first + 1, first + 3})
        for test_file, lines in sorted(by_file.items()):
            module = os.path.join(root, "src", "synth", f"m{int(test_file[len('tests/test_'):-3]) % MODULES}.py")
            data.set_context(test_file)
            data.add_lines({module: lines})
        data.set_context("")
        data.add_lines({os.path.join(root, "src", "synth", f"m{m}.py"): {3 + 6 * n for n in range(FUNCTIONS)}
                        for m in range(MODULES)})
        data.write()
        evidence = evidence_data(rootdir=root, created="2026-12-02T00:00:00Z", scope="row",
                                 docs=docs, run=recorder.payload(outcomes=True),
                                 outcome=CoverageOutcome("alone", data), figures=None, targets=[], commit=commit,
                                 shard=(k, n), args=["."])
        data.close()
        with open(os.path.join(out, f"shard{k}.json"), "w", encoding="utf-8") as handle:
            json.dump(evidence, handle, ensure_ascii=False, separators=(",", ":"))


def synthetic(options: argparse.Namespace) -> None:
    root = os.path.abspath(options.synthetic)
    out = os.path.join(root, ".bench-shards")
    n = options.shards
    if os.path.exists(root):
        sys.exit(f"{root} exists: give a new directory")
    os.makedirs(out)
    start = time.perf_counter()
    write_shards(root, out, write_suite(root, options.tests), n)
    print(f"{n} shards of {options.tests:,} tests written in {time.perf_counter() - start:.1f} s")
    evidence = [os.path.join(out, f"shard{k}.json") for k in range(1, n + 1)]
    data = [os.path.join(out, f".coverage.shard{k}") for k in range(1, n + 1)]
    print(f"sizes: evidence {sum(map(os.path.getsize, evidence)) / 1e6:.2f} MB in {n} files, coverage data "
          f"{sum(map(os.path.getsize, data)) / 1e6:.2f} MB")
    designdoc = os.path.join(os.path.dirname(sys.executable), "designdoc")
    commands = {
        "coverage combine": [sys.executable, "-m", "coverage", "combine", "--keep", "--data-file",
                             os.path.join(out, ".coverage.combined"), *data],
        "coverage report": [sys.executable, "-m", "coverage", "report", "--data-file",
                            os.path.join(out, ".coverage.combined")],
    }
    for count in sorted({min(10, n), min(25, n), n}):
        commands[f"designdoc merge ({count} jobs)"] = [designdoc, "merge", *evidence[:count], "--report",
                                                     f"json:{os.path.join(out, f'merged{count}.json')}"]
    commands[f"designdoc merge (shard {n // 2} missing)"] = [designdoc, "merge", *evidence[:n // 2 - 1],
                                                           *evidence[n // 2:]]
    best: dict[str, tuple[float, int, int]] = {}
    for _ in range(options.rounds):
        for name, command in commands.items():
            seconds, rss, status = timed(command, root)
            previous = best.get(name, (float("inf"), 0, status))
            best[name] = (min(previous[0], seconds), max(previous[1], rss), status)
    for name, (seconds, rss, status) in best.items():
        print(f"{name}: best {seconds:.2f} s, peak {rss / 1024:.1f} MiB, exit {status}")
    said = subprocess.run(commands[f"designdoc merge ({n} jobs)"], cwd=root, capture_output=True, text=True).stdout
    print("\n".join(line for line in said.splitlines() if line.startswith("designdoc")))
    complete = best[f"designdoc merge ({n} jobs)"][2] == 0 and best[f"designdoc merge (shard {n // 2} missing)"][2] == 6
    sys.exit(0 if complete else 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", help="directory of the suite (its rootdir)")
    parser.add_argument("--cov-source", help="what --cov measures, e.g. packaging")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--synthetic", metavar="DIR", help="write a synthetic suite in DIR and shard it instead")
    parser.add_argument("--tests", type=int, default=10_000, help="--synthetic: tests in the suite")
    parser.add_argument("--shards", type=int, default=50, help="--synthetic: jobs to split it into")
    options = parser.parse_args()
    if options.synthetic:
        synthetic(options)
        return
    if not options.project or not options.cov_source:
        parser.error("give --project and --cov-source, or --synthetic DIR")
    project = os.path.abspath(options.project)
    out = os.path.join(project, ".bench-shards")
    os.makedirs(out, exist_ok=True)
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--designdoc",
              f"--cov={options.cov_source}", "--cov-branch", "--cov-report="]
    files = test_files(project)
    shards = [files[0::2], files[1::2]]
    for index, shard in enumerate(shards):
        env = {**os.environ, "COVERAGE_FILE": os.path.join(out, f".coverage.shard{index}")}
        seconds, rss, status = timed([*pytest, "--designdoc-evidence", os.path.join(out, f"shard{index}.json"),
                                      *shard], project, env)
        print(f"shard {index}: {len(shard)} test files, {seconds:.2f} s, {rss / 1024:.1f} MiB, exit {status}")
    sizes = {name: os.path.getsize(os.path.join(out, name)) / 1e6
             for name in ("shard0.json", "shard1.json", ".coverage.shard0", ".coverage.shard1")}
    print("sizes (MB): " + ", ".join(f"{name} {size:.2f}" for name, size in sizes.items()))

    designdoc = os.path.join(os.path.dirname(sys.executable), "designdoc")
    merge = [designdoc, "merge", os.path.join(out, "shard0.json"), os.path.join(out, "shard1.json"),
             "--report", f"json:{os.path.join(out, 'merged.json')}"]
    combine = [sys.executable, "-m", "coverage", "combine", "--keep", "--data-file",
               os.path.join(out, ".coverage.combined"),
               os.path.join(out, ".coverage.shard0"), os.path.join(out, ".coverage.shard1")]
    report = [sys.executable, "-m", "coverage", "report", "--data-file", os.path.join(out, ".coverage.combined")]
    best: dict[str, tuple[float, int]] = {}
    for _ in range(options.rounds):
        for name, command in (("coverage combine", combine), ("coverage report", report), ("designdoc merge", merge)):
            seconds, rss, status = timed(command, project)
            if name == "coverage combine" and status != 0:
                sys.exit(f"{name} failed with exit {status}")
            previous = best.get(name, (float("inf"), 0))
            best[name] = (min(previous[0], seconds), max(previous[1], rss))
    for name, (seconds, rss) in best.items():
        print(f"{name}: best {seconds:.2f} s, peak {rss / 1024:.1f} MiB")
    both = best["coverage combine"][0] + best["coverage report"][0]
    print(f"merge / combine: {best['designdoc merge'][0] / best['coverage combine'][0]:.2f}x time, "
          f"{best['designdoc merge'][1] / best['coverage combine'][1]:.2f}x memory; "
          f"merge / (combine + report): {best['designdoc merge'][0] / both:.2f}x time")

    whole = os.path.join(out, "whole.json")
    env = {**os.environ, "COVERAGE_FILE": os.path.join(out, ".coverage.whole")}
    seconds, _, _ = timed([*pytest, "--designdoc-report", f"json:{whole}"], project, env)
    same = without_created(whole) == without_created(os.path.join(out, "merged.json"))
    print(f"unsharded run: {seconds:.2f} s; merged report equals it: {same}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
