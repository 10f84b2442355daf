"""Files a person keeps (a unit's submission, CODEOWNERS, the monthly reports) survive a failed write.

Each command here writes through safefile.write_atomic: a failure (disk full, a size limit, a second
writer holding the lock, a folder linked out of the repository) ends with exit status 2 and a Chinese
message naming the file, the previous file is byte for byte what it was, and no temporary file is left.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import resource
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from callback_archive.cli import reports as build_reports_cli
from callback_archive import codeowners, safefile, submissions
from callback_archive.site import generate as sitegen
from callback_archive.codeowners import CODEOWNERS_FILE
from conftest import AS_OF, REPO, add_visit, run_validate
from report_fixture import build_fixture

SUBMISSION = "records/submissions/2026-11/tanggu.yaml"


def call(main, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def submit(root: Path) -> tuple[int, str, str]:
    return call(build_reports_cli.main, "--root", str(root), "--submit", "tanggu", "--month", "2026-11",
                "--as-of", "2026-12-04T10:00")


def leftovers(folder: Path) -> list[str]:
    """Temporary and lock files a writer left behind in ``folder`` (and below)."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith((".tmp", ".lock")))


def fail_on(monkeypatch: pytest.MonkeyPatch, name: str, error: int = errno.ENOSPC) -> None:
    """Make the disk "full" while the new content of the file called ``name`` is flushed to it."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(f".{name}."):  # its temporary file
            raise OSError(error, os.strerror(error))
        real_fsync(fd)

    monkeypatch.setattr(safefile.os, "fsync", fsync)


@pytest.fixture
def month(archive: Path) -> Path:
    add_visit(archive, "HF-20261111-0001", order="GD2026111000001", archived="2026-11-10T10:00:00+08:00",
              visited="2026-11-11 09:00")
    return archive


def test_a_submission_that_cannot_be_written_leaves_nothing(month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_on(monkeypatch, "tanggu.yaml")
    status, out, err = submit(month)
    assert status == 2 and out == ""
    assert f"无法写入 {month / SUBMISSION}：磁盘已满。原文件未改动。" in err and "Traceback" not in err
    assert not (month / SUBMISSION).exists()
    assert leftovers(month / "records") == []
    monkeypatch.undo()
    assert submit(month)[0] == 0  # once there is room, the same command works
    assert "submitted_by:" in (month / SUBMISSION).read_text(encoding="utf-8")


def test_a_second_submission_at_the_same_time_waits_then_fails_naming_the_file(
        month: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(submissions, "locked", functools.partial(safefile.locked, wait=0.2))
    (month / SUBMISSION).parent.mkdir(parents=True)
    with safefile.locked(month / SUBMISSION):  # another clerk's run, still writing
        status, _, err = submit(month)
    assert status == 2
    assert f"{month / SUBMISSION} 正在被另一个程序写入" in err and "请等它结束后重新运行" in err
    assert not (month / SUBMISSION).exists() and leftovers(month / "records") == []


def test_a_submission_is_never_written_through_a_folder_linked_out_of_the_repository(
        month: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (month / "records" / "submissions").symlink_to(outside, target_is_directory=True)
    status, _, err = submit(month)
    assert status == 2 and "指向仓库以外" in err and "符号链接" in err
    assert list(outside.iterdir()) == []


@pytest.fixture
def owners_repo(tmp_path: Path) -> Path:
    (tmp_path / "records").mkdir()
    (tmp_path / ".github").mkdir()
    shutil.copy(REPO / "records" / "units.yaml", tmp_path / "records" / "units.yaml")
    (tmp_path / CODEOWNERS_FILE).write_text("# 旧的 CODEOWNERS\n* @binhai-power/marketing-callback\n", encoding="utf-8")
    return tmp_path


def test_codeowners_keeps_the_old_file_when_the_new_one_cannot_be_written(
        owners_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (owners_repo / CODEOWNERS_FILE).read_bytes()
    fail_on(monkeypatch, "CODEOWNERS")
    status, _, err = call(codeowners.main, "--root", str(owners_repo))
    assert status == 2
    assert f"codeowners.py：错误：无法写入 {owners_repo / CODEOWNERS_FILE}：磁盘已满。原文件未改动。" in err
    assert (owners_repo / CODEOWNERS_FILE).read_bytes() == before
    assert leftovers(owners_repo) == []


def test_codeowners_under_a_file_size_limit_keeps_the_old_file(owners_repo: Path) -> None:
    """The real command with RLIMIT_FSIZE below the new file's size: the write fails half way, the old file stays."""
    before = (owners_repo / CODEOWNERS_FILE).read_bytes()
    limit = len(before) + 200  # room for the old file, not for the generated one (several kilobytes)

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "codeowners.py"), "--root", str(owners_repo)],
                            capture_output=True, text=True, encoding="utf-8", preexec_fn=limited, env=env, check=False)
    assert result.returncode == 2, result.stderr
    assert "文件超出允许的大小" in result.stderr and str(owners_repo / CODEOWNERS_FILE) in result.stderr
    assert "Traceback" not in result.stderr
    assert (owners_repo / CODEOWNERS_FILE).read_bytes() == before
    assert leftovers(owners_repo) == []


