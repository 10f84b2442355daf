"""``scripts/build_reports.py``: monthly reports (pages, summary.json, workbook), and a unit's submission."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..archive import ArchiveAt, open_archive
from ..history import GitUnavailable, History, create_seal
from .guard import (
    ChineseArgumentParser, UsageError, add_root_and_as_of, note_left_out, parse_month, program, resolve_as_of, resolve_root,
)
from ..render.markdown import render_index, render_month
from ..render.xlsx import write_workbook
from ..reports.monthly import month_summary, months_present
from ..safefile import write_atomic
from ..submissions import write_submission
from ..reports.summary import read_summary, summary_problems


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
    parser.add_argument("--seal", action="store_true",
                        help="为已过上报时限（已结月）的月份在 main 上创建封存标签 archive/<年-月>，记下当月合计和考核案例编号；"
                        "已封存的月份不重复封存、不移动标签（之后请 git push origin --tags）")
    add_root_and_as_of(parser)
    return parser


def submit(at: ArchiveAt, unit: str, month: tuple[int, int], by: str | None) -> int:
    year, number = month
    archive = at.records
    try:
        relative = write_submission(at, unit, year, number, by)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    late = "（已超过上报时限，将按第二十七条考核）" if at.as_of > archive.rules.monthly_report_due(year, number) else ""
    print(f"已生成 {relative}{late}。下一步：git add {relative} && git commit -m \"{archive.units[unit].name} 上报 {year} 年 {number} 月回访统计\" 并发起合并请求。")
    return 0


def seal_message(summary: dict) -> str:
    """What a month's seal carries: a line for people, then the month's totals and case ids as JSON."""
    company = summary["company"]
    data = {"month": summary["month"], "version": summary["version"], "as_of": summary["as_of"],
            "report_due": summary["report_due"], "timed": company["timed"], "totals": company["totals"],
            "penalties": {k: v for k, v in company["penalties"].items() if k != "provisional_amounts"},
            "cases": [c["id"] for c in summary["penalties"] if not c["provisional"]],
            "provisional_cases": [c["id"] for c in summary["penalties"] if c["provisional"]]}
    return (f"{summary['month']} 客户回访月报封存（第二十条：上报时限 {summary['report_due']} 已过，统计截至 {summary['as_of']}）"
            "\n\n" + json.dumps(data, ensure_ascii=False, indent=1))


def seal_months(root: Path, history: History | None, summaries: list[dict]) -> None:
    """Seal every closed month of ``summaries`` on the history's head (main); sealed ones stay as they are."""
    if history is None:
        raise UsageError("--seal 需要在 Git 仓库的根目录运行：封存标签打在 main 上。")
    if history.shallow or history.head is None:
        raise UsageError("--seal 需要完整的 Git 历史（浅克隆或没有提交时无法封存）：请先运行 git fetch --unshallow。")
    sealed = {s.month for s in history.seals}
    for summary in summaries:
        month = summary["month"]
        if not summary["closed"]:
            continue
        if month in sealed or not create_seal(root, month, history.head, seal_message(summary)):
            print(f"{month} 已封存（archive/{month}），不重复封存。")
            continue
        print(f"{month} 已结月，封存为标签 archive/{month}（提交 {history.head[:10]}）。"
              f"请推送：git push origin archive/{month}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        as_of = resolve_as_of(args.as_of)
        month = parse_month(args.month) if args.month else None
        at = open_archive(root, as_of=as_of)
        if at.records.rules is None:
            raise UsageError("policy.yaml 缺失或有误：请先运行 scripts/validate.py 查看问题。")
        if args.submit:
            if month is None:
                raise UsageError("--submit 需要同时给出 --month。")
            return submit(at, args.submit, month, args.by)
        months = [month] if month else months_present(at)
        if month and month not in months_present(at):
            raise UsageError(f"档案中没有 {args.month} 的统计数据。")
    except UsageError as exc:
        print(f"{program('build_reports.py')}：错误：{exc}", file=sys.stderr)
        return 2
    note_left_out(program("build_reports.py"), at.records.findings)
    out = args.out if args.out.is_absolute() else root / args.out
    try:
        summaries = write_reports(at, months, out, index=not month)
        if args.seal:
            seal_months(root, at.git, summaries)
    except (UsageError, GitUnavailable) as exc:
        print(f"{program('build_reports.py')}：错误：{exc}", file=sys.stderr)
        return 2
    except SummaryDefect as exc:
        print(f"{program('build_reports.py')}：内部错误：{exc}", file=sys.stderr)
        return 1
    return 0


class SummaryDefect(Exception):
    """A summary that does not follow its schema: a defect of this program, never of the records."""


def write_reports(at: ArchiveAt, months: list[tuple[int, int]], out: Path, index: bool) -> list[dict]:
    """Each month's summary.json, workbook and page under ``out/<年-月>/`` (and the index of months when ``index``);
    returns the summaries written.

    Every file is written whole or not at all (safefile.write_atomic): a failure leaves the previous
    build's file in place and stops with a WriteError naming the file. A summary that breaks its
    schema is never written (SummaryDefect).
    """
    summaries = []
    for year, number in months:
        data = month_summary(at, (year, number))
        problems = summary_problems(data)
        if problems:
            raise SummaryDefect("；".join(problems[:3]))
        summary = read_summary(data)
        folder = out / summary.month
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"无法建立输出文件夹 {folder}：{exc.strerror}。") from None
        write_atomic(folder / "summary.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        xlsx_name = f"月报-{summary.month}.xlsx"
        write_workbook(summary, folder / xlsx_name)
        write_atomic(folder / "index.md", render_month(summary, xlsx_name=xlsx_name))
        summaries.append(data)
        timed, penalties = summary.company.timed, summary.company.penalties
        print(f"{summary.month}：有时限应回访 {timed.total}，按时 {timed.on_time}，超时 {timed.late}，逾期 {timed.overdue}，"
              f"考核案例 {penalties.cases} 个，暂定案例 {penalties.provisional} 个（不计入合计）"
              f"{'' if summary.closed else '，未结月，数字会变'} → {folder}")
    if index:
        write_atomic(out / "index.md", render_index(summaries))
    return summaries
