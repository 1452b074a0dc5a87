"""Reads fixture directories into a Catalog, with errors that name the file, the place in it and the fault."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from mocknexus.domain.catalog.catalog import Catalog, Scenario
from mocknexus.domain.core.errors import MXError
from mocknexus.domain.webhooks import config as webhook_config
from mocknexus.schemas.fixtures import FIXTURE_VERSION, FixtureFile, FixtureFileSchema


def _bundled_fixtures() -> Path:
    # An installed wheel carries them as mocknexus/_fixtures; a source checkout has them at the top level.
    packaged = Path(__file__).resolve().parent / "_fixtures"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "fixtures"


BUNDLED_FIXTURES = _bundled_fixtures()
FIXTURE_SUFFIXES = (".json", ".yaml", ".yml")

_file_schema = FixtureFileSchema()


class FixtureError(Exception):
    """A fixture problem, phrased `file: path.inside: what is wrong`."""


def load_catalog(*directories: str | Path, bundled: bool = True) -> Catalog:
    """The bundled fixtures (unless `bundled` is False), then each directory's files in name order; later
    definitions replace earlier ones with the same institution guid or scenario name."""
    catalog = Catalog()
    for directory in ((BUNDLED_FIXTURES,) if bundled else ()) + directories:
        for path in fixture_files(Path(directory)):
            catalog.add(*load_file(path))
    check_references(catalog)
    return catalog


def fixture_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise FixtureError(f"{directory}: not a directory")
    return sorted(p for p in directory.iterdir() if p.suffix in FIXTURE_SUFFIXES and p.is_file())


def load_webhooks(directory: str | Path) -> dict[str, Any] | None:
    """The webhook configuration a fixture directory declares (`webhooks:` in a fixture file; the last file
    that has one wins), checked as PUT /__admin/webhooks checks it."""
    found = None
    for path in fixture_files(Path(directory)):
        load_file(path)  # the whole file is valid first
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        if raw.get("webhooks") is not None:
            try:
                found = webhook_config.parse(raw["webhooks"])
            except MXError as exc:
                raise FixtureError(f"{path}: webhooks: {exc.message}") from None
    return found


def load_file(path: Path) -> FixtureFile:
    try:
        text = path.read_text(encoding="utf-8")
        raw: Any = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(f"{path}: cannot be read: {exc}") from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise FixtureError(f"{path}: is not valid {path.suffix[1:].upper()}: {_one_line(exc)}") from None
    if not isinstance(raw, dict):
        raise FixtureError(f"{path}: the top level must be a mapping with 'version'")
    try:
        return _file_schema.load(raw)
    except ValidationError as exc:
        where, message = first_error(exc.messages)
        raise FixtureError(f"{path}: {where}: {message}") from None


def parse_scenario(name: str, raw: Any) -> Scenario:
    """One scenario in the fixture format (as a fixture file's `scenarios` maps it), or a FixtureError
    naming the place in it that is wrong."""
    try:
        [scenario] = _file_schema.load({"version": FIXTURE_VERSION, "scenarios": {name: raw}}).scenarios
    except ValidationError as exc:
        where, message = first_error(exc.messages)
        raise FixtureError(f"{where}: {message}") from None
    return scenario


def check_references(catalog: Catalog) -> None:
    """Every scenario an institution names must exist (checked after all files are merged)."""
    for institution in catalog.institutions.values():
        named = [("default_scenario", institution.default_scenario)]
        named += [(f"scenarios.{i}.scenario", rule.scenario) for i, rule in enumerate(institution.rules)]
        for where, name in named:
            if name not in catalog.scenarios:
                raise FixtureError(
                    f"institution {institution.code}: {where}: unknown scenario {name!r} "
                    f"(known: {', '.join(sorted(catalog.scenarios))})"
                )


def first_error(messages: Any, path: str = "") -> tuple[str, str]:
    """The first leaf of marshmallow's nested error dict, as (dotted.path, message)."""
    if isinstance(messages, dict):
        key = sorted(messages, key=str)[0]
        if key == "value" and path:  # marshmallow nests a mapping's value errors under "value"
            return first_error(messages[key], path)
        child = f"{path}.{key}" if path else str(key)
        return first_error(messages[key], "(top level)" if key == "_schema" and not path else child)
    if isinstance(messages, list) and messages:
        return first_error(messages[0], path)
    return path or "(top level)", str(messages)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
