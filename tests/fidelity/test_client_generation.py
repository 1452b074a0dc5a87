"""Client generators take the served OpenAPI document whole: openapi-python-client generates every operation
(named after MX's operationIds), with no schema dropped and one model per nullable enum, and the client it
generates runs MX's verification flow against a live server. Every dialect's document names its schemas
once (no apispec `Member1`)."""

from __future__ import annotations

import base64
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
import requests
import yaml

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.web.openapi import build_spec
from mocknexus.web.operation_ids import PLATFORM
from tests.support import LiveServer

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.live, pytest.mark.xdist_group("client_generation")]


def _generator() -> str:
    found = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent)) or shutil.which(
        "openapi-python-client"
    )
    if found is None:
        message = "openapi-python-client is not installed (the [test] extra has it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def server():
    with LiveServer(create_app(Config(job_time_scale=0))) as live:
        yield live


def _generate(document: str, where: Path) -> tuple[Path, str]:
    """The client openapi-python-client generates from `document`, and what it said doing so."""
    (where / "openapi.json").write_text(document)
    out = where / "mocknexus_client"
    done = subprocess.run(
        [_generator(), "generate", "--path", str(where / "openapi.json"), "--meta", "none", "--output-path", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done.stdout + done.stderr


@pytest.fixture(scope="module")
def generated(server, tmp_path_factory) -> tuple[Path, dict, str]:
    """The client openapi-python-client generates from the document the server serves."""
    document = requests.get(server.url + "/__admin/openapi.json", timeout=30)
    document.raise_for_status()
    out, log = _generate(document.text, tmp_path_factory.mktemp("generated"))
    return out, document.json(), log


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _not_generated(out: Path, document: dict, log: str) -> list[str]:
    """The operationIds of `document` with no module in the client generated to `out`."""
    # openapi-python-client drops an operation it cannot take with a warning ("Endpoint will not be
    # generated"), a body or a schema with "Unable to ..." or a "removal".
    assert "will not be generated" not in log and "Unable to" not in log and "removal" not in log, log
    ids = [op["operationId"] for methods in document["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    modules = {re.sub(r"_+", "_", p.stem) for p in (out / "api").glob("*/*.py") if p.stem != "__init__"}
    return [i for i in ids if re.sub(r"_+", "_", _snake(i)) not in modules]


def test_every_operation_is_generated_under_its_operation_id(generated):
    out, document, log = generated
    assert _not_generated(out, document, log) == []
    ids = {op["operationId"] for methods in document["paths"].values() for op in methods.values()}
    for name in ("createMember", "verifyMember", "readMemberStatus", "nexusCreateMember", "nexusVerifyMember"):
        assert name in ids


@pytest.mark.parametrize("dialect", ["g21", "v1"])
def test_every_operation_is_generated_in_every_dialect(dialect, tmp_path):
    document = build_spec(create_app(replace(Config(), mx_dialect=dialect)))
    out, log = _generate(json.dumps(document), tmp_path)
    assert _not_generated(out, document, log) == []


def test_nullable_enums_make_one_model(generated):
    out, _, _ = generated
    enums = [p.stem for p in (out / "models").glob("*.py") if re.search(r"\(\w*Enum\):", p.read_text())]
    bases = Counter(re.sub(r"(_type_\d+)+$", "", name) for name in enums)
    # A nullable enum made three models (86 in all); a value taken as an integer or as its digits (`4` or "4":
    # DigitsOrInteger) is two enums, one per type, on purpose.
    assert {base: n for base, n in bases.items() if n > 2} == {}
    assert "user_create_fields_gender" in bases and bases["user_create_fields_gender"] == 1


def _mx_name(documents: list[dict], method: str, path: str) -> str | None:
    """MX's operationId of an operation: v20111101's document by its exact path, else v20250224's for an
    operation only it has (its paths name `{user_identifier}` where v20111101 names `{user_guid}`)."""
    older, current = documents
    method, unnamed = method.lower(), re.sub(r"\{[^}]+\}", "{}", path)
    same = [p for p, ops in older["paths"].items() if method in ops and re.sub(r"\{[^}]+\}", "{}", p) == unnamed]
    if same:  # v20111101's operation (a URL Nexus shares, naming its parameters its own way, is not it)
        return older["paths"][path][method].get("operationId") if path in same else None
    for other, operations in current["paths"].items():  # v20250224's own, under its own parameter names
        if method in operations and re.sub(r"\{[^}]+\}", "{}", other) == unnamed:
            return operations[method].get("operationId")
    return None


def test_the_platform_names_are_mx_own():
    documents = [
        yaml.safe_load((ROOT / "docs" / "reference" / name).read_text())
        for name in ("mx_platform_api.yml", "mx_platform_api_v20250224.yml")
    ]
    wrong = {key: name for key, name in PLATFORM.items() if _mx_name(documents, *key) != name}
    assert wrong == {}
    # And every Platform operation served that MX's documents name has MX's name (none left to the derived ones).
    document = build_spec(create_app(Config()))
    unnamed = {
        (method, path): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "Platform API" in operation["tags"]
        and _mx_name(documents, method, path) not in (None, operation["operationId"])
    }
    assert unnamed == {}


@pytest.mark.parametrize("dialect", ["union", "g21", "v1"])
def test_every_dialect_names_each_schema_once(dialect):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # apispec warns when it renames a second schema of one name
        document = build_spec(create_app(replace(Config(), mx_dialect=dialect)))
    names = set(document["components"]["schemas"])
    assert [n for n in names if re.fullmatch(r"(.+?)\d+", n) and re.fullmatch(r"(.+?)\d+", n).group(1) in names] == []


class Generated:
    """The generated package, imported: its client for `server`, an operation's module, the models."""

    def __init__(self, out: Path, server: LiveServer) -> None:
        sys.path.insert(0, str(out.parent))
        try:
            package = importlib.import_module("mocknexus_client")
            self.models = importlib.import_module("mocknexus_client.models")
        finally:
            sys.path.remove(str(out.parent))
        token = base64.b64encode(b"generated-client:any-key").decode()
        self.client = package.AuthenticatedClient(base_url=server.url, token=token, prefix="Basic")

    def __getattr__(self, name: str):
        """A Platform API operation, by its module's name (`create_member`)."""
        return importlib.import_module("mocknexus_client.api.platform_api." + name)

    def member(self, password: str, skip_aggregation: bool) -> dict:
        """A new user's mxbank member (LOGIN mxuser): the ids a member's operations take."""
        models = self.models
        user = self.create_user.sync(
            client=self.client, body=models.PlatformUserRequest(user=models.PlatformUserFields())
        ).user
        credentials = importlib.import_module("mocknexus_client.api.nexus.nexus_list_institution_credentials")
        values = {"LOGIN": "mxuser", "PASSWORD": password}
        fields = [
            models.PlatformCredentialValue(guid=f.guid, value=values[f.field_name])
            for f in credentials.sync("mxbank", client=self.client).credentials
        ]
        body = models.PlatformMemberCreateRequest(
            member=models.PlatformMemberCreateFields(
                institution_code="mxbank", skip_aggregation=skip_aggregation, credentials=fields
            )
        )
        member = self.create_member.sync(user_guid=user.guid, client=self.client, body=body).member
        return {"member_guid": member.guid, "user_guid": user.guid, "client": self.client}

    def settled(self, ids: dict):
        """The member's status once its job has ended (job_time_scale=0: a few reads)."""
        status = None
        for _ in range(20):
            status = self.read_member_status.sync(**ids).member
            if not status.is_being_aggregated:
                break
        return status


def test_the_generated_client_runs_the_verification_flow(generated, server):
    mx = Generated(generated[0], server)
    ids = mx.member("challenge", skip_aggregation=True)
    mx.verify_member.sync(**ids)
    status = None
    for _ in range(20):
        status = mx.read_member_status.sync(**ids).member
        if status.connection_status == "CHALLENGED":
            break
    assert status.connection_status == "CHALLENGED"
    challenges = mx.list_member_challenges.sync(**ids).challenges
    answers = [mx.models.PlatformCredentialValue(guid=c.guid, value="correct") for c in challenges]
    mx.resume_aggregation.sync(
        **ids,
        body=mx.models.PlatformResumeRequest(member=mx.models.PlatformResumeFields(challenges=answers)),
    )
    assert mx.settled(ids).connection_status == "CONNECTED"
    numbers = mx.list_account_numbers_by_member.sync(**ids).account_numbers
    assert len(numbers) == 2 and all(n.routing_number for n in numbers)


def test_the_generated_client_filters_transactions_by_category(generated, server):
    """MX's category filter takes one value (`category_guid`) or several (`category_guid[]`): the generated
    client has the second, under the name both share."""
    mx = Generated(generated[0], server)
    ids = mx.member("password", skip_aggregation=False)
    assert mx.settled(ids).connection_status == "CONNECTED"
    listed = mx.list_transactions_by_member.sync(**ids, records_per_page=1000).transactions
    wanted = sorted({t.category_guid for t in listed})[:2]
    kept = mx.list_transactions_by_member.sync(**ids, records_per_page=1000, category_guid=wanted).transactions
    assert 0 < len(kept) < len(listed)
    assert {t.category_guid for t in kept} == set(wanted)
    user_guid = ids["user_guid"]
    mine = mx.list_transactions.sync(user_guid, client=mx.client, category_guid=wanted[:1]).transactions
    assert mine and {t.category_guid for t in mine} == set(wanted[:1])
