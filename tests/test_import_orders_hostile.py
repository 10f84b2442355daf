"""scripts/import_orders.py run as a clerk runs it (a subprocess) on bad exports, at once with itself, and killed."""

from __future__ import annotations

import fcntl
import os
import pty
import resource
import signal
import struct
import subprocess
import sys
import termios
import time
from datetime import datetime
from pathlib import Path

import openpyxl

from callback_archive.orders import parse_orders
from callback_archive.safefile import locked
from conftest import REPO
from test_import_orders import INSTALL, NOVEMBER, REPAIR, imported, write_csv, write_xlsx

SCRIPT = REPO / "scripts" / "import_orders.py"


def run_script(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False, **kwargs)


def start_script(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_refused(result: subprocess.CompletedProcess, root: Path, *messages: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    for message in messages:
        assert message in result.stdout, result.stdout
    assert "Traceback" not in result.stderr and "没有导入任何工单" in result.stdout
    assert not (root / NOVEMBER).exists()


def november_rows(count: int, start: int = 0, prefix: str = "GD20261101") -> list[list[str]]:
    return [[f"{prefix}{n:05d}", "故障报修", "tanggu", f"02{n:08d}", "居民", f"2026-11-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}", "", ""]
            for n in range(start, start + count)]


def test_a_row_of_another_year_is_refused_with_its_row(archive, tmp_path):
    typo = INSTALL.copy()
    typo[5] = "2025/11/24 9:05"
    result = run_script(str(write_csv(tmp_path, REPAIR, november_rows(1)[0], typo)), "--root", str(archive))
    assert_refused(result, archive, "export.csv 第 4 行：归档时间 2025-11-24 09:05:00 在 2025-11，不是本次导出的主要月份 2026-11（2/3 条）",
                   "请用 --month 列出所含的月份")


def test_month_option_refuses_rows_outside_it(archive, tmp_path):
    result = run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive), "--month", "2026-10")
    assert_refused(result, archive, "export.csv 第 2 行：归档时间 2026-11-25 14:30:00 不在指定的月份 2026-10 内")
    bad = run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive), "--month", "2026/11")
    assert bad.returncode == 2 and "--month 应写成 年-月" in bad.stderr


def test_an_account_that_lost_its_leading_zero_is_reported_not_padded(archive, tmp_path):
    short = INSTALL.copy()
    short[3] = "212345679"
    result = run_script(str(write_csv(tmp_path, REPAIR, short, november_rows(1)[0])), "--root", str(archive))
    assert_refused(result, archive, "export.csv 第 3 行：户号 212345679 只有 9 位，而本次导入和档案中的户号大多是 10 位（2 个）",
                   "如 0212345679）", "程序不会替你补")


def test_account_width_is_also_checked_against_the_archive(archive, tmp_path):
    assert run_script(str(write_csv(tmp_path, *november_rows(3))), "--root", str(archive)).returncode == 0
    before = imported(archive)
    short = REPAIR.copy()
    short[3] = "212345678"
    result = run_script(str(write_csv(tmp_path, short)), "--root", str(archive))
    assert result.returncode == 1 and "export.csv 第 2 行：户号 212345678 只有 9 位" in result.stdout
    assert imported(archive) == before


def test_unknown_customer_type_is_refused_and_known_ones_map(archive, tmp_path):
    unknown = REPAIR.copy()
    unknown[4] = "居民用户x"
    result = run_script(str(write_csv(tmp_path, unknown)), "--root", str(archive))
    assert_refused(result, archive, "export.csv 第 2 行：客户类型“居民用户x”无法识别：居民客户写 居民、", "非居民客户写 非居民、")
    rows = [REPAIR.copy(), INSTALL.copy()]
    rows[0][4], rows[1][4] = "城乡居民生活用电", "非居民"
    assert run_script(str(write_csv(tmp_path, *rows)), "--root", str(archive)).returncode == 0
    assert ",0212345678,residential," in imported(archive) and ",0212345679,non-residential," in imported(archive)


