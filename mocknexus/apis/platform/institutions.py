"""Institutions by code: `GET /institutions` (search by name), `/institutions/favorites`,
`/institutions/{institution_code}` and its `/credentials` (MX's InstitutionsApi).

`/institutions/{...}` and its `/credentials` are Nexus paths too (by guid): web/routing.py's `Twins` sends
a request with Basic credentials (and no Nexus session) here, and the rest to Nexus.
"""

from __future__ import annotations

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import listing, page_of, query
from mocknexus.apis.platform.schemas import institutions as s
from mocknexus.apis.platform.schemas.common import MAX_INSTITUTIONS_PER_PAGE
from mocknexus.schemas.common import PageQuery
from mocknexus.web.http import emulator, render
from mocknexus.web.openapi import doc

institution_query = s.PlatformInstitutionQuery()
favorites_query = s.PlatformFavoritesQuery()
page_query = PageQuery()  # the query Nexus checks on this shared path (it also takes `per_page`)
institution_response = s.PlatformInstitutionResponse()
institution_list = s.PlatformInstitutionList()
credential_list = s.PlatformCredentialList()

_FLAGS = (
    "supports_account_identification",
    "supports_account_statement",
    "supports_account_verification",
    "supports_transaction_history",
)


@bp.get("/institutions")
@doc("List institutions: `name` appears in the name, optional country and supports_* filters",
     response=institution_list, query=institution_query)  # fmt: skip
def list_institutions() -> Response:
    args = query(institution_query)
    flags = {flag: args[flag] for flag in _FLAGS if args[flag] is not None}
    found = emulator().platform_institutions(args["name"], args["iso_country_code"], flags)
    return listing(institution_list, "institutions", *page_of(found, args, MAX_INSTITUTIONS_PER_PAGE))


@bp.get("/institutions/favorites")
@doc("The client's favorite institutions (mocknexus: the most popular)", response=institution_list,
     query=favorites_query)  # fmt: skip
def list_favorite_institutions() -> Response:
    args = query(favorites_query)
    found = emulator().favorite_institutions(args["iso_country_code"])
    return listing(institution_list, "institutions", *page_of(found, args, MAX_INSTITUTIONS_PER_PAGE))


@bp.get("/institutions/<institution_code>")
@doc("Read an institution by code", response=institution_response)
def read_institution(institution_code: str) -> Response:
    return render(institution_response, {"institution": emulator().institution_by_code(institution_code)})


@bp.get("/institutions/<institution_code>/credentials")
@doc("The credentials an institution requires", response=credential_list, query=page_query)
def list_institution_credentials(institution_code: str) -> Response:
    args = query(page_query)
    credentials = emulator().institution_by_code(institution_code).credentials
    return listing(credential_list, "credentials", *page_of(credentials, args))