def test_codeowners_refuses_a_github_folder_linked_out_of_the_repository(
        owners_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    shutil.rmtree(owners_repo / ".github")
    (owners_repo / ".github").symlink_to(outside, target_is_directory=True)
    status, _, err = call(codeowners.main, "--root", str(owners_repo))
    assert status == 2 and "指向仓库以外" in err
    assert list(outside.iterdir()) == []


def test_reports_keep_the_previous_workbook_when_the_new_one_cannot_be_written(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_fixture(archive)
    out = archive / "out" / "reports"
    args = ("--root", str(archive), "--month", "2026-11", "--as-of", AS_OF)
    assert call(build_reports_cli.main, *args)[0] == 0
    workbook = out / "2026-11" / "月报-2026-11.xlsx"
    before = workbook.read_bytes()
    fail_on(monkeypatch, "月报-2026-11.xlsx", errno.EFBIG)
    status, _, err = call(build_reports_cli.main, *args[:-1], "2026-11-27T09:00")
    assert status == 2
    assert f"build_reports.py：错误：无法写入 {workbook}：文件超出允许的大小。原文件未改动。" in err
    assert workbook.read_bytes() == before
    assert leftovers(out) == []


def test_build_reports_as_a_user_runs_it(archive: Path) -> None:
    """The real command, the real clock: every month's files are written and nothing temporary is left."""
    build_fixture(archive)
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "build_reports.py"), "--root", str(archive)],
                            capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 0, result.stderr
    folder = archive / "out" / "reports" / "2026-11"
    assert {p.name for p in folder.iterdir()} == {"summary.json", "月报-2026-11.xlsx", "index.md"}
    assert (archive / "out" / "reports" / "index.md").is_file()
    assert leftovers(archive / "out") == []


def test_sitegen_says_in_chinese_when_a_page_cannot_be_written(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    out.mkdir()
    (out / "fields.md").mkdir()  # a folder where a page should go
    status, _, err = call(sitegen.main, "--out", str(out), "--as-of", "2026-11-26T09:00")
    assert status == 2
    assert f"生成网站页面：错误：无法写入 {out / 'fields.md'}" in err
    assert leftovers(out) == []


def test_cache_writes_that_fail_leave_no_temporary_and_change_no_finding(
        committed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ("--root", str(committed), "--as-of", AS_OF, "--format", "json")
    expected = run_validate(*args)

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    shutil.rmtree(committed / ".cache", ignore_errors=True)
    monkeypatch.setattr(safefile.os, "replace", full)
    run = run_validate(*args)
    assert (run.status, run.findings) == (expected.status, expected.findings)
    assert leftovers(committed / ".cache") == []
    assert not [p for p in (committed / ".cache").rglob("*") if p.is_file() and p.suffix in (".marshal", ".json")]


def test_cache_leftovers_of_a_killed_run_are_removed_by_the_next_run(committed: Path) -> None:
    run_validate("--root", str(committed), "--as-of", AS_OF)
    dead = subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True, check=True).stdout.strip()
    shard = next((committed / ".cache" / "records").glob("*.marshal"))
    stale = shard.parent / f".{shard.name}.{dead}.k1ll3d.tmp"
    stale.write_bytes(b"half")
    add_visit(committed, "HF-20261126-0009", order="GD2026112500199")  # a new file: its shard is written again
    subprocess.run([sys.executable, str(REPO / "scripts" / "validate.py"), "--root", str(committed), "--as-of", AS_OF],
                   capture_output=True, check=False)  # the next run is a new process
    assert not stale.exists()


def test_a_cache_write_is_whole_but_not_flushed_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Caches are rebuilt when lost: they skip the two fsyncs a record's write pays for, and are still replaced whole."""
    target = tmp_path / "shard.marshal"
    target.write_bytes(b"old")

    def no_fsync(_fd: int) -> None:
        raise AssertionError("a cache write flushed to disk")

    monkeypatch.setattr(safefile.os, "fsync", no_fsync)
    safefile.write_atomic(target, b"new", durable=False)
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []
    with pytest.raises(AssertionError):
        safefile.write_atomic(target, b"newer")
    assert target.read_bytes() == b"new"
