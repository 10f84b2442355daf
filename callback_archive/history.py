"""When each record really landed on main: one pass over the first-parent history, cached.

The first commit of main's first-parent history that adds a record file is the
moment its archive entry was established (第十四、十五、十六条: the callback *and*
its archive entry are due in time). For a pull request merged with a merge
commit that is the merge commit; its committer time is when it reached main.

The whole history is read with a single ``git log --first-parent --name-status``
and cached in ``.cache/history/`` under the archive root (where Git ignores it), keyed by the last commit
read: a rebuild reads only ``<old>..<new>``, and falls back to a full scan when
the history was rewritten (the old head is no longer on the first-parent line).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from datetime import datetime
from pathlib import Path
from typing import Callable

from .engine.cache import git_output, start_git
from .findings import Finding, finding
from .safefile import WriteError, write_atomic
from .timeutil import BEIJING

MAIN_BRANCH = "main"
CACHE_DIR = Path(".cache") / "history"
CACHE_VERSION = 2
# Records that are amended, never rewritten (the --base comparison) ...
RECORD_PREFIXES = ("records/visits/", "records/letters/")
# ... and every file whose landing time counts: records and monthly submissions (第二十条).
TRACKED_PREFIXES = (*RECORD_PREFIXES, "records/submissions/")

# Closed months are sealed by annotated tags archive/<YYYY-MM> on main (build_reports.py --seal).
SEAL_PREFIX = "archive/"
_SEAL_NAME = re.compile(r"^archive/(\d{4}-(?:0[1-9]|1[0-2]))$")

# One commit per \x1e; header fields split by \x1f; then NUL-separated "status, path" pairs (-z).
_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%ct%x1f%s"
_LOG_OPTIONS = ("--first-parent", "-m", "--no-renames", "--name-status", "-z", "--reverse", f"--format={_FORMAT}")
# GitHub's merge commit subject, the "(#12)" GitHub and Gitea append to squash merges, and Gitea's merge
# commit subject ("Merge pull request 'title' (#12) from branch into main"). GitLab names its merge request in the body.
_PULL_REQUEST = re.compile(r"^Merge pull request #(\d+)|\(#(\d+)\)$|^Merge pull request '.*' \(#(\d+)\) from ")


def is_record_path(path: str) -> bool:
    return path.startswith(RECORD_PREFIXES) and path.endswith(".yaml")


def is_tracked_path(path: str) -> bool:
    return path.startswith(TRACKED_PREFIXES) and path.endswith(".yaml")


@dataclass(frozen=True)
class Commit:
    """A commit of the first-parent line that touched records; ``changes`` are (A/M/D/T, path)."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    time: datetime
    subject: str
    changes: tuple[tuple[str, str], ...]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def pull_request(self) -> int | None:
        """The pull request number GitHub writes into merge, squash and rebase commits."""
        match = _PULL_REQUEST.search(self.subject)
        return int(next(number for number in match.groups() if number)) if match else None

    @property
    def via_pull_request(self) -> bool:
        return self.is_merge or self.pull_request is not None

    def as_dict(self) -> dict:
        return {
            "commit": self.sha,
            "time": self.time.isoformat(),
            "author": self.author,
            "email": self.email,
            "subject": self.subject,
            "merge": self.is_merge,
            "pull_request": self.pull_request,
        }

    def _cached(self) -> list:
        return [self.sha, list(self.parents), self.author, self.email, int(self.time.timestamp()), self.subject,
                [list(c) for c in self.changes]]

    @classmethod
    def _from_cache(cls, row: list) -> "Commit":
        sha, parents, author, email, stamp, subject, changes = row
        return cls(sha, tuple(parents), author, email, datetime.fromtimestamp(stamp, BEIJING), subject,
                   tuple((s, p) for s, p in changes))


