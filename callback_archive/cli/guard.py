"""Shared command-line plumbing: a Chinese argument parser, the archive root and "now"."""

from __future__ import annotations

import argparse
import gc
import os
import shlex
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NoReturn

from ..timeutil import BEIJING, parse_time

if TYPE_CHECKING:
    from ..findings import Finding

CODE_ROOT = Path(__file__).resolve().parents[2]


DEBUG_VARIABLE = "CALLBACK_DEBUG"  # set to 1: an unexpected error also prints its traceback (for developers)
_SHOWN_ERROR_CHARS = 500


def run_command(main: Callable[[], int]) -> NoReturn:
    """Run a script's ``main`` and exit with its status, the cyclic garbage collector off throughout.

    A command over a big archive makes millions of long-lived objects and next to no garbage
    cycles; turning the collector back on after loading (``archive.collector_paused``) would walk
    them all once more, 1.5–3 s at 200,000 records, just before the process ends anyway.

    No traceback reaches a user: a usage error is its message (status 2), Ctrl+C a short line
    (status 130), anything unexpected a Chinese report of a program defect (status 2).
    """
    gc.disable()
    try:
        status = main()
    except KeyboardInterrupt:
        print(f"\n{_program()}：已中断（Ctrl+C）。", file=sys.stderr)
        status = 130
    except UsageError as exc:
        print(f"{_program()}：错误：{exc}", file=sys.stderr)
        status = 2
    except Exception as exc:  # noqa: BLE001 - the guard of last resort: every other exception is a defect
        report_defect(exc)
        status = 2
    # Leave without freeing millions of objects one by one (half a second after a big archive):
    # everything the command writes is closed by now, only the standard streams need flushing.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away (``validate.py | head``) or the stream is closed
            status = status or 1
    os._exit(status)


_command: str | None = None  # the name the ``callback`` entry point runs a command under, e.g. ``callback validate``


def name_command(name: str) -> None:
    """Make every message of this process name the command ``name`` (the entry point's ``callback validate``)."""
    global _command
    _command = name


def program(script: str) -> str:
    """How messages name the running command: as the entry point named it, else by its script (``validate.py``)."""
    return _command or script


def _program() -> str:
    return program(Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "callback_archive")


def report_defect(exc: BaseException, program: str | None = None) -> None:
    """Tell a user, in Chinese on stderr, that ``exc`` is a defect of the program and how to report it
    (the traceback too when ``CALLBACK_DEBUG=1``)."""
    if os.environ.get(DEBUG_VARIABLE, "") not in ("", "0"):
        traceback.print_exception(exc, file=sys.stderr)
    error = f"{type(exc).__name__}: {exc}"
    if len(error) > _SHOWN_ERROR_CHARS:
        error = error[:_SHOWN_ERROR_CHARS] + "……"
    print(f"{program or _program()}：程序内部错误，命令没有完成。\n"
          "这是程序的缺陷：无论操作和档案内容如何，程序都应给出说明，而不是出错。请报告给档案系统维护人员"
          "（或在仓库中提交 issue），附上下面两行：\n"
          f"  命令：{shlex.join(sys.argv)}\n"
          f"  错误：{error}\n"
          f"（维护人员可设置环境变量 {DEBUG_VARIABLE}=1 重新运行，查看完整的出错位置。）", file=sys.stderr)


class UsageError(Exception):
    """Bad usage or unreadable configuration: exit status 2."""


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese headings and errors; bad usage exits with status 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        if "prog" in kwargs:
            kwargs["prog"] = program(kwargs["prog"])
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "用法：", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "用法：", 1)

    def error(self, message: str) -> NoReturn:
        translated = (
            message.replace("unrecognized arguments", "无法识别的参数")
            .replace("invalid choice", "无效的取值")
            .replace("choose from", "可选")
            .replace("expected one argument", "需要一个值")
            .replace("the following arguments are required", "缺少必需的参数")
            .replace("argument ", "参数 ")
        )
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translated}\n")


def add_root_and_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, help="档案仓库根目录（默认：当前目录向上查找含 records/ 的目录）")
    parser.add_argument(
        "--as-of",
        metavar="时间",
        help="把这个时间当作“现在”判断时限，如 2026-11-26T09:00（不写时区即北京时间；默认：当前时钟）",
    )


def resolve_root(given: Path | None) -> Path:
    if given is not None:
        if not (given / "records").is_dir():
            raise UsageError(f"{given} 下没有 records/ 目录：--root 应指向档案仓库根目录。")
        return given.resolve()
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / "records").is_dir():
            return folder
    if (CODE_ROOT / "records").is_dir():
        return CODE_ROOT
    raise UsageError("找不到档案目录 records/：请在档案仓库中运行，或用 --root 指定。")


def resolve_as_of(text: str | None) -> datetime:
    """The moment given, or the clock to the whole second: a moment passed on as text must read back
    through ``parse_time``, which takes no fractions of a second (records carry none)."""
    if text is None:
        return datetime.now(BEIJING).replace(microsecond=0)
    try:
        return parse_time(text)
    except ValueError as exc:
        raise UsageError(f"--as-of 的值无效：{exc}。") from None


def parse_month(text: str) -> tuple[int, int]:
    """``2026-10`` → (2026, 10); anything else is a usage error."""
    parts = text.split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise UsageError(f"--month 应写成 年-月，如 2026-10，而不是 {text}。")
    return int(parts[0]), int(parts[1])


def note_left_out(program: str, findings: Iterable[Finding]) -> None:
    """Name on stderr the files in which loading found errors: what could not be read of them is missing from
    the command's results, which would otherwise look complete (a broken visit's work order listed as still
    waiting for its callback, a fine counted for it)."""
    files = sorted({f.file for f in findings if f.severity == "error"})
    if files:
        shown = "、".join(files[:10]) + (f" 等 {len(files)} 个文件" if len(files) > 10 else "")
        print(f"{program}：注意：{shown} 有错误，读不出的内容没有计入下面的结果；"
              "请运行 python scripts/validate.py 查看并改正。", file=sys.stderr)
