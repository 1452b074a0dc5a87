"""Which path template owns a URL, when the APIs' templates overlap in one URL space.

`/{client_id}/users` and Nexus's `/members/{guid}` both match `/members/users`; `/{client_id}/users/{id}`
and `/{client_id}/users/{id}.json` both match `/c/users/x.json`. The OpenAPI document lists one entry per
template, so the server settles each URL the way a reader of the document would: the most specific
template owns it (most literal characters, then fewest parameters, then literals first, as werkzeug matches
segment by segment: `/users/{user_guid}` owns `/users/users`, not `/{client_id}/users`). A method that template does not
serve is a 405 whose `Allow` lists the owner's methods, and the document's path parameters exclude the
values another template owns. One table, built from the app's routes, serves all three.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.routing import Map, MapAdapter, Rule

from mocknexus.web.route_cache import RouteCache

_PLACEHOLDER = re.compile(r"<[^>]+>")


def specificity(template: str) -> tuple[int, int, tuple[int, ...]]:
    literal_first = tuple(int("<" not in segment) for segment in segments(template))
    return len(_PLACEHOLDER.sub("", template)), -len(_PLACEHOLDER.findall(template)), literal_first


def placeholders(template: str) -> list[str]:
    return [re.sub(r"^<(?:[^:<>]+:)?|>$", "", p) for p in _PLACEHOLDER.findall(template)]


class LazyBuildRule(Rule):
    """werkzeug's Rule, compiling its two URL builders when a URL is first built rather than when the rule is
    added: each is Python code generated and compiled per rule, half the cost of building an app, and this
    app builds URLs from two of its 180 rules (the widget's and the OAuth page's)."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        name = "_build_unknown" if append_unknown else "_build"

        def build_then_replace(rule: Rule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            real = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, name, real)
            return real(*args, **kwargs)

        return build_then_replace


class ApiMap(Map):
    """werkzeug's Map, plus twins: a URL that two APIs serve with one method, decided by whether the second API
    claims the request by its headers (`chooses_second(environ)`: its declaration's `claims`, paired from its
    `shares` by web/apis.py), so each API keeps its own blueprint, media type and world routing.
    Nexus's `/institutions/{guid}` and the Platform API's `/institutions/{institution_code}` are one template
    (the OpenAPI document lists them as one operation); the Platform's `/institutions/favorites` is Nexus's
    `/institutions/{guid}` to a Nexus client (an institution of that guid: none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (endpoint, template) -> [(another rule the URL may belong to, whether a request's environ wants it)]
        self.twins: dict[tuple[str, str], list[tuple[Rule, Callable[[Mapping[str, Any]], bool]]]] = {}
        self.seconds: dict[tuple[str, str], Rule] = {}
        self.route_cache = RouteCache(self)

    def twin(self, first: str, second: str, chooses_second: Callable[[Mapping[str, Any]], bool]) -> None:
        """Pair the one rule of endpoint `first` with that of `second`."""
        (a,), (b,) = self._rules_by_endpoint[first], self._rules_by_endpoint[second]
        self.route_cache.matches.clear()
        self.twins.setdefault((a.endpoint, a.rule), []).append((b, chooses_second))
        self.twins.setdefault((b.endpoint, b.rule), []).append((a, lambda environ: not chooses_second(environ)))
        if _PLACEHOLDER.sub("<>", a.rule) == _PLACEHOLDER.sub("<>", b.rule):
            self.seconds[(b.endpoint, b.rule)] = a

    def cacheable(self, rule: Rule) -> bool:
        """Whether a match of `rule` holds for any request of the same method and path (web/route_cache.py):
        not when the request's headers may hand the URL to a twin."""
        return (rule.endpoint, rule.rule) not in self.twins

    def add(self, rulefactory: Any) -> None:
        super().add(rulefactory)
        cache = self.__dict__.get("route_cache")
        if cache is not None:  # a rule added after requests were routed: what was kept may be wrong now
            cache.matches.clear()

    def first_twin(self, rule: Rule) -> Rule | None:
        """For the second rule of a same-template pair, the first (the OpenAPI document lists them as one)."""
        return self.seconds.get((rule.endpoint, rule.rule))

    def bind_to_environ(self, environ: Any, server_name: str | None = None, subdomain: str | None = None) -> MapAdapter:
        adapter = super().bind_to_environ(environ, server_name, subdomain)
        if self.twins:
            adapter.__class__ = _TwinAdapter
            adapter.environ = environ  # type: ignore[attr-defined]
        return adapter


