"""``callback check-workflows``: zizmor on .github/workflows/ (the CI that computes fines must not be tampered with).

Exit status: 0 no findings, 1 findings (zizmor's report printed as is), 2 zizmor missing or unable to run.
zizmor is pinned in requirements-dev.txt and runs offline (``--offline``): it never asks GitHub.
The pre-commit hook and tests/test_workflows.py run this command, keeping the findings at 0.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .guard import CODE_ROOT, ChineseArgumentParser, program

WORKFLOWS = CODE_ROOT / ".github" / "workflows"
# zizmor exits with 10 and up when it found something (by the highest severity), below that when it failed.
FINDINGS_EXIT = 10
PROG = "check_workflows.py"


def zizmor_command() -> str | None:
    """The zizmor installed beside this Python (the .venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "zizmor"
    return str(beside) if beside.is_file() else shutil.which("zizmor")


def main(argv: list[str] | None = None) -> int:
    parser = ChineseArgumentParser(
        prog=PROG,
        description="用 zizmor（离线）检查 GitHub Actions 工作流的安全问题。退出码：0 没有问题，1 发现问题，2 zizmor 缺失或无法运行。",
    )
    parser.add_argument("paths", nargs="*", metavar="路径", help="要检查的工作流文件或文件夹（默认 .github/workflows/）")
    args = parser.parse_args(argv)
    command = zizmor_command()
    if command is None:
        print(f"{program(PROG)}：错误：没有找到 zizmor。请在仓库目录运行 make setup（它按 requirements-dev.txt 安装 zizmor）。",
              file=sys.stderr)
        return 2
    targets = args.paths or [str(WORKFLOWS)]
    try:
        result = subprocess.run([command, "--offline", "--no-progress", *targets], check=False)
    except OSError as exc:
        print(f"{program(PROG)}：错误：无法运行 {command}：{exc.strerror}。", file=sys.stderr)
        return 2
    if result.returncode == 0:
        return 0
    if result.returncode < FINDINGS_EXIT:  # zizmor's own failure (no workflow found, a file it cannot parse)
        print(f"{program(PROG)}：错误：zizmor 无法完成检查，原因见上方输出。", file=sys.stderr)
        return 2
    print(f"{program(PROG)}：工作流有安全问题（见上方 zizmor 的报告和 help 中的说明）：修改后重新运行本命令，直到没有问题。",
          file=sys.stderr)
    return 1
