"""Landing times under each host's merge methods (docs/hosting.md): merge commits (GitHub, GitLab and Gitea by
default), squash merges, rebase merges, and fast-forward merges, whose landing Git cannot see."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import add_visit, run_validate
from gitrepo import GitRepo

from callback_archive.archive import ArchiveAt
from callback_archive.engine.loader import load_archive
from callback_archive.audit import audit_events
from callback_archive.history import load_history
from callback_archive.timeutil import BEIJING

RECORD = "records/visits/tanggu/2026/11/HF-20261127-0001.yaml"
COMMITTED = "2026-11-27T10:30:00+08:00"  # on the branch, in time (due 2026-11-28 08:00)
MERGED = "2026-11-29T11:15:00+08:00"  # reached main a day late


def branch_with_the_record(archive: Path) -> GitRepo:
    repo = GitRepo(archive)
    repo.commit("组织机构", at="2026-11-26T08:00:00+08:00")
    repo.checkout("-b", "pr-7")
    add_visit(archive, "HF-20261127-0001", order="GD2026112700001", archived="2026-11-27T08:00:00+08:00",
              visited="2026-11-27 10:00")
    repo.commit("登记回访", at=COMMITTED, author="赵六")
    repo.commit("补充说明", at="2026-11-27T10:40:00+08:00", author="赵六")  # a second commit: squash has work to do
    repo.checkout("main")
    repo.commit("其他单位的提交", at="2026-11-28T09:00:00+08:00")  # main moved on meanwhile
    return repo


def landed_late(archive: Path) -> list[dict]:
    run = run_validate("--root", str(archive), "--as-of", "2026-12-10T09:00", "--format", "json")
    return [f for f in run.findings if f["code"] == "callback-landed-late"]


def test_gitlab_merge_commit_lands_at_the_merge(archive):
    repo = branch_with_the_record(archive)
    repo.git("merge", "-q", "--no-ff", "pr-7", "-m",
             "Merge branch 'pr-7' into 'main'\n\n登记回访\n\nSee merge request binhai/archive!7", at=MERGED, author="王主任")
    landing = load_history(archive).landing(RECORD)
    assert landing.is_merge and landing.via_pull_request and landing.time.isoformat() == MERGED
    [late] = landed_late(archive)
    assert "2026-11-29 11:15" in late["message"]


def test_gitea_merge_commit_names_its_pull_request(archive):
    repo = branch_with_the_record(archive)
    repo.git("merge", "-q", "--no-ff", "pr-7", "-m", "Merge pull request '登记回访' (#7) from pr-7 into main",
             at=MERGED, author="王主任")
    landing = load_history(archive).landing(RECORD)
    assert landing.pull_request == 7 and landing.time.isoformat() == MERGED
    [late] = landed_late(archive)
    assert "#7" in late["message"]


def test_squash_merge_lands_at_the_squash_commit(archive):
    """GitLab, Gitea and GitHub write the squashed commit when merging: its committer time is the merge."""
    repo = branch_with_the_record(archive)
    repo.git("merge", "-q", "--squash", "pr-7", at=MERGED)
    repo.commit("登记回访 (#7)", at=MERGED, author="王主任")
    landing = load_history(archive).landing(RECORD)
    assert not landing.is_merge and landing.pull_request == 7 and landing.time.isoformat() == MERGED
    [late] = landed_late(archive)
    assert "2026-11-29 11:15" in late["message"]


def test_rebase_merge_lands_when_rebased(archive):
    """Gitea's "rebase then fast-forward" and GitLab's rebase button rewrite the commits: committer time is then."""
    repo = branch_with_the_record(archive)
    repo.checkout("pr-7")
    repo.git("rebase", "-q", "main", at=MERGED)
    repo.checkout("main")
    repo.git("merge", "-q", "--ff-only", "pr-7", at=MERGED)
    landing = load_history(archive).landing(RECORD)
    assert landing.subject == "登记回访" and landing.time.isoformat() == MERGED
    assert len(landed_late(archive)) == 1


def test_fast_forward_of_an_unrebased_branch_keeps_the_commit_time(archive):
    """The one case Git cannot tell: a fast-forward moves main onto the branch's own commits, which keep the time
    they were made. The record looks established when it was committed, not when it reached main, so a late merge
    goes unseen; the audit lists the commit as a change that reached main without a merge request. docs/hosting.md
    therefore asks for merge commits (or squash) on every host."""
    repo = GitRepo(archive)
    repo.commit("组织机构", at="2026-11-26T08:00:00+08:00")
    repo.checkout("-b", "pr-7")
    add_visit(archive, "HF-20261127-0001", order="GD2026112700001", archived="2026-11-27T08:00:00+08:00",
              visited="2026-11-27 10:00")
    repo.commit("登记回访", at=COMMITTED, author="赵六")
    repo.checkout("main")
    repo.git("merge", "-q", "--ff-only", "pr-7", at=MERGED)
    history = load_history(archive)
    landing = history.landing(RECORD)
    assert landing.time.isoformat() == COMMITTED and not landing.via_pull_request
    assert landed_late(archive) == []
    # What the archive can say: the audit lists the commit among changes that reached main without a merge request.
    events = audit_events(ArchiveAt.of(load_archive(archive), history, datetime(2026, 12, 10, 9, tzinfo=BEIJING)))
    direct = [c for month in events.months() for c in events.of_month(month)["direct_commits"]]
    assert [c["commit"] for c in direct if any(ch["file"] == RECORD for ch in c["changes"])] == [landing.sha]
