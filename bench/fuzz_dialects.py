"""schemathesis's CLI, every check, against `mocknexus serve --api-key ... --admin-token ...` under each
`--mx-dialect` (issue 21, point 8): the document tells the truth when both credentials are required.

The credentials go where the document's security schemes say (schemathesis's `[auth.openapi.<scheme>]`
configuration): the admin bearer token on the control plane, the API key on MDX and SSO, MX's static
`test_session` on Nexus, Basic `client:key` on the Platform API; negative cases still drop or spoil them.
After every call the server is reset (a hook), as tests/fidelity/test_fuzz.py resets it, so that a
generated fault, frozen clock or loaded snapshot does not fail the calls after it. A check an operation's
document declares unchecked (`x-mocknexus-unchecked`, with its reason) is left out there, as the
in-process fuzz tests leave it out; every other failure is counted by check.

  python bench/fuzz_dialects.py                     # every dialect, 10 examples per operation
  python bench/fuzz_dialects.py --dialects v1 --examples 30 --ports 18100-18199
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers

ADMIN_TOKEN, API_KEY = "fuzz-admin-token", "fuzz-api-key"
DIALECTS = ("union", "g21", "v1")
ST = [sys.executable, "-c", "from schemathesis.cli import schemathesis; schemathesis()"]
CONFIG = f"""
[auth.openapi.adminToken]
bearer = "{ADMIN_TOKEN}"
[auth.openapi.apiKey]
api_key = "{API_KEY}"
[auth.openapi.sessionToken]
api_key = "test_session"
[auth.openapi.basic]
username = "fuzz-client"
password = "{API_KEY}"
"""
# Reset the server after each call (SCHEMATHESIS_HOOKS names this module's text, written beside the config).
HOOKS = """
import os, urllib.request
import schemathesis

@schemathesis.hook
def after_call(context, case, response):
    reset = urllib.request.Request(os.environ["FUZZ_BASE_URL"] + "/__admin/reset", method="POST", data=b"",
                                   headers={"Authorization": "Bearer " + os.environ["FUZZ_ADMIN_TOKEN"]})
    urllib.request.urlopen(reset, timeout=30).read()
"""


def run(dialect: str, examples: int, port: int, workdir: Path) -> dict:
    argv = [*servers.MOCKNEXUS["waitress"], "--api-key", API_KEY, "--admin-token", ADMIN_TOKEN]
    argv = [a.replace("{port}", str(port)) for a in argv] + ["--mx-dialect", dialect]
    # Jobs move on polls alone and a control-plane wait answers at once: no generated call holds a thread.
    env = {**servers.QUIET, "MOCKNEXUS_JOB_TIME_SCALE": "0", "MOCKNEXUS_MAX_WAIT": "0.01"}
    server = servers.Server(f"mocknexus-{dialect}", argv, port, "/__admin/health", env)
    try:
        status, raw = servers.get(server.url, "/__admin/openapi.json", {"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert status == 200, status
        document = json.loads(raw)
        (workdir / "openapi.json").write_bytes(raw)
        (workdir / "schemathesis.toml").write_text(config(document))
        report = workdir / f"report-{dialect}.json"
        command = [*ST, "--config-file", str(workdir / "schemathesis.toml"), "run", str(workdir / "openapi.json"),
                   "--url", server.url, "--max-examples", str(examples), "--seed", "1",
                   "--generation-database", "none", "--workers", "1", "--no-color",
                   "--report", "json", "--report-json-path", str(report)]  # fmt: skip
        hooks_env = {"SCHEMATHESIS_HOOKS": "fuzz_hooks", "PYTHONPATH": str(workdir),
                     "FUZZ_BASE_URL": server.url, "FUZZ_ADMIN_TOKEN": ADMIN_TOKEN}  # fmt: skip
        done = subprocess.run(command, env={**os.environ, **hooks_env}, capture_output=True, text=True)
        (workdir / f"output-{dialect}.txt").write_text(done.stdout + done.stderr)
        return {"dialect": dialect, "command": _shown(command, argv), **_tally(report, document, done.stdout)}
    finally:
        server.stop()


def _tally(report: Path, document: dict, output: str) -> dict:
    """Operations tested, and the failures schemathesis found by check (its code and title), each with the
    operations it failed on."""
    found = json.loads(report.read_text()) if report.exists() else {}
    failures = {
        f"{f['code']} {f['title']}": {"count": f["count"], "operations": sorted(f["operations"])}
        for f in found.get("failures", [])
    }
    return {
        "operations": found.get("operations", {}).get("tested"),
        "test_cases": found.get("test_cases", {}).get("generated"),
        "declared_unchecked": sum(len(exceptions(op)) for ops in document["paths"].values() for op in ops.values()),
        "failures_by_check": failures,
        "warnings": {k: len(v) for k, v in found.get("warnings", {}).items() if v},
        "summary": output.strip().splitlines()[-1].strip("= ") if output.strip() else "",
    }


def exceptions(operation: dict) -> list[str]:
    """The checks an operation's document leaves out, each with its reason (`x-mocknexus-unchecked`)."""
    return sorted(operation.get("x-mocknexus-unchecked", {}))


def config(document: dict) -> str:
    """schemathesis.toml: the credentials by security scheme, and each operation's declared exceptions
    (as tests/fidelity/test_fuzz.py leaves them out)."""
    blocks = [CONFIG]
    for path, ops in sorted(document["paths"].items()):
        for method, op in sorted(ops.items()):
            for check in exceptions(op):
                blocks.append(f'[[operations]]\ninclude-name = "{method.upper()} {path}"\n'
                              f"checks.{check}.enabled = false\n")  # fmt: skip
    return "\n".join(blocks)


def _shown(command: list[str], server_argv: list[str]) -> str:
    shown = ["st", *command[len(ST):]]  # fmt: skip
    return " ".join(["MOCKNEXUS_JOB_TIME_SCALE=0 MOCKNEXUS_MAX_WAIT=0.01", *server_argv[1:], "&", *shown])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dialects", nargs="*", default=list(DIALECTS), choices=DIALECTS)
    parser.add_argument("--examples", type=int, default=10, help="schemathesis's --max-examples per operation")
    parser.add_argument("--ports", default="18800-18899", help="the ports its servers may take")
    parser.add_argument("--keep", default=None, help="a directory to keep the reports and outputs in")
    args = parser.parse_args()
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="mocknexus-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "fuzz_hooks.py").write_text(HOOKS)
    for dialect in args.dialects:
        port = servers.first_free(servers.port_range(args.ports))
        print(json.dumps(run(dialect, args.examples, port, workdir)), flush=True)


if __name__ == "__main__":
    main()
