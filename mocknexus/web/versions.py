"""An API's versions, chosen per request: which one a request asks for, and which view answers it.

An API with versions (MX's Platform API: dated versions by `Accept-Version` or the `Accept` media type; Nexus:
the generations of MX's documentation, by a mocknexus header) declares them in its wing as a `Versions`: every
version it knows, oldest first, each with the media type its JSON answers come in. A version answers an
operation with the view it registers for it (`Versions.view_for`), else with the view the version before it
answers with, down to the route's own view (MX changes a version's operations only where they break): adding
a version is declaring it and registering the views that differ (docs/architecture.md, "Adding a version").
An operation a version adds (`since`) is a 404 in the versions before it, one it drops (`until`) a 404 after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mocknexus.domain.core.errors import ErrorKind, MXError

View = Callable[..., Any]


@dataclass(frozen=True)
class Version:
    name: str
    media_type: str | None = None  # its JSON answers' and errors' media type; None: the API's
    dialect: str | None = None  # the response dialect it renders (schemas/dialects.py); None: the server's
    error_body: Callable[[MXError], dict] | None = None  # its errors' body, when not its API's (web/errors.py)
    # endpoint -> the path segments that take MX's identifiers in this version (`{user_guid}` is then MX's
    # `{user_identifier}`: the guid or the partner's `id`); the API's caller resolves them (web/caller.py).
    identifiers: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class Versions:
    """An API's versions, oldest first; `pick(environ)` names the one a request asks for (or None)."""

    versions: tuple[Version, ...]
    pick: Callable[[Mapping[str, Any]], str | None]
    default: Callable[[Any], str]  # the version of a request that names none (given the app's config)
    refusal: str = "The request didn't specify a valid API version."
    views: dict[tuple[str, str], View] = field(default_factory=dict)  # (endpoint, version) -> its view
    spans: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # endpoint -> (since, until)

    def __post_init__(self) -> None:
        self.by_name = {v.name: v for v in self.versions}
        self.order = {v.name: i for i, v in enumerate(self.versions)}

    def select(self, environ: Mapping[str, Any], default: str) -> Version:
        """The version the request asks for: MX's 406 for one this API does not know."""
        asked = self.pick(environ)
        found = self.by_name.get(asked if asked is not None else default)
        if found is None:
            raise MXError(ErrorKind.NOT_ACCEPTABLE, self.refusal)
        return found

    def view(self, endpoint: str, version: str) -> View | None:
        """The view `version` answers `endpoint` with, if not the route's own; MX's 404 where the version
        does not have the operation."""
        span = self.spans.get(endpoint)
        if span is not None:
            since, until = span
            index = self.order[version]
            if (since is not None and index < self.order[since]) or (until is not None and index >= self.order[until]):
                raise MXError(ErrorKind.NOT_FOUND, "No such endpoint in this API version.")
        if not self.views:
            return None
        for older in reversed(self.versions[: self.order[version] + 1]):
            found = self.views.get((endpoint, older.name))
            if found is not None:
                return found
        return None

    def view_for(self, version: str, endpoint: str) -> Callable[[View], View]:
        """Decorator: `version`'s own view of `endpoint` (`"platform.read_member"`), from it on."""
        self._known(version)

        def register(view: View) -> View:
            self.views[(endpoint, version)] = view
            return view

        return register

    def since(self, version: str, endpoint: str) -> None:
        """`endpoint` is an operation `version` added: the versions before it answer MX's 404."""
        self._known(version)
        self.spans[endpoint] = (version, self.spans.get(endpoint, (None, None))[1])

    def until(self, version: str, endpoint: str) -> None:
        """`endpoint` is an operation `version` removed: it and the versions after it answer MX's 404."""
        self._known(version)
        self.spans[endpoint] = (self.spans.get(endpoint, (None, None))[0], version)

    def _known(self, version: str) -> None:
        if version not in self.by_name:
            raise ValueError(f"unknown version {version!r}: declare it first (one of {', '.join(self.by_name)})")
