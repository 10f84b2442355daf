"""Shared test helpers: a temporary archive and the real validator CLI."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from callback_archive.cli import validate as validate_cli
from callback_archive.guide import EXAMPLES  # noqa: F401 - the example files, for the tests that use them
from callback_archive.yamlwrite import dump_yaml

# The browser tests share one built site and one browser (tests/browser_fixtures.py).
pytest_plugins = ["browser_fixtures"]

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
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


REMOVE = object()  # as a value in policy changes: drop the setting


def policy_text(changes: dict[str, Any], base: Path = REPO / "policy.yaml") -> str:
    """``base``'s rules with ``changes``: each a dotted path (``"penalties.counting"``) and its new value, or REMOVE."""
    policy = yaml.safe_load(base.read_text(encoding="utf-8"))
    for path, value in changes.items():
        *parents, name = path.split(".")
        section = policy
        for part in parents:
            section = section[part]
        if value is REMOVE:
            del section[name]
        else:
            section[name] = value
    return dump_yaml(policy)


def edit_policy(root: Path, changes: dict[str, Any]) -> Path:
    """Write ``changes`` into the temporary archive's policy.yaml (the repository's rules when it has none yet).

    Tests change the rules only this way: the repository's own policy.yaml is never edited.
    """
    target = root / "policy.yaml"
    target.write_text(policy_text(changes, target if target.is_file() else REPO / "policy.yaml"), encoding="utf-8")
    return target


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A small archive root: the example organisation and nothing else."""
    shutil.copytree(EXAMPLES / "base", tmp_path, dirs_exist_ok=True)
    # Monthly submissions (第二十七条) are tested on their own (test_assessment.py turns them on):
    # elsewhere the archive has not started submitting through the system, so they add no findings.
    edit_policy(tmp_path, {"penalties.report_late.since": "2099-01"})
    return tmp_path


@pytest.fixture
def policy_with(archive: Path) -> Callable[[dict[str, Any]], Path]:
    """Change the temporary archive's rules: ``policy_with({"penalties.counting": "per-month"})``."""
    return lambda changes: edit_policy(archive, changes)


@pytest.fixture
def committed(archive: Path) -> Path:
    """The small archive in a Git work tree that ignores .cache/ (so validation keeps its caches), with two
    visits on main: one on time and one late."""
    from gitrepo import GitRepo

    place(archive, "records/visits/tanggu/2026/11/HF-20261126-0001.yaml", visit_yaml("HF-20261126-0001"))
    place(archive, "records/visits/tanggu/2026/11/HF-20261126-0002.yaml",
          visit_yaml("HF-20261126-0002", order="GD2026112500124", visited="2026-11-27 08:00"))  # late
    GitRepo(archive).commit("登记回访", at="2026-11-26T12:00:00+08:00")
    return archive


def submitting_from_september(archive: Path) -> Path:
    """The small archive, submitting its statistics through the system from 2026-09 on (第二十七条)."""
    edit_policy(archive, {"penalties.report_late.since": "2026-09"})
    return archive


def place(root: Path, relpath: str, content: bytes | str) -> Path:
    target = root / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return target


def visit_yaml(
    id: str,
    unit: str = "tanggu",
    category: str = "repair",
    kind: str = "repair",
    order: str = "GD2026112500123",
    archived: str = "2026-11-25T14:30:00+08:00",
    visited: str = "2026-11-26 08:00",
    reached: bool = True,
    disaster: str | None = None,
) -> str:
    """A valid visit record's text, with the fields that deadline tests vary."""
    disaster_line = f"  disaster: {disaster}\n" if disaster else ""
    outcome = "reached: true\nsatisfaction: satisfied\n" if reached else "reached: false\nopinion: 电话无人接听\n"
    return (
        f"id: {id}\ncategory: {category}\nunit: {unit}\n"
        "customer:\n  account: \"0212345678\"\n  name: 王建华\n  phone: \"13800001234\"\n  kind: residential\n"
        f"trigger:\n  order: {order}\n  kind: {kind}\n  archived_at: {archived}\n{disaster_line}"
        f"method: phone\nvisited_at: {visited}\nvisitor: 李敏\ntopics: [repair]\n{outcome}"
    )


def add_visit(root: Path, id: str, **fields) -> str:
    """Write a visit where it belongs (unit and archive month); returns its archive path."""
    unit = fields.get("unit", "tanggu")
    archived = fields.get("archived", "2026-11-25T14:30:00+08:00")
    relpath = f"records/visits/{unit}/{archived[:4]}/{archived[5:7]}/{id}.yaml"
    place(root, relpath, visit_yaml(id, **fields))
    return relpath
