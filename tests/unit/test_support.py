"""Declared support is tested support: what pyproject.toml declares is what .ci/run runs."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "Programming Language :: Python :: 3."


def _project() -> dict[str, object]:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        project: dict[str, object] = tomllib.load(handle)["project"]
    return project


def test_the_python_classifiers_are_exactly_the_versions_requires_python_admits() -> None:
    """.ci/run runs the suite once per classifier's version: a version requires-python admits is tested."""
    project = _project()
    classifiers = project["classifiers"]
    assert isinstance(classifiers, list)
    declared = {c[len(PREFIX) - 2:] for c in classifiers if c.startswith(PREFIX)}
    admitted = SpecifierSet(str(project["requires-python"]))
    assert declared == {f"3.{minor}" for minor in range(30) if f"3.{minor}" in admitted}


def test_this_interpreter_is_a_declared_one() -> None:
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in SpecifierSet(str(_project()["requires-python"]))


def test_ci_runs_the_suite_on_each_declared_version() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'for version in $declared' in script and PREFIX in script
