"""scripts/due.py: the clerk's list of overdue and soon-due callbacks and letters."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

from callback_archive.cli import due as due_cli
from conftest import REPO, add_visit


def run_due(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = due_cli.main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_sample_due_list_is_sorted_by_deadline_with_overdue_first():
    status, out, _ = run_due("--root", str(REPO), "--as-of", "2026-11-26T09:00", "--days", "10", "--format", "json")
    assert status == 0
    items = json.loads(out)["items"]
    assert [(i["state"], i["reference"], i["deadline"]["due"][:10]) for i in items] == [
        ("overdue", "GD2026091896222", "2026-10-05"),  # a phone complaint never called back (第二十条)
        ("overdue", "GD2026102190589", "2026-10-22"),  # two failed attempts
        ("overdue", "GD2026102065780", "2026-10-29"),  # no visit at all
        ("overdue", "GD2026111008459", "2026-11-11"),
        ("pending", "GD2026112517958", "2026-11-26"),
        ("pending", "FH-20261120-0001", "2026-11-27"),
        ("pending", "GD2026112053163", "2026-12-01"),
        ("pending", "FH-20261118-0001", "2026-12-02"),
        ("pending", "GD2026112354588", "2026-12-02"),
    ]


def test_window_in_working_days_and_unit_filter():
    status, out, _ = run_due("--root", str(REPO), "--as-of", "2026-11-26T09:00", "--days", "1", "--unit", "marketing")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "截至 2026-11-26 09:00，营销部：逾期 0 项，今后 1 个工作日内到期 1 项"
    assert "FH-20261120-0001" in lines[1] and "2026-11-27 24:00 前" in lines[1]
    assert len(lines) == 2


def test_markdown_for_the_job_summary(archive):
    add_visit(archive, "HF-20261125-0001", archived="2026-11-25T08:00:00+08:00", visited="2026-11-25 09:00", reached=False)
    status, out, _ = run_due("--root", str(archive), "--as-of", "2026-11-26T09:00", "--format", "markdown")
    assert status == 0
    assert out.startswith("## 截至 2026-11-26 09:00，全部单位：逾期 1 项")
    assert "| 逾期 | 2026-11-26 08:00 前 | 第十五条 | 回访 | tanggu | GD2026112500123 |" in out


def test_nothing_due_says_so(archive):
    status, out, _ = run_due("--root", str(archive), "--as-of", "2026-11-26T09:00")
    assert status == 0 and "没有逾期或即将到期的事项。" in out


def test_unknown_unit_and_negative_days_are_usage_errors(archive):
    status, _, err = run_due("--root", str(archive), "--unit", "dagang")
    assert status == 2 and "--unit 的单位“dagang”不在 records/units.yaml 中（已有：营销部（marketing）、塘沽供电分公司（tanggu）" in err
    status, _, err = run_due("--root", str(archive), "--days", "-1")
    assert status == 2 and "--days 应为 0 到 366 之间的整数" in err


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / "due.py"), *args], capture_output=True, text=True, check=False)


def test_unit_by_its_chinese_name_lists_the_same_as_by_its_id():
    by_name = run_script("--root", str(REPO), "--as-of", "2026-11-26T09:00", "--days", "10", "--unit", "营销部", "--format", "json")
    by_id = run_script("--root", str(REPO), "--as-of", "2026-11-26T09:00", "--days", "10", "--unit", "marketing", "--format", "json")
    assert by_name.returncode == 0 and by_name.stdout == by_id.stdout
    assert json.loads(by_name.stdout)["heading"].startswith("截至 2026-11-26 09:00，营销部：")
    unknown = run_script("--root", str(REPO), "--unit", "大港供电分公司")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "due.py：错误：--unit 的单位“大港供电分公司”不在 records/units.yaml 中（已有：" in unknown.stderr


def test_due_on_the_real_clock():
    result = run_script("--root", str(REPO), "--unit", "塘沽供电分公司")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("截至 ") and "，塘沽供电分公司：逾期 " in result.stdout.splitlines()[0]
