"""What reading each file gave, kept by content, and the files not kept read in parallel.

Reading one record (decode, parse, schema, typed record) costs about 150 µs; a big year
has 200,000 of them, and a pull request changes a few dozen. What a file gives depends
only on its bytes, the schemas and the reading code, so the result is kept in
``<root>/.cache/records/`` under (only in a Git work tree that ignores that folder):

* the file's Git blob id: ``git ls-files -s`` gives it for every file unchanged since
  the index (``git diff-files`` names the others), and any other file is hashed the
  same way, so a record keeps its entry when it is committed;
* a version key hashing the schema files, the sources of the reading code and the
  Python version (``marshal``'s format), written into every shard.

One shard per folder of files and bucket of names (a folder holds a unit's month, some
2,500 visits in a big year, and an incremental run needs only a few of them), so that a
pull request rewrites only the shards it touched. A missing, damaged or outdated shard is simply read again: deleting the folder
changes nothing but the time a run takes. Files missing from the cache are read by
``jobs`` worker processes, in chunks, results in the order given.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import re
import subprocess
import sys
import tempfile
import zlib
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from .. import kinds
from ..fileread import MAX_LIST_BYTES, FileRefused, read_program_file, read_regular
from ..progress import progress_wanted, with_progress
from ..safefile import WriteError, write_atomic

CACHE_DIR = Path(".cache") / "records"
FORMAT = 2
BUCKETS = 16  # shards per folder
# Modules whose code decides what reading a file gives: any change to them empties the cache.
READER_MODULES = ("engine/loader", "engine/cache", "fileread", "findings", "kinds", "model", "orders", "schemas", "schemawalk",
                  "timeutil", "yamlread")
CHUNK = 500  # files per task sent to a worker: large enough that sending it costs little
PARALLEL_FROM = 2000  # fewer files than this are read in this process: starting workers costs more
IN_FLIGHT = 8  # chunks given to each worker ahead of the one this process is waiting for

Item = tuple[str, str]  # (path relative to the root, file kind)
Reader = Callable[[Path, str, str], Any]  # (root, relpath, kind) -> a marshal-able payload


@dataclass
class LoadStats:
    """How a load went: what ``validate.py --stats`` reports and the benchmark reads."""

    files: int = 0
    cached: int = 0
    read: int = 0
    jobs: int = 1


PACKAGE = Path(__file__).resolve().parent.parent  # the whole callback_archive package


@cache
def version_key() -> str:
    """Hash of everything besides a file's bytes that its reading result depends on (once per process)."""
    return reader_version(PACKAGE, PACKAGE.parent / "schemas")


def reader_version(package: Path, schemas: Path) -> str:
    """Hash of the schema files, the reading code and what decides marshal's format."""
    digest = hashlib.sha1(f"{FORMAT} {sys.version_info[:2]}".encode())
    for path in [*sorted(schemas.glob("*.json")), *(package / f"{name}.py" for name in READER_MODULES)]:
        digest.update(path.name.encode() + b"\0" + read_program_file(path))
    return digest.hexdigest()


