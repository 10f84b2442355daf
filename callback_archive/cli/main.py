"""``callback``: the one command staff type, with a sub-command per task (``callback validate``, ``callback new`` …).

Each sub-command is the ``main(argv)`` of a module, imported only when it runs: ``callback due`` does not pay for
loading the report writers. Messages name the command as typed (``callback validate：错误：…``).
"""

from __future__ import annotations

import difflib
import importlib
import sys
from pathlib import Path
from typing import NoReturn

from .guard import UsageError, name_command, run_command

# Sub-command → (module with its ``main(argv)``, one line for ``callback --help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("callback_archive.cli.validate", "校验档案记录，列出全部问题（提交前、合并请求中）"),
    "new": ("callback_archive.cli.new", "登记一条回访或复函记录，或更正、作废已入库的记录"),
    "due": ("callback_archive.cli.due", "列出逾期和即将到期的回访与复函"),
    "reports": ("callback_archive.cli.reports", "生成客户回访统计月报，或生成单位的月度上报"),
    "import-orders": ("callback_archive.cli.import_orders", "导入营销系统导出的归档工单"),
    "sample": ("callback_archive.cli.sample", "按用电类型分层抽取抽样回访客户，或核对已抽的名单"),
    "audit": ("callback_archive.cli.audit", "档案审计：记录何时合并、超时、补录、更正、作废"),
    "codeowners": ("callback_archive.codeowners", "生成各 Git 网站的 CODEOWNERS 和合并请求模板（--check 检查是否过期）"),
    "check-workflows": ("callback_archive.cli.workflows", "用 zizmor 检查 GitHub Actions 工作流的安全问题"),
}
HELP_FLAGS = ("-h", "--help")


def command_name() -> str:
    """``callback``, or ``python -m callback_archive`` when started that way."""
    return "python -m callback_archive" if Path(sys.argv[0]).name == "__main__.py" else "callback"


def help_text() -> str:
    name = command_name()
    width = max(map(len, COMMANDS)) + 2
    lines = [f"用法：{name} <子命令> [参数 …]", "",
             "滨海供电公司客户回访档案的命令。在档案仓库中运行（或用 --root 指定档案目录）；",
             f"每个子命令的参数见 {name} <子命令> --help。", "", "子命令："]
    lines += [f"  {command.ljust(width)}{summary}" for command, (_, summary) in COMMANDS.items()]
    lines += ["", "选项：", f"  {'-h, --help'.ljust(width)}显示本帮助并退出"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the sub-command ``argv`` names (default: the command line) with the rest of ``argv``."""
    args = sys.argv[1:] if argv is None else argv
    name = command_name()
    name_command(name)
    if args and args[0] in HELP_FLAGS:
        sys.stdout.write(help_text())
        return 0
    if not args:
        sys.stderr.write(help_text())
        raise UsageError(f"请指定子命令，如 {name} validate。")
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        close = difflib.get_close_matches(command, COMMANDS, n=1)
        hint = f"是不是要运行 {name} {close[0]}？" if close else f"可用的子命令：{'、'.join(COMMANDS)}。"
        raise UsageError(f"没有子命令“{command}”。{hint}用法见 {name} --help。")
    name_command(f"{name} {command}")
    return importlib.import_module(COMMANDS[command][0]).main(rest)


def run() -> NoReturn:
    """The ``callback`` entry point (``[project.scripts]`` in pyproject.toml)."""
    run_command(main)
