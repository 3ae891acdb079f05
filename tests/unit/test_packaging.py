"""What users copy from the docs works as written: the version, the install lines, the CI recipes, the metadata."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_designdoc import __version__

ROOT = Path(__file__).resolve().parents[2]
DOCS = ("README.md", "docs/usage.md", "CONTRIBUTING.md")
REPOSITORY = "https://github.com/pytest-designdoc/pytest-designdoc"


def _text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _pyproject() -> dict[str, Any]:
    return tomllib.loads(_text("pyproject.toml"))


def _yaml_blocks(name: str) -> list[Any]:
    """The YAML examples of a doc (front matter examples, in ``---`` lines, left out)."""
    blocks = re.findall(r"```yaml\n(.*?)```", _text(name), re.DOTALL)
    return [yaml.safe_load(block) for block in blocks if not block.startswith("---")]


def test_the_documented_tag_the_changelog_and_the_version_are_in_step() -> None:
    tags = {(name, tag) for name in DOCS for tag in re.findall(r"(?:rev: |@|`)(v\d+\.\d+\.\d+)\b", _text(name))}
    assert tags, "the docs name the release tag to install"
    assert {tag for _, tag in tags} == {f"v{__version__}"}, sorted(tags)
    changelog = _text("CHANGELOG.md")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, re.MULTILINE)
    assert released[0] == __version__, "the newest CHANGELOG section is the package's version"
    assert f"[{__version__}]: {REPOSITORY}/" in changelog


def test_install_lines_name_a_checkout_or_a_vcs_url_never_the_index() -> None:
    lines = [line for name in DOCS for line in _text(name).splitlines() if "pip install" in line]
    assert lines
    for line in lines:
        assert not re.search(r"pip install[^#]*(?<![\w/.@-])pytest-designdoc(?![\w/.-]| @)", line), line
    assert f'"pytest-designdoc @ git+{REPOSITORY}@v{__version__}"' in _text("README.md")


@pytest.mark.parametrize("name", ["README.md", "docs/usage.md"])
def test_the_ci_recipes_upload_after_a_failure_and_may_write_code_scanning_results(name: str) -> None:
    workflows = [block for block in _yaml_blocks(name) if isinstance(block, dict) and "jobs" in block]
    assert workflows
    uploads = 0
    for workflow in workflows:
        for job_name, job in workflow["jobs"].items():
            for step in job["steps"]:
                uses = str(step.get("uses", ""))
                if uses.startswith(("actions/upload-artifact", "github/codeql-action/upload-sarif")):
                    uploads += 1
                    assert step.get("if") == "always()", f"{job_name}: {uses} must run when the tests fail"
                if uses.startswith("github/codeql-action/upload-sarif"):
                    assert job.get("permissions", {}).get("security-events") == "write", job_name
    assert uploads


def test_the_pre_commit_hooks_documented_are_the_packaged_one() -> None:
    (hook,) = yaml.safe_load(_text(".pre-commit-hooks.yaml"))
    repos = [block[0] for block in _yaml_blocks("README.md") if isinstance(block, list)]
    remote = next(repo for repo in repos if repo["repo"] != "local")
    local = next(repo for repo in repos if repo["repo"] == "local")
    assert (remote["repo"], remote["hooks"][0]["id"]) == (REPOSITORY, hook["id"])
    assert {key: local["hooks"][0][key] for key in ("id", "entry", "pass_filenames", "always_run")} == {
        key: hook[key] for key in ("id", "entry", "pass_filenames", "always_run")}


def test_the_metadata_has_a_license_urls_and_a_development_status() -> None:
    project = _pyproject()["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert _text("LICENSE").startswith("MIT License\n")
    assert any(c.startswith("Development Status :: ") for c in project["classifiers"])
    assert not any(c.startswith("License :: ") for c in project["classifiers"]), "the SPDX expression says it"
    assert project["urls"]["Source"] == REPOSITORY and set(project["urls"]) >= {"Homepage", "Issues", "Changelog"}
    assert "setuptools>=77" in _pyproject()["build-system"]["requires"], "setuptools 77 reads SPDX license strings"