@dataclass(frozen=True)
class Seal:
    """A closed month's tag: the commit of main it sealed, when, and whether main still contains it.

    ``intact`` False means main's history was rewritten below the seal: landing times of the
    records the sealed history has are then read from it (``History.landing``), not from main."""

    month: str  # YYYY-MM
    tag: str
    commit: str
    time: datetime  # the tagger's time
    intact: bool
    message: str

    def as_dict(self) -> dict:
        return {"month": self.month, "tag": self.tag, "commit": self.commit, "time": self.time.isoformat(),
                "intact": self.intact}


@dataclass
class History:
    """Main's first-parent history of the record files, oldest first.

    ``shallow`` means the clone lacks history and nothing can be said about landings;
    ``scanned`` counts the commits read from Git in this run (0 when the cache was current).
    """

    root: Path
    ref: str
    head: str | None
    commits: list[Commit] = field(default_factory=list)
    shallow: bool = False
    scanned: int = 0
    seals: list[Seal] = field(default_factory=list)
    sealed_commits: list[Commit] = field(default_factory=list)  # the first-parent history of the broken seals

    # Indexes made on first use: a command cuts the history at "now" (``until``) and uses only the cut.
    @cached_property
    def landings(self) -> dict[str, Commit]:
        """Each path's landing; where a seal is broken, what its sealed history says wins over main's."""
        landings: dict[str, Commit] = {}
        for commit in [*self.sealed_commits, *self.commits]:
            for status, path in commit.changes:
                if status == "A":
                    landings.setdefault(path, commit)
        return landings

    @cached_property
    def _touching(self) -> dict[str, list[Commit]]:
        touching: dict[str, list[Commit]] = {}
        for commit in self.commits:
            for _, path in commit.changes:
                touching.setdefault(path, []).append(commit)
        return touching

    def landing(self, path: str) -> Commit | None:
        """The commit that first brought ``path`` onto main, or None if it is not there (yet)."""
        return self.landings.get(path)

    def commits_of(self, path: str) -> list[Commit]:
        return self._touching.get(path, [])

    def paths(self) -> list[str]:
        """Every record path main ever had, deleted ones included."""
        return list(self._touching)

    def text_at(self, commit: str, path: str) -> str | None:
        """The text of ``path`` in ``commit``, or None where the commit has no such file."""
        import git

        try:
            return open_repo(self.root).git.show(f"{commit}:{path}", strip_newline_in_stdout=False)
        except (git.GitCommandError, GitUnavailable):
            return None

    def until(self, moment: datetime) -> "History":
        """The history as it stood at ``moment``: later commits have not happened yet."""
        if all(c.time <= moment for c in self.commits) and all(s.time <= moment for s in self.seals):
            return self
        seals = [s for s in self.seals if s.time <= moment]
        return replace(self, commits=[c for c in self.commits if c.time <= moment], seals=seals,
                       sealed_commits=[c for c in self.sealed_commits if c.time <= moment] if seals else [])

    @property
    def broken_seals(self) -> list[Seal]:
        return [s for s in self.seals if not s.intact]


class GitUnavailable(Exception):
    """The archive root is not the top of a Git work tree, Git itself is missing, or it cannot read the history."""


def open_repo(root: Path):
    """The GitPython repository whose work tree is exactly ``root``."""
    try:
        import git
    except ImportError as exc:  # GitPython missing, or no git executable on PATH
        raise GitUnavailable(str(exc)) from None
    try:
        repo = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitUnavailable(f"{root} 不是 Git 仓库") from None
    if repo.working_tree_dir is None or Path(repo.working_tree_dir).resolve() != root.resolve():
        raise GitUnavailable(f"{root} 不是 Git 仓库的根目录")
    return repo


def resolve_commit(repo, rev: str) -> str | None:
    """The full hash of ``rev`` as a commit, or None if there is no such commit."""
    import git

    try:
        return repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")
    except git.GitCommandError:
        return None


def default_ref(repo) -> str:
    """``main`` where the branch exists, else whatever is checked out."""
    return MAIN_BRANCH if resolve_commit(repo, f"refs/heads/{MAIN_BRANCH}") else "HEAD"