def test_order_numbers_differing_only_in_case_are_duplicates(archive, tmp_path):
    lower = REPAIR.copy()
    lower[0] = REPAIR[0].lower()
    result = run_script(str(write_csv(tmp_path, REPAIR, lower)), "--root", str(archive))
    assert_refused(result, archive, f"export.csv 第 3 行：工单 {lower[0]} 与第 2 行重复（第 2 行写作 {REPAIR[0]}，工单号不分大小写）")
    assert run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive)).returncode == 0
    before = imported(archive)
    again = run_script(str(write_csv(tmp_path, lower)), "--root", str(archive))
    assert again.returncode == 1
    assert f"export.csv 第 2 行：工单 {lower[0]} 已导入为 {REPAIR[0]}（{NOVEMBER} 第 2 行），两者只差大小写" in again.stdout
    assert imported(archive) == before


def test_xlsx_date_only_archive_time_is_refused_with_the_assumed_time(archive, tmp_path):
    row: list[object] = REPAIR.copy()
    row[5] = datetime(2026, 11, 25)
    path = write_xlsx(tmp_path, row)
    workbook = openpyxl.load_workbook(path)
    workbook.active["F2"].number_format = "yyyy-mm-dd"
    workbook.save(path)
    result = run_script(str(path), "--root", str(archive))
    assert_refused(result, archive, "export.xlsx 第 2 行：归档时间只有日期 2026-11-25，没有时刻（按 00:00 计")
    workbook.active["F2"].number_format = "yyyy-mm-dd hh:mm"  # midnight written as a time is a time
    workbook.save(path)
    assert run_script(str(path), "--root", str(archive)).returncode == 0
    assert "2026-11-25 00:00:00" in imported(archive)


def test_xlsx_title_row_above_the_header_is_skipped_and_named(archive, tmp_path):
    path = write_xlsx(tmp_path, ["GD2026112500123", "故障报修", "tanggu", "0212345678", "特殊", "2026-11-25 14:30", "", ""])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.insert_rows(1)
    sheet["A1"] = "滨海供电公司归档工单明细（2026年11月）"
    sheet.merge_cells("A1:H1")
    workbook.save(path)
    result = run_script(str(path), "--root", str(archive))
    assert result.returncode == 1
    assert "表头在第 2 行；第 1 行（“滨海供电公司归档工单明细（2026年11月）”）是表头上方的标题，不是工单，已跳过。" in result.stdout
    assert "export.xlsx 第 3 行：客户类型“特殊”无法识别" in result.stdout  # the row number the clerk sees
    assert "合并单元格" not in result.stdout and "表头缺少列" not in result.stdout
    sheet["E3"] = "居民"
    workbook.save(path)
    good = run_script(str(path), "--root", str(archive))
    assert good.returncode == 0 and "表头在第 2 行" in good.stdout and "读取工单 1 条；" in good.stdout


def test_csv_title_row_is_skipped_too(archive, tmp_path):
    path = write_csv(tmp_path, REPAIR)
    path.write_bytes("归档工单明细,,,\r\n".encode("gbk") + path.read_text(encoding="utf-8").encode("gbk"))
    result = run_script(str(path), "--root", str(archive))
    assert result.returncode == 0, result.stdout
    assert "检测到编码：GBK" in result.stdout and "表头在第 2 行；第 1 行（“归档工单明细”）" in result.stdout


def test_two_imports_into_one_month_at_once_keep_every_row_or_refuse(archive, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    runs = [start_script(str(write_csv(first, *november_rows(3000))), "--root", str(archive)),
            start_script(str(write_csv(second, *november_rows(3000, start=3000))), "--root", str(archive))]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    statuses = sorted(status for status, _, _ in results)
    orders, findings = parse_orders(imported(archive), NOVEMBER)
    assert findings == []
    if statuses == [0, 0]:
        assert len(orders) == 6000
    else:
        assert statuses == [0, 2], results
        [(_, _, err)] = [r for r in results if r[0] == 2]
        assert "records/orders 正在被另一个程序写入" in err and "请等它结束后重新运行" in err
        assert len(orders) == 3000
    assert [p.name for p in (archive / "records/orders").iterdir()] == ["2026-11.csv"]


def test_a_second_import_waits_then_fails_naming_the_folder(archive, tmp_path):
    with locked(archive / "records/orders"):
        started = time.monotonic()
        result = run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive))
        waited = time.monotonic() - started
    assert result.returncode == 2 and waited >= 4
    assert "import_orders.py：错误：" in result.stderr and "records/orders 正在被另一个程序写入" in result.stderr
    assert not (archive / NOVEMBER).exists()


