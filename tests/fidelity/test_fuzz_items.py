"""Every collected test has its own node id: pytest-xdist schedules by node id (`--dist loadgroup` keeps one
item per id), so items sharing one are silently not run. schemathesis's per-operation items did, until
tests/conftest.py gave each its own."""

from __future__ import annotations

from collections import Counter


def test_every_collected_item_has_its_own_node_id(request):
    items = request.session.items
    shared = {node_id: n for node_id, n in Counter(item.nodeid for item in items).items() if n > 1}
    assert not shared, f"items sharing a node id (only one of each would run under xdist): {shared}"
    operations = [item for item in items if getattr(item, "operation_label", None) is not None]
    if any(item.nodeid.startswith("tests/fidelity/test_fuzz.py::") for item in operations):
        assert len({item.nodeid for item in operations}) == len(operations) > 100
