"""Markdown (+ front matter) → :class:`DesignDoc`, with line numbers.

The only module that imports mistune and yaml. mistune tokens are untyped
dicts without positions: a block state subclass records the source offset
of every top-level token, and everything is converted to the frozen model
right here.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import string
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional
from urllib.parse import unquote

from .goals import looks_like_file, parse_goal, split_goals
from .codes import Code, DD020, DD021, DD022
from .model import DesignDoc, FileEntry, Finding, Goal, Section, Severity, Status, TestRow

GoalParser = Callable[[str, int], Goal]

SECTION_ALIASES: dict[str, Section] = {
    "files to create": Section.CREATE,
    "new files": Section.CREATE,
    "files added": Section.CREATE,
    "files to modify": Section.MODIFY,
    "modified files": Section.MODIFY,
    "files changed": Section.MODIFY,
    "test strategy": Section.TESTS,
    "testing strategy": Section.TESTS,
    "test plan": Section.TESTS,
    "tests": Section.TESTS,
}
PATH_COLUMN = ("file path", "file paths", "file", "files", "path", "paths", "location")
TYPE_COLUMN = ("test type", "type", "level", "kind")
TESTS_COLUMN = ("files", "test files", "test file", "tests", "location", "path", "paths", "file")
GOALS_COLUMN = ("coverage goals", "coverage goal", "coverage", "goals", "goal", "targets", "target")

MAX_FRONT_MATTER = 64 * 1024
TEMPLATE_KEY = "[FEATURE_KEY]"
TEMPLATE_LEFTOVERS = (
    "path/to/",
    TEMPLATE_KEY,
    "Components/functions to test",
    "Integrations to test",
    "Component 1",
    "Purpose and functionality",
    "Brief description",
    "New/Modified/Reused",
    "List of dependencies",
    "Description of changes",
    "/api/[resource]",
)

_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[ivxlc]+\.|[a-z]\))\s+")
_SPACES = re.compile(r"\s+")
_NESTED_TABLE_ROW = re.compile(r"^ {0,3}(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])[ \t>]*\|.*\|[ \t]*$")
_DELIMITER_CELL = re.compile(r"\s*:?-+:?\s*\Z")
_NEWLINE = re.compile(r"\n")
_TOKENS_READ = frozenset({"table", "paragraph"})
_NESTED_TABLE = "designdoc_nested_table"
"""Our token for a top-level list or blockquote: its one child is the first table inside it."""
_HTML = "designdoc_html_table"
"""Our token for block HTML that holds a ``<table>``."""
_HTML_TABLE = re.compile(r"<table\b", re.IGNORECASE)
_PLAIN_INLINE = re.compile(r"[^\\`*_!\[\]<>&~|\n\r]*\Z")
"""Text none of mistune's inline rules (escape, code, emphasis, link, autolink, HTML, line break) can start in."""
_CONTAINER_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_KEYED_TITLE = re.compile(
    r"^\[(?P<bkey>[^\]\s]+)\]\s*(?:[-–—:|]\s*)?(?P<btitle>.*)$"
    r"|^(?P<key>[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)+)\s*[-–—:|]\s*(?P<title>.*)$"
)
_PATH_TOKEN_SPLIT = re.compile(r"[\s,;]+")
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def decode(data: bytes) -> tuple[Optional[str], str]:
    """Bytes → text, or None and why it is not readable as a Markdown doc."""
    if b"\x00" in data[:8192]:
        return None, "binary file (NUL bytes)"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, f"not valid UTF-8 (line {line}, byte {exc.start})"


def normalize_heading(text: str) -> str:
    text = _SPACES.sub(" ", text).strip().lower().strip("*_ ").rstrip(":").strip("*_ ")
    text = _NUMBERING.sub("", text)
    return text.rstrip(":").strip()


def _column(headers: list[str], names: tuple[str, ...]) -> Optional[int]:
    for name in names:
        if name in headers:
            return headers.index(name)
    return None


@dataclass(frozen=True)
class _Cell:
    text: str
    """Source text of the cell (``\\|`` unescaped)."""
    code: tuple[str, ...]
    links: tuple[str, ...]
    plain: str
    """The cell's text as it would read rendered, ``<br>`` as a newline."""


@dataclass
class _FrontMatter:
    values: dict[str, Any]
    end_line: int
    findings: list[Finding]


