"""The domain's user-keyed operations: one declared interface (`UserOperations`) that the emulator and MX's
static test members both satisfy, and that a second API can call with a user guid alone."""

from __future__ import annotations

import inspect

import pytest

from mocknexus.app import create_app
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.members.operations import UserOperations
from mocknexus.domain.service import Emulator
from mocknexus.domain.static_members.static_members import StaticMembers

OPERATIONS = sorted(
    name for name, value in vars(UserOperations).items() if inspect.isfunction(value) and not name.startswith("_")
)


def _parameters(function: object) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]  # type: ignore[arg-type]


@pytest.mark.parametrize("implementation", [Emulator, StaticMembers])
@pytest.mark.parametrize("operation", OPERATIONS)
def test_both_worlds_declare_every_operation_as_the_interface_does(implementation, operation):
    declared = getattr(UserOperations, operation)
    assert _parameters(getattr(implementation, operation)) == _parameters(declared)


def test_the_interface_names_every_operation_nexus_needs():
    assert {"get_user", "read_member", "start_job", "resume_member", "account_owners"} <= set(OPERATIONS)


@pytest.fixture
def world(clock):
    emu = create_app(clock=clock).extensions["mocknexus.worlds"].get("operations-client").emulator
    emu.create_user("ops-user")
    return emu


def _mxbank_member(emu: Emulator, user_guid: str, password: str = "password") -> str:
    bank = next(i for i in emu.catalog.institutions.values() if i.code == "mxbank")
    values = {"LOGIN": "mxuser", "PASSWORD": password}
    credentials = [{"guid": c.guid, "value": values[c.field_name]} for c in bank.credentials]
    return emu.create_member(user_guid, bank.guid, credentials, skip_aggregation=True).guid


def test_operations_run_for_a_user_guid_with_no_session_at_all(world, clock):
    """What the Platform API does: name the user, never open a Nexus session."""
    user = world.read_user("ops-user")
    guid = _mxbank_member(world, user.guid)
    member, started = world.start_job(user.guid, guid, JobType.VERIFICATION)
    assert started
    for _ in range(5):  # each step of the scenario wants its time and one read
        clock.advance(3)
        member = world.read_member(user.guid, guid)
    assert member.connection_status is ConnectionStatus.CONNECTED and not member.is_being_aggregated
    assert world.account_numbers(user.guid, guid)
    assert world.store.count("sessions") == 0


def test_another_users_member_is_absent(world):
    owner = world.read_user("ops-user")
    other = world.create_user("someone-else")
    guid = _mxbank_member(world, owner.guid)
    with pytest.raises(MXError) as refused:
        world.read_member(other.guid, guid)
    assert refused.value.kind is ErrorKind.NOT_FOUND


def test_an_unknown_user_is_a_404(world):
    with pytest.raises(MXError) as refused:
        world.list_members("USR-nobody", None, None)
    assert refused.value.kind is ErrorKind.NOT_FOUND