def test_an_import_killed_while_writing_leaves_the_old_file_and_no_visible_temporary(archive, tmp_path):
    assert run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive)).returncode == 0
    old = imported(archive)
    folder = archive / "records/orders"
    export = write_csv(tmp_path, REPAIR, *november_rows(60000))
    caught = False
    for _ in range(5):
        run = start_script(str(export), "--root", str(archive))
        while run.poll() is None and not any(name.endswith(".tmp") for name in os.listdir(folder)):
            pass
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            caught = True
        run.communicate()
        if caught:
            break
        (folder / "2026-11.csv").write_text(old, encoding="utf-8")  # finished before we saw it: try again
    assert caught
    assert imported(archive) == old  # the old content whole
    assert [n for n in os.listdir(folder) if not n.startswith(".")] == ["2026-11.csv"]  # readers see no temporary
    assert any(n.endswith(".tmp") for n in os.listdir(folder))
    again = run_script(str(export), "--root", str(archive))
    assert again.returncode == 0, again.stdout + again.stderr
    assert os.listdir(folder) == ["2026-11.csv"]  # the next writer cleaned the killed run's temporary
    assert len(parse_orders(imported(archive), NOVEMBER)[0]) == 60001


def stderr_on_a_terminal(command: list[str]) -> tuple[int, bytes]:
    """Run ``command`` with stderr on a terminal 100 columns wide; its status and what the terminal showed."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:  # read while it runs: a pty keeps little, and nothing once the writer is gone
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    run.communicate()
    return run.returncode, shown


def test_progress_is_shown_on_a_terminal_only(archive, tmp_path):
    export = write_csv(tmp_path, *november_rows(20000))
    piped = run_script(str(export), "--root", str(archive), "--dry-run")
    assert piped.returncode == 0 and piped.stderr == ""
    status, shown = stderr_on_a_terminal([sys.executable, str(SCRIPT), str(export), "--root", str(archive), "--dry-run"])
    assert status == 0
    assert "检查工单".encode() in shown and b"/20000" in shown


def test_a_failed_write_keeps_the_old_month_file_and_says_so(archive, tmp_path):
    assert run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive)).returncode == 0
    old = imported(archive)

    def small_files() -> None:  # the disk "fills up" after 4 KiB per file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = subprocess.run([sys.executable, str(SCRIPT), str(write_csv(tmp_path, *november_rows(500))), "--root", str(archive)],
                            capture_output=True, text=True, check=False, preexec_fn=small_files)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"import_orders.py：错误：无法写入 {archive / NOVEMBER}：文件超出允许的大小。原文件未改动。" in result.stderr
    assert imported(archive) == old
    assert sorted(os.listdir(archive / "records/orders")) == ["2026-11.csv"]


def test_a_broken_units_file_stops_the_import_with_its_line(archive, tmp_path):
    (archive / "records/units.yaml").write_text("units:\n  - id: tanggu\n    name: [塘沽\n", encoding="utf-8")
    result = run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "import_orders.py：错误：records/units.yaml 第 " in result.stderr and "无法核对单位" in result.stderr
    assert not (archive / NOVEMBER).exists()


def test_a_symlinked_month_file_or_units_file_is_not_followed(archive, tmp_path):
    folder = archive / "records/orders"
    folder.mkdir()
    (folder / "2026-11.csv").symlink_to("/dev/zero")
    result = run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive), timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "records/orders/2026-11.csv 是符号链接：档案中只读普通文件" in result.stderr
    (folder / "2026-11.csv").unlink()
    units = archive / "records/units.yaml"
    units.rename(tmp_path / "units.yaml")
    units.symlink_to(tmp_path / "units.yaml")
    result = run_script(str(write_csv(tmp_path, REPAIR)), "--root", str(archive), timeout=60)
    assert result.returncode == 2 and "records/units.yaml 是符号链接" in result.stderr
    assert os.listdir(folder) == []