class DocParser:
    """Parses design docs. Build once; :meth:`parse` is reentrant."""

    def __init__(self, goal_parser: GoalParser = parse_goal) -> None:
        import mistune

        self._goal_parser = goal_parser
        base_state: Any = mistune.BlockState

        class PositionedState(base_state):  # type: ignore[misc]
            def append_token(self, token: dict[str, Any]) -> None:
                token.setdefault("offset", self.cursor)
                super().append_token(token)

            def add_paragraph(self, text: str) -> None:
                count = len(self.tokens)
                super().add_paragraph(text)
                if len(self.tokens) > count:
                    self.tokens[-1].setdefault("offset", self.cursor)

        def keep_what_is_read(md: Any, state: Any) -> None:
            # Only top-level headings, tables and paragraphs (for broken
            # tables), the first table inside a list or blockquote (GitHub
            # shows it as a table) and HTML tables are read: skip the inline
            # parsing of everything else. Headings and table cells are
            # parsed inline when read (DocParser.inline).
            kept = []
            after = _next_offsets(state.tokens, len(state.src))
            before = 0
            for index, token in enumerate(state.tokens):
                kind = token["type"]
                if kind in ("list", "block_quote"):
                    nested = _first_table(token["children"])
                    if nested is not None:  # a container's own offset, if any, is its end
                        _keep_cell_sources(nested, state.env)
                        kept.append({"type": _NESTED_TABLE, "children": [nested], "offset": before, "end": after[index]})
                    continue
                before = token.get("offset", before)
                if kind == "heading":
                    token["source"] = token.pop("text")
                    token["env"] = state.env
                    kept.append(token)
                elif kind == "block_html":
                    if _HTML_TABLE.search(token.get("raw", "")):
                        kept.append({"type": _HTML, "offset": before})
                elif kind in _TOKENS_READ:
                    if kind == "paragraph":
                        token.pop("text", None)
                    elif kind == "table":
                        _keep_cell_sources(token, state.env)
                    kept.append(token)
            state.tokens = kept

        self._state_class = PositionedState
        self._sections: dict[str, Optional[Section]] = {}
        self._markdown = mistune.create_markdown(renderer=None, plugins=[
            "table", "mistune.plugins.table.table_in_list", "mistune.plugins.table.table_in_quote"])
        self._markdown.before_render_hooks.append(keep_what_is_read)

    def section_of(self, heading: str) -> Optional[Section]:
        """The section a heading's text names, if any (memoised: headings repeat)."""
        try:
            return self._sections[heading]
        except KeyError:
            section = self._sections[heading] = SECTION_ALIASES.get(normalize_heading(heading))
            return section

    def inline(self, token: dict[str, Any], env: Any) -> list[dict[str, Any]]:
        """A heading's or table cell's inline tokens, parsed when first asked for (as mistune's render would).

        Text without a character that starts an inline rule of mistune's
        is one text token, as mistune makes it, without asking mistune.
        """
        children = token.get("children")
        if children is None:
            text = token["source"].strip(" \r\n\t\f")
            children = token["children"] = (
                [{"type": "text", "raw": text}] if _PLAIN_INLINE.match(text) else self._markdown.inline(text, env))
        assert isinstance(children, list)
        return children

    def tokens(self, text: str, offset: int = 0) -> list[dict[str, Any]]:
        """The blocks read in ``text``, each with its offset; ``offset``: where ``text`` starts in its doc."""
        result, _ = self._markdown.parse(text, state=self._state_class())
        assert isinstance(result, list)
        if offset:
            for token in result:
                token["offset"] = token.get("offset", 0) + offset
                if "end" in token:
                    token["end"] += offset
        return result

    def parse(self, path: str, text: str, sha256: str = "") -> Optional[DesignDoc]:
        """The design doc in ``text``, or None if it is not one."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not sha256:
            sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        front = _front_matter(path, text)
        if front is not None:
            # Blank lines keep mistune's offsets equal to the file's lines.
            body = "\n" * front.end_line + text.split("\n", front.end_line)[-1]
        else:
            body = text
        return _DocBuilder(self, path, body, front, sha256).build()


class _DocBuilder:
    def __init__(
        self, parser: DocParser, path: str, text: str, front: Optional[_FrontMatter], sha256: str
    ) -> None:
        self.parser = parser
        self.path = path
        self.text = text
        self.front = front
        self.sha256 = sha256
        self.findings: list[Finding] = list(front.findings) if front else []
        self.files: list[FileEntry] = []
        self.rows: list[TestRow] = []
        self._line_starts = [0]
        self._line_starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self._has_leftovers = any(leftover in text for leftover in TEMPLATE_LEFTOVERS)
        self._title_token: Optional[dict[str, Any]] = None
        self._sections_found = False
        self._section: Optional[Section] = None
        """The section being read, if any."""
        self._section_level = 0
        self._section_line = 0
        self._section_has_table = False

    def line_of(self, token: dict[str, Any]) -> int:
        return bisect.bisect_right(self._line_starts, token.get("offset", 0))

    def finding(self, code: Code, line: int, message: str, hint: str = "", severity: Severity = Severity.ERROR) -> None:
        self.findings.append(code.finding(self.path, line, message, hint, severity=severity))

    def build(self) -> Optional[DesignDoc]:
        outline = _outline(self.text)
        for token in self.parser.tokens(self.text) if outline is None else outline:
            if token["type"] == _GAP:
                self._take_gap(token["offset"], token["end"])
            else:
                self._take(token)
        self._close_section(len(self._line_starts) + 1)
        values = self.front.values if self.front else {}
        marked = values.get("designdoc")
        if marked is False or not (self._sections_found or marked is True):
            return None
        return self._doc(self._title_token, values)

    def _take_gap(self, start: int, end: int) -> None:
        """The blocks between two headings: parsed only when a section's table may be there, or a leftover."""
        reading = self._section is not None and not self._section_has_table
        if not reading and not self._has_leftovers:
            return
        gap = self.text[start:end]
        if reading or ("|" in gap and any(leftover in gap for leftover in TEMPLATE_LEFTOVERS)):
            for token in self.parser.tokens(gap, start):
                self._take(token)

    def _take(self, token: dict[str, Any]) -> None:
        kind = token["type"]
        if kind == "heading":
            self._take_heading(token)
        elif kind == "table":
            self._check_leftovers(token)
            if self._section is not None and not self._section_has_table:
                self._section_has_table = True
                self._read_table(self._section, token)
        elif self._section is not None and not self._section_has_table:
            self._section_has_table = self._read_other(self._section, token)

    def _take_heading(self, token: dict[str, Any]) -> None:
        level = token["attrs"]["level"]
        if level == 1 and self._title_token is None:
            self._title_token = token
        if level <= self._section_level:
            self._close_section(self.line_of(token))
        name = self.parser.section_of(_plain(self.parser.inline(token, token["env"])))
        if name is not None:
            self._sections_found = True
            self._section, self._section_level, self._section_line = name, level, self.line_of(token)
            self._section_has_table = False

    def _read_other(self, section: Section, token: dict[str, Any]) -> bool:
        """Whether a block other than a table is the section's table: a broken one, one nested or HTML."""
        kind = token["type"]
        if kind == "paragraph":
            return self._looks_like_broken_table(section, token)
        if kind == _NESTED_TABLE:
            return self._read_nested_table(section, token["children"][0], token)
        if kind == _HTML:
            self.finding(DD020, self.line_of(token), f"the table of section '{_SECTION_TITLES[section]}' is an "
                         "HTML <table>: it was not read", "write it as a Markdown table (| File Path | … |) "
                         "so that what it lists is checked", Severity.WARNING)
            return True
        return False

    def _doc(self, title_token: Optional[dict[str, Any]], values: dict[str, Any]) -> DesignDoc:
        stem = self.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        key, title, line = stem, stem, 1
        is_template = False
        if title_token is not None:
            heading = _plain(self.parser.inline(title_token, title_token["env"])).strip()
            line = self.line_of(title_token)
            is_template = TEMPLATE_KEY in heading
            title = heading
            match = _KEYED_TITLE.match(heading)
            if match:
                key = match.group("bkey") or match.group("key")
                title = (match.group("btitle") if match.group("bkey") else match.group("title")) or heading
        key = str(values.get("key", key))
        title = str(values.get("title", title))
        is_template = is_template or TEMPLATE_KEY in key
        if not is_template:
            self._check_title_leftover(title, line)
        status = Status(values.get("status", Status.ACCEPTED.value))
        return DesignDoc(
            path=self.path,
            key=key,
            title=title,
            line=line,
            status=status,
            enforce=bool(values.get("enforce", True)),
            owners=tuple(values.get("owners", ())),
            is_template=is_template,
            files=tuple(self.files),
            rows=tuple(self.rows),
            findings=tuple(self.findings) if not is_template else (),
            sha256=self.sha256,
        )

    def _close_section(self, end_line: int) -> None:
        """End the section being read, if any, at ``end_line``: a DD020 when it had no table."""
        section, line = self._section, self._section_line
        self._section, self._section_level = None, 0
        if section is None or self._section_has_table:
            return
        starts = self._line_starts
        region = self.text[starts[min(line, len(starts) - 1)]:starts[end_line - 1] if end_line <= len(starts) else None]
        nested = next((line + 1 + index for index, text in enumerate(region.split("\n"))
                       if _NESTED_TABLE_ROW.match(text)), None)
        if nested is not None:
            self.finding(
                DD020, nested,
                f"the table of section '{_SECTION_TITLES[section]}' is inside a blockquote or list: it was not read",
                "move the table out of the blockquote or list (no '>' or '- ' before its rows)",
                Severity.WARNING,
            )
        else:
            self.finding(
                DD020,
                line,
                f"section '{_SECTION_TITLES[section]}' has no table",
                "add a table with a 'File Path' column" if section is not Section.TESTS
                else "add a table with 'Test Type | Files | Coverage Goals' columns",
                Severity.INFO,
            )

    def _read_nested_table(self, section: Section, table: dict[str, Any], container: dict[str, Any]) -> bool:
        """The first table inside a list item or a blockquote, read as GitHub shows it; False when its rows
        cannot be found in the text (mistune gives nested tokens no position)."""
        first = max(self._section_line, self.line_of(container))
        last = self.line_of({"offset": container["end"]})
        line = _nested_table_line(self._lines(first, last), first)
        if line is None:
            return False
        table["offset"] = self._line_starts[line - 1]
        self._check_leftovers(table)
        self._read_table(section, table)
        return True

    def _lines(self, first: int, last: int) -> list[str]:
        """Lines ``first`` to ``last`` (1-based, inclusive) of the text."""
        starts = self._line_starts
        end = starts[last] if last < len(starts) else len(self.text)
        return self.text[starts[first - 1]:end].split("\n")

    def _check_title_leftover(self, title: str, line: int) -> None:
        if "Feature Design" == title.strip():
            self.finding(
                DD022, line, "template leftover: title is still 'Feature Design'",
                "give the doc its feature's title", Severity.WARNING,
            )

    def _check_leftovers(self, table: dict[str, Any]) -> None:
        if not self._has_leftovers:
            return
        rows = table["children"][1]["children"]
        cells = "\n".join(cell["source"] for row in rows for cell in row["children"])
        if not any(text in cells for text in TEMPLATE_LEFTOVERS):  # no leftover holds a line break
            return
        first = self.line_of(table)
        for index, row in enumerate(rows):
            for cell in row["children"]:
                self._check_leftover(cell, table["env"], first + 2 + index)

    def _check_leftover(self, cell: dict[str, Any], env: Any, line: int) -> None:
        leftover = next((text for text in TEMPLATE_LEFTOVERS if text in cell["source"]), None)
        if leftover is not None:
            self.finding(
                DD022, line, f"template leftover '{leftover}' in '{_short(_plain(self.parser.inline(cell, env)))}'",
                "replace the template's placeholder with the real value or delete the row", Severity.WARNING,
            )

    def _table_rows(self, table: dict[str, Any]) -> Iterator[tuple[int, list[_Cell]]]:
        first = self.line_of(table)
        head, body = table["children"]
        inline, env = self.parser.inline, table["env"]
        yield first, [_cell(c, inline(c, env)) for c in head["children"]]
        for index, row in enumerate(body["children"]):
            yield first + 2 + index, [_cell(c, inline(c, env)) for c in row["children"]]

    def _read_table(self, section: Section, table: dict[str, Any]) -> None:
        rows = self._table_rows(table)
        table_line, head = next(rows)
        headers = [normalize_heading(cell.plain) for cell in head]
        if section is Section.TESTS:
            self._read_test_rows(table_line, head, headers, rows)
            return
        path_at = _column(headers, PATH_COLUMN)
        if path_at is None:
            self._missing_column(section, table_line, head, "File Path", PATH_COLUMN)
            return
        for line, cells in rows:
            for path in self._paths(cells[path_at], line):
                self.files.append(FileEntry(section, _test_path(path), line, _other_columns(head, cells, {path_at})))

    def _read_test_rows(self, table_line: int, head: list[_Cell], headers: list[str],
                        rows: Iterator[tuple[int, list[_Cell]]]) -> None:
        files_at = _column(headers, TESTS_COLUMN)
        if files_at is None:
            self._missing_column(Section.TESTS, table_line, head, "Files", TESTS_COLUMN)
            return
        type_at = _column(headers, TYPE_COLUMN)
        goals_at = _column(headers, GOALS_COLUMN)
        used = {i for i in (files_at, type_at, goals_at) if i is not None}
        for line, cells in rows:
            goal_texts = split_goals(cells[goals_at].text) if goals_at is not None else []
            self.rows.append(
                TestRow(
                    line=line,
                    test_type=cells[type_at].plain if type_at is not None else "",
                    test_paths=tuple(_test_path(p) for p in self._paths(cells[files_at], line)),
                    goals=tuple(self.parser._goal_parser(text, line) for text in goal_texts),
                    columns=_other_columns(head, cells, used),
                )
            )

    def _missing_column(
        self, section: Section, line: int, head: list[_Cell], wanted: str, aliases: tuple[str, ...]
    ) -> None:
        found = ", ".join(cell.plain for cell in head) or "none"
        self.finding(
            DD020,
            line,
            f"'{_SECTION_TITLES[section]}' table has no '{wanted}' column (columns: {found})",
            f"name the column '{wanted}' (or one of: {', '.join(a.title() for a in aliases)})",
        )

    def _paths(self, cell: _Cell, line: int) -> list[str]:
        if cell.code:
            return [c for c in cell.code if c and not c.startswith("-") and not _is_placeholder(c)]
        if cell.links:
            return list(cell.links)
        if _is_placeholder(cell.plain):
            return []
        paths = _prose_paths(cell.plain)
        if not paths:
            self.finding(
                DD020, line, f"no file path found in '{_short(cell.plain)}'",
                "write paths relative to rootdir, e.g. `tests/unit/test_auth.py`", Severity.WARNING,
            )
        return paths

    def _looks_like_broken_table(self, section: Section, paragraph: dict[str, Any]) -> bool:
        """A table mistune did not read: rows of the wrong width are read as GitHub does, with a warning."""
        offset = paragraph.get("offset", 0)
        end = self.text.find("\n\n", offset)
        lines = self.text[offset : end if end >= 0 else len(self.text)].split("\n")
        if len(lines) < 2 or "|" not in lines[0] or not _is_delimiter_row(lines[1]):
            return False
        first = self.line_of(paragraph)
        width = _cell_count(lines[0])
        if _cell_count(lines[1]) != width:
            self.finding(
                DD020, first + 1, f"table delimiter row has {_cell_count(lines[1])} cells, header has {width}",
                "give the delimiter row one '---' per column",
            )
            return True
        table = self._padded_table(lines, width, first)
        if table is not None:
            table["offset"] = offset
            self._check_leftovers(table)
            self._read_table(section, table)
        return True

    def _padded_table(self, lines: list[str], width: int, first: int) -> Optional[dict[str, Any]]:
        """The table ``lines`` make once every row has ``width`` cells, with a warning per row that had not; None,
        with an error, when mistune cannot read them even so."""
        odd = _odd_rows(lines[2:], width)
        table = next((token for token in self.parser.tokens("\n".join(
            lines[:2] + [_as_width(row, width) for row in lines[2:]])) if token["type"] == "table"), None)
        if table is None:
            index, cells = odd[0] if odd else (0, width)
            self.finding(DD020, first + 2 + index, f"table row has {cells} cells, header has {width}: "
                         "the table is unreadable", "escape '|' inside cells (also inside code spans) as '\\|'")
            return None
        for index, cells in odd:
            extra = cells - width
            what = "padded with empty cells" if extra < 0 else f"{extra} extra cell{'s' if extra > 1 else ''} dropped"
            self.finding(DD020, first + 2 + index, f"table row has {cells} cells, header has {width}: read as "
                         f"GitHub shows it ({what})", "give every row one cell per column; escape '|' in a cell "
                         "as '\\|'", Severity.WARNING)
        return table


