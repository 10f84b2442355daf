"""The pre-commit hook: installed in a real Git repository, it validates the staged records at ``git commit``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from callback_archive.timeutil import BEIJING
from conftest import REPO, visit_yaml

COPIED = ("schemas", "records", "policy.yaml", ".pre-commit-config.yaml", ".gitignore", ".github")
CONFIG = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def test_config_is_a_local_hook_running_the_validator_on_staged_records() -> None:
    [repo] = CONFIG["repos"]
    assert repo["repo"] == "local"
    hook = next(h for h in repo["hooks"] if h["id"] == "validate-records")
    assert hook["entry"] == ".venv/bin/callback validate"
    assert hook["pass_filenames"] is True and hook["language"] == "system"
    files = re.compile(hook["files"])
    assert files.search("records/visits/tanggu/2026/11/HF-20261126-0001.yaml")
    assert files.search("records/units.yaml")
    assert not files.search("docs/guide.md") and not files.search("callback_archive/engine/loader.py")


class Repo:
    """A copy of the repository with the hook installed, isolated from the machine's Git settings."""

    def __init__(self, root: Path, cache: Path):
        self.root = root
        self.env = {
            **os.environ,
            "PRE_COMMIT_HOME": str(cache),
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "李敏", "GIT_AUTHOR_EMAIL": "staff@binhai.example",
            "GIT_COMMITTER_NAME": "李敏", "GIT_COMMITTER_EMAIL": "staff@binhai.example",
        }

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=self.root, env=self.env, capture_output=True, text=True, encoding="utf-8", check=False)

    def git(self, *args: str) -> subprocess.CompletedProcess:
        return self.run("git", "-c", "commit.gpgsign=false", *args)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.strip()

    def write(self, relpath: str, text: str) -> None:
        target = self.root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    root = tmp_path / "repo"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".cache")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        elif source.is_file():
            shutil.copy(source, root / name)
    repo = Repo(root, tmp_path / "pre-commit-cache")
    assert repo.git("init", "-q", "-b", "main").returncode == 0
    assert repo.git("add", "-A").returncode == 0
    assert repo.git("commit", "-q", "--no-verify", "-m", "档案").returncode == 0
    (root / ".venv").symlink_to(sys.prefix)  # the hooks run .venv/bin/callback: this one (untracked, as a real .venv)
    installed = repo.run(sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stderr
    return repo


def _visit(record_id: str) -> tuple[str, str]:
    """A valid visit made a few hours ago (the hook judges times against the real clock), and its path."""
    now = datetime.now(BEIJING)
    archived, visited = now - timedelta(hours=5), now - timedelta(hours=2)
    text = visit_yaml(record_id, archived=archived.isoformat(timespec="seconds"), visited=f"{visited:%Y-%m-%d %H:%M}")
    return f"records/visits/tanggu/{archived:%Y}/{archived:%m}/{record_id}.yaml", text


def test_commit_with_a_bad_staged_record_is_stopped_in_chinese(repo: Repo) -> None:
    path, text = _visit("HF-20991231-9001")
    repo.write(path, text.replace('"0212345678"', "0212345678"))
    repo.git("add", path)
    before = repo.head()
    result = repo.git("commit", "-m", "登记回访")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "校验暂存的回访档案记录" in output
    assert f"{path}:" in output and "yaml-leading-zero" in output and "请加引号" in output
    assert repo.head() == before
    repo.write(path, text)
    repo.git("add", path)
    fixed = repo.git("commit", "-m", "登记回访")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert repo.head() != before


def test_only_staged_records_are_judged(repo: Repo) -> None:
    path, text = _visit("HF-20991231-9002")
    repo.write(path, text)
    repo.write("records/visits/tanggu/2026/11/HF-20261126-9999.yaml", "id: [\n")  # untracked, not staged
    repo.git("add", path)
    result = repo.git("commit", "-m", "登记回访")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HF-20261126-9999" not in result.stdout + result.stderr


def test_commit_without_records_skips_the_validator(repo: Repo) -> None:
    repo.write("docs/note.md", "说明\n")
    repo.git("add", "docs/note.md")
    result = repo.git("commit", "-m", "说明")
    assert result.returncode == 0
    assert re.search(r"校验暂存的回访档案记录\.*\(no files to check\)Skipped", result.stdout + result.stderr)


def test_adding_a_unit_without_regenerating_codeowners_is_stopped(repo: Repo) -> None:
    units = repo.root / "records" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "  - id: dagang\n    name: 大港供电分公司\n    kind: branch\n"
                     "    head: 孙强\n    reporter: 周敏\n", encoding="utf-8")
    repo.git("add", "records/units.yaml")
    result = repo.git("commit", "-m", "新增单位")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "CODEOWNERS" in output and "已过期" in output
    assert repo.run(".venv/bin/callback", "codeowners").returncode == 0
    repo.git("add", ".github/CODEOWNERS", "records/units.yaml")
    assert repo.git("commit", "-m", "新增单位").returncode == 0
