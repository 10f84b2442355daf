"""``scripts/due.py``: what is overdue and what falls due in the next working days, by deadline."""

from __future__ import annotations

import json
import sys

from ..archive import open_archive
from .guard import (
    ChineseArgumentParser, UsageError, add_root_and_as_of, note_left_out, program, resolve_as_of, resolve_root,
)
from ..duelist import DueItem, due_items
from ..timeutil import format_time
from ..unitnames import resolve_unit, unit_lookup

MAX_DAYS = 366  # --days looks ahead this many work days at most (far more than any deadline; a huge N overflows)


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(prog="due.py", description="列出逾期未办和今后几个工作日内到期的回访与复函，按时限排序。")
    parser.add_argument("--unit", metavar="单位", help="只列这个单位（单位编号或中文名称，如 tanggu 或 塘沽供电分公司；默认：全部单位）")
    parser.add_argument("--days", type=int, default=3, metavar="N", help="列出今后 N 个工作日内到期的事项（默认 3；0 表示只列今天到期和已逾期的）")
    parser.add_argument("--format", choices=["text", "markdown", "json"], default="text", help="输出格式：text（默认）、markdown（用于 GitHub 作业摘要）、json")
    add_root_and_as_of(parser)
    return parser


def _rows(items: list[DueItem]) -> list[list[str]]:
    return [
        [
            "逾期" if i.state == "overdue" else "待办",
            i.deadline.due_text + ("（暂定）" if i.deadline.provisional else ""),
            i.deadline.article,
            i.what,
            i.unit,
            i.reference,
            i.detail,
            i.file,
        ]
        for i in items
    ]


HEADERS = ["状态", "时限", "条款", "事项", "单位", "工单/编号", "情况", "文件"]


def render(items: list[DueItem], fmt: str, heading: str) -> str:
    if fmt == "json":
        return json.dumps({"heading": heading, "items": [i.as_dict() for i in items]}, ensure_ascii=False, indent=2)
    rows = _rows(items)
    if fmt == "markdown":
        lines = [f"## {heading}", ""]
        if rows:
            lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        else:
            lines.append("没有逾期或即将到期的事项。")
        return "\n".join(lines)
    lines = [heading]
    lines += ["  ".join(row) for row in rows] or ["没有逾期或即将到期的事项。"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        as_of = resolve_as_of(args.as_of)
        if not 0 <= args.days <= MAX_DAYS:
            raise UsageError(f"--days 应为 0 到 {MAX_DAYS} 之间的整数（工作日数），而不是 {args.days}。")
        at = open_archive(root, as_of=as_of, git=False)  # the list needs no Git history
        archive = at.records
        if not archive.units:
            raise UsageError("records/units.yaml 缺失或有误，无法确定单位：请先运行 scripts/validate.py 查看问题。")
        unit = None
        if args.unit is not None:
            try:
                unit = resolve_unit(args.unit, unit_lookup((u.id, u.name) for u in archive.units.values()))
            except ValueError as exc:
                raise UsageError(f"--unit 的单位{exc}") from None
        if archive.rules is None:
            raise UsageError("policy.yaml 缺失或有误，无法计算时限：请先运行 scripts/validate.py 查看问题。")
    except UsageError as exc:
        print(f"{program('due.py')}：错误：{exc}", file=sys.stderr)
        return 2
    note_left_out(program("due.py"), archive.findings)
    items = due_items(at, args.days, unit)
    overdue = sum(1 for i in items if i.state == "overdue")
    who = archive.units[unit].name if unit else "全部单位"
    heading = f"截至 {format_time(as_of)}，{who}：逾期 {overdue} 项，今后 {args.days} 个工作日内到期 {len(items) - overdue} 项"
    print(render(items, args.format, heading))
    return 0
