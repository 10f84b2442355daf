"""The hostile-input corpus' machinery: what a case declares, the small archive it runs in, and how it is run.

A case (``Case``) plants files into a copy of one small template archive (built once per session), runs one
command the way the command line would, and is judged on four things: the exit status, the fragments its
Chinese message must contain (the file or option it is about), no traceback, and an archive (and the folder
outside it) unchanged except for the files the command legitimately writes.

Most cases call the command's ``main(argv)`` in-process (fast); ``subprocess=True`` runs the real script, as
staff do, and is required for anything that could hang (FIFOs, ``/dev/zero``) since it runs with a timeout.
In-process, an exception escaping ``main`` fails the case even where the script's last-resort guard
(``cli.run_command``) would turn it into a Chinese defect report: a case is about handling the input, and the
guard is for defects.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import importlib
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from callback_archive.cli.main import COMMANDS as CLI_COMMANDS
from conftest import EXAMPLES, REPO, edit_policy, place
from gitrepo import GitRepo

VISIT = "records/visits/tanggu/2026/11/HF-20261125-0001.yaml"
LETTER = "records/letters/marketing/2026/11/FH-20261102-0001.yaml"
ORDERS = "records/orders/2026-11.csv"
ORDERS_HEADER = "order,kind,unit,account,customer_kind,archived_at,groups\n"
ORDER_ROW = "GD2026112500123,repair,tanggu,0212345678,residential,2026-11-25 14:30:00,\n"
AS_OF = ("--as-of", "2026-11-27T09:00")
TIMEOUT = 20  # seconds a subprocess case may take before it counts as hanging (the real ones take about 1 s)

# Each command, by the script staff start (scripts/<name>.py): its ``callback`` sub-command, whose module
# (callback_archive.cli.main.COMMANDS) has the ``main(argv)`` the in-process cases call.
SUBCOMMANDS = {"validate": "validate", "due": "due", "new_record": "new", "import_orders": "import-orders",
               "draw_sample": "sample", "build_reports": "reports", "audit": "audit", "codeowners": "codeowners"}
COMMANDS = {name: (CLI_COMMANDS[sub][0], f"{name}.py") for name, sub in SUBCOMMANDS.items()} | {"mkdocs": (None, None)}
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Symlink:
    """Plant a symbolic link to ``target`` (placeholders allowed: {root}, {out}, {repo})."""

    target: str


@dataclass(frozen=True)
class Fifo:
    """Plant a named pipe (nothing ever writes to it: a reader that opens it blocks)."""


@dataclass(frozen=True)
class Remove:
    """Remove the template's file (or folder) at this path."""


Plant = bytes | str | Symlink | Fifo | Remove


@dataclass(frozen=True)
class Case:
    """One hostile input. Paths in ``plant`` are archive paths; a path starting with ``out/`` goes into a folder
    outside the archive (exports, customer lists, link targets). ``{root}``, ``{out}`` and ``{repo}`` in the
    arguments, the environment, link targets and planted text stand for those folders."""

    id: str
    command: str
    args: tuple[str, ...]
    status: int | tuple[int, ...]  # the exit status, or the statuses that are all right (a warning or an error)
    expect: tuple[str, ...]  # fragments the output (stdout + stderr) must contain
    plant: dict[str, Plant] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    writes: tuple[str, ...] = ()  # archive paths (fnmatch patterns) the command may add or change
    subprocess: bool = False
    git: bool = True  # False: the archive is not a Git work tree
    root_option: bool = True  # False: no --root (the command finds the archive from its working folder)
    stdin: str = ""
    readonly: tuple[str, ...] = ()  # archive folders made read-only (chmod) before the run
    site_forbid: tuple[str, ...] = ()  # mkdocs: text no page or file of the built site may contain
    site_expect: tuple[str, ...] = ()  # mkdocs: text the built site's front page must contain
    chinese: bool = True  # False only where the output is a tool's own log (a successful mkdocs build)
    why: str = ""  # the point the case checks, when the id does not say it


def build_template(folder: Path) -> Path:
    """The small archive every case starts from: the example organisation, one visit with its work order,
    one letter, the disasters list and the repository's rules, committed on main."""
    shutil.copytree(EXAMPLES / "base", folder)
    edit_policy(folder, {"penalties.report_late.since": "2099-01"})
    place(folder, VISIT, (EXAMPLES / "valid/repair-visit.yaml").read_bytes())
    place(folder, LETTER, (EXAMPLES / "valid/letter.yaml").read_bytes())
    shutil.copy(REPO / "records/disasters.yaml", folder / "records/disasters.yaml")
    place(folder, ORDERS, ORDERS_HEADER + ORDER_ROW)
    GitRepo(folder).commit("建立档案", at="2026-11-26T12:00:00+08:00")
    return folder


