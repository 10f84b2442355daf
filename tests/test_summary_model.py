"""summary.json: its schema and version, and the one typed reader the page, the site and the workbook use."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from callback_archive.reports.summary import Summary, read_summary, summary_problems, summary_version
from conftest import REPO
from report_fixture import fixture_summary, sample_summary


def test_summaries_follow_the_schema_and_carry_its_version(archive: Path) -> None:
    for data in (sample_summary(), fixture_summary(archive)):
        assert summary_problems(data) == []
        assert data["version"] == summary_version() == 2
        summary = read_summary(data)
        assert isinstance(summary, Summary) and summary.month == data["month"]
        assert summary.company.timed.total == data["company"]["timed"]["total"]
        assert [c.id for c in summary.penalties] == [c["id"] for c in data["penalties"]]
        assert read_summary(summary) is summary


def test_a_summary_that_lost_a_key_is_refused_by_name(archive: Path) -> None:
    data = fixture_summary(archive)
    broken = copy.deepcopy(data)
    del broken["company"]["timed"]
    with pytest.raises(ValueError, match=r"summary\.company 缺少 timed"):
        read_summary(broken)
    assert any("company" in p and "timed" in p for p in summary_problems(broken))
    wrong = {**data, "version": 1}
    assert any("version" in p for p in summary_problems(wrong))


def test_build_reports_writes_valid_summaries_as_a_user_runs_it(tmp_path: Path) -> None:
    """The command on the sample archive with the real clock: what does not depend on the day is checked."""
    out = tmp_path / "reports"
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "build_reports.py"), "--month", "2026-10",
                          "--out", str(out)], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "2026-10：有时限应回访" in run.stdout and "暂定案例" in run.stdout
    data = json.loads((out / "2026-10" / "summary.json").read_text(encoding="utf-8"))
    assert summary_problems(data) == [] and data["closed"] is True  # October's cut-off has long passed
    page = (out / "2026-10" / "index.md").read_text(encoding="utf-8")
    assert "按时率 = 按时 ÷（按时 + 超时 + 逾期未完成）" in page and "未结月" not in page
    assert (out / "2026-10" / "月报-2026-10.xlsx").read_bytes().startswith(b"PK")


def test_build_reports_into_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("不是文件夹", encoding="utf-8")
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "build_reports.py"), "--month", "2026-10",
                          "--out", str(blocker)], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("build_reports.py：错误：") and "Traceback" not in run.stderr
