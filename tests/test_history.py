"""Landing times from Git (one pass, cached) and the deadlines they decide (第十四、十五、十六条)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import add_visit, place, run_validate
from gitrepo import GitRepo

from callback_archive.history import CACHE_DIR, load_history

LETTER = """id: FH-20261130-0001
unit: marketing
kind: complaint
received_at: 2026-11-30
reply_required: true
sender: {name: 张建民, group: npc-deputy}
subject: 反映小区频繁停电
replied_at: 2026-12-03
reply: 已安排线路改造。
originals: {incoming: 档案盒 FH-2026-12, reply: 档案盒 FH-2026-12}
"""
LETTER_PATH = "records/letters/marketing/2026/11/FH-20261130-0001.yaml"


def validate(root: Path, *args: str, as_of: str = "2026-12-10T09:00"):
    return run_validate("--root", str(root), "--as-of", as_of, "--format", "json", *args)


def ours(run) -> list[dict]:
    """The findings of the audit trail, leaving other checks' findings to their own tests."""
    mine = {"callback-landed-late", "letter-landed-late", "archive-merge-due", "record-time-after-landing", "history-shallow"}
    return [f for f in run.findings if f["code"] in mine]


def repair(root: Path, id: str, order: str, archived: str, visited: str, **fields) -> str:
    return add_visit(root, id, order=order, archived=archived, visited=visited, **fields)


def busy_history(archive: Path) -> GitRepo:
    """Direct pushes, pull requests merged with merge commits (one that merged main in first),
    a squash merge, a modification, a deletion and a re-addition, a move."""
    repo = GitRepo(archive)
    repo.commit("组织机构", at="2026-11-26T08:00:00+08:00")
    a = repair(archive, "HF-20261127-0001", "GD2026112700001", "2026-11-27T08:00:00+08:00", "2026-11-27 10:00")
    repo.commit("直接登记一条", at="2026-11-27T11:00:00+08:00")
    repo.checkout("-b", "pr-1")
    b = repair(archive, "HF-20261127-0002", "GD2026112700002", "2026-11-27T08:00:00+08:00", "2026-11-27 12:00")
    repo.commit("登记回访", at="2026-11-27T12:30:00+08:00", author="赵六")
    place(archive, b, (archive / b).read_text(encoding="utf-8").replace("李敏", "李敏敏"))
    repo.commit("改回访人", at="2026-11-27T13:00:00+08:00", author="赵六")
    repo.checkout("main")
    c = repair(archive, "HF-20261127-0003", "GD2026112700003", "2026-11-27T08:00:00+08:00", "2026-11-27 14:00")
    repo.commit("直接登记另一条", at="2026-11-27T15:00:00+08:00")
    repo.checkout("pr-1")
    repo.git("merge", "-q", "--no-ff", "main", "-m", "同步 main", at="2026-11-27T16:00:00+08:00")
    d = repair(archive, "HF-20261127-0004", "GD2026112700004", "2026-11-27T08:00:00+08:00", "2026-11-27 16:30")
    repo.commit("再登记一条", at="2026-11-27T17:00:00+08:00", author="赵六")
    repo.checkout("main")
    repo.merge("pr-1", 12, at="2026-11-28T09:30:00+08:00")
    (archive / a).unlink()
    repo.commit("误删", at="2026-11-28T10:00:00+08:00")
    repair(archive, "HF-20261127-0001", "GD2026112700001", "2026-11-27T08:00:00+08:00", "2026-11-27 10:00")
    repo.commit("恢复", at="2026-11-28T10:05:00+08:00")
    moved = c.replace("tanggu", "xinbei")
    (archive / moved).parent.mkdir(parents=True, exist_ok=True)
    (archive / c).rename(archive / moved)
    repo.commit("移动 (#13)", at="2026-11-28T11:00:00+08:00")
    return repo


def per_file_landing(root: Path, path: str) -> str | None:
    """The slow, obvious answer: the oldest first-parent commit that added the file."""
    out = subprocess.run(["git", "log", "--diff-filter=A", "--first-parent", "--format=%H", "main", "--", path],
                         cwd=root, capture_output=True, text=True, check=True).stdout.split()
    return out[-1] if out else None


