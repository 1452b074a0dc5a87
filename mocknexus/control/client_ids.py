"""What a client id may be: the key of a world, in paths, Basic credentials and snapshots."""

from __future__ import annotations

from mocknexus.domain.core.errors import ErrorKind, MXError

# Our bound (MX's client ids are short generated strings; it publishes no limit): longer ids make no world.
MAX_CLIENT_ID_LENGTH = 255


def check_client_id(client_id: object) -> str:
    """A client id a world may be made for; MX's 400 otherwise (too long, empty, or holding control characters)."""
    if not isinstance(client_id, str) or not client_id or len(client_id) > MAX_CLIENT_ID_LENGTH:
        raise MXError(ErrorKind.BAD_REQUEST, f"A client id is 1 to {MAX_CLIENT_ID_LENGTH} characters.")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in client_id):
        raise MXError(ErrorKind.BAD_REQUEST, "A client id holds no control characters.")
    return client_id