def unavailable_notice() -> Finding:
    """What a run outside a Git work tree tells, in every output format, about the checks it could not do
    (a notice beside the findings, not one of them: it is about the run, not about the archive)."""
    return finding("history-unavailable", "records", None,
                   "档案目录不是 Git 仓库的根目录（或没有安装 git），无法知道每条记录何时合并到 main："
                   "档案建立时限（第十四至十六条）和“记录时间晚于合并时间”的检查都没有做。"
                   "请在克隆的档案仓库根目录中运行；合并请求的 CI 总会检查。")


def load_history(root: Path, ref: str | None = None, use_cache: bool = True) -> History | None:
    """Main's record history at ``ref`` (default: main, else HEAD); None when ``root`` is not a Git work tree.

    The cache is read and written only with ``use_cache`` and where Git ignores it: a run never
    leaves untracked files in the work tree (the record cache follows the same rule)."""
    return start_history(root, ref, use_cache)()


def start_history(root: Path, ref: str | None = None, use_cache: bool = True) -> Callable[[], History | None]:
    """``load_history`` in two steps: the ``git log`` a scan needs starts now, in the background, and is read
    when the returned function is first called (a validation lists the files meanwhile; later calls give the same)."""
    try:
        repo = open_repo(root)
    except GitUnavailable:
        return lambda: None
    ref = ref or default_ref(repo)
    if repo.git.rev_parse("--is-shallow-repository").strip() == "true":
        shallow = History(root, ref, resolve_commit(repo, ref), shallow=True)
        return lambda: shallow
    head = resolve_commit(repo, ref)
    if head is None:  # no commit yet: nothing has landed
        empty = History(root, ref, None)
        return lambda: empty
    cache_file = root / CACHE_DIR / (re.sub(r"[^A-Za-z0-9._-]", "_", ref) + ".json")
    use_cache = use_cache and _ignored(root, CACHE_DIR)
    cached = _read_cache(cache_file) if use_cache else None
    update = _start_update(repo, root, cached, head)

    seals = read_seals(repo, head)
    sealed_scans = [_start_scan(root, s.commit) for s in seals if not s.intact]

    @cache
    def finish() -> History:
        commits, scanned = update()
        if use_cache and (cached is None or cached[0] != head):
            _write_cache(cache_file, ref, head, commits)
        sealed = [commit for scan in sealed_scans for commit in scan()[0]]
        return History(root, ref, head, commits, scanned=scanned, seals=seals, sealed_commits=sealed)

    return finish


def create_seal(root: Path, month: str, commit: str, message: str) -> bool:
    """Tag ``commit`` as ``month``'s seal (an annotated tag carrying ``message``); False when the month is
    sealed already. A seal is never moved nor made twice: Git refuses an existing tag name, also when
    another run made it a moment ago."""
    import git

    repo = open_repo(root)
    tag = SEAL_PREFIX + month
    if resolve_commit(repo, f"refs/tags/{tag}"):
        return _existing_seal(repo, tag)
    try:
        repo.git.tag("-a", tag, commit, "-m", message)
    except git.GitCommandError as exc:
        if resolve_commit(repo, f"refs/tags/{tag}"):
            return _existing_seal(repo, tag)  # another run sealed the month meanwhile
        reason = (exc.stderr or "").strip().splitlines()
        raise GitUnavailable(f"无法创建封存标签 {tag}：{reason[-1] if reason else exc}"
                             "（请确认已设置 git config user.name 和 user.email，且仓库可写）") from None
    return True


def _existing_seal(repo, tag: str) -> bool:
    """False (sealed already) when ``tag`` is an annotated tag; a plain tag in its place is refused."""
    if repo.git.cat_file("-t", f"refs/tags/{tag}") != "tag":
        raise GitUnavailable(f"标签 {tag} 已存在，但不是带说明的封存标签（可能是手工创建的）：请核实后删除它"
                             f"（git tag -d {tag}）再封存。")
    return False