def test_one_pass_scan_matches_per_file_git_log(archive):
    busy_history(archive)
    history = load_history(archive)
    every_path = subprocess.run(["git", "log", "--all", "--format=", "--name-only"], cwd=archive,
                                capture_output=True, text=True, check=True).stdout.split()
    records = sorted({p for p in every_path if p.startswith("records/visits/")})
    assert len(records) == 5  # four records, one of them also at its moved place
    for path in records:
        landing = history.landing(path)
        assert (landing.sha if landing else None) == per_file_landing(archive, path), path


def test_landing_of_a_pull_request_is_its_merge_commit(archive):
    repo = busy_history(archive)
    history = load_history(archive)
    merge = repo.git("rev-parse", "main~3")
    landing = history.landing("records/visits/tanggu/2026/11/HF-20261127-0002.yaml")
    assert landing.sha == merge and landing.is_merge and landing.pull_request == 12
    assert landing.author == "王主任" and landing.time.isoformat() == "2026-11-28T09:30:00+08:00"
    # Deleted and added again: the first landing counts; the squash merge names its pull request.
    first = history.landing("records/visits/tanggu/2026/11/HF-20261127-0001.yaml")
    assert first.subject == "直接登记一条" and not first.via_pull_request
    moved = history.landing("records/visits/xinbei/2026/11/HF-20261127-0003.yaml")
    assert moved.pull_request == 13 and moved.via_pull_request and not moved.is_merge


def test_cache_reads_only_new_commits_and_rescans_after_a_rewrite(archive):
    repo = GitRepo(archive)
    repair(archive, "HF-20261127-0001", "GD2026112700001", "2026-11-27T08:00:00+08:00", "2026-11-27 10:00")
    repo.commit("一", at="2026-11-27T11:00:00+08:00")
    repo.commit("二", at="2026-11-27T12:00:00+08:00")
    first = load_history(archive)
    assert first.scanned == 2 and (archive / CACHE_DIR / "main.json").is_file()
    assert load_history(archive).scanned == 0
    repair(archive, "HF-20261127-0002", "GD2026112700002", "2026-11-27T08:00:00+08:00", "2026-11-27 11:00")
    new = repo.commit("三", at="2026-11-27T13:00:00+08:00")
    again = load_history(archive)
    assert again.scanned == 1 and again.landing("records/visits/tanggu/2026/11/HF-20261127-0002.yaml").sha == new
    (archive / CACHE_DIR / "main.json").unlink()
    full = load_history(archive)
    assert full.scanned == 3 and full.commits == again.commits and full.landings == again.landings
    repo.git("reset", "-q", "--hard", "HEAD~2")  # history rewritten: the cached head is gone from main
    repo.commit("改写", at="2026-11-27T14:00:00+08:00")
    rewritten = load_history(archive)
    assert rewritten.scanned == 2
    assert rewritten.landing("records/visits/tanggu/2026/11/HF-20261127-0002.yaml") is None


def test_a_broken_history_is_a_clear_error(archive):
    repo = GitRepo(archive)
    first = repo.commit("一", at="2026-11-27T11:00:00+08:00")
    repo.commit("二", at="2026-11-27T12:00:00+08:00")
    (archive / ".git" / "objects" / first[:2] / first[2:]).unlink()  # an old commit lost: git log cannot go on
    run = validate(archive)
    assert run.status == 2
    assert "无法读取 Git 历史" in run.stderr and "git fsck" in run.stderr and "Traceback" not in run.stderr


def test_a_damaged_cache_is_scanned_again(archive):
    repo = GitRepo(archive)
    repo.commit("一", at="2026-11-27T11:00:00+08:00")
    load_history(archive)
    (archive / CACHE_DIR / "main.json").write_text("{not json", encoding="utf-8")
    assert load_history(archive).scanned == 1


