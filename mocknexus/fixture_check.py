"""`mocknexus validate`: every problem in a set of fixture files in one run, each with its file, line and key
path, including what no single file shows: an institution code defined twice (in one file or two), and a
scenario or institution named but defined nowhere (neither in these files nor bundled).

Loading (loader.py) stops at the first problem, as a server starting up should; this reads on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from mocknexus.loader import BUNDLED_FIXTURES, FIXTURE_SUFFIXES, fixture_files, load_file
from mocknexus.schemas.fixtures import FixtureFileSchema

_schema = FixtureFileSchema()


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    where: str  # the key path inside the file ("institutions.1.code"), or "" for the file as a whole
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


@dataclass
class _Parsed:
    path: Path
    raw: Any
    node: yaml.Node | None  # the composed document: where each key's line is


def files_of(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The fixture files named: a file as itself, a directory as its fixture files (in name order)."""
    found: list[Path] = []
    problems: list[Problem] = []
    for given in map(Path, paths):
        if given.is_dir():
            found += fixture_files(given)
        elif given.is_file() and given.suffix in FIXTURE_SUFFIXES:
            found.append(given)
        elif given.is_file():
            problems.append(Problem(given, None, "", f"not a fixture file (one of {', '.join(FIXTURE_SUFFIXES)})"))
        else:
            problems.append(Problem(given, None, "", "no such file or directory"))
    return found, problems


def validate(paths: Iterable[str | Path], bundled: bool = True) -> list[Problem]:
    """Every problem in the files `paths` name (files or directories), checked together with the bundled
    fixtures (which a file may replace: that is no duplicate)."""
    files, problems = files_of(paths)
    parsed = []
    for path in files:
        found, trouble = _parse(path)
        problems += trouble
        if found is not None:
            parsed.append(found)
            problems += _schema_problems(found)
    problems += _duplicate_codes(parsed)
    problems += _dangling(parsed, bundled)
    order = {path: i for i, path in enumerate(files)}
    return sorted(problems, key=lambda p: (order.get(p.file, -1), p.line or 0))


def _parse(path: Path) -> tuple[_Parsed | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(path, None, "", f"cannot be read: {exc}")]
    try:
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(path, exc.lineno, "", f"is not valid JSON: {exc.msg}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return None, [Problem(path, line, "", f"is not valid YAML: {getattr(exc, 'problem', None) or exc}")]
    if not isinstance(raw, dict):
        return None, [Problem(path, 1, "", "the top level must be a mapping with 'version'")]
    try:
        node = yaml.compose(text)  # JSON is YAML too: where each key is
    except yaml.YAMLError:
        node = None
    return _Parsed(path, raw, node), []


def _schema_problems(parsed: _Parsed) -> list[Problem]:
    try:
        _schema.load(parsed.raw)
    except ValidationError as exc:
        return [
            Problem(parsed.path, _line(parsed.node, where), ".".join(map(str, where)) or "(top level)", message)
            for where, message in _leaves(exc.messages)
        ]
    return []


def _leaves(messages: Any, where: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every leaf of marshmallow's nested error dict: (key path, message)."""
    if isinstance(messages, dict):
        for key in sorted(messages, key=str):
            if (
                key == "value" and where
            ) or key == "_schema":  # marshmallow nests a mapping's value errors under "value"
                yield from _leaves(messages[key], where)
            else:
                yield from _leaves(messages[key], (*where, key))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        yield where, " ".join(messages)
    elif isinstance(messages, list):
        for item in messages:
            yield from _leaves(item, where)
    else:
        yield where, str(messages)


def _line(node: yaml.Node | None, where: Iterable[Any]) -> int | None:
    """The line of the value at `where` (the deepest part of it that exists) in the composed document."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in where:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if str(k.value) == str(key)), None)
            if match is None:
                return line
            node, line = match[1], match[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and str(key).isdigit() and int(key) < len(node.value):
            node = node.value[int(key)]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _institutions(parsed: _Parsed) -> Iterator[tuple[int, dict]]:
    found = parsed.raw.get("institutions")
    for i, institution in enumerate(found if isinstance(found, list) else []):
        if isinstance(institution, dict):
            yield i, institution


def _duplicate_codes(parsed: list[_Parsed]) -> list[Problem]:
    """An institution code defined twice among these files: the later would silently replace the earlier."""
    seen: dict[str, tuple[Path, int | None]] = {}
    problems = []
    for file in parsed:
        for i, institution in _institutions(file):
            code = institution.get("code")
            if not isinstance(code, str):
                continue
            where = ("institutions", i, "code")
            line = _line(file.node, where)
            if code in seen:
                first, first_line = seen[code]
                problems.append(
                    Problem(
                        file.path,
                        line,
                        ".".join(map(str, where)),
                        f"institution code {code!r} is already defined at {first}:{first_line}",
                    )
                )
            else:
                seen[code] = (file.path, line)
    return problems


def _dangling(parsed: list[_Parsed], bundled: bool) -> list[Problem]:
    """Scenarios an institution names, and institutions a declaration names, that no file defines."""
    scenarios: set[str] = set()
    codes: set[str] = set()
    if bundled:
        for path in fixture_files(BUNDLED_FIXTURES):
            loaded = load_file(path)
            scenarios |= {s.name for s in loaded.scenarios}
            codes |= {i.code for i in loaded.institutions}
    for file in parsed:
        named = file.raw.get("scenarios")
        scenarios |= set(named) if isinstance(named, dict) else set()
        codes |= {i["code"] for _, i in _institutions(file) if isinstance(i.get("code"), str)}
    problems = []
    for file in parsed:
        for i, institution in _institutions(file):
            names = [(("institutions", i, "default_scenario"), institution.get("default_scenario"))]
            rules = institution.get("scenarios")
            for r, rule in enumerate(rules if isinstance(rules, list) else []):
                if isinstance(rule, dict):
                    names.append((("institutions", i, "scenarios", r, "scenario"), rule.get("scenario")))
            for where, name in names:
                if isinstance(name, str) and name not in scenarios:
                    message = f"unknown scenario {name!r}: no file defines it (nor the bundled fixtures)"
                    problems.append(Problem(file.path, _line(file.node, where), ".".join(map(str, where)), message))
        declared = file.raw.get("test_accounts")
        for d, declaration in enumerate(declared if isinstance(declared, list) else []):
            code = declaration.get("institution_code") if isinstance(declaration, dict) else None
            if isinstance(code, str) and code not in codes:
                where = ("test_accounts", d, "institution_code")
                message = f"unknown institution {code!r}: no file defines it (nor the bundled fixtures)"
                problems.append(Problem(file.path, _line(file.node, where), ".".join(map(str, where)), message))
    return problems
