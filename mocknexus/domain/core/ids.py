"""Identifiers: MX-style GUIDs and bearer tokens, unguessable (from the OS's CSPRNG)."""

from __future__ import annotations

import secrets
import uuid


def new_guid(prefix: str) -> str:
    """`USR-`, `MBR-`, `INS-`, `CRD-`, `ACT-`, `ACN-`, `JOB-` followed by a random UUID."""
    return f"{prefix}-{uuid.UUID(bytes=secrets.token_bytes(16), version=4)}"


def new_token() -> str:
    """86 URL-safe characters, the length of the session token in MX's examples."""
    return secrets.token_urlsafe(64)


_DERIVED_NAMESPACE = uuid.UUID("0b6f6a8e-93c1-4d59-9a39-5f1e3c2d7a41")


def derived_guid(prefix: str, *parts: str) -> str:
    """A guid that names the same thing on every run and in every process (MX's static test records)."""
    return f"{prefix}-{uuid.uuid5(_DERIVED_NAMESPACE, ':'.join(parts))}"
