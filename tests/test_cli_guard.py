"""The commands' last line of defence, the site's "now" from the environment, and the notice outside Git."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime

import pytest
import yaml

from callback_archive.site.generate import site_as_of
from callback_archive.timeutil import BEIJING
from conftest import REPO, place
from gitrepo import GitRepo
from readers_helpers import validate

_CRASHING = """
import sys
sys.path.insert(0, {repo!r})
sys.argv = ["validate.py", "--as-of", "2026-12-10T09:00"]
from callback_archive.cli.guard import run_command
def main():
    raise {error}
run_command(main)
"""


def _run_guarded(error: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _CRASHING.format(repo=str(REPO), error=error)],
                          capture_output=True, text=True, timeout=60, env={**os.environ, **env}, check=False)


def test_unexpected_error_is_a_chinese_defect_report_with_status_2():
    result = _run_guarded("RecursionError('maximum recursion depth exceeded')", CALLBACK_DEBUG="")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "程序内部错误" in result.stderr and "程序的缺陷" in result.stderr and "请报告" in result.stderr
    assert "命令：validate.py --as-of 2026-12-10T09:00" in result.stderr
    assert "错误：RecursionError: maximum recursion depth exceeded" in result.stderr
    assert "CALLBACK_DEBUG=1" in result.stderr


def test_very_long_error_text_is_cut():
    result = _run_guarded("ValueError('x' * 100000)", CALLBACK_DEBUG="")
    assert result.returncode == 2 and len(result.stderr) < 2000


def test_debug_variable_shows_the_traceback_as_well():
    result = _run_guarded("KeyError('units')", CALLBACK_DEBUG="1")
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "程序内部错误" in result.stderr


def test_ctrl_c_is_a_short_line_and_status_130():
    result = _run_guarded("KeyboardInterrupt", CALLBACK_DEBUG="")
    assert result.returncode == 130
    assert "已中断" in result.stderr and "Traceback" not in result.stderr


def test_usage_error_raised_late_is_its_message_and_status_2():
    result = _run_guarded("__import__('callback_archive.cli.guard').cli.guard.UsageError('找不到档案目录')", CALLBACK_DEBUG="")
    assert result.returncode == 2
    assert "validate.py：错误：找不到档案目录" in result.stderr and "Traceback" not in result.stderr


# --- CALLBACK_AS_OF: text, or what mkdocs.yml's YAML makes of it -------------------------------------------

@pytest.mark.parametrize("text", ["2026-12-10T09:00", "2026-12-10T09:00:00+08:00", "2026-12-10T01:00:00+00:00",
                                  "2026-12-10 09:00:00"])
def test_site_as_of_takes_text_and_what_yaml_makes_of_it(text):
    expected = datetime(2026, 12, 10, 9, 0, tzinfo=BEIJING)
    assert site_as_of(text) == expected
    assert site_as_of(yaml.safe_load(f"v: {text}")["v"]) == expected


def test_site_as_of_takes_a_date_as_its_midnight():
    assert site_as_of(date(2026, 12, 10)) == datetime(2026, 12, 10, tzinfo=BEIJING)


def test_site_as_of_refuses_a_bad_value_in_chinese():
    with pytest.raises(ValueError, match="CALLBACK_AS_OF 或 as_of 的值无效"):
        site_as_of("2026-13-10")


@pytest.mark.parametrize("value, status", [("2026-12-10T09:00:00+08:00", 0), ("2026-13-10", 1), ("明天", 1)])
def test_mkdocs_build_reads_callback_as_of_as_text(tmp_path, value, status):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CALLBACK_AS_OF": value, "CALLBACK_ARCHIVE_ROOT": ""},
    )
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    if status:
        assert "CALLBACK_AS_OF 或 as_of 的值无效" in result.stderr
    else:
        assert (tmp_path / "site" / "index.html").exists()


# --- outside Git: the landing-time checks are not done, and the run says so ---------------------------------

def test_outside_git_every_format_tells_that_landing_times_were_not_checked(archive):
    run = validate(archive)
    assert run.status == 0
    output = json.loads(run.stdout)
    assert [n["code"] for n in output["notices"]] == ["history-unavailable"]
    assert "不是 Git 仓库" in output["notices"][0]["message"]
    assert "history-unavailable" not in [f["code"] for f in output["findings"]]
    assert output["summary"]["warnings"] == 0
    text = subprocess.run([sys.executable, str(REPO / "scripts" / "validate.py"), "--root", str(archive)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert text.returncode == 0 and "档案建立时限" in text.stdout and "（history-unavailable）" in text.stdout
    github = subprocess.run([sys.executable, str(REPO / "scripts" / "validate.py"), "--root", str(archive),
                             "--format", "github"], capture_output=True, text=True, timeout=60, check=False,
                            env={k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"})
    assert github.returncode == 0 and any(line.startswith("::notice ") and "history-unavailable" in line
                                          for line in github.stdout.splitlines())


def test_outside_git_junit_says_it_beside_the_summary(archive):
    junit = subprocess.run([sys.executable, str(REPO / "scripts" / "validate.py"), "--root", str(archive),
                            "--format", "junit"], capture_output=True, text=True, timeout=60, check=False)
    assert junit.returncode == 0 and "（history-unavailable）" in junit.stdout and "Traceback" not in junit.stderr


def test_in_git_there_is_no_notice(archive):
    place(archive, "records/.gitkeep", "")
    GitRepo(archive).commit("建立档案", at="2026-11-26T12:00:00+08:00")
    output = json.loads(validate(archive).stdout)
    assert "notices" not in output
