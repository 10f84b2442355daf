"""Writing the archive's files so that no failure or second writer ever loses a byte.

Every file the tools write goes through :func:`write_atomic`: the new content is written to a
temporary file in the same folder, flushed to disk, then moved over the target in one step
(``os.replace``), so the target is either the old file or the new one, never half of either.
A command that reads a file, changes it and writes it back holds :func:`locked` on it for the
whole cycle, so two runs at once cannot both start from the old content.

Temporary files are named ``.<target>.<pid>.<random>.tmp``; no reader lists them (readers take
``*.yaml`` / ``*.csv``), and the next writer of the same target removes those whose process is
gone.
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .cli.guard import UsageError

#: How long a second writer waits for the first one before it gives up (seconds).
LOCK_WAIT = 5.0
_LOCK_POLL = 0.05


class WriteError(UsageError):
    """A file could not be written (or locked); the message is Chinese and names the file. Exit status 2."""


def is_working_file(name: str) -> bool:
    """A writer's temporary or lock file (``.<target>.<pid>.<random>.tmp``, ``.<target>.lock``): never a record."""
    return name.startswith(".") and name.endswith((".tmp", ".lock"))


def _describe(exc: OSError) -> str:
    reasons = {
        errno.ENOSPC: "磁盘已满",
        errno.EDQUOT: "超出磁盘配额",
        errno.EFBIG: "文件超出允许的大小",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.EROFS: "文件系统只读",
        errno.ENOENT: "文件夹不存在",
        errno.ENOTDIR: "路径中有一段不是文件夹",
        errno.EEXIST: "文件已存在",
    }
    return reasons.get(exc.errno, exc.strerror or type(exc).__name__)


def ensure_inside(root: Path, target: Path) -> Path:
    """``target`` with every symlink resolved; WriteError when that leaves the repository ``root``."""
    resolved = Path(os.path.realpath(target))
    root_resolved = Path(os.path.realpath(root))
    if resolved != root_resolved and root_resolved not in resolved.parents:
        raise WriteError(
            f"拒绝写入 {target}：它（经符号链接）指向仓库以外的 {resolved}。"
            "档案只写在仓库之内，请删除这个符号链接，改用普通文件夹。"
        )
    return resolved


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_cleaned: set[tuple[int, str]] = set()  # (process, folder): leftovers already removed by this process


def clean_stale_temporaries(target: Path) -> None:
    """Remove the temporary files that killed runs (their process no longer exists) left beside ``target``.

    Once per process and folder: a run writing a thousand cache files lists their folder once.
    """
    key = (os.getpid(), os.fspath(target.parent))
    if key in _cleaned:
        return
    _cleaned.add(key)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if not (name.startswith(".") and name.endswith(".tmp")):
            continue
        parts = name.rsplit(".", 3)  # ".<target>", pid, random, "tmp"
        if len(parts) == 4 and parts[1].isdigit() and not _pid_alive(int(parts[1])):
            try:
                os.unlink(target.parent / name)
            except OSError:
                pass


def write_atomic(target: Path, content: bytes | str, *, root: Path | None = None, new: bool = False,
                 durable: bool = True) -> None:
    """Write ``content`` (text is written as UTF-8) to ``target`` all at once.

    On any failure the old file is untouched and no temporary file is left. ``new=True`` refuses
    to replace an existing file (two clerks saving the same number: the second one fails).
    ``root`` given: refuse a target whose resolved path leaves the repository. ``durable=False``
    skips flushing to disk, for caches that are rebuilt when lost (a power cut may leave the old
    file or an empty one, never half of either, and their readers take an empty one as missing).
    """
    target = Path(target)
    if root is not None:
        ensure_inside(root, target)
    if target.is_symlink():
        raise WriteError(f"拒绝写入 {target}：它是符号链接。档案中只允许普通文件。")
    data = content.encode("utf-8") if isinstance(content, str) else content
    clean_stale_temporaries(target)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(f"无法写入 {target}：{_describe(exc)}。原文件未改动。") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temporary, mode)
        if new:
            # link() fails when the target exists: no window in which a second writer's file is overwritten.
            os.link(temporary, target)
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            if new and exc.errno == errno.EEXIST:
                raise WriteError(f"无法写入 {target}：同名文件已存在（可能有人刚刚登记了同一编号），未覆盖它。请重新运行。") from None
            raise WriteError(f"无法写入 {target}：{_describe(exc)}。原文件未改动。") from None
        raise
    if durable:
        _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def locked(target: Path, *, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the write lock of ``target`` (a file or a folder) for a read-modify-write cycle.

    The lock is a file ``.<name>.lock`` beside the target, removed when released. A second
    writer waits up to ``wait`` seconds, then fails with a WriteError naming the file.
    """
    target = Path(target)
    lock_path = target.parent / f".{target.name}.lock"
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            raise WriteError(f"无法锁定 {target}（{lock_path}）：{_describe(exc)}。") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise WriteError(
                    f"{target} 正在被另一个程序写入（例如同时运行了两次导入），等待 {wait:g} 秒后仍未完成。"
                    f"请等它结束后重新运行；若确认没有其他程序在运行，可删除 {lock_path}。"
                ) from None
            time.sleep(_LOCK_POLL)
            continue
        # The holder before us may have removed the lock file after we opened it: then ours is stale.
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        try:
            os.unlink(lock_path)
        except OSError:
            pass
        os.close(fd)
