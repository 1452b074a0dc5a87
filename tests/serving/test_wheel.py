"""The installed wheel (what the Docker image runs) carries every module and every page asset of the source tree:
pyproject.toml lists packages by hand, so a new subpackage that is not listed would be missing only there."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.live
def test_the_wheel_ships_every_module_and_page_asset(tmp_path):
    # From a copy of the tracked files: setuptools reuses a checkout's build/ directory, whose leftovers from an
    # earlier build would hide a package the list no longer names.
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    copy = tmp_path / "src"
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(copy)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("mocknexus-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    source = ROOT / "mocknexus"
    needed = {
        f"mocknexus/{path.relative_to(source).as_posix()}"
        for path in source.rglob("*.*")
        if "__pycache__" not in path.parts and path.suffix not in (".pyc",)
    }
    assert any(n.startswith("mocknexus/apis/oauth/templates/") for n in needed)  # the consent pages are among them
    assert needed <= shipped, sorted(needed - shipped)
    bundled = {f"mocknexus/_fixtures/{p.name}" for p in (ROOT / "fixtures").iterdir() if p.suffix in (".json", ".yaml")}
    assert bundled <= shipped, sorted(bundled - shipped)
