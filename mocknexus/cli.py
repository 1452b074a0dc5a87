"""`mocknexus serve` and `python -m mocknexus`: flags generated from Config, so each setting is defined once."""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields

from mocknexus.config import ENV_PREFIX, Config
from mocknexus.loader import FixtureError, load_catalog


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mocknexus", description="A local, offline emulator of MX's Nexus API.")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="run the emulator (the default command)")
    for f in fields(Config):
        flag = "--" + f.name.replace("_", "-")
        kind = {"int": int, "float": float, "str": str}[str(f.type)]
        serve.add_argument(
            flag,
            type=kind,
            default=None,
            help=f"{f.metadata['help']} (env {ENV_PREFIX}{f.name.upper()}, default {f.default!r})",
        )
    validate = commands.add_parser("validate", help="check a fixture directory without serving")
    validate.add_argument("directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv if argv is not None else sys.argv[1:])
    if args.command == "validate":
        return _validate(args.directory)
    overrides = {f.name: getattr(args, f.name, None) for f in fields(Config)}
    try:
        config = Config.from_env(**overrides)
    except ValueError as exc:
        print(f"mocknexus: {exc}", file=sys.stderr)
        return 2
    return _serve(config)


def _serve(config: Config) -> int:
    from mocknexus.app import create_app

    try:
        app = create_app(config)
    except FixtureError as exc:
        print(f"mocknexus: bad fixture: {exc}", file=sys.stderr)
        return 2
    print(f"mocknexus listening on http://{config.host}:{config.port}", flush=True)
    app.run(host=config.host, port=config.port, threaded=True, debug=False, use_reloader=False)
    return 0


def _validate(directory: str) -> int:
    try:
        catalog = load_catalog(directory)
    except FixtureError as exc:
        print(f"invalid: {exc}", file=sys.stderr)
        return 1
    print(f"ok: {len(catalog.institutions)} institutions, {len(catalog.scenarios)} scenarios (with the bundled ones)")
    return 0
