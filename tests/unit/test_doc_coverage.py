"""The per-doc coverage renderers and file names (the figures are tested against coverage.py in
tests/integration/test_doc_coverage.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from pytest_designdoc.evaluate import FileLines
from pytest_designdoc.report.doc_coverage import DocScope, _file_names, cobertura, lcov

SCOPE = DocScope("AUTH-1 -- <login>", "docs/design/a&b.md", {"src/a.py": ("tests/test_a.py",)})
LINES = {"src/a.py": FileLines(frozenset({1, 2, 3}), frozenset({3}), {2: ((-1, False), (3, False))}, True),
         "src/pkg/b.py": FileLines(frozenset(), frozenset(), {}, True)}


def test_keys_become_safe_distinct_file_names() -> None:
    assert _file_names(["AUTH-1", "auth-1", "a/b", "../..", "API v2"], ".xml") == [
        "AUTH-1.xml", "auth-1-2.xml", "a-b.xml", "doc.xml", "API-v2.xml"]


def test_cobertura_escapes_what_the_doc_names_and_counts_like_coverage_xml() -> None:
    root = ElementTree.fromstring(cobertura(SCOPE, LINES, "/r&d"))
    assert [s.text for s in root.iter("source")] == ["/r&d"]
    assert (root.attrib["lines-valid"], root.attrib["lines-covered"], root.attrib["line-rate"]) == ("3", "2", "0.6667")
    assert (root.attrib["branches-valid"], root.attrib["branch-rate"]) == ("2", "0")
    assert [p.attrib["name"] for p in root.iter("package")] == ["src", "src.pkg"]
    empty = [c for c in root.iter("class") if c.attrib["filename"] == "src/pkg/b.py"][0]
    assert (empty.attrib["line-rate"], empty.attrib["branch-rate"]) == ("1", "1"), "nothing to count is 1"
    unmeasured = ElementTree.fromstring(cobertura(SCOPE, {"src/a.py": FileLines(frozenset({1}), frozenset(), {})}, "/"))
    assert unmeasured.attrib["branch-rate"] == "0", "no branch data is 0, as coverage xml writes it"
    branch = [dict(line.attrib) for line in root.iter("line")][1]
    assert branch == {"number": "2", "hits": "1", "branch": "true", "condition-coverage": "0% (0/2)",
                      "missing-branches": "exit,3"}


def test_lcov_names_the_test_by_the_doc_and_marks_a_line_that_never_branched() -> None:
    text = lcov(SCOPE, LINES, "/r")
    assert text.splitlines()[:9] == ["TN:AUTH_1_____login_", "SF:src/a.py", "DA:1,1", "DA:2,1", "DA:3,0", "LF:3",
                                     "LH:2", "BRDA:2,0,0,-", "BRDA:2,0,1,-"]
    taken = lcov(SCOPE, {"src/a.py": FileLines(frozenset({2, 3}), frozenset(), {2: ((-1, True), (3, False))}, True)}, "/")
    assert "BRDA:2,0,0,0\nBRDA:2,0,1,1\n" in taken, "the exit from the function comes last, as in coverage lcov"
    assert text.count("end_of_record\n") == 2 and "BRF:2\nBRH:0\n" in text