def blob_id(raw: bytes) -> str:
    """Git's id of a blob with these bytes, so that hashed and indexed files share keys."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


@dataclass
class StartedGit:
    """A git command running in the background, its output spooled to a temporary file: git never waits
    for this process to read a pipe (``ls-files`` and ``log`` of a big year write tens of megabytes)."""

    process: subprocess.Popen
    spool: IO[bytes]


def start_git(root: Path, *args: str) -> StartedGit | None:
    """``git -C root args``, started: several can run while this process does other work."""
    spool = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(["git", "-C", str(root), *args], stdout=spool, stderr=subprocess.DEVNULL)
    except OSError:
        spool.close()
        return None
    return StartedGit(process, spool)


def git_output(started: StartedGit | None) -> str | None:
    """What the command wrote, once it is done; None when it could not start or failed."""
    if started is None:
        return None
    with started.spool:
        if started.process.wait() != 0:
            return None
        started.spool.seek(0)
        return started.spool.read().decode("utf-8", "surrogateescape")


# ``git ls-files -s -z``: "<mode> <blob> <stage>\t<path>\0"; stage 0 means not in a merge conflict. Only regular
# files (100644, 100755): a committed symlink (120000) or submodule (160000) gets no key and is never cached.
_INDEX_ENTRY = re.compile(r"10[0-7]{4} ([0-9a-f]+) 0\t([^\0]*)\0|[0-7]+ [0-9a-f]+ [0-9]\t[^\0]*\0")


class GitIndex:
    """Blob ids of the files under records/ that Git's index has and the work tree did not change.

    The ``git`` commands start when this is made and run while the caller lists the files
    (``git diff-files`` stats every file: a few tenths of a second for a big year).
    ``blobs()`` is None where there is to be no cache: the root is not the top of a Git
    work tree, or the cache folder is not ignored there (a run never leaves untracked files).
    """

    def __init__(self, root: Path):
        self.root = root
        self.top = start_git(root, "rev-parse", "--show-toplevel")
        self.ignored = start_git(root, "check-ignore", "-q", CACHE_DIR.as_posix())
        self.listing = start_git(root, "ls-files", "-s", "-z", "--", "records")
        self.changed = start_git(root, "diff-files", "--name-only", "-z", "--", "records")

    def blobs(self) -> dict[str, str] | None:
        top, ignored = git_output(self.top), git_output(self.ignored)
        listing, changed = git_output(self.listing), git_output(self.changed)
        if top is None or Path(top.strip()).resolve() != self.root.resolve() or ignored is None:
            return None
        if listing is None or changed is None:
            return None
        blobs = {path: blob for blob, path in _INDEX_ENTRY.findall(listing) if blob}
        for path in changed.split("\0"):
            blobs.pop(path, None)
        return blobs


def file_keys(root: Path, paths: list[str], index: GitIndex | None = None) -> dict[str, str] | None:
    """The content key of every readable path (its blob id from the index, or from hashing
    the file), or None where there is to be no cache (see ``GitIndex``)."""
    indexed = (index or GitIndex(root)).blobs()
    if indexed is None:
        return None
    keys = {}
    for path in paths:
        key = indexed.get(path)
        if key is None:
            try:
                key = blob_id(read_regular(f"{root}/{path}", MAX_LIST_BYTES))
            except (OSError, FileRefused):
                continue  # unreadable, a symlink, not a regular file, too large: never cached, read (and reported) every time
        keys[path] = key
    return keys


def shard_of(path: str) -> tuple[str, str]:
    """(shard, name) of a file: its folder and a bucket of its name (the same in every process and run)."""
    folder, _, name = path.rpartition("/")
    return f"{folder}/{zlib.crc32(name.encode()) % BUCKETS}", name


class Shards:
    """The cache shards of one run: loaded on first use, written back when they changed.

    A full read lets each shard go once its last file is read, dropping the entries of files
    no longer there; a run that reads part of the archive (``partial``) keeps every entry and
    keeps the shards loaded, for the next part it reads.
    """

    def __init__(self, root: Path, partial: bool = False, hot: dict[str, tuple[str, Any]] | None = None):
        self.folder = root / CACHE_DIR
        self.partial = partial
        # Entries the caller kept from its last run, by path (checked against the key like any other), and
        # the entries this run used: a run that reads the same few hundred files each time reads them at once.
        self.hot = hot or {}
        self.used: dict[str, tuple[str, Any]] = {}
        self.version = version_key()
        self.loaded: dict[str, dict[str, tuple[str, Any]]] = {}
        self.seen: dict[str, set[str]] = {}
        self.dirty: set[str] = set()

    def _file(self, shard: str) -> Path:
        return self.folder / (hashlib.sha1(shard.encode()).hexdigest()[:24] + ".marshal")

    def _entries(self, shard: str) -> dict[str, tuple[str, Any]]:
        entries = self.loaded.get(shard)
        if entries is None:
            entries = self.loaded[shard] = self._load(shard)
            self.seen.setdefault(shard, set())
        return entries

    def _load(self, shard: str) -> dict[str, tuple[str, Any]]:
        try:
            version, name, entries = marshal.loads(self._file(shard).read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}  # missing or damaged: read the files again
        if version != self.version or name != shard or not isinstance(entries, dict):
            return {}
        return entries

    def get(self, path: str, key: str, place: tuple[str, str] | None = None) -> Any | None:
        """The payload kept for ``path`` with this key, or None; ``place`` is its ``shard_of`` when known."""
        entry = self.hot.get(path)
        if entry is None or entry[0] != key:
            shard, name = place or shard_of(path)
            entry = self._entries(shard).get(name)
            self.seen[shard].add(name)
            if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == key):
                return None
        if self.partial:
            self.used[path] = entry
        return entry[1]

    def put(self, path: str, key: str, payload: Any, place: tuple[str, str] | None = None) -> None:
        if self.partial:
            self.used[path] = (key, payload)
        shard, name = place or shard_of(path)
        self._entries(shard)[name] = (key, payload)
        self.seen[shard].add(name)
        self.dirty.add(shard)

    def flush(self, shard: str) -> None:
        """Done with a shard: write it if it changed or lost files (atomically, never failing a run), then let it go."""
        entries = self.loaded.get(shard) if self.partial else self.loaded.pop(shard, None)
        if entries is None:
            return
        seen = self.seen.get(shard, set()) if self.partial else self.seen.pop(shard, set())
        stale = set() if self.partial else set(entries) - seen
        if not stale and shard not in self.dirty:
            return
        self.dirty.discard(shard)
        for name in stale:
            del entries[name]
        target = self._file(shard)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, marshal.dumps((self.version, shard, entries)), durable=False)
        except (OSError, WriteError):
            pass  # a read-only checkout still validates; it only reads again next time


def _read_chunk(read: Reader, root: Path, items: list[Item]) -> bytes:
    return marshal.dumps([read(root, path, kind) for path, kind in items])


def _chunks(items: list[Item]) -> Iterator[list[Item]]:
    """``CHUNK`` files at a time; a file of a kind read alone (``Kind.own_chunk``: a month of work orders, 15,000
    rows, is as much work as a whole chunk) in a chunk of its own, so that the workers share those."""
    alone = kinds.names(own_chunk=True)
    chunk: list[Item] = []
    for item in items:
        if item[1] in alone:
            if chunk:
                yield chunk
                chunk = []
            yield [item]
            continue
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _read_many(read: Reader, root: Path, items: list[Item], jobs: int) -> Iterator[Any]:
    """Payloads of ``items`` in order; with ``jobs`` > 1, chunks go to that many worker processes."""
    if jobs <= 1:
        for path, kind in items:
            yield read(root, path, kind)
        return
    # Workers start as copies of this process, whose cyclic collector may be paused (archive.collector_paused):
    # a worker reads thousands of files and must collect its garbage.
    with ProcessPoolExecutor(max_workers=jobs, initializer=gc.enable) as pool:
        # A few chunks in flight per worker: results never pile up when this process takes them slower than they come.
        chunks = _chunks(items)
        pending = deque(pool.submit(_read_chunk, read, root, chunk) for chunk in islice(chunks, IN_FLIGHT * jobs))
        while pending:
            result = pending.popleft().result()
            following = next(chunks, None)
            if following is not None:
                pending.append(pool.submit(_read_chunk, read, root, following))
            yield from marshal.loads(result)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def read_all(root: Path, items: list[Item], read: Reader, *, prepare: Callable[[set[str]], None] | None = None,
             jobs: int | None = None, use_cache: bool = True, index: GitIndex | None = None,
             stats: LoadStats | None = None, keys: dict[str, str] | None = None,
             shards: Shards | None = None) -> Iterator[Any]:
    """The payload of every item, in order: from the cache where the content key matches, else ``read``.

    ``prepare`` is given the kinds of the files to read, before they are read (nothing
    when all come from the cache); ``jobs`` None picks the number of processors when
    there is enough to read, else 1; ``index`` is a ``GitIndex`` started earlier; ``keys``
    are the content keys when the caller has them; ``shards`` are those of a run that reads
    part of the archive (kept for its next read; they keep the entries of the other files).
    """
    stats = stats if stats is not None else LoadStats()
    stats.files = len(items)
    if use_cache and keys is None:
        keys = file_keys(root, [path for path, _ in items], index)
    elif not use_cache:
        keys = None
    if keys is None:
        shards = None
    elif shards is None:
        shards = Shards(root)
    keys = keys or {}
    places = [shard_of(path) for path, _ in items] if shards is not None else []
    cached: list[Any] = []
    missing: list[Item] = []
    for n, (path, kind) in enumerate(items):
        key = keys.get(path)
        payload = shards.get(path, key, places[n]) if shards is not None and key is not None else None
        cached.append(payload)
        if payload is None:
            missing.append((path, kind))
    stats.cached = len(items) - len(missing)
    stats.read = len(missing)
    if jobs is None:
        jobs = default_jobs() if len(missing) >= PARALLEL_FROM else 1
    stats.jobs = jobs
    if prepare is not None and missing:
        prepare({kind for _, kind in missing})
    fresh = _read_many(read, root, missing, jobs)
    if len(missing) >= PARALLEL_FROM:  # a cold read of a big archive: tell the person waiting how far it is
        fresh = iter(with_progress(fresh, "读取档案", progress_wanted(), unit="个文件", total=len(missing)))
    last = {shard: n for n, (shard, _) in enumerate(places)}  # each shard is written after its last file
    for n, (path, _) in enumerate(items):
        payload, cached[n] = cached[n], None  # held by the caller's records from now on, not twice
        if payload is None:
            payload = next(fresh)
            key = keys.get(path)
            if shards is not None and key is not None:
                shards.put(path, key, payload, places[n])
        if shards is not None and last[places[n][0]] == n:
            shards.flush(places[n][0])  # before yielding: the caller need not run the generator to its end
        yield payload