def test_no_cache_is_kept_where_git_does_not_ignore_it(archive):
    repo = GitRepo(archive)
    (archive / ".gitignore").unlink()
    repo.commit("一", at="2026-11-27T11:00:00+08:00")
    assert load_history(archive).scanned == 1 and load_history(archive).scanned == 1
    assert not (archive / ".cache").exists()  # nothing untracked left in the work tree


def test_validate_no_cache_neither_reads_nor_writes_the_history_cache(archive):
    repo = GitRepo(archive)
    repair(archive, "HF-20261127-0001", "GD2026112700001", "2026-11-27T08:00:00+08:00", "2026-11-27 10:00")
    repo.commit("登记回访", at="2026-11-30T10:30:00+08:00")  # landed days late
    run = validate(archive, "--no-cache")
    assert [f["code"] for f in ours(run)] == ["callback-landed-late"]
    assert not (archive / ".cache").exists()
    # A wrong cache (here forged: no commits at the head) cannot change what --no-cache finds.
    load_history(archive)
    (archive / CACHE_DIR / "main.json").write_text('{"version": 2, "head": "' + repo.head() + '", "commits": []}',
                                                   encoding="utf-8")
    assert ours(validate(archive, "--no-cache")) == ours(run)
    [trusted] = ours(validate(archive))  # the cached run believes it: --no-cache is the way round a bad cache
    assert "尚未合并到 main" in trusted["message"]


def test_outside_git_nothing_changes_and_no_cache_is_written(archive):
    repair(archive, "HF-20261127-0001", "GD2026112700001", "2026-11-27T08:00:00+08:00", "2026-11-27 10:00")
    assert load_history(archive) is None
    run = validate(archive, as_of="2026-11-28T09:00")
    assert run.status == 0 and ours(run) == []
    assert not (archive / ".cache").exists()


def test_visited_in_time_but_landed_late_is_a_warning_on_visited_at(archive):
    repo = GitRepo(archive)
    repo.commit("组织机构", at="2026-11-26T08:00:00+08:00")
    repo.checkout("-b", "pr-5")
    repair(archive, "HF-20261127-0001", "GD2026112700001", "2026-11-27T08:00:00+08:00", "2026-11-27 10:00")
    repo.commit("登记回访", at="2026-11-27T10:30:00+08:00", author="赵六")
    repo.checkout("main")
    merge = repo.merge("pr-5", 5, at="2026-11-29T11:15:00+08:00")
    run = validate(archive)
    assert run.status == 0  # late is a warning: the record is archived all the same
    [late] = ours(run)
    assert (late["code"], late["severity"], late["article"], late["line"]) == ("callback-landed-late", "warning", "第十五条", 14)
    assert late["record"] == "HF-20261127-0001"
    message = late["message"]
    assert "回访按时但档案建立超时" in message and "2026-11-28 08:00 前" in message
    assert "2026-11-29 11:15" in message and merge[:10] in message and "#5" in message and "超时 1 天 3 小时 15 分钟" in message


def test_landed_in_time_is_silent(archive):
    repo = GitRepo(archive)
    repair(archive, "HF-20261127-0001", "GD2026112700001", "2026-11-27T08:00:00+08:00", "2026-11-27 10:00")
    repo.commit("登记回访", at="2026-11-27T10:30:00+08:00")
    assert ours(validate(archive)) == []


def test_backdated_record_is_late_by_its_landing(archive):
    """visited_at claims an on-time callback, but the record only landed days after the deadline."""
    repo = GitRepo(archive)
    repair(archive, "HF-20261201-0001", "GD2026120100001", "2026-12-01T09:00:00+08:00", "2026-12-01 15:00")
    repo.commit("补登", at="2026-12-05T17:00:00+08:00")
    [late] = ours(validate(archive))
    assert late["code"] == "callback-landed-late" and "超时 3 天 8 小时" in late["message"]


