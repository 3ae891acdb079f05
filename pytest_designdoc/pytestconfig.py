"""pytest's rootdir and configuration-file rule, for the ``designdoc`` command.

The command runs without a pytest session, yet must read the configuration
pytest reads, or ``designdoc lint`` checks other docs than ``pytest
--designdoc``. pytest's own rule (``_pytest.config.findpaths``) is not public
API, so this is one copy of it, for the installed pytest: ``pytest.toml``
and ``[tool.pytest]`` count from pytest 9, a ``pyproject.toml`` without a
pytest table sets the rootdir from pytest 8.1. Ini files are read with
``iniconfig``, pytest's own parser (installed with it). The tests compare
every answer with pytest's (``pytester.parseconfig``).
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Callable, Mapping, Optional, Sequence


def _toml_string(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


class ConfigError(ValueError):
    """The configuration cannot be read, or an option has a value pytest would refuse: a usage error."""


def pytest_version() -> tuple[int, int]:
    """The installed pytest's major and minor version."""
    try:
        found = re.match(r"(\d+)\.(\d+)", version("pytest"))
    except PackageNotFoundError:
        found = None
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


@dataclass(frozen=True)
class ProjectConfig:
    """Where pytest would put rootdir, which file it would read, and the values in it."""

    rootdir: str
    inifile: Optional[str] = None
    values: Mapping[str, Any] = field(default_factory=dict)
    native: bool = False
    """The values keep TOML's types (``pytest.toml``, ``[tool.pytest]``), as opposed to ini strings."""
    table: str = ""
    """Where in ``inifile`` they are: ``[pytest]``, ``[tool.pytest.ini_options]`` …; '' when it has none."""

    def linelist(self, name: str, default: Sequence[str] = ()) -> list[str]:
        """A ``linelist`` ini option: one item per line."""
        return self._list(name, default, lambda text: [line.strip() for line in text.split("\n") if line.strip()])

    def args(self, name: str, default: Sequence[str] = ()) -> list[str]:
        """An ``args`` ini option: split as a shell would."""
        return self._list(name, default, shlex.split)

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None:
            return default
        if self.native:
            if not isinstance(value, bool):
                raise self._wrong(name, "a bool", value)
            return value
        text = str(value).strip().lower()
        if text in ("y", "yes", "t", "true", "on", "1"):
            return True
        if text in ("n", "no", "f", "false", "off", "0"):
            return False
        raise self._wrong(name, "a boolean (true or false)", value)

    def string(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        if value is None:
            return default
        if self.native and not isinstance(value, str):
            raise self._wrong(name, "a string", value)
        return str(value)

    def setting(self, name: str, value: str) -> str:
        """How to set ini option ``name`` to ``value`` in this configuration (a pyproject.toml's when there is none)."""
        inifile = self.inifile or os.path.join(self.rootdir, "pyproject.toml")
        table = self.table or _TABLES.get(os.path.splitext(inifile)[1], "[tool.pytest.ini_options]")
        line = f"{name} = {_toml_string(value) if inifile.endswith('.toml') else value}"
        return f"{line} to {table} in {inifile}"

    def _list(self, name: str, default: Sequence[str], split: Callable[[str], list[str]]) -> list[str]:
        value = self.values.get(name)
        if value is None:
            return list(default)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return list(value)
        if isinstance(value, str) and not self.native:
            try:
                return split(value)
            except ValueError as exc:
                raise self._wrong(name, f"text pytest can split ({exc})", value) from None
        raise self._wrong(name, "a list of strings", value)

    def _wrong(self, name: str, expected: str, value: object) -> ConfigError:
        return ConfigError(f"{self.inifile or 'the configuration'}: option '{name}' expects {expected}, "
                           f"got {type(value).__name__}: {value!r}")


_TABLES = {".toml": "[tool.pytest.ini_options]", ".ini": "[pytest]", ".cfg": "[tool:pytest]"}
"""The table or section to add to a file that has none yet."""


@dataclass(frozen=True)
class _Table:
    """The pytest values one file holds, and where."""

    values: dict[str, Any]
    native: bool = False
    name: str = ""


Loader = Callable[[str], Optional[_Table]]
"""Reads one file: its pytest values, or None when it holds no pytest configuration."""


def locate(invocation_dir: str, args: Sequence[str] = (), *, inifile: Optional[str] = None,
           rootdir: Optional[str] = None) -> ProjectConfig:
    """What pytest decides for ``pytest [-c INIFILE] [--rootdir ROOTDIR] ARGS`` run in ``invocation_dir``."""
    invocation_dir = os.path.abspath(invocation_dir)
    dirs = _dirs_from_args(invocation_dir, args)
    root: Optional[str]
    path: Optional[str]
    if inifile:
        root, path, table = _given(invocation_dir, inifile, dirs)
    else:
        ancestor = _common_ancestor(invocation_dir, dirs)
        root, path, table = _search([ancestor])
        if root is None and rootdir is None:
            root = next((base for base in _upwards(ancestor) if os.path.isfile(os.path.join(base, "setup.py"))), None)
            if root is None and dirs != [ancestor]:
                root, path, table = _search(dirs)
            if root is None:
                common = _common_ancestor(invocation_dir, [invocation_dir, ancestor])
                root = ancestor if os.path.dirname(common) == common else common
    if rootdir:
        root = os.path.abspath(os.path.join(invocation_dir, os.path.expandvars(rootdir)))
        if not os.path.isdir(root):
            raise ConfigError(f"Directory '{root}' not found. Check your '--rootdir' option.")
    assert root is not None
    return ProjectConfig(root, path, table.values, table.native, table.name)


def _given(invocation_dir: str, inifile: str, dirs: list[str]) -> tuple[str, str, _Table]:
    """``-c FILE``: the file pytest is told to read, and the rootdir it implies."""
    path = os.path.abspath(os.path.join(invocation_dir, inifile))
    if not os.path.exists(path):
        raise ConfigError(f"Config file '{path}' not found. Check your '-c/--config-file' option.")
    if os.path.isdir(path):
        raise ConfigError(f"Config file '{path}' is a directory. Check your '-c/--config-file' option.")
    if not os.path.isfile(path):
        # /dev/null: no configuration and, from pytest 9.2, no say about where the project is.
        if pytest_version() < (9, 2):
            return os.path.dirname(path), path, _Table({})
        common = _common_ancestor(invocation_dir, dirs)
        return (invocation_dir if os.path.dirname(common) == common else common), path, _Table({})
    loader = _loader(os.path.basename(path), given=True)
    if loader is None:
        raise ConfigError(f"Config file '{path}' has an unsupported format: give a .toml, .ini or .cfg file")
    return os.path.dirname(path), path, loader(path) or _Table({})


def _search(dirs: Sequence[str]) -> tuple[Optional[str], Optional[str], _Table]:
    """The first configuration file in each dir and its parents, as pytest's ``locate_config``."""
    first_pyproject = None
    for start in dirs:
        for base in _upwards(start):
            for name in config_names():
                path = os.path.join(base, name)
                if not os.path.isfile(path):
                    continue
                if name == "pyproject.toml" and first_pyproject is None:
                    first_pyproject = path
                loader = _loader(name, given=False)
                table = loader(path) if loader is not None else None
                if table is not None:
                    return base, path, table
    if first_pyproject is not None and pytest_version() >= (8, 1):
        return os.path.dirname(first_pyproject), first_pyproject, _Table({})
    return None, None, _Table({})


def config_names() -> tuple[str, ...]:
    """The files pytest looks for in each directory, in its order of precedence."""
    names = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
    return ("pytest.toml", ".pytest.toml", *names) if pytest_version() >= (9, 0) else names


def _loader(name: str, *, given: bool) -> Optional[Loader]:
    """How pytest reads a file of this name (``given``: named by ``-c``, which reads any .toml, .ini, .cfg)."""
    if name in ("pytest.toml", ".pytest.toml") and pytest_version() >= (9, 0):
        return _pytest_toml
    if name in ("pytest.ini", ".pytest.ini"):
        return lambda path: _ini_section(path, "pytest") or _Table({})
    if name == "pyproject.toml" or (given and name.endswith(".toml")):
        return lambda path: _tool_pytest(path, given=given and name != "pyproject.toml")
    if name == "tox.ini" or (given and name.endswith(".ini")):
        return lambda path: _ini_section(path, "pytest")
    if name == "setup.cfg" or (given and name.endswith(".cfg")):
        return _setup_cfg
    return None


def _pytest_toml(path: str) -> _Table:
    """``pytest.toml``: its ``[pytest]`` table, native TOML; always the configuration, even empty."""
    return _pytest_table(path, _toml(path)) or _Table({}, native=True, name="[pytest]")


def _pytest_table(path: str, document: dict[str, Any]) -> Optional[_Table]:
    if isinstance(document.get("pytest"), dict):
        return _Table(dict(document["pytest"]), native=True, name="[pytest]")
    top_level = [key for key, value in document.items() if not isinstance(value, dict)]
    if top_level:
        raise ConfigError(f"{path}: pytest configuration must be under a [pytest] table "
                          f"(found top-level options: {', '.join(top_level)})")
    return None


def _tool_pytest(path: str, *, given: bool) -> Optional[_Table]:
    """``[tool.pytest]`` (native TOML, pytest 9) or ``[tool.pytest.ini_options]`` (ini strings).

    A ``.toml`` file named by ``-c`` may hold a ``[pytest]`` table instead (pytest 9.2).
    """
    document = _toml(path)
    tool = document.get("tool", {}).get("pytest", {})
    if pytest_version() >= (9, 0):
        native = {key: value for key, value in tool.items() if key != "ini_options"}
        if native and "ini_options" in tool:
            raise ConfigError(f"{path}: Cannot use both [tool.pytest] (native TOML types) and "
                              "[tool.pytest.ini_options] (string-based INI format) simultaneously.")
        if native:
            return _Table(native, native=True, name="[tool.pytest]")
        if given and "ini_options" not in tool and pytest_version() >= (9, 2):
            return _pytest_table(path, document)
    options = tool.get("ini_options")
    if not isinstance(options, dict):
        return None
    return _Table({key: value if isinstance(value, list) else str(value) for key, value in options.items()},
                  name="[tool.pytest.ini_options]")


MAX_CONFIG_BYTES = 4 * 1024 * 1024
"""A configuration file larger than this is refused, not read (pytest reads them whole; so would we)."""


def _text(path: str) -> str:
    """A configuration file's text, through the bounded reader of regular files (a FIFO or /dev/zero is refused)."""
    from . import safepath

    try:
        return safepath.read_file(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (safepath.Unreadable, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None


def _toml(path: str) -> dict[str, Any]:
    import tomllib

    text = _text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _ini_section(path: str, section: str) -> Optional[_Table]:
    config = _ini(path)
    return _Table(dict(config[section].items()), name=f"[{section}]") if section in config else None


def _setup_cfg(path: str) -> Optional[_Table]:
    config = _ini(path)
    if "tool:pytest" in config:
        return _Table(dict(config["tool:pytest"].items()), name="[tool:pytest]")
    if "pytest" in config:
        raise ConfigError(f"{path}: [pytest] section in setup.cfg files is no longer supported, "
                          "change to [tool:pytest] instead.")
    return None


def _ini(path: str) -> Any:
    import iniconfig

    text = _text(path)
    try:
        return iniconfig.IniConfig(path, data=text)
    except iniconfig.ParseError as exc:
        raise ConfigError(str(exc)) from None


def _upwards(start: str) -> list[str]:
    """``start`` and each of its parents."""
    found = [start]
    while os.path.dirname(found[-1]) != found[-1]:
        found.append(os.path.dirname(found[-1]))
    return found


def _dirs_from_args(invocation_dir: str, args: Sequence[str]) -> list[str]:
    """The directories of the arguments that exist (a file's directory), as pytest takes them."""
    dirs = []
    for arg in args:
        if arg.startswith("-"):
            continue
        path = os.path.normpath(os.path.join(invocation_dir, arg.split("::", 1)[0]))
        try:
            if os.path.exists(path):
                dirs.append(path if os.path.isdir(path) else os.path.dirname(path))
        except (OSError, ValueError):
            continue
    return dirs


def _common_ancestor(invocation_dir: str, paths: Sequence[str]) -> str:
    existing = [path for path in paths if os.path.exists(path)]
    if not existing:
        return invocation_dir
    common = os.path.commonpath(existing)
    return os.path.dirname(common) if os.path.isfile(common) else common
