"""MX's Platform API v20250224, added by the recipe in docs/architecture.md ("Adding a version"): the version
is declared in apis/platform/versions.py (its media type, error body and `{user_identifier}` operations); the
views that differ from v20111101's are registered here, one module per concept, with `VERSIONS.view_for`.
They answer with v20250224's shapes (schemas/v20250224/) and read v20250224's `{member_identifier}` and
`{institution_identifier}` (the guid or the partner's id); the caller has found the user already.
"""

from __future__ import annotations

# The views, one module per concept (imported for the views they register).
from mocknexus.apis.platform.v20250224 import (  # noqa: F401
    accounts,
    data,
    institutions,
    members,
    transactions,
    users,
)
