"""MX's errors: one table of (HTTP status, MX code, default message), one exception type.

MX documents that an error body carries a code and a message and that clients should branch on the
HTTP status alone. Confirmed codes: 4001 (required parameters missing), 4011 (expired session),
4220 (unprocessable member create). The others follow MX's visible pattern of HTTP status x 10 + n
(INFERRED).
"""

from __future__ import annotations

from enum import Enum


class ErrorKind(Enum):
    # name = (http_status, mx_code, default message)
    BAD_REQUEST = (400, 4000, "The request could not be understood.")
    MISSING_PARAMETERS = (400, 4001, "Required parameters are missing.")
    INVALID_PARAMETERS = (400, 4002, "One or more parameters are invalid.")
    UNAUTHORIZED = (401, 4010, "The session token is missing or invalid.")
    SESSION_EXPIRED = (401, 4011, "The session has expired.")
    FORBIDDEN = (403, 4030, "This action is not allowed.")
    NOT_FOUND = (404, 4040, "The requested resource was not found.")
    METHOD_NOT_ALLOWED = (405, 4050, "This method is not allowed for this resource.")
    NOT_ACCEPTABLE = (406, 4060, "The requested media type is not supported.")
    REQUEST_TIMEOUT = (408, 4080, "The wait timed out.")  # a control-plane wait only; not an MX API answer
    CONFLICT = (409, 4090, "The request conflicts with the current state of the resource.")
    PAYLOAD_TOO_LARGE = (413, 4130, "The request body is too large.")
    UNSUPPORTED_MEDIA_TYPE = (415, 4150, "The request body's media type is not supported.")
    UNPROCESSABLE = (422, 4220, "The request could not be processed.")
    TOO_MANY_REQUESTS = (429, 4290, "Too many requests.")
    HEADERS_TOO_LARGE = (431, 4310, "The request line and headers are too large.")
    INTERNAL = (500, 5000, "An internal error occurred.")
    NOT_IMPLEMENTED = (501, 5010, "The server does not support this request.")
    BAD_GATEWAY = (502, 5020, "The institution's server answered badly.")
    SERVICE_UNAVAILABLE = (503, 5030, "The service is temporarily unavailable.")
    GATEWAY_TIMEOUT = (504, 5040, "The request timed out.")
    HTTP_VERSION_NOT_SUPPORTED = (505, 5050, "The HTTP version is not supported.")  # a server-level refusal

    @property
    def http_status(self) -> int:
        return self.value[0]

    @property
    def code(self) -> int:
        return self.value[1]

    @property
    def default_message(self) -> str:
        return self.value[2]

    @classmethod
    def for_http_status(cls, status: int) -> ErrorKind:
        """The first (most general) kind with this status; unknown statuses fall back to 400 or 500."""
        for kind in cls:
            if kind.http_status == status:
                return kind
        return cls.INTERNAL if status >= 500 else cls.BAD_REQUEST

    @classmethod
    def statuses(cls) -> list[int]:
        return sorted({kind.http_status for kind in cls})


class MXError(Exception):
    """An error the emulated API answers with; the web layer renders it in MX's error shape."""

    def __init__(self, kind: ErrorKind, message: str | None = None) -> None:
        self.kind = kind
        self.message = message or kind.default_message
        super().__init__(self.message)

    @property
    def http_status(self) -> int:
        return self.kind.http_status

    @property
    def code(self) -> int:
        return self.kind.code


def not_found(what: str) -> MXError:
    return MXError(ErrorKind.NOT_FOUND, f"{what} not found.")
