"""MDX Real Time users (MX's int-live.moneydesktop.com/{client_id}), authenticated by MD-API-KEY.

Paths take an optional `.json` or `.xml` suffix, as MX's SDK calls them (`/users.json`, `/users/{id}.xml`);
bodies are JSON or XML (by Content-Type), answers JSON or XML (by suffix, else by Accept).
"""

from __future__ import annotations

from flask import Blueprint, Response

from mocknexus.apis.mdx import schemas as s
from mocknexus.domain.core.pagination import paginate
from mocknexus.schemas.common import PageQuery
from mocknexus.web.http import emulator, read_query
from mocknexus.web.negotiation import read_any_body, respond, wants_xml
from mocknexus.web.openapi import doc

bp = Blueprint("mdx", __name__)

user_response = s.MdxUserResponse()
user_list = s.MdxUserListResponse()
user_create = s.UserCreateRequest()
user_update = s.UserUpdateRequest()
page_query = PageQuery()


@bp.post("/<client_id>/users.json")
@bp.post("/<client_id>/users.xml")
@bp.post("/<client_id>/users")
@doc("Create a user", response=user_response, body=user_create, errors=(409,))
def create_user(client_id: str) -> Response:
    fields = read_any_body(user_create)["user"]
    # MX's SDK expects 200 for a new user (and 409 for an existing id).
    return respond(user_response, {"user": emulator().create_user(fields.pop("id"), **fields)})


@bp.get("/<client_id>/users.json")
@bp.get("/<client_id>/users.xml")
@bp.get("/<client_id>/users")
@doc("List users", response=user_list, query=page_query)
def list_users(client_id: str) -> Response:
    """A page of users, as MX pages its other lists (`page`, `records_per_page`: default 25, at most 1000;
    INFERRED for MDX Real Time, whose docs show no list answer); XML has one root, so the page's users only."""
    query = read_query(page_query)
    users, page = paginate(emulator().list_users(), query["page"], query["records_per_page"] or query["per_page"])
    return respond(user_list, {"users": users} if wants_xml() else {"users": users, "pagination": page}, item="user")


@bp.get("/<client_id>/users/<user_id>.json")
@bp.get("/<client_id>/users/<user_id>.xml")
@bp.get("/<client_id>/users/<user_id>")
@doc("Read a user", response=user_response)
def read_user(client_id: str, user_id: str) -> Response:
    return respond(user_response, {"user": emulator().read_user(user_id)})


@bp.put("/<client_id>/users/<user_id>.json")
@bp.put("/<client_id>/users/<user_id>.xml")
@bp.put("/<client_id>/users/<user_id>")
@doc("Update a user", response=user_response, body=user_update)
def update_user(client_id: str, user_id: str) -> Response:
    fields = read_any_body(user_update)["user"]
    return respond(user_response, {"user": emulator().update_user(user_id, **fields)})


@bp.delete("/<client_id>/users/<user_id>.json")
@bp.delete("/<client_id>/users/<user_id>.xml")
@bp.delete("/<client_id>/users/<user_id>")
@doc("Delete a user and everything it owns", status=204)
def delete_user(client_id: str, user_id: str) -> Response:
    emulator().delete_user(user_id)
    return Response(status=204)  # MX's SDK: delete user answers 204 No Content
