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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", required=True, help="directory of the suite (its rootdir)")
    parser.add_argument("--cov-source", required=True, help="what --cov measures, e.g. packaging")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
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
