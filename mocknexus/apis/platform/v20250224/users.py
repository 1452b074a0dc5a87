"""Users in v20250224 (`{user_identifier}`: the guid or the partner's id; `email` never null)."""

from __future__ import annotations

from typing import Any

from flask import Response

from mocknexus.apis.platform.common import listing, page_of, query, read_changes
from mocknexus.apis.platform.schemas import users as legacy
from mocknexus.apis.platform.schemas.v20250224 import users as s
from mocknexus.apis.platform.v20250224.registry import identified, replaces
from mocknexus.web.http import emulator, read_body, render

user_request = legacy.PlatformUserRequest()
user_update = legacy.PlatformUserUpdateRequest()
user_query = legacy.PlatformUserQuery()
user_response = s.UserResponseV20250224()
user_list = s.UserListV20250224()


@replaces("platform.create_user")
def create_user() -> Response:
    return render(user_response, {"user": emulator().create_platform_user(read_body(user_request)["user"])})


@replaces("platform.list_users")
def list_users() -> Response:
    args = query(user_query)
    return listing(user_list, "users", *page_of(emulator().list_platform_users(args), args))


@replaces("platform.read_user")
def read_user(**path: Any) -> Response:
    return render(user_response, {"user": emulator().get_user(identified(path)["user_guid"])})


@replaces("platform.update_user")
def update_user(**path: Any) -> Response:
    changes = read_changes(user_update, "user")
    return render(user_response, {"user": emulator().update_platform_user(identified(path)["user_guid"], changes)})


@replaces("platform.delete_user")
def delete_user(**path: Any) -> Response:
    emulator().delete_platform_user(identified(path)["user_guid"])
    return Response(status=204)
