"""One self-contained HTML page: no network, readable without scripts.

Scripts only add filters (doc state, goal status) and a search by key or
file; everything is in the markup. Each finding links to the line of the
doc it is about (the files or test strategy row, else the doc heading).
"""

from __future__ import annotations

from html import escape

from .data import DocData, FindingData, GoalData, ReportData
from .view import (
    STATUS_ORDER,
    anchor,
    DOC_STATE_MEANINGS,
    GOAL_STATUS_MEANINGS,
    doc_state,
    doc_status_text,
    docs_worst_first,
    findings_in_order,
    goal_details,
    rows_with_reasons,
    summary_text,
    test_file_counts,
    waiver_text,
)

_FOLD_AT = 160

_CSS = """
:root { --met: #1a7f37; --failed: #cf222e; --manual: #8250df; --not_run: #9a6700; --unmeasurable: #57606a;
        --border: #d0d7de; --muted: #57606a; font-family: system-ui, sans-serif; color: #1f2328; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: .2rem 0; } h2 { font-size: 1.15rem; margin: 0 0 .3rem; }
code { font-family: ui-monospace, monospace; font-size: .9em; background: #f6f8fa; padding: 0 .2em; border-radius: 3px; }
.muted { color: var(--muted); font-size: .9rem; }
.bar { display: flex; height: .9rem; border-radius: 4px; overflow: hidden; background: #eaeef2; margin: .5rem 0; }
.bar span { display: block; }
.bar .met { background: var(--met); } .bar .failed { background: var(--failed); }
.bar .manual { background: var(--manual); } .bar .not_run { background: var(--not_run); }
.bar .unmeasurable { background: var(--unmeasurable); }
#filters { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; margin: .6rem 0;
           padding: .5rem .7rem; border: 1px solid var(--border); border-radius: 6px; }
#filters[hidden] { display: none; }
#filters input[type=search] { flex: 1 1 14rem; padding: .25rem .4rem; }
article { border: 1px solid var(--border); border-left-width: 6px; border-radius: 6px; padding: .7rem 1rem;
          margin: 1rem 0; }
article.failed { border-left-color: var(--failed); } article.warning { border-left-color: #d4a72c; }
article.ok { border-left-color: var(--met); }
article.unchecked { border-left-color: var(--border); background: #f6f8fa; }
.legend { display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; margin: .3rem 0; padding: 0; list-style: none; }
.legend .swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem;
                  vertical-align: -.1rem; }
.swatch.failed { background: var(--failed); } .swatch.warning { background: #d4a72c; }
.swatch.ok { background: var(--met); } .swatch.unchecked { background: var(--border); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .92rem; }
th, td { border: 1px solid var(--border); padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr:target, li:target, h2:target { background: #fff8c5; }
ul.findings { padding-left: 1.2rem; margin: .4rem 0; } ul.goals { list-style: none; padding: 0; margin: 0; }
.sev-error { color: var(--failed); font-weight: 600; } .sev-warning { color: #9a6700; font-weight: 600; }
li.waived { color: var(--muted); }
.goal::before { content: "●"; margin-right: .35rem; }
.goal.met::before { color: var(--met); } .goal.failed::before { color: var(--failed); }
.goal.manual::before { color: var(--manual); } .goal.not_run::before { color: var(--not_run); }
.goal.unmeasurable::before { color: var(--unmeasurable); }
.status { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.missing { color: var(--muted); font-size: .85rem; }
details summary { cursor: pointer; }
.hidden { display: none !important; }
"""

_SCRIPT = """
(function () {
  var filters = document.getElementById("filters");
  filters.hidden = false;
  var boxes = Array.prototype.slice.call(filters.querySelectorAll("input[type=checkbox]"));
  var search = document.getElementById("search");
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  function apply() {
    var shownStates = {}, shownGoals = {};
    boxes.forEach(function (box) {
      (box.dataset.state ? shownStates : shownGoals)[box.dataset.state || box.dataset.goal] = box.checked;
    });
    var query = search.value.trim().toLowerCase();
    var visible = 0;
    docs.forEach(function (doc) {
      var show = shownStates[doc.dataset.state] && (!query || doc.dataset.search.indexOf(query) >= 0);
      doc.classList.toggle("hidden", !show);
      if (show) { visible += 1; }
      doc.querySelectorAll("li.goal").forEach(function (goal) {
        goal.classList.toggle("hidden", !shownGoals[goal.dataset.status]);
      });
    });
    document.getElementById("shown").textContent = visible + " of " + docs.length + " docs shown";
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  apply();
})();
"""


