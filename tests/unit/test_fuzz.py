"""Property-based: no Markdown input makes the parser raise, no goal text makes target resolution raise, and no
evidence file, saved report, waiver file or template makes a ``designdoc`` command raise, write outside the
project or print a control character."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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



MISTUNE = __import__("mistune").create_markdown(renderer=None, plugins=["table"])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 .,:;/()%+=#-'\"{}$^@?\t\u00e9\u2003\u00a0")) | st.characters(),
               max_size=30))
def test_inline_text_taken_as_plain_is_what_mistune_makes_of_it(text: str) -> None:
    """The parser's shortcut for heading and cell text no inline rule starts in gives mistune's own tokens."""
    source = {"source": text}
    assert PARSER.inline(source, {}) == MISTUNE.inline(text.strip(" \r\n\t\f"), {})

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


# The designdoc command on hostile evidence, saved reports and waiver files ---------------------------------------

HOSTILE_TEXT = ["\ud800", "\udfff\ud800", "\x1b[2J", "\u200b", "\u202e", "../../etc/passwd", "/etc/passwd", "~/x",
                "", " ", "*", "[", "%0A::error::x", "\x00", "NaN", "9" * 30, "tests/test_app.py::test_one", "DD010",
                "weird", "row", "suite", "alone", "2099-01-01", "20990101", "2099-W01-1"]
JSON_LEAVES = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
               | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12) | st.sampled_from(HOSTILE_TEXT))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6) | st.sampled_from(HOSTILE_TEXT), inner, max_size=3),
                           max_leaves=6)


def _places(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every place in a JSON value, as the keys and indexes that lead there."""
    places = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            places += _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            places += _places(item, (*path, index))
    return places


@st.composite
def mutated(draw: st.DrawFn, original: object) -> str:
    """``original`` (JSON data) with a few of its values replaced, removed or added, sometimes cut short as text."""
    import copy
    import json

    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(_places(data)))
        if not path:
            data = draw(JSON_VALUES)
            continue
        parent: Any = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "remove":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=6) | st.sampled_from(HOSTILE_TEXT))] = draw(JSON_VALUES)
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    text = json.dumps(data)
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    return text


def _cli_project(base: Path) -> Path:
    """A project with a doc whose goals need coverage, a waiver file, and a directory beside it that must stay empty."""
    root = base / "fuzz-cli" / "project"
    if root.exists():
        return root
    for relpath, text in [
        ("pyproject.toml", '[tool.pytest.ini_options]\npythonpath = ["src"]\ndesigndoc_baseline = "waivers.yaml"\n'),
        ("src/app.py", "def login(ok):\n    if ok:\n        return True\n    return False\n"),
        ("tests/test_app.py", "from app import login\n\ndef test_one():\n    assert login(True)\n"),
        ("docs/design/app.md", "# APP-1 - App\n\n## Files to Create\n\n| File Path |\n|---|\n| `src/app.py` |\n"
                               "| `src/later.py` |\n\n## Test Strategy\n\n| Test Type | Files | Coverage Goals |\n"
                               "|---|---|---|\n| Unit | `tests/test_app.py` | `login()`; 90% of `src/app.py` |\n"),
        ("waivers.yaml", "waivers: []\n"),
    ]:
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    (base / "fuzz-cli" / "outside").mkdir()
    return root


def _good_evidence(root: Path) -> dict[str, Any]:
    """A job's evidence for the project, as ``--designdoc-evidence`` writes it (with its commit, shard number and
    collection, which the fuzz mutates too)."""
    from coverage import CoverageData

    from pytest_designdoc.compat import close_data
    from pytest_designdoc.measure import CoverageOutcome
    from pytest_designdoc.record import RunRecorder
    from pytest_designdoc.shards import evidence_data

    recorder = RunRecorder()
    recorder.file_considered("tests/test_app.py")
    recorder.collected_items(["tests/test_app.py::test_one"])
    recorder.test_report("tests/test_app.py::test_one", "passed")
    recorder.marker("APP-1", "tests/test_app.py", 3, "tests/test_app.py::test_one")
    data = CoverageData(no_disk=True)
    data.set_context("tests/test_app.py")
    data.add_lines({str(root / "src" / "app.py"): {1, 2, 3}})
    evidence = evidence_data(rootdir=str(root), created="2026-01-01T00:00:00Z", scope="row",
                             docs={"docs/design/app.md": "0"}, run=recorder.payload(outcomes=True),
                             outcome=CoverageOutcome("alone", data), figures=None, targets=["src/app.py"],
                             commit="0123456789abcdef" * 2 + "01234567", shard=(1, 1), args=["tests"])
    close_data(data)
    return dict(evidence)


