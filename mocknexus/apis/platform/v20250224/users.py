"""Users in v20250224: `email` never null (the caller found the user by guid or partner id)."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.platform.common import listing, page_of, query, read_changes
from mocknexus.apis.platform.schemas import users as legacy
from mocknexus.apis.platform.schemas.v20250224 import users as s
from mocknexus.apis.platform.versions import V20250224, VERSIONS
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render

user_request = legacy.PlatformUserRequest()
user_update = legacy.PlatformUserUpdateRequest()
user_query = legacy.PlatformUserQuery()
user_response = s.UserResponseV20250224()
user_list = s.UserListV20250224()


@VERSIONS.view_for(V20250224, "platform.create_user")
def create_user() -> Response:
    return render(user_response, {"user": emulator().create_platform_user(read_body(user_request)["user"])})


@VERSIONS.view_for(V20250224, "platform.list_users")
def list_users() -> Response:
    args = query(user_query)
    return listing(user_list, "users", *page_of(emulator().list_platform_users(args), args))


@VERSIONS.view_for(V20250224, "platform.read_user")
def read_user(caller: Caller) -> Response:
    return render(user_response, {"user": caller.user})


@VERSIONS.view_for(V20250224, "platform.update_user")
def update_user(caller: Caller) -> Response:
    changes = read_changes(user_update, "user")
    return render(user_response, {"user": emulator().update_platform_user(caller.user, changes)})