def read_seals(repo, head: str) -> list[Seal]:
    """The annotated ``archive/<YYYY-MM>`` tags, oldest month first, each checked against ``head``
    (two ``git for-each-ref`` whatever the number of seals: every validation reads them)."""
    import git

    refs = f"refs/tags/{SEAL_PREFIX}"
    try:
        listing = repo.git.for_each_ref(
            "--format=%(refname:strip=2)%00%(objecttype)%00%(*objectname)%00%(taggerdate:unix)%00%(contents)%01", refs)
        intact = set(repo.git.for_each_ref("--format=%(refname:strip=2)", f"--merged={head}", refs).split())
    except git.GitCommandError:
        return []
    seals = []
    for entry in listing.split("\x01"):
        fields = entry.lstrip("\n").split("\0")
        if len(fields) != 5 or not _SEAL_NAME.match(fields[0]) or fields[1] != "tag" or not fields[2]:
            continue  # not a seal (a lightweight tag, another name): never trusted
        tag, _, commit, stamp, message = fields
        seals.append(Seal(tag[len(SEAL_PREFIX):], tag, commit, datetime.fromtimestamp(int(stamp or 0), BEIJING),
                          tag in intact, message.strip()))
    return sorted(seals, key=lambda s: s.month)


def _ignored(root: Path, folder: Path) -> bool:
    return git_output(start_git(root, "check-ignore", "-q", folder.as_posix())) is not None  # status 1: not ignored


def _start_update(repo, root: Path, cached: tuple[str, list[Commit]] | None,
                  head: str) -> Callable[[], tuple[list[Commit], int]]:
    """Cached commits plus those since the cached head; a full scan when the old head is off the line."""
    if cached is not None:
        old, commits = cached
        if old == head:
            return lambda: (commits, 0)
        if _is_ancestor(repo, old, head):
            since = _start_scan(root, f"{old}..{head}")

            def after_cached() -> tuple[list[Commit], int]:
                new, read, oldest_parent = since()
                if oldest_parent == old:
                    return commits + new, read
                return _start_scan(root, head)()[:2]

            return after_cached
    scan = _start_scan(root, head)
    return lambda: scan()[:2]


def _is_ancestor(repo, old: str, head: str) -> bool:
    import git

    try:
        return repo.is_ancestor(old, head)
    except git.GitCommandError:  # the old head is gone (history rewritten and collected)
        return False


def _start_scan(root: Path, revisions: str) -> Callable[[], tuple[list[Commit], int, str | None]]:
    """One ``git log`` of ``revisions``, started now; the function reads it: record-touching commits,
    commits read, the oldest one's first parent."""
    started = start_git(root, "log", *_LOG_OPTIONS, revisions)
    return lambda: _parse_log(git_output(started), revisions)


def _parse_log(output: str | None, revisions: str) -> tuple[list[Commit], int, str | None]:
    if output is None:
        raise GitUnavailable(f"无法读取 Git 历史（git log {revisions} 失败）：请检查仓库是否完整（git fsck）。")
    commits: list[Commit] = []
    read = 0
    oldest_parent: str | None = None
    for chunk in output.split("\x1e")[1:]:
        header, _, body = chunk.partition("\0")
        sha, parents, author, email, stamp, subject = header.split("\x1f", 5)
        parent_list = tuple(parents.split())
        if read == 0:
            oldest_parent = parent_list[0] if parent_list else None
        read += 1
        fields = body.lstrip("\n").split("\0")
        changes = tuple(
            (fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2) if is_tracked_path(fields[i + 1])
        )
        if changes:
            commits.append(Commit(sha, parent_list, author, email, datetime.fromtimestamp(int(stamp), BEIJING),
                                  subject, changes))
    return commits, read, oldest_parent


def _read_cache(path: Path) -> tuple[str, list[Commit]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return None
        return data["head"], [Commit._from_cache(row) for row in data["commits"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: scan again


def _write_cache(path: Path, ref: str, head: str, commits: list[Commit]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": CACHE_VERSION, "ref": ref, "head": head, "commits": [c._cached() for c in commits]}
        write_atomic(path, json.dumps(data, ensure_ascii=False), durable=False)
    except (OSError, WriteError):
        pass  # a read-only checkout still validates; it only scans again next time

