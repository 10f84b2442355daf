#!/usr/bin/env python3
"""用 zizmor 检查 .github/workflows/ 的安全问题（计算考核金额的 CI 不能被篡改）。

    python scripts/check_workflows.py            # 检查 .github/workflows/
    python scripts/check_workflows.py 目录或文件 …

退出码：0 没有问题，1 发现问题（zizmor 的报告照原样打印），2 没有安装 zizmor 或它无法运行。
zizmor 的版本固定在 requirements-dev.txt；离线运行（--offline），不访问 GitHub。
pre-commit 钩子和 tests/test_workflows.py 都运行本脚本，使发现的问题保持为 0。
"""

import shutil
import subprocess
import sys
from pathlib import Path

import _project  # the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.guard import ChineseArgumentParser  # noqa: E402

WORKFLOWS = _project.ROOT / ".github" / "workflows"
# zizmor exits with 10 and up when it found something (by the highest severity), below that when it failed.
FINDINGS_EXIT = 10


def zizmor_command() -> str | None:
    """The zizmor installed beside this Python (the .venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "zizmor"
    return str(beside) if beside.is_file() else shutil.which("zizmor")


def main(argv: list[str]) -> int:
    parser = ChineseArgumentParser(
        prog="check_workflows.py",
        description="用 zizmor（离线）检查 GitHub Actions 工作流的安全问题。退出码：0 没有问题，1 发现问题，2 zizmor 缺失或无法运行。",
    )
    parser.add_argument("paths", nargs="*", metavar="路径", help="要检查的工作流文件或文件夹（默认 .github/workflows/）")
    args = parser.parse_args(argv)
    command = zizmor_command()
    if command is None:
        print("check_workflows.py：错误：没有找到 zizmor。请在仓库目录运行 make setup（它按 requirements-dev.txt 安装 zizmor）。",
              file=sys.stderr)
        return 2
    targets = args.paths or [str(WORKFLOWS)]
    try:
        result = subprocess.run([command, "--offline", "--no-progress", *targets], check=False)
    except OSError as exc:
        print(f"check_workflows.py：错误：无法运行 {command}：{exc.strerror}。", file=sys.stderr)
        return 2
    if result.returncode == 0:
        return 0
    if result.returncode < FINDINGS_EXIT:  # zizmor's own failure (no workflow found, a file it cannot parse)
        print("check_workflows.py：错误：zizmor 无法完成检查，原因见上方输出。", file=sys.stderr)
        return 2
    print("check_workflows.py：工作流有安全问题（见上方 zizmor 的报告和 help 中的说明）：修改后重新运行本脚本，直到没有问题。",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
