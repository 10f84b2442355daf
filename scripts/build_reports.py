#!/usr/bin/env python3
"""生成客户回访统计月报，或生成单位的月度上报。与 `callback reports` 相同，用法见 `callback reports --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.reports import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
