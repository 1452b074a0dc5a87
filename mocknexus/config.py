"""Settings: one dataclass whose fields define the defaults, the MOCKNEXUS_* variables and the CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from mocknexus.store.spec import StoreSpec
from mocknexus.store.spec import parse as parse_store

ENV_PREFIX = "MOCKNEXUS_"
MX_DIALECTS = ("union", "g21", "v1")  # the same names as mocknexus.schemas.dialects.DIALECTS
LOG_FORMATS = ("text", "json")  # the same names as mocknexus.request_log.LOG_FORMATS


def _opt(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Config:
    host: str = _opt("127.0.0.1", "address to bind (0.0.0.0 to accept other machines)")
    port: int = _opt(8080, "TCP port to listen on")
    threads: int = _opt(8, "worker threads of the server (requests are read whole before a thread takes them)")
    seed: int = _opt(0, "seed for generated data: the same seed and calls give the same accounts")
    fixtures: str = _opt("", "directory of extra fixture files (institutions, scenarios)")
    fixtures_mode: str = _opt("merge", "merge: the directory's fixtures over the bundled ones; replace: its alone")
    api_key: str = _opt("", "MD-API-KEY the MDX and SSO APIs accept (empty: any non-empty key)")
    client_id: str = _opt("", "client_id the MDX and SSO paths accept (empty: any)")
    admin_token: str = _opt("", "bearer token required on /__admin/ (except /__admin/health); empty: none")
    store: str = _opt(
        "memory",
        "where the state lives: memory; a SQLite file (a path or sqlite:///path); or one PostgreSQL database "
        "shared by several replicas (postgresql://user:password@host:5432/db, postgresql://user@/db?host=/dir)",
    )
    state_file: str = _opt("", "SQLite file keeping the state across restarts and worker processes (--store's alias)")
    job_time_scale: float = _opt(1.0, "multiplier on every scenario step's duration (0: jobs advance on polls alone)")
    background_seconds: float = _opt(
        1.0, "real seconds between runs of clock-driven work with no request (0: only when a clock is moved)"
    )
    api_token_ttl: int = _opt(600, "seconds an SSO api_token lives (MX: 10 minutes)")
    session_ttl: int = _opt(1800, "seconds of inactivity before a Nexus session expires (MX: 30 minutes)")
    max_body_bytes: int = _opt(1_048_576, "largest request body accepted (larger: 413)")
    read_timeout: float = _opt(
        10.0, "seconds a client has to send a whole request once it starts (late headers: 408, late body: 400)"
    )
    journal_size: int = _opt(1000, "how many recent requests each client id's request journal keeps")
    journal_bytes: int = _opt(64 * 1024 * 1024, "bytes all request journals keep together (past it: oldest first)")
    journal_body_bytes: int = _opt(8192, "bytes of each request body a journal keeps (the rest is cut, and said so)")
    max_clients: int = _opt(10_000, "most client id worlds kept at once (past it, a call creating one more is a 503)")
    max_wait: float = _opt(60.0, "longest a control-plane wait may hold its request, in seconds")
    webhook_url: str = _opt("", "URL every client world's webhooks are posted to unless it configures its own")
    webhook_timeout: float = _opt(
        10.0, "seconds one webhook attempt may take, connect, headers and body (at most 60), before it fails"
    )
    webhook_allow_internal: bool = _opt(
        False, "let webhooks go to this server itself and to link-local / metadata addresses (off: a 400)"
    )
    widget_poll_ms: int = _opt(3000, "how often the Connect widget page polls a connecting member, in ms")
    inspector_poll_ms: int = _opt(1500, "how often the inspector page refreshes its live view, in ms")
    log_level: str = _opt("INFO", "log level: DEBUG, INFO (one line per request), WARNING, ERROR")
    log_format: str = _opt("text", "log lines as text, or json (one object per line, for CI log collectors)")
    mx_dialect: str = _opt(
        "union", "response keys of MX's docs: g21 (2021 Verification Guide), v1 (today's reference), union (both)"
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Defaults, then MOCKNEXUS_* variables, then explicit overrides (from the command line)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = replace(cls(), **values)
        if config.fixtures_mode not in ("merge", "replace"):
            raise ValueError(f"fixtures_mode must be merge or replace, not {config.fixtures_mode!r}")
        if not 0 < config.webhook_timeout <= 60:
            raise ValueError(f"webhook_timeout must be above 0 and at most 60 seconds, not {config.webhook_timeout!r}")
        if config.state_file and config.store not in ("", "memory", config.state_file):
            raise ValueError("state_file and store name two different stores: give one (--store)")
        if config.mx_dialect not in MX_DIALECTS:
            raise ValueError(f"mx_dialect must be one of {', '.join(MX_DIALECTS)}, not {config.mx_dialect!r}")
        if config.log_format not in LOG_FORMATS:
            raise ValueError(f"log_format must be one of {', '.join(LOG_FORMATS)}, not {config.log_format!r}")
        store_spec(config)  # a bad --store is refused here, with the other settings
        return config


def store_spec(config: Config) -> StoreSpec:
    """The store the configuration names: --state-file (the older spelling of a SQLite store) if given, else
    --store (ValueError if it names none)."""
    return parse_store(config.state_file or config.store)


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{raw!r} is not a boolean (1/0, true/false, yes/no, on/off)")


def _coerce(name: str, type_name: Any, raw: str) -> Any:
    kind = {"int": int, "float": float, "str": str, "bool": parse_bool}[str(type_name)]
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {type_name!s}") from None
