#!/usr/bin/env python3
"""按用电类型分层抽取抽样回访客户。与 `callback sample` 相同，用法见 `callback sample --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.sample import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
