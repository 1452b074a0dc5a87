"""The institution search index answers exactly what a full scan would."""

from __future__ import annotations

import random

from faker import Faker

from mocknexus.domain.catalog.catalog import Catalog, Institution


def reference(catalog: Catalog, name: str) -> list[str]:
    rows = sorted(catalog.institutions.values(), key=lambda i: (-i.popularity, i.name.lower()))
    q = name.strip().lower()
    return [i.code for i in rows if not i.is_hidden and (not q or q in i.name.lower() or q == i.code)]


def test_indexed_search_equals_a_scan():
    fake, rng = Faker(), random.Random(3)
    fake.seed_instance(3)
    institutions = [
        Institution(
            guid=f"INS-{n}",
            code=f"bank_{n}",
            name=f"{fake.company()} {rng.choice(['Bank', 'Credit Union', 'Trust'])}",
            url=f"https://b{n}.example",
            credentials=(),
            default_scenario="connected",
            popularity=rng.randrange(100),
            is_hidden=rng.random() < 0.05,
        )
        for n in range(2000)
    ]
    catalog = Catalog()
    catalog.add(institutions, [])
    queries = ["", "a", "an", "ban", "bank", "credit union", "bank_17", "zzzz", " trust", "LLC"]
    queries += [
        i.name[s : s + n] for i in rng.sample(institutions, 40) for s, n in [(rng.randrange(5), rng.randrange(2, 9))]
    ]
    for q in queries:
        assert [i.code for i in catalog.search(q, None, None)] == reference(catalog, q), q
