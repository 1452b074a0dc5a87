"""`mocknexus validate`: every problem in one run, each with its file, line and key path; duplicate codes and
dangling references within and across files; a file or a directory."""

from __future__ import annotations

import json

from mocknexus.cli import main

INSTITUTION = """  - code: {code}
    name: {name}
    url: https://bank.example
    credentials:
      - {{field_name: username, label: Member ID, type: LOGIN}}
      - {{field_name: password, label: Password, type: PASSWORD}}
    default_scenario: {scenario}
"""


def _yaml(*institutions: str, scenarios: str = "") -> str:
    return "version: 1\ninstitutions:\n" + "".join(institutions) + scenarios


def _run(capsys, *paths) -> tuple[int, list[str]]:
    code = main(["validate", *map(str, paths)])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.startswith("invalid: ")]


def test_a_duplicate_code_in_one_file_names_both_lines(tmp_path, capsys):
    (tmp_path / "banks.yaml").write_text(
        _yaml(
            INSTITUTION.format(code="acme", name="Acme", scenario="connected"),
            INSTITUTION.format(code="acme", name="Acme Two", scenario="connected"),
        )
    )
    code, lines = _run(capsys, tmp_path)
    assert code == 1
    assert lines == [
        f"invalid: {tmp_path}/banks.yaml:10: institutions.1.code: institution code 'acme' is already defined at "
        f"{tmp_path}/banks.yaml:3"
    ]


def test_a_duplicate_code_across_files(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text(_yaml(INSTITUTION.format(code="acme", name="Acme", scenario="connected")))
    (tmp_path / "b.yaml").write_text(_yaml(INSTITUTION.format(code="acme", name="Acme B", scenario="locked")))
    code, lines = _run(capsys, tmp_path)
    assert code == 1
    assert lines == [
        f"invalid: {tmp_path}/b.yaml:3: institutions.0.code: institution code 'acme' is already defined at "
        f"{tmp_path}/a.yaml:3"
    ]


def test_a_schema_error_has_its_line_and_key_path(tmp_path, capsys):
    scenarios = "scenarios:\n  slow:\n    steps:\n      - {status: NOPE, seconds: 1}\n    end: CONNECTED\n"
    (tmp_path / "s.yaml").write_text(
        _yaml(INSTITUTION.format(code="acme", name="A", scenario="slow"), scenarios=scenarios)
    )
    code, lines = _run(capsys, tmp_path)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"invalid: {tmp_path}/s.yaml:13: scenarios.slow.steps.0.status: Must be one of: ")


def test_every_bad_file_is_reported_in_one_run(tmp_path, capsys):
    (tmp_path / "a.json").write_text(json.dumps({"version": 2}))
    (tmp_path / "b.yaml").write_text("version: 1\ninstitutions: [\n")  # not YAML
    (tmp_path / "c.json").write_text(
        '{"version": 1,\n "scenarios": {"x": {"steps": []}},\n "institutions": [{"code": "z"}]}'
    )
    code, lines = _run(capsys, tmp_path)
    assert code == 1
    assert lines[0] == f"invalid: {tmp_path}/a.json:1: version: must be 1"
    assert lines[1].startswith(f"invalid: {tmp_path}/b.yaml:") and "is not valid YAML" in lines[1]
    c = [line for line in lines if "/c.json:" in line]
    assert any("c.json:2: scenarios.x.end: Missing data for required field." in line for line in c)
    assert any("c.json:3: institutions.0.name: Missing data for required field." in line for line in c)
    assert len(c) >= 3  # every error of the file, not the first


def test_dangling_scenarios_and_institutions(tmp_path, capsys):
    (tmp_path / "banks.yaml").write_text(_yaml(INSTITUTION.format(code="acme", name="Acme", scenario="slow_lock")))
    declared = {"version": 1, "test_accounts": [{"name": "alice", "institution_code": "no_such_bank",
                "credentials": {"LOGIN": "u"}, "accounts": [{"name": "A", "type": "CHECKING",
                "account_number": "000123456789", "routing_number": "091000019"}]}]}  # fmt: skip
    (tmp_path / "people.json").write_text(json.dumps(declared, indent=1))
    code, lines = _run(capsys, tmp_path)
    assert code == 1
    assert lines == [
        f"invalid: {tmp_path}/banks.yaml:9: institutions.0.default_scenario: unknown scenario 'slow_lock': no file "
        "defines it (nor the bundled fixtures)",
        f"invalid: {tmp_path}/people.json:6: test_accounts.0.institution_code: unknown institution 'no_such_bank': "
        "no file defines it (nor the bundled fixtures)",
    ]


def test_a_reference_to_another_file_or_a_bundled_one_is_fine(tmp_path, capsys):
    (tmp_path / "banks.yaml").write_text(_yaml(INSTITUTION.format(code="acme", name="Acme", scenario="slow_lock")))
    (tmp_path / "scenarios.yaml").write_text(
        "version: 1\nscenarios:\n  slow_lock:\n    steps: [{status: DELAYED, seconds: 30}]\n    end: LOCKED\n"
    )
    mxbank = _yaml(INSTITUTION.format(code="mxbank", name="My MX Bank", scenario="connected"))
    (tmp_path / "replace.yaml").write_text(mxbank)  # replacing a bundled institution is what a file may do
    assert _run(capsys, tmp_path) == (0, [])


def test_a_single_file_is_validated(tmp_path, capsys):
    good = tmp_path / "one.yaml"
    good.write_text(_yaml(INSTITUTION.format(code="acme", name="Acme", scenario="connected")))
    assert main(["validate", str(good)]) == 0
    assert "ok: 6 institutions" in capsys.readouterr().out
    bad = tmp_path / "two.yaml"
    bad.write_text(_yaml(INSTITUTION.format(code="acme2", name="Acme", scenario="nope")))
    code, lines = _run(capsys, good, bad)
    assert code == 1 and len(lines) == 1 and f"{bad}:9: institutions.0.default_scenario" in lines[0]