_GAP = "designdoc_gap"
"""Our token for the text between two headings (``offset`` to ``end``), parsed by mistune only when read."""
_OUTLINE_LINE = re.compile(r"^( {0,3})(#{1,6}(?=[ \t]|$)|`{3,}|~{3,}|<|>|[=-]+[ \t]*$)", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_ATX_CLOSING = re.compile(r"(\s+|^)#+\s*$")


def _outline(text: str) -> Optional[list[dict[str, Any]]]:
    """The doc's top-level headings, and the text between them as gaps, found line by line without mistune.

    None when the doc holds a construct after which the lines alone cannot
    tell a heading as mistune would (link reference definitions, HTML
    blocks, setext underlines, indented headings or fences, a heading a
    table row or a blockquote may take in): mistune reads those docs whole.
    """
    if "]:" in text:
        return None
    outline = _Outline(text)
    if not all(outline.take(match) for match in _OUTLINE_LINE.finditer(text)):
        return None
    outline.tokens.append({"type": _GAP, "offset": outline.start, "end": len(text)})
    return outline.tokens


class _Outline:
    """The headings and gaps of a doc so far, fed the lines that may start a block (:data:`_OUTLINE_LINE`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[dict[str, Any]] = []
        self.start = 0
        """Where the current gap starts."""
        self._env: dict[str, Any] = {"ref_links": {}}
        self._fence = ""
        """The fence of the code block the lines are in, if any."""
        self._quoted = -1
        """Where the last blockquote line starts."""

    def take(self, match: re.Match[str]) -> bool:
        """Take the line ``match`` starts; False if mistune must read the doc whole."""
        indent, mark = match.groups()
        at = match.start()
        line_end = self.text.find("\n", at)
        line = self.text[at:line_end if line_end >= 0 else len(self.text)]
        if self._fence:
            if self._closes_fence(mark, line[len(indent) + len(mark):]):
                self._fence = ""
            return True
        if mark[0] == "#":
            return self._heading(line, len(indent), len(mark), at)
        if mark[0] in "`~":
            self._fence = mark
            return not indent and not (mark[0] == "`" and "`" in line[len(mark):])
        if mark == ">":
            self._quoted = at
            return True
        return mark != "<" and not _after_text(self.text, at)

    def _closes_fence(self, mark: str, rest: str) -> bool:
        return mark[0] == self._fence[0] and len(mark) >= len(self._fence) and not rest.strip(" \t")

    def _heading(self, line: str, indent: int, level: int, at: int) -> bool:
        if indent or "|" in line or (self._quoted >= 0 and not _BLANK_LINE.search(self.text, self._quoted, at + 1)):
            return False
        text = line[level:].strip(string.whitespace)
        if text:
            text = _ATX_CLOSING.sub("", text)
        self.tokens.append({"type": _GAP, "offset": self.start, "end": at})
        self.tokens.append({"type": "heading", "source": text, "attrs": {"level": level}, "env": self._env,
                            "offset": at})
        self.start = at + len(line) + 1
        return True


def _after_text(text: str, offset: int) -> bool:
    """Whether the line before ``offset`` holds anything but blanks (a setext underline's text)."""
    if offset == 0:
        return False
    previous = text[text.rfind("\n", 0, offset - 1) + 1:offset - 1]
    return bool(previous.strip(" \t"))


def _other_columns(head: list[_Cell], cells: list[_Cell], used: set[int]) -> tuple[tuple[str, str], ...]:
    """The (header, value) pairs of a row's columns the model has no field for."""
    return tuple((head[i].plain, cells[i].plain) for i in range(len(head)) if i not in used)


def _prose_paths(text: str) -> list[str]:
    """The words of a cell without code spans or links that look like file paths."""
    tokens = [t.strip("()\"'") for t in _PATH_TOKEN_SPLIT.split(text)]
    return [t for t in tokens if t and looks_like_file(t) and not _URL_SCHEME.match(t)]


def _odd_rows(rows: list[str], width: int) -> list[tuple[int, int]]:
    """(index, cell count) of each non-blank row that has not ``width`` cells."""
    counts = ((index, _cell_count(row)) for index, row in enumerate(rows) if row.strip())
    return [(index, cells) for index, cells in counts if cells != width]


def _next_offsets(tokens: list[dict[str, Any]], end: int) -> list[int]:
    """For each token, the offset of the next token that has one (``end`` after the last)."""
    following = [end] * len(tokens)
    for index in range(len(tokens) - 2, -1, -1):
        offset = tokens[index + 1].get("offset")
        following[index] = offset if offset is not None else following[index + 1]
    return following


def _first_table(tokens: list[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """The first table inside a list or blockquote's tokens (mistune bounds their nesting)."""
    for token in tokens:
        if token["type"] == "table":
            return token
        children = token.get("children")
        if token["type"] in ("list", "list_item", "block_quote") and isinstance(children, list):
            found = _first_table(children)
            if found is not None:
                return found
    return None


def _keep_cell_sources(table: dict[str, Any], env: Any) -> None:
    """Each cell's source text (``\\|`` unescaped), read instead of mistune's inline tokens where paths matter.

    The cells are left out of mistune's inline pass: only the tables of the
    sections read need their inline tokens (:meth:`DocParser.inline` parses
    them, with the doc's ``env`` of link references).
    """
    table["env"] = env
    for part in table["children"]:
        rows = [part] if part["type"] == "table_head" else part["children"]
        for row in rows:
            for cell in row["children"]:
                cell["source"] = cell.pop("text").replace("\\|", "|")


def _nested_table_line(lines: list[str], first: int) -> Optional[int]:
    """The line of the first table header in ``lines`` (line ``first`` onwards) once list markers, ``>`` and
    indentation are taken off, outside code fences; None if there is none."""
    bare = [_CONTAINER_PREFIX.sub("", line, count=1) for line in lines]
    fence = ""
    for index, (text, below) in enumerate(zip(bare, bare[1:])):
        if fence:
            fence = "" if text.startswith(fence) else fence
        elif text.startswith(("```", "~~~")):
            fence = text[:3]
        elif "|" in text and _is_delimiter_row(below) and _cell_count(below) == _cell_count(text):
            return first + index
    return None


def _as_width(row: str, width: int) -> str:
    """A table row with ``width`` cells: padded with empty ones or cut, as GitHub renders it."""
    if not row.strip():
        return row
    text = row.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    cells = re.split(r"(?<!\\)\|", text)
    cells = (cells + [""] * width)[:width]
    return "| " + " | ".join(cell.strip() for cell in cells) + " |"


_SECTION_TITLES = {Section.CREATE: "Files to Create", Section.MODIFY: "Files to Modify", Section.TESTS: "Test Strategy"}


def _is_delimiter_row(line: str) -> bool:
    """A GFM table delimiter row (``| --- | :-: |``), checked cell by cell: linear in the line."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return all(_DELIMITER_CELL.match(cell) for cell in text.split("|"))


def _cell_count(line: str) -> int:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return len(re.split(r"(?<!\\)\|", text))


def _short(text: str, limit: int = 60) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _test_path(path: str) -> str:
    """Drop a pytest node id suffix: ``tests/test_a.py::test_x`` → the file."""
    return path.split("::", 1)[0]


def _plain(children: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for child in children:
        kind = child["type"]
        if kind in ("text", "codespan"):
            parts.append(child["raw"])
        elif kind in ("softbreak", "linebreak"):
            parts.append("\n")
        elif kind == "inline_html":
            if _BR.fullmatch(child["raw"].strip()):
                parts.append("\n")
        elif "children" in child:
            parts.append(_plain(child["children"]))
    return "".join(parts)


def _walk_inline(children: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for child in children:
        yield child
        if "children" in child:
            yield from _walk_inline(child["children"])


_PLACEHOLDERS = frozenset({"", "-", "–", "—", "n/a", "na", "none", "tbd", "tba"})


def _is_placeholder(text: str) -> bool:
    """A path cell that says "no file here" (``N/A``, ``none``, ``TBD``, a dash, empty)."""
    return text.strip().strip("*_").strip().lower() in _PLACEHOLDERS


def _cell(token: dict[str, Any], children: list[dict[str, Any]]) -> _Cell:
    code: list[str] = []
    links: list[str] = []
    for child in _walk_inline(children):
        if child["type"] == "codespan":
            code.append(child["raw"].strip())
        elif child["type"] == "link":
            url = unquote(child["attrs"].get("url", "")).split("#", 1)[0].split("?", 1)[0]
            if url and not _URL_SCHEME.match(url):
                links.append(url)
    return _Cell(token.get("source", ""), tuple(code), tuple(links), _plain(children))


def _front_matter(path: str, text: str) -> Optional[_FrontMatter]:
    if not text.startswith("---\n"):
        return None
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        return _FrontMatter({}, 0, [DD021.finding(
            path, 1, "front matter opened with '---' is never closed: none of it was read",
            "close it with a line '---' after the last key (or start the doc with its title)", severity=Severity.ERROR)])
    source = text[4 : 4 + end.start()]
    end_line = text[: 4 + end.end()].count("\n") + 1
    findings: list[Finding] = []
    front = _FrontMatter({}, end_line, findings)

    def bad(line: int, message: str, hint: str = "", severity: Severity = Severity.ERROR) -> None:
        findings.append(DD021.finding(path, line, message, hint, severity=severity))

    if len(source) > MAX_FRONT_MATTER:
        bad(1, f"front matter is larger than {MAX_FRONT_MATTER // 1024} KiB", "keep front matter to a few keys")
        return front
    data, problem = _yaml(source)
    if problem is not None:
        bad(*problem)
    elif data is not None and not isinstance(data, dict):
        bad(1, f"front matter must be a mapping, not {type(data).__name__}", "write 'key: value' lines")
    elif data:
        _take_front_values(front, data, source, bad)
    return front


def _yaml(source: str) -> tuple[Any, Optional[tuple[int, str, str]]]:
    """The front matter's YAML, or the line, message and hint of why it is not YAML."""
    import yaml

    try:
        return yaml.safe_load(source), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 2 + (mark.line if mark is not None else 0)
        message = f"invalid YAML front matter: {exc.problem or exc.context}"
        return None, (line, message, "front matter must be plain YAML")
    except Exception as exc:  # noqa: BLE001 - foreign data: any failure is a finding
        return None, (1, f"invalid YAML front matter: {type(exc).__name__}", "front matter must be plain YAML")


def _take_front_values(front: _FrontMatter, data: dict[Any, Any], source: str,
                       bad: Callable[..., None]) -> None:
    """Each known key's value checked into ``front``; a finding for each unknown key and each bad value."""
    lines = {m.group(1): 2 + source[: m.start()].count("\n") for m in re.finditer(r"^([\w-]+)\s*:", source, re.M)}
    for name, value in data.items():
        line = lines.get(name, 1) if isinstance(name, str) else 1
        check = _FRONT_MATTER_FIELDS.get(name) if isinstance(name, str) else None
        if check is None:
            shown = _short(name, 40) if isinstance(name, str) else type(name).__name__
            bad(line, f"unknown front matter key '{shown}'",
                f"known keys: {', '.join(sorted(FRONT_MATTER_KEYS))}", Severity.WARNING)
            continue
        checked, problem = check(name, value)
        if problem is None:
            front.values[name] = checked
        else:
            bad(line, *problem)


_Checked = tuple[Any, Optional[tuple[str, str]]]
"""A front matter value as the model takes it, or (message, hint) of what is wrong with it."""


def _text_field(name: str, value: Any) -> _Checked:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip(), None
    return None, (f"front matter '{name}' must be a non-empty string", "")


def _status_field(name: str, value: Any) -> _Checked:
    status = value.lower() if isinstance(value, str) else None
    if status in {s.value for s in Status}:
        return status, None
    shown = _short(value, 40) if isinstance(value, str) else type(value).__name__
    return None, (f"front matter status '{shown}' is not one of {', '.join(s.value for s in Status)}",
                  "the default is 'accepted'")


def _bool_field(name: str, value: Any) -> _Checked:
    if isinstance(value, bool):
        return value, None
    return None, (f"front matter '{name}' must be true or false", "")


def _owners_field(name: str, value: Any) -> _Checked:
    owners = [value] if isinstance(value, str) else value
    if isinstance(owners, list) and all(isinstance(o, str) for o in owners):
        return tuple(owners), None
    return None, ("front matter 'owners' must be a list of strings", "")


_FRONT_MATTER_FIELDS: dict[str, Callable[[str, Any], _Checked]] = {
    "key": _text_field, "title": _text_field, "status": _status_field,
    "enforce": _bool_field, "designdoc": _bool_field, "owners": _owners_field,
}
FRONT_MATTER_KEYS = frozenset(_FRONT_MATTER_FIELDS)
