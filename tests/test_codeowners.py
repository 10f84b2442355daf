""".github/CODEOWNERS is generated from records/units.yaml, regenerates identically and is checked for staleness."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from callback_archive.codeowners import CODEOWNERS_FILE, DEFAULT_TEAM, TEMPLATE_FILE, generated_files, load_units, render_codeowners
from conftest import REPO, run_validate

NEW_UNIT = """\
  - id: dagang
    name: 大港供电分公司
    kind: branch
    head: 孙强
    reporter: 周敏
"""


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "codeowners.py"), "--root", str(root), *args],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The repository's units.yaml, pull request template and every file generated from them, copied."""
    (tmp_path / "records").mkdir()
    shutil.copy(REPO / "records" / "units.yaml", tmp_path / "records" / "units.yaml")
    for relpath in (TEMPLATE_FILE, *generated_files(REPO)):
        (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / relpath, tmp_path / relpath)
    return tmp_path


def owners(text: str) -> dict[str, list[str]]:
    """Pattern → owners, as GitHub reads the file (comments and blank lines skipped)."""
    rules = [line.split() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {rule[0]: rule[1:] for rule in rules}


def test_committed_file_is_current() -> None:
    assert (REPO / CODEOWNERS_FILE).read_text(encoding="utf-8") == render_codeowners(load_units(REPO))
    result = run(REPO, "--check")
    assert result.returncode == 0, result.stderr


def test_regenerating_gives_the_same_bytes(repo: Path) -> None:
    committed = (repo / CODEOWNERS_FILE).read_bytes()
    (repo / CODEOWNERS_FILE).unlink()
    result = run(repo)
    assert result.returncode == 0 and "已生成" in result.stdout
    assert (repo / CODEOWNERS_FILE).read_bytes() == committed
    again = run(repo)
    assert again.returncode == 0 and "已是最新" in again.stdout
    assert (repo / CODEOWNERS_FILE).read_bytes() == committed


def test_check_fails_in_chinese_when_a_unit_is_added_and_passes_after_regenerating(repo: Path) -> None:
    units = repo / "records" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + NEW_UNIT, encoding="utf-8")
    before = (repo / CODEOWNERS_FILE).read_bytes()
    stale = run(repo, "--check")
    assert stale.returncode == 1
    assert "已过期" in stale.stderr and "python scripts/codeowners.py" in stale.stderr
    assert (repo / CODEOWNERS_FILE).read_bytes() == before  # --check never writes
    assert run(repo).returncode == 0
    rules = owners((repo / CODEOWNERS_FILE).read_text(encoding="utf-8"))
    assert rules["/records/visits/dagang/"] == [DEFAULT_TEAM.format(id="dagang")]
    assert run(repo, "--check").returncode == 0


def test_check_fails_when_the_file_is_missing(repo: Path) -> None:
    (repo / CODEOWNERS_FILE).unlink()
    result = run(repo, "--check")
    assert result.returncode == 1 and "不存在" in result.stderr


def test_each_unit_owns_its_folders_and_marketing_the_shared_files() -> None:
    units = [
        {"id": "marketing", "name": "营销部", "kind": "marketing", "team": "@org/yingxiao"},
        {"id": "tanggu", "name": "塘沽供电分公司", "kind": "branch", "team": "@org/tanggu"},
        {"id": "xinbei", "name": "新北供电所", "kind": "station", "parent": "tanggu"},
    ]
    text = render_codeowners(units)
    rules = owners(text)
    assert rules["/records/visits/tanggu/"] == ["@org/tanggu"]
    assert rules["/records/letters/tanggu/"] == ["@org/tanggu"]
    assert rules["/records/submissions/*/tanggu.yaml"] == ["@org/tanggu"]
    assert rules["/records/visits/xinbei/"] == ["@binhai-power/xinbei-callback"]  # no team: the default
    assert rules["/records/units.yaml"] == ["@org/yingxiao"]
    assert rules["/policy.yaml"] == ["@org/yingxiao"]
    # GitHub lets the last matching line win: the units' own folders come after the shared files.
    lines = text.splitlines()
    assert lines.index("/records/visits/tanggu/  @org/tanggu") > lines.index("/policy.yaml  @org/yingxiao")


def test_broken_units_file_is_a_usage_error(repo: Path) -> None:
    (repo / "records" / "units.yaml").write_text("units: [\n", encoding="utf-8")
    result = run(repo, "--check")
    assert result.returncode == 2 and "records/units.yaml" in result.stderr


def test_team_must_look_like_a_github_team(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "examples" / "base", tmp_path, dirs_exist_ok=True)
    shutil.copy(REPO / "policy.yaml", tmp_path / "policy.yaml")
    units = tmp_path / "records" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("reporter: 王静\n", "reporter: 王静\n    team: 塘沽班组\n"),
                     encoding="utf-8")
    findings = run_validate("--root", str(tmp_path), "--as-of", "2026-11-26T09:00", "--format", "json").findings
    assert [(f["code"], f["file"]) for f in findings if f["code"].startswith("schema")] == [("schema-format", "records/units.yaml")]
