"""Users: `POST /users`, `GET /users`, `GET|PUT|DELETE /users/{user_guid}` (MX's UsersApi)."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import listing, page_of, query, read_changes
from mocknexus.apis.platform.schemas import users as s
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.openapi import doc

user_request = s.PlatformUserRequest()
user_update = s.PlatformUserUpdateRequest()
user_query = s.PlatformUserQuery()
user_response = s.PlatformUserResponse()
user_list = s.PlatformUserList()


@bp.post("/users")
@doc(
    "Create a user; its optional `id` is the MDX Real Time user id (one user, both APIs)",
    response=user_response,
    body=user_request,
    errors=(409,),
)
def create_user() -> Response:
    return render(user_response, {"user": emulator().create_platform_user(read_body(user_request)["user"])})


@bp.get("/users")
@doc("List users, filtered by id, email or is_disabled", response=user_list, query=user_query)
def list_users() -> Response:
    args = query(user_query)
    return listing(user_list, "users", *page_of(emulator().list_platform_users(args), args))


@bp.get("/users/<user_guid>")
@doc("Read a user", response=user_response)
def read_user(caller: Caller) -> Response:
    return render(user_response, {"user": caller.user})


@bp.put("/users/<user_guid>")
@doc("Update a user's email, id, is_disabled or metadata", response=user_response, body=user_update, errors=(409,))
def update_user(caller: Caller) -> Response:
    changes = read_changes(user_update, "user")
    return render(user_response, {"user": emulator().update_platform_user(caller.user, changes)})


@bp.delete("/users/<user_guid>")
@doc("Delete a user, its members and their accounts", response=None, status=204)
def delete_user(caller: Caller) -> Response:
    emulator().delete_platform_user(caller.user)
    return Response(status=204)
