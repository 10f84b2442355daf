"""Long runs show progress to a person at a terminal, and nothing in a pipe or a machine-readable report."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from conftest import REPO, place, visit_yaml
from test_import_orders_hostile import stderr_on_a_terminal

from callback_archive.engine.cache import PARALLEL_FROM

VALIDATE = REPO / "scripts" / "validate.py"


def big_archive(root: Path) -> Path:
    """Enough visits for a cold read to use the worker processes (and so a progress bar)."""
    for n in range(1, PARALLEL_FROM + 2):
        place(root, f"records/visits/tanggu/2026/11/HF-20261126-{n:04d}.yaml", visit_yaml(f"HF-20261126-{n:04d}"))
    return root


def test_a_cold_validation_of_a_big_archive_shows_progress_on_a_terminal(archive):
    big_archive(archive)
    command = [sys.executable, str(VALIDATE), "--root", str(archive), "--no-cache"]
    status, shown = stderr_on_a_terminal(command)
    assert status in (0, 1)
    assert "读取档案".encode() in shown
    totals = {int(total) for total in re.findall(rb"\d+/(\d+) ?\[", shown)}
    assert totals and min(totals) > PARALLEL_FROM  # every file to read (the visits and the policy), counted
    status, shown = stderr_on_a_terminal([*command, "--format", "json"])
    assert status in (0, 1) and "读取档案".encode() not in shown
