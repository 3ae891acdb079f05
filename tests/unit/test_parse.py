"""The parser on golden Markdown: model, line numbers and findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_designdoc.model import DesignDoc, GoalKind, Section, Severity, Status
from pytest_designdoc.parse import DocParser, decode

DATA = Path(__file__).parent / "data"
TEMPLATE = Path(__file__).resolve().parents[2] / "pytest_designdoc" / "templates" / "web.md"


@pytest.fixture(scope="module")
def parser() -> DocParser:
    return DocParser()


def parse(parser: DocParser, text: str, path: str = "docs/design/doc.md") -> DesignDoc:
    doc = parser.parse(path, text)
    assert doc is not None
    return doc


def codes(doc: DesignDoc) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in doc.findings]


FULL = """\
# AUTH-42 - Login throttling

## Overview

Throttle failed logins.

## Implementation Strategy

### Files to Create

| File Path | Purpose | Dependencies |
|-----------|---------|--------------|
| `src/auth/throttle.py` | Counting failures | none |
| `src/auth/store.py`, `src/auth/keys.py` | Storage | redis |

### Files to Modify

| File Path | Changes Needed | Impact |
|-----------|---------------|--------|
| [login view](src/auth/views.py) | call the throttle | login |

### Test Strategy

| Test Type | Files | Coverage Goals |
|-----------|-------|---------------|
| Unit | `tests/unit/test_throttle.py` | 90% line coverage; `Throttle.hit` |
| Integration | tests/integration/test_login.py<br>tests/integration/test_lockout.py | lockout after 5 failures |
"""


def test_full_doc_model_and_lines(parser: DocParser) -> None:
    doc = parse(parser, FULL)
    assert (doc.key, doc.title, doc.line, doc.status, doc.enforced) == (
        "AUTH-42", "Login throttling", 1, Status.ACCEPTED, True,
    )
    assert [(f.section, f.path, f.line) for f in doc.files] == [
        (Section.CREATE, "src/auth/throttle.py", 13),
        (Section.CREATE, "src/auth/store.py", 14),
        (Section.CREATE, "src/auth/keys.py", 14),
        (Section.MODIFY, "src/auth/views.py", 20),
    ]
    unit, integration = doc.rows
    assert (unit.line, unit.test_type, unit.test_paths) == (26, "Unit", ("tests/unit/test_throttle.py",))
    assert [(g.kind, g.text) for g in unit.goals] == [
        (GoalKind.PERCENT, "90% line coverage"),
        (GoalKind.SYMBOL, "`Throttle.hit`"),
    ]
    assert integration.test_paths == ("tests/integration/test_login.py", "tests/integration/test_lockout.py")
    assert [g.kind for g in integration.goals] == [GoalKind.MANUAL]
    assert doc.findings == ()


def test_extra_columns_are_kept(parser: DocParser) -> None:
    doc = parse(parser, FULL)
    assert doc.files[0].columns == (("Purpose", "Counting failures"), ("Dependencies", "none"))


@pytest.mark.parametrize(
    ("heading", "key", "title"),
    [
        ("# AUTH-42 - Login throttling", "AUTH-42", "Login throttling"),
        ("# [AUTH-42] - Login throttling", "AUTH-42", "Login throttling"),
        ("# AUTH-42: Login throttling", "AUTH-42", "Login throttling"),
        ("# AUTH-42 — Login throttling", "AUTH-42", "Login throttling"),
        ("# Login throttling", "doc", "Login throttling"),
    ],
)
def test_key_and_title_forms(parser: DocParser, heading: str, key: str, title: str) -> None:
    doc = parse(parser, f"{heading}\n\n## Tests\n\n| Type | Files |\n|---|---|\n| Unit | `t/test_a.py` |\n")
    assert (doc.key, doc.title) == (key, title)


def test_front_matter_wins_over_heading(parser: DocParser) -> None:
    text = "---\nkey: PAY-1\ntitle: Payments\nstatus: Draft\nenforce: false\nowners: [ana, bo]\n---\n# X-1 - Other\n"
    doc = parse(parser, text + "\n## Test Plan\n")
    assert (doc.key, doc.title, doc.status, doc.enforce, doc.owners) == (
        "PAY-1", "Payments", Status.DRAFT, False, ("ana", "bo"),
    )
    assert doc.line == 8
    assert not doc.enforced


@pytest.mark.parametrize(
    "heading",
    [
        "### Files to Create",
        "## 3.2 Files to Create",
        "## 3.2. **Files to Create**:",
        "#### *files to create*",
        "## New Files",
        "## Files Added:",
    ],
)
def test_section_heading_forms(parser: DocParser, heading: str) -> None:
    doc = parse(parser, f"# K-1 - T\n\n{heading}\n\n| File | Why |\n|---|---|\n| `a.py` | x |\n")
    assert [(f.section, f.path, f.line) for f in doc.files] == [(Section.CREATE, "a.py", 7)]


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("| Coverage Goals | Files | Test Type |", "| 80% | `tests/test_a.py` | Unit |"),
        ("| Kind | Tests | Goal |", "| Unit | `tests/test_a.py` | 80% |"),
        ("| Level | Location | Targets | Owner |", "| Unit | `tests/test_a.py` | 80% | me |"),
        ("| Type | Path | Coverage |", "| Unit | `tests/test_a.py` | 80% |"),
    ],
)
def test_test_strategy_columns_any_order_and_aliases(parser: DocParser, header: str, row: str) -> None:
    width = header.count("|") - 1
    text = f"# K-1 - T\n\n## Testing Strategy\n\n{header}\n{'|---' * width}|\n{row}\n"
    (parsed,) = parse(parser, text).rows
    assert parsed.test_type == "Unit"
    assert parsed.test_paths == ("tests/test_a.py",)
    assert [(g.kind, g.required) for g in parsed.goals] == [(GoalKind.PERCENT, 80.0)]


def test_table_is_first_after_heading_and_before_next_same_level(parser: DocParser) -> None:
    text = (
        "# K-1 - T\n\n## Files to Create\n\nSome prose.\n\n### Details\n\n| File Path |\n|---|\n| `a.py` |\n\n"
        "## Other\n\n| File Path |\n|---|\n| `b.py` |\n"
    )
    doc = parse(parser, text)
    assert [f.path for f in doc.files] == ["a.py"]


def test_missing_key_column_is_an_error(parser: DocParser) -> None:
    doc = parse(parser, "# K-1 - T\n\n## Files to Modify\n\n| Purpose | Impact |\n|---|---|\n| x | y |\n")
    (finding,) = doc.findings
    assert (finding.code, finding.severity, finding.line) == ("DD020", Severity.ERROR, 5)
    assert "File Path" in finding.message and "Purpose, Impact" in finding.message


def test_template_verbatim_is_a_template(parser: DocParser) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    doc = parse(parser, text, "docs/feature-design-template.md")
    assert doc.is_template and not doc.checked
    assert doc.key == "FEATURE_KEY"
    assert doc.findings == ()
    assert [f.path for f in doc.files] == ["path/to/file.ts", "path/to/file.ts"]


def test_filled_title_with_template_rows_warns_leftovers(parser: DocParser) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("[FEATURE_KEY] - Feature Design", "AUTH-1 - Sign in")
    doc = parse(parser, text)
    assert not doc.is_template
    leftovers = [f for f in doc.findings if f.code == "DD022"]
    assert {f.severity for f in leftovers} == {Severity.WARNING}
    lines = text.splitlines()
    assert all(any(p in lines[f.line - 1] for p in ("path/to/", "Component", "to test", "/api/")) for f in leftovers)
    assert len(leftovers) >= 6


def test_crlf_tabs_html_and_escaped_pipes(parser: DocParser) -> None:
    text = (
        "# K-1 - T\r\n\r\n## Test Strategy\r\n\r\n| Test Type | Files | Coverage Goals |\r\n"
        "|---|---|---|\r\n"
        "| Unit\t| <b>`tests/test_a.py`</b> | 80% lines<br/>`a\\|b` shape |\r\n"
        "| Unit | `tests/test_\\|odd.py` | x |\r\n"
    )
    doc = parse(parser, text)
    first, second = doc.rows
    assert (first.line, first.test_paths) == (7, ("tests/test_a.py",))
    assert [g.text for g in first.goals] == ["80% lines", "`a|b` shape"]
    assert (second.line, second.test_paths) == (8, ("tests/test_|odd.py",))



def test_reference_links_and_inline_markup_in_cells_and_headings(parser: DocParser) -> None:
    text = (
        "# *K-1* - `T` x\n\n## **Files to Create**\n\n| File Path | Purpose |\n|---|---|\n"
        "| [the app][app] | _new_ |\n\n## Test Strategy\n\n> | Files | Coverage Goals |\n> |---|---|\n"
        "> | [tests][t] | 90% of `src/app.py` |\n\n[app]: src/app.py\n[t]: tests/test_app.py\n"
    )
    doc = parse(parser, text)
    assert (doc.key, doc.title) == ("K-1", "T x")
    files = [(f.section, f.path, f.columns) for f in doc.files]
    assert files == [(Section.CREATE, "src/app.py", (("Purpose", "new"),))]
    (row,) = doc.rows
    assert row.test_paths == ("tests/test_app.py",)
    assert [(g.required, g.files) for g in row.goals] == [(90.0, ("src/app.py",))]

def test_unescaped_pipe_in_code_span_is_a_finding_not_silence(parser: DocParser) -> None:
    text = "# K-1 - T\n\n## Test Strategy\n\n| Test Type | Files |\n|---|---|\n| Unit | `a|b` |\n"
    doc = parse(parser, text)
    assert codes(doc) == [("DD020", 7), ("DD020", 7)], "read as GitHub shows it: the row's extra cell dropped"
    assert "escape '|'" in doc.findings[0].hint and doc.findings[0].severity is Severity.WARNING
    assert doc.findings[1].message == "no file path found in '`a'"


def test_rows_of_another_width_are_read_as_github_shows_them(parser: DocParser) -> None:
    text = ("# K-1 - T\n\n## Files to Create\n\n| File Path | Purpose |\n|---|---|\n| `a.py` |\n| `b.py` | b | x |\n\n"
            "## Test Strategy\n\n| Test Type | Files | Coverage Goals |\n|---|---|---|\n| Unit | `t/test_a.py` |\n")
    doc = parse(parser, text)
    assert [(f.path, f.line) for f in doc.files] == [("a.py", 7), ("b.py", 8)]
    assert [(row.line, row.test_paths) for row in doc.rows] == [(14, ("t/test_a.py",))]
    assert [(f.line, f.severity, f.message.split(": ", 1)[1]) for f in doc.findings] == [
        (7, Severity.WARNING, "read as GitHub shows it (padded with empty cells)"),
        (8, Severity.WARNING, "read as GitHub shows it (1 extra cell dropped)"),
        (14, Severity.WARNING, "read as GitHub shows it (padded with empty cells)"),
    ]


def test_setext_and_front_matter_offsets(parser: DocParser) -> None:
    text = "---\nstatus: proposed\n---\nK-9 - Setext\n============\n\nFiles Changed\n-------------\n\n| Path |\n|--|\n| `x.py` |\n"
    doc = parse(parser, text)
    assert (doc.key, doc.line, doc.status) == ("K-9", 4, Status.PROPOSED)
    assert [(f.section, f.line) for f in doc.files] == [(Section.MODIFY, 12)]


def test_not_a_design_doc(parser: DocParser) -> None:
    assert parser.parse("README.md", "# Readme\n\n## Install\n\n| a | b |\n|---|---|\n| 1 | 2 |\n") is None
    assert parser.parse("x.md", "---\ndesigndoc: false\n---\n## Test Plan\n") is None
    doc = parser.parse("x.md", "---\ndesigndoc: true\n---\n# Notes\n")
    assert doc is not None and doc.rows == ()


@pytest.mark.parametrize(
    ("front", "line", "severity", "fragment"),
    [
        ("key: [unclosed", 3, Severity.ERROR, "invalid YAML"),
        ("a: 1\n  b: 2", 3, Severity.ERROR, "invalid YAML"),
        ("!!python/object/apply:os.system ['echo hi']", 2, Severity.ERROR, "invalid YAML"),
        ("- a\n- b", 1, Severity.ERROR, "mapping"),
        ("status: shipped", 2, Severity.ERROR, "status 'shipped'"),
        ("enforce: maybe", 2, Severity.ERROR, "true or false"),
        ("owners: {a: 1}", 2, Severity.ERROR, "owners"),
        ("key: ''", 2, Severity.ERROR, "non-empty"),
        ("colour: blue", 2, Severity.WARNING, "unknown front matter key 'colour'"),
        ("date: 2026-02-30", 1, Severity.ERROR, "invalid YAML"),
    ],
)
def test_front_matter_findings(parser: DocParser, front: str, line: int, severity: Severity, fragment: str) -> None:
    doc = parse(parser, f"---\n{front}\n---\n# K-1 - T\n\n## Tests\n")
    bad = [f for f in doc.findings if f.code == "DD021"]
    assert [(f.line, f.severity) for f in bad] == [(line, severity)]
    assert fragment in bad[0].message


def test_yaml_alias_bomb_is_harmless(parser: DocParser) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        levels.append(f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    levels.append("status: *i")
    doc = parse(parser, "---\n" + "\n".join(levels) + "\n---\n# K-1 - T\n\n## Tests\n")
    assert {f.code for f in doc.findings if f.severity is not Severity.INFO} == {"DD021"}
    assert any("status 'list'" in f.message for f in doc.findings)


def test_decode() -> None:
    assert decode("# ok é\n".encode()) == ("# ok é\n", "")
    assert decode(b"\xef\xbb\xbf# bom\n") == ("# bom\n", "")
    assert decode(b"\x00\x01binary")[0] is None
    text, problem = decode(b"# ok\n\xff\xfe\n")
    assert text is None and "line 2" in problem


def test_files_cell_forms(parser: DocParser) -> None:
    text = (
        "# K-1 - T\n\n## Files to Create\n\n| File Path | Purpose |\n|---|---|\n"
        "| src/a.py, src/b.py; docs/c.md | plain tokens |\n"
        "| [a](src/d.py) [site](https://example.com) | links |\n"
        "| `tests/test_e.py::test_one` | node id |\n"
        "| TBD | nothing yet |\n"
        "| - | dash |\n"
        "| `N/A` | placeholder in code |\n"
        "| the usual place | no path |\n"
    )
    doc = parse(parser, text)
    assert [f.path for f in doc.files] == ["src/a.py", "src/b.py", "docs/c.md", "src/d.py", "tests/test_e.py"]
    assert codes(doc) == [("DD020", 13)], "placeholders (TBD, -, N/A) mean no file; prose without a path is said"
    assert doc.findings[0].severity is Severity.WARNING


def test_the_template_is_one_file_the_example_shows_verbatim() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "docs" / "design" / "feature-design-template.md"
    assert example.read_bytes() == TEMPLATE.read_bytes(), "copy pytest_designdoc/templates/ over the example's"


def test_front_matter_that_is_never_closed_is_an_error_not_prose(parser: DocParser) -> None:
    doc = parse(parser, "---\nstatus: draft\n# K-1 - T\n\n## Files to Create\n\n| File |\n|--|\n| `a.py` |\n")
    assert codes(doc) == [("DD021", 1)] and doc.findings[0].severity is Severity.ERROR
    assert doc.status.value == "accepted", "none of an unclosed block is read as keys"
    assert [(f.path, f.line) for f in doc.files] == [("a.py", 9)], "lines still count from the file's first"


def test_a_table_inside_a_blockquote_or_a_list_item_is_read_as_github_shows_it(parser: DocParser) -> None:
    text = ("# K-1 - T\n\n## Files to Create\n\n> | File Path | Purpose |\n> |---|---|\n> | `a.py` | x |\n\n"
            "## Test Strategy\n\n- | Test Type | Files |\n  |---|---|\n  | Unit | `t/test_a.py` |\n\n"
            "## Files to Modify\n\n1. The files we touch:\n\n   ```\n   | File Path |\n   |---|\n   | `no.py` |\n"
            "   ```\n\n   | File Path |\n   |---|\n   | `b.py` |\n   | `c.py` |\n")
    doc = parse(parser, text)
    assert [(f.section.value, f.path, f.line) for f in doc.files] == [
        ("create", "a.py", 7), ("modify", "b.py", 27), ("modify", "c.py", 28)], "not the table in a code fence"
    assert [(row.line, row.test_paths) for row in doc.rows] == [(13, ("t/test_a.py",))]
    assert doc.findings == ()


def test_an_html_table_is_a_warning_not_silence(parser: DocParser) -> None:
    text = ("# K-1 - T\n\n## Files to Create\n\n<table>\n<tr><th>File Path</th></tr>\n<tr><td>src/a.py</td></tr>\n"
            "</table>\n\n## Files to Modify\n\nNothing yet.\n")
    doc = parse(parser, text)
    assert doc.files == ()
    assert [(f.line, f.severity, f.message) for f in doc.findings] == [
        (5, Severity.WARNING, "the table of section 'Files to Create' is an HTML <table>: it was not read"),
        (10, Severity.INFO, "section 'Files to Modify' has no table"),
    ]


def test_a_broken_table_inside_a_list_is_a_warning_not_silence(parser: DocParser) -> None:
    doc = parse(parser, "# K-1 - T\n\n## Files to Create\n\n- | File Path | Purpose |\n  |---|\n  | `a.py` | x |\n")
    assert doc.files == ()
    assert [(f.line, f.severity, f.message) for f in doc.findings] == [
        (5, Severity.WARNING, "the table of section 'Files to Create' is inside a blockquote or list: it was not read")]


def test_a_nested_tables_line_is_its_header_outside_code_fences() -> None:
    from pytest_designdoc.parse import _nested_table_line

    lines = ["- item", "  ~~~", "  | a |", "  |---|", "  ~~~", "  > 1. | a | b |", "  >    |---|:-:|", "  >    | x | y |"]
    assert _nested_table_line(lines, 10) == 15
    assert _nested_table_line(lines[:5], 10) is None, "a table in a code fence is no table"
    assert _nested_table_line(["| a | b |", "|---|"], 1) is None, "the delimiter row has one cell per column"
