"""Every `connection_status` MX documents, with its integer id, its group and its end-user message.

Ids are MX's own (Connect widget source, src/const/Statuses.js). Groups follow MX's "important member fields
and states" guide. Messages for PREVENTED, DENIED, CHALLENGED and REJECTED are the Nexus Members Overview
table's; the others are the Connect widget's texts for the same states (INFERRED to match the API's).
"""

from __future__ import annotations

from enum import Enum


class Group(Enum):
    PROCESSING = "processing"  # transient while a job runs: keep polling
    ACTION = "action"  # the job waits for the end user (MFA answers, OAuth)
    SUCCESS = "success"
    FAILURE = "failure"  # an end state; usually needs new input or a new connection


class ConnectionStatus(Enum):
    # name = (connection_status_id, group, end-user message; {name} is the member's name)
    CREATED = (0, Group.PROCESSING, "Connecting to {name} ...")
    PREVENTED = (
        1,
        Group.FAILURE,
        "The last 3 attempts to connect have failed. Please re-enter your credentials to continue importing data.",
    )
    DENIED = (
        2,
        Group.FAILURE,
        "The credentials entered do not match your credentials at this institution. "
        "Please re-enter your credentials to continue importing data.",
    )
    CHALLENGED = (
        3,
        Group.ACTION,
        "To authenticate your connection to {name}, please answer the following challenge(s).",
    )
    REJECTED = (4, Group.FAILURE, "The answer or answers provided were incorrect. Please try again.")
    LOCKED = (
        5,
        Group.FAILURE,
        "Your account is locked. Please log in to the appropriate website for {name} "
        "and follow the steps to resolve the issue.",
    )
    CONNECTED = (6, Group.SUCCESS, "Connected to {name}.")
    IMPEDED = (
        7,
        Group.FAILURE,
        "Your attention is needed at this institution's website. Please log in to the appropriate website "
        "for {name} and follow the steps to resolve the issue.",
    )
    RECONNECTED = (8, Group.PROCESSING, "Reconnecting to {name} ...")
    DEGRADED = (9, Group.FAILURE, "We are upgrading this connection. Please try again later.")
    DISCONNECTED = (
        10,
        Group.FAILURE,
        "It looks like your data from {name} cannot be imported. We are working to resolve the issue.",
    )
    DISCONTINUED = (
        11,
        Group.FAILURE,
        "Connections to this institution are no longer supported. You may create a manual account "
        "and use manual transactions to track data for this account.",
    )
    CLOSED = (
        12,
        Group.FAILURE,
        "This connection has been closed. You may track this account manually. "
        "If reopened, you may connect the institution again.",
    )
    DELAYED = (13, Group.PROCESSING, "Importing your data from {name} may take a while. Please check back later.")
    FAILED = (14, Group.FAILURE, "There was a problem validating your credentials with {name}. Please try again later.")
    UPDATED = (15, Group.PROCESSING, "Connecting to {name} ...")
    DISABLED = (
        16,
        Group.FAILURE,
        "Importing data from this institution has been disabled. "
        "Please contact us if you believe it has been disabled in error.",
    )
    IMPORTED = (
        17,
        Group.FAILURE,
        "You must re-authenticate before your data can be imported. Please enter your credentials for {name}.",
    )
    RESUMED = (18, Group.PROCESSING, "Connecting to {name} ...")
    EXPIRED = (19, Group.FAILURE, "The answer or answers were not provided in time. Please try again.")
    IMPAIRED = (
        20,
        Group.FAILURE,
        "You must re-authenticate before your data can be imported. Please enter your credentials for {name}.",
    )
    PENDING = (21, Group.ACTION, "")  # MX shows no message for PENDING

    @property
    def id(self) -> int:
        return self.value[0]

    @property
    def group(self) -> Group:
        return self.value[1]

    def message_for(self, member_name: str) -> str:
        return self.value[2].replace("{name}", member_name)

    @property
    def needs_updated_credentials(self) -> bool:
        """MX's `needs_updated_credentials` (G21): the member's credentials must be entered again."""
        return self.name in ("DENIED", "PREVENTED", "IMPAIRED", "IMPORTED")

    @property
    def is_end_state(self) -> bool:
        """A state a job can finish in."""
        return self.group in (Group.SUCCESS, Group.FAILURE)

    @classmethod
    def parse(cls, name: str) -> ConnectionStatus:
        try:
            return cls[name]
        except KeyError:
            raise ValueError(f"unknown connection_status {name!r}") from None

    @classmethod
    def names(cls) -> list[str]:
        return [status.name for status in cls]


class JobType(Enum):
    AGGREGATION = "AGGREGATION"
    VERIFICATION = "VERIFICATION"
    IDENTIFICATION = "IDENTIFICATION"
    BALANCE = "BALANCE"  # the Platform API's check_balance: a balance-only aggregation
    HISTORY = "HISTORY"  # extend_history: an aggregation reaching MX's extended transaction history
    STATEMENT = "STATEMENT"  # fetch_statements: the institution's monthly statements


ANY_END = "END"  # in a wait: any end state, with no job running


def wait_status_pattern() -> str:
    """What a wait takes: a status name or END, or several comma-separated (`CONNECTED, DENIED`)."""
    one = "(" + "|".join([*ConnectionStatus.names(), ANY_END]) + ")"
    return rf"^ *{one} *(, *{one} *)*$"