def _cli(root: Path, *argv: str) -> tuple[int, str]:
    """``designdoc ARGV`` in ``root``: its exit status and what it said on stderr; it must never raise."""
    import contextlib
    import io

    from pytest_designdoc.cli import main

    err = io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stderr(err):
        code = main(list(argv), stdout=io.StringIO())
    return code, err.getvalue()


def _held_the_line(root: Path, code: int, said: str) -> None:
    from pytest_designdoc.report.view import printable

    assert code in (0, 1, 4, 6), said
    if code == 4:
        assert said.count("\n") == 1 and said.startswith("designdoc "), "one line naming the file and the field"
    assert all(printable(line) == line for line in said.splitlines()), "no control character reaches the terminal"
    assert list((root.parent / "outside").iterdir()) == [], "nothing is written outside the project"


CLI_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])


@CLI_FUZZ
@given(data=st.data())
def test_merge_holds_the_line_on_any_evidence(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    root = _cli_project(tmp_path_factory.getbasetemp())
    (root / "evidence.json").write_text(data.draw(mutated(_good_evidence(root))), encoding="utf-8")
    _held_the_line(root, *_cli(root, "merge", "evidence.json", "--root", str(root), "--report", "json:merged.json"))


COMPLETENESS_FIELDS = ("commit", "shard", "collection")


@CLI_FUZZ
@given(data=st.data())
def test_merge_holds_the_line_on_any_completeness_fields(tmp_path_factory: pytest.TempPathFactory,
                                                         data: st.DataObject) -> None:
    """Two jobs whose commit, shard number and collection (and nothing else) are mutated or removed."""
    import json

    root = _cli_project(tmp_path_factory.getbasetemp())
    good = _good_evidence(root)
    for name in ("one.json", "two.json"):
        fields = {key: good[key] for key in COMPLETENESS_FIELDS}
        text = data.draw(mutated(fields) | st.just(json.dumps(fields)))
        try:
            changed = json.loads(text)
        except ValueError:
            changed = None
        if isinstance(changed, dict):
            evidence = {key: value for key, value in good.items() if key not in COMPLETENESS_FIELDS}
            text = json.dumps({**evidence, **changed})
        (root / name).write_text(text, encoding="utf-8")
    _held_the_line(root, *_cli(root, "merge", "one.json", "two.json", "--root", str(root)))


def _saved_report() -> dict[str, Any]:
    import json

    return dict(json.loads((Path(__file__).parent / "data" / "report-sample.json").read_text(encoding="utf-8")))


@CLI_FUZZ
@given(data=st.data(), fmt=st.sampled_from(["json", "md", "html", "junit", "sarif"]))
def test_report_and_baseline_hold_the_line_on_any_saved_report(tmp_path_factory: pytest.TempPathFactory,
                                                               data: st.DataObject, fmt: str) -> None:
    root = _cli_project(tmp_path_factory.getbasetemp())
    (root / "saved.json").write_text(data.draw(mutated(_saved_report())), encoding="utf-8")
    _held_the_line(root, *_cli(root, "report", "saved.json", "-f", fmt, "-o", f"out.{fmt}"))
    _held_the_line(root, *_cli(root, "baseline", "saved.json", "--reason", "r", "--expires", "2099-01-01",
                               "--root", str(root), "-o", "baseline-out.yaml"))


WAIVER_FRAGMENTS = ["waivers:\n", "  - code: DD003\n", "    doc: APP-1\n", "    match: src/later.py\n",
                    "    reason: r\n", "    expires: 2099-01-01\n", "    expires: 20990101\n", "    expires: [1]\n",
                    "    owner: {a: b}\n", "- x\n", "waivers: 3\n", "&a [*a]\n", "!!python/object:os.system x\n",
                    "? [a, b]\n: c\n", "\x1b[2J", "\ufeff", "\t", "'", "\"", "%", "---\n", "...\n", "\x00"]


@CLI_FUZZ
@given(text=st.lists(st.sampled_from(WAIVER_FRAGMENTS) | st.text(max_size=10), max_size=12).map("".join))
def test_lint_baseline_and_merge_hold_the_line_on_any_waiver_file(tmp_path_factory: pytest.TempPathFactory,
                                                                  text: str) -> None:
    import json

    root = _cli_project(tmp_path_factory.getbasetemp())
    (root / "evidence.json").write_text(json.dumps(_good_evidence(root)), encoding="utf-8")
    for argv in (["lint", "--root", str(root)], ["merge", "evidence.json", "--root", str(root)],
                 ["baseline", "--reason", "r", "--expires", "2099-01-01", "--root", str(root)]):
        (root / "waivers.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        _held_the_line(root, *_cli(root, *argv))


@CLI_FUZZ
@given(template=st.binary(max_size=200) | st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass")))
def test_new_holds_the_line_on_any_template(tmp_path_factory: pytest.TempPathFactory, template: bytes) -> None:
    root = _cli_project(tmp_path_factory.getbasetemp())
    (root / "template.md").write_bytes(template)
    _held_the_line(root, *_cli(root, "new", "FUZZ-1", "Fuzz", "--template", "template.md", "--dir", "scratch",
                               "--force"))


OUTLINED_LINES = [
    "# K-1 - T", "## Files to Create", "### Files to Modify", "## Test Strategy", "## Overview", "#### Deeper", "#",
    "# Heading #", "## Tests ##", "#\tTabbed", "#hashtag", "####### seven", "    # code", "\t# tab",
    "| File Path | Purpose |", "|---|---|", "| `a.py` | x |", "| Test Type | Files | Coverage Goals |", "|---|---|---|",
    "| Unit | `t/test_a.py` | 90% |", "File Path | Purpose", "--- | ---", "`b.py` | y", "```", "```python", "~~~",
    "````", "    ```", "> quote", "> | File Path |", "> |---|", "> ## Files to Create", ">", "- item", "- | `c.py` |",
    "  - nested", "1. item", "- > quoted item", "1. > quoted", "    > deep quote", "- ```", "  |---|", "  | `d.py` |", "text", "Title", "***", "[link](x.py)", "    code", "", "", "",
    "path/to/x", "Brief description", "\\| escaped", "\u00a0", "\v", "\x0c",
]
"""Lines the outline reads: headings, fences, tables, lists, quotes."""
WHOLE_LINES = ["# a | b", " # indented", "   ## three", " ```", "``` `x`", "===", "---", "-", "<div>", "</div>",
               "<table>", "<br>", "[ref]: /x", "[link][ref]", "- [x]: y"]
"""Lines after which mistune reads the doc whole."""


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(OUTLINED_LINES * 10 + WHOLE_LINES) | st.text(alphabet="#|`~>-= \tab", max_size=6),
                max_size=30))
def test_docs_read_by_their_outline_are_read_as_mistune_reads_them_whole(lines: list[str]) -> None:
    from unittest import mock

    from pytest_designdoc import parse

    text = "\n".join(lines)
    with mock.patch.object(parse, "_outline", return_value=None):
        whole = PARSER.parse("docs/fuzz.md", text)
    assert PARSER.parse("docs/fuzz.md", text) == whole


def test_the_template_is_read_by_its_outline() -> None:
    """The outline is the path docs written from the template take (else the property above proves nothing)."""
    from pytest_designdoc.parse import _outline

    template = (Path(__file__).parents[2] / "examples" / "docs" / "design" / "feature-design-template.md").read_text()
    outline = _outline(template)
    assert outline is not None
    assert [token["source"] for token in outline if token["type"] == "heading"][:4] == [
        "[FEATURE_KEY] - Feature Design", "Overview", "Technical Design", "Components"]
