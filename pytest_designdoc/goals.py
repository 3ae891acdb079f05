"""The Coverage Goals grammar: cell text → goals.

A goal is a percent goal (``>= 90% line coverage of src/a.py``), a symbol
goal (``login()``, ``src/auth.py::AuthService.refresh``, ``pkg.auth:login``,
``login() 100%``) or, when it is neither, a manual goal: prose that is
reported, never dropped. The grammar is strict about meaning: a percent
next to words it does not understand ("90% of users log in") is manual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .model import Goal, GoalKind, Metric

_BREAK = re.compile(r"<br\s*/?>|\n|;", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_BACKTICKS = re.compile(r"`+")
_SNAKE_OR_DOTTED = re.compile(r"^[a-z_][a-z0-9]*(?:_[a-z0-9]+)+$|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
"""A bare name that reads as code outside backticks: ``wrap_text``, ``Calc.div`` (not a word like ``login``)."""
_KIND_WORDS = frozenset({"class", "function", "method", "methods", "every", "all", "each", "of"})
_PAIR = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%\s*/\s*(\d{1,3}(?:\.\d+)?)\s*%\s+(lines?|statements?)\s*/\s*(branch(?:es)?)",
                   re.IGNORECASE)
_MAX_SOFT_SPLITS = 64
"""A cell with more commas or 'and's than this is one goal: no goal list is that long, and splitting costs."""
_PERCENT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s*(?:%|\bpercent\b)\+?", re.IGNORECASE)
_FULLY = re.compile(r"\b(?:fully\s+covered|full\s+coverage|fully)\b", re.IGNORECASE)
_AT_LEAST = re.compile(r"≥|>=|=>|>|\bat\s+least\b|\bminimum\b|\bmin\b", re.IGNORECASE)
_AT_MOST = re.compile(r"≤|<|\bat\s+most\b|\bmaximum\b|\bmax\b", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_EACH = re.compile(r"\b(?:each|per|every)\b", re.IGNORECASE)
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_NAMED_KIND = re.compile(rf"\b(?:(?:every|all|each)\s+methods?\s+of|class|function|method)\s+({_IDENT}(?:\.{_IDENT})*)\b"
                         rf"|\b({_IDENT}(?:\.{_IDENT})*)\s+(?:class|function|method)\b", re.IGNORECASE)
_PUBLIC = re.compile(r"\b(public\s+(?:api|interface|functions?(?:\s+and\s+methods?)?|methods?))\b"
                     r"(?:\s+(?:of|in|on)\s+([^\s,;]+))?", re.IGNORECASE)
"""``public API of X``, ``all public functions of X``: X's public functions and methods (SPEC §2, Symbols)."""
_CHANGED = re.compile(r"\b(?:changed|new|modified)\s+(?:lines?|code|statements?)\b", re.IGNORECASE)
"""``changed lines 90%``, ``new code fully covered``: what the pull request changes (SPEC §7)."""
_COVERAGE_WORD = re.compile(r"\bcover|\bexecut|\bexercis|\btested\b", re.IGNORECASE)
_QUALNAME = re.compile(rf"^{_IDENT}(?:\.{_IDENT})*$")
_CALL = re.compile(rf"^({_IDENT}(?:\.{_IDENT})*)\(\)$")
_MODULE_SYMBOL = re.compile(rf"^({_IDENT}(?:\.{_IDENT})*):({_IDENT}(?:\.{_IDENT})*)$")
_SOFT_SEPARATOR = re.compile(r",|\s+and\s+")
_WORD_SPLIT = re.compile(r"[\s,]+")

_FILE_EXTENSIONS = frozenset(
    "py pyi pyx pxd js jsx ts tsx mjs cjs json yaml yml toml cfg ini txt md rst html css "
    "sql sh go rs java kt rb c h cc cpp hpp cs swift php".split()
)
_SYMBOL_KINDS = frozenset({"class", "function", "method", "methods"})
_LINE_WORDS = frozenset({"line", "lines", "statement", "statements", "stmt", "stmts"})
_BRANCH_WORDS = frozenset({"branch", "branches"})
_FILLER = frozenset(
    """coverage covered cover covers of for in on the all and with code test tests tested
    target targets goal minimum min at least per each every file files overall total combined
    fully full by across over source sources module modules is are be must should
    executed exercised called run""".split()
)


