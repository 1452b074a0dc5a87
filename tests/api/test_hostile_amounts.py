"""Issue 28, point 8: a micro-deposit amount is dollars and cents *as written*: 0.09000000000000000001 (which a
float reads as 0.09) is a 400, and so is 1e308 (no micro-deposit is a million dollars); neither verifies nor
counts as an attempt toward PREVENTED. INFERRED: MX types the amounts Number and publishes no bound."""

from __future__ import annotations

import pytest

from tests.api.test_microdeposits import deposited, read, verify
from tests.support import open_session


@pytest.mark.parametrize(
    "body",
    [
        '{"deposit_amount_1": 0.09000000000000000001, "deposit_amount_2": 0.09}',
        '{"deposit_amount_1": 0.09, "deposit_amount_2": 9.000000000000000001e-2}',
        '{"deposit_amount_1": 1e308, "deposit_amount_2": 0.09}',
        '{"deposit_amount_1": 0.09, "deposit_amount_2": 1000000}',
        '{"deposit_amount_1": 0.09, "deposit_amount_2": 1e999}',
    ],
)
def test_an_amount_past_cents_or_past_any_deposit_is_a_400_and_no_attempt(http, clock, body):
    headers = open_session(http)
    guid = deposited(http, headers, clock)["guid"]
    for _ in range(4):  # more than the attempts that end in PREVENTED
        r = http.put(f"/micro_deposits/{guid}", data=body, headers=headers)
        assert r.status == 400 and r.json["error"]["code"] in (4000, 4001, 4002), r.json
    assert read(http, headers, guid)["status_name"] == "DEPOSITED"
    assert verify(http, headers, guid).json["micro_deposit"]["status_name"] == "VERIFIED"


@pytest.mark.parametrize("literal", ["0.09", "0.090", "9e-2", "0.9E-1", "9.0e-2"])
def test_the_same_cents_written_otherwise_verify(http, clock, literal):
    headers = open_session(http)
    guid = deposited(http, headers, clock)["guid"]  # deposits of 0.09 and 0.09 (the bundled fixture)
    body = f'{{"deposit_amount_1": {literal}, "deposit_amount_2": {literal}}}'
    r = http.put(f"/micro_deposits/{guid}", data=body, headers=headers)
    assert r.status == 200 and r.json["micro_deposit"]["status_name"] == "VERIFIED", r.json
