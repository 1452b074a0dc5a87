"""Institutions in v20250224: `supported_products` (filter and field), `guid`, `created_at`, `is_hidden`;
`{institution_identifier}` (credentials) the code or the guid, resolved by the caller; a read takes MX's
`{institution_code}` only."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import fields

from mocknexus.apis.platform.common import listing, page_of
from mocknexus.apis.platform.schemas import institutions as legacy
from mocknexus.apis.platform.schemas.common import MAX_INSTITUTIONS_PER_PAGE
from mocknexus.apis.platform.schemas.v20250224 import institutions as s
from mocknexus.apis.platform.versions import V20250224, VERSIONS
from mocknexus.domain.platform.products import matches
from mocknexus.web.http import emulator, load, render

institution_query = s.InstitutionQueryV20250224()
favorites_query = legacy.PlatformFavoritesQuery()
institution_response = s.InstitutionResponseV20250224()
institution_list = s.InstitutionListV20250224()


def list_query(schema: Any) -> dict[str, Any]:
    """The query, an array parameter read repeated (`a=1&a=2`, as MX's SDKs send it) or as `a[]=`."""
    args: dict[str, Any] = {}
    for key in request.args:
        name = key[:-2] if key.endswith("[]") else key
        if isinstance(schema.fields.get(name), fields.List):
            args.setdefault(name, []).extend(request.args.getlist(key))
        else:
            args[name] = request.args.get(key)
    return load(schema, args)


@VERSIONS.view_for(V20250224, "platform.list_institutions")
def list_institutions() -> Response:
    args = list_query(institution_query)
    found = emulator().platform_institutions(args["name"], args["iso_country_code"], {})
    if args["supported_products"]:
        found = [i for i in found if matches(i, args["supported_products"])]
    return listing(institution_list, "institutions", *page_of(found, args, MAX_INSTITUTIONS_PER_PAGE))


@VERSIONS.view_for(V20250224, "platform.list_favorite_institutions")
def list_favorite_institutions() -> Response:
    args = list_query(favorites_query)
    found = emulator().favorite_institutions(args["iso_country_code"])
    return listing(institution_list, "institutions", *page_of(found, args, MAX_INSTITUTIONS_PER_PAGE))


@VERSIONS.view_for(V20250224, "platform.read_institution")
def read_institution(institution_code: str) -> Response:
    return render(institution_response, {"institution": emulator().institution_by_code(institution_code)})