class _TwinAdapter(MapAdapter):
    environ: Mapping[str, Any]

    def match(self, path_info=None, method=None, return_rule=False, query_args=None, websocket=None):  # type: ignore[override]
        rule, args = super().match(path_info, method, True, query_args, websocket)
        for other, wanted in self.map.twins.get((rule.endpoint, rule.rule), ()):  # type: ignore[attr-defined]
            found = _named_regex(other.rule).fullmatch(path_info if path_info is not None else self.path_info)
            if found is not None and wanted(self.environ):
                rule, args = other, found.groupdict()
                break
        return (rule if return_rule else rule.endpoint), args


@functools.cache
def _named_regex(template: str) -> re.Pattern[str]:
    return re.compile(_PLACEHOLDER.sub(lambda m: f"(?P<{placeholders(m.group(0))[0]}>[^/]+)", template))


def segments(template: str) -> list[str]:
    return template.strip("/").split("/")


def _segment_regex(segment: str) -> str:
    parts = _PLACEHOLDER.split(segment)
    return "[^/]+".join(re.escape(p) for p in parts)


def _regex(template: str) -> re.Pattern[str]:
    return re.compile("/" + "/".join(_segment_regex(s) for s in segments(template)))


def _could_overlap(a: str, b: str) -> bool:
    """Whether some URL matches both templates (conservatively: segment by segment)."""
    sa, sb = segments(a), segments(b)
    if len(sa) != len(sb):
        return False
    for x, y in zip(sa, sb, strict=True):
        if "<" not in x and not re.fullmatch(_segment_regex(y), x):
            return False
        if "<" not in y and not re.fullmatch(_segment_regex(x), y):
            return False
        if "<" in x and "<" in y:  # two patterns (`<id>.json`, `<id>.xml`): literal heads and tails must agree
            (xh, *_, xt), (yh, *_, yt) = _PLACEHOLDER.split(x), _PLACEHOLDER.split(y)
            if not (xh.startswith(yh) or yh.startswith(xh)) or not (xt.endswith(yt) or yt.endswith(xt)):
                return False
    return True


@dataclass
class RouteTable:
    methods: dict[str, set[str]] = field(default_factory=dict)  # template -> methods (HEAD with GET)
    rivals: dict[str, list[str]] = field(default_factory=dict)  # template -> more specific overlapping ones
    blueprints: dict[str, str] = field(default_factory=dict)  # template -> the blueprint serving it
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # template -> one pattern matching what any of its rivals matches: the common answer (no rival owns the
    # URL) in one match instead of one per rival, on every call of a route with rivals.
    _any_rival: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def from_map(cls, url_map: Map) -> RouteTable:
        routes = tuple(
            (rule.rule, frozenset(rule.methods or ()), rule.endpoint.split(".", 1)[0]) for rule in url_map.iter_rules()
        )
        return _table(routes)

    def may_refuse(self, template: str, method: str) -> bool:
        """Whether a URL `template` matched might belong to a rival that does not serve `method`."""
        return any(method not in self.methods[rival] for rival in self.rivals.get(template, ()))

    def owner(self, template: str, path: str) -> str:
        """The template owning `path`, which the route `template` matched."""
        screen = self._any_rival.get(template)
        if screen is None or screen.fullmatch(path) is None:
            return template
        for rival in self.rivals.get(template, ()):
            if self._patterns[rival].fullmatch(path):
                return rival
        return template

    def excluded_values(self, template: str, index: int) -> tuple[set[str], set[str]]:
        """For the parameter filling segment `index` of `template`: the literal values and the suffixes
        (`.json`) with which a more specific template would own the URL instead."""
        literals: set[str] = set()
        suffixes: set[str] = set()
        for rival in self.rivals.get(template, ()):
            segment = segments(rival)[index]
            if "<" not in segment:
                literals.add(segment)
            elif not (segment.startswith("<") and segment.endswith(">")):
                suffixes.add(_PLACEHOLDER.sub("", segment))
        return literals, suffixes


@functools.lru_cache(maxsize=8)
def _table(routes: tuple[tuple[str, frozenset[str], str], ...]) -> RouteTable:
    """The table for one set of routes, built once per process: every app built from the same blueprints
    shares it (it is read-only once built; the pairwise comparison of templates is quadratic, and the test
    suite builds an app per test)."""
    table = RouteTable()
    for template, methods, blueprint in routes:
        table.methods.setdefault(template, set()).update(methods - {"OPTIONS"})
        table.blueprints.setdefault(template, blueprint)
    ranked = {template: specificity(template) for template in table.methods}
    ordered = sorted(table.methods, key=ranked.__getitem__, reverse=True)
    for template in ordered:
        table._patterns[template] = _regex(template)
        rivals = [o for o in ordered if ranked[o] > ranked[template] and _could_overlap(template, o)]
        if rivals:
            table.rivals[template] = rivals
    for template, rivals in table.rivals.items():
        table._any_rival[template] = re.compile("|".join(f"(?:{table._patterns[r].pattern})" for r in rivals))
    return table
