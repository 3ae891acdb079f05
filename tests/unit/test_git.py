"""What git knows, asked of small real repositories made in the test (git is a subprocess)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_designdoc.git import Git, GitUnavailable, added_lines, head_commit

from ..gitrepo import Repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def test_a_doc_added_then_files_modified_after_it(repo: Repo) -> None:
    repo.commit("code", {"src/a.py": "a = 1\n", "src/b.py": "b = 1\n", "src/c.py": "c = 1\n"})
    doc = repo.commit("design", {"docs/d.md": "# D-1\n", "src/c.py": "c = 2\n"})
    repo.commit("work", {"src/a.py": "a = 2\n"})
    git = Git(str(repo.path))
    added = git.first_added("docs/d.md")
    date = repo.git("show", "-s", "--format=%cs", doc).strip()
    assert added is not None and added.sha == doc and date.startswith("2026-")
    assert str(added) == f"{doc[:7]}, {date}"
    assert git.touched_since("src/a.py", added), "modified after the doc"
    assert git.touched_since("src/c.py", added), "modified in the doc's own commit (a squashed pull request)"
    assert not git.touched_since("src/b.py", added)
    repo.write("src/b.py", "b = 2\n")
    assert git.touched_since("src/b.py", added), "the working tree counts"
    assert git.existed_before("src/b.py", added)
    assert not git.existed_before("src/new.py", added)


def test_renames_are_followed_for_the_doc_and_the_file(repo: Repo) -> None:
    doc = repo.commit("design", {"docs/old.md": "# D-1\n", "src/old.py": "x = 1\n"})
    repo.git("mv", "docs/old.md", "docs/new.md")
    repo.git("mv", "src/old.py", "src/new.py")
    repo.git("commit", "-q", "-m", "rename")
    git = Git(str(repo.path))
    added = git.first_added("docs/new.md")
    assert added is not None and added.sha == doc
    assert git.touched_since("src/new.py", added)


def test_an_uncommitted_doc_has_no_history(repo: Repo) -> None:
    repo.commit("code", {"src/a.py": "a = 1\n"})
    repo.write("docs/d.md", "# D-1\n")
    assert Git(str(repo.path)).first_added("docs/d.md") is None


def test_a_root_commit_has_nothing_before_it(repo: Repo) -> None:
    root = repo.commit("everything", {"docs/d.md": "# D-1\n", "src/a.py": "a = 1\n"})
    git = Git(str(repo.path))
    added = git.first_added("docs/d.md")
    assert added is not None and added.sha == root
    assert not git.existed_before("src/a.py", added)
    assert git.touched_since("src/a.py", added)


def test_a_shallow_clone_says_the_history_is_missing(repo: Repo, tmp_path: Path) -> None:
    repo.commit("design", {"docs/d.md": "# D-1\n", "src/a.py": "a = 1\n"})
    repo.commit("work", {"src/b.py": "b = 1\n"})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    git = Git(str(clone))
    assert git.shallow
    with pytest.raises(GitUnavailable) as raised:
        git.first_added("docs/d.md")
    assert "shallow clone" in raised.value.reason and "fetch-depth: 0" in raised.value.hint


def test_outside_a_repository_git_is_unavailable_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(GitUnavailable, match="not in a git repository"):
        Git(str(tmp_path))


def test_the_commit_a_job_ran_on_is_head_or_none_without_one(repo: Repo, tmp_path: Path) -> None:
    assert head_commit(str(repo.path)) is None, "a repository without a commit yet"
    with pytest.raises(GitUnavailable, match="no commit yet|failed"):
        Git(str(repo.path)).head()
    first = repo.commit("first", {"a.txt": "a\n"})
    assert head_commit(str(repo.path)) == first and len(first) == 40
    assert head_commit(str(repo.commit("second"))) is None, "not a directory: git cannot say"
    (tmp_path / "plain").mkdir()
    assert head_commit(str(tmp_path / "plain")) is None, "not a repository"


def test_a_rootdir_below_the_top_level_sees_its_own_paths(repo: Repo) -> None:
    base = repo.commit("base", {"project/src/a.py": "a = 1\nb = 2\n", "other/x.py": "x = 1\n"})
    repo.commit("change", {"project/src/a.py": "a = 1\nb = 3\nc = 4\n", "other/x.py": "x = 2\n"})
    git = Git(str(repo.path / "project"))
    assert git.prefix == "project/"
    merge_base = git.merge_base("main")
    assert merge_base.sha == repo.git("rev-parse", "HEAD").strip()
    changed = git.changed_lines(git.merge_base(base))
    assert changed == {"src/a.py": frozenset({2, 3})}
    assert git.changed_files(git.merge_base(base)) == ["src/a.py"]


def test_changed_lines_against_the_merge_base_of_a_branch(repo: Repo) -> None:
    repo.commit("base", {"src/a.py": "".join(f"line{n} = {n}\n" for n in range(1, 11)), "src/gone.py": "g = 1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature work", {"src/a.py": "".join(
        f"line{n} = {n}\n" if n not in (3, 7) else f"line{n} = 'changed'\n" for n in range(1, 11)) + "tail = 1\n"})
    repo.git("mv", "src/gone.py", "src/moved.py")
    repo.git("commit", "-q", "-m", "move")
    repo.git("checkout", "-q", "main")
    repo.commit("main moves on", {"src/other.py": "o = 1\n"})
    repo.git("checkout", "-q", "feature")
    repo.write("src/untracked.py", "u = 1\nv = 2\n")
    git = Git(str(repo.path))
    base = git.merge_base("main")
    assert base.sha != repo.git("rev-parse", "main").strip(), "the merge base, not main's tip"
    changed = git.changed_lines(base)
    assert changed == {"src/a.py": frozenset({3, 7, 11}), "src/untracked.py": frozenset({1, 2})}
    assert git.changed_lines(base, ["src/a.py"]) == {"src/a.py": frozenset({3, 7, 11})}
    assert git.changed_files(base) == ["src/a.py", "src/gone.py", "src/moved.py", "src/untracked.py"]
    expected = subprocess.run(["git", "diff", "-U0", base.sha, "--", "src/a.py"], cwd=repo.path, check=True,
                              capture_output=True, text=True).stdout
    assert "@@ -3 +3 @@" in expected and "@@ -10,0 +11 @@" in expected


def test_an_unknown_base_is_unavailable_with_the_fetch_to_run(repo: Repo) -> None:
    repo.commit("base", {"src/a.py": "a = 1\n"})
    git = Git(str(repo.path))
    with pytest.raises(GitUnavailable) as raised:
        git.merge_base("origin/main")
    assert "'origin/main' has no common commit with HEAD" in raised.value.reason
    assert "git fetch origin main" in raised.value.hint
    with pytest.raises(GitUnavailable, match="not a git ref"):
        git.merge_base("--output=/tmp/x")


def test_pathspec_magic_in_a_doc_path_is_a_plain_path(repo: Repo) -> None:
    repo.commit("design", {"docs/d.md": "# D-1\n", "src/a.py": "a = 1\n"})
    git = Git(str(repo.path))
    added = git.first_added("docs/d.md")
    assert added is not None
    assert not git.touched_since(":(exclude)nothing", added)
    assert git.first_added(":/docs/d.md") is None


@pytest.mark.parametrize(("diff", "expected"), [
    ("+++ b/a.py\n@@ -1,2 +1,3 @@\n", {"a.py": {1, 2, 3}}),
    ("+++ b/a.py\n@@ -5 +5 @@\n@@ -9,2 +8,0 @@\n", {"a.py": {5}}),
    ("+++ /dev/null\n@@ -1,2 +0,0 @@\n", {}),
    ('+++ "b/t\\tab \\"q\\".py"\n@@ -0,0 +1 @@\n', {'t\tab "q".py': {1}}),
    ('+++ "b/\\303\\251.py"\n@@ -0,0 +1,2 @@\n', {"é.py": {1, 2}}),
    ("Binary files a/x.png and b/x.png differ\n", {}),
], ids=["a hunk", "one line and a deletion", "a deleted file", "C-quoted", "octal UTF-8", "binary"])
def test_added_lines_read_git_diff_u0(diff: str, expected: dict[str, set[int]]) -> None:
    assert {path: set(lines) for path, lines in added_lines(diff).items()} == expected


def test_git_missing_failing_or_hanging_is_unavailable_with_the_reason(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess as real

    repo.commit("base", {"src/a.py": "a = 1\n"})
    git = Git(str(repo.path))
    with pytest.raises(GitUnavailable, match="git log failed: fatal: "):
        git._run("log", "--no-such-option")

    def raising(error: BaseException) -> object:
        def run(*args: object, **kwargs: object) -> object:
            raise error
        return run

    for error, reason in ((FileNotFoundError(), "git is not installed"),
                          (real.TimeoutExpired("git", 1), "git status took longer than"),
                          (PermissionError("denied"), "git could not run (denied)")):
        monkeypatch.setattr(real, "run", raising(error))
        with pytest.raises(GitUnavailable, match=re.escape(reason)):
            git._run("status")


def test_changed_lines_against_a_ref_or_why_not(repo: Repo) -> None:
    from pytest_designdoc.history import changed_lines

    repo.commit("base", {"src/a.py": "a = 1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("work", {"src/a.py": "a = 1\nb = 2\n"})
    found = changed_lines(str(repo.path), "main", ["src/a.py"])
    assert (found.ref, dict(found.lines), found.problem) == ("main", {"src/a.py": frozenset({2})}, "")
    assert found.base.startswith(repo.git("merge-base", "main", "HEAD").strip()[:7])
    assert changed_lines(str(repo.path), "", ["src/a.py"]).ref == ""
    unknown = changed_lines(str(repo.path), "origin/main", ["src/a.py"])
    assert unknown.problem.startswith("the lines changed since origin/main are unknown: the base 'origin/main'")
    assert "git fetch origin main" in unknown.hint