def test_visit_after_its_own_landing_is_an_error(archive):
    repo = GitRepo(archive)
    path = repair(archive, "HF-20261201-0001", "GD2026120100001", "2026-12-01T09:00:00+08:00", "2026-12-01 15:00")
    repo.commit("登记", at="2026-12-01T12:00:00+08:00")
    run = validate(archive)
    assert run.status == 1
    [error] = ours(run)
    assert (error["code"], error["severity"], error["file"], error["line"]) == ("record-time-after-landing", "error", path, 14)
    assert "2026-12-01 12:00" in error["message"] and "amendments" in error["message"]


def test_letter_replied_in_time_but_landed_late(archive):
    repo = GitRepo(archive)
    place(archive, LETTER_PATH, LETTER)
    repo.commit("登记复函", at="2026-12-09T10:00:00+08:00")
    [late] = ours(validate(archive))
    assert (late["code"], late["article"], late["line"]) == ("letter-landed-late", "第十六条", 8)
    assert "2026-12-07 24:00 前" in late["message"]


def test_unmerged_record_says_by_when_it_must_be_merged(archive):
    GitRepo(archive).commit("组织机构", at="2026-11-26T08:00:00+08:00")
    repair(archive, "HF-20261209-0001", "GD2026120900001", "2026-12-09T14:00:00+08:00", "2026-12-09 18:00")
    [due] = ours(validate(archive, as_of="2026-12-10T09:00"))
    assert (due["code"], due["severity"], due["article"], due["line"]) == ("archive-merge-due", "warning", "第十五条", 14)
    assert "尚未合并到 main" in due["message"] and "2026-12-10 14:00 前" in due["message"] and "还剩 5 小时" in due["message"]
    [past] = ours(validate(archive, as_of="2026-12-10T16:00"))
    assert past["code"] == "archive-merge-due" and "时限已过 2 小时" in past["message"]


def test_unmerged_record_far_from_its_deadline_is_silent(archive):
    GitRepo(archive).commit("组织机构", at="2026-11-26T08:00:00+08:00")
    add_visit(archive, "HF-20261201-0001", category="business", kind="new-install", order="GD2026120100001",
              archived="2026-12-01T09:00:00+08:00", visited="2026-12-01 15:00")
    assert ours(validate(archive, as_of="2026-12-01T16:00")) == []  # due 2026-12-10: more than 3 days away
    [due] = ours(validate(archive, as_of="2026-12-08T09:00"))
    assert due["code"] == "archive-merge-due" and due["article"] == "第十四条"


def test_records_before_history_since_were_migrated_and_are_exempt(archive):
    repo = GitRepo(archive)
    repair(archive, "HF-20261120-0001", "GD2026112000001", "2026-11-20T08:00:00+08:00", "2026-11-20 10:00")
    repo.commit("迁移历史档案", at="2026-11-26T20:00:00+08:00")
    assert ours(validate(archive)) == []


def test_as_of_before_the_landing_treats_the_record_as_not_merged(archive):
    repo = GitRepo(archive)
    repair(archive, "HF-20261201-0001", "GD2026120100001", "2026-12-01T09:00:00+08:00", "2026-12-01 15:00")
    repo.commit("补登", at="2026-12-05T17:00:00+08:00")
    [due] = ours(validate(archive, as_of="2026-12-01T16:00"))
    assert due["code"] == "archive-merge-due"


def test_shallow_clone_is_one_clear_warning(archive, tmp_path_factory):
    repo = GitRepo(archive)
    repair(archive, "HF-20261201-0001", "GD2026120100001", "2026-12-01T09:00:00+08:00", "2026-12-01 15:00")
    repo.commit("一", at="2026-12-05T17:00:00+08:00")
    repo.commit("二", at="2026-12-05T18:00:00+08:00")
    clone = tmp_path_factory.mktemp("shallow") / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{archive}", str(clone)], check=True, capture_output=True)
    assert load_history(clone).shallow
    run = validate(clone)
    assert run.status == 0
    [shallow] = ours(run)
    assert shallow["code"] == "history-shallow" and shallow["line"] is None
    assert "fetch-depth: 0" in shallow["message"] and "git fetch --unshallow" in shallow["message"]
