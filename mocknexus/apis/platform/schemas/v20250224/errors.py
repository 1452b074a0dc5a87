"""The error body v20250224 answers with: `{"error": {"message": ..., "status": "bad_request", "type": ...}}`,
the envelope docs.mx.com shows for the Platform API (its institution blocking errors, e.g. `"type":
"institution_maintenance_error"`; MX's documents declare no error schema). `status` is the HTTP status's name
in snake case, as MX's example spells 400; `type` names the kind of error in MX's `..._error` form (INFERRED
for the kinds MX's page does not list). Declared as the version's `error_body` (apis/platform/versions.py);
web/errors.py builds every error body through it."""

from __future__ import annotations

from http import HTTPStatus

from marshmallow import Schema, fields

from mocknexus.domain.core.errors import MXError


class ErrorDetailV20250224(Schema):
    message = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "the HTTP status in snake case: not_found"})
    type = fields.String(required=True, metadata={"description": "the kind of error: not_found_error"})


class ErrorResponseV20250224(Schema):
    error = fields.Nested(ErrorDetailV20250224, required=True)


_schema = ErrorResponseV20250224()


def error_body(error: MXError) -> dict:
    status = HTTPStatus(error.http_status).phrase.lower().replace(" ", "_").replace("-", "_")
    detail = {"message": error.message, "status": status, "type": f"{error.kind.name.lower()}_error"}
    return _schema.dump({"error": detail})
