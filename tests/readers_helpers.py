"""Running scripts/validate.py the way a user does, for the tests of the readers' bounds and boundary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Callable

from conftest import AS_OF, REPO, Run


class ScriptRun(Run):
    """A validator run as a separate process."""

    def only(self, file: str) -> list[dict]:
        """The findings of one file."""
        return [f for f in self.findings if f["file"] == file]


def validate(root: Path, *args: str, timeout: float = 60, env: dict | None = None,
             preexec_fn: Callable[[], None] | None = None) -> ScriptRun:
    """``scripts/validate.py --root root --as-of AS_OF --format json`` in a process of its own; a reader that
    hangs fails the test by its timeout."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "validate.py"), "--root", str(root), "--as-of", AS_OF,
         "--format", "json", *args],
        capture_output=True, text=True, timeout=timeout, check=False, env=env, preexec_fn=preexec_fn,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return ScriptRun(result.returncode, result.stdout, result.stderr)
