"""Static checks on 1,000 template-sized docs, against mistune alone.

Run: .venv/bin/python benchmarks/bench_static.py [--docs 1000] [--rounds 5]

Garbage collection is paused while timing (as timeit does). Prints the best time of each side over alternating rounds and the ratio
(goal: <= 1.15x mistune alone parsing the same files, #20).
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from pathlib import Path

import mistune

from pytest_designdoc import safepath
from pytest_designdoc.discover import discover
from pytest_designdoc.parse import DocParser
from pytest_designdoc.plan import plan

TEMPLATE = Path(__file__).resolve().parent.parent / "examples" / "docs" / "design" / "feature-design-template.md"


FILLED = {
    "Component 1": "`Scheduler`", "Component 2": "`Store`", "Component 3": "`Api`",
    "Purpose and functionality": "Runs the jobs", "New/Modified/Reused": "New",
    "List of dependencies": "stdlib", "/api/[resource]/[action]": "/api/jobs/run",
}


def make_project(root: Path, count: int) -> None:
    template = TEMPLATE.read_text(encoding="utf-8")
    (root / "src").mkdir()
    (root / "tests").mkdir()
    for i in range(count):
        (root / "src" / f"mod{i}.py").write_text("x = 1\n\n\ndef run():\n    return x\n")
        (root / "tests" / f"test_mod{i}.py").write_text("def test_x():\n    pass\n")
        doc = (
            template.replace("[FEATURE_KEY] - Feature Design", f"FEAT-{i} - Feature {i}")
            .replace("| `path/to/file.ts` | Brief description", f"| `src/mod{i}.py` | Module {i}")
            .replace("| `path/to/file.ts` | Description of changes", f"| `src/mod{i}.py`, `src/mod{(i + 1) % count}.py` | Changes")
            .replace("`tests/unit/path/to/test.ts` | Components/functions to test",
                     f"`tests/test_mod{i}.py` | 90% line coverage; `src/mod{i}.py::run`; edge cases")
            .replace("`tests/integration/path/to/test.ts`", f"`tests/test_mod{(i + 7) % count}.py`")
        )
        for placeholder, real in FILLED.items():
            doc = doc.replace(placeholder, real)
        directory = root / "docs" / "design" / f"area{i % 20}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"feat-{i}.md").write_text(doc, encoding="utf-8")


def mistune_alone(root: Path) -> float:
    markdown = mistune.create_markdown(renderer=None, plugins=["table"])
    files = sorted((root / "docs").rglob("*.md"))
    start = time.perf_counter()
    for path in files:
        markdown(path.read_text(encoding="utf-8"))
    return time.perf_counter() - start


def designdoc_static(root: Path) -> float:
    start = time.perf_counter()
    real = safepath.real_root(str(root))
    parser = DocParser()
    found = discover(real, ["docs/**/*.md"], parser)
    result = plan(found.docs, real, lambda p: p.rsplit("/", 1)[-1].startswith("test_"))
    elapsed = time.perf_counter() - start
    errors = [f for d in result.docs for f in d.findings]
    assert len(result.docs) > 0 and not errors, errors[:3]
    return elapsed


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--docs", type=int, default=1000)
    options.add_argument("--rounds", type=int, default=5)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        make_project(root, args.docs)
        size = sum(p.stat().st_size for p in (root / "docs").rglob("*.md")) / args.docs
        alone, ours = [], []
        for _ in range(args.rounds):
            # As timeit does: no collector pauses in either side's figure.
            gc.collect()
            gc.disable()
            try:
                alone.append(mistune_alone(root))
                gc.collect()
                ours.append(designdoc_static(root))
            finally:
                gc.enable()
        print(f"{args.docs} docs, {size:.0f} bytes each, best of {args.rounds} alternating rounds (cpus: {os.cpu_count()})")
        print(f"mistune alone:           {min(alone):.3f} s")
        print(f"designdoc static checks: {min(ours):.3f} s (discover + parse + plan)")
        print(f"ratio: {min(ours) / min(alone):.2f}x (goal <= 1.15x)")


if __name__ == "__main__":
    main()
