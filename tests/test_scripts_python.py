"""scripts/_project.py: a script started with another Python runs with the repository's .venv, or says what is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

# The interpreter .venv was made from, without its site-packages (-S): a Python that has none of the packages.
BARE = [getattr(sys, "_base_executable", sys.executable), "-S"]


@pytest.mark.skipif(not (REPO / ".venv").is_dir() or sys.prefix == sys.base_prefix, reason="needs the repository's .venv")
def test_a_script_started_with_another_python_reruns_with_the_venv() -> None:
    result = subprocess.run([*BARE, "scripts/validate.py", "--help"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "校验客户回访档案" in result.stdout


def test_without_a_venv_missing_packages_are_named_in_chinese(tmp_path: Path) -> None:
    for name in ("scripts", "callback_archive"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([*BARE, "scripts/validate.py", "--help"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert "validate.py：错误：当前的 Python" in result.stderr
    assert "缺少所需的程序包" in result.stderr and "yaml" in result.stderr and "make setup" in result.stderr
    assert "Traceback" not in result.stderr
