"""What the Platform handlers share: MX's pagination and the emulator's member views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response
from marshmallow import Schema

from mocknexus.apis.platform.schemas.common import MAX_PER_PAGE, PlatformPageQuery, per_page
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.models import Member, User
from mocknexus.domain.core.pagination import Page, paginate
from mocknexus.domain.platform import platform_view
from mocknexus.web.http import read_body, read_query, render


def query(schema: Schema) -> dict[str, Any]:
    return read_query(schema)


def page_of(items: Sequence[Any], args: dict[str, Any], maximum: int = MAX_PER_PAGE) -> tuple[list[Any], Page]:
    """One page of `items` by the query's `page` and `records_per_page`, as MX pages them."""
    return paginate(items, args.get("page"), per_page(args, maximum))


def listing(schema: Schema, key: str, items: list[Any], page: Page, status: int = 200) -> Response:
    return render(schema, {key: items, "pagination": page}, status)


_PAGES = PlatformPageQuery()


def paged(schema: Schema, key: str, items: Sequence[Any], maximum: int = MAX_PER_PAGE) -> Response:
    """The list body of one page of `items`, for a list whose only query parameters are MX's `page` and
    `records_per_page` (its `@doc` names PlatformPageQuery)."""
    return listing(schema, key, *page_of(items, query(_PAGES), maximum))


def member_view(member: Member, user: User) -> Member:
    """The member as the Platform API shows it, with its user's partner id (the user the caller found)."""
    return platform_view.member_view(member, user.id)


def read_changes(schema: Schema, root: str) -> dict[str, Any]:
    """A PUT body: MX refuses an empty one ("at least one parameter must be given in a rooted body")."""
    changes = read_body(schema)[root]
    if not changes:
        raise MXError(ErrorKind.MISSING_PARAMETERS, f"At least one {root} parameter must be given.")
    return changes