def render(data: ReportData) -> str:
    docs = docs_worst_first(data)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        "<title>pytest-designdoc report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>pytest-designdoc</h1>",
        f'<p id="summary">{escape(summary_text(data))}</p>',
        _bar(data["summary"]["goals"]),
        _legend(),
        f'<p class="muted">rootdir <code>{escape(data["rootdir"])}</code> · created {escape(data["created"])}'
        f"{_coverage(data)}</p>",
        _filters(),
        "</header><main>",
    ]
    orphans = findings_in_order(data["findings"])
    if orphans:
        parts.append('<section id="other-findings"><h2>Findings outside any doc</h2>')
        parts.append(_findings(orphans, {}))
        parts.append("</section>")
    for doc in docs:
        parts.append(_doc(doc, data.get("coverage", {}).get("note", "")))
    parts.append(f"</main><script>{_SCRIPT}</script></body></html>\n")
    return "\n".join(parts)


def _bar(goals: dict[str, int]) -> str:
    total = sum(goals.values())
    if not total:
        return ""
    spans = "".join(
        f'<span class="{status}" style="width:{100 * goals[status] / total:.3f}%" '
        f'title="{goals[status]} {status.replace("_", " ")}"></span>'
        for status in ("met", "failed", "unmeasurable", "not_run", "manual") if goals.get(status)
    )
    return f'<div class="bar" role="img" aria-label="goals by status">{spans}</div>'


def _legend() -> str:
    """What the colours mean: goal statuses (the dots and the bar) and doc states (the left border)."""
    goals = "".join(f'<li><span class="goal {status}"><b>{status.replace("_", " ")}</b></span>: '
                    f"{escape(meaning)}</li>" for status, meaning in GOAL_STATUS_MEANINGS.items())
    docs = "".join(f'<li><span class="swatch {state}"></span>{escape(meaning)}</li>'
                   for state, meaning in DOC_STATE_MEANINGS.items())
    return (f'<section id="legend" aria-label="legend"><ul class="legend" aria-label="goal statuses">{goals}</ul>'
            f'<ul class="legend" aria-label="doc borders">{docs}</ul></section>')


def _coverage(data: ReportData) -> str:
    coverage = data.get("coverage")
    if not coverage:
        return ""
    note = f" ({escape(coverage['note'])})" if coverage.get("note") else ""
    source = coverage.get("source", "not measured")
    return f" · coverage: {escape(source)}, {escape(coverage['scope'])} scope{note}"


def _filters() -> str:
    states = "".join(f'<label><input type="checkbox" data-state="{s}" checked> {label}</label>'
                     for s, label in (("failed", "docs with errors"), ("warning", "with warnings"), ("ok", "clean"),
                                      ("unchecked", "not checked")))
    goals = "".join(f'<label><input type="checkbox" data-goal="{s}" checked> {s.replace("_", " ")}</label>'
                    for s in STATUS_ORDER)
    return (f'<div id="filters" hidden>{states}<span class="muted">goals:</span>{goals}'
            '<input type="search" id="search" placeholder="search key or file" aria-label="search key or file">'
            '<span id="shown" class="muted"></span></div>')


def _doc(doc: DocData, note: str = "") -> str:
    path = doc["path"]
    lines = {entry["line"] for entry in doc["files"]} | {row["line"] for row in doc["rows"]}
    targets = {line: anchor(path, line) for line in lines}
    heading = anchor(path, doc.get("line", 1))
    state = doc_state(doc)
    digest = f" · sha256 <code>{escape(doc['sha256'][:12])}</code>" if doc.get("sha256") else ""
    parts = [
        f'<article class="doc {state}" data-state="{state}" data-search="{escape(_searchable(doc))}">',
        f'<h2 id="{heading}">{escape(doc["key"])} — {escape(doc["title"])} '
        f'<span class="status">{escape(doc_status_text(doc))}</span></h2>',
        f'<p class="muted"><code>{escape(path)}</code>{digest}</p>',
    ]
    findings = findings_in_order(doc["findings"])
    if findings:
        parts.append(_findings(findings, targets, heading))
    parts += _files_table(doc, targets) + _rows_table(doc, targets, note)
    parts.append("</article>")
    return "\n".join(parts)


