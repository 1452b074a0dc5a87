"""Which path template owns a URL, when the three APIs' templates overlap in one URL space.

`/{client_id}/users` and Nexus's `/members/{guid}` both match `/members/users`; `/{client_id}/users/{id}`
and `/{client_id}/users/{id}.json` both match `/c/users/x.json`. The OpenAPI document lists one entry per
template, so the server settles each URL the way a reader of the document would: the most specific
template owns it (most literal characters, then fewest parameters). A method that template does not
serve is a 405 whose `Allow` lists the owner's methods, and the document's path parameters exclude the
values another template owns. One table, built from the app's routes, serves all three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.routing import Map

_PLACEHOLDER = re.compile(r"<[^>]+>")


def specificity(template: str) -> tuple[int, int]:
    return len(_PLACEHOLDER.sub("", template)), -len(_PLACEHOLDER.findall(template))


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
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def from_map(cls, url_map: Map) -> RouteTable:
        table = cls()
        for rule in url_map.iter_rules():
            table.methods.setdefault(rule.rule, set()).update((rule.methods or set()) - {"OPTIONS"})
        ordered = sorted(table.methods, key=specificity, reverse=True)
        for template in ordered:
            table._patterns[template] = _regex(template)
            rivals = [o for o in ordered if specificity(o) > specificity(template) and _could_overlap(template, o)]
            if rivals:
                table.rivals[template] = rivals
        return table

    def may_refuse(self, template: str, method: str) -> bool:
        """Whether a URL `template` matched might belong to a rival that does not serve `method`."""
        return any(method not in self.methods[rival] for rival in self.rivals.get(template, ()))

    def owner(self, template: str, path: str) -> str:
        """The template owning `path`, which the route `template` matched."""
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
