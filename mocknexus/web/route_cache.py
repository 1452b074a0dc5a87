"""Routing a request without rebuilding werkzeug's URL adapter each time: the hot path's largest framework cost.

Flask binds the URL map to every request's environ (host, scheme, script name, path decoding) and then walks
the map's state machine, about a seventh of a member read's time. A client polls the same few URLs, and the
map never changes once the app is built, so the (method, path) -> (rule, arguments) answers of successful
matches are kept (bounded), and the bound adapter is built only when something needs more than a match
(`url_for`, a 404/405/redirect, a URL two APIs share). What a match answers stays werkzeug's own.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Map, MapAdapter, Rule

_LIMIT = 4096  # distinct (method, path) pairs kept; past it the table starts again (it refills in one call each)


class RouteCache:
    def __init__(self, url_map: Map) -> None:
        self.url_map = url_map
        self.matches: dict[tuple[str, str], tuple[Rule, dict[str, Any]]] = {}

    def adapter(self, environ: dict[str, Any]) -> LazyAdapter:
        return LazyAdapter(self, environ)

    def keep(self, key: tuple[str, str], rule: Rule, args: dict[str, Any]) -> None:
        if len(self.matches) >= _LIMIT:
            self.matches.clear()
        self.matches[key] = (rule, dict(args))


class LazyAdapter:
    """Stands where Flask keeps the request's MapAdapter: answers a request's own match from the cache, and
    hands anything else to the real adapter, bound on first need exactly as Flask would bind it."""

    __slots__ = ("_bound", "_cache", "_environ")

    def __init__(self, cache: RouteCache, environ: dict[str, Any]) -> None:
        self._cache = cache
        self._environ = environ
        self._bound: MapAdapter | None = None

    def bound(self) -> MapAdapter:
        if self._bound is None:  # Flask's binding when neither SERVER_NAME nor subdomain matching is set
            self._bound = self._cache.url_map.bind_to_environ(self._environ, server_name=None, subdomain="")
        return self._bound

    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: bool = False,
        query_args: Any = None,
        websocket: bool | None = None,
    ) -> tuple[Any, dict[str, Any]]:
        environ = self._environ
        own_request = path_info is None and method is None and query_args is None and websocket is None
        # A websocket upgrade can be refused by werkzeug for a path that matches: never answered from cache.
        if not own_request or "HTTP_UPGRADE" in environ:
            return self.bound().match(path_info, method, return_rule, query_args, websocket)
        key = (environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""))
        hit = self._cache.matches.get(key)
        if hit is None:
            rule, args = self.bound().match(return_rule=True)  # 404, 405 and redirects raise: not kept
            if self._cache.url_map.cacheable(rule):  # type: ignore[attr-defined]
                self._cache.keep(key, rule, args)
        else:
            rule, args = hit[0], dict(hit[1])  # the view gets its own dict
        return (rule if return_rule else rule.endpoint), args

    def __getattr__(self, name: str) -> Any:  # build, allowed_methods, ...: the real adapter's
        return getattr(self.bound(), name)
