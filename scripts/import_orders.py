#!/usr/bin/env python3
"""导入营销系统导出的归档工单。用法见 `python scripts/import_orders.py --help`。"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from callback_archive.import_orders_cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
