"""What the emulated MX knows before any user arrives: institutions, their credentials, and scenarios.

Loaded from fixture files (see `mocknexus.loader`); read-only while serving. A scenario scripts what a
member's job does; an institution's rules map the credential values a user types to a scenario, the way
MX's and Plaid's test credentials do.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from mocknexus.domain.core.statuses import ConnectionStatus
from mocknexus.domain.declared.declared import Declaration
from mocknexus.domain.microdeposits.microdeposits import BlockedReason, MicroDepositRule

CHALLENGE_TYPES = ("TEXT", "OPTIONS", "TOKEN", "IMAGE_DATA", "IMAGE_OPTIONS")
RETRY = "retry"  # on_wrong_answer: ask the same questions again, with new guids


@dataclass(frozen=True)
class ChallengeSpec:
    type: str
    label: str
    answer: str  # for OPTIONS / IMAGE_OPTIONS: the `value` of the right option
    field_name: str | None = None
    options: tuple[dict, ...] = ()  # each {"label", "value"}
    image_data: str | None = None  # base64 image, for IMAGE_DATA
    image_options: tuple[dict, ...] = ()  # each {"label", "value", "data_uri"}


@dataclass(frozen=True)
class Step:
    """One stretch of a job. It lasts at least `seconds` of clock time and is shown to at least `polls` reads.

    A step with challenges is CHALLENGED and lasts until answered (or `answer_within_seconds` pass: EXPIRED).
    Right answers go to the step named `next` (default: the following one); an answer listed in `outcomes`
    goes where that says (a step name, an end status, or "retry"); any other wrong answer to `on_wrong_answer`.
    `status` None means the job's starting status: CREATED for a member never aggregated, CONNECTED for a
    connected one, UPDATED otherwise.
    """

    status: ConnectionStatus | None = None
    seconds: float = 0.0
    polls: int = 0
    challenges: tuple[ChallengeSpec, ...] = ()
    on_wrong_answer: str = ConnectionStatus.REJECTED.name
    answer_within_seconds: float = 300.0
    name: str | None = None
    next: str | None = None
    outcomes: tuple[tuple[str, str], ...] = ()  # (answer value, target)

    @property
    def is_challenge(self) -> bool:
        return bool(self.challenges)


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]
    end: ConnectionStatus
    description: str = ""
    accounts: int = 2  # accounts a successful job finds
    account_types: tuple[str, ...] = ()  # their MX types, one per account (empty: checking and savings)
    account_numbers: bool = True  # whether a successful verification finds account numbers
    # For an OAuth member: what the bank answers when the user presses Authorize (SUCCESS, or an error
    # reason of MX's OAuth complete page), and how many clock seconds pass before that answer reaches the
    # member (it stays PENDING until then). Deny at the consent page is always CANCELLED.
    oauth_answer: str = "SUCCESS"
    oauth_answer_seconds: float = 0.0

    def step_index(self, name: str) -> int | None:
        return next((i for i, step in enumerate(self.steps) if step.name == name), None)


# MX's integer `field_type` per `field_type_name`. LOGIN 3 and PASSWORD 1 are MX's (its MX Bank example);
# the others are INFERRED (MX publishes no table), kept stable so that clients may cache them.
FIELD_TYPES = {"TEXT": 0, "PASSWORD": 1, "OPTIONS": 2, "LOGIN": 3, "TOKEN": 4, "IMAGE_DATA": 5, "IMAGE_OPTIONS": 6}


@dataclass(frozen=True)
class CredentialField:
    """One credential an institution requires, with every key MX documents for it (its MX Bank example)."""

    guid: str
    field_name: str
    label: str
    type: str  # field_type_name: LOGIN, PASSWORD, TEXT, OPTIONS, ...
    display_order: int  # from 1, as MX numbers them
    options: tuple[dict, ...] = ()
    institution_guid: str = ""
    display_name: str | None = None
    editable: bool = True
    optional: bool = False
    max_length: int | None = None
    size: int | None = None
    value_mask: str | None = None
    value_identifier: str | None = None
    meta_data: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Keys MX sends for an institution's credentials with these values (they matter for MFA fields only).
    mfa: bool = False
    escaped: bool | None = None
    answer_field_type: int | None = None
    optional_mfa: bool | None = None

    @property
    def field_type(self) -> int:
        return FIELD_TYPES[self.type]


@dataclass(frozen=True)
class ScenarioRule:
    when: dict[str, str]  # credential field_name -> the exact value that selects `scenario`
    scenario: str


@dataclass(frozen=True)
class Institution:
    guid: str
    code: str
    name: str
    url: str
    credentials: tuple[CredentialField, ...]
    default_scenario: str
    rules: tuple[ScenarioRule, ...] = ()
    # When set, a value of this credential that names a scenario selects it directly (the scenario bank).
    scenario_from_credential: str | None = None
    supports_account_identification: bool = True
    supports_account_verification: bool = True
    supports_oauth: bool = False
    supports_transaction_history: bool = True
    # MX's limits on standard aggregations and balance checks (docs/compatibility.md); MX Bank has none.
    aggregation_limits: bool = True
    # MX's (deprecated) has_*_accounts flags come from this list.
    account_types: tuple[str, ...] = ("CHECKING", "SAVINGS")
    iso_country_code: tuple[str, ...] = ("US",)
    popularity: int = 0
    is_test: bool = True
    is_hidden: bool = False
    is_disabled_by_client: bool = False
    forgot_password_url: str | None = None
    forgot_username_url: str | None = None
    trouble_signing_in_url: str | None = None
    medium_logo_url: str | None = None
    small_logo_url: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class Catalog:
    institutions: dict[str, Institution] = field(default_factory=dict)  # by guid
    scenarios: dict[str, Scenario] = field(default_factory=dict)  # by name
    micro_deposit_rules: list[MicroDepositRule] = field(default_factory=list)  # by account-number prefix
    blocked_routing_numbers: dict[str, BlockedReason] = field(default_factory=dict)
    declared_accounts: list[Declaration] = field(default_factory=list)  # in file order

    def __post_init__(self) -> None:
        self._reindex()

    def _reindex(self) -> None:
        """Search indexes, rebuilt whenever fixtures are added (never per request)."""
        ordered = sorted(self.institutions.values(), key=lambda i: (-i.popularity, i.name.lower()))
        self._visible = [i for i in ordered if not i.is_hidden]  # search results come in this order
        self._names = [i.name.lower() for i in self._visible]
        self._every_code = {i.code: i for i in sorted(self.institutions.values(), key=lambda i: i.guid)}
        self._by_code: dict[str, int] = {}
        self._by_host: dict[str, list[int]] = defaultdict(list)
        self._by_country: dict[str, list[int]] = defaultdict(list)
        grams: dict[str, list[int]] = defaultdict(list)
        for index, institution in enumerate(self._visible):
            self._by_code.setdefault(institution.code.lower(), index)
            self._by_host[_bare_host(institution.url)].append(index)
            for country in institution.iso_country_code:
                self._by_country[country].append(index)
            for gram in _trigrams(self._names[index]):
                grams[gram].append(index)
        # Postings as compact int arrays, ascending (so results stay in rank order).
        self._trigrams = {gram: array("i", indexes) for gram, indexes in grams.items()}

    def add(
        self,
        institutions: list[Institution],
        scenarios: list[Scenario],
        micro_deposit_rules: list[MicroDepositRule] | None = None,
        blocked_routing_numbers: dict[str, BlockedReason] | None = None,
        declared_accounts: list[Declaration] | None = None,
    ) -> None:
        micro_deposit_rules = micro_deposit_rules or []
        self.institutions.update((i.guid, i) for i in institutions)
        self.scenarios.update((s.name, s) for s in scenarios)
        # A later file's rule for the same prefix replaces an earlier one, as scenarios do by name.
        prefixes = {r.account_number for r in micro_deposit_rules}
        self.micro_deposit_rules = [r for r in self.micro_deposit_rules if r.account_number not in prefixes]
        self.micro_deposit_rules.extend(micro_deposit_rules)
        self.blocked_routing_numbers.update(blocked_routing_numbers or {})
        names = {d.name for d in declared_accounts or ()}
        self.declared_accounts = [d for d in self.declared_accounts if d.name not in names]
        self.declared_accounts.extend(declared_accounts or ())
        self._reindex()

    def by_code(self, code: str) -> Institution | None:
        """An institution by its code (`mxbank`), as the Platform API names it; hidden ones too."""
        return self._every_code.get(code)

    def scenario_for(self, institution: Institution, values_by_field_name: dict[str, str]) -> str:
        """The scenario the credential values a user typed select at this institution."""
        named = values_by_field_name.get(institution.scenario_from_credential or "")
        if named in self.scenarios:
            return named
        for rule in institution.rules:
            if all(values_by_field_name.get(k) == v for k, v in rule.when.items()):
                return rule.scenario
        return institution.default_scenario

    def search(self, name: str | None, url: str | None, countries: list[str] | None) -> list[Institution]:
        """Case-insensitive substring match on name (or exact code); url matches the same host (scheme and
        `www.` ignored), or any host containing it when it is a bare word. An empty name lists everything.
        MX documents the fields, not the matching: INFERRED.

        Names are found through a trigram index, so the cost follows the number of matches, not the size
        of the catalog; only queries shorter than three characters, or a bare-word url, read every row.
        """
        found: set[int] | None = None  # None: every visible institution
        name_q = (name or "").strip().lower()
        if name_q:
            found = self._name_matches(name_q)
        url_q = _bare_host(url or "")
        if url_q:
            if "." in url_q:
                hosts = set(self._by_host.get(url_q, ()))
            else:
                hosts = {i for host, rows in self._by_host.items() if url_q in host for i in rows}
            found = hosts if found is None else found & hosts
        if countries:
            wanted = {i for c in {c.upper() for c in countries} for i in self._by_country.get(c, ())}
            found = wanted if found is None else found & wanted
        if found is None:
            return self._visible
        return [self._visible[i] for i in sorted(found)]

    def _name_matches(self, query: str) -> set[int]:
        matches: set[int] = set()
        if query in self._by_code:
            matches.add(self._by_code[query])
        grams = _trigrams(query)
        if not grams:  # too short to index: read the names
            return matches | {i for i, n in enumerate(self._names) if query in n}
        # Every match holds every trigram of the query: check the names under its rarest one.
        rarest = min((self._trigrams.get(g, _EMPTY) for g in grams), key=len)
        matches.update(i for i in rarest if query in self._names[i])
        return matches


_EMPTY = array("i")


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def _bare_host(url: str) -> str:
    url = url.strip().lower()
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
    if url.startswith("www."):
        url = url[4:]
    return url.rstrip("/")
