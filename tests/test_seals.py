"""Closed months sealed in Git (annotated tags archive/<YYYY-MM>): made once, never moved, and a rewritten
history below a seal is reported while landing times keep what the seal saw."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import REPO, add_visit, run_validate
from gitrepo import GitRepo

from callback_archive.cli import reports as build_reports_cli
from callback_archive.archive import ArchiveAt
from callback_archive.engine.loader import load_archive
from callback_archive.audit import audit_pages
from callback_archive.history import load_history
from callback_archive.timeutil import parse_time

PATH = "records/visits/tanggu/2026/11/HF-20261126-0001.yaml"


@pytest.fixture
def sealer_env(monkeypatch):
    """Git's identity and clock for the tag a build makes (the tagger date is the seal's time)."""
    for key, value in {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                       "GIT_COMMITTER_NAME": "营销部", "GIT_COMMITTER_EMAIL": "marketing@binhai.example",
                       "GIT_COMMITTER_DATE": "2026-12-06T09:00:00+08:00"}.items():
        monkeypatch.setenv(key, value)


def build(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = build_reports_cli.main(["--root", str(root), "--out", str(root / "out"), *args])
        except SystemExit as exc:
            status = int(exc.code or 0)
    return status, out.getvalue(), err.getvalue()


def landed_in_time(archive: Path) -> GitRepo:
    """One repair callback whose record landed on main in time (its limit is 2026-11-26 14:30)."""
    repo = GitRepo(archive)
    add_visit(archive, "HF-20261126-0001", order="GD2026112500123", archived="2026-11-25T14:30:00+08:00",
              visited="2026-11-26 08:00")
    add_visit(archive, "HF-20261126-0002", order="GD2026112500124", archived="2026-11-25T14:30:00+08:00",
              visited="2026-11-27 08:00")  # late: a 第二十六条 case the seal lists
    repo.commit("登记回访", at="2026-11-26T12:00:00+08:00")
    return repo


def tag_object(archive: Path, tag: str) -> str:
    return subprocess.run(["git", "rev-parse", f"refs/tags/{tag}"], cwd=archive, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_closed_month_is_sealed_once_with_its_totals_and_cases(archive, sealer_env):
    repo = landed_in_time(archive)
    status, out, err = build(archive, "--month", "2026-11", "--as-of", "2026-12-06T09:00", "--seal")
    assert (status, err) == (0, "")
    assert "2026-11 已结月，封存为标签 archive/2026-11" in out
    message = repo.git("tag", "-l", "--format=%(contents)", "archive/2026-11")
    assert message.startswith("2026-11 客户回访月报封存（第二十条")
    data = json.loads(message[message.index("{"):])
    assert data["month"] == "2026-11" and data["cases"] == ["tanggu-GD2026112500124"]
    assert data["timed"]["late"] == 1 and data["timed"]["on_time"] == 1
    assert repo.git("rev-parse", "archive/2026-11^{commit}") == repo.head()
    first = tag_object(archive, "archive/2026-11")
    repo.commit("以后的提交", at="2026-12-07T09:00:00+08:00")
    status, out, _ = build(archive, "--month", "2026-11", "--as-of", "2026-12-08T09:00", "--seal")
    assert status == 0 and "2026-11 已封存（archive/2026-11），不重复封存。" in out
    assert tag_object(archive, "archive/2026-11") == first  # not moved, not made again
    assert repo.git("tag", "-l", "archive/*").split() == ["archive/2026-11"]


def test_an_open_month_is_not_sealed(archive, sealer_env):
    repo = landed_in_time(archive)
    status, out, _ = build(archive, "--month", "2026-11", "--as-of", "2026-12-05T15:59", "--seal")
    assert status == 0 and "封存" not in out
    assert repo.git("tag", "-l") == ""


def test_redating_a_landing_commit_below_a_seal_is_reported_and_changes_no_landing(archive, sealer_env):
    repo = landed_in_time(archive)
    assert build(archive, "--month", "2026-11", "--as-of", "2026-12-06T09:00", "--seal")[0] == 0
    sealed = load_history(archive, use_cache=False).landing(PATH).time
    # Someone re-dates the landing commit after its deadline and force-pushes main.
    repo.git("commit", "-q", "--amend", "--no-edit", "--date", "2026-11-27T12:00:00+08:00",
             at="2026-11-27T12:00:00+08:00")
    history = load_history(archive, use_cache=False)
    assert [s.month for s in history.broken_seals] == ["2026-11"]
    assert history.landing(PATH).time == sealed  # read from the sealed history, not the re-dated commit
    assert history.commits[0].time != sealed  # what main itself says now
    run = run_validate("--root", str(archive), "--as-of", "2026-12-10T09:00", "--format", "json")
    [broken] = [f for f in run.findings if f["code"] == "seal-broken"]
    assert run.status == 1 and broken["severity"] == "error" and broken["article"] == "第二十条"
    assert "2026-11 已结月" in broken["message"] and "archive/2026-11" in broken["message"]
    assert "历史被改写" in broken["message"]


def test_an_intact_seal_is_silent(archive, sealer_env):
    landed_in_time(archive)
    assert build(archive, "--month", "2026-11", "--as-of", "2026-12-06T09:00", "--seal")[0] == 0
    run = run_validate("--root", str(archive), "--as-of", "2026-12-10T09:00", "--format", "json")
    assert not [f for f in run.findings if f["code"] == "seal-broken"]
    assert load_history(archive, use_cache=False).seals[0].intact


def test_sealing_outside_git_is_a_clear_error(archive):
    add_visit(archive, "HF-20261126-0001", order="GD2026112500123", archived="2026-11-25T14:30:00+08:00",
              visited="2026-11-26 08:00")
    status, _, err = build(archive, "--month", "2026-11", "--as-of", "2026-12-06T09:00", "--seal")
    assert status == 2 and "--seal 需要在 Git 仓库的根目录运行" in err


def test_sealing_a_shallow_clone_is_a_clear_error(archive, tmp_path_factory, sealer_env):
    repo = landed_in_time(archive)
    repo.commit("再一次", at="2026-11-27T12:00:00+08:00")
    clone = tmp_path_factory.mktemp("shallow")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{archive}", str(clone)], check=True,
                   capture_output=True)
    status, _, err = build(clone, "--month", "2026-11", "--as-of", "2026-12-06T09:00", "--seal")
    assert status == 2 and "浅克隆" in err


def test_build_reports_seal_runs_as_a_user_runs_it(archive, sealer_env, monkeypatch):
    """The command itself, real clock: October 2026 is closed by now; sealing twice adds nothing."""
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    repo = GitRepo(archive)
    add_visit(archive, "HF-20261021-0001", order="GD2026102000001", archived="2026-10-20T14:30:00+08:00",
              visited="2026-10-21 08:00")
    repo.commit("登记回访", at="2026-10-21T09:00:00+08:00")
    command = [sys.executable, str(REPO / "scripts" / "build_reports.py"), "--root", str(archive), "--seal"]
    first = subprocess.run(command, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    tags = subprocess.run(["git", "tag", "-l", "archive/*"], cwd=archive, capture_output=True, text=True).stdout
    assert "archive/2026-10" in tags.split()
    second = subprocess.run(command, capture_output=True, text=True)
    assert second.returncode == 0 and "2026-10 已封存（archive/2026-10），不重复封存。" in second.stdout


def test_the_audit_page_lists_the_seals_and_their_state(archive, sealer_env):
    repo = landed_in_time(archive)
    as_of = parse_time("2026-12-10T09:00")
    page = audit_pages(ArchiveAt.of(load_archive(archive), load_history(archive, use_cache=False), as_of))["audit/index.md"]
    assert "## 封存" in page and "尚无封存的月份。" in page
    assert build(archive, "--month", "2026-11", "--as-of", "2026-12-06T09:00", "--seal")[0] == 0
    sealed = repo.head()
    page = audit_pages(ArchiveAt.of(load_archive(archive), load_history(archive, use_cache=False), as_of))["audit/index.md"]
    assert f"| 2026-11 | archive/2026-11 | {sealed[:10]} | 2026-12-06 09:00 | 完好 |" in page
    repo.git("commit", "-q", "--amend", "--no-edit", at="2026-11-27T12:00:00+08:00")
    page = audit_pages(ArchiveAt.of(load_archive(archive), load_history(archive, use_cache=False), as_of))["audit/index.md"]
    assert "历史被改写（main 已不含该提交）" in page
    earlier = audit_pages(ArchiveAt.of(load_archive(archive), load_history(archive, use_cache=False), parse_time("2026-12-06T08:00")))
    assert "尚无封存的月份。" in earlier["audit/index.md"]  # not sealed yet at that moment


def test_two_runs_sealing_at_once_make_one_tag(archive, sealer_env, monkeypatch):
    """The other run tags the month between this run's look and its own ``git tag``: no error, no second tag."""
    from callback_archive import history as history_module

    repo = landed_in_time(archive)
    head = repo.head()
    real = history_module.resolve_commit
    looks = []

    def late_look(found_repo, rev):
        looks.append(rev)
        if len(looks) == 1:  # this run looks: nothing yet; the other run tags right now
            repo.git("tag", "-a", "archive/2026-11", "-m", "另一次运行的封存", head, at="2026-12-06T09:00:00+08:00")
            return None
        return real(found_repo, rev)

    monkeypatch.setattr(history_module, "resolve_commit", late_look)
    assert history_module.create_seal(archive, "2026-11", head, "本次运行的封存") is False
    assert repo.git("tag", "-l", "archive/*").split() == ["archive/2026-11"]
    assert repo.git("tag", "-l", "--format=%(contents)", "archive/2026-11").strip() == "另一次运行的封存"


def test_a_lightweight_or_misnamed_tag_is_no_seal(archive, sealer_env):
    repo = landed_in_time(archive)
    repo.git("tag", "archive/2026-11")  # lightweight: carries nothing, anyone can move it
    repo.git("tag", "-a", "archive/november", "-m", "名字不对")
    assert load_history(archive, use_cache=False).seals == []
    status, _, err = build(archive, "--month", "2026-11", "--as-of", "2026-12-06T09:00", "--seal")
    assert status == 2 and "标签 archive/2026-11 已存在，但不是带说明的封存标签" in err
