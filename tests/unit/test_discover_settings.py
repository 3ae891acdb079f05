"""Discovery and settings as plain functions: no pytest session."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Optional

import pytest

from pytest_designdoc.discover import MAX_DOC_BYTES, discover
from pytest_designdoc.model import Severity
from pytest_designdoc.parse import DocParser
from pytest_designdoc.settings import ReportTarget, Settings
from pytest_designdoc.static import Layout

DOC = "# A-1 - A\n\n## Files to Create\n\n| File |\n|--|\n| `a.py` |\n"


@pytest.fixture(scope="module")
def parser() -> DocParser:
    return DocParser()


def test_discovery_keeps_design_docs_and_says_why_it_read_nothing_else(tmp_path: Path, parser: DocParser) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.md").write_text(DOC, encoding="utf-8")
    (docs / "sub" / "notes.md").write_text("# Notes\n\nNo design sections here.\n", encoding="utf-8")
    (docs / "latin1.md").write_bytes(DOC.replace("- A\n", "- caf\xe9\n").encode("latin-1"))
    (docs / "huge.md").write_bytes(b"x" * (MAX_DOC_BYTES + 1))
    (docs / "dir.md").mkdir()
    os.mkfifo(docs / "fifo.md")
    (docs / ".hidden").mkdir()
    (docs / ".hidden" / "b.md").write_text(DOC.replace("A-1", "B-1"), encoding="utf-8")
    found = discover(os.path.realpath(tmp_path), ["docs/**/*.md", "docs/a.md"], parser, Layout().skip_dir)
    assert [doc.key for doc in found.docs] == ["A-1"], "notes are not design docs; hidden dirs are skipped"
    assert found.docs[0].sha256 == hashlib.sha256(DOC.encode()).hexdigest()
    problems = {f.path: (f.code, f.severity) for f in found.findings}
    assert problems == {
        "docs/latin1.md": ("DD020", Severity.ERROR),
        "docs/huge.md": ("DD020", Severity.WARNING),
        "docs/dir.md": ("DD020", Severity.WARNING),
        "docs/fifo.md": ("DD020", Severity.WARNING),
    }


def test_a_symlink_out_of_the_root_is_refused_unread(tmp_path: Path, parser: DocParser) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(DOC, encoding="utf-8")
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "link.md").symlink_to(outside)
    found = discover(os.path.realpath(root), ["docs/*.md"], parser)
    assert found.docs == ()
    assert [(f.code, f.path) for f in found.findings] == [("DD030", "docs/link.md")]


def test_the_layout_is_pytests_python_files_and_norecursedirs() -> None:
    layout = Layout(("check_*.py",), ("build", ".*"))
    assert layout.is_test_file("tests/check_a.py") and not layout.is_test_file("tests/test_a.py")
    assert layout.skip_dir(".git") and layout.skip_dir("build") and not layout.skip_dir("src")


class FakeConfig:
    """What Settings.from_config reads from a pytest Config."""

    def __init__(self, root: Path, ini: dict[str, Any], option: Optional[dict[str, Any]] = None) -> None:
        self.rootpath = root
        self.inipath = root / "pyproject.toml"
        self.invocation_params = type("Invocation", (), {"dir": root / "sub"})()
        self.option = type("Options", (), option or {})()
        defaults = {"designdoc_paths": [], "designdoc_strict": False, "designdoc_coverage_scope": "row",
                    "designdoc_report": [], "designdoc_github": "auto", "designdoc_baseline": "", "designdoc_base": ""}
        self.ini = {**defaults, **ini}

    def getini(self, name: str) -> Any:
        return self.ini[name]


def settings(tmp_path: Path, ini: Optional[dict[str, Any]] = None, **option: Any) -> Settings:
    return Settings.from_config(FakeConfig(tmp_path, ini or {}, option))  # type: ignore[arg-type]


def test_settings_come_from_the_ini_and_the_command_line_wins(tmp_path: Path) -> None:
    assert settings(tmp_path) == Settings()
    ini = {"designdoc_paths": ["specs/*.md"], "designdoc_strict": "yes", "designdoc_coverage_scope": "Suite",
           "designdoc_report": ["json:out/r.json"], "designdoc_github": "false", "designdoc_baseline": "w.yaml"}
    from_ini = settings(tmp_path, ini)
    assert from_ini == Settings(("specs/*.md",), True, "suite",
                                (ReportTarget("json", str(tmp_path / "out" / "r.json")),), "false", "w.yaml")
    cli = settings(tmp_path, ini, designdoc_path=["other/*.md"], designdoc_report=["md:r.md"],
                   designdoc_coverage_scope="row")
    assert (cli.paths, cli.coverage_scope) == (("other/*.md",), "row")
    assert cli.reports == (ReportTarget("md", str(tmp_path / "sub" / "r.md")),), "relative to the invocation dir"
    shard = settings(tmp_path, designdoc_evidence="../e/one.json", designdoc_select=["AUTH-*"])
    assert (shard.evidence, shard.select) == (str(tmp_path / "e" / "one.json"), ("AUTH-*",))
    numbered = settings(tmp_path, designdoc_evidence="e.json", designdoc_shard=" 3 / 50 ")
    assert (numbered.shard, shard.shard) == ((3, 50), None)
    assert settings(tmp_path, designdoc_evidence="e.json", designdoc_shard="10000/10000").shard == (10_000, 10_000)
    assert settings(tmp_path, {"designdoc_base": " origin/main "}).base == "origin/main"
    assert settings(tmp_path, {"designdoc_base": "main"}, designdoc_base="HEAD~2").base == "HEAD~2"
    assert settings(tmp_path, designdoc_affected="origin/main").affected == "origin/main"
    both = settings(tmp_path, designdoc_report=["cobertura:cov", "lcov:cov"]).reports
    assert both == (ReportTarget("cobertura", str(tmp_path / "sub" / "cov")),
                    ReportTarget("lcov", str(tmp_path / "sub" / "cov"))), \
        "the per-doc formats share a directory: their suffixes differ"


@pytest.mark.parametrize(
    ("ini", "option", "message"),
    [
        ({"designdoc_paths": ["../up/*.md"]}, {}, "designdoc_paths in *: '../up/*.md' is not a glob relative to rootdir (*)"),
        ({}, {"designdoc_path": ["/etc/*.md"]}, "--designdoc-path: '/etc/*.md' is not a glob relative to rootdir (*)"),
        ({"designdoc_strict": "maybe"}, {}, "designdoc_strict in *: 'maybe' is not a boolean"),
        ({"designdoc_coverage_scope": "file"}, {}, "designdoc_coverage_scope in *: 'file' is not one of row, suite"),
        ({}, {"designdoc_report": ["pdf:r.pdf"]}, "--designdoc-report: unknown report format 'pdf'*"),
        ({}, {"designdoc_report": ["json"]}, "--designdoc-report: 'json' must be FORMAT:PATH*"),
        ({"designdoc_github": "sometimes"}, {}, "designdoc_github in *: 'sometimes' is not one of auto, true, false"),
        ({"designdoc_baseline": "/etc/w.yaml"}, {}, "designdoc_baseline in *: '/etc/w.yaml' is not a path relative *"),
        ({}, {"designdoc_evidence": " "}, "--designdoc-evidence: give the path of the evidence file to write"),
        ({}, {"designdoc_report": ["json:r.out", "md:r.out"]}, "*r.out is the path of both the json and the md report*"),
        ({"designdoc_report": ["json:../outside/r.json"]}, {},
         "designdoc_report in *: '../outside/r.json' is not a path relative to rootdir (*)"),
        ({"designdoc_report": ["json:~/r.json"]}, {}, "designdoc_report in *: '~/r.json' is not a path relative *"),
        ({"designdoc_report": ["json:out/r.json"]}, {}, "designdoc_report in *: 'out/r.json' leads out of rootdir "
                                                        "through a symlink"),
        ({"designdoc_baseline": "out/w.yaml"}, {}, "designdoc_baseline in *: 'out/w.yaml' leads out of rootdir *"),
        ({}, {"designdoc_select": ["AUTH-*", " "]}, "--designdoc-select: give a doc key or a glob of keys (an empty "
                                                     "one would select every doc, silently)"),
        ({}, {"designdoc_base": "--output=/tmp/x"}, "--designdoc-base: '--output=/tmp/x' is not a git ref (*)"),
        ({"designdoc_base": "main branch"}, {}, "designdoc_base in *: 'main branch' is not a git ref (*)"),
        ({}, {"designdoc_affected": "main", "designdoc_select": ["AUTH-*"]},
         "--designdoc-affected and --designdoc-select both choose the docs: give one"),
        ({}, {"designdoc_affected": "-x"}, "--designdoc-affected: '-x' is not a git ref (*)"),
        ({}, {"designdoc_report": ["lcov:cov", "json:cov"]}, "*cov is the path of both the lcov and the json report*"),
        ({}, {"designdoc_shard": "2/3"}, "--designdoc-shard labels the evidence a job writes: give "
                                         "--designdoc-evidence PATH too"),
        ({}, {"designdoc_evidence": "e.json", "designdoc_shard": "0/3"}, "--designdoc-shard: '0/3': the shard number "
                                                                         "K must be 1 to N (3); shards count from 1"),
        ({}, {"designdoc_evidence": "e.json", "designdoc_shard": "1/10001"}, "--designdoc-shard: '1/10001': the number "
                                                                             "of shards N must be 1 to 10,000"),
        ({}, {"designdoc_evidence": "e.json", "designdoc_shard": "1/2/3"}, "--designdoc-shard: '1/2/3' is not K/N *"),
    ],
)
def test_bad_settings_are_usage_errors_that_say_where(
    tmp_path: Path, ini: dict[str, Any], option: dict[str, Any], message: str
) -> None:
    import fnmatch

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "out").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(pytest.UsageError) as raised:
        settings(tmp_path / "root", ini, **option)
    assert fnmatch.fnmatch(str(raised.value), message), str(raised.value)


def test_the_static_stage_plans_what_discovery_found(tmp_path: Path) -> None:
    from pytest_designdoc.static import static_stage

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(DOC + "\n## Test Strategy\n\n| Type | Files |\n|--|--|\n| U | `tests/check_a.py` |\n",
                                           encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "check_a.py").write_text("def test_a():\n    pass\n", encoding="utf-8")
    plan = static_stage(os.path.realpath(tmp_path), ["docs/*.md"], Layout(("check_*.py",)))
    (doc,) = plan.docs
    assert [finding.code for finding in doc.findings] == ["DD003"], "a.py is missing; the test file is found"
    assert doc.rows[0].test_files == ("tests/check_a.py",)
