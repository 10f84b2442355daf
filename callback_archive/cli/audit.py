"""``scripts/audit.py``: the audit trail from Git, for a month, a record, or all months at a glance."""

from __future__ import annotations

import json
import re
import sys

from ..archive import ArchiveAt
from ..engine.loader import load_archive
from ..audit import (
    audit_events,
    index_view,
    month_view,
    record_view,
    render_index_markdown,
    render_month_markdown,
    render_record_markdown,
)
from .guard import ChineseArgumentParser, UsageError, add_root_and_as_of, program, resolve_as_of, resolve_root
from ..history import load_history


def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="audit.py",
        description="档案审计：记录何时合并到 main、档案建立超时、补录、更正、作废、未经合并请求的提交。"
        "不指定 --month 或 --record 时列出各月概况。退出码：0 正常，2 用法错误或没有可用的 Git 历史。",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--month", metavar="年-月", help="某月的审计事项，如 2026-11")
    group.add_argument("--record", metavar="编号", help="某条记录的历史：每次提交的时间、作者、说明和改动的字段")
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown", help="输出格式：markdown（默认）、json")
    add_root_and_as_of(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        root = resolve_root(args.root)
        as_of = resolve_as_of(args.as_of)
        if args.month is not None and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", args.month):
            raise UsageError(f"--month 应写成 年-月，如 2026-11，而不是 {args.month}。")
        history = load_history(root)
        if history is None:
            raise UsageError(f"{root} 不是 Git 仓库的根目录：审计需要档案的 Git 历史。")
        if history.shallow:
            raise UsageError("这是 Git 浅克隆，历史不完整：请先运行 git fetch --unshallow（CI 中设置 fetch-depth: 0）。")
        at = ArchiveAt.of(load_archive(root), history, as_of)  # the history first: without it nothing to audit
        if args.record is not None:
            view = record_view(at.records, history, args.record)
            if view is None:
                raise UsageError(f"档案和 Git 历史中都没有编号为 {args.record} 的回访或复函记录。")
            text = render_record_markdown(view)
        else:
            events = audit_events(at)
            if args.month is not None:
                view = month_view(events, args.month)
                text = render_month_markdown(view)
            else:
                view = index_view(events)
                text = render_index_markdown(view)
    except UsageError as exc:
        print(f"{program('audit.py')}：错误：{exc}", file=sys.stderr)
        return 2
    sys.stdout.write(json.dumps(view, ensure_ascii=False, indent=2) + "\n" if args.format == "json" else text)
    return 0
