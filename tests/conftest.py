"""Shared test helpers: a temporary archive and the real validator CLI."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from callback_archive import validate_cli

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
EXAMPLES = TESTS / "examples"
AS_OF = "2026-11-26T09:00"


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str

    @property
    def findings(self) -> list[dict]:
        return json.loads(self.stdout)["findings"]


def run_validate(*args: str) -> Run:
    """Run the validator's main() in-process, as the command line would."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = validate_cli.main(list(args))
        except SystemExit as exc:  # argparse exits on bad usage
            status = int(exc.code or 0)
    return Run(status, out.getvalue(), err.getvalue())


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A small archive root: the example organisation and nothing else."""
    shutil.copytree(EXAMPLES / "base", tmp_path, dirs_exist_ok=True)
    return tmp_path


def place(root: Path, relpath: str, content: bytes | str) -> Path:
    target = root / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return target
