"""Property-based: no Markdown input makes the parser raise, no goal text makes target resolution raise."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pytest_designdoc.goals import parse_goal
from pytest_designdoc.model import DesignDoc
from pytest_designdoc.parse import DocParser
from pytest_designdoc.targets import TargetResolver

PARSER = DocParser()

FRAGMENTS = [
    "# K-1 - T\n", "# [FEATURE_KEY] - x\n", "## Files to Create\n", "### 2. **Test Strategy**:\n",
    "## Files to Modify\n", "## Tests\n", "| File Path | Purpose |\n", "|---|---|\n", "| `a.py` | x |\n",
    "| Test Type | Files | Coverage Goals |\n", "|---|---|---|\n", "| Unit | `t/test_a.py` | 90%; `f()` |\n",
    "| a | b | c | d |\n", "|\n", "||\n", "| `x|y` |\n", "---\n", "status: draft\n", "key: [\n", "!!python/object {}\n",
    "```\n", "> quote\n", "- item\n", "  - nested\n", "Title\n=====\n", "<br>", "\\|", "\r\n", "\t", "\x00", "\ufeff",
    "[link](../../etc/passwd)\n", "`/abs/path.py`\n", "<table>\n", "<tr><td>a.py</td></tr>\n", "  | `b.py` |\n",
    "  |---|\n", "> | File Path |\n", "> |---|\n", "1. | Files |\n", "   ```\n", "\x1b[2J", "\u200b",
]


def check(text: str) -> None:
    doc = PARSER.parse("docs/fuzz.md", text)
    assert doc is None or isinstance(doc, DesignDoc)
    if doc is not None:
        for finding in doc.findings:
            assert finding.line >= 1 and finding.path == "docs/fuzz.md", "lines are 1-based"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=40).map("".join))
def test_mutated_design_docs_never_raise(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="|-:` \n\\abc<br>", max_size=200))
def test_table_like_noise_never_raises(text: str) -> None:
    check("# K-1 - T\n\n## Test Strategy\n\n" + text)


GOAL_PIECES = ["90%", "`", "::", ":", "()", ".", "/", "..", "\\x00", "src/a.py", "a.py", "each file", "branches",
               "A.b", "login()", "100% of", "~/x.py", "/etc/passwd", "C:\\\\x.py", "*", "\x00", " ",
               "public API of ", "all public functions of ", "public methods of ", "pkg", "pkg.m", "loop"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(GOAL_PIECES) | st.text(max_size=8), max_size=8).map("".join))
def test_any_goal_resolves_to_a_plan_or_a_finding(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    root = tmp_path_factory.getbasetemp() / "fuzz-targets"
    if not root.exists():
        (root / "src").mkdir(parents=True)
        (root / "src" / "a.py").write_text("class A:\n    def b(self):\n        pass\n\n\ndef login():\n    pass\n")
        (root / "src" / "bad.py").write_bytes(b"def \xff(:\n")
        (root / "src" / "pkg").mkdir()
        (root / "src" / "pkg" / "__init__.py").write_text(
            "from .m import *\nfrom ...... import x\nfrom .pkg import y\nfrom pkg.m import f\nfrom .loop import z\n"
            "try:\n    from .bad import q\nexcept ImportError:\n    pass\n")
        (root / "src" / "pkg" / "m.py").write_text("from . import *\n\n\ndef f():\n    pass\n")
        (root / "src" / "pkg" / "loop.py").write_text("from .loop import z\n")
        (root / "src" / "pkg" / "bad.py").write_bytes(b"def \xff(:\n")
    targets = TargetResolver(str(root), "d.md", ["src/a.py", "src/bad.py"], lambda p: p.endswith(".py"), {})
    goal = parse_goal(text, 3)
    plan = targets.resolve(goal)
    assert plan.goal is goal
    assert all(not path.startswith(("/", "..")) for path in plan.files)
    assert all(f.line == 3 and f.path == "d.md" for f in targets.findings)


HOSTILE_CELLS = [
    "`" * 60_000,
    "`a" * 30_000,
    ", ".join(["a.py"] * 30_000),
    " and ".join(["90% of `a.py`"] * 5_000),
    "`x`, " * 20_000,
    "<a" * 30_000,
    "9" * 60_000 + "%",
]


@pytest.mark.parametrize("cell", HOSTILE_CELLS, ids=["backticks", "ticked letters", "commas", "ands", "spans",
                                                      "tags", "digits"])
def test_hostile_goal_cells_cost_a_linear_number_of_goal_parses(cell: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_designdoc import goals

    parses = 0
    parse = goals.parse_goal

    def counted(text: str, line: int) -> object:
        nonlocal parses
        parses += 1
        return parse(text, line)

    monkeypatch.setattr(goals, "parse_goal", counted)
    texts = goals.split_goals(cell)
    assert parses <= 2 * goals._MAX_SOFT_SPLITS, "no goal text is parsed once per comma of its cell"
    assert 1 <= len(texts) <= goals._MAX_SOFT_SPLITS


@pytest.mark.parametrize("unit", ["`", "`a", "a.py, ", "|-", "| `x` ", "|"])
@settings(max_examples=3, deadline=5_000, phases=[Phase.generate], suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(min_value=20_000, max_value=60_000))
def test_large_hostile_docs_parse_in_linear_time(unit: str, size: int) -> None:
    """Before the scanners were linear a 6,000-backtick cell took 9.6 s and a 60 KB delimiter 16 s.

    No shrinking: a slow example must fail the test, not be re-run a hundred times.
    """
    cell = unit * (size // len(unit))
    check(f"# K-1 - T\n\n## Test Strategy\n\n| Type | Files | Goals |\n|---|---|---|\n| U | `t/test_a.py` | {cell} |\n")
    check(f"# K-1 - T\n\n## Test Strategy\n\n| Type | Files | Goals |\n|{'-' * size}|---|---|\n| U | b | c |\n")


def test_code_spans_close_on_a_run_of_the_same_length() -> None:
    from pytest_designdoc.goals import code_spans

    text = "`a` ``b`c`` ```unclosed `` d ``"
    assert [text[lo:hi] for lo, hi, _ in code_spans(text)] == ["`a`", "``b`c``", "`` d ``"]
