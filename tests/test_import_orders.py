"""The orders import as staff run it: encodings, xlsx, column mapping, bad rows, all or nothing, re-imports."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path

import openpyxl

from callback_archive.cli import import_orders as import_orders_cli
from callback_archive.orders import parse_orders
from conftest import AS_OF, REPO, Run, run_validate

CN_HEADER = ["工单号", "业务类型", "受理单位", "户号", "客户类型", "归档时间", "重点客户类别", "备注"]
REPAIR = ["GD2026112500123", "故障报修", "塘沽供电分公司", "0212345678", "居民", "2026-11-25 14:30", "", "已处理"]
INSTALL = ["GD2026112400007", "增容", "xinbei", "0212345679", "一般工商业", "2026/11/24 9:05", "人大代表、领导接待日", ""]
NOVEMBER = "records/orders/2026-11.csv"


def run_import(*args: str) -> Run:
    """Run the import command's main() in-process, as the command line would."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = import_orders_cli.main(list(args))
        except SystemExit as exc:  # argparse exits on bad usage
            status = int(exc.code or 0)
    return Run(status, out.getvalue(), err.getvalue())


def write_csv(folder: Path, *rows: list[str], header: list[str] = CN_HEADER, encoding: str = "utf-8") -> Path:
    path = folder / "export.csv"
    text = "".join(",".join(row) + "\r\n" for row in (header, *rows))
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(folder: Path, *rows: list[object], header: list[str] = CN_HEADER, merge: str | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "归档工单"
    for row in (header, *rows):
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    path = folder / "export.xlsx"
    workbook.save(path)
    return path


def imported(root: Path, relpath: str = NOVEMBER) -> str:
    return (root / relpath).read_bytes().decode("utf-8")


def assert_nothing_written(root: Path) -> None:
    assert not (root / "records/orders").exists()


def assert_no_order_errors(root: Path) -> None:
    run = run_validate("--root", str(root), "--as-of", AS_OF, "--format", "json")
    assert [f for f in run.findings if f["file"].startswith("records/orders/") and f["severity"] == "error"] == []


def test_utf8_csv_with_chinese_headers_is_mapped_sorted_and_valid(archive, tmp_path):
    run = run_import(str(write_csv(tmp_path, REPAIR, INSTALL)), "--root", str(archive))
    assert run.status == 0, run.stdout + run.stderr
    assert run.stdout.startswith("检测到编码：UTF-8\n")
    assert "读取工单 2 条；忽略 1 列：备注。" in run.stdout
    assert f"{NOVEMBER}（新建）：新增 2 条，文件共 2 条。" in run.stdout
    assert f"git add {NOVEMBER}" in run.stdout
    assert imported(archive) == (
        "order,kind,unit,account,customer_kind,archived_at,groups\n"
        "GD2026112400007,change,xinbei,0212345679,non-residential,2026-11-24 09:05:00,npc-deputy reception-day\n"
        "GD2026112500123,repair,tanggu,0212345678,residential,2026-11-25 14:30:00,\n"
    )
    orders, findings = parse_orders(imported(archive), NOVEMBER)
    assert findings == [] and [o.order for o in orders] == ["GD2026112400007", "GD2026112500123"]
    assert_no_order_errors(archive)


def test_gbk_csv_is_detected_and_written_as_utf8(archive, tmp_path):
    run = run_import(str(write_csv(tmp_path, REPAIR, encoding="gbk")), "--root", str(archive))
    assert run.status == 0
    assert run.stdout.startswith("检测到编码：GBK\n")
    assert "GD2026112500123,repair,tanggu,0212345678,residential,2026-11-25 14:30:00," in imported(archive)
    assert_no_order_errors(archive)


def test_bom_and_our_english_header_are_accepted(archive, tmp_path):
    header = ["order", "kind", "unit", "account", "customer_kind", "archived_at"]
    row = ["GD2026112500123", "repair", "tanggu", "0212345678", "residential", "2026-11-25 14:30:00"]
    path = write_csv(tmp_path, row, header=header)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    run = run_import(str(path), "--root", str(archive))
    assert run.status == 0 and run.stdout.startswith("检测到编码：UTF-8（带 BOM）\n")
    assert "忽略" not in run.stdout
    assert imported(archive).endswith("GD2026112500123,repair,tanggu,0212345678,residential,2026-11-25 14:30:00,\n")


def test_missing_column_is_named_on_the_header_row(archive, tmp_path):
    header = [h for h in CN_HEADER if h != "户号"]
    run = run_import(str(write_csv(tmp_path, REPAIR[:3] + REPAIR[4:], header=header)), "--root", str(archive))
    assert run.status == 1
    assert "第 1 行：表头缺少列：户号（表头可写 户号 或 客户编号 或 account）。" in run.stdout
    assert_nothing_written(archive)


def test_two_headers_for_one_column_are_refused(archive, tmp_path):
    run = run_import(str(write_csv(tmp_path, [*REPAIR, "0212345678"], header=[*CN_HEADER, "客户编号"])), "--root", str(archive))
    assert run.status == 1
    assert "第 1 行：列“户号”和“客户编号”都是户号：请只保留一列后重新导出。" in run.stdout


def test_order_twice_in_the_export_is_an_error_on_the_second_row(archive, tmp_path):
    run = run_import(str(write_csv(tmp_path, REPAIR, INSTALL, REPAIR)), "--root", str(archive))
    assert run.status == 1
    assert "第 4 行：工单 GD2026112500123 与第 2 行重复：同一工单只能出现一次，请删除多余的一行。" in run.stdout
    assert "1 行有问题，没有导入任何工单" in run.stdout
    assert_nothing_written(archive)


def test_identical_reimport_is_skipped_and_new_rows_are_merged_in_order(archive, tmp_path):
    assert run_import(str(write_csv(tmp_path, REPAIR)), "--root", str(archive)).status == 0
    run = run_import(str(write_csv(tmp_path, REPAIR, INSTALL)), "--root", str(archive))
    assert run.status == 0
    assert "已导入过，跳过 1 条。" in run.stdout
    assert f"{NOVEMBER}：新增 1 条，文件共 2 条。" in run.stdout
    assert imported(archive).splitlines()[1:] == [
        "GD2026112400007,change,xinbei,0212345679,non-residential,2026-11-24 09:05:00,npc-deputy reception-day",
        "GD2026112500123,repair,tanggu,0212345678,residential,2026-11-25 14:30:00,",
    ]
    again = run_import(str(write_csv(tmp_path, REPAIR, INSTALL)), "--root", str(archive))
    assert again.status == 0 and "已导入过，跳过 2 条。" in again.stdout and "没有新的工单需要导入。" in again.stdout


def test_already_imported_order_with_other_content_names_both_values(archive, tmp_path):
    assert run_import(str(write_csv(tmp_path, REPAIR)), "--root", str(archive)).status == 0
    before = imported(archive)
    changed = REPAIR.copy()
    changed[2] = "新北供电所"
    run = run_import(str(write_csv(tmp_path, INSTALL, changed)), "--root", str(archive))
    assert run.status == 1
    assert (
        f"第 3 行：工单 GD2026112500123 已导入（{NOVEMBER} 第 2 行），但内容不同：受理单位已有“tanggu”，导出文件为“xinbei”。"
        in run.stdout
    )
    assert imported(archive) == before


def test_unknown_unit_lists_the_known_ones(archive, tmp_path):
    row = REPAIR.copy()
    row[2] = "大港供电分公司"
    run = run_import(str(write_csv(tmp_path, row)), "--root", str(archive))
    assert run.status == 1
    assert "第 2 行：受理单位“大港供电分公司”不在 records/units.yaml 中（已有：营销部（marketing）、塘沽供电分公司（tanggu）、新北供电所（xinbei））" in run.stdout
    assert_nothing_written(archive)


def test_dates_in_a_wrong_format_or_impossible_are_errors_with_their_rows(archive, tmp_path):
    rows = [REPAIR.copy(), INSTALL.copy(), REPAIR.copy()]
    rows[0][5] = "2026.11.25 14:30"
    rows[1][5] = "2026-02-30 10:00"
    rows[2][0], rows[2][5] = "GD2026112500999", "2026-11-25"
    run = run_import(str(write_csv(tmp_path, *rows)), "--root", str(archive))
    assert run.status == 1
    assert "第 2 行：归档时间“2026.11.25 14:30”格式不对：应写成如 2026-11-25 14:30" in run.stdout
    assert "第 3 行：归档时间“2026-02-30 10:00”这个日期或时间不存在：请核对年月日和时分。" in run.stdout
    assert "第 4 行：归档时间“2026-11-25”格式不对" in run.stdout
    assert "3 行有问题" in run.stdout


def test_blank_and_unmappable_values_are_told_per_row(archive, tmp_path):
    row = REPAIR.copy()
    row[1], row[3], row[4] = "迁址", "", ""
    run = run_import(str(write_csv(tmp_path, row)), "--root", str(archive))
    assert run.status == 1
    assert "第 2 行：业务类型“迁址”无法识别" in run.stdout
    assert "第 2 行：“户号”是空的：请在导出文件中补上。" in run.stdout
    assert "第 2 行：“客户类型”是空的" in run.stdout


def test_one_good_and_one_bad_row_write_nothing(archive, tmp_path):
    october = ["GD2026102500001", "新装", "tanggu", "0212345670", "居民", "2026-10-25 10:00", "", ""]
    bad = REPAIR.copy()
    bad[3] = "02-1234"
    run = run_import(str(write_csv(tmp_path, october, bad)), "--root", str(archive), "--month", "2026-10", "--month", "2026-11")
    assert run.status == 1
    assert "第 3 行：`account`（户号） 的值 `02-1234` 格式不对" in run.stdout
    assert "第 2 行" not in run.stdout
    assert_nothing_written(archive)


def test_dry_run_reports_and_writes_nothing(archive, tmp_path):
    run = run_import(str(write_csv(tmp_path, REPAIR, INSTALL)), "--root", str(archive), "--dry-run")
    assert run.status == 0
    assert f"{NOVEMBER}（新建）：新增 2 条，文件共 2 条。" in run.stdout
    assert "试运行（--dry-run）：没有写入任何文件。" in run.stdout and "git add" not in run.stdout
    assert_nothing_written(archive)


def test_xlsx_with_datetime_cells_is_imported(archive, tmp_path):
    rows = [REPAIR.copy(), INSTALL.copy()]
    rows[0][5] = datetime(2026, 11, 25, 14, 30, 12)
    rows[1][5] = datetime(2026, 10, 31, 23, 59)
    run = run_import(str(write_xlsx(tmp_path, *rows)), "--root", str(archive), "--month", "2026-11", "--month", "2026-10")
    assert run.status == 0, run.stdout + run.stderr
    assert run.stdout.startswith("读取工作表：归档工单\n")
    assert "GD2026112500123,repair,tanggu,0212345678,residential,2026-11-25 14:30:12," in imported(archive)
    assert "2026-10-31 23:59" in imported(archive, "records/orders/2026-10.csv")
    assert "git add records/orders/2026-10.csv records/orders/2026-11.csv" in run.stdout
    assert_no_order_errors(archive)


def test_xlsx_numeric_account_is_refused_without_guessing_zeros(archive, tmp_path):
    row: list[object] = REPAIR.copy()
    row[3] = 212345678
    run = run_import(str(write_xlsx(tmp_path, row)), "--root", str(archive))
    assert run.status == 1
    assert "第 2 行：户号是数字格式，开头的 0 可能已丢失：请把该列设为文本后重新导出。" in run.stdout
    assert_nothing_written(archive)


def test_xlsx_merged_header_cells_are_refused(archive, tmp_path):
    run = run_import(str(write_xlsx(tmp_path, REPAIR, merge="A1:B1")), "--root", str(archive))
    assert run.status == 1
    assert "第 1 行：表头有合并单元格（A1:B1）：请取消合并后重新导出。" in run.stdout
    assert_nothing_written(archive)


def test_xlsx_merged_cells_below_the_header_are_refused_on_their_row(archive, tmp_path):
    run = run_import(str(write_xlsx(tmp_path, REPAIR, INSTALL, merge="C2:C3")), "--root", str(archive))
    assert run.status == 1
    assert "第 2 行：有合并单元格（C2:C3）：每一行都要写全，请取消合并后重新导出。" in run.stdout


def test_xlsx_empty_sheet_is_refused(archive, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "空表"
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    run = run_import(str(path), "--root", str(archive))
    assert run.status == 1
    assert "第 1 行：工作表“空表”是空的" in run.stdout
    assert_nothing_written(archive)


def test_header_without_rows_is_refused(archive, tmp_path):
    run = run_import(str(write_csv(tmp_path)), "--root", str(archive))
    assert run.status == 1 and "第 1 行：只有表头，没有工单" in run.stdout


def test_empty_or_undecodable_csv_is_refused(archive, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"")
    empty = run_import(str(path), "--root", str(archive))
    assert empty.status == 1 and "第 1 行：文件是空的" in empty.stdout
    path.write_bytes("工单号\n".encode() + b"\xff\xfe\x00\n")
    garbled = run_import(str(path), "--root", str(archive))
    assert garbled.status == 1 and "第 2 行：文件既不是 UTF-8 也不是 GBK 编码" in garbled.stdout


def test_usage_errors_exit_2(archive, tmp_path):
    missing = run_import(str(tmp_path / "none.csv"), "--root", str(archive))
    assert missing.status == 2 and "找不到导出文件" in missing.stderr
    (tmp_path / "export.txt").write_text("x", encoding="utf-8")
    wrong = run_import(str(tmp_path / "export.txt"), "--root", str(archive))
    assert wrong.status == 2 and "导出文件应为 .csv 或 .xlsx" in wrong.stderr
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    broken = run_import(str(tmp_path / "broken.xlsx"), "--root", str(archive))
    assert broken.status == 2 and "不是有效的 .xlsx 文件" in broken.stderr
    sheet = run_import(str(write_xlsx(tmp_path, REPAIR)), "--root", str(archive), "--sheet", "Sheet9")
    assert sheet.status == 2 and "没有名为“Sheet9”的工作表：已有 归档工单" in sheet.stderr


def test_script_runs_from_the_command_line(archive, tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "import_orders.py"), str(write_csv(tmp_path, REPAIR)), "--root", str(archive), "--dry-run"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0 and "新增 1 条" in result.stdout
