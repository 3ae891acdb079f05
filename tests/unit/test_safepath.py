"""Paths stay inside rootdir: lexical checks, symlinks, globbing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_designdoc import safepath


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("src/a.py", "src/a.py"),
        ("./src//a.py", "src/a.py"),
        ("src\\win\\a.py", "src/win/a.py"),
        ("/etc/passwd", None),
        ("~/secrets", None),
        ("C:/x.py", None),
        ("../x.py", None),
        ("src/../../x.py", None),
        ("src/../x.py", None),
    ],
)
def test_normalize(raw: str, expected: object) -> None:
    assert safepath.normalize(raw) == expected


@pytest.fixture
def tree(tmp_path: Path) -> tuple[str, Path]:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    (root / "docs" / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.md").write_text("# secret\n")
    (root / "docs" / "a.md").write_text("a")
    (root / "docs" / "sub" / "b.md").write_text("b")
    (root / "docs" / ".hidden.md").write_text("h")
    (root / "docs" / "out.md").symlink_to(outside / "secret.md")
    (root / "docs" / "outdir").symlink_to(outside, target_is_directory=True)
    (root / "docs" / "in.md").symlink_to(root / "docs" / "a.md")
    (root / "docs" / "rel.md").symlink_to(Path("sub") / "b.md")
    (root / "docs" / "loop.md").symlink_to(root / "docs" / "loop.md")
    return safepath.real_root(str(root)), outside


def test_resolve_inside_and_out(tree: tuple[str, Path]) -> None:
    root, _ = tree
    assert safepath.resolve(root, "docs/a.md").kind == "file"
    assert safepath.resolve(root, "docs/sub").kind == "dir"
    assert safepath.resolve(root, "docs/nope.md").kind == "missing"
    assert safepath.resolve(root, "docs/a.md/x").kind == "missing"
    assert safepath.resolve(root, "docs/out.md").kind == "escape"
    assert safepath.resolve(root, "docs/outdir/secret.md").kind == "escape"
    assert safepath.resolve(root, "docs/in.md") == safepath.Resolved("docs/in.md", "file", "docs/a.md")
    assert safepath.resolve(root, "docs/rel.md").real == "docs/sub/b.md"
    assert safepath.resolve(root, "docs/loop.md").kind == "missing"


def test_glob_never_leaves_root(tree: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root, outside = tree
    touched: list[str] = []
    real_scandir = os.scandir

    def spying_scandir(path: str) -> object:
        touched.append(str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", spying_scandir)
    found = safepath.glob(root, "docs/**/*.md")
    assert [m.path for m in found.matches] == ["docs/a.md", "docs/in.md", "docs/rel.md", "docs/sub/b.md"]
    assert found.escapes == ("docs/out.md",)
    assert not any(str(outside) in t for t in touched)
    found = safepath.glob(root, "docs/*/secret.md")
    assert found.matches == () and found.escapes == ("docs/out.md", "docs/outdir")


def test_glob_hidden_and_skipped_dirs(tree: tuple[str, Path]) -> None:
    root, _ = tree
    assert [m.path for m in safepath.glob(root, "docs/.*.md").matches] == ["docs/.hidden.md"]
    skipped = safepath.glob(root, "**/*.md", skip_dir=lambda name: name == "sub")
    assert "docs/sub/b.md" not in [m.path for m in skipped.matches]


def test_read_inside_reads_regular_files_inside_root_only(tree: tuple[str, Path]) -> None:
    root, _ = tree
    assert safepath.read_inside(root, "docs/a.md", 10) == b"a"
    assert safepath.read_inside(root, "docs/in.md", 10) == b"a", "a link inside rootdir is followed"
    with pytest.raises(safepath.Escapes, match="leads out of rootdir through a symlink"):
        safepath.read_inside(root, "docs/out.md", 10)
    with pytest.raises(safepath.Escapes):
        safepath.read_inside(root, "docs/outdir/secret.md", 10)
    with pytest.raises(safepath.Missing, match="it does not exist"):
        safepath.read_inside(root, "docs/gone.md", 10)
    with pytest.raises(safepath.TooLarge, match="larger than 0 bytes"):
        safepath.read_inside(root, "docs/a.md", 0)
    with pytest.raises(safepath.Unreadable, match="not a regular file"):
        safepath.read_inside(root, "docs/sub", 10)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_read_file_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(safepath.Unreadable, match="not a regular file"):
        safepath.read_file(str(tmp_path / "pipe"), 10)


@pytest.mark.parametrize(("raw", "problem"), [
    ("../w.yaml", "'../w.yaml' is not a path relative to rootdir (no absolute paths, '~' or '..')"),
    ("~/w.yaml", "'~/w.yaml' is not a path relative to rootdir *"),
    ("/etc/w.yaml", "'/etc/w.yaml' is not a path relative to rootdir *"),
    (" ", "'' is not a path relative to rootdir *"),
    ("docs/outdir/w.yaml", "'docs/outdir/w.yaml' leads out of rootdir through a symlink"),
    ("docs/out.md", "'docs/out.md' leads out of rootdir through a symlink"),
])
def test_a_configured_path_stays_inside_root(tree: tuple[str, Path], raw: str, problem: str) -> None:
    import fnmatch

    root, _ = tree
    with pytest.raises(ValueError) as refused:
        safepath.configured(root, raw)
    assert fnmatch.fnmatch(str(refused.value), problem), str(refused.value)
    assert safepath.configured(root, "./reports//new/r.json") == "reports/new/r.json", "not there yet: fine"
