#!/usr/bin/env python3
"""用 zizmor 检查 .github/workflows/ 的安全问题（计算考核金额的 CI 不能被篡改）。与 `callback check-workflows` 相同，用法见 `callback check-workflows --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.workflows import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
