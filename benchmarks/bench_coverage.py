"""Wall time and peak memory of ``pytest --designdoc`` against pytest-cov on a real suite.

Prepare a suite first (packaging, 64k tests): ``benchmarks/prepare_packaging.sh``.
Run with that suite's interpreter:

    /tmp/designdoc-bench/venv/bin/python benchmarks/bench_coverage.py \\
        --project /tmp/designdoc-bench/packaging-26.4 --cov-source packaging --rounds 3

The variants run alternately, round after round, so drift on the machine
hits them alike; each run is a fresh pytest process whose peak RSS comes
from ``os.wait4``. Prints the best wall time and the largest peak RSS per
variant and the ratios to ``--cov --cov-branch`` (goals: designdoc alone
<= 1.05x time, <= 1.10x memory).
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import time


def variants(source: str) -> dict[str, list[str]]:
    cov = [f"--cov={source}", "--cov-branch", "--cov-report="]
    return {
        "plain pytest": ["-p", "no:designdoc"],
        "--cov --cov-branch": ["-p", "no:designdoc", *cov],
        "--cov --cov-branch --cov-context=test": ["-p", "no:designdoc", *cov, "--cov-context=test"],
        "--designdoc": ["--designdoc"],
        "--designdoc --cov --cov-branch": ["--designdoc", *cov],
    }


def run(project: str, args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB, exit status of one pytest run."""
    for stale in glob.glob(os.path.join(project, ".coverage*")):
        os.remove(stale)
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *args],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", required=True, help="directory of the suite (its rootdir)")
    parser.add_argument("--cov-source", required=True, help="what --cov measures, e.g. packaging")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", action="append",
                        help="run only this variant, repeatable; write it --only='--designdoc' (the name starts with --)")
    options = parser.parse_args()

    chosen = {name: args for name, args in variants(options.cov_source).items()
              if not options.only or name in options.only}
    times: dict[str, list[float]] = {name: [] for name in chosen}
    memory: dict[str, list[int]] = {name: [] for name in chosen}
    for round_number in range(1, options.rounds + 1):
        for name, args in chosen.items():
            elapsed, rss, status = run(options.project, args)
            times[name].append(elapsed)
            memory[name].append(rss)
            print(f"round {round_number}: {name:42} {elapsed:7.2f} s {rss / 1024:7.1f} MiB exit {status}", flush=True)

    baseline = "--cov --cov-branch"
    print()
    print(f"{'variant':42} {'best s':>8} {'peak MiB':>9} {'time x':>7} {'mem x':>6}")
    for name in chosen:
        best, peak = min(times[name]), max(memory[name])
        ratio_time = ratio_mem = ""
        if baseline in chosen:
            ratio_time = f"{best / min(times[baseline]):.3f}"
            ratio_mem = f"{peak / max(memory[baseline]):.3f}"
        print(f"{name:42} {best:8.2f} {peak / 1024:9.1f} {ratio_time:>7} {ratio_mem:>6}")


if __name__ == "__main__":
    main()
