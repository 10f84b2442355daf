"""CODEOWNERS (GitHub, GitLab, Gitea) and the merge request templates are generated from records/units.yaml and the
GitHub template, regenerate identically and are checked for staleness."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from callback_archive.codeowners import (
    CODEOWNERS_FILE, DEFAULT_TEAM, TEMPLATE_COPIES, TEMPLATE_FILE, generated_files, gitea_pattern, load_units,
    render_codeowners, render_gitea_codeowners, render_gitlab_codeowners,
)
from conftest import EXAMPLES, REPO, run_validate

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
    shutil.copytree(EXAMPLES / "base", tmp_path, dirs_exist_ok=True)
    shutil.copy(REPO / "policy.yaml", tmp_path / "policy.yaml")
    units = tmp_path / "records" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("reporter: 王静\n", "reporter: 王静\n    team: 塘沽班组\n"),
                     encoding="utf-8")
    findings = run_validate("--root", str(tmp_path), "--as-of", "2026-11-26T09:00", "--format", "json").findings
    assert [(f["code"], f["file"]) for f in findings if f["code"].startswith("schema")] == [("schema-format", "records/units.yaml")]


UNITS = [
    {"id": "marketing", "name": "营销部", "kind": "marketing", "team": "@org/yingxiao"},
    {"id": "tanggu", "name": "塘沽供电分公司", "kind": "branch", "team": "@org/tanggu"},
    {"id": "xinbei", "name": "新北供电所", "kind": "station", "parent": "tanggu"},
]


def test_gitlab_file_gives_each_unit_a_section_of_its_own() -> None:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in render_gitlab_codeowners(UNITS).splitlines():
        if line.startswith("["):
            current = sections.setdefault(line, {})
        elif line.strip() and not line.startswith("#"):
            pattern, *owners_ = line.split()
            assert current is not None, line  # every rule is inside a section
            current[pattern] = owners_
    assert sections["[塘沽供电分公司（tanggu）]"] == {
        "/records/visits/tanggu/": ["@org/tanggu"], "/records/letters/tanggu/": ["@org/tanggu"],
        "/records/submissions/*/tanggu.yaml": ["@org/tanggu"]}
    assert sections["[新北供电所（xinbei）]"]["/records/visits/xinbei/"] == ["@binhai-power/xinbei-callback"]
    shared = sections["[全公司共用的配置和名册（营销部审核）]"]
    assert shared["/policy.yaml"] == ["@org/yingxiao"] and shared["/records/units.yaml"] == ["@org/yingxiao"]
    # GitLab asks every section whose patterns match: no path may match two sections' patterns.
    patterns = [p for rules in sections.values() for p in rules]
    assert len(patterns) == len(set(patterns))


def gitea_owners(text: str, path: str) -> list[str]:
    """Who Gitea asks to review ``path``: every rule whose regular expression matches the whole path
    (the file's own escaping undone first, as Gitea does)."""
    found = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            rule, *owners_ = line.split()
            if re.fullmatch(re.sub(r"\\(.)", r"\1", rule), path):
                found += owners_
    return found


def test_gitea_file_matches_each_units_paths_and_only_them() -> None:
    text = render_gitea_codeowners(UNITS)
    assert gitea_owners(text, "records/visits/tanggu/2026/11/HF-20261125-0001.yaml") == ["@org/tanggu"]
    assert gitea_owners(text, "records/submissions/2026-11/tanggu.yaml") == ["@org/tanggu"]
    assert gitea_owners(text, "records/submissions/2026-11/xinbei.yaml") == ["@binhai-power/xinbei-callback"]
    assert gitea_owners(text, "records/units.yaml") == ["@org/yingxiao"]
    assert gitea_owners(text, "policy.yaml") == ["@org/yingxiao"]
    assert gitea_owners(text, "records/unitsXyaml") == []  # the dot is a dot, not any character
    assert gitea_owners(text, "records/submissions/2026-11/sub/tanggu.yaml") == []  # * stays within one folder
    assert gitea_pattern("/records/submissions/*/tanggu.yaml") == r"records/submissions/[^/]*/tanggu\\.yaml"


def test_merge_request_templates_follow_the_github_one(repo: Path) -> None:
    template = repo / TEMPLATE_FILE
    template.write_text(template.read_text(encoding="utf-8") + "- [ ] 新增的一项\n", encoding="utf-8")
    stale = run(repo, "--check")
    assert stale.returncode == 1
    for copy in TEMPLATE_COPIES:
        assert f"{copy} 已过期，与 {TEMPLATE_FILE} 不一致" in stale.stderr
    assert CODEOWNERS_FILE not in stale.stderr  # only what is stale is named
    assert run(repo).returncode == 0
    for copy in TEMPLATE_COPIES:
        text = (repo / copy).read_text(encoding="utf-8")
        assert text.startswith("<!-- 由 python scripts/codeowners.py 从") and text.endswith("- [ ] 新增的一项\n")
    assert run(repo, "--check").returncode == 0


def test_without_a_github_template_no_copies_are_made(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    shutil.copy(REPO / "records" / "units.yaml", tmp_path / "records" / "units.yaml")
    assert run(tmp_path).returncode == 0
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        ".gitea/CODEOWNERS", ".github/CODEOWNERS", ".gitlab/CODEOWNERS", "records/units.yaml"]
    assert run(tmp_path, "--check").returncode == 0


@pytest.mark.parametrize("damage", ["not-utf8", "linked-out"])
def test_unreadable_template_is_a_usage_error(repo: Path, tmp_path_factory, damage: str) -> None:
    template = repo / TEMPLATE_FILE
    if damage == "not-utf8":
        template.write_bytes("合并请求模板".encode("gbk"))
        reason = f"无法读取合并请求模板 {TEMPLATE_FILE}：不是 UTF-8 编码"
    else:
        outside = tmp_path_factory.mktemp("outside")
        template.rename(outside / template.name)
        template.symlink_to(outside / template.name)
        reason = f"不读取合并请求模板 {TEMPLATE_FILE}：它（经符号链接）指向仓库以外"
    result = run(repo, "--check")
    assert result.returncode == 2
    assert reason in result.stderr and "Traceback" not in result.stderr


def test_a_linked_folder_leading_out_of_the_repository_is_not_written_through(repo: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(repo / ".gitlab")
    (repo / ".gitlab").symlink_to(outside, target_is_directory=True)
    result = run(repo)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "codeowners.py：错误：" in result.stderr
    assert list(outside.iterdir()) == []