def split_goals(cell: str) -> list[str]:
    """Split a Coverage Goals cell into goal texts.

    Breaks on ``;``, ``<br>``, line breaks and list markers; a comma or
    ``and`` splits only when both sides are machine-checkable goals.
    """
    goals: list[str] = []
    for chunk in _split_outside_code(cell, _BREAK):
        chunk = _LIST_MARKER.sub("", chunk).strip()
        if not chunk:
            continue
        pair = _PAIR.search(chunk)
        if pair:
            first, second, lines, branches = pair.groups()
            goals.append(chunk[:pair.start()] + f"{first}% {lines}" + chunk[pair.end():])
            goals.append(chunk[:pair.start()] + f"{second}% {branches}" + chunk[pair.end():])
            continue
        goals.extend(_split_when_both_parse(chunk))
    return goals


def _split_when_both_parse(chunk: str) -> list[str]:
    spans = _spans_outside_code(chunk, _SOFT_SEPARATOR)
    if len(spans) < 2 or len(spans) > _MAX_SOFT_SPLITS:
        return [chunk.strip()]
    texts = [chunk[lo:hi].strip() for lo, hi in _checkable_groups(chunk, spans)]
    if len(texts) > 1 and not all(_is_checkable(text) for text in texts):
        return [chunk.strip()]
    return [text for text in texts if text]


