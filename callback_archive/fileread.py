"""Reading a file of the archive: regular files only, never through a symlink, the size limit applied first.

A symlink under ``records/`` could point outside the repository (a file that would then be validated
and published), a FIFO would make the reader wait forever and ``/dev/zero`` never ends: the file is
opened without following a symlink and without waiting, checked to be a regular file no larger than
the limit (one ``fstat``), and only then read, never more than the limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# A record (a callback, a letter, a submission) is small: a bigger file holds an attachment or many records.
# Lists (a month's work orders, a month's sample, the registers, plans, rounds) grow with the district: a 10 %
# sample of 40,000 customers is 260 KiB, so they have a limit of their own, there only to stop a runaway file.
MAX_FILE_BYTES = 64 * 1024
MAX_LIST_BYTES = 16 * 1024 * 1024
# Windows has neither O_NOFOLLOW nor O_NONBLOCK (nor FIFOs): there a link is looked for before opening.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FLAGS = (os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
          | getattr(os, "O_BINARY", 0))
SYMLINK_MESSAGE = ("这是一个符号链接（symlink）：档案只收普通文件，链接可能指向仓库以外，不会被读取、缓存或发布。"
                   "请删除链接（git rm），把文件本身放到这里。")
NOT_REGULAR_MESSAGE = "这不是普通文件（可能是管道、设备或文件夹）：档案只收普通文件，不会读取它。请删除或移走。"


class FileRefused(Exception):
    """The file is not read: ``code`` and ``message`` say why (a finding's code and Chinese text)."""

    def __init__(self, code: str, message: str, size: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.size = size


def read_regular(path: str, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (not through a symlink), at most ``limit`` of them.

    Raises :class:`FileRefused` (``symlink-not-allowed``, ``file-not-regular`` or ``file-too-large``
    with the size) and ``OSError`` for anything else the system refuses."""
    if not _NOFOLLOW and os.path.islink(path):
        raise FileRefused("symlink-not-allowed", SYMLINK_MESSAGE)
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink
            raise FileRefused("symlink-not-allowed", SYMLINK_MESSAGE) from None
        if exc.errno in (errno.ENXIO, errno.EISDIR):  # a socket; a folder (on systems where open refuses it)
            raise FileRefused("file-not-regular", NOT_REGULAR_MESSAGE) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("file-not-regular", NOT_REGULAR_MESSAGE)
        if info.st_size > limit:
            raise FileRefused("file-too-large", "", info.st_size)
        chunks = []
        wanted = info.st_size + 1  # one byte more than stat said: a file that grew meanwhile is noticed
        total = 0
        while True:
            chunk = os.read(fd, max(wanted - total, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileRefused("file-too-large", "", total)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def read_program_file(path: Path) -> bytes:
    """The bytes of a file the program itself depends on (a schema): a link or anything but a regular file
    is a usage error naming the file (exit status 2), never followed."""
    from .cli.guard import UsageError  # the command-line layer imports nothing from here

    try:
        return read_regular(str(path), MAX_LIST_BYTES)
    except FileRefused as exc:
        reason = "超过大小上限" if exc.code == "file-too-large" else exc.message
        raise UsageError(f"{path}：{reason}") from None
    except OSError as exc:
        raise UsageError(f"无法读取 {path}：{exc.strerror}。") from None
