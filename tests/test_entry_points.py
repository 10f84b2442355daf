"""The installed ``callback`` command, run as a user runs it: a process, the real clock, no ``--as-of``.

Each sub-command once, asserting only what does not depend on the day; and the bad inputs of the command itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from callback_archive.cli.main import COMMANDS
from conftest import REPO, add_visit, place

CALLBACK = Path(sys.executable).parent / "callback"  # what make setup installs into .venv/bin/

pytestmark = pytest.mark.skipif(not CALLBACK.is_file(), reason="needs the callback command (make setup)")


def callback(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([str(CALLBACK), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          check=False, timeout=300)


def test_help_lists_every_sub_command_with_a_chinese_line() -> None:
    result = callback("--help")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("用法：callback <子命令> [参数 …]\n")
    for command, (_, summary) in COMMANDS.items():
        assert f"  {command} " in result.stdout and summary in result.stdout
    assert set(COMMANDS) >= {"validate", "reports", "new", "import-orders", "sample", "due", "audit", "codeowners"}


def test_without_a_sub_command_the_help_is_shown_and_the_status_is_2() -> None:
    result = callback()
    assert result.returncode == 2 and result.stdout == ""
    assert "子命令：" in result.stderr and "callback：错误：请指定子命令，如 callback validate。" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_sub_command_is_a_chinese_error_with_status_2() -> None:
    typo = callback("vaildate")
    assert typo.returncode == 2 and typo.stdout == ""
    assert typo.stderr == "callback：错误：没有子命令“vaildate”。是不是要运行 callback validate？用法见 callback --help。\n"
    unknown = callback("抽样")
    assert unknown.returncode == 2
    assert "callback：错误：没有子命令“抽样”。可用的子命令：validate、" in unknown.stderr and "Traceback" not in unknown.stderr


def test_python_dash_m_runs_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "callback_archive", "validate", "--help"], cwd=REPO,
                            capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 0 and "用法： python -m callback_archive validate" in result.stdout


def test_validate(archive: Path) -> None:
    add_visit(archive, "HF-20261125-0001", category="抢修")
    result = callback("validate", "--root", str(archive), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["schema-enum"]
    bad = callback("validate", "--root", str(archive), "--format", "gitlub")
    assert bad.returncode == 2 and "callback validate：错误：参数 --format" in bad.stderr
    assert bad.stderr.startswith("用法： callback validate ")


def test_reports(archive: Path, tmp_path: Path) -> None:
    add_visit(archive, "HF-20261125-0001")
    out = tmp_path / "reports"
    out.mkdir()
    result = callback("reports", "--root", str(archive), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "index.md").is_file() and (out / "2026-11" / "summary.json").is_file()
    bad = callback("reports", "--root", str(archive), "--month", "2026-13")
    assert bad.returncode == 2 and bad.stderr.startswith("callback reports：错误：--month 应写成 年-月")


def test_new(archive: Path) -> None:
    result = callback(
        "new", "visit", "--category", "repair", "--order", "GD2026112500124", "--unit", "tanggu", "--trigger-kind",
        "repair", "--archived-at", "2026-11-25 14:30", "--account", "0212345678", "--name", "王建华", "--phone",
        "13800001234", "--customer-kind", "residential", "--method", "phone", "--visited-at", "2026-11-26 08:00",
        "--visitor", "李敏", "--topics", "repair", "--reached", "是", "--satisfaction", "satisfied", cwd=archive)
    assert result.returncode in (0, 1), result.stderr  # 1: written, but late by today's clock
    [written] = (archive / "records/visits/tanggu/2026/11").glob("HF-*.yaml")
    assert "GD2026112500124" in written.read_text(encoding="utf-8")
    unknown = callback("new", "visit", "--unit", "dagang", cwd=archive)
    assert unknown.returncode == 2 and "callback new：错误：" in unknown.stderr and "没有写入任何文件" in unknown.stderr


def test_import_orders(archive: Path, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("工单号,业务类型,受理单位,户号,客户类型,归档时间,重点客户类别\n"
                      "GD2026112600001,故障报修,塘沽供电分公司,0212345679,居民,2026-11-26 10:00,\n", encoding="utf-8")
    result = callback("import-orders", str(export), "--root", str(archive))
    assert result.returncode == 0, result.stderr
    assert "GD2026112600001" in (archive / "records/orders/2026-11.csv").read_text(encoding="utf-8")


def test_sample(archive: Path, tmp_path: Path) -> None:
    customers = tmp_path / "客户清单.csv"
    customers.write_text("account,usage_type,unit\n" + "".join(f"02{n:08d},居民生活,tanggu\n" for n in range(30)),
                         encoding="utf-8")
    args = (str(customers), "--month", "2026-10", "--root", str(archive))
    drawn = callback("sample", *args)
    assert drawn.returncode == 0, drawn.stderr
    assert [p.name for p in (archive / "records/samples").rglob("*.yaml")]
    assert callback("sample", *args, "--verify").returncode == 0


def test_due(archive: Path) -> None:
    result = callback("due", "--root", str(archive), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["items"] == [] and "全部单位：逾期 0 项" in report["heading"]


def test_audit(committed: Path) -> None:
    result = callback("audit", "--root", str(committed), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "2026-11" in result.stdout
    outside = callback("audit", "--root", str(committed / "records"))
    assert outside.returncode == 2 and outside.stderr.startswith("callback audit：错误：")


def test_codeowners(archive: Path) -> None:
    stale = callback("codeowners", "--root", str(archive), "--check")
    assert stale.returncode == 1 and ".github/CODEOWNERS 不存在" in stale.stdout + stale.stderr
    assert callback("codeowners", "--root", str(archive)).returncode == 0
    assert callback("codeowners", "--root", str(archive), "--check").returncode == 0


def test_check_workflows(tmp_path: Path) -> None:
    assert callback("check-workflows").returncode == 0
    missing = callback("check-workflows", str(tmp_path / "没有"))
    assert missing.returncode == 2 and "callback check-workflows：错误：zizmor 无法完成检查" in missing.stderr


def test_a_script_shim_keeps_its_own_name(archive: Path) -> None:
    place(archive, "records/units.yaml", "units: [\n")
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "due.py"), "--root", str(archive)],
                            capture_output=True, text=True, encoding="utf-8", check=False)
    assert result.returncode == 2 and result.stderr.startswith("due.py：错误：")