def _checkable_groups(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans joined wherever a separator has a side that is no machine-checkable goal."""
    groups: list[tuple[int, int]] = []
    first, last = spans[0]
    for lo, hi in spans[1:]:
        if _is_checkable(chunk[first:last]) and _is_checkable(chunk[lo:hi]):
            groups.append((first, last))
            first = lo
        last = hi
    groups.append((first, last))
    return groups


def _is_checkable(text: str) -> bool:
    return parse_goal(text, 0).kind is not GoalKind.MANUAL


def _split_outside_code(text: str, separator: re.Pattern[str]) -> list[str]:
    return [text[lo:hi] for lo, hi in _spans_outside_code(text, separator)]


def _spans_outside_code(text: str, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """The (start, end) spans between ``separator`` matches outside code spans."""
    spans: list[tuple[int, int]] = []
    start = 0
    protected = iter(code_spans(text))
    current = next(protected, None)
    for m in separator.finditer(text):
        while current is not None and current[1] <= m.start():
            current = next(protected, None)
        if current is not None and current[0] <= m.start():
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def code_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, fence length) of each code span in ``text``, in order; linear in its length.

    As CommonMark reads them: a run of backticks opens a span that the next
    run of exactly the same length closes; a run no such run follows is text.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    closer = [-1] * len(runs)
    latest: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        closer[index] = latest.get(length, -1)
        latest[length] = index
    spans = []
    index = 0
    while index < len(runs):
        end = closer[index]
        if end < 0:
            index += 1
            continue
        spans.append((runs[index][0], runs[end][1], runs[index][1] - runs[index][0]))
        index = end + 1
    return spans


def looks_like_file(token: str) -> bool:
    return "/" in token or _has_file_extension(token)


def _has_file_extension(token: str) -> bool:
    stem, dot, extension = token.rpartition(".")
    return bool(dot and stem and extension.lower() in _FILE_EXTENSIONS)


def parse_goal(text: str, line: int) -> Goal:
    """Parse one goal text (already split from its cell)."""
    text = text.strip()
    manual = Goal(text=text, line=line, kind=GoalKind.MANUAL)
    body = text.rstrip(".").strip()
    public = _PUBLIC.search(body)
    if public:
        if _PUBLIC.search(body, public.end()):
            return manual
        body = f"{body[:public.start()]} {_public_scope(public.group(2))} {body[public.end():]}"
    references = _References(public=bool(public))
    changed = _CHANGED.search(body)
    if changed:
        body = f"{body[:changed.start()]} {body[changed.end():]}"
        references.metrics.add(Metric.CHANGED)
    body = _without_code_spans(_NAMED_KIND.sub(_as_code, body), references)
    if not body or _AT_MOST.search(body):
        return manual
    percent = _required_percent(body)
    if percent is None:
        return manual
    required, body = percent
    each_file = bool(_EACH.search(body)) and not public
    if not references.read_words(_AT_LEAST.sub(" ", body)):
        return manual
    return references.goal(text, line, required, each_file) or manual


def _public_scope(scope: Optional[str]) -> str:
    """What ``public API of X`` names: X as a code span when it reads as a name ("of Calc", "of click.utils")."""
    if not scope:
        return ""
    name = scope.rstrip(".")
    if "`" in name or looks_like_file(name) or not _QUALNAME.match(name) or name.lower() in _FILLER:
        return scope
    return f"`{name}`"


@dataclass
class _References:
    """The files, symbols and metric words one goal text names."""

    files: list[str] = field(default_factory=list)
    symbols: list[tuple[Optional[str], str]] = field(default_factory=list)
    metrics: set[Metric] = field(default_factory=set)
    public: bool = False
    kinds: bool = False
    """The text says what a symbol is ("`Calc` class"): fine beside a symbol, no goal without one."""

    def read_words(self, body: str) -> bool:
        """Take the words outside code spans; False when one is neither filler nor a reference."""
        for word in _WORD_SPLIT.split(body):
            if not _CALL.match(word):
                word = word.strip("()[]:")
            if not word:
                continue
            lowered = word.lower()
            if lowered in _LINE_WORDS:
                self.metrics.add(Metric.LINE)
            elif lowered in _BRANCH_WORDS:
                self.metrics.add(Metric.BRANCH)
            elif lowered in _SYMBOL_KINDS:
                self.kinds = True
            elif lowered not in _FILLER and lowered not in ("-", "–", "—", ":", "=") and not _classify_reference(
                word, self.files, self.symbols, code=False
            ):
                return False
        return True

    def goal(self, text: str, line: int, required: Optional[float], each_file: bool) -> Optional[Goal]:
        """The symbol or percent goal the references make, or None when they make no single goal."""
        if self._ambiguous(each_file):
            return None
        if self.public:
            return self._public_goal(text, line, required)
        if self.symbols:
            return self._symbol_goal(text, line, required)
        if self.kinds or required is None:
            return None
        return Goal(text=text, line=line, kind=GoalKind.PERCENT, metric=self._metric(required), required=required,
                    files=tuple(self.files), each_file=each_file)

    def _ambiguous(self, each_file: bool) -> bool:
        """Two metrics or two symbols, or changed lines of something else than files: no single goal."""
        if len(self.metrics) > 1 or len(self.symbols) > 1:
            return True
        # changed lines count per row over its files, not per function
        return Metric.CHANGED in self.metrics and bool(self.public or self.symbols or self.kinds or each_file)

    def _symbol_goal(self, text: str, line: int, required: Optional[float]) -> Optional[Goal]:
        """The one symbol named, in the one file named with it (``file.py::name`` or beside it), if any."""
        symbol_file, symbol = self.symbols[0]
        if (self.metrics and required is None) or len(self.files) > 1 or (self.files and symbol_file):
            return None
        symbol_file = symbol_file or (self.files[0] if self.files else None)
        return Goal(text=text, line=line, kind=GoalKind.SYMBOL, metric=self._metric(required),
                    required=required, files=(symbol_file,) if symbol_file else (), symbol=symbol)

    def _metric(self, required: Optional[float]) -> Optional[Metric]:
        """What a percent counts, for a file and a function alike: the metric word named, else coverage.py's total."""
        if required is None:
            return None
        return next(iter(self.metrics)) if self.metrics else Metric.TOTAL

    def _public_goal(self, text: str, line: int, required: Optional[float]) -> Optional[Goal]:
        """The public functions of the class or module named, or of the files named, or of the doc's sources."""
        symbol_file, symbol = self.symbols[0] if self.symbols else (None, None)
        if (self.metrics and required is None) or (symbol_file and self.files):
            return None
        return Goal(text=text, line=line, kind=GoalKind.SYMBOL, metric=self._metric(required),
                    required=required, files=(symbol_file,) if symbol_file else tuple(self.files), symbol=symbol,
                    public=True)


def _as_code(match: re.Match[str]) -> str:
    """``HelpFormatter class``, ``function wrap_text``, ``every method of Calc``: the name as a code span.

    Only names that read as code (a capital, an underscore or a dot) are
    taken: "the class hierarchy" stays prose.
    """
    name = match.group(1) or match.group(2)
    if name.lower() in _KIND_WORDS or not (name[0].isupper() or "_" in name or "." in name):
        return match.group(0)
    return f"`{name}`"


def _without_code_spans(body: str, references: _References) -> str:
    """``body`` with its code spans taken as references and its HTML tags dropped; '' when a span is neither."""
    pieces = []
    start = 0
    for lo, hi, fence in code_spans(body):
        inner = body[lo + fence:hi - fence].strip()
        if not inner or not _classify_reference(inner, references.files, references.symbols, code=True):
            return ""
        pieces.append(body[start:lo])
        start = hi
    pieces.append(body[start:])
    return _HTML_TAG.sub(" ", " ".join(pieces))


def _required_percent(body: str) -> Optional[tuple[Optional[float], str]]:
    """The percent the text requires (``fully`` is 100), if any, and the text without it.

    None when the text names two percents or one above 100: no goal.
    """
    percents = _PERCENT.findall(body)
    required: Optional[float] = None
    if percents:
        required = float(percents[0])
        body = _PERCENT.sub(" ", body)
    elif _FULLY.search(body):
        required = 100.0
    if len(percents) > 1 or (required is not None and required > 100.0):
        return None
    return required, _FULLY.sub(" ", body)


def looks_like_a_goal(text: str) -> str:
    """What a manual goal's text names that a coverage goal would (a percent, a file, a function), or ''.

    Prose that names none of them is a manual goal on purpose; prose that
    does was probably meant to be checked.
    """
    named = [found for found in (_named_percent(text), _named_file(text), _named_call(text), _named_public(text))
             if found]
    return ", ".join(named) or _named_code(text)


def _named_percent(text: str) -> str:
    percent = _PERCENT.search(text)
    return f"the percent {percent.group(0).strip()}" if percent else ""


def _named_file(text: str) -> str:
    files = [word for word in (word.strip("`()[]:;,.'\"") for word in _WORD_SPLIT.split(text))
             if _has_file_extension(word)]
    return f"the file {files[0]}" if files else ""


def _named_call(text: str) -> str:
    calls = [word.strip("`.,;:") for word in _WORD_SPLIT.split(text) if _CALL.match(word.strip("`.,;:"))]
    return f"the function {calls[0]}" if calls else ""


def _named_public(text: str) -> str:
    public = _PUBLIC.search(text)
    return f"the {public.group(1)}" if public and _COVERAGE_WORD.search(text) else ""


def _named_code(text: str) -> str:
    """Code in backticks beside a coverage word (``all of `shop.cart` tested``)."""
    if not _COVERAGE_WORD.search(text):
        return ""
    code = [text[lo + fence:hi - fence].strip() for lo, hi, fence in code_spans(text)]
    names = [name for name in code if _QUALNAME.match(name.removesuffix("()")) or looks_like_file(name)]
    return f"the code `{names[0]}`" if names else ""


def _classify_reference(
    token: str, files: list[str], symbols: list[tuple[Optional[str], str]], *, code: bool
) -> bool:
    """Record ``token`` as a file or symbol reference; False if it is neither."""
    symbol = _qualified_symbol(token, code=code)
    if symbol is None and "::" not in token:
        if looks_like_file(token):
            files.append(token)
            return True
        if (code or _SNAKE_OR_DOTTED.match(token)) and _QUALNAME.match(token):
            symbol = (None, token)
    if symbol is None:
        return False
    symbols.append(symbol)
    return True


def _qualified_symbol(token: str, *, code: bool) -> Optional[tuple[Optional[str], str]]:
    """``file.py::name``, ``name()`` or (in code) ``pkg.mod:name``: the file it names, if any, and the name."""
    if "::" in token:
        path, _, qualname = token.partition("::")
        qualname = qualname.removesuffix("()")
        return (path, qualname) if looks_like_file(path) and _QUALNAME.match(qualname) else None
    call = _CALL.match(token)
    if call:
        return None, call.group(1)
    module_symbol = _MODULE_SYMBOL.match(token)
    if module_symbol and code:
        module, qualname = module_symbol.groups()
        return module.replace(".", "/") + ".py", qualname
    return None
