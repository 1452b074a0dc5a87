"""`mocknexus serve` and `python -m mocknexus`: flags generated from Config, so each setting is defined once."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import fields

from mocknexus import APIS_SERVED, DESCRIPTION, __version__, fixture_check
from mocknexus.client import AdminClient, AdminError
from mocknexus.config import ENV_PREFIX, Config
from mocknexus.domain.core.errors import MXError
from mocknexus.loader import FixtureError, load_catalog, load_file
from mocknexus.store.base import SchemaTooNew, StoreUnavailable


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mocknexus", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"mocknexus {__version__}: {DESCRIPTION}")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser(
        "serve", help="run the emulator (the default command): " + ", ".join(APIS_SERVED) + ", on one port"
    )
    for f in fields(Config):
        flag = "--" + f.name.replace("_", "-")
        help = f"{f.metadata['help']} (env {ENV_PREFIX}{f.name.upper()}, default {f.default!r})"
        if str(f.type) == "bool":
            serve.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=help)
            continue
        kind = {"int": int, "float": float, "str": str}[str(f.type)]
        serve.add_argument(flag, type=kind, default=None, help=help)
    validate = commands.add_parser(
        "validate", help="check fixture files (files or directories) without serving: every problem, with its line"
    )
    validate.add_argument("paths", nargs="+", metavar="path", help="a fixture file, or a directory of them")
    admin = commands.add_parser("admin", help="drive a running server's control plane")
    admin.add_argument(
        "--url",
        default=os.environ.get("MOCKNEXUS_URL") or f"http://127.0.0.1:{Config.port}",
        help="the server's base URL (default: MOCKNEXUS_URL, as the pytest plugin, else http://127.0.0.1:8080)",
    )
    admin.add_argument("--admin-token", default=None, help="bearer token, if the server requires one")
    admin.add_argument("--client-id", default=None, help="act on this MX client id's world alone (default: the server)")
    actions = admin.add_subparsers(dest="action", required=True)
    reset = actions.add_parser("reset", help="everything back to the fixtures (or one user's data)")
    reset.add_argument("--user-id")
    actions.add_parser("state", help="print the whole state as JSON")
    clock = actions.add_parser("clock", help="show, advance, freeze or unfreeze the clock")
    clock.add_argument("change", nargs="?", choices=["advance", "freeze", "unfreeze"])
    clock.add_argument("seconds", nargs="?", type=float, default=0.0)
    faults = actions.add_parser("faults", help="list injected faults, or clear them")
    faults.add_argument("change", nargs="?", choices=["clear"])
    journal = actions.add_parser("requests", help="print the request journal, or clear it")
    journal.add_argument("change", nargs="?", choices=["clear"])
    journal.add_argument("--limit", type=int, default=20)
    actions.add_parser("clients", help="list every client id's world")
    hooks = actions.add_parser("webhooks", help="show the webhook configuration, or set its URL (--client-id's)")
    hooks.add_argument("hook_url", nargs="?", metavar="url", help="where every webhook type is posted")
    outbox = actions.add_parser("deliveries", help="print the webhook outbox (every event and attempt)")
    outbox.add_argument("--type")
    outbox.add_argument("--member-guid")
    actions.add_parser("forget", help="drop the --client-id's world altogether")
    add = actions.add_parser(
        "add-transaction", help="add a transaction to a member's account (--client-id's): shown at its next aggregation"
    )
    add.add_argument("member_guid")
    add.add_argument("account_guid")
    add.add_argument("description")
    add.add_argument("amount", type=float)
    add.add_argument("--type", choices=["DEBIT", "CREDIT"], default="DEBIT")
    add.add_argument("--status", choices=["PENDING", "POSTED"], default="POSTED")
    post = actions.add_parser("post-transaction", help="post a pending transaction added by hand (--client-id's)")
    post.add_argument("member_guid")
    post.add_argument("transaction_guid")
    post.add_argument("--amount", type=float, default=None)
    limits = actions.add_parser("data-settings", help="show or change MX's limits and background aggregation")
    limits.add_argument("--limits", choices=["institution", "on", "off"], default=None)
    limits.add_argument("--background-aggregation", choices=["on", "off"], default=None)
    wait = actions.add_parser(
        "wait", help="block until a member reaches a status, or requests arrive (exit 1: timeout)"
    )
    targets = wait.add_subparsers(dest="target", required=True)
    member = targets.add_parser("member", help="until a member reaches a connection status")
    member.add_argument("guid")
    member.add_argument("status", help="a connection_status, END (any end state, job over), or several: A,B")
    arrivals = targets.add_parser("requests", help="until the journal holds N matching requests")
    arrivals.add_argument("--method")
    arrivals.add_argument("--path", help="a glob, as /members/*/verify")
    arrivals.add_argument("--count", type=int, default=1)
    for target in (member, arrivals):
        target.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv if argv is not None else sys.argv[1:])
    if args.command == "validate":
        return _validate(args.paths)
    if args.command == "admin":
        return _admin(args)
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
    except MXError as exc:  # a bad --webhook-url
        print(f"mocknexus: {exc.message}", file=sys.stderr)
        return 2
    except (StoreUnavailable, SchemaTooNew, ValueError) as exc:  # --store: unreachable, too new, not a store
        print(f"mocknexus: {exc}", file=sys.stderr)  # never the password: the messages carry the redacted URL
        return 2
    from mocknexus.serving import serve

    app.extensions["mocknexus.webhooks"].serve_in_background()
    serve(app, config)
    return 0


def _validate(paths: list[str]) -> int:
    problems = fixture_check.validate(paths)
    for problem in problems:
        print(f"invalid: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) > 1 else ''}", file=sys.stderr)
        return 1
    catalog = load_catalog()
    files, _ = fixture_check.files_of(paths)
    for path in files:
        catalog.add(*load_file(path))
    print(f"ok: {len(catalog.institutions)} institutions, {len(catalog.scenarios)} scenarios (with the bundled ones)")
    return 0


def _admin(args: argparse.Namespace) -> int:
    client = AdminClient(args.url, admin_token=args.admin_token, client_id=args.client_id)
    try:
        if args.action == "reset":
            result = client.reset(args.user_id)
        elif args.action == "state":
            result = client.state()
        elif args.action == "clock":
            result = {
                None: client.clock,
                "advance": lambda: client.advance_clock(args.seconds),
                "freeze": client.freeze_clock,
                "unfreeze": client.unfreeze_clock,
            }[args.change]()
        elif args.action == "faults":
            result = client.clear_faults() if args.change == "clear" else client.faults()
        elif args.action == "clients":
            result = client.clients()
        elif args.action == "webhooks":
            result = client.configure_webhooks(args.hook_url) if args.hook_url else client.webhook_config()
        elif args.action == "deliveries":
            result = client.deliveries(type=args.type, member_guid=args.member_guid)
        elif args.action == "forget":
            result = client.forget_client()
        elif args.action == "add-transaction":
            spec = {"description": args.description, "amount": args.amount, "type": args.type, "status": args.status}
            result = {"transactions": client.add_transactions(args.member_guid, args.account_guid, [spec])}
        elif args.action == "post-transaction":
            client.post_transaction(args.member_guid, args.transaction_guid, args.amount)
            result = {"posted": args.transaction_guid}
        elif args.action == "data-settings":
            changes = {"limits": args.limits}
            if args.background_aggregation is not None:
                changes["background_aggregation"] = args.background_aggregation == "on"
            result = client.data_settings(**{k: v for k, v in changes.items() if v is not None})
        elif args.action == "wait" and args.target == "member":
            result = client.wait_for_member(args.guid, args.status, timeout=args.timeout)
        elif args.action == "wait":
            result = client.wait_for_requests(args.method, args.path, args.count, timeout=args.timeout)
        else:
            result = client.clear_requests() if args.change == "clear" else client.requests(limit=args.limit)
    except (AdminError, OSError, ValueError) as exc:
        print(f"mocknexus admin: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result if result is not None else {"ok": True}, indent=2))
    return 0
