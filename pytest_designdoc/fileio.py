"""The files the project reads and writes outside pytest's own: JSON a stranger may have written (a saved
report, a shard's evidence file), read bounded and checked; reports and evidence written atomically as UTF-8.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from typing import Any, Callable, Optional

MAX_JSON_BYTES = 64 * 1024 * 1024


def load_json(path: str, max_bytes: int = MAX_JSON_BYTES) -> object:
    """A saved JSON file (a report, shard evidence), read as untrusted: bounded in size, ValueError when unusable."""
    from .safepath import read_file

    raw = read_file(path, max_bytes)
    try:
        text = raw.decode("utf-8")
        data = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except RecursionError:
        raise ValueError("it is nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"it is not UTF-8 ({exc.reason})") from None
    if _SURROGATE_ESCAPE.search(text):
        where = _lone_surrogate(data)
        if where is not None:
            raise ValueError(f"{where or 'its top level'} holds a lone surrogate (\\ud800-\\udfff), which is not "
                             "text")
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""JSON text can hold a surrogate only as such an escape: without one, no walk is needed."""


def _lone_surrogate(data: object) -> Optional[str]:
    """Where the first string (or object key) with a lone surrogate is, or None (walked without recursion)."""
    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str) and not _is_text(value):
            return where
        if isinstance(value, dict) and not all(_is_text(key) for key in value):
            return f"a key of {where or 'the top level'}"
        pending.extend(reversed(_members(where, value)))
    return None


def _members(where: str, value: object) -> list[tuple[str, object]]:
    """The items of a JSON array or object, each with where it is, as a path."""
    from .shape import key_text

    if isinstance(value, list):
        return [(f"{where}[{index}]", item) for index, item in enumerate(value)]
    if isinstance(value, dict):
        return [((f"{where}.{key}" if key.isidentifier() else f"{where}[{key_text(key)}]").lstrip("."), item)
                for key, item in value.items()]
    return []


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_json(name: str) -> float:
    raise ValueError(f"it holds {name}, which is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"it holds {text[:20]}, a number no float can hold")
    return number


def load_versioned(path: str, schema: str, what: str, check: Callable[[dict[str, Any]], str],
                   hint: str = "") -> dict[str, Any]:
    """A saved JSON object whose ``schema`` is ``schema`` and in which ``check`` finds nothing wrong.

    The one reader of the files the ``designdoc`` command is given (reports,
    shard evidence): bounded in size, regular files only, every field
    checked before use. ValueError names the file and the field.
    """
    try:
        data = load_json(path)
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != schema:
        raise ValueError(f"{path} is not a {schema} {what}" + (f" ({hint})" if hint else ""))
    wrong = check(data)
    if wrong:
        raise ValueError(f"{path} is not a valid {schema} {what}: {wrong}")
    return data


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file in the same directory.

    The temp file is created like any new file (the umask decides its mode)
    and renamed over ``path``, so readers never see half a report. The text
    is written as UTF-8 (:func:`utf8_text`).
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temp = os.path.join(directory, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temp, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(utf8_text(text))
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_text(text: str) -> str:
    """``text`` with each lone surrogate as U+FFFD, so that UTF-8 can hold it.

    Python names a file whose name is not UTF-8 with lone surrogates
    (``src/\\udcff.py``); a glob in a doc, or pytest's node ids, bring such
    names into reports and evidence, which are UTF-8 text.
    """
    return text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)
