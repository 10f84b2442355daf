"""The one writer: a failed write leaves the old file whole and no temporary file; a lock serialises writers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from callback_archive import safefile
from callback_archive.safefile import WriteError, locked, write_atomic

ORIGINAL = "id: HF-20261125-0001\nopinion: 满意\n"


def _leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith((".tmp", ".lock")))


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "HF-20261125-0001.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def test_writes_and_keeps_the_mode(record: Path) -> None:
    record.chmod(0o640)
    write_atomic(record, "id: x\n")
    assert record.read_text(encoding="utf-8") == "id: x\n"
    assert record.stat().st_mode & 0o777 == 0o640
    assert _leftovers(record.parent) == []


@pytest.mark.parametrize("failing", ["replace", "write", "fsync"])
def test_a_failed_write_leaves_the_original_and_no_temporary(record: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "replace":
        monkeypatch.setattr(safefile.os, "replace", fail)
    elif failing == "fsync":
        monkeypatch.setattr(safefile.os, "fsync", fail)
    else:
        real_fdopen = os.fdopen

        class Failing:
            def __init__(self, handle):
                self.inner = real_fdopen(handle, "wb")

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.inner.close()

            def write(self, data):
                self.inner.write(data[: len(data) // 2])
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(safefile.os, "fdopen", lambda handle, mode: Failing(handle))
    with pytest.raises(WriteError, match="磁盘已满.*原文件未改动"):
        write_atomic(record, "id: 新内容\n" * 1000)
    assert record.read_text(encoding="utf-8") == ORIGINAL
    assert _leftovers(record.parent) == []


def test_a_file_size_limit_leaves_the_original(record: Path) -> None:
    """RLIMIT_FSIZE: the write fails half-way in a real process; the record is intact afterwards."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
        from callback_archive.safefile import WriteError, write_atomic
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            write_atomic(__import__("pathlib").Path({str(record)!r}), "x" * 100_000)
        except WriteError as exc:
            print(exc)
            sys.exit(2)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert "文件超出允许的大小" in result.stdout
    assert record.read_text(encoding="utf-8") == ORIGINAL
    assert _leftovers(record.parent) == []


def test_new_never_overwrites(record: Path) -> None:
    with pytest.raises(WriteError, match="同名文件已存在"):
        write_atomic(record, "id: other\n", new=True)
    assert record.read_text(encoding="utf-8") == ORIGINAL
    assert _leftovers(record.parent) == []


def test_refuses_a_target_outside_the_repository(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / "records").mkdir(parents=True)
    outside.mkdir()
    (repo / "records" / "visits").symlink_to(outside)
    with pytest.raises(WriteError, match="仓库以外"):
        write_atomic(repo / "records" / "visits" / "a.yaml", "x", root=repo)
    assert list(outside.iterdir()) == []


def test_refuses_to_write_through_a_symlinked_file(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(ORIGINAL, encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    with pytest.raises(WriteError, match="符号链接"):
        write_atomic(link, "x", root=tmp_path)
    assert real.read_text(encoding="utf-8") == ORIGINAL


def test_read_only_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CI runs as root, for whom chmod 555 is no obstacle: the refusal the kernel gives others is simulated."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safefile.tempfile, "mkstemp", refuse)
    with pytest.raises(WriteError, match="a.yaml：没有写入权限"):
        write_atomic(tmp_path / "a.yaml", "x")
    assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_of_a_killed_run_are_cleaned(record: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = record.parent / f".{record.name}.{dead.stdout.strip()}.abc123.tmp"
    stale.write_text("half", encoding="utf-8")
    alive = record.parent / f".{record.name}.{os.getpid()}.def456.tmp"
    alive.write_text("someone else's, still writing", encoding="utf-8")
    write_atomic(record, "id: x\n")
    assert not stale.exists()
    assert alive.exists()


def test_a_second_writer_waits_then_fails_naming_the_file(record: Path) -> None:
    with locked(record):
        started = time.monotonic()
        with pytest.raises(WriteError, match=f"{record.name} 正在被另一个程序写入"):
            with locked(record, wait=0.3):
                pass
        assert time.monotonic() - started >= 0.3
    with locked(record, wait=0.1):  # released: free again
        pass
    assert _leftovers(record.parent) == []


def test_the_lock_serialises_read_modify_write(tmp_path: Path) -> None:
    counter = tmp_path / "counter.txt"
    counter.write_text("0", encoding="utf-8")

    def bump() -> None:
        for _ in range(20):
            with locked(counter, wait=30):
                value = int(counter.read_text(encoding="utf-8"))
                time.sleep(0.001)
                write_atomic(counter, str(value + 1))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter.read_text(encoding="utf-8") == "80"
    assert _leftovers(tmp_path) == []
