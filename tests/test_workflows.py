"""The CI that computes fines is hardened: zizmor finds nothing, every action is pinned, jobs get least permissions."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
COMMAND = [str(Path(sys.executable).parent / "callback"), "check-workflows"]  # as the pre-commit hook runs it
# A pinned action: a full commit and the release it is, e.g. ``actions/checkout@<40 hex> # v4.2.2``.
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False)


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    result = run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_check_fails_on_an_unpinned_action_with_broad_permissions(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: actions/checkout@v4\n", encoding="utf-8")
    result = run(str(bad))
    assert result.returncode == 1
    assert "unpinned-uses" in result.stdout and "artipacked" in result.stdout
    assert "工作流有安全问题" in result.stderr


def test_zizmor_check_says_in_chinese_when_it_could_not_check(tmp_path: Path) -> None:
    result = run(str(tmp_path / "没有这个文件夹"))
    assert result.returncode == 2
    assert "zizmor 无法完成检查" in result.stderr


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment() -> None:
    lines = [line for path in WORKFLOWS for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert len(lines) >= 10
    assert [line for line in lines if not PINNED.match(line)] == []


def test_each_job_has_its_own_least_permissions_and_checkouts_keep_no_credentials() -> None:
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow["permissions"] == {}, path.name
        for name, job in workflow["jobs"].items():
            permissions = job["permissions"]
            assert "write" not in permissions.values() or set(permissions) <= {"pages", "id-token"}, (path.name, name)
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (path.name, name)


def test_zizmor_is_pinned_and_run_by_pre_commit_and_ci() -> None:
    assert re.search(r"^zizmor==\d+\.\d+\.\d+$", (REPO / "requirements-dev.txt").read_text(encoding="utf-8"), re.M)
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "workflows-zizmor"]
    assert hook["entry"] == ".venv/bin/callback check-workflows" and re.search(hook["files"], ".github/workflows/publish.yml")
    validate = yaml.safe_load((REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8"))
    assert any("zizmor --offline" in step.get("run", "") for step in validate["jobs"]["workflows"]["steps"])