def _searchable(doc: DocData) -> str:
    """What the search finds the doc by, lower case: its key, its path, and every file it names."""
    return " ".join([doc["key"], doc["path"]] + [f["path"] for f in doc["files"]]
                    + [t["path"] for row in doc["rows"] for t in row["test_files"]]
                    + [f for row in doc["rows"] for g in row["goals"] for f in g.get("files", [])]).lower()


def _files_table(doc: DocData, targets: dict[int, str]) -> list[str]:
    """The doc's Files entries and whether each exists, each row the target of its line; nothing when it has none."""
    if not doc["files"]:
        return []
    parts = ["<table><thead><tr><th>Line</th><th>Section</th><th>File</th><th>Exists</th></tr></thead><tbody>"]
    for entry in doc["files"]:
        parts.append(f'<tr id="{targets[entry["line"]]}"><td>{entry["line"]}</td><td>{escape(entry["section"])}</td>'
                     f'<td><code>{escape(entry["path"])}</code></td><td>{"yes" if entry["exists"] else "no"}</td></tr>')
    return parts + ["</tbody></table>"]


def _rows_table(doc: DocData, targets: dict[int, str], note: str) -> list[str]:
    """The doc's test strategy rows, their test files and goals, each row the target of its line; nothing without
    rows."""
    if not doc["rows"]:
        return []
    parts = ["<table><thead><tr><th>Line</th><th>Type</th><th>Test files</th><th>Goals</th></tr></thead><tbody>"]
    for row, goals in rows_with_reasons(doc, note):
        tests = "<br>".join(f"<code>{escape(t['path'])}</code> {escape(test_file_counts(t))}"
                            for t in row["test_files"])
        items = "".join(_goal(goal, reason) for goal, reason in goals)
        parts.append(f'<tr id="{targets[row["line"]]}"><td>{row["line"]}</td><td>{escape(row["type"])}</td>'
                     f'<td>{tests}</td><td><ul class="goals">{items}</ul></td></tr>')
    return parts + ["</tbody></table>"]


def _goal(goal: GoalData, reason: str = "") -> str:
    details = goal_details(goal)
    text = f'<li class="goal {goal["status"]}" data-status="{goal["status"]}">{escape(goal["text"])} '
    text += f'<span class="status">{goal["status"].replace("_", " ")}</span>'
    if details:
        text += f" <span class=\"muted\">{escape(details)}</span>"
    if goal.get("missing"):
        text += _long(f"missing: {goal['missing']}", "missing")
    if reason:
        text += _long(f"why: {reason}", "muted")
    return text + "</li>"


def _long(text: str, css: str) -> str:
    """Text as a block; long text folded in <details> (which needs no script)."""
    if len(text) <= _FOLD_AT:
        return f'<div class="{css}">{escape(text)}</div>'
    return (f'<details class="{css}"><summary>{escape(text[:_FOLD_AT].rsplit(", ", 1)[0])}, …</summary>'
            f"{escape(text)}</details>")


def _findings(findings: list[FindingData], targets: dict[int, str], fallback: str = "") -> str:
    items = []
    for finding in findings:
        where = f"{finding['path']}:{finding['line']}"
        target = targets.get(finding["line"], fallback)
        location = f'<a href="#{target}">{escape(where)}</a>' if target else escape(where)
        hint = _long(f"hint: {finding['hint']}", "muted") if finding.get("hint") else ""
        waived = waiver_text(finding)
        if waived:
            hint = _long(waived, "muted")
        css = ' class="waived"' if waived else ""
        items.append(f'<li{css}><span class="sev-{escape(finding["severity"])}">{escape(finding["code"])} '
                     f'{escape(finding["severity"])}</span> {location} {escape(finding["message"])}{hint}</li>')
    return f'<ul class="findings">{"".join(items)}</ul>'
