"""Where webhooks (and OAuth 2 token requests) may go: never to this server itself, nor to link-local and cloud
metadata addresses, unless the operator allows it (`--webhook-allow-internal`).

Whoever reaches the control plane aims the server's outbound POSTs (docs/operating.md): aimed at the server's
own `/__admin/reset`, one event would reset every client; aimed at 169.254.169.254, it would read a cloud's
instance credentials. So a URL is checked twice: when it is configured (an MX 400 naming the rule), and again
when it is sent, on the addresses its name resolves to then (a name may resolve elsewhere later); the sender
connects to the address it checked, never resolving twice.

"This server" is an address of this machine (loopback, the unspecified 0.0.0.0/::, or any address a local
interface holds: one can bind a socket to it) on a port the server listens on (--port, and the port each
server that serves the app reports with `serving_on`). Binding 0.0.0.0 listens on every local interface, so
every local address counts, not the bound host alone.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import urllib.parse
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services outside link-local space (169.254.169.254 and fe80::/10 are link-local already):
# AWS's IPv6 endpoint and Alibaba Cloud's.
METADATA = frozenset(ipaddress.ip_address(a) for a in ("fd00:ec2::254", "100.100.100.200"))


class TargetRefused(ValueError):
    """A URL this server will not send to; the message says why (and how to allow it)."""


class Targets:
    def __init__(self, ports: Iterable[int] = (), *, allow_internal: bool = False) -> None:
        self.allow_internal = allow_internal
        self._ports = set(ports)
        self._lock = threading.Lock()

    def serving_on(self, port: int) -> None:
        """A server now serves this app on `port` (an ephemeral port is known only once bound)."""
        with self._lock:
            self._ports = self._ports | {port}

    @property
    def ports(self) -> frozenset[int]:
        return frozenset(self._ports)

    def check_url(self, url: str, *, resolve: bool = True) -> None:
        """Raise TargetRefused if `url` would reach this server or an internal address. A name that does not
        resolve now passes (it is checked again when it is sent)."""
        host, port = host_and_port(url)
        addresses = addresses_of(host, port) if resolve else _literal(host)
        for address in addresses:
            self.check_address(address, port, host)

    def check_address(self, address: IPAddress, port: int, host: str) -> None:
        if self.allow_internal:
            return
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_link_local or address in METADATA:
            raise TargetRefused(
                f"{host} is a link-local or cloud metadata address ({address}): this server does not send there "
                "(--webhook-allow-internal allows it)"
            )
        if address.is_multicast:
            raise TargetRefused(f"{host} is a multicast address ({address})")
        if port in self._ports and is_local(address):
            raise TargetRefused(
                f"{host}:{port} is this server itself ({address} is an address of this machine, and it serves "
                f"on port {port}): webhooks go to a receiver of yours (--webhook-allow-internal allows it)"
            )


def host_and_port(url: str) -> tuple[str, int]:
    """The host and port a URL connects to (ValueError if it has none)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname
    if not host:
        raise ValueError("the URL has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return host, port


def addresses_of(host: str, port: int) -> list[IPAddress]:
    """The addresses a host name stands for now (a literal: itself; a name that does not resolve: none)."""
    literal = _literal(host)
    if literal:
        return literal
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    found: list[IPAddress] = []
    for info in infos:
        with contextlib.suppress(ValueError):
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if address not in found:
                found.append(address)
    return found


def _literal(host: str) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.split("%", 1)[0])]
    except ValueError:
        return _legacy_ipv4(host)


def _legacy_ipv4(host: str) -> list[IPAddress]:
    """`127.1`, `0x7f.0.0.1`, `2130706433`: forms inet_aton (and so the connect) takes as IPv4 addresses."""
    try:
        return [ipaddress.IPv4Address(socket.inet_aton(host))]
    except (OSError, ValueError):
        return []


def is_local(address: IPAddress) -> bool:
    """Whether connecting to `address` reaches this machine: loopback, unspecified, or an address one of its
    interfaces holds (binding a socket to it succeeds; nothing is sent)."""
    if address.is_loopback or address.is_unspecified:
        return True
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind((str(address), 0))
        return True
    except OSError:
        return False
