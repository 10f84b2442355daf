"""``scripts/import_orders.py``: import the marketing system's export of archived work orders, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from .guard import ChineseArgumentParser, UsageError, parse_month, program, resolve_root
from ..orders_import import (
    ORDERS_DIR,
    ImportPlan,
    MonthFile,
    month_files,
    plan_import,
    read_export,
    write_month_files,
)
from ..progress import progress_wanted
from ..safefile import locked

PROG = "import_orders.py"


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog=PROG,
        description="把营销系统导出的归档工单（.csv 或 .xlsx）导入 records/orders/<年>-<月>.csv。"
        "有问题的行全部列出且一条也不写入；已导入过的相同工单跳过。"
        "退出码：0 成功，1 导出文件有问题，2 用法错误、文件无法读取或写入，或另一次导入正在进行。",
    )
    parser.add_argument("export", type=Path, metavar="导出文件", help="营销系统导出的 .csv（UTF-8 或 GBK）或 .xlsx 文件")
    parser.add_argument("--month", action="append", metavar="年-月",
                        help="导出所含的月份，如 2026-11（跨月时可写多次）；每条工单的归档时间都必须在其中。"
                        "默认：大多数工单所在的月份")
    parser.add_argument("--sheet", metavar="工作表", help="xlsx 中要导入的工作表名称（默认：第一个工作表）")
    parser.add_argument("--root", type=Path, help="档案仓库根目录（默认：当前目录向上查找含 records/ 的目录）")
    parser.add_argument("--dry-run", action="store_true", help="只检查并显示将导入的内容，不写入任何文件")
    return parser


def _report_errors(plan: ImportPlan, export: Path) -> None:
    for error in sorted(plan.errors, key=lambda e: e.row):
        print(f"{export.name} 第 {error.row} 行：{error.message}")
    bad_rows = len({e.row for e in plan.errors})
    print(f"{bad_rows} 行有问题，没有导入任何工单：请在导出文件中改正后重新导入（行号即表格中的行号）。")


def _report_summary(plan: ImportPlan, files: list[MonthFile], dry_run: bool) -> None:
    ignored = f"；忽略 {len(plan.ignored)} 列：{'、'.join(plan.ignored)}" if plan.ignored else ""
    print(f"读取工单 {plan.rows} 条{ignored}。")
    if plan.skipped:
        print(f"已导入过，跳过 {plan.skipped} 条。")
    if not files:
        print("没有新的工单需要导入。")
        return
    for month in files:
        created = "（新建）" if month.created else ""
        print(f"{month.relpath}{created}：新增 {month.added} 条，文件共 {month.total} 条。")
    if dry_run:
        print("试运行（--dry-run）：没有写入任何文件。去掉 --dry-run 再运行一次即可导入。")
        return
    paths = " ".join(m.relpath for m in files)
    months = "、".join(m.relpath.rsplit("/", 1)[-1].removesuffix(".csv") for m in files)
    print("下一步：")
    print("  1. python scripts/validate.py          # 确认档案没有错误")
    print(f"  2. git add {paths}")
    print(f'  3. git commit -m "导入营销系统归档工单（{months}）"，然后发起合并请求。')


def _import(root: Path, args) -> tuple[ImportPlan, list[MonthFile]]:
    """Plan and (unless a dry run) write; the orders folder stays locked from reading the archive to writing."""
    months = sorted({"%04d-%02d" % parse_month(m) for m in args.month}) if args.month else None
    table = read_export(args.export, args.sheet)
    if args.dry_run:
        plan = plan_import(root, table, months, progress_wanted())
        return plan, month_files(plan) if not plan.errors else []
    # The duplicate check reads every month file: one import at a time for the whole folder.
    with locked(root / ORDERS_DIR):
        plan = plan_import(root, table, months, progress_wanted())
        files = month_files(plan) if not plan.errors else []
        if files:
            write_month_files(root, files)
    return plan, files


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        plan, files = _import(root, args)
    except UsageError as exc:
        print(f"{program(PROG)}：错误：{exc}", file=sys.stderr)
        return 2
    print(plan.source)
    for note in plan.notes:
        print(note)
    if plan.errors:
        _report_errors(plan, args.export)
        return 1
    _report_summary(plan, files, args.dry_run)
    return 0
