"""Property-based: no Markdown input makes the parser raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_designdoc.model import DesignDoc
from pytest_designdoc.parse import DocParser

PARSER = DocParser()

FRAGMENTS = [
    "# K-1 - T\n", "# [FEATURE_KEY] - x\n", "## Files to Create\n", "### 2. **Test Strategy**:\n",
    "## Files to Modify\n", "## Tests\n", "| File Path | Purpose |\n", "|---|---|\n", "| `a.py` | x |\n",
    "| Test Type | Files | Coverage Goals |\n", "|---|---|---|\n", "| Unit | `t/test_a.py` | 90%; `f()` |\n",
    "| a | b | c | d |\n", "|\n", "||\n", "| `x|y` |\n", "---\n", "status: draft\n", "key: [\n", "!!python/object {}\n",
    "```\n", "> quote\n", "- item\n", "  - nested\n", "Title\n=====\n", "<br>", "\\|", "\r\n", "\t", "\x00", "\ufeff",
    "[link](../../etc/passwd)\n", "`/abs/path.py`\n",
]


def check(text: str) -> None:
    doc = PARSER.parse("docs/fuzz.md", text)
    assert doc is None or isinstance(doc, DesignDoc)
    if doc is not None:
        for finding in doc.findings:
            assert finding.line >= 0 and finding.path == "docs/fuzz.md"


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
