"""Audit views: a record's history and, per month, late landings, backfills, amendments, voids, direct pushes."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path

import pytest
from conftest import add_visit, place
from gitrepo import GitRepo

from callback_archive.cli import audit as audit_cli
from callback_archive.archive import open_archive
from callback_archive.engine.loader import load_archive
from callback_archive.audit import audit_events, audit_pages, index_view, month_view, record_view
from callback_archive.history import load_history
from callback_archive.timeutil import BEIJING

LATE = "HF-20261127-0001"
BACKFILLED = "HF-20261127-0002"
VOIDED = "HF-20261201-0001"
IMPOSSIBLE = "HF-20261208-0001"
AS_OF = datetime(2026, 12, 31, 9, 0, tzinfo=BEIJING)


@pytest.fixture
def audited(archive) -> Path:
    """A year-end archive with one of everything an auditor looks for."""
    repo = GitRepo(archive)
    repo.commit("组织机构", at="2026-11-26T08:00:00+08:00")
    repo.checkout("-b", "pr-5")
    late = add_visit(archive, LATE, order="GD2026112700001", archived="2026-11-27T08:00:00+08:00", visited="2026-11-27 10:00")
    repo.commit("登记抢修回访", at="2026-11-27T10:30:00+08:00", author="赵六")
    repo.checkout("main")
    repo.merge("pr-5", 5, at="2026-11-29T11:15:00+08:00")

    repo.checkout("-b", "pr-6")
    add_visit(archive, BACKFILLED, category="large-customer", kind="other", order="DK2026112700001",
              archived="2026-11-27T09:00:00+08:00", visited="2026-11-27 10:00")
    repo.commit("补登大客户走访", at="2026-12-20T09:00:00+08:00", author="钱七")
    repo.checkout("main")
    repo.merge("pr-6", 6, at="2026-12-20T10:00:00+08:00")

    repo.checkout("-b", "pr-7")
    text = (archive / late).read_text(encoding="utf-8").replace("visited_at: 2026-11-27 10:00", "visited_at: 2026-11-27 09:30")
    place(archive, late, text + "amendments:\n  - at: 2026-12-05 11:00\n    by: 王静\n    reason: 核对通话记录\n"
          "    fields: [visited_at]\n")
    repo.commit("更正回访时间", at="2026-12-05T11:00:00+08:00", author="王静")
    repo.checkout("main")
    repo.merge("pr-7", 7, at="2026-12-05T12:00:00+08:00")

    voided = add_visit(archive, VOIDED, order="GD2026120100001", archived="2026-12-01T08:00:00+08:00",
                       visited="2026-12-01 10:00")
    repo.commit("直接登记", at="2026-12-01T11:00:00+08:00", author="孙八")
    place(archive, voided, (archive / voided).read_text(encoding="utf-8")
          + "void:\n  at: 2026-12-03 09:00\n  by: 王静\n  reason: 工单号登记错误\n")
    repo.commit("作废", at="2026-12-03T09:00:00+08:00", author="孙八")

    repo.checkout("-b", "pr-8")
    add_visit(archive, IMPOSSIBLE, order="GD2026120800001", archived="2026-12-08T08:00:00+08:00", visited="2026-12-08 15:00")
    repo.commit("预先登记", at="2026-12-08T11:00:00+08:00")
    repo.checkout("main")
    repo.merge("pr-8", 8, at="2026-12-08T12:00:00+08:00")
    return archive


def events(root: Path, as_of: datetime = AS_OF):
    return audit_events(open_archive(root, as_of=as_of))


def records(items: list[dict]) -> list[str]:
    return [i["record"] for i in items]


def test_month_views_put_each_event_in_the_month_it_happened(audited):
    found = events(audited)
    assert found.months() == ["2026-12", "2026-11"]
    november = month_view(found, "2026-11")
    [late] = november["landed_late"]
    assert (late["record"], late["deadline"], late["landed_at"], late["pull_request"], late["late_by"]) == (
        LATE, "2026-11-28 08:00 前", "2026-11-29 11:15", 5, "1 天 3 小时 15 分钟")
    assert november["direct_commits"] == [] and november["amended"] == []
    december = month_view(found, "2026-12")
    assert records(december["backfilled"]) == [BACKFILLED] and december["backfilled"][0]["days"] == 23.0
    assert [(a["record"], a["by"], a["fields"]) for a in december["amended"]] == [(LATE, "王静", ["visited_at"])]
    assert [(v["record"], v["reason"]) for v in december["voided"]] == [(VOIDED, "工单号登记错误")]
    assert [(i["record"], i["field"]) for i in december["visited_after_landing"]] == [(IMPOSSIBLE, "visited_at")]
    assert [(c["subject"], c["author"], [ch["status"] for ch in c["changes"]]) for c in december["direct_commits"]] == [
        ("直接登记", "孙八", ["新建"]), ("作废", "孙八", ["修改"])]
    assert december["landed_late"] == []  # the voided record's case no longer exists
    json.dumps(december, ensure_ascii=False)


def test_index_counts_every_section_per_month(audited):
    view = index_view(events(audited))
    december = view["months"][0]
    assert december["month"] == "2026-12"
    assert {k: december[k] for k in ("landed_late", "backfilled", "amended", "voided", "visited_after_landing",
                                     "direct_commits")} == {
        "landed_late": 0, "backfilled": 1, "amended": 1, "voided": 1, "visited_after_landing": 1, "direct_commits": 2}
    assert view["history"]["history_since"] == "2026-11-26" and view["history"]["backfill_days"] == 15


def test_as_of_leaves_out_what_had_not_happened_yet(audited):
    assert events(audited, datetime(2026, 11, 30, tzinfo=BEIJING)).months() == ["2026-11"]


def test_record_history_lists_commits_authors_and_changed_fields(audited):
    view = record_view(load_archive(audited), load_history(audited), LATE)
    assert view["landing"]["pull_request"] == 5 and view["landing"]["landed_at"] == "2026-11-29 11:15"
    created, amended = view["commits"]
    assert (created["status"], created["pull_request"], created["author"]) == ("新建", 5, "王主任")
    assert [(b["author"], b["subject"]) for b in created["branch_commits"]] == [("赵六", "登记抢修回访")]
    assert (amended["status"], amended["fields"], amended["subject"]) == (
        "修改", ["visited_at", "amendments"], "Merge pull request #7 from binhai/pr-7")
    assert view["amendments"][0]["reason"] == "核对通话记录"
    assert record_view(load_archive(audited), load_history(audited), "HF-20991231-0001") is None


def test_pages_for_the_site(audited):
    pages = audit_pages(open_archive(audited, as_of=AS_OF))
    assert set(pages) == {"audit/index.md", "audit/2026-11.md", "audit/2026-12.md"}
    assert "[2026-12](2026-12.md)" in pages["audit/index.md"]
    december = pages["audit/2026-12.md"]
    assert december.startswith("# 2026-12 档案审计")
    for text in ("## 补录（回访后很久才合并）（1）", BACKFILLED, "## 作废（1）", "工单号登记错误", "直接登记", IMPOSSIBLE):
        assert text in december
    assert "## 回访（复函）按时但档案建立超时（0）\n\n无。" in december


def test_pages_without_history_say_why(archive):
    pages = audit_pages(open_archive(archive, as_of=AS_OF))
    assert list(pages) == ["audit/index.md"] and "不是 Git 仓库" in pages["audit/index.md"]


def run_audit(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = audit_cli.main(list(args))
        except SystemExit as exc:
            status = int(exc.code or 0)
    return status, out.getvalue(), err.getvalue()


def test_cli_month_record_and_index(audited):
    base = ("--root", str(audited), "--as-of", "2026-12-31T09:00")
    status, out, _ = run_audit(*base, "--month", "2026-12", "--format", "json")
    assert status == 0 and records(json.loads(out)["voided"]) == [VOIDED]
    status, out, _ = run_audit(*base, "--record", LATE)
    assert status == 0 and out.startswith(f"# {LATE} 的档案历史") and "赵六" in out and "visited_at" in out
    status, out, _ = run_audit(*base)
    assert status == 0 and "| [2026-11](2026-11.md) | 1 |" in out


def test_cli_usage_errors(audited, tmp_path_factory):
    base = ("--root", str(audited))
    assert run_audit(*base, "--month", "2026-13")[0] == 2
    status, _, err = run_audit(*base, "--record", "HF-20991231-0001")
    assert status == 2 and "HF-20991231-0001" in err
    plain = tmp_path_factory.mktemp("plain")
    (plain / "records").mkdir()
    status, _, err = run_audit("--root", str(plain))
    assert status == 2 and "Git" in err
