"""``scripts/build_reports.py``: monthly reports (pages, summary.json, workbook), and a unit's submission."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from .archive import Archive, load_archive
from .history import load_history
from .cli import ChineseArgumentParser, UsageError, add_root_and_as_of, parse_month, resolve_as_of, resolve_root
from .report_markdown import render_index, render_month
from .report_xlsx import write_workbook
from .safefile import write_atomic
from .reports import month_summary, months_present
from .submissions import write_submission


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="build_reports.py",
        description="按月生成客户回访统计月报（第十八至二十条）：网页、summary.json 和 Excel 工作簿；"
        "或用 --submit 生成某单位的月度上报文件。",
    )
    parser.add_argument("--month", metavar="年-月", help="只生成这个月（如 2026-10；默认：档案中的所有月份）")
    parser.add_argument("--out", type=Path, default=Path("out/reports"), metavar="目录", help="输出目录（默认 out/reports）")
    parser.add_argument("--submit", metavar="单位", help="生成该单位 --month 月的上报文件 records/submissions/<年-月>/<单位>.yaml")
    parser.add_argument("--by", metavar="姓名", help="上报人（默认：units.yaml 中该单位的统计上报责任人）")
    add_root_and_as_of(parser)
    return parser


def submit(archive, unit: str, month: tuple[int, int], as_of, by: str | None) -> int:
    year, number = month
    try:
        relative = write_submission(archive, unit, year, number, as_of, by)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    late = "（已超过上报时限，将按第二十七条考核）" if as_of > archive.rules.monthly_report_due(year, number) else ""
    print(f"已生成 {relative}{late}。下一步：git add {relative} && git commit -m \"{archive.units[unit].name} 上报 {year} 年 {number} 月回访统计\" 并发起合并请求。")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        as_of = resolve_as_of(args.as_of)
        month = parse_month(args.month) if args.month else None
        archive = load_archive(root)
        history = load_history(root)
        archive.history = history.until(as_of) if history is not None else None
        if archive.rules is None:
            raise UsageError("policy.yaml 缺失或有误：请先运行 scripts/validate.py 查看问题。")
        if args.submit:
            if month is None:
                raise UsageError("--submit 需要同时给出 --month。")
            return submit(archive, args.submit, month, as_of, args.by)
        months = [month] if month else months_present(archive, as_of)
        if month and month not in months_present(archive, as_of):
            raise UsageError(f"档案中没有 {args.month} 的统计数据。")
    except UsageError as exc:
        print(f"build_reports.py：错误：{exc}", file=sys.stderr)
        return 2
    out = args.out if args.out.is_absolute() else root / args.out
    try:
        write_reports(archive, months, as_of, out, index=not month)
    except UsageError as exc:
        print(f"build_reports.py：错误：{exc}", file=sys.stderr)
        return 2
    return 0


def write_reports(archive: Archive, months: list[tuple[int, int]], as_of: datetime, out: Path, index: bool) -> None:
    """Each month's summary.json, workbook and page under ``out/<年-月>/`` (and the index of months when ``index``).

    Every file is written whole or not at all (safefile.write_atomic): a failure leaves the previous
    build's file in place and stops with a WriteError naming the file.
    """
    summaries = []
    for year, number in months:
        summary = month_summary(archive, (year, number), as_of)
        folder = out / f"{year}-{number:02d}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"无法建立输出文件夹 {folder}：{exc.strerror}。") from None
        write_atomic(folder / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
        xlsx_name = f"月报-{year}-{number:02d}.xlsx"
        write_workbook(summary, folder / xlsx_name)
        write_atomic(folder / "index.md", render_month(summary, xlsx_name=xlsx_name))
        summaries.append(summary)
        totals = summary["company"]["totals"]
        print(f"{year}-{number:02d}：应回访 {totals['total']}，按时 {totals['on_time']}，超时 {totals['late']}，"
              f"逾期 {totals['overdue']}，考核案例 {summary['company']['penalties']['cases']} 个 → {folder}")
    if index:
        write_atomic(out / "index.md", render_index(summaries))
