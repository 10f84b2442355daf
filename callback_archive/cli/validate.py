"""``scripts/validate.py``: check the archive, or some of its files, and report every finding."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

from ..engine import incremental
from .. import kinds
from ..engine.loader import collector_paused, links_outside_records
from .guard import ChineseArgumentParser, UsageError, add_root_and_as_of, program, resolve_as_of, resolve_root
from ..findings import Finding
from ..guide import site_url
from ..history import GitUnavailable, History, open_repo, resolve_commit, start_history, unavailable_notice
from ..progress import keep_quiet
from ..render.findings import REPORTERS, Summary
from ..timeutil import format_time

MAX_JOBS = 256  # more reading processes than this only exhaust the machine (and a huge N overflows)

def build_parser() -> ChineseArgumentParser:
    parser = ChineseArgumentParser(
        prog="validate.py",
        description="校验客户回访档案：记录格式、存放位置、时间与时限。退出码：0 无错误（可有警告），1 有错误，2 用法或配置错误。",
    )
    parser.add_argument("paths", nargs="*", metavar="路径", help="只报告这些文件或目录的问题（默认：整个档案）；跨记录检查仍基于整个档案")
    parser.add_argument("--format", choices=sorted(REPORTERS), default="text",
                        help="输出格式：text（默认）、json、github（GitHub 行内标注和作业摘要；在 Gitea/Forgejo 上是文本日志）、"
                        "gitlab（GitLab 代码质量报告）、junit（JUnit XML 测试报告）")
    parser.add_argument(
        "--base",
        metavar="版本",
        help="与这个 Git 版本（如 origin/main）比较：已合并的记录被修改须登记更正、不能删除或移动；"
        "档案建立时间按该版本的历史判断（合并请求的 CI 用目标分支）",
    )
    parser.add_argument("--jobs", type=int, metavar="N",
                        help=f"用几个进程读取文件（1 到 {MAX_JOBS}；默认：文件多时用全部处理器，少时 1 个）；结果与进程数无关")
    parser.add_argument("--no-cache", action="store_true",
                        help="不使用也不写入 .cache/ 中的缓存：读取结果（records/，按文件内容保存）、上次校验的结论"
                        "（checks/，只重算改动和时间推移涉及的部分）和 Git 历史（history/）；缓存随时可以删除，结果不变")
    parser.add_argument("--stats", action="store_true",
                        help="在标准错误输出上报告读取了多少文件、多少来自缓存、用了几个进程，增量检查时重算了多少组结论")
    add_root_and_as_of(parser)
    return parser


def _history(root: Path, base: str | None, use_cache: bool) -> Callable[[], History | None]:
    """Main's record history: at ``base`` when given, else main (or HEAD); None outside Git. Its ``git log``
    runs while the files are listed and read: the function returned waits for it."""
    if base is None:
        return start_history(root, use_cache=use_cache)
    try:
        repo = open_repo(root)
    except GitUnavailable:
        raise UsageError(f"--base 需要档案目录是 Git 仓库的根目录，{root} 不是。") from None
    if resolve_commit(repo, base) is None:
        raise UsageError(f"--base {base}：仓库中没有这个版本。请先 git fetch（CI 中 actions/checkout 设置 fetch-depth: 0），或检查拼写。")
    return start_history(root, base, use_cache=use_cache)


def _selected(root: Path, paths: list[str]) -> list[str]:
    """The given paths as archive-relative prefixes; a path outside the archive is a usage error."""
    selected = []
    for text in paths:
        path = Path(text).resolve()
        if not path.exists():
            raise UsageError(f"路径不存在：{text}")
        try:
            relative = path.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{text} 不在档案目录 {root} 中：只能校验档案内的文件。") from None
        selected.append("" if relative == "." else relative)
    return selected


def _within(finding: Finding, prefixes: list[str]) -> bool:
    return any(not p or finding.file == p or finding.file.startswith(p + "/") for p in prefixes)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.format != "text":
        keep_quiet()  # reports for programs and CI logs: no progress bar on stderr
    started = time.perf_counter()
    try:
        root = resolve_root(args.root)
        as_of = resolve_as_of(args.as_of)
        prefixes = _selected(root, args.paths)
        history = _history(root, args.base, not args.no_cache)
        if args.jobs is not None and not 1 <= args.jobs <= MAX_JOBS:
            raise UsageError(f"--jobs 应为 1 到 {MAX_JOBS} 之间的整数，实际为 {args.jobs}。")
    except UsageError as exc:
        print(f"{program('validate.py')}：错误：{exc}", file=sys.stderr)
        return 2
    seconds = {"Git 历史": time.perf_counter() - started}
    with collector_paused():
        try:
            outcome = incremental.validate(root, as_of=as_of, history=history, base=args.base, jobs=args.jobs,
                                           use_cache=not args.no_cache)
        except GitUnavailable as exc:  # git log failed (the scan runs while files are read)
            print(f"{program('validate.py')}：错误：{exc}", file=sys.stderr)
            return 2
        seconds["读取和检查"] = time.perf_counter() - started - sum(seconds.values())
        findings = sorted([*outcome.findings, *links_outside_records(root)], key=lambda f: f.sort_key)
        if prefixes:
            findings = [f for f in findings if _within(f, prefixes)]
            files = sum(1 for p in outcome.paths if any(not q or p == q or p.startswith(q + "/") for q in prefixes))
        else:
            files = len(outcome.paths)
        notices = [unavailable_notice()] if history() is None else []
        REPORTERS[args.format](findings, Summary.of(findings, files, format_time(as_of)), sys.stdout, notices,
                               site_url=site_url(root))
        seconds["输出"] = time.perf_counter() - started - sum(seconds.values())
    if args.stats:
        loaded = outcome.load_stats
        if outcome.mode == "incremental":
            print(f"增量检查：重算 {outcome.groups} 组结论，读入 {loaded.files} 个文件（其余沿用上次的结论），"
                  f"来自缓存 {loaded.cached} 个，重新读取 {loaded.read} 个。", file=sys.stderr)
        else:
            rate = f"{loaded.cached / loaded.files:.1%}" if loaded.files else "—"
            print(f"读取统计：文件 {loaded.files} 个，来自缓存 {loaded.cached} 个（命中率 {rate}），"
                  f"重新读取 {loaded.read} 个，{loaded.jobs} 个进程。", file=sys.stderr)
        print("用时：" + "，".join(f"{what} {spent:.2f} 秒" for what, spent in seconds.items()) + "。", file=sys.stderr)
    config_files = kinds.config_files()
    if any(f.severity == "error" and f.file in config_files for f in findings):
        return 2
    return 1 if any(f.severity == "error" for f in findings) else 0
