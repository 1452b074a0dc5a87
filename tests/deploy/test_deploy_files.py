"""Deploying from the repository: compose.yaml, the CI examples (docs/ci/) and the release workflow hold
together, and the version says what it is. These files cannot run here (no Docker daemon, no GitHub or
GitLab runner), so their shape is checked: what each step runs, what each name refers to."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import fields
from pathlib import Path

import yaml

import mocknexus
from mocknexus.config import ENV_PREFIX, Config

ROOT = Path(__file__).resolve().parents[2]
VERSION = mocknexus.__version__
PLUGIN_VARIABLES = {"MOCKNEXUS_URL", "MOCKNEXUS_ADMIN_TOKEN", "MOCKNEXUS_RECEIVER_HOST"}
SETTINGS = {ENV_PREFIX + f.name.upper() for f in fields(Config)}


def _yaml(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text())


def _on(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true


def _mocknexus_variables(text: str) -> set[str]:
    return set(re.findall(r"\bMOCKNEXUS_[A-Z_]+\b", text))


def test_compose_builds_this_repository_and_waits_for_health():
    compose = _yaml("compose.yaml")
    service = compose["services"]["mocknexus"]
    assert service["build"] == "." and (ROOT / "Dockerfile").exists()
    assert "/__admin/health" in " ".join(service["healthcheck"]["test"])
    assert any(port.endswith(":8080") for port in service["ports"])
    assert set(service["environment"]) <= SETTINGS
    text = (ROOT / "compose.yaml").read_text()
    assert _mocknexus_variables(text) <= SETTINGS
    assert "PostgreSQL profile" in text  # the place reserved for the team store's profile


def test_the_github_actions_example_uses_what_the_release_publishes():
    text = (ROOT / "docs/ci/github-actions.yml").read_text()
    job = _yaml("docs/ci/github-actions.yml")["jobs"]["test"]
    release_images = _release_image_names()
    image = job["services"]["mocknexus"]["image"]
    assert image == f"{release_images}:{VERSION}"
    assert job["env"]["MOCKNEXUS_URL"] == "http://127.0.0.1:8080"
    assert "8080:8080" in job["services"]["mocknexus"]["ports"]
    runs = [step.get("run", "") for step in job["steps"]]
    receiver = next(i for i, run in enumerate(runs) if "MOCKNEXUS_RECEIVER_HOST=" in run)
    tests = next(i for i, run in enumerate(runs) if run.strip().startswith("pytest"))
    assert receiver < tests and "GITHUB_ENV" in runs[receiver]  # set for the steps after it
    installs = next(run for run in runs if "pip install" in run)
    assert f"/releases/download/v{VERSION}/mocknexus-{VERSION}-py3-none-any.whl" in installs
    assert _mocknexus_variables(text) <= SETTINGS | PLUGIN_VARIABLES


def test_the_gitlab_example_lets_the_service_reach_the_job():
    ci = _yaml("docs/ci/gitlab-ci.yml")
    variables, job = ci["variables"], ci["tests"]
    assert variables["FF_NETWORK_PER_BUILD"] == "true"
    assert variables["MOCKNEXUS_VERSION"] == VERSION
    assert variables["MOCKNEXUS_IMAGE"] == "ghcr.io/$MOCKNEXUS_OWNER/mocknexus:$MOCKNEXUS_VERSION"
    service = job["services"][0]
    assert service["name"] == "$MOCKNEXUS_IMAGE" and service["alias"] == "mocknexus"
    assert variables["MOCKNEXUS_URL"] == f"http://{service['alias']}:8080"
    script = job["script"]
    receiver = next(i for i, line in enumerate(script) if line.startswith("export MOCKNEXUS_RECEIVER_HOST="))
    assert receiver < next(i for i, line in enumerate(script) if line.startswith("pytest"))
    assert any("$MOCKNEXUS_WHEEL" in line for line in script)
    assert "mocknexus-$MOCKNEXUS_VERSION-py3-none-any.whl" in variables["MOCKNEXUS_WHEEL"]
    text = (ROOT / "docs/ci/gitlab-ci.yml").read_text()
    assert _mocknexus_variables(text) <= SETTINGS | PLUGIN_VARIABLES | {
        "MOCKNEXUS_OWNER", "MOCKNEXUS_VERSION", "MOCKNEXUS_IMAGE", "MOCKNEXUS_WHEEL"
    }  # fmt: skip


def test_the_plugin_binds_its_receiver_where_the_examples_say():
    plugin = (ROOT / "mocknexus" / "pytest_plugin.py").read_text()
    assert 'os.environ.get("MOCKNEXUS_RECEIVER_HOST"' in plugin


def _release() -> dict:
    return _yaml(".github/workflows/release.yml")


def _release_image_names() -> str:
    meta = next(s for s in _release()["jobs"]["image"]["steps"] if s.get("id") == "meta")
    return meta["with"]["images"]


def test_the_release_workflow_builds_the_wheel_and_the_image_on_a_tag():
    workflow = _release()
    assert _on(workflow) == {"push": {"tags": ["v*"]}}
    jobs = workflow["jobs"]
    assert set(jobs) == {"wheel", "image", "publish"}
    for name, job in jobs.items():
        needs = job.get("needs", [])
        assert set([needs] if isinstance(needs, str) else needs) <= set(jobs), name
        ids = {step.get("id") for step in job["steps"]}
        for step in job["steps"]:
            uses = step.get("uses")
            assert uses is None or re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", uses), uses  # pinned to a major
            for ref in re.findall(r"steps\.([\w-]+)\.", str(step)):
                assert ref in ids, f"{name}: a step refers to steps.{ref}, which this job does not have"
    wheel = " ".join(step.get("run", "") for step in jobs["wheel"]["steps"])
    assert "python -m build" in wheel and "GITHUB_REF_NAME" in wheel and "CHANGELOG.md" in wheel
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") for s in jobs["wheel"]["steps"])
    image_steps = jobs["image"]["steps"]
    assert jobs["image"]["permissions"]["packages"] == "write"
    pushes = [s for s in image_steps if s.get("uses", "").startswith("docker/build-push-action@")]
    assert pushes[-1]["with"]["push"] is True and pushes[-1]["with"]["tags"] == "${{ steps.meta.outputs.tags }}"
    assert _release_image_names() == "ghcr.io/${{ github.repository_owner }}/mocknexus"
    assert any("__admin/health" in s.get("run", "") for s in image_steps)  # the image serves before it is pushed
    publish = jobs["publish"]["steps"]
    assert jobs["publish"]["permissions"]["contents"] == "write"
    assert any(s.get("uses", "").startswith("softprops/action-gh-release@") and s["with"]["files"] == "dist/*"
               for s in publish)  # fmt: skip


def test_the_release_notes_step_finds_this_versions_section(tmp_path):
    step = next(s for s in _release()["jobs"]["publish"]["steps"] if "awk" in s.get("run", ""))
    (tmp_path / "CHANGELOG.md").write_text((ROOT / "CHANGELOG.md").read_text())
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env={"GITHUB_REF_NAME": f"v{VERSION}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "release-notes.md").read_text()
    assert "### Added" in text and f"[{VERSION}]" not in text and "## [" not in text


def test_the_version_says_what_it_is():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["version"] == VERSION
    assert f"## [{VERSION}]" in (ROOT / "CHANGELOG.md").read_text()
    for api in mocknexus.APIS_SERVED:
        assert api in project["description"], api
    shown = subprocess.run([sys.executable, "-m", "mocknexus", "--version"], capture_output=True, text=True).stdout
    assert shown.startswith(f"mocknexus {VERSION}: ") and all(
        api in " ".join(shown.split()) for api in mocknexus.APIS_SERVED
    )
