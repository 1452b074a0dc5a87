"""The fixture file format, version 1: institutions and scenarios as data.

A fixture file is JSON or YAML holding `version: 1` and either or both of `institutions` (a list) and
`scenarios` (a mapping of name to scenario). Unknown keys are errors here (unlike API requests): a typo in a
fixture should fail loudly at start-up, not be silently ignored.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, NamedTuple

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from mocknexus.domain.catalog.catalog import (
    CHALLENGE_TYPES,
    FIELD_TYPES,
    RETRY,
    ChallengeSpec,
    CredentialField,
    Institution,
    Scenario,
    ScenarioRule,
    Step,
)
from mocknexus.domain.core.statuses import ConnectionStatus, Group
from mocknexus.domain.declared.declared import Declaration
from mocknexus.domain.microdeposits.microdeposits import BlockedReason, MicroDepositRule
from mocknexus.domain.oauth.oauth import OAuthOutcome
from mocknexus.schemas import test_data

FIXTURE_VERSION = 1
FIXTURE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
# MX's has_*_accounts flags, one per kind.
ACCOUNT_TYPES = ("CHECKING", "SAVINGS", "CREDIT_CARD", "INVESTMENT", "LINE_OF_CREDIT", "LOAN", "MORTGAGE")
# The longest a scenario step may last or wait for answers: a year, far past any MX job (minutes), and
# far from the end of the calendar, so that no stored deadline can make a read fail.
MAX_STEP_SECONDS = 366 * 86400
_AT_MOST_A_YEAR = validate.Range(max=MAX_STEP_SECONDS, error=f"Must be at most {MAX_STEP_SECONDS} seconds (366 days).")
_GUID_NAMESPACE = uuid.UUID("6f1f7a52-4d7e-4d0c-9b7e-2a43c8a1d0b1")

# While a job runs it shows a processing status, or CONNECTED once the login has succeeded (as MX does).
_running = [s.name for s in ConnectionStatus if s.group is Group.PROCESSING] + [ConnectionStatus.CONNECTED.name]
_end = [s.name for s in ConnectionStatus if s.is_end_state]
_failures = [s.name for s in ConnectionStatus if s.group is Group.FAILURE]


def stable_guid(prefix: str, *parts: str) -> str:
    """A guid derived from names, so a fixture without explicit guids keeps them across restarts
    (clients cache institution and credential guids)."""
    return f"{prefix}-{uuid.uuid5(_GUID_NAMESPACE, ':'.join(parts))}"


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class OptionSchema(_Strict):
    label = fields.String(required=True)
    value = fields.String(required=True)
    data_uri = fields.String()


class ChallengeSpecSchema(_Strict):
    type = fields.String(required=True, validate=validate.OneOf(CHALLENGE_TYPES))
    label = fields.String(required=True)
    answer = fields.String(required=True)
    field_name = fields.String()
    options = fields.List(fields.Nested(OptionSchema))
    image_data = fields.String()
    image_options = fields.List(fields.Nested(OptionSchema))

    @validates_schema
    def _check_type_fields(self, data: dict, **kwargs: Any) -> None:
        kind = data["type"]
        if kind == "OPTIONS" or kind == "IMAGE_OPTIONS":
            key = "options" if kind == "OPTIONS" else "image_options"
            values = [o["value"] for o in data.get(key, [])]
            if not values:
                raise ValidationError(f"a {kind} challenge needs a non-empty '{key}' list", key)
            if data["answer"] not in values:
                raise ValidationError(f"answer {data['answer']!r} is not the value of any of its {key}", "answer")
        if kind == "IMAGE_DATA" and not data.get("image_data"):
            raise ValidationError("an IMAGE_DATA challenge needs 'image_data' (a base64 image)", "image_data")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> ChallengeSpec:
        return ChallengeSpec(
            type=data["type"],
            label=data["label"],
            answer=data["answer"],
            field_name=data.get("field_name"),
            options=tuple(data.get("options", ())),
            image_data=data.get("image_data"),
            image_options=tuple(data.get("image_options", ())),
        )


class StepSchema(_Strict):
    status = fields.String(validate=validate.OneOf(_running))
    seconds = fields.Float(load_default=0.0, validate=[validate.Range(min=0), _AT_MOST_A_YEAR])
    polls = fields.Integer(load_default=0, validate=validate.Range(min=0))
    challenges = fields.List(fields.Nested(ChallengeSpecSchema), validate=validate.Length(min=1))
    on_wrong_answer = fields.String(
        load_default=ConnectionStatus.REJECTED.name, validate=validate.OneOf([RETRY, *_failures])
    )
    answer_within_seconds = fields.Float(
        load_default=300.0,
        validate=[validate.Range(min=0, min_inclusive=False), _AT_MOST_A_YEAR],
    )
    name = fields.String()
    next = fields.String()
    outcomes = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)

    @validates_schema
    def _check(self, data: dict, **kwargs: Any) -> None:
        if data.get("challenges") and "status" in data:
            raise ValidationError("a step with challenges is CHALLENGED; it takes no 'status'", "status")
        if not data.get("challenges"):
            for key in ("next", "outcomes"):
                if data.get(key):
                    raise ValidationError(f"'{key}' applies only to a step with challenges", key)

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> Step:
        return Step(
            status=ConnectionStatus[data["status"]] if "status" in data else None,
            seconds=data["seconds"],
            polls=data["polls"],
            challenges=tuple(data.get("challenges", ())),
            on_wrong_answer=data["on_wrong_answer"],
            answer_within_seconds=data["answer_within_seconds"],
            name=data.get("name"),
            next=data.get("next"),
            outcomes=tuple(data["outcomes"].items()),
        )


class OAuthAnswerSchema(_Strict):
    """What the bank answers when the user presses Authorize, and after how many clock seconds."""

    answer = fields.String(load_default="SUCCESS", validate=validate.OneOf(OAuthOutcome.names()))
    answer_seconds = fields.Float(load_default=0.0, validate=validate.Range(min=0))


class ScenarioSchema(_Strict):
    description = fields.String(load_default="")
    oauth = fields.Nested(OAuthAnswerSchema, load_default=lambda: {"answer": "SUCCESS", "answer_seconds": 0.0})
    steps = fields.List(fields.Nested(StepSchema), load_default=list)
    end = fields.String(required=True, validate=validate.OneOf(_end))
    accounts = fields.Integer(load_default=2, validate=validate.Range(min=0, max=50))
    # The accounts' MX types, one per account (then `accounts` is their number).
    account_types = fields.List(fields.String(validate=validate.OneOf(ACCOUNT_TYPES)), load_default=list,
                                validate=validate.Length(max=50))  # fmt: skip
    account_numbers = fields.Boolean(load_default=True)

    @validates_schema
    def _check_targets(self, data: dict, **kwargs: Any) -> None:
        steps = data.get("steps", [])
        names = {step.name for step in steps if step.name}
        allowed = names | {RETRY, *_failures, *_end}
        for index, step in enumerate(steps):
            targets = [("next", step.next)] if step.next else []
            targets += [(f"outcomes.{answer}", target) for answer, target in step.outcomes]
            for where, target in targets:
                if target not in allowed:
                    raise ValidationError(
                        f"{target!r} is neither a step name of this scenario nor an end status or 'retry'",
                        f"steps.{index}.{where}",
                    )


class CredentialFieldSchema(_Strict):
    guid = fields.String(validate=validate.Regexp(r"^CRD-[0-9a-zA-Z-]+$"))
    field_name = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(load_default="TEXT", validate=validate.OneOf(list(FIELD_TYPES)))
    display_order = fields.Integer(validate=validate.Range(min=1))
    options = fields.List(fields.Nested(OptionSchema), load_default=list)
    display_name = fields.String(allow_none=True)
    editable = fields.Boolean()
    optional = fields.Boolean()
    max_length = fields.Integer(allow_none=True)
    size = fields.Integer(allow_none=True)
    value_mask = fields.String(allow_none=True)
    value_identifier = fields.String(allow_none=True)
    meta_data = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


_CREDENTIAL_DERIVED = ("guid", "display_order", "options", "created_at", "updated_at")  # set in _make


class RuleSchema(_Strict):
    when = fields.Dict(keys=fields.String(), values=fields.String(), required=True, validate=validate.Length(min=1))
    scenario = fields.String(required=True)


class InstitutionFixtureSchema(_Strict):
    guid = fields.String(validate=validate.Regexp(r"^INS-[0-9a-zA-Z-]+$"))
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_]+$"))
    name = fields.String(required=True)
    url = fields.String(required=True)
    # An OAuth-only institution has none: its users sign in at the bank's consent page.
    credentials = fields.List(fields.Nested(CredentialFieldSchema), load_default=list)
    scenarios = fields.List(fields.Nested(RuleSchema), load_default=list)
    default_scenario = fields.String(required=True)
    scenario_from_credential = fields.String(load_default=None)
    supports_account_identification = fields.Boolean(load_default=True)
    supports_account_verification = fields.Boolean(load_default=True)
    supports_oauth = fields.Boolean(load_default=None)
    oauth = fields.Boolean(load_default=None)  # shorthand for supports_oauth
    supports_transaction_history = fields.Boolean(load_default=True)
    aggregation_limits = fields.Boolean(load_default=True)
    account_types = fields.List(
        fields.String(validate=validate.OneOf(ACCOUNT_TYPES)), load_default=lambda: ["CHECKING", "SAVINGS"]
    )
    iso_country_code = fields.List(
        fields.String(validate=validate.OneOf(["US", "CA", "MX"])), load_default=lambda: ["US"]
    )
    popularity = fields.Integer(load_default=0)
    is_test = fields.Boolean(load_default=True)
    is_hidden = fields.Boolean(load_default=False)
    forgot_password_url = fields.String(allow_none=True)
    forgot_username_url = fields.String(allow_none=True)
    trouble_signing_in_url = fields.String(allow_none=True)
    medium_logo_url = fields.String(allow_none=True)
    small_logo_url = fields.String(allow_none=True)
    # A fixed default keeps responses identical from run to run.
    created_at = fields.AwareDateTime(load_default=lambda: FIXTURE_EPOCH)
    updated_at = fields.AwareDateTime(load_default=lambda: FIXTURE_EPOCH)

    @validates_schema
    def _check_rules(self, data: dict, **kwargs: Any) -> None:
        given = {data.get("oauth"), data.get("supports_oauth")} - {None}
        if len(given) > 1:
            raise ValidationError("oauth and supports_oauth disagree", "oauth")
        if not data["credentials"] and True not in given:
            raise ValidationError("an institution needs credentials unless it connects through OAuth", "credentials")
        names = {c["field_name"] for c in data["credentials"]}
        chooser = data.get("scenario_from_credential")
        if chooser and chooser not in names:
            raise ValidationError(f"the institution has no credential field {chooser!r}", "scenario_from_credential")
        for index, rule in enumerate(data.get("scenarios", [])):
            unknown = sorted(set(rule["when"]) - names)
            if unknown:
                raise ValidationError(
                    f"rule names credential field(s) {', '.join(unknown)}, which the institution does not have",
                    f"scenarios.{index}.when",
                )

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> Institution:
        code = data["code"]
        guid = data.get("guid") or stable_guid("INS", code)
        credentials = tuple(
            CredentialField(
                **{k: v for k, v in c.items() if k not in _CREDENTIAL_DERIVED},
                guid=c.get("guid") or stable_guid("CRD", code, c["field_name"]),
                display_order=c.get("display_order", index + 1),
                options=tuple(c["options"]),
                institution_guid=guid,
                created_at=c.get("created_at", data["created_at"]),
                updated_at=c.get("updated_at", data["updated_at"]),
            )
            for index, c in enumerate(data["credentials"])
        )
        listed = ("credentials", "scenarios", "iso_country_code", "account_types", "guid", "oauth")
        simple = {k: v for k, v in data.items() if k not in listed}
        simple["supports_oauth"] = True in (data.get("oauth"), data.get("supports_oauth"))
        return Institution(
            guid=guid,
            account_types=tuple(data["account_types"]),
            credentials=credentials,
            rules=tuple(ScenarioRule(dict(r["when"]), r["scenario"]) for r in data["scenarios"]),
            iso_country_code=tuple(data["iso_country_code"]),
            **simple,
        )


class FixtureFile(NamedTuple):
    institutions: list[Institution]
    scenarios: list[Scenario]
    micro_deposit_rules: list[MicroDepositRule]
    blocked_routing_numbers: dict[str, BlockedReason]
    declared_accounts: list[Declaration]


class FixtureFileSchema(_Strict):
    version = fields.Integer(required=True, validate=validate.Equal(FIXTURE_VERSION, error="must be 1"))
    institutions = fields.List(fields.Nested(InstitutionFixtureSchema), load_default=list)
    scenarios = fields.Dict(keys=fields.String(), values=fields.Nested(ScenarioSchema), load_default=dict)
    micro_deposits = fields.List(fields.Nested(test_data.MicroDepositRuleSchema), load_default=list)
    blocked_routing_numbers = test_data.BLOCKED_ROUTING_NUMBERS
    test_accounts = fields.List(fields.Nested(test_data.DeclarationSchema), load_default=list)
    # The server's webhook configuration (as PUT /__admin/webhooks takes it), read by loader.load_webhooks.
    webhooks = fields.Dict(load_default=None)

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> FixtureFile:
        scenarios = [
            Scenario(
                name=name,
                steps=tuple(s["steps"]),
                end=ConnectionStatus[s["end"]],
                description=s["description"],
                accounts=len(s["account_types"]) or s["accounts"],
                account_types=tuple(s["account_types"]),
                account_numbers=s["account_numbers"],
                oauth_answer=s["oauth"]["answer"],
                oauth_answer_seconds=s["oauth"]["answer_seconds"],
            )
            for name, s in data["scenarios"].items()
        ]
        return FixtureFile(
            data["institutions"],
            scenarios,
            data["micro_deposits"],
            test_data.blocked_reasons(data["blocked_routing_numbers"]),
            data["test_accounts"],
        )