def _fill(text: str, root: Path, out: Path) -> str:
    return text.replace("{root}", str(root)).replace("{out}", str(out)).replace("{repo}", str(REPO))


def plant(case: Case, root: Path, out: Path) -> None:
    for relpath, what in case.plant.items():
        target = out / relpath[4:] if relpath.startswith("out/") else root / relpath
        if isinstance(what, Remove):
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        if isinstance(what, Symlink):
            target.symlink_to(_fill(what.target, root, out))
        elif isinstance(what, Fifo):
            os.mkfifo(target)
        else:
            target.write_bytes(what if isinstance(what, bytes) else _fill(what, root, out).encode("utf-8"))
    if not case.git:
        shutil.rmtree(root / ".git")
    for relpath in case.readonly:
        os.chmod(root / relpath, 0o555)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (never following links, never opening anything but regular files) → what it
    is and holds; ``.git`` and ``.cache`` are left out (Git's index and the caches change legitimately)."""
    digest: dict[str, str] = {}
    for current, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in (".git", ".cache")]
        for name in dirs + files:
            path = os.path.join(current, name)
            relpath = os.path.relpath(path, folder)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                digest[relpath] = "link:" + os.readlink(path)
            elif stat.S_ISREG(mode):
                with open(path, "rb") as file:
                    digest[relpath] = "file:" + hashlib.sha256(file.read()).hexdigest()
            elif stat.S_ISDIR(mode):
                digest[relpath] = "dir"
            else:
                digest[relpath] = f"special:{stat.S_IFMT(mode)}"
    return digest


def changed(before: dict[str, str], after: dict[str, str], allowed: tuple[str, ...] = ()) -> list[str]:
    """Paths added, removed or changed, except those the case allows (and the folders holding them)."""
    paths = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    def allowed_path(path: str) -> bool:
        return any(fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path + "/x", pattern)
                   or pattern.startswith(path + "/") for pattern in allowed)
    return sorted(p for p in paths if not allowed_path(p))


@dataclass
class Outcome:
    status: int | None
    output: str  # stdout and stderr together


def argv_of(case: Case, root: Path, out: Path) -> list[str]:
    argv = [_fill(arg, root, out) for arg in case.args]
    if case.root_option and case.command != "mkdocs":
        argv += ["--root", str(root)]
    return argv


def run(case: Case, root: Path, out: Path) -> Outcome:
    env = {name: _fill(value, root, out) for name, value in case.env.items()}
    argv = argv_of(case, root, out)
    if case.command == "mkdocs":
        return _run_mkdocs(case, root, out, env)
    if case.subprocess:
        script = REPO / "scripts" / COMMANDS[case.command][1]
        return _run_process([sys.executable, str(script), *argv], root, env, case.stdin)
    return _run_in_process(case, argv, root, env)


def _run_process(command: list[str], cwd: Path, env: dict[str, str], stdin: str) -> Outcome:
    try:
        result = subprocess.run(command, cwd=cwd, env={**os.environ, **env}, input=stdin, capture_output=True,
                                text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        return Outcome(None, f"超时：{TIMEOUT} 秒内没有结束（{exc.stdout or ''}{exc.stderr or ''}）")
    return Outcome(result.returncode, result.stdout + result.stderr)


def _run_mkdocs(case: Case, root: Path, out: Path, env: dict[str, str]) -> Outcome:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"),
               "--site-dir", str(out / "site")]
    return _run_process(command, REPO, {"NO_MKDOCS_2_WARNING": "1", "CALLBACK_ARCHIVE_ROOT": str(root), **env},
                        case.stdin)


def _run_in_process(case: Case, argv: list[str], root: Path, env: dict[str, str]) -> Outcome:
    main = importlib.import_module(COMMANDS[case.command][0]).main
    stdout, stderr = io.StringIO(), io.StringIO()
    saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
    os.environ.update(env)
    os.chdir(root)
    sys.stdin = io.StringIO(case.stdin)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                status = main(argv)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # what the process would print and die of
                traceback.print_exc()
                status = None
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        sys.stdin = saved_stdin
    return Outcome(status, stdout.getvalue() + stderr.getvalue())
