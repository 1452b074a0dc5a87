"""A client world's webhook configuration, as MX's Client Dashboard holds it: one URL for every event type or
one per type, and how MX authenticates to it (HTTP Basic, or an OAuth 2 bearer token fetched with client
credentials from the partner's token URL). Checked on the way in; secrets masked on the way out.
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Callable
from typing import Any

from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.webhooks.events import EventType

MASK = "****"
_KEYS = {"url", "urls", "types", "basic_auth", "oauth2", "timeout"}
# Our bound (MX publishes none): an attempt's whole deadline, connect, headers and body. A claim's lease
# follows the timeout (the dispatcher), so no bound would be needed for correctness; a bounded one keeps a bad
# receiver from holding a sender for hours, and 1e12 from overflowing a socket timeout.
MAX_TIMEOUT_SECONDS = 60.0

Check = Callable[[str, str], None]  # (url, where) -> raise an MXError if the server may not send there


def no_check(url: str, where: str) -> None:
    return None


def parse(raw: Any, check: Check = no_check) -> dict[str, Any]:
    """A configuration document, normalised; an MX 400 naming the first problem. `check` refuses URLs the
    server must not send to (control/webhooks/targets.py: itself, link-local and metadata addresses)."""
    if not isinstance(raw, dict):
        raise _bad("the webhook configuration must be a JSON object")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise _bad(f"unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    config: dict[str, Any] = {"url": _url(raw.get("url"), "url", check) if raw.get("url") is not None else None}
    urls = raw.get("urls") or {}
    if not isinstance(urls, dict):
        raise _bad("urls: must be an object of webhook type -> URL")
    config["urls"] = {_type(name, "urls").name: _url(url, f"urls.{name}", check) for name, url in urls.items()}
    types = raw.get("types")
    if types is not None:
        if not isinstance(types, list):
            raise _bad("types: must be a list of webhook types")
        types = sorted({_type(name, "types").name for name in types})
    config["types"] = types
    if config["url"] is None and not config["urls"]:
        raise _bad("give a url (every webhook type) or urls (one per type)")
    config["basic_auth"] = _basic(raw.get("basic_auth"))
    config["oauth2"] = _oauth2(raw.get("oauth2"), check)
    if config["basic_auth"] and config["oauth2"]:
        raise _bad("basic_auth and oauth2 are two ways to authenticate: give one")
    timeout = raw.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or not 0 < timeout <= MAX_TIMEOUT_SECONDS
    ):
        raise _bad(f"timeout: must be a number of seconds above 0 and at most {MAX_TIMEOUT_SECONDS:g}")
    config["timeout"] = float(timeout) if timeout is not None else None
    return config


def target(config: dict[str, Any], event_type: EventType) -> str | None:
    """The URL an event of this type goes to, or None if this configuration does not subscribe to it."""
    if config.get("types") is not None and event_type.name not in config["types"]:
        return None
    return config["urls"].get(event_type.name) or config.get("url")


def masked(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration as the control plane shows it: passwords and client secrets masked."""
    shown = dict(config)
    if config.get("url"):
        shown["url"] = masked_url(config["url"])
    shown["urls"] = {name: masked_url(url) for name, url in (config.get("urls") or {}).items()}
    if config.get("basic_auth"):
        shown["basic_auth"] = {**config["basic_auth"], "password": MASK}
    if config.get("oauth2"):
        oauth = config["oauth2"]
        shown["oauth2"] = {**oauth, "client_secret": MASK, "token_url": masked_url(oauth["token_url"])}
    return shown


def masked_url(url: str) -> str:
    """A URL as the control plane shows it: a password in it (`http://user:secret@host/`) masked."""
    try:
        parts = urllib.parse.urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if password is None:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{hostport}"))


def _basic(raw: Any) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("username", "password")):
        raise _bad('basic_auth: must be {"username": "...", "password": "..."}')
    return {"username": raw["username"], "password": raw["password"]}


def _oauth2(raw: Any, check: Check) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("client_id", "client_secret")):
        raise _bad('oauth2: must be {"token_url": "...", "client_id": "...", "client_secret": "..."} (scope optional)')
    scope = raw.get("scope")
    if scope is not None and not isinstance(scope, str):
        raise _bad("oauth2.scope: must be a string")
    return {
        "token_url": _url(raw.get("token_url"), "oauth2.token_url", check),
        "client_id": raw["client_id"],
        "client_secret": raw["client_secret"],
        "scope": scope,
    }


def _url(raw: Any, where: str, check: Check) -> str:
    if not isinstance(raw, str) or not _well_formed(raw):
        raise _bad(f"{where}: must be an http:// or https:// URL with a host (and a port from 1 to 65535, if any)")
    check(raw, where)
    return raw


def _well_formed(url: str) -> bool:
    if any(c in url for c in "\r\n\t "):
        return False
    try:  # urlsplit raises on `http://[x`, .port on `http://h:99999` or `http://h:x`
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port != 0


def _type(name: Any, where: str) -> EventType:
    try:
        return EventType.parse(str(name))
    except ValueError as exc:
        raise _bad(f"{where}: {exc}") from None


def _bad(message: str) -> MXError:
    return MXError(ErrorKind.BAD_REQUEST, f"Webhook configuration: {message}.")
