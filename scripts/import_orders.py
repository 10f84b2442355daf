#!/usr/bin/env python3
"""导入营销系统导出的归档工单。用法见 `python scripts/import_orders.py --help`。"""

import sys

import _project  # noqa: E402,F401  the repository's .venv and import path (scripts/_project.py)

from callback_archive.import_orders_cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
