#!/usr/bin/env python3
"""导入营销系统导出的归档工单。与 `callback import-orders` 相同，用法见 `callback import-orders --help`。"""

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.cli.import_orders import main  # noqa: E402
from callback_archive.cli.guard import run_command  # noqa: E402

if __name__ == "__main__":
    run_command(main)
