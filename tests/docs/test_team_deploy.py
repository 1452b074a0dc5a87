"""docs/team.md's compose file and Kubernetes manifests, parsed and checked against the image and the server's own
settings (there is no Docker engine or cluster here): every replica on the same PostgreSQL database the compose
file's PostgreSQL serves, the load balancer sending to each replica, readiness on the health check that reflects
the database and liveness that does not, the Service reaching the Deployment's pods."""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml

from mocknexus.config import ENV_PREFIX, Config, store_spec
from mocknexus.store.spec import POSTGRESQL

ROOT = Path(__file__).resolve().parents[2]
TEAM = (ROOT / "docs" / "team.md").read_text()
HEALTH = "/__admin/health"
SETTINGS = {ENV_PREFIX + name.upper() for name in Config.__dataclass_fields__}


def block(name: str) -> str:
    found = re.search(rf"<!-- {name}:start -->\n```yaml\n(.*?)```\n<!-- {name}:end -->", TEAM, re.S)
    assert found, f"docs/team.md has no {name} block"
    return found.group(1)


def compose_env(text: str, values: dict[str, str]) -> str:
    """Compose's ${VAR:-default} interpolation (what `docker compose` does before reading the file)."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: values.get(m.group(1), m.group(2)), text)


def port_of(bind: str) -> int:
    return int(bind.rsplit(":", 1)[1])


def test_the_compose_file_runs_postgres_two_replicas_and_a_load_balancer():
    compose = yaml.safe_load(compose_env(block("compose"), {"MOCKNEXUS_DB_PASSWORD": "pw"}))
    services = compose["services"]
    assert set(services) == {"postgres", "replica-1", "replica-2", "lb"}
    db = services["postgres"]["environment"]
    replicas = [services["replica-1"], services["replica-2"]]
    for replica in replicas:
        env = replica["environment"]
        assert set(env) <= SETTINGS  # every variable is a setting the server reads
        config = Config.from_env({k: str(v) for k, v in env.items()})
        spec = store_spec(config)
        assert spec.kind == POSTGRESQL
        assert spec.target == f"postgresql://{db['POSTGRES_USER']}:pw@postgres:5432/{db['POSTGRES_DB']}"
        assert "pw" not in spec.display
        assert config.host == "0.0.0.0" and config.port == 8080
        assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert replica["build"] == "." and (ROOT / "Dockerfile").exists()
    assert replicas[0] == replicas[1]  # one definition (a YAML anchor): the replicas differ in nothing
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    # The load balancer: published on 8080, an upstream of every replica, retrying another on a 503.
    lb = services["lb"]
    assert lb["ports"] == ["8080:8080"] and set(lb["depends_on"]) == {"replica-1", "replica-2"}
    config_name = lb["configs"][0]["source"]
    nginx = compose["configs"][config_name]["content"]
    assert re.findall(r"server (replica-\d):(\d+)", nginx) == [("replica-1", "8080"), ("replica-2", "8080")]
    assert "proxy_pass http://mocknexus;" in nginx and "http_503" in nginx
    assert "pgdata" in compose["volumes"]


def test_the_image_serves_on_the_port_the_deployments_use_and_checks_the_health_endpoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "[postgresql]" in dockerfile  # psycopg and its pool are in the image
    assert "MOCKNEXUS_PORT=8080" in dockerfile and "MOCKNEXUS_HOST=0.0.0.0" in dockerfile
    assert HEALTH in dockerfile


def test_the_kubernetes_manifests_run_replicas_behind_a_service_ready_on_the_health_check():
    docs = {d["kind"]: d for d in yaml.safe_load_all(block("kubernetes"))}
    assert set(docs) == {"Secret", "Deployment", "Service"}
    deployment, service, secret = docs["Deployment"], docs["Service"], docs["Secret"]
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["selector"].items() <= labels.items()  # the Service reaches the pods
    (container,) = spec["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert service["spec"]["ports"][0]["targetPort"] in ports
    env = {e["name"]: e for e in container["env"]}
    assert set(env) <= SETTINGS
    assert int(env["MOCKNEXUS_PORT"]["value"]) == ports["http"]
    ref = env["MOCKNEXUS_STORE"]["valueFrom"]["secretKeyRef"]
    assert ref["name"] == secret["metadata"]["name"]
    url = secret["stringData"][ref["key"]]
    assert store_spec(Config.from_env({"MOCKNEXUS_STORE": url})).kind == POSTGRESQL
    # Readiness follows the database (the health check's 503); liveness does not, so an outage of the
    # database takes pods out of the Service without restarting them.
    readiness = container["readinessProbe"]["httpGet"]
    assert readiness["path"] == HEALTH and readiness["port"] == "http"
    assert "httpGet" not in container["livenessProbe"] and container["livenessProbe"]["tcpSocket"]["port"] == "http"
    assert container["readinessProbe"]["timeoutSeconds"] >= 2  # the health check waits 1.5 s for the database


def test_the_documented_health_answer_is_the_servers(postgres_url):
    """The JSON docs/team.md shows has the keys a replica's health check answers with."""
    from mocknexus.app import create_app

    shown = yaml.safe_load(re.search(r"```json\n(.*?)```", TEAM, re.S).group(1))
    app = create_app(Config(store=postgres_url, background_seconds=0))
    answer = app.test_client().get(HEALTH).get_json()
    assert set(answer) == set(shown) and set(answer["store"]) == set(shown["store"])
    assert answer["store"]["kind"] == shown["store"]["kind"] == POSTGRESQL
    assert set(string.punctuation) & set(answer["store"]["location"])  # a URL, passwordless
    assert ":pw-" not in answer["store"]["location"]
