"""An unknown path's nearest routes, for its 404 ("did you mean"), as WireMock's near-misses: the route
templates whose literal segments read most like the path's (a typo, a singular for a plural, a missing or
extra segment), the request's own method first."""

from __future__ import annotations

import difflib
import re

from werkzeug.routing import Map

_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_MAX_PATH = 512  # longer paths are not compared (a 404 stays cheap whatever is sent)


class NearMisses:
    def __init__(self, url_map: Map) -> None:
        templates: dict[str, set[str]] = {}
        for rule in url_map.iter_rules():
            if rule.rule.startswith("/__admin/ui"):
                continue
            templates.setdefault(rule.rule, set()).update((rule.methods or set()) - {"HEAD", "OPTIONS"})
        # Each template as segments, a parameter as None (it matches any value).
        self._routes = [
            ([None if _PARAMETER.fullmatch(s) else s for s in t.strip("/").split("/")], _PARAMETER.sub(r"{\1}", t), m)
            for t, m in templates.items()
        ]

    def nearest(self, method: str, path: str, limit: int = 3) -> list[str]:
        """Up to `limit` routes like `path`, as "METHOD /template" (best first); [] if none is close."""
        if len(path) > _MAX_PATH:
            return []
        given = path.strip("/").split("/")
        scored = []
        for segments, template, methods in self._routes:
            if abs(len(segments) - len(given)) > 1:
                continue
            if len(segments) == len(given):
                mine = "/".join("{}" if s is None else g for s, g in zip(segments, given, strict=True))
            else:
                mine = "/".join(given)
            theirs = "/".join("{}" if s is None else s for s in segments)
            score = difflib.SequenceMatcher(None, mine, theirs).ratio()
            if score >= 0.75 and mine != theirs:
                verb = method if method in methods else sorted(methods)[0]
                scored.append((-score, verb != method, f"{verb} {template}"))
        return [found for *_, found in sorted(scored)[:limit]]
